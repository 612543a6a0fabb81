"""The one rule for text: no character that XML 1.0 or HTML forbids reaches a page or a feed.

XML 1.0 allows tab, line feed, carriage return and every other character from U+0020 up,
but for surrogates and U+FFFE and U+FFFF; HTML calls the other controls (U+007F to U+009F
too, NEL among them) and every noncharacter (U+FDD0 to U+FDEF, and the last two of each
plane) parse errors. A feed with one such character is rejected whole by feed readers, so
each is refused with its place, whether it was typed as it is or made by an escape
(``"\\a"``, ``"\\e"``, ``"\\0"``, ``"\\x85"``, ``"\\N"`` in double-quoted YAML).

* :func:`check_source` checks a file's whole text as typed, before YAML reads it (which
  would turn a raw NEL into a line break, and a space), at the position of each character;
* :func:`check_tree` checks the values YAML made from escapes, at their values' places;
* :func:`check_text` checks one value from anywhere (the importers call it on what they
  read from CSV, JSON or NFO files before they write a record).
"""

from __future__ import annotations

import re

from .errors import Problems
from .yamltree import Map, Node, Scalar, Seq

_PLANE_ENDS = "".join(chr(p) + chr(p + 1) for p in range(0x1FFFE, 0x110000, 0x10000))
FORBIDDEN = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]|[{_PLANE_ENDS}]"
)
"""One character that XML 1.0 or HTML forbids."""
# Every byte of allowed ASCII: what is left of a text without them is small, and empty
# for most records (a fast test before the exact one).
_ALLOWED_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_ASCII = bytes(range(0x80))
MAX_REPORTED = 5
"""Characters reported per file; the rest are counted."""
_TOP_KEY = re.compile(r"([^\s#:\-?\[{'\"][^:]*?|'[^']*'|\"[^\"]*\") *:(?: |$)")


def describe(char: str) -> str:
    """'U+0007 (a control character)', and so on, for messages."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        what = "half of a surrogate pair"
    elif code >= 0xFDD0 and (code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
        what = "a noncharacter"
    else:
        what = "a control character"
        if code in _NAMES:
            what = f"{_NAMES[code]}, {what}"
    return f"U+{code:04X} ({what})"


_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL",
          0x85: "NEL"}  # fmt: skip


def is_clean(data: bytes) -> bool:
    """A quick test of a file's UTF-8 bytes: True when no character in them is forbidden.
    (False may still be clean: the exact test is :func:`check_source`'s.)"""
    rest = data.translate(None, _ALLOWED_ASCII)
    if not rest:
        return True
    beyond_ascii = rest.translate(None, _ASCII)
    if len(beyond_ascii) != len(rest):
        return False  # a control character of ASCII
    try:
        return FORBIDDEN.search(beyond_ascii.decode("utf-8")) is None
    except UnicodeDecodeError:  # the caller reports that
        return False


def check_text(
    text: str,
    file: str,
    line: int,
    column: int,
    field: str,
    problems: Problems,
    what: str = "the text",
) -> bool:
    """Report the first forbidden character of one value, placed at the value (``line``
    and ``column``) and counted in it; True when there is none. Importers call this on
    every value they read, before they write a record."""
    found = FORBIDDEN.search(text)
    if found is None:
        return True
    problems.error(
        file,
        line,
        column,
        field,
        f"{describe(found[0])} at character {found.start() + 1} of {what}; "
        "XML 1.0 and HTML forbid it (feed readers reject the whole feed): remove it",
    )
    return False


def check_source(
    text: str, file: str, problems: Problems, line_offset: int = 0, body_line: int = 0
) -> bool:
    """Report every forbidden character of a file's text as typed (up to
    :data:`MAX_REPORTED`), at its line and column, with the field it is in: the top-level
    key above it, or ``plot`` from ``body_line`` (a Markdown record's body) on. True when
    there is none. ``line_offset`` is the number of file lines before ``text``."""
    hits = list(FORBIDDEN.finditer(text))
    if not hits:
        return True
    lines = text.split("\n")
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    row = 0
    for hit in hits[:MAX_REPORTED]:
        while row + 1 < len(starts) and starts[row + 1] <= hit.start():
            row += 1
        number = row + 1 + line_offset
        field = "plot" if body_line and number >= body_line else _field_of(lines, row)
        problems.error(
            file,
            number,
            hit.start() - starts[row] + 1,
            field,
            f"{describe(hit[0])}; XML 1.0 and HTML forbid it (feed readers reject the "
            "whole feed): remove it",
        )
    if len(hits) > MAX_REPORTED:
        problems.error(
            file,
            0,
            0,
            "",
            f"{len(hits) - MAX_REPORTED} more characters that XML 1.0 and HTML forbid",
        )
    return False


def _field_of(lines: list[str], row: int) -> str:
    """The top-level key whose value holds line ``row`` of a YAML text, or ''."""
    for index in range(row, -1, -1):
        match = _TOP_KEY.match(lines[index])
        if match:  # (a key holding the character itself is not repeated to a terminal)
            return "" if FORBIDDEN.search(match[1]) else match[1].strip("'\"")
    return ""


def check_tree(node: Node | None, file: str, problems: Problems, field: str = "") -> bool:
    """Report each value (and key) of a YAML tree holding a forbidden character, which
    an escape made, at the value's place and with its field (``credits.cast[0].name``).
    True when there is none. Walks with a stack: the tree may be 16 levels deep."""
    clean = True
    todo: list[tuple[Node | None, str]] = [(node, field)]
    while todo:
        item, at = todo.pop()
        if isinstance(item, Scalar):
            if not check_text(item.text, file, item.line, item.column, at, problems):
                clean = False
        elif isinstance(item, Seq):
            todo.extend((child, f"{at}[{i}]") for i, child in enumerate(item.items))
        elif isinstance(item, Map):
            for key, (knode, value) in item.entries.items():
                path = f"{at}.{key}" if at else key
                if FORBIDDEN.search(key):
                    check_text(key, file, knode.line, knode.column, at, problems, "the key")
                    clean = False
                    continue
                todo.append((value, path))
    return clean
