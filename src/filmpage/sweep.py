"""What changed by hand in a finished output since the last build: the files deleted
there (made again by the next build) and the files put there (the build owns the
folder: they go). Looked at by a helper process while the build reads the records."""

from __future__ import annotations

import os
import stat
from collections.abc import Collection


def sweep(out: str, files: Collection[str], since_ns: int = 0) -> tuple[set[str], set[str]]:
    """What changed by hand in a finished output ``out`` (looked at by a helper process
    while the build reads the records: :meth:`Target.settle`): those of ``files`` (the
    last build's) that are not regular files there (deleted: made again), and the files
    there that are not ``files`` (put there by hand or by another tool: the build owns the
    folder, and they go). A file added to a folder, or deleted from it, changes the
    folder's time: only the folders changed since ``since_ns`` (the last build, less the
    clock's slack) are listed, the others' times looked at. Filmpage's own files at the
    top (its marker, ``.nojekyll``, the journal) aside; a link is a file, never a folder
    to walk into (one where a folder should be: its files are gone, and made again)."""
    known: dict[str, set[str]] = {"": set()}  # folder -> the names of its files
    for rel in files:
        folder, _, name = rel.rpartition("/")
        known.setdefault(folder, set()).add(name)
        while folder and (folder := folder.rpartition("/")[0]) not in known:
            known[folder] = set()
    gone: set[str] = set()
    strays: set[str] = set()
    for folder, names in known.items():
        path = f"{out}/{folder}" if folder else out
        try:
            info = os.lstat(path)
        except OSError:
            info = None
        if info is None or not stat.S_ISDIR(info.st_mode):
            gone.update(f"{folder}/{n}" if folder else n for n in names)
        elif info.st_mtime_ns >= since_ns:
            _look(path, folder, names, known, gone, strays)
    return gone, strays


def _look(path: str, folder: str, names: set[str], known: dict, gone: set, strays: set) -> None:
    """Compare a folder of the output with the files and folders it should hold."""
    prefix = f"{folder}/" if folder else ""
    seen = set()
    with os.scandir(path) as entries:
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if rel not in known:  # a folder of someone's: all of it goes
                    strays.update(_walk(entry.path, rel + "/"))
            elif entry.name in names and entry.is_file():
                seen.add(entry.name)
            elif entry.name not in names and (folder or not entry.name.startswith(".")):
                strays.add(rel)
    gone.update(prefix + n for n in names - seen)


def _walk(path: str, prefix: str) -> list[str]:
    found = []
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                found += _walk(entry.path, f"{prefix}{entry.name}/")
            else:
                found.append(prefix + entry.name)
    return found


def sweep_parts(out: str, parts: list[tuple]) -> tuple[set[str], set[str]]:
    """:func:`sweep` as a pool of helpers runs it (``commands.parallel.Pool.start``):
    ``parts`` holds the files and the time, or nothing (an output made whole)."""
    return sweep(out, *parts[0]) if parts else (set(), set())
