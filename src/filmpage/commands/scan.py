"""Every file a build reads, with its size and modification time: enough to tell that
nothing changed since the last build without reading anything, and which records did."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import Problems
from ..i18n import LOCALES_DIR, SITE_LOCALES
from ..inputs import every_file
from ..settings import SETTINGS_FILE
from ..theme import theme_dir

Stamp = tuple[int, int]


def template_dirs(root: Path) -> list[Path]:
    """The site's templates first, then the theme's (the same folder only once)."""
    dirs = [root / "templates", theme_dir() / "templates"]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def input_stamps(root: Path) -> dict[str, Stamp]:
    """The size and modification time of every file a build reads, by path; a file whose
    name is not UTF-8 (which the pages and the store cannot name) is an error."""
    stamps = {}
    for folder in (
        root / "content",
        root / "templates",
        root / "static",
        root / SITE_LOCALES,
        theme_dir() / "templates",
        theme_dir() / "static",
        LOCALES_DIR,
    ):
        for path in every_file(str(folder)):  # each real folder once: a loop ends
            stamps[path] = stamp(path)
    _refuse_names_not_utf8(root, stamps)
    settings = str(root / SETTINGS_FILE)
    return {settings: stamp(settings), **stamps}


def _refuse_names_not_utf8(root: Path, paths: Iterable[str]) -> None:
    paths = list(paths)
    try:
        "\0".join(paths).encode()  # (every build: all of them at once, found one by one)
        return
    except UnicodeEncodeError:
        pass
    problems = Problems()
    for path in paths:
        try:
            path.encode()
        except UnicodeEncodeError:
            shown = os.path.relpath(path, root).encode("utf-8", "replace").decode()
            problems.error(shown, 0, 0, "", "the file's name is not UTF-8; rename it")
    problems.raise_if_errors()


def stamp(path: str | Path) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)
