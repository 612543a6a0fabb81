"""Output: write a site into a fresh folder, then swap it in or move it into place.

A build never leaves a half-written site. Files go to a temporary folder beside the
output first. A full build then swaps that folder in for the old output; an incremental
build moves its few new files into the old output one by one (each a rename), removing
the files that are gone. While it does, a journal file in the output says the update is
under way: if it is cut short, the next build sees the journal and starts afresh. A
folder that does not carry our marker is never replaced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import FilmpageError, Problems

MARKER = ".filmpage-site"
MARKER_TEXT = b"This folder is written by filmpage build and replaced on every build.\n"
JOURNAL = ".filmpage-updating"


def collect_static(dirs: list[tuple[Path, str]], problems: Problems) -> dict[str, Path]:
    """Static files to copy, by output path; later folders override earlier ones by path.

    ``dirs`` pairs each folder with the root its files must stay inside; a symlink that
    leads out of that root is refused.
    """
    files: dict[str, Path] = {}
    for folder, must_stay_in in dirs:
        if not folder.is_dir():
            continue
        real_root = must_stay_in.resolve()
        for here, subdirs, names in os.walk(folder, followlinks=True):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                path = Path(here) / name
                rel = path.relative_to(folder).as_posix()
                if not path.resolve().is_relative_to(real_root):
                    problems.error(
                        f"static/{rel}", 0, 0, "", "a symlink leads outside the site; refused"
                    )
                    continue
                files[rel] = path
    return files


def check_output_paths(pages: Iterable[str], static: dict[str, Path], problems: Problems):
    """Two things may not write one file, even when the paths differ only by case or by
    Unicode normalization (they would on macOS and Windows file systems)."""
    seen: dict[str, str] = {}
    for path in pages:
        seen[_fold(path)] = path
    for rel in static:
        if _fold(rel) in seen:
            problems.error(
                f"static/{rel}", 0, 0, "", f"would overwrite the generated page {seen[_fold(rel)]}"
            )


def _fold(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


def is_ours(out: Path) -> bool:
    return (out / MARKER).is_file()


def is_complete(out: Path) -> bool:
    """Ours, and not left half-updated by an incremental build that was cut short."""
    return is_ours(out) and not (out / JOURNAL).exists()


def check_output_folder(out: Path, root: Path) -> None:
    """Refuse an output folder we did not create, or one that holds the site itself."""
    if out.exists() and not out.is_dir():
        raise FilmpageError(f"{out}: exists and is not a folder; refusing to replace it")
    real_out, real_root = out.resolve(), root.resolve()
    if real_root.is_relative_to(real_out):
        raise FilmpageError(
            f"{out}: the output folder would contain the site's own files; choose another --out"
        )
    if out.exists() and any(out.iterdir()) and not is_ours(out):
        raise FilmpageError(
            f"{out}: exists and was not made by filmpage (no {MARKER} file in it); "
            "refusing to replace it. Choose another --out, or move that folder away."
        )


@contextmanager
def staged_output(out: Path) -> Iterator[Path]:
    """A fresh folder beside ``out`` to write the new site into.

    When the ``with`` block succeeds, the folder gets ``.nojekyll`` and our marker and is
    swapped in for ``out``; when it fails in any way (an error, Ctrl-C), it is removed and
    ``out`` is left as it was.
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield staging
        (staging / ".nojekyll").write_bytes(b"")
        (staging / MARKER).write_bytes(MARKER_TEXT)
        staging.chmod(0o755)
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextmanager
def staged_update(out: Path, written: list[str], removed: list[str]) -> Iterator[Path]:
    """A fresh folder beside ``out`` for the files of an incremental build.

    When the ``with`` block succeeds, the journal is written into ``out``, each path of
    ``written`` is moved from the folder into ``out`` (replacing the old file), each path
    of ``removed`` is deleted along with folders it leaves empty, and the folder is
    removed. The journal stays until :func:`finish_update`, once the caller has saved
    what it knows of the new output; until then the output is not trusted.
    """
    out = out.absolute()
    remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield staging
        (out / JOURNAL).write_bytes(b"")
        for rel in written:
            target = out / rel
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
        for rel in removed:
            _remove(out, rel)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def finish_update(out: Path) -> None:
    (out / JOURNAL).unlink(missing_ok=True)


def _remove(out: Path, rel: str) -> None:
    """Delete one output file and the folders it leaves empty (never ``out`` itself)."""
    target = out / rel
    try:
        target.unlink()
    except FileNotFoundError:
        return
    folder = target.parent
    while folder != out:
        try:
            folder.rmdir()
        except OSError:  # not empty
            return
        folder = folder.parent


def write_file(staging: Path, rel: str, data: bytes) -> None:
    target = staging / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def copy_file(source: Path, staging: Path, rel: str) -> None:
    """Copy a static file, keeping its modification time (so an unchanged file looks
    unchanged to sync and deploy tools)."""
    target = staging / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def link_file(source: Path, staging: Path, rel: str) -> None:
    """Put an existing file (an unchanged page of the previous output, a cached poster)
    at ``rel``: a hard link (the same file, its timestamp kept), or a copy where links
    are not possible."""
    target = staging / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def remove_leftovers(out: Path) -> None:
    """Delete the staging folders of builds that were killed before they could clean up."""
    for pattern in (f".{out.name}.new-*", f".{out.name}.old-*"):
        for leftover in out.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
