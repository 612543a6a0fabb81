"""Strict YAML: a small positioned tree, and typed readers that report instead of guessing.

PyYAML's constructors turn ``NO`` into ``False`` and ``1917`` into an int, keep the last
of two duplicate keys, and expand aliases. We stop at the composed node graph (libyaml's
``CSafeLoader`` when present) and build our own tree from it, so that:

* every value keeps its line and column, counted from the top of the *file*;
* a text field gets exactly the characters the user typed;
* duplicate keys, anchors, aliases and non-standard tags are errors, not surprises.
"""

from __future__ import annotations

import datetime as dt
import re
from difflib import get_close_matches
from typing import Union

import yaml

from .errors import Problems

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader  # type: ignore[misc]

MAX_DEPTH = 16
"""Deepest nesting of lists and mappings accepted in one document."""
MAX_ITEMS = 2000
"""Most entries accepted in one list or mapping."""

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


class Scalar:
    """A scalar as the user typed it; ``kind`` is YAML's reading (str, int, bool, null...)."""

    __slots__ = ("column", "kind", "line", "text")

    def __init__(self, text: str, kind: str, line: int, column: int):
        self.text, self.kind, self.line, self.column = text, kind, line, column

    @property
    def is_null(self) -> bool:
        return self.kind == "null"


class Seq:
    __slots__ = ("column", "items", "line")

    def __init__(self, items: list[Node], line: int, column: int):
        self.items, self.line, self.column = items, line, column


class Map:
    """A mapping; ``entries`` maps each key's text to (key node, value node), in order."""

    __slots__ = ("column", "entries", "line")

    def __init__(self, entries: dict[str, tuple[Scalar, Node]], line: int, column: int):
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
    return repr(node.text)


def parse(text: str, file: str, problems: Problems, line_offset: int = 0) -> Node | None:
    """Parse one YAML document into our tree; report faults (placed in the file) and return None.

    ``line_offset`` is the number of file lines before ``text`` (the front matter's ``---``).
    """
    try:
        root = yaml.compose(text, Loader=_Loader)
        if root is not None and ("&" in text or "*" in text):
            if _reject_anchors(text, file, problems, line_offset):
                return None
    except yaml.MarkedYAMLError as exc:
        exc.filmpage_offset = line_offset
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 0
        column = mark.column + 1 if mark else 0
        problems.error(file, line, column, "", _yaml_message(exc))
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml always marks its errors
        problems.error(file, line_offset + 1, 0, "", f"invalid YAML: {exc}")
        return None
    if root is None:
        return None
    # Faults inside the tree (a duplicate key, a bad tag) are reported and the offending
    # entry dropped, so the rest of the document can still be checked in the same run.
    return _convert(root, file, problems, line_offset, 0)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if "\\t" in problem or "tab" in problem:
        return "a tab character cannot indent YAML; use spaces"
    message = f"invalid YAML: {problem}"
    if exc.context:
        started = ""
        if exc.context_mark and exc.problem_mark and exc.context_mark != exc.problem_mark:
            started = f" started at line {exc.context_mark.line + 1 + _offset(exc)}"
        message += f" ({exc.context}{started})"
    return message


def _offset(exc: yaml.MarkedYAMLError) -> int:
    return getattr(exc, "filmpage_offset", 0)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _reject_anchors(text: str, file: str, problems: Problems, line_offset: int) -> bool:
    """Report every anchor and alias; True when there was one."""
    found = False
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            mark = event.start_mark
            what = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            problems.error(
                file,
                mark.line + 1 + line_offset,
                mark.column + 1,
                "",
                f"YAML {what} '{anchor}' is not allowed; write the value out in full",
            )
            found = True
    return found


def _convert(node, file: str, problems: Problems, offset: int, depth: int):
    line, column = node.start_mark.line + 1 + offset, node.start_mark.column + 1
    if node.tag not in _ALLOWED_TAGS:
        problems.error(file, line, column, "", f"YAML tag '{_short_tag(node.tag)}' is not "
                       "allowed; write plain text, numbers, lists and mappings")
        return None
    if depth > MAX_DEPTH:
        problems.error(file, line, column, "", f"nested more than {MAX_DEPTH} levels deep")
        return None
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, node.tag[len(_CORE) :], line, column)
    if len(node.value) > MAX_ITEMS:
        problems.error(file, line, column, "", f"more than {MAX_ITEMS} entries")
        return None
    if isinstance(node, yaml.SequenceNode):
        items = [_convert(n, file, problems, offset, depth + 1) for n in node.value]
        return Seq(items, line, column)
    entries: dict[str, tuple[Scalar, Node]] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, file, problems, offset, depth + 1)
        value = _convert(value_node, file, problems, offset, depth + 1)
        if key is None:
            continue
        if not isinstance(key, Scalar):
            problems.error(file, key.line, key.column, "", "a key must be plain text")
            continue
        if key.text in entries:
            first = entries[key.text][0]
            problems.error(
                file,
                key.line,
                key.column,
                key.text,
                f"duplicate key (first defined at line {first.line}); keep one",
            )
            continue
        entries[key.text] = (key, value)
    return Map(entries, line, column)


class Reader:
    """Typed access to one document's values; every failure is reported, placed, and None."""

    def __init__(self, file: str, problems: Problems):
        self.file, self.problems = file, problems

    def error(self, node: Node | None, field: str, message: str, fallback: Node | None = None):
        at = node or fallback
        self.problems.error(
            self.file, at.line if at else 1, at.column if at else 0, field, message
        )
        return None

    def warn_unknown(self, mapping: Map, known: tuple[str, ...] | set[str], prefix: str = ""):
        """Warn about keys outside ``known``, suggesting the closest known key."""
        for key, (knode, _) in mapping.entries.items():
            if key in known:
                continue
            close = get_close_matches(key, list(known), n=1, cutoff=0.7)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.problems.warning(
                self.file, knode.line, knode.column, prefix + key, f"unknown field{hint}"
            )

    def text(self, node: Node | None, field: str) -> str | None:
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        if not isinstance(node, Scalar):
            return self.error(node, field, f"expected text, got {describe(node)}")
        return node.text.strip() or None

    def integer(self, node: Node | None, field: str, low: int, high: int | None = None):
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        if not isinstance(node, Scalar) or not re.fullmatch(r"[+-]?[0-9]+", node.text.strip()):
            return self.error(node, field, f"expected a whole number {span}, got {describe(node)}")
        value = int(node.text)
        if value < low or (high is not None and value > high):
            return self.error(node, field, f"expected a whole number {span}, got {value}")
        return value

    def number(self, node: Node | None, field: str, low: float, high: float):
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        text = node.text.strip() if isinstance(node, Scalar) else ""
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text):
            return self.error(node, field, f"expected a number from {low:g} to {high:g}, "
                              f"got {describe(node)}")
        value = float(text)
        if not low <= value <= high:
            return self.error(node, field, f"expected a number from {low:g} to {high:g}, "
                              f"got {text}")
        return value

    def boolean(self, node: Node | None, field: str) -> bool | None:
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        word = node.text.strip().lower() if isinstance(node, Scalar) else ""
        if word in ("true", "yes", "on"):
            return True
        if word in ("false", "no", "off"):
            return False
        return self.error(node, field, f"expected true or false, got {describe(node)}")

    def date(self, node: Node | None, field: str) -> dt.date | None:
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        text = node.text.strip() if isinstance(node, Scalar) else ""
        try:
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            return self.error(node, field, f"expected a date YYYY-MM-DD, got {describe(node)}")

    def url(self, node: Node | None, field: str) -> str | None:
        value = self.text(node, field)
        if value is None:
            return None
        if not is_web_url(value):
            return self.error(node, field, f"expected an http or https URL, got {value!r}")
        return value

    def text_list(self, node: Node | None, field: str) -> tuple[str, ...]:
        """A list of text; a single text counts as a list of one."""
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return ()
        items = node.items if isinstance(node, Seq) else [node]
        out = []
        for i, item in enumerate(items):
            value = self.text(item, f"{field}[{i}]" if isinstance(node, Seq) else field)
            if value is not None:
                out.append(value)
        return tuple(out)

    def mapping(self, node: Node | None, field: str) -> Map | None:
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        if not isinstance(node, Map):
            return self.error(node, field, f"expected a mapping, got {describe(node)}")
        return node

    def seq(self, node: Node | None, field: str) -> list[Node]:
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return []
        if not isinstance(node, Seq):
            self.error(node, field, f"expected a list, got {describe(node)}")
            return []
        return [item for item in node.items if item is not None]


_WEB_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace or control characters."""
    return bool(_WEB_URL.fullmatch(value)) and not any(ord(c) < 32 for c in value)
