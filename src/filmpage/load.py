"""Files to records: find the film files, read them safely, split front matter from plot.

A record is still untyped (a positioned YAML tree); :mod:`filmpage.model` gives it types.
Each file is read on its own, so this stage can run in parallel and be cached per file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import yamldoc
from .errors import Problems

FILMS_DIR = Path("content") / "films"
RECORD_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
MAX_FILE_BYTES = 1024 * 1024
"""A record larger than this (1 MiB) is refused before it is parsed."""


@dataclass(frozen=True)
class Record:
    """One film file, parsed but not yet checked: ``tree`` is its YAML mapping."""

    file: str  # path relative to the site root, with forward slashes, for messages
    tree: yamldoc.Map
    body: str  # the Markdown plot of a .md file ("" for YAML files)
    body_line: int  # the file line where the body starts


def find_records(root: Path, problems: Problems) -> list[str]:
    """Every record file under ``content/films``, as sorted root-relative POSIX paths.

    Hidden files and folders are skipped; a symlink that leads outside the site is refused.
    """
    films = root / FILMS_DIR
    if not films.is_dir():
        return []
    real_root = root.resolve()
    found: list[str] = []
    seen: set[Path] = set()  # folders walked, by real path: a symlink loop is walked once

    def walk(folder: Path, rel: str) -> None:
        real = folder.resolve()
        if not real.is_relative_to(real_root):
            problems.error(rel, 0, 0, "", "a symlink leads outside the site; refused")
            return
        if real in seen:
            return
        seen.add(real)
        try:
            with os.scandir(folder) as scan:  # thousands of files: DirEntry, not Path
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            problems.error(rel, 0, 0, "", f"cannot list this folder: {exc.strerror}")
            return
        for entry in entries:
            name, path = entry.name, f"{rel}/{entry.name}"
            if name.startswith("."):
                continue
            if entry.is_dir():
                walk(folder / name, path)
            elif name.lower().endswith(RECORD_SUFFIXES):
                if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(real_root):
                    problems.error(path, 0, 0, "", "a symlink leads outside the site; refused")
                    continue
                found.append(path)

    walk(films, FILMS_DIR.as_posix())
    return sorted(found)


def read_file(root: Path, file: str, problems: Problems) -> bytes | None:
    """A record file's bytes; None, with the problem reported, when it is too large or
    cannot be read."""
    try:  # unbuffered, sized by fstat: half the time of Path.stat and Path.read_bytes
        with open(os.path.join(root, file), "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                problems.error(
                    file, 0, 0, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES} (1 MiB)"
                )
                return None
            return handle.readall()
    except OSError as exc:
        problems.error(file, 0, 0, "", f"cannot read the file: {exc.strerror}")
        return None


def parse_record(data: bytes, file: str, problems: Problems) -> Record | None:
    """Parse the bytes of a record file (``file`` decides the kind and names it in messages)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.error(
            file,
            line,
            column,
            "",
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} "
            "cannot start a character; save the file as UTF-8",
        )
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.error(file, line, 0, "", "the file contains a NUL character")
        return None
    if file.lower().endswith((".yaml", ".yml")):
        front, body, offset, body_line = text, "", 0, 0
    else:
        split = _split_front_matter(text, file, problems)
        if split is None:
            return None
        front, body, offset, body_line = split
    before = len(problems.items)
    tree = yamldoc.parse(front, file, problems, offset)
    if tree is None:
        if len(problems.items) == before:
            problems.error(
                file,
                offset + 1,
                0,
                "",
                "the front matter is empty; expected a mapping with at least title and year",
            )
        return None
    if not isinstance(tree, yamldoc.Map):
        problems.error(
            file,
            tree.line,
            tree.column,
            "",
            f"expected a mapping of fields, got {yamldoc.describe(tree)}",
        )
        return None
    return Record(file, tree, body, body_line)


def _split_front_matter(text: str, file: str, problems: Problems):
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        problems.error(
            file, 1, 1, "", "expected YAML front matter: the file must start with a line '---'"
        )
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), 1, i + 2
    problems.error(file, 1, 1, "", "the front matter opened here is never closed by a line '---'")
    return None
