"""Records written safely: inside ``content/`` only, each through a temporary file in its
folder and a rename, so a record is either as it was or whole and new, never cut short
(by a full disk, a kill or a power cut).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

TEMP_SUFFIX = ".filmpage-import"


def outside_content(root: Path, paths: list[Path]) -> list[Path]:
    """The paths that would leave the site's content/ (their folders' symlinks followed)."""
    content = (root / "content").resolve()
    if not content.is_relative_to(root.resolve()):
        return list(paths)
    folders = {
        folder: folder.resolve().is_relative_to(content) for folder in {p.parent for p in paths}
    }
    return [p for p in paths if not folders[p.parent] or p.name in ("", ".", "..")]


def mixed_endings(text: str) -> str | None:
    """Why a file cannot be edited in place when its lines end in more than one way
    (Windows' CR LF beside LF) or in CR alone: written back, every line would end in the
    one kind an edit writes, where no edit is."""
    crlf = text.count("\r\n")
    if (crlf and text.count("\n") == crlf == text.count("\r")) or not (crlf or "\r" in text):
        return None
    return ("its lines end in more than one way, or in CR alone; an import edits only a file "
            "whose lines all end in LF, or all in CR LF")  # fmt: skip


def as_written(text: str, bom: bool = False, crlf: bool = False) -> bytes:
    """A record's bytes with the byte-order mark and line endings its file had."""
    if crlf:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def remove_leftovers(folder: Path) -> None:
    """Temporary files an import killed mid-write left behind, in ``folder`` and the folders
    in it (hidden: the build skips them)."""
    if not folder.is_dir():
        return
    for at, _, names in os.walk(folder):  # (into its sub-folders; links not followed)
        for name in names:
            path = os.path.join(at, name)
            if name.startswith(".") and name.endswith(TEMP_SUFFIX) and os.path.isfile(path):
                with contextlib.suppress(OSError):
                    os.unlink(path)


def write_record(path: Path, data: bytes, new: bool) -> None:
    """Write ``data`` to ``path`` whole or not at all; a new record never replaces a file
    that appeared since the import was planned.

    A record that replaces one is on disk before the rename (the user's text is at stake);
    new records are made durable together by :func:`sync_all` once all are written (an
    fsync each would cost thousands of disk flushes on a large import)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = None
    if not new:
        mode = os.stat(path).st_mode & 0o7777
    temporary = path.parent / f".{path.name[:200]}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if not new:
                handle.flush()
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        if new and (path.exists() or path.is_symlink()):
            raise FileExistsError(17, "a file of that name appeared during the import", str(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def sync_all() -> None:
    """Flush what was written to disk (new records, and the folders' renames)."""
    os.sync()
