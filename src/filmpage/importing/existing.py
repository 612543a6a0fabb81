"""The catalogue's records as an import sees them: what identifies each film, and its
text, to be merged into without disturbing what the user wrote.

Records are read as the build reads them (regular files only, 1 MiB at most); one that
cannot be read is reported and left alone, and its file name stays taken.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .. import yamldoc
from ..errors import Problems
from ..load import MAX_FILE_BYTES, Record, find_records, parse_record
from .files import FileProblem, read_bytes
from .identity import Identity, identity
from .store import mixed_endings


@dataclass
class Existing:
    path: Path
    rel: str  # root-relative, with forward slashes
    text: str  # as parsed: line endings made plain, no byte-order mark
    bom: bool
    crlf: bool
    record: Record

    @property
    def yaml_only(self) -> bool:
        return self.rel.lower().endswith((".yaml", ".yml"))

    def text_of(self, *keys: str) -> str | None:
        node: Any = self.record.tree
        for key in keys:
            node = node.get(key) if isinstance(node, yamldoc.Map) else None
        if isinstance(node, yamldoc.Scalar) and not node.is_null:
            return node.text.strip() or None
        return None

    @property
    def title(self) -> str:
        return self.text_of("title") or ""

    @property
    def year(self) -> int | None:
        year = self.text_of("year") or ""
        return int(year) if year.isdigit() and len(year) == 4 else None

    @property
    def slug(self) -> str | None:
        return self.text_of("slug")

    @property
    def aliases(self) -> list[str]:
        """The earlier slugs the record keeps (``aliases``), as written."""
        node = self.record.tree.get("aliases")
        items = node.items if isinstance(node, yamldoc.Seq) else [node] if node else []
        return [i.text.strip() for i in items if isinstance(i, yamldoc.Scalar) and not i.is_null]

    @property
    def ids(self) -> dict[str, str]:
        node = self.record.tree.get("ids")
        if not isinstance(node, yamldoc.Map):
            return {}
        return {k: self.text_of("ids", k) for k in node.entries if self.text_of("ids", k)}

    @property
    def directors(self) -> list[str]:
        node = self.record.tree.get("credits")
        node = node.get("directors") if isinstance(node, yamldoc.Map) else None
        items = node.items if isinstance(node, yamldoc.Seq) else [node] if node else []
        names = []
        for item in items:
            if isinstance(item, yamldoc.Map):
                item = item.get("name")
            if isinstance(item, yamldoc.Scalar) and not item.is_null:
                names.append(item.text.strip())
        return names

    @cached_property
    def identity(self) -> Identity:
        return identity(
            self.title, self.text_of("original_title"), self.year, self.directors, self.ids
        )

    @property
    def plain(self) -> dict[str, Any]:
        return plain(self.record.tree)

    @property
    def body(self) -> str:
        return self.record.body


def plain(node: yamldoc.Node | None) -> Any:
    """A YAML tree as Python values, every scalar as the text the user typed."""
    if node is None:
        return None
    if isinstance(node, yamldoc.Scalar):
        return None if node.is_null else node.text
    if isinstance(node, yamldoc.Seq):
        return [plain(n) for n in node.items]
    return {k: plain(v) for k, (_, v) in node.entries.items()}


def read_record(path: Path, rel: str) -> Existing | str:
    """A record, or why it cannot be read (as the build would say)."""
    try:
        data = read_bytes(path, MAX_FILE_BYTES)
    except FileProblem as exc:
        return str(exc)
    problems = Problems()
    record = parse_record(data, rel, problems)
    if record is None:
        return str(problems.errors[0]) if problems.errors else "cannot be read"
    text = data.decode("utf-8-sig")
    mixed = mixed_endings(text)
    if mixed:
        return mixed
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")  # (no lone CR: refused above)
    return Existing(path, rel, text, data.startswith(codecs.BOM_UTF8), crlf, record)


def read_catalogue(root: Path) -> tuple[list[Existing], list[tuple[str, str]]]:
    """Every record of the catalogue, and the files that could not be read, with why."""
    problems = Problems()
    records, unreadable = [], []
    for rel in find_records(root, problems):
        found = read_record(root / rel, rel)
        if isinstance(found, str):
            unreadable.append((rel, found))
        else:
            records.append(found)
    for problem in problems.errors:
        unreadable.append((problem.file, problem.message))
    return records, unreadable
