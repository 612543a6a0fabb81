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

import yaml

from . import plainyaml
from .errors import Problems
from .markup import MAX_MARKDOWN_CHARS, MarkupError, render_markdown
from .weblinks import is_web_url
from .yamltree import MAX_DEPTH, MAX_ITEMS, NULLS, Map, Node, Scalar, Seq, describe

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader  # type: ignore[misc]

__all__ = ["MAX_DEPTH", "MAX_ITEMS", "Map", "Node", "Reader", "Scalar", "Seq", "describe", "parse"]

MAX_WHOLE = 1_000_000_000
"""The largest whole number a field takes when its own range does not say less."""
MAX_DIGITS = 30
"""A number written with more digits than this is refused before it is converted."""

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


def parse(text: str, file: str, problems: Problems, line_offset: int = 0) -> Node | None:
    """Parse one YAML document into our tree; report faults (placed in the file) and return None.

    ``line_offset`` is the number of file lines before ``text`` (the front matter's ``---``).
    The tree is built from libyaml's event stream with an explicit stack: libyaml's own
    composer recurses, and deep nesting would crash the process before any limit applied.
    Most records are in the plain subset that :mod:`plainyaml` reads to the same tree
    without libyaml, in about half the time; libyaml reads the rest and reports faults.
    """
    tree = plainyaml.read(text, line_offset)
    return tree if tree is not None else parse_libyaml(text, file, problems, line_offset)


def parse_libyaml(text: str, file: str, problems: Problems, line_offset: int = 0) -> Node | None:
    """:func:`parse` by libyaml alone, for any YAML: the reference that the plain reader
    is held to."""
    try:
        return _build(yaml.parse(text, Loader=_Loader), file, problems, line_offset)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else 0
        column = mark.column + 1 if mark else 0
        message = _yaml_message(exc, line_offset)
        lines = text.split("\n")
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            message = "a tab character cannot indent YAML; use spaces"
        problems.error(file, line, column, "", message)
        return None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1 + line_offset
        column = exc.position - (before.rfind("\n") + 1) + 1
        problems.error(
            file,
            line,
            column,
            "",
            f"invalid character U+{exc.character:04X} (control characters are not allowed in YAML)",
        )
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error is one of the above
        problems.error(file, line_offset + 1, 0, "", f"invalid YAML: {exc}")
        return None
    except _TooBig:
        return None


class _TooBig(Exception):
    """A size limit was passed: the document is given up whole."""


def _yaml_message(exc: yaml.MarkedYAMLError, line_offset: int) -> str:
    problem = exc.problem or "invalid YAML"
    if "\\t" in problem or "tab" in problem:
        return "a tab character cannot indent YAML; use spaces"
    if "maximum nesting depth" in problem:
        # libyaml's own limit (PyYAML 6.0.4 and later): its scanner reads a flow list's
        # openers ahead of any event, so it may refuse the nesting before _build does.
        return f"nested more than {MAX_DEPTH} levels deep"
    message = f"invalid YAML: {problem}"
    if exc.context:
        started = ""
        if exc.context_mark and exc.problem_mark and exc.context_mark != exc.problem_mark:
            started = f" started at line {exc.context_mark.line + 1 + line_offset}"
        message += f" ({exc.context}{started})"
    return message


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _build(events, file: str, problems: Problems, offset: int) -> Node | None:
    """Our tree from parser events. Faults inside it (a duplicate key, a bad tag, an
    anchor) are reported and the entry dropped, so the rest can still be checked."""
    return _Builder(file, problems, offset).build(events)


class _Builder:
    """Builds the tree from libyaml's events without recursion: open collections wait on
    a stack, each with its pending map key (None while a key is expected)."""

    def __init__(self, file: str, problems: Problems, offset: int):
        self.file, self.problems, self.offset = file, problems, offset
        self.root: list[Node | None] = []
        self.stack: list[list] = []  # [collection, pending map key or None]
        self.aliases_seen: set[str] = set()
        self.documents = 0

    def build(self, events) -> Node | None:
        place, offset = self.place, self.offset
        for event in events:
            kind = event.__class__
            if kind is _SCALAR and event.tag is None and event.anchor is None:  # most events
                mark, value = event.start_mark, event.value
                is_null = not event.style and value in NULLS
                place(Scalar(value, is_null, mark.line + 1 + offset, mark.column + 1))
            elif kind in _ENDS:
                done = self.stack.pop()[0]
                place(done if not getattr(done, "broken", False) else None)
            elif kind is yaml.DocumentStartEvent:
                if not self.document(event):
                    return None
            elif kind not in _SKIPPED:
                self.other(event, kind)
        return self.root[0] if self.root else None

    def document(self, event) -> bool:
        """Count a document; False (reported) for a second one."""
        self.documents += 1
        if self.documents > 1:
            mark = event.start_mark
            line, column = mark.line + 1 + self.offset, mark.column + 1
            self.problems.error(
                self.file, line, column, "", "expected one YAML document, found another"
            )
            return False
        return True

    def other(self, event, kind) -> None:
        """An alias, a scalar with a tag or an anchor, or the start of a collection."""
        mark = event.start_mark
        line, column = mark.line + 1 + self.offset, mark.column + 1
        bad = self.fault(event, kind)
        if bad is _SEEN:
            self.place(None)
            return
        if bad:
            self.problems.error(self.file, line, column, "", bad)
        if kind is _SCALAR:
            plain = event.style in (None, "") and event.tag is None
            node = Scalar(event.value, plain and event.value in NULLS, line, column)
            self.place(None if bad else node)
        elif kind is yaml.AliasEvent:
            self.place(None)
        else:
            if len(self.stack) >= MAX_DEPTH:
                message = f"nested more than {MAX_DEPTH} levels deep"
                self.problems.error(self.file, line, column, "", message)
                raise _TooBig
            start = (
                Seq([], line, column) if kind is yaml.SequenceStartEvent else Map({}, line, column)
            )
            if bad:
                start.broken = True
            self.stack.append([start, None])

    def fault(self, event, kind) -> str | None:
        """What YAML feature an event uses that records may not (aliases, anchors, tags),
        or None; ``_SEEN`` for an alias already reported."""
        if kind is yaml.AliasEvent:
            if event.anchor in self.aliases_seen:  # one report per alias name is enough
                return _SEEN
            self.aliases_seen.add(event.anchor)
            return f"YAML alias '{event.anchor}' is not allowed; write the value out in full"
        if event.anchor:
            return f"YAML anchor '{event.anchor}' is not allowed; write the value out in full"
        if event.tag not in (None, "!") and event.tag not in _ALLOWED_TAGS:
            return (
                f"YAML tag '{_short_tag(event.tag)}' is not allowed; write plain text, "
                "numbers, lists and mappings"
            )
        return None

    def place(self, node: Node | None) -> None:
        """Put a finished node where it belongs: the root, a list, or a mapping (as a key,
        or as the value of the key waiting there)."""
        if not self.stack:
            self.root.append(node)
            return
        top = self.stack[-1]
        parent = top[0]
        if parent.__class__ is Seq:
            if node is not None:
                parent.items.append(node)
                if len(parent.items) > MAX_ITEMS:
                    self.too_many(parent)
            return
        key = top[1]
        if key is None:  # this node is a key
            top[1] = node if node is not None else _DROPPED
            return
        top[1] = None
        if key is not _DROPPED:
            self.entry(parent, key, node)

    def entry(self, parent: Map, key: Node, node: Node | None) -> None:
        if not isinstance(key, Scalar):
            self.problems.error(self.file, key.line, key.column, "", "a key must be plain text")
        elif key.text in parent.entries:
            first = parent.entries[key.text][0]
            message = f"duplicate key (first defined at line {first.line}); keep one"
            self.problems.error(self.file, key.line, key.column, key.text, message)
        else:
            parent.entries[key.text] = (key, node)
            if len(parent.entries) > MAX_ITEMS:
                self.too_many(parent)

    def too_many(self, parent: Seq | Map) -> None:
        message = f"more than {MAX_ITEMS} entries"
        self.problems.error(self.file, parent.line, parent.column, "", message)
        raise _TooBig


_SCALAR = yaml.ScalarEvent
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_SKIPPED = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)
_DROPPED = object()  # a map key that was dropped: its value is dropped with it
_SEEN = "seen"  # an alias already reported


class Reader:
    """Typed access to one document's values; every failure is reported, placed, and None."""

    def __init__(self, file: str, problems: Problems):
        self.file, self.problems = file, problems

    def error(self, node: Node | None, field: str, message: str, fallback: Node | None = None):
        at = node or fallback
        self.problems.error(self.file, at.line if at else 1, at.column if at else 0, field, message)
        return None

    def markdown(self, text: str, field: str, line: int, column: int) -> str:
        """Untrusted Markdown (at ``line``, ``column``) rendered within its limits; a text
        too long or nested too deep is an error placed there, and gives ""."""
        if len(text) > MAX_MARKDOWN_CHARS:
            message = f"{len(text)} characters of Markdown; the limit is {MAX_MARKDOWN_CHARS}"
            self.problems.error(self.file, line, column, field, message)
            return ""
        try:
            return render_markdown(text)
        except MarkupError as exc:
            self.problems.error(self.file, line, column, field, str(exc))
            return ""

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

    def required_text(self, item: Map, key: str, field: str) -> str | None:
        """The text at ``key`` of ``item``; "required field is missing" when it is not there,
        empty or null (a value of another kind is reported as that, once)."""
        value = self.text(item.get(key), field)
        if value is None and (key not in item.entries or isinstance(item.get(key), Scalar)):
            self.error(item.get(key), field, "required field is missing", fallback=item)
        return value

    def integer(self, node: Node | None, field: str, low: int, high: int | None = None):
        """A whole number from ``low`` to ``high`` (default :data:`MAX_WHOLE`: every number
        has a bound, so a huge one is an error, not a page showing 5,000 digits; Python's
        ``int()`` refuses texts over 4,300 digits, so their length is checked first)."""
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        top = MAX_WHOLE if high is None else high
        span = f"from {low} to {high}" if high is not None else f"of at least {low}"
        text = node.text.strip() if isinstance(node, Scalar) else ""
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            return self.error(node, field, f"expected a whole number {span}, got {describe(node)}")
        sign, digits = text[0] if text[0] in "+-" else "", text.lstrip("+-").lstrip("0")
        value = int(sign + (digits or "0")) if len(digits) <= MAX_DIGITS else None
        if value is not None and low <= value <= top:
            return value
        if high is None and (value is None or value > top):
            span += f" and at most {top}"
        got = value if value is not None else f"a number of {len(digits)} digits"
        return self.error(node, field, f"expected a whole number {span}, got {got}")

    def number(self, node: Node | None, field: str, low: float, high: float):
        if node is None or (isinstance(node, Scalar) and node.is_null):
            return None
        text = node.text.strip() if isinstance(node, Scalar) else ""
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text) or len(text) > MAX_DIGITS:
            return self.error(
                node, field, f"expected a number from {low:g} to {high:g}, got {describe(node)}"
            )
        value = float(text)
        if not low <= value <= high:
            return self.error(
                node, field, f"expected a number from {low:g} to {high:g}, got {text}"
            )
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
