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
    since ``since_ns`` (when the output was last looked at, less the clock's slack:
    ``Memory.since``) are listed, the others' times looked at. Never looked into, and
    never taken: a folder no build of ours made (someone's, a mount, a junction),
    anything at the top whose name starts with a dot (filmpage's marker and journal,
    ``.nojekyll``, ``.well-known``). Names are compared as a case-insensitive disk takes
    them (macOS's, Windows')."""
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
    device = os.lstat(out).st_dev
    for folder, names in known.items():
        path = f"{out}/{folder}" if folder else out
        try:
            info = os.lstat(path)
        except OSError:
            info = None
        every = (f"{folder}/{n}" if folder else n for n in names)
        if info is None or not stat.S_ISDIR(info.st_mode) or elsewhere(info, device):
            gone.update(every)  # (a link, a junction, a mount: made again, so refused)
        elif max(info.st_mtime_ns, info.st_ctime_ns) >= since_ns:  # (ctime: a copy that
            try:  # kept its old times, put back in place, has a new one)
                gone.update(_look(path, folder, names, names_of, strays))
            except OSError:  # (a folder that cannot be read: its files made again)
                gone.update(every)
    return gone, strays


def elsewhere(info: os.stat_result, device: int) -> bool:
    """Whether a folder (its ``lstat``) is another disk's, or a Windows junction: never
    looked into, nor written through."""
    junction = getattr(stat, "IO_REPARSE_TAG_MOUNT_POINT", None)
    return info.st_dev != device or getattr(info, "st_reparse_tag", 0) == junction


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
            if entry.name in names and entry.is_file(follow_symlinks=False):
                seen.add(entry.name)
            elif entry.name not in names and rel.casefold() not in names_of():
                strays.add(rel)
    return (prefix + n for n in names - seen)
