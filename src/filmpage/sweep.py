"""What changed by hand in a finished output since the last build: the files deleted
there (made again by the next build) and the files put there (the build owns its
folders: they go). Looked at by a helper process while the build reads the records."""

from __future__ import annotations

import os
import stat
from collections.abc import Collection
from functools import cache


def sweep(out: str, files: Collection[str], since_ns: int = 0) -> tuple[set[str], set[str]]:
    """Those of ``files`` (the last build's) that are not regular files in the output
    ``out`` (deleted by hand: made again), and the files or links in the output's folders
    that are not ``files`` (put there by hand or by another tool: they go). A file added
    to a folder, or deleted from it, changes the folder's time: only the folders changed
    since ``since_ns`` (the last build, less the clock's slack) are listed, the others'
    times looked at. Never looked into, and never taken: a folder no build of ours made
    (someone's, a mount, a junction), anything at the top whose name starts with a dot
    (filmpage's marker and journal, ``.nojekyll``, ``.well-known``). Names are compared
    as a case-insensitive disk takes them (macOS's, Windows')."""
    known: dict[str, set[str]] = {"": set()}  # folder -> the names of its files
    for rel in files:
        folder, _, name = rel.rpartition("/")
        known.setdefault(folder, set()).add(name)
        while folder and (folder := folder.rpartition("/")[0]) not in known:
            known[folder] = set()

    @cache
    def names_of() -> frozenset[str]:  # every path known, casefolded: at the first name not
        return frozenset(rel.casefold() for rel in (*files, *known))  # known, if any

    gone: set[str] = set()
    strays: set[str] = set()
    for folder, names in known.items():
        path = f"{out}/{folder}" if folder else out
        try:
            info = os.lstat(path)
        except OSError:
            info = None
        if info is None or not stat.S_ISDIR(info.st_mode):  # (a link: made again, refused)
            gone.update(f"{folder}/{n}" if folder else n for n in names)
        elif info.st_mtime_ns >= since_ns:
            gone.update(_look(path, folder, names, names_of, strays))
    return gone, strays


def _look(path: str, folder: str, names: set[str], names_of, strays: set[str]):
    """The files of one folder of the output that are gone (its strays added to
    ``strays``)."""
    prefix = f"{folder}/" if folder else ""
    seen = set()
    with os.scandir(path) as entries:
        for entry in entries:
            if not folder and entry.name.startswith("."):
                continue
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                continue  # one of ours is looked at on its own; someone's is left alone
            if entry.name in names and entry.is_file():
                seen.add(entry.name)
            elif entry.name not in names and rel.casefold() not in names_of():
                strays.add(rel)
    return (prefix + n for n in names - seen)
