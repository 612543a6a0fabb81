"""Files to records: find the film files, read them safely, split front matter from plot.

A record is still untyped (a positioned YAML tree); :mod:`filmpage.model` gives it types.
Each file is read on its own, so this stage can run in parallel and be cached per file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import textrule, yamldoc
from .errors import Problems
from .inputs import MAX_RECORD_BYTES, Refused, read_regular, real_root, utf8_text, walk_files

FILMS_DIR = Path("content") / "films"
RECORD_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
MAX_FILE_BYTES = MAX_RECORD_BYTES
"""A record larger than this (1 MiB) is refused before it is read."""


@dataclass(frozen=True)
class Record:
    """One film file, parsed but not yet checked: ``tree`` is its YAML mapping."""

    file: str  # path relative to the site root, with forward slashes, for messages
    tree: yamldoc.Map
    body: str  # the Markdown plot of a .md file ("" for YAML files)
    body_line: int  # the file line where the body starts


def find_records(root: Path, problems: Problems) -> list[str]:
    """Every record file under ``content/films``, as sorted root-relative POSIX paths.

    Under the file rule (:func:`inputs.walk_files`): hidden files and folders are skipped,
    a symlink that leads outside the site and a record that is not a regular file (a named
    pipe, a device) are reported, and each folder is walked once.
    """
    films = root / FILMS_DIR
    if not films.is_dir():
        stray = sorted(p.name for p in root.glob("*") if p.suffix.lower() in RECORD_SUFFIXES
                       and p.name != "filmpage.yml" and p.is_file())  # fmt: skip
        move = f": move {', '.join(stray[:3])}{' and others' if len(stray) > 3 else ''} there?"
        problems.warning(FILMS_DIR.as_posix(), 0, 0, "", "no such folder, so the site has no "
                         "films; each film's record goes in it, as content/films/<slug>.md"
                         + (move if stray else ""))  # fmt: skip
        return []
    found = walk_files(
        films,
        FILMS_DIR.as_posix(),
        real_root(root),
        problems,
        wanted=lambda name: name.lower().endswith(RECORD_SUFFIXES),
    )
    return sorted(shown for shown, _ in found)


def read_file(root: Path, file: str, problems: Problems) -> bytes | None:
    """A record file's bytes, read under the file rule (:func:`inputs.read_regular`:
    a regular file, its size checked before it is read); None, with the problem reported,
    when it is refused or cannot be read."""
    try:
        return read_regular(os.path.join(root, file), MAX_FILE_BYTES, root)
    except Refused as exc:
        problems.error(file, 0, 0, "", exc.message)
        return None


def parse_record(data: bytes, file: str, problems: Problems) -> Record | None:
    """Parse the bytes of a record file (``file`` decides the kind and names it in messages).

    The text rule (:mod:`filmpage.textrule`) applies to the text as typed and to the
    values YAML makes of it."""
    try:
        text = utf8_text(data)
    except Refused as exc:
        problems.error(file, exc.line, exc.column, "", exc.message)
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if file.lower().endswith((".yaml", ".yml")):
        front, body, offset, body_line = text, "", 0, 0
    else:
        split = _split_front_matter(text, file, problems)
        if split is None:
            return None
        front, body, offset, body_line = split
    if not textrule.is_clean(data) and not textrule.check_source(
        text, file, problems, 0, body_line
    ):
        return None
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
    if b"\\" in data and not textrule.check_tree(tree, file, problems):
        return None  # an escape made a character that pages and feeds cannot hold
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
