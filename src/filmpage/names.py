"""The one rule for names: every file the build writes fits the file system.

A name may have 255 bytes on most file systems, a path 4,096 on Linux. Names that come
from records are slugs, bounded when records are checked (:data:`slugs.MAX_SLUG`, a
written slug over it an error, a derived one shortened); what is left is checked here:
the output folder, before anything is written (:func:`check_room`), and every path once
the pages are planned (:func:`check_name_limits`), against the limits of the file system
that holds the output.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import FilmpageError, Problems

NAME_MAX, PATH_MAX = 255, 4096
"""A file name's and a path's limits in bytes, where the file system does not say."""


def check_name_limits(out: Path, paths: list[str], static: set[str], problems: Problems) -> None:
    """Every output path must fit the file system of ``out``: no name longer than its
    limit (255 bytes on most), no path longer than its own (4096 bytes on Linux), counted
    from the staging folder the build writes into first. Names that come from records
    are bounded by the slug rule (:data:`slugs.MAX_SLUG`) when records are checked; what
    is left is a static file's name, and an output folder too deep for its site."""
    name_max, path_max = _limits(out.absolute().parent)
    prefix = len(os.fsencode(out.absolute().parent)) + len(os.fsencode(out.name)) + 16
    longest = ""
    for path in paths:
        size = len(path.encode())
        if size > len(longest):
            longest = path
        if size > name_max and any(len(n.encode()) > name_max for n in path.split("/")):
            name = max(path.split("/"), key=lambda n: len(n.encode()))
            shown = f"static/{path}" if path in static else path
            problems.error(
                shown,
                0,
                0,
                "",
                f"the name {name[:40]!r}... is {len(name.encode())} bytes; "
                f"the file system of the output folder allows {name_max}",
            )
    if longest and prefix + len(longest.encode()) >= path_max:
        problems.error(
            str(out),
            0,
            0,
            "",
            f"the output folder is too deep for the site: {longest} "
            f"would have a path of {prefix + len(longest.encode())} bytes, and the file "
            f"system allows {path_max - 1}; choose a shorter --out",
        )


ROOM = 300
"""Bytes that the build's own names take at most below or beside the output folder: a
page (``people/<slug>/page/12/index.html``, slugs being bounded), the staging folder, the
build cache (``.filmpage-cache/<out>-images/card-<hash>.png.<pid>.tmp``)."""


def check_room(out: Path) -> None:
    """Refuse an output folder whose own path leaves no room for the build's files under
    the file system's limits, before anything is written (:func:`check_name_limits`
    checks each path once they are known)."""
    out = out.absolute()
    name_max, path_max = _limits(out.parent)
    size, name = len(os.fsencode(out)), len(os.fsencode(out.name))
    if size + ROOM >= path_max or name + 24 > name_max:
        what = f"path is {size}" if size + ROOM >= path_max else f"name is {name}"
        raise FilmpageError(
            f"{out}: the output folder's {what} bytes long; the build writes names up to "
            f"{ROOM} bytes below it and beside it, and the file system allows paths of "
            f"{path_max - 1} bytes and names of {name_max}: choose a shorter --out"
        )


def _limits(folder: Path) -> tuple[int, int]:
    """The file system's limits on a name and on a path, in bytes, at ``folder`` (which
    may not exist yet: then at the nearest folder above it that does)."""
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    limits = []
    for name, default in (("PC_NAME_MAX", NAME_MAX), ("PC_PATH_MAX", PATH_MAX)):
        try:
            limits.append(os.pathconf(folder, name) or default)
        except (OSError, ValueError, AttributeError):  # not known here (Windows)
            limits.append(default)
    return limits[0], limits[1]
