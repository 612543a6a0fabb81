"""Edits made in place in a record's text: what an import adds goes in as new lines or
entries, and every other byte (comments, order, quoting, blank lines) stays as written.

Positions come from libyaml's nodes. Each change is a span of the text and its new
text; after the edits the record is read again and compared with what was meant
(:func:`expected`), so an edit that would change anything else is refused, never
written.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from .emit import as_text, entry_lines, flow, ordered

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader  # type: ignore[misc]

Path = tuple[str, ...]


class EditError(Exception):
    """The record's shape does not allow this edit in place; the message says why."""


class Document:
    """A record's text and its YAML nodes, collecting edits to make in place."""

    def __init__(self, text: str, yaml_only: bool):
        self.text = text
        if yaml_only:
            self.front_start, front_stop, self.body_start = 0, len(text), None
        else:
            self.front_start, front_stop, self.body_start = _front_matter(text)
        self.front = text[self.front_start : front_stop]
        self._root: yaml.MappingNode | None = None
        self.sets: list[tuple[Path, Any]] = []
        self.appends: list[tuple[Path, list]] = []
        self.items: list[tuple[Path, int, Any]] = []
        self.body: str | None = None

    def set(self, path: Path, value: Any) -> None:
        self.sets.append((path, value))

    def append(self, path: Path, items: list) -> None:
        self.appends.append((path, items))

    def replace_item(self, path: Path, index: int, value: Any) -> None:
        self.items.append((path, index, value))

    def set_body(self, text: str) -> None:
        self.body = text

    @property
    def root(self) -> yaml.MappingNode:
        """The front matter's nodes, read when the first edit is made (most imports
        find most records unchanged, and need none)."""
        if self._root is None:
            root = yaml.compose(self.front, Loader=_Loader)
            if not isinstance(root, yaml.MappingNode):
                raise EditError("the record is not a mapping of fields")
            self._root = root
        return self._root

    @property
    def changed(self) -> bool:
        return bool(self.sets or self.appends or self.items or self.body is not None)

    def result(self) -> str:
        """The text with every edit made."""
        spans: list[tuple[int, int, int, str]] = []  # start, order, end, text
        sets = list(self.sets)
        for path, items in self.appends:
            node = _find(self.root, path)
            if node is None or _is_null(node):
                sets.append((path, items))
            elif isinstance(node, yaml.SequenceNode):
                spans.append(self._append_span(node, items, path[-1], len(spans)))
            else:
                raise EditError(f"{'.'.join(path)} is not a list")
        for path, index, value in self.items:
            item = _find(self.root, path).value[index]
            end = _last_end(item, self.front)
            spans.append((item.start_mark.index, len(spans), end, flow(value, path[-1])))
        spans += self._set_spans(sets, len(spans))
        text = self.front
        for start, _, end, new in sorted(spans, reverse=True):
            text = text[:start] + new + text[end:]
        after = self.front_start + len(self.front)
        whole = self.text[: self.front_start] + text + self.text[after:]
        if self.body is not None and self.body_start is not None:
            shift = len(text) - len(self.front)
            head = whole[: self.body_start + shift]
            whole = head + ("" if head.endswith("\n") else "\n") + self.body.strip() + "\n"
        return whole

    def _set_spans(self, sets, order: int) -> list[tuple[int, int, int, str]]:
        """Replacements of existing entries, and new entries grouped by the mapping that
        receives them (so two new ids make one ``ids:`` entry, not two)."""
        spans = []
        inserts: dict[int, tuple[yaml.MappingNode, dict[str, Any]]] = {}
        nulls: dict[tuple[int, str], tuple[yaml.MappingNode, Any, dict[str, Any]]] = {}
        for path, value in sets:
            parent, depth = self.root, 0
            while depth < len(path) - 1:
                child = _entry(parent, path[depth])
                if child is None or not isinstance(child[1], yaml.MappingNode):
                    break
                parent, depth = child[1], depth + 1
            key, nested = path[depth], _nest(path[depth + 1 :], value)
            entry = _entry(parent, key)
            if entry is not None and depth == len(path) - 1:
                spans.append(self._replace_span(parent, entry, nested, order + len(spans)))
            elif entry is not None and _is_null(entry[1]):  # (every field added under it
                held = nulls.setdefault((id(parent), key), (parent, entry, {}))[2]  # at once)
                _merge_into(held, key, nested)
            elif entry is not None:
                raise EditError(f"{'.'.join(path[: depth + 1])} is not a mapping")
            else:
                group = inserts.setdefault(id(parent), (parent, {}))[1]
                _merge_into(group, key, nested)
        for parent, entry, held in nulls.values():
            value = held[entry[0].value]
            spans.append(self._replace_span(parent, entry, value, order + len(spans)))
        for parent, values in inserts.values():
            spans.append(self._insert_span(parent, values, order + len(spans)))
        return spans

    def _replace_span(self, parent, entry, value, order):
        key, node = entry
        if parent.flow_style:
            start = node.start_mark.index
            gap = " " if self.front[start - 1 : start] == ":" else ""
            return (start, order, _last_end(node, self.front), gap + flow(value, key.value))
        lines = entry_lines(key.value, value, key.start_mark.column)
        end = node.end_mark.index if _is_null(node) else _last_end(node, self.front)
        return (key.start_mark.index, order, end, "\n".join(lines).lstrip(" "))

    def _insert_span(self, parent: yaml.MappingNode, values: dict[str, Any], order: int):
        keys = ordered(values)
        if parent.flow_style:
            pairs = ", ".join(f"{k}: {flow(values[k], k)}" for k in keys)
            if not parent.value:
                return (parent.end_mark.index - 1, order, parent.end_mark.index - 1, pairs)
            at = _last_end(parent.value[-1][1], self.front)
            return (at, order, at, ", " + pairs)
        indent = parent.value[0][0].start_mark.column
        order = _nested_first(indent)
        lines = [line for k in keys for line in entry_lines(k, values[k], indent)]
        last_key = parent.value[-1][0]
        if parent is self.root and last_key.value == "source" and len(parent.value) > 1:
            at = self.front.rfind("\n", 0, last_key.start_mark.index) + 1
            return (at, order, at, "".join(line + "\n" for line in lines))
        at = _line_end(self.front, _last_end(parent, self.front))
        return (at, order, at, "".join("\n" + line for line in lines))

    def _append_span(self, node: yaml.SequenceNode, items: list, key: str, order: int):
        if node.flow_style:
            texts = ", ".join(flow(item, key) for item in items)
            if not node.value:
                return (node.end_mark.index - 1, order, node.end_mark.index - 1, texts)
            at = _last_end(node.value[-1], self.front)
            return (at, order, at, ", " + texts)
        pad = " " * node.start_mark.column
        order = _nested_first(node.start_mark.column) - 1
        at = _line_end(self.front, _last_end(node, self.front))
        return (at, order, at, "".join(f"\n{pad}- {flow(item, key)}" for item in items))


def _nested_first(indent: int) -> int:
    """The order of an insertion at the end of a block: where a nested block and its
    parent both end at one place, the nested block's new lines must come first (edits
    are made from the last; of two at one place, the higher order is made first)."""
    return 1_000_000 - 2 * indent


def _front_matter(text: str) -> tuple[int, int, int]:
    """Where a Markdown record's front matter starts and stops, and its body starts."""
    first = text.find("\n")
    if first < 0 or text[:first].rstrip() != "---":
        raise EditError("the record does not start with front matter")
    at = first + 1
    while at <= len(text):
        stop = text.find("\n", at)
        line = text[at : stop if stop >= 0 else len(text)]
        if line.rstrip() in ("---", "..."):
            return first + 1, max(first + 1, at - 1), (stop + 1 if stop >= 0 else len(text))
        if stop < 0:
            break
        at = stop + 1
    raise EditError("the front matter is never closed")


def _entry(mapping: yaml.MappingNode, key: str):
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def _find(root: yaml.MappingNode, path: Path):
    node: Any = root
    for key in path:
        if not isinstance(node, yaml.MappingNode):
            return None
        entry = _entry(node, key)
        node = entry[1] if entry else None
    return node


def _is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def _last_end(node, text: str) -> int:
    """Where a node's own text ends: after its last character, not after the blank lines
    or comments that libyaml counts into a block collection."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark.index
        if node.style in ("|", ">"):
            while end > node.start_mark.index and text[end - 1] == "\n":
                end -= 1
        return end
    if node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return _last_end(last[1] if isinstance(node, yaml.MappingNode) else last, text)


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _nest(keys: Path, value: Any) -> Any:
    for key in reversed(keys):
        value = {key: value}
    return value


def _merge_into(group: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(group.get(key), dict) and isinstance(value, dict):
        for k, v in value.items():
            _merge_into(group[key], k, v)
    else:
        group[key] = value


def expected(plain: dict[str, Any], document: Document) -> dict[str, Any]:
    """The record's fields as the edits mean them to read, every scalar as text."""
    out = copy.deepcopy(plain)
    for path, items in document.appends:
        parent = _walk(out, path[:-1])
        old = parent.get(path[-1])
        parent[path[-1]] = (old if isinstance(old, list) else []) + as_text(items)
    for path, index, value in document.items:
        _walk(out, path[:-1])[path[-1]][index] = as_text(value)
    for path, value in document.sets:
        _walk(out, path[:-1])[path[-1]] = as_text(value)
    return out


def same_fields(a: Any, b: Any) -> bool:
    """Whether two records' fields (as :func:`existing.plain` gives them) mean the same to
    the build, which strips every text: a block scalar that ended the front matter reads
    with its line break once a field is added after it."""
    return _settled(a) == _settled(b)


def _settled(value: Any) -> Any:
    if isinstance(value, str):
        return value.rstrip("\n")
    if isinstance(value, dict):
        return {k: _settled(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_settled(v) for v in value]
    return value


def _walk(node: dict[str, Any], keys: Path) -> dict[str, Any]:
    for key in keys:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    return node
