"""The positioned YAML tree that both readers build (:mod:`yamldoc` from libyaml's events,
:mod:`plainyaml` from plain text) and that the typed readers in :mod:`yamldoc` consume."""

from __future__ import annotations

from typing import Union

MAX_DEPTH = 16
"""Deepest nesting of lists and mappings accepted in one document."""
MAX_ITEMS = 2000
"""Most entries accepted in one list or mapping."""

NULLS = frozenset(("", "~", "null", "Null", "NULL"))
"""Plain (unquoted) texts that YAML reads as nothing."""


class Scalar:
    """A scalar exactly as the user typed it; ``is_null`` for a plain empty, ``~`` or null.

    No YAML 1.1 reading is applied: ``NO`` stays "NO" and ``1917`` stays "1917"; each
    typed reader decides what text it accepts.
    """

    __slots__ = ("column", "is_null", "line", "text")

    def __init__(self, text: str, is_null: bool, line: int, column: int):
        self.text, self.is_null, self.line, self.column = text, is_null, line, column


class Seq:
    __slots__ = ("broken", "column", "items", "line")

    def __init__(self, items: list[Node], line: int, column: int):
        self.items, self.line, self.column = items, line, column


class Map:
    """A mapping; ``entries`` maps each key's text to (key node, value node), in order."""

    __slots__ = ("broken", "column", "entries", "line")

    def __init__(self, entries: dict[str, tuple[Scalar, Node | None]], line: int, column: int):
        self.entries, self.line, self.column = entries, line, column

    def get(self, key: str) -> Node | None:
        entry = self.entries.get(key)
        return entry[1] if entry else None


Node = Union[Scalar, Seq, Map]  # noqa: UP007 - used at runtime by isinstance checks


def describe(node: Node) -> str:
    """How a value reads in an error message: 'a list', 'a mapping' or its text."""
    if isinstance(node, Seq):
        return "a list"
    if isinstance(node, Map):
        return "a mapping"
    if node.is_null:
        return "nothing"
    if len(node.text) > SHOWN_CHARS:  # a message quotes the start of a long text
        return f"{node.text[: SHOWN_CHARS - 20]!r}... ({len(node.text)} characters)"
    return repr(node.text)


SHOWN_CHARS = 80
