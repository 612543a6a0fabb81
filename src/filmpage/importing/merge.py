"""A film of an import merged into the record that already holds it, without loss.

Each field is decided against three values: the record's, the import's, and what the
same format imported last time (a short digest kept in ``source``, so the record knows
which of its values it was given and which the user wrote since):

* the record lacks the field: it is added (unless the user removed it after an import);
* the record holds the same: nothing to do;
* the record holds what the last import gave, and the source now says otherwise: with
  ``--update`` the new value replaces it, else the difference is reported;
* the record holds what the user wrote: it is kept, and a difference is reported.

Reviews are added one by one; a review imported before is never added again, even when
the user has edited or removed it since. Title and year are never replaced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .edit import Document
from .emit import as_text
from .existing import Existing
from .identity import Film
from .rows import RATING_ONLY, is_bare, without_marks

LIST_FIELDS = {"genres", "countries", "languages"}
NEVER_REPLACED = {("title",), ("year",)}


@dataclass(frozen=True)
class Conflict:
    field: str
    record: Any
    imported: Any
    hint: str


@dataclass
class Merge:
    document: Document
    plot_in_front: bool = False  # a Markdown record whose plot is its front matter's ``plot``
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def digest(value: Any) -> str:
    canon = json.dumps(_canon(as_text(value)), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canon.encode()).hexdigest()[:8]


def _canon(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [_canon(v) for v in value]
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in value.items() if k != "rating_only"}
    return value


def parse_digests(text: str | None) -> dict[str, list[str]]:
    """``"runtime:1a2b3c4d customer_reviews:aa,bb"`` -> {path: [digests]}."""
    out: dict[str, list[str]] = {}
    for token in (text or "").split():
        name, _, digests = token.partition(":")
        if name and digests:
            out[name] = digests.split(",")
    return out


def source_of(plain: dict[str, Any]) -> dict[str, Any]:
    """A record's ``source`` (empty when it has none, or not a mapping)."""
    source = plain.get("source")
    return source if isinstance(source, dict) else {}


def marks_of(source: dict[str, Any], fmt: str) -> dict[str, list[str]]:
    """The digests of what imports of ``fmt`` wrote into a record, by field."""
    text = source.get(fmt)
    return parse_digests(text if isinstance(text, str) else None)


def format_digests(digests: dict[str, list[str]]) -> str:
    return " ".join(f"{k}:{','.join(v)}" for k, v in sorted(digests.items()) if v)


def imported_values(film: Film) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for name, value in film.fields.items():
        if name == "credits":
            out.update({("credits", role): people for role, people in value.items()})
        else:
            out[(name,)] = value
    for kind, value in film.ids.items():
        out[("ids", kind)] = int(value) if kind == "tmdb" else value
    return out


def merge(film: Film, record: Existing, fmt: str, update: bool, files: list[str]) -> Merge:
    """The edits that bring ``film`` into ``record``, and what they mean for the report."""
    plain = record.plain
    in_front = not record.body.strip() and plain.get("plot") is not None
    result = Merge(Document(record.text, record.yaml_only), plot_in_front=in_front)
    source = source_of(plain)
    base = marks_of(source, fmt)
    others = _written_by_others(source, fmt)
    digests = {k: list(v) for k, v in base.items()}
    for path, value in imported_values(film).items():
        current = _current(record, plain, path)
        last = base.get(".".join(path), [None])[0]
        if current is None and last is None and ".".join(path) in others:
            result.notes.append(
                f"{'.'.join(path)}: removed by hand after an earlier import "
                f"({others['.'.join(path)]}); not added again"
            )
            continue
        _decide(result, path, current, value, last, update)
        if ".".join(path) in result.added + result.updated:
            digests[".".join(path)] = [digest(value)]
    _merge_reviews(result, plain.get("customer_reviews"), film.reviews, base, digests, update)
    if result.added or result.updated:
        _update_source(result.document, source, fmt, files, format_digests(digests))
    return result


def _written_by_others(source: dict, fmt: str) -> dict[str, str]:
    """The fields that imports of other formats wrote into the record (by the digests
    they kept in ``source``), with the format that wrote each: one the record lacks now
    was removed by hand, and no import adds it again."""
    found: dict[str, str] = {}
    for name, text in sorted(source.items()):
        if name not in ("format", "file", fmt) and isinstance(text, str):
            for path in parse_digests(text):
                found.setdefault(path, name)
    return found


def _current(record: Existing, plain: dict[str, Any], path: tuple[str, ...]) -> Any:
    if path == ("plot",) and not record.yaml_only:  # the body, else the front matter's
        return record.body.strip() or plain.get("plot") or None
    node: Any = plain
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, str) and (path[0] in LIST_FIELDS or path[0] == "credits"):
        return [node]
    return node


def _same(path: tuple[str, ...], current: Any, value: Any) -> bool:
    """Whether the record already says what the import says (a list holding at least the
    imported names counts: genres in another order, a cast with characters)."""
    if path[0] in LIST_FIELDS or path[0] == "credits":
        have = {_name(v).casefold() for v in current or []}
        return all(_name(v).casefold() in have for v in value)
    return _canon(as_text(current)) == _canon(as_text(value))


def _extends(current: Any, value: Any) -> bool:
    """Whether the list ``value`` is the list ``current`` with more at its end."""
    return (
        isinstance(current, list)
        and isinstance(value, list)
        and len(value) > len(current)
        and all(
            _canon(as_text(a)) == _canon(as_text(b))
            for a, b in zip(current, value[: len(current)], strict=True)
        )
    )


def _name(person: Any) -> str:
    if isinstance(person, dict):
        return str(person.get("name") or "").strip()
    return str(person or "").strip()


def _decide(result: Merge, path, current, value, base: str | None, update: bool) -> None:
    name = ".".join(path)
    if current is None:
        if base is None:
            _write(result, path, value)
            result.added.append(name)
        elif base != digest(value):
            result.notes.append(f"{name}: removed by hand after an earlier import; not added again")
        return
    if _same(path, current, value):
        return
    untouched = base is not None and digest(current) == base
    if untouched and update and path not in NEVER_REPLACED:
        if _extends(current, value):  # the source added to a list: added at its end, so
            result.document.append(path, value[len(current) :])  # its comments stay
        else:
            _write(result, path, value)
        result.updated.append(name)
    elif untouched:
        hint = (
            "the record's value is kept; change it by hand if the new one is right"
            if path in NEVER_REPLACED
            else "an earlier import wrote it; --update takes the new value"
        )
        result.conflicts.append(Conflict(name, current, value, hint))
    elif base is None or base != digest(value):
        result.conflicts.append(Conflict(name, current, value, "the record's value is kept"))


def _write(result: Merge, path: tuple[str, ...], value: Any) -> None:
    document = result.document
    if path == ("plot",) and document.body_start is not None and not result.plot_in_front:
        document.set_body(value)
    else:
        document.set(path, value)


def _merge_reviews(result: Merge, current, reviews, base, digests, update: bool) -> None:
    """Reviews the record does not hold yet, by digest; with ``--update``, a review the
    last import gave (untouched since) is replaced by the source's newer one of that date."""
    have = current if isinstance(current, list) else []
    seen = set(base.get("customer_reviews", []))
    held = {digest(r): i for i, r in enumerate(have) if isinstance(r, dict)}
    new = []
    for raw in reviews:
        item = without_marks(raw)
        mark = digest(item)
        if mark in seen or mark in held:
            continue
        # the review this one replaces: of the same day, or (a bare rating) the bare
        # rating the last import of this format gave, untouched since
        same_day = [
            i
            for d, i in held.items()
            if d in seen
            and (
                (item.get("date") and have[i].get("date") == str(item.get("date")))
                or (raw.get(RATING_ONLY) and is_bare(have[i]))
            )
        ]
        if same_day and update:
            result.document.replace_item(("customer_reviews",), same_day[0], item)
            result.updated.append(f"customer_reviews[{same_day[0]}]")
        elif same_day:
            result.conflicts.append(
                Conflict(
                    f"customer_reviews[{same_day[0]}]",
                    have[same_day[0]],
                    item,
                    "the source's review (or rating) changed; --update takes it",
                )
            )
            continue
        else:
            new.append(item)
        digests.setdefault("customer_reviews", []).append(mark)
    if new:
        result.document.append(("customer_reviews",), new)
        result.added.append(
            "customer_reviews" if len(new) == 1 else f"customer_reviews ({len(new)})"
        )


def _update_source(document: Document, source: dict, fmt: str, files: list[str], marks: str):
    formats = [f.strip() for f in str(source.get("format") or "").split(",") if f.strip()]
    known = [f.strip() for f in str(source.get("file") or "").split(",") if f.strip()]
    if fmt not in formats:
        document.set(("source", "format"), ", ".join([*formats, fmt]))
    if not set(files) <= set(known):
        document.set(("source", "file"), ", ".join(sorted(set(known) | set(files))))
    if marks:
        document.set(("source", fmt), marks)
