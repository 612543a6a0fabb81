"""Records in the plain subset of YAML, read line by line without libyaml.

Nearly every record is written in a small part of YAML: block mappings and lists, flow
lists and mappings on one line (``[a, b]``, ``{name: Ada, character: "Eve"}``), and
one-line scalars, plain or quoted (with YAML's escapes in double quotes: ``"a\n\nb"``,
as exported records write their paragraphs). For such a text libyaml makes a Python
event with two position objects for every value, which costs more than reading the lines
here. :func:`read` returns the very tree that :func:`yamldoc.parse` builds from libyaml's
events, or None as soon as the text steps outside the subset in any way (a comment, a
scalar over several lines, an escape YAML has not, a tab, an anchor, a duplicate key, a
line it cannot place): the caller then parses it with libyaml, which also reports every
fault. So this reader never reports anything, and it only has to be right about what it accepts; a
property test holds it to libyaml's tree on generated and mutated documents.
"""

from __future__ import annotations

import re

from .yamltree import MAX_DEPTH, MAX_ITEMS, NULLS, Map, Node, Scalar, Seq

# A block mapping's key and its colon, then a space or the end of the line.
_KEY = re.compile(r"(\w[\w.-]*(?: +[\w.-]+)*) *(:)(?: +|$)")
# A flow mapping's key: always followed by a value here.
_FLOW_KEY = re.compile(r"(\w[\w.-]*(?: +[\w.-]+)*) *: +")
# A plain scalar that does not start with an indicator and holds no comment or ': '.
_PLAIN = re.compile(r"(?:[^\s\-?:,\[\]{}#&*!|>'\"%@`]|-[\w.])[^:#]*(?::[^\s:#][^:#]*)*")
# A scalar in a flow collection: quoted, or plain and ended by a comma or a bracket.
_FLOW_VALUE = (
    r"\"[^\"\\]*(?:\\.[^\"\\]*)*\"|'[^']*(?:''[^']*)*'"
    r"|(?:[^\s\-?:,\[\]{}#&*!|>'\"%@`]|-[\w.])[^:#,\[\]{} ]*(?: +[^:#,\[\]{} ]+)*"
)
_FLOW_SCALAR = re.compile(_FLOW_VALUE)
# The usual entries of flow mappings and lists, a scalar and what follows it, in one match.
# Groups: the key (empty in a list), the value, and the comma or closing bracket.
_FLOW_PAIR = re.compile(rf"(\w[\w.-]*(?: +[\w.-]+)*) *: +({_FLOW_VALUE}) *([,}}]) *")
_FLOW_ITEM = re.compile(rf"()({_FLOW_VALUE}) *([,\]]) *")
_DOUBLE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
            "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
            "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}  # fmt: skip
_SINGLE = re.compile(r"'([^']*(?:''[^']*)*)'")


class _Outside(Exception):
    """The text leaves the subset: libyaml reads it instead."""


def read(text: str, line_offset: int = 0) -> Node | None:
    """The tree of ``text``, or None when it is not in the plain subset (or is empty)."""
    lines = text.split("\n")
    # Python's printable characters are a part of YAML's: no tabs, no carriage returns,
    # none of YAML 1.1's other line breaks (NEL, LS, PS), no byte-order mark.
    if not all(map(str.isprintable, lines)):
        return None
    indents = [len(line) - len(line.lstrip(" ")) if line.strip(" ") else -1 for line in lines]
    reader = _Reader(lines, indents, line_offset)
    try:
        first = reader.next(0)
        if first is None:
            return None
        node, after = reader.block(first, indents[first], 1)
    except (_Outside, IndexError):  # an IndexError is a line that ends too soon
        return None
    return node if after is None else None


class _Reader:
    """Reads blocks by indentation; each method returns a node and the next line's index
    (None at the end) or raises _Outside."""

    def __init__(self, lines: list[str], indents: list[int], offset: int):
        self.lines, self.indents, self.offset = lines, indents, offset

    def next(self, row: int) -> int | None:
        """The first line from ``row`` on that is not blank."""
        indents = self.indents
        while row < len(indents):
            if indents[row] >= 0:
                return row
            row += 1
        return None

    def block(self, row: int, col: int, depth: int) -> tuple[Node, int | None]:
        if depth > MAX_DEPTH - 2:
            raise _Outside
        if _is_dash(self.lines[row], col):
            return self.sequence(row, col, depth, False)
        return self.mapping(row, col, depth)

    def mapping(self, row: int, col: int, depth: int) -> tuple[Map, int | None]:
        """A block mapping whose first key is at (row, col), maybe after a list's dash."""
        lines, indents = self.lines, self.indents
        entries: dict = {}
        node = Map(entries, row + 1 + self.offset, col + 1)
        while True:
            line = lines[row]
            match = _KEY.match(line, col)
            if match is None:
                raise _Outside
            text = match[1]
            if text in entries or len(entries) >= MAX_ITEMS:
                raise _Outside
            key = Scalar(text, text in NULLS, row + 1 + self.offset, col + 1)
            after = match.end()
            if after < len(line):
                value = self.inline(line, after, row, depth)
                following = self.next(row + 1)
            else:  # nothing, if anything, just after the colon
                value, following = self.below(row, col, depth, match.start(2) + 2, True)
            entries[text] = (key, value)
            if following is None or indents[following] < col:
                return node, following
            if indents[following] > col:
                raise _Outside  # a value over more lines, or a stray indent
            row = following

    def sequence(self, row: int, col: int, depth: int, indentless: bool) -> tuple[Seq, int | None]:
        """A block list whose first dash is at (row, col); ``indentless`` when it is a
        mapping's value at the mapping's own indent, where a key line ends it."""
        lines, indents = self.lines, self.indents
        items: list = []
        node = Seq(items, row + 1 + self.offset, col + 1)
        while True:
            line = lines[row]
            start = col + 1
            while start < len(line) and line[start] == " ":
                start += 1
            if start < len(line):
                if _KEY.match(line, start):  # "- key: value" starts a mapping
                    item, following = self.mapping(row, start, depth + 1)
                else:
                    if _is_dash(line, start):
                        raise _Outside  # "- - x"
                    item = self.inline(line, start, row, depth)
                    following = self.next(row + 1)
            else:  # nothing, if anything, just after the dash
                item, following = self.below(row, col, depth, col + 2, False)
            items.append(item)
            if len(items) > MAX_ITEMS:
                raise _Outside
            if following is None or indents[following] < col:
                return node, following
            if indents[following] > col:
                raise _Outside
            if not _is_dash(lines[following], col):
                if indentless:
                    return node, following
                raise _Outside
            row = following

    def below(
        self, row: int, col: int, depth: int, empty_at: int, lists_here: bool
    ) -> tuple[Node, int | None]:
        """The value of a key or dash at (row, col) that ends its line: a block indented
        under it, a list at the key's own indent (``lists_here``), or else nothing, which
        libyaml places at column ``empty_at``."""
        following = self.next(row + 1)
        inner = self.indents[following] if following is not None else -1
        if inner > col:
            return self.block(following, inner, depth + 1)
        if lists_here and inner == col and _is_dash(self.lines[following], col):
            return self.sequence(following, col, depth + 1, True)
        return Scalar("", True, row + 1 + self.offset, empty_at), following

    def inline(self, line: str, at: int, row: int, depth: int) -> Node:
        """The value that fills the rest of the line from ``at``."""
        first = line[at]
        if first in "[{":
            node, end = self.flow(line, at, row, depth + 1)
            if line[end:].strip(" "):
                raise _Outside
            return node
        if first == '"' or first == "'":
            node, end = self.quoted(line, at, row)
            if line[end:].strip(" "):
                raise _Outside
            return node
        match = _PLAIN.match(line, at)
        if match is None or match.end() != len(line):
            raise _Outside
        text = match[0].rstrip(" ")
        return Scalar(text, text in NULLS, row + 1 + self.offset, at + 1)

    def quoted(self, line: str, at: int, row: int) -> tuple[Scalar, int]:
        if line[at] == '"':
            match = _DOUBLE.match(line, at)
            if match is None:
                raise _Outside
            text = _unescaped(match[1])
        else:
            match = _SINGLE.match(line, at)
            if match is None:
                raise _Outside
            text = match[1].replace("''", "'")
        return Scalar(text, False, row + 1 + self.offset, at + 1), match.end()

    def flow(self, line: str, at: int, row: int, depth: int) -> tuple[Node, int]:
        """A flow list or mapping that opens at ``at`` and closes on the same line."""
        if depth > MAX_DEPTH - 2:
            raise _Outside
        number = row + 1 + self.offset
        is_map = line[at] == "{"
        closing, simple = ("}", _FLOW_PAIR) if is_map else ("]", _FLOW_ITEM)
        entries: dict = {}
        items: list = []
        node: Node = Map(entries, number, at + 1) if is_map else Seq(items, number, at + 1)
        at = _skip(line, at + 1)
        if line[at] == closing:
            return node, at + 1
        while True:
            match = simple.match(line, at)
            if match is not None:  # the usual entry: a scalar, then a comma or the end
                key_text, token, end = match.groups()
                key_at = at
                value = _scalar(token, number, match.start(2))
                at = match.end()
            else:  # a collection inside, or something outside the subset
                key_text = key_at = None
                if is_map:
                    key = _FLOW_KEY.match(line, at)
                    if key is None:
                        raise _Outside
                    key_text, key_at, at = key[1], at, key.end()
                value, at = self.flow_item(line, at, row, depth)
                at = _skip(line, at)
                end = line[at]
                at = _skip(line, at + 1)
                if end != "," and end != closing:
                    raise _Outside
            if is_map:
                if key_text in entries or len(entries) >= MAX_ITEMS:
                    raise _Outside
                key = Scalar(key_text, key_text in NULLS, number, key_at + 1)
                entries[key_text] = (key, value)
            else:
                items.append(value)
                if len(items) > MAX_ITEMS:
                    raise _Outside
            if end == closing:
                return node, at
            if line[at] == closing:
                raise _Outside  # a trailing comma

    def flow_item(self, line: str, at: int, row: int, depth: int) -> tuple[Node, int]:
        first = line[at]
        if first in "[{":
            return self.flow(line, at, row, depth + 1)
        match = _FLOW_SCALAR.match(line, at)
        if match is None:
            raise _Outside
        return _scalar(match[0], row + 1 + self.offset, at), match.end()


def _scalar(token: str, number: int, at: int) -> Scalar:
    """A scalar from its token as typed (quotes and all), at index ``at`` of its line."""
    first = token[0]
    if first == '"':
        return Scalar(_unescaped(token[1:-1]), False, number, at + 1)
    if first == "'":
        return Scalar(token[1:-1].replace("''", "'"), False, number, at + 1)
    return Scalar(token, token in NULLS, number, at + 1)


def _unescaped(text: str) -> str:
    """A double-quoted scalar's text with YAML's escapes decoded, as libyaml does; an
    escape YAML has not (or a surrogate) leaves the subset, for libyaml to report."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = match[1]
    found = _ESCAPES.get(code)
    if found is not None:
        return found
    if len(code) > 1:  # \x, \u or \U and hexadecimal digits
        point = int(code[1:], 16)
        if point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF:
            return chr(point)
    raise _Outside


def _is_dash(line: str, col: int) -> bool:
    """A list entry's dash at ``col``: followed by a space or the end of the line."""
    return line.startswith("-", col) and (len(line) == col + 1 or line[col + 1] == " ")


def _skip(line: str, at: int) -> int:
    while at < len(line) and line[at] == " ":
        at += 1
    return at
