"""Output: write a site into a fresh folder, then swap it in or move it into place.

A build never leaves a half-written site. Files go to a temporary folder beside the
output first. When there is no finished output yet, that folder is then swapped in whole;
otherwise the build moves the files that changed into the old output one by one (each a
rename: a reader sees the old file or the new one, never part of one), removing the
files that are gone, and files that did not change are left as they are, timestamps and
all. While it does, a journal file in the output says the update is under way: if it is
cut short, the next build sees the journal and makes the whole output afresh. A folder
that does not carry our marker is never replaced.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FilmpageError, Problem, Problems
from .inputs import Refused, open_regular, real_root, walk_files
from .names import check_name_limits, check_room
from .sweep import elsewhere
from .theme import theme_dir

MARKER = ".filmpage-site"
MARKER_TEXT = b"This folder is written by filmpage build and replaced on every build.\n"
STAGING = ".filmpage-staging"  # in a build's staging folder, until it becomes the output
JOURNAL = ".filmpage-updating"


def collect_static(dirs: list[tuple[Path, str]], problems: Problems) -> dict[str, Path]:
    """Static files to copy, by output path; later folders override earlier ones by path.

    ``dirs`` pairs each folder with the root its files must stay inside. Under the file
    rule (:func:`inputs.walk_files`): a symlink that leads out of that root, and a file
    that is not a regular file (a named pipe, a device), are refused.
    """
    files: dict[str, Path] = {}
    for folder, must_stay_in in dirs:
        if not folder.is_dir():
            continue
        for shown, path in walk_files(folder, "static", real_root(must_stay_in), problems):
            files[shown.removeprefix("static/")] = Path(path)
    return files


def check_output_paths(
    pages: Iterable[str], static: dict[str, Path], problems: Problems, out: Path | None = None
):
    """Two things may not write one file, even when the paths differ only by case or by
    Unicode normalization (they would on macOS and Windows file systems). With ``out``,
    every path must also fit the file system's limits there (:func:`check_name_limits`)."""
    seen: dict[str, str] = {}
    for path in pages:
        seen[_fold(path)] = path
    for rel in static:
        if _fold(rel) in seen:
            problems.error(
                f"static/{rel}", 0, 0, "", f"would overwrite the generated page {seen[_fold(rel)]}"
            )
    if out is not None:
        check_name_limits(out, [*seen.values(), *static], set(static), problems)


def _fold(path: str) -> str:
    return unicodedata.normalize("NFC", path).casefold()


def is_ours(out: Path) -> bool:
    return (out / MARKER).is_file()


def is_complete(out: Path) -> bool:
    """Ours, and not left half-updated by an incremental build that was cut short."""
    return is_ours(out) and not (out / JOURNAL).exists()


INPUT_FOLDERS = ("content", "templates", "static")
"""The site's folders that a build reads (and the theme's templates and static files)."""


def check_output_folder(out: Path, root: Path) -> None:
    """Refuse an output folder we did not create, one that holds the site itself, and one
    inside a folder the build reads (``--out templates`` would make the next build read
    its own pages as templates), or holding one (the theme's)."""
    if out.exists() and not out.is_dir():
        raise FilmpageError(f"{out}: exists and is not a folder; refusing to replace it")
    real_out, real_root = out.resolve(), root.resolve()
    if real_root.is_relative_to(real_out):
        raise FilmpageError(
            f"{out}: the output folder would contain the site's own files; choose another --out"
        )
    check_room(out)
    theme = theme_dir()
    inputs = [(root / name, f"the site's {name}/") for name in INPUT_FOLDERS] + [
        (theme / name, f"the theme's {theme / name}") for name in INPUT_FOLDERS[1:]
    ]
    for folder, shown in inputs:
        real = folder.resolve()
        if real_out.is_relative_to(real) or real.is_relative_to(real_out):
            where = (
                "is"
                if real_out == real
                else "is inside"
                if real_out.is_relative_to(real)
                else "holds"
            )
            raise FilmpageError(
                f"{out}: the output folder {where} {shown}, which the build reads; "
                f"choose an --out outside {', '.join(f'{n}/' for n in INPUT_FOLDERS)}"
            )
    if out.exists() and any(out.iterdir()) and not is_ours(out):
        raise FilmpageError(
            f"{out}: exists and was not made by filmpage (no {MARKER} file in it); "
            "refusing to replace it. Choose another --out, or move that folder away."
        )


@dataclass
class Target:
    """Where a build writes: new files go into ``staging`` and are listed in ``written``;
    ``removed`` lists the output's files that are gone. ``whole``: the output is made
    afresh in ``staging`` and swapped in, rather than updated in place. ``swept`` and
    ``gone``: the files looked for in the output at once, and those not there."""

    out: Path
    staging: Path
    whole: bool
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    swept: Collection[str] = ()  # files looked for at once (``sweep.sweep``), ...
    gone: Collection[str] = ()  # ... those of them that were not there, ...
    strays: Collection[str] = ()  # ... and the files there that no build of ours made

    def settle(self, swept: Collection[str], gone: Collection[str], strays: Collection[str]):
        """Take the sweep's answer (``sweep.sweep``): a file deleted by hand after the last
        build is made again, a file put there by hand is removed."""
        self.swept, self.gone, self.strays = swept, gone, strays

    def holds(self, rel: str) -> bool:
        """Whether the output as it stands holds ``rel`` as a regular file (never, when it
        is made whole): asked of every file an edit keeps, so one deleted by hand is made
        again. The answer of the sweep for a file it looked for."""
        if self.whole:
            return False
        if rel in self.swept:
            return rel not in self.gone
        return _is_file(f"{self.out}{os.sep}{rel}")


def _mounted(folder: str) -> bool:
    """A Windows junction, or another disk's folder mounted here."""
    try:
        return elsewhere(os.lstat(folder), os.lstat(os.path.dirname(folder)).st_dev)
    except OSError:
        return False


def _is_file(path: str) -> bool:  # (a link, even to a file, is not the build's file)
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


@contextmanager
def staged(out: Path) -> Iterator[Target]:
    """A fresh folder beside ``out`` for the build to write into.

    When ``out`` is not a finished output, the folder becomes the whole new output: when
    the ``with`` block succeeds it gets ``.nojekyll`` and our marker and is swapped in.
    Otherwise ``out`` is updated in place: the journal is written into it, each path of
    ``written`` moved into it (each a rename, replacing the old file), each path of
    ``removed`` deleted with the folders it leaves empty; the journal stays until
    :func:`finish_update`, once the build has remembered what it wrote. When the block
    fails in any way (an error, Ctrl-C), the folder is removed and ``out`` left as it was.
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    (staging / STAGING).write_bytes(b"")  # (what says the folder is a build's, if it stays)
    target = Target(out, staging, whole=not is_complete(out))
    try:
        yield target
        if target.whole:
            (staging / ".nojekyll").write_bytes(b"")
            (staging / MARKER).write_bytes(MARKER_TEXT)
            (staging / STAGING).unlink()
            staging.chmod(0o755)
            _swap(staging, out)
        else:
            _move_in(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_in(target: Target) -> None:
    out = target.out
    _refuse_linked_folders(out, [*target.written, *target.removed])
    (out / JOURNAL).write_bytes(b"")
    for rel in target.written:
        path = out / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        _make_parents(out, path)
        os.replace(target.staging / rel, path)
    for rel in target.removed:
        _remove(out, rel)


def _refuse_linked_folders(out: Path, paths: list[str]) -> None:
    """Refuse, before anything is moved, an update that would write or delete a file
    through a symbolic link standing for one of its folders in the output (put there by
    hand): the file would go, or be deleted, wherever the link points."""
    seen: set[str] = set()  # (each folder looked at once: a template's edit writes all)
    for rel in paths:
        folder = str(out)
        for part in rel.split("/")[:-1]:
            folder = os.path.join(folder, part)
            if folder in seen:
                continue
            seen.add(folder)
            if os.path.islink(folder) or _mounted(folder):
                raise FilmpageError(
                    f"{folder}: a symbolic link in the output; filmpage writes only its own "
                    "files there. Remove the link: the next build makes that folder again."
                )


def _make_parents(out: Path, target: Path) -> None:
    """Make the folders above ``target``, first deleting an old file that stands where
    one of them must go (a path that was a file in the old output and is a folder now)."""
    folder = target.parent
    while folder != out and not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            folder.unlink()
            break
        folder = folder.parent
    target.parent.mkdir(parents=True, exist_ok=True)


def same_bytes(out: Path, rel: str, data: bytes) -> bool:
    """Whether the output file at ``rel`` holds ``data`` already."""
    try:
        with open(os.path.join(out, rel), "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def same_copy(out: Path, rel: str, source: Path, by_bytes: bool = False) -> bool:
    """Whether the output file at ``rel`` is a copy of ``source`` (same size and time, as
    :func:`copy_file` makes it; and, ``by_bytes``, the same bytes)."""
    try:
        mine, theirs = os.stat(os.path.join(out, rel)), os.stat(source)
    except OSError:
        return False
    if mine.st_size != theirs.st_size or mine.st_mtime_ns != theirs.st_mtime_ns:
        return False
    return not by_bytes or same_bytes(out, rel, source.read_bytes())


def finish_update(out: Path) -> None:
    (out / JOURNAL).unlink(missing_ok=True)


def _remove(out: Path, rel: str) -> None:
    """Delete one output file and the folders it leaves empty (never ``out`` itself)."""
    target = out / rel
    if target.is_dir() and not target.is_symlink():
        return  # a folder of the new output now stands where the old file was
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
    """Write ``data`` at ``rel`` under ``staging``, making its folder.

    With the operating system's calls: a build writes thousands of pages, nearly each in a
    folder of its own (``films/<slug>/index.html``), and ``Path.mkdir(parents=True)`` and
    ``Path.write_bytes`` make nine system calls a page where four do.
    """
    target = os.path.join(staging, rel)
    _make_folder(os.path.dirname(target))
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:  # (os.write's error names no file: a full disk, say)
        raise OSError(exc.errno, exc.strerror, target) from None
    finally:
        os.close(fd)


def _make_folder(folder: str) -> None:
    """Make ``folder`` (and the folders above it) unless it is there: one call when only
    the folder itself is new, as in a site being written."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def copy_file(source: Path, staging: Path, rel: str) -> None:
    """Copy a static file, keeping its modification time (so an unchanged file looks
    unchanged to sync and deploy tools); under the file rule, so that a file swapped for
    a named pipe or a device since it was collected cannot hang the build."""
    target = staging / rel
    _make_folder(str(target.parent))
    try:
        fd = open_regular(str(source))
    except Refused as exc:
        raise FilmpageError(Problem(f"static/{rel}", message=exc.message)) from exc
    with open(fd, "rb") as reader, open(target, "wb") as writer:
        shutil.copyfileobj(reader, writer)
    shutil.copystat(source, target)


def remove_leftovers(out: Path) -> None:
    """Delete the folders that builds killed before they could clean up left beside
    ``out``: a staging folder (it holds the :data:`STAGING` file) or an old output (it
    holds the :data:`MARKER`); a folder of the same name with neither is someone's, and
    stays."""
    for pattern in (f".{out.name}.new-*", f".{out.name}.old-*"):
        for leftover in out.parent.glob(pattern):
            if (
                leftover.is_dir()
                and not leftover.is_symlink()
                and ((leftover / STAGING).is_file() or is_ours(leftover))
            ):
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
