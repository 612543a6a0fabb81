"""The one rule for reading a site's input files: records, settings, templates, static
files and posters all go through it.

* Only regular files are read. A file's type is checked before it is opened (a named
  pipe would block the build forever, a device such as ``/dev/zero`` never ends), and it is
  opened without blocking and read no further than its limit, so a file swapped for a pipe
  or a device between the check and the read cannot hang the build either.
* Its size is checked before it is read, against the limit of its kind.
* A symlink, of a file or of a folder, that leads outside the folder the input must stay
  in (the site, or the built-in theme) is refused. Folders are walked once each along a
  path, so a symlink loop ends.
* Names starting with a dot are skipped when folders are walked.

Refusals are :class:`Refused` errors carrying the reason; the walkers report them as
problems placed on the file, with the path as the user knows it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import Problems

MIB = 1024 * 1024
MAX_RECORD_BYTES = MIB
"""A record file larger than this (1 MiB) is refused before it is read."""
MAX_SETTINGS_BYTES = MIB
MAX_TEMPLATE_BYTES = MIB
MAX_POSTER_BYTES = 50 * MIB

LEAVES_SITE = "a symlink leads outside the site; refused"
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class Refused(Exception):
    """An input file the rule refuses, with why; ``line`` and ``column`` place a fault
    inside the file (a byte that is not UTF-8), else 0."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def not_regular(mode: int) -> str | None:
    """What a file of this mode is when it is not a regular file ("a named pipe (FIFO)"),
    or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"  # pragma: no cover - every kind is named above


def real_root(root: Path | str) -> str:
    """The real path of a folder that inputs must stay in, for :func:`within`."""
    return os.path.realpath(root)


def within(path: str, root: str) -> bool:
    """Whether ``path``, all symlinks followed, is ``root`` (a real path) or inside it."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def check_file(path: str, stay_in: Path | str | None = None) -> os.stat_result:
    """The status of the regular file at ``path`` (a symlink followed, when it stays in
    the folder ``stay_in``); raise :class:`Refused` for anything else, without opening it."""
    try:
        status = os.lstat(path)
        if stat.S_ISLNK(status.st_mode):
            if stay_in is not None and not within(path, real_root(stay_in)):
                raise Refused(LEAVES_SITE)
            status = os.stat(path)
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror}") from exc
    kind = not_regular(status.st_mode)
    if kind is not None:
        raise Refused(f"is {kind}, not a regular file; only regular files are read")
    return status


def too_large(size: int, limit: int) -> str:
    return f"file is {size} bytes; the limit is {limit} ({_size_text(limit)})"


def _size_text(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} bytes"


def read_regular(path: str, limit: int, stay_in: Path | str | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; raise
    :class:`Refused` for anything else (see the module's rule)."""
    size = check_file(path, stay_in).st_size
    if size > limit:
        raise Refused(too_large(size, limit))
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror}") from exc
    try:
        chunks, total, want = [], 0, size + 1
        while True:  # until the end, or past the limit (a file that grew, or a device)
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Refused(f"file is more than {limit} bytes; the limit is {_size_text(limit)}")
            want = min(limit + 1 - total, 1 << 16)
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror}") from exc
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def open_regular(path: str, stay_in: Path | str | None = None) -> int:
    """A file descriptor of the regular file at ``path``, opened without blocking and
    checked again once open (for copying a file that is not read into memory); raise
    :class:`Refused` for anything else. The caller closes it."""
    check_file(path, stay_in)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise Refused(f"cannot read the file: {exc.strerror}") from exc
    kind = not_regular(os.fstat(fd).st_mode)
    if kind is not None:  # swapped since it was checked
        os.close(fd)
        raise Refused(f"is {kind}, not a regular file; only regular files are read")
    return fd


def utf8_text(data: bytes, what: str = "the file") -> str:
    """``data`` as text (a byte-order mark dropped); raise :class:`Refused`, placed at the
    first byte that is not UTF-8, otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        why = "cannot start a character"
        if exc.reason != "invalid start byte":  # (a continuation byte missing: Latin-1?)
            why = "begins a character the bytes after it do not finish"
        raise Refused(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} {why}; save {what} as UTF-8",
            line,
            column,
        ) from exc


def walk_files(
    folder: Path,
    shown: str,
    stay_in: str,
    problems: Problems,
    wanted: Callable[[str], bool] | None = None,
) -> list[tuple[str, str]]:
    """The regular files under ``folder`` whose names are ``wanted`` (default: all), as
    ``(shown path, file system path)`` in walking order (depth first, each folder's
    entries sorted by name). ``shown`` names ``folder`` in messages (``"static"``).

    Names starting with a dot are skipped. A folder or wanted file that is a symlink
    leading outside ``stay_in`` (a real path), and a wanted file that is not a regular
    file, are reported and left out. Symlinked folders are followed, but each real folder
    is walked once, by the first path that reaches it: neither a symlink loop nor many
    links to one folder can make the walk endless or exponential. The walk keeps its own
    stack, so a deep tree of folders cannot exhaust Python's.
    """
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    inside = stay_in.rstrip(os.sep) + os.sep
    stack: list[tuple[Iterator[os.DirEntry], str]] = []

    def enter(path: str, rel: str) -> None:
        real = os.path.realpath(path)
        if real != stay_in and not real.startswith(inside):
            problems.error(rel, 0, 0, "", LEAVES_SITE)
            return
        if real in seen:
            return
        seen.add(real)
        try:
            with os.scandir(path) as scan:  # thousands of files: DirEntry, not Path
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            problems.error(rel, 0, 0, "", f"cannot list this folder: {exc.strerror}")
            return
        stack.append((iter(entries), rel))

    enter(str(folder), shown)
    while stack:
        entries, rel = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name = entry.name
        if name.startswith("."):
            continue
        here = f"{rel}/{name}"
        if entry.is_dir():  # a symlink to a folder too: checked as it is entered
            enter(entry.path, here)
        elif wanted is None or wanted(name):
            if not entry.is_file(follow_symlinks=False):  # else the usual case: no system call
                try:
                    check_file(entry.path, stay_in)
                except Refused as exc:
                    problems.error(here, 0, 0, "", exc.message)
                    continue
            found.append((here, entry.path))
    return found


def every_file(folder: str) -> list[str]:
    """Every file under ``folder``, hidden ones and special ones too, by path, as
    ``os.walk`` lists them (a folder's files, then its folders, each sorted by name),
    for the build's stamps of its inputs: symlinked folders are followed, each real folder
    once (see :func:`walk_files`), and nothing is opened."""
    found: list[str] = []
    seen: set[str] = set()
    todo = [folder]
    while todo:
        path = todo.pop()
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            continue
        found.extend(e.path for e in entries if not e.is_dir())
        todo.extend(reversed([e.path for e in entries if e.is_dir()]))
    return found
