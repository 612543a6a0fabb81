"""Turn imported rows into film records: merge duplicates, name files, write YAML safely.

Every text is written double-quoted, so no YAML reader turns ``1917`` into a number,
``NO`` into false or ``Title: Part 2`` into a mapping. Numbers, true/false and dates are
written bare only in the fields whose type they are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import yamldoc
from ..errors import Problems
from ..load import FILMS_DIR, find_records, parse_record
from ..slugs import slugify
from .formats import RATING_ONLY, Row

ORDER = ("title", "original_title", "year", "slug", "aliases", "tagline", "runtime",
         "release_date", "genres", "countries", "languages", "content_rating", "studio",
         "distributor", "poster", "trailer", "credits", "critics", "top_critics",
         "customer_reviews", "related", "offers", "draft", "source")  # fmt: skip
NUMBER_KEYS = {"year", "runtime", "reviews_counted", "fresh", "rotten", "average_rating",
               "tomatometer", "rating", "price"}  # fmt: skip
DATE_KEYS = {"release_date", "date"}
BOOL_KEYS = {"draft"}


@dataclass
class Film:
    """An imported film, merged from one or more rows."""

    fields: dict[str, Any]
    reviews: list[dict[str, Any]]
    origin: tuple[str, int]  # file and line of its first row
    files: list[str] = field(default_factory=list)  # every file a row came from
    rows: int = 1

    @property
    def key(self) -> tuple[str, int]:
        return (self.fields["title"].casefold(), self.fields["year"])


def merge_rows(rows: list[Row]) -> list[Film]:
    """One Film per (title, year), in first-seen order; later rows fill in what is missing."""
    films: dict[tuple[str, int], Film] = {}
    for row in rows:
        key = (row.fields["title"].casefold(), row.fields["year"])
        film = films.get(key)
        if film is None:
            films[key] = Film(dict(row.fields), list(row.reviews), (row.file, row.line), [row.file])
            continue
        film.rows += 1
        _merge(film.fields, row.fields)
        film.reviews += [r for r in row.reviews if r not in film.reviews]
        if row.file not in film.files:
            film.files.append(row.file)
    for film in films.values():
        film.reviews = _without_bare_ratings(film.reviews)
    return list(films.values())


def _without_bare_ratings(reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A review made from a bare rating is kept only when the film has no written one."""
    written = [r for r in reviews if not r.get(RATING_ONLY)]
    if written:
        return written
    return [{k: v for k, v in r.items() if k != RATING_ONLY} for r in reviews[:1]]


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for name, value in new.items():
        old = into.get(name)
        if old is None:
            into[name] = value
        elif isinstance(old, list) and isinstance(value, list):
            into[name] = old + [v for v in value if v not in old]
        elif isinstance(old, dict) and isinstance(value, dict):
            _merge(old, value)


@dataclass
class Plan:
    """What an import will do, file by file, before anything is written."""

    write: dict[Path, str] = field(default_factory=dict)  # path -> record text
    updated: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # file, line, reason


def existing_records(root: Path) -> dict[tuple[str, int], tuple[Path, yamldoc.Map]]:
    """The catalogue's records by (title, year), to find films imported before."""
    found = {}
    problems = Problems()
    for rel in find_records(root, problems):
        record = parse_record((root / rel).read_bytes(), rel, problems)
        if record is None:
            continue
        read = yamldoc.Reader(rel, Problems())
        title = read.text(record.tree.get("title"), "title")
        year = read.integer(record.tree.get("year"), "year", 0)
        if title and year:
            found[(title.casefold(), year)] = (root / rel, record.tree)
    return found


def plan_import(root: Path, films: list[Film], fmt: str, force: bool, update: bool) -> Plan:
    """Decide each film's file: new, overwritten (--force), refreshed (--update) or skipped."""
    plan = Plan()
    existing = existing_records(root)
    bases = [slugify(f.fields["title"]) or "film" for f in films]
    taken = {p.stem for p, _ in existing.values()}
    taken |= {slug for _, tree in existing.values() for slug in _urls_of(tree)}
    for film, base in zip(films, bases, strict=True):
        file, line = film.origin
        source = {
            "format": fmt,
            "file": ", ".join(sorted(film.files)),
            "fields": " ".join(
                sorted([*film.fields, *(["customer_reviews"] if film.reviews else [])])
            ),
        }
        old = existing.get(film.key)
        if old is not None:
            path, tree = old
            imported = _text_of(tree, "source", "format")
            if update and imported == fmt:
                plan.write[path] = refresh(path, film, source)
                plan.updated.append(path)
            elif force:  # the record's URLs stay: its slug and aliases are kept
                kept = {k: _plain(tree.get(k)) for k in ("slug", "aliases") if tree.get(k)}
                plan.write[path] = emit({**film.fields, **kept}, film.reviews, source)
            else:
                why = "exists; --force overwrites it" + (
                    "" if imported != fmt else ", --update refreshes it"
                )
                plan.skipped.append((file, line, f"{path.relative_to(root).as_posix()} {why}"))
            continue
        name = (
            base
            if bases.count(base) == 1 and base not in taken
            else f"{base}-{film.fields['year']}"
        )
        if name in taken:
            plan.skipped.append(
                (file, line, f"{FILMS_DIR.as_posix()}/{name}.md exists and holds another film")
            )
            continue
        taken.add(name)
        # the slug is written into the record, so that a film added later never moves it
        fields = {**film.fields, "slug": name}
        plan.write[root / FILMS_DIR / f"{name}.md"] = emit(fields, film.reviews, source)
    return plan


def _urls_of(tree: yamldoc.Map) -> list[str]:
    """The slugs a record's film has or had: its slug (written, else made from its title;
    the build may add its year) and its aliases."""
    slug = _text_of(tree, "slug") or slugify(_text_of(tree, "title") or "")
    aliases = tree.get("aliases")
    items = aliases.items if isinstance(aliases, yamldoc.Seq) else []
    return [slug, *(n.text for n in items if isinstance(n, yamldoc.Scalar))]


def _text_of(tree: yamldoc.Map, *keys: str) -> str | None:
    node: Any = tree
    for key in keys:
        if not isinstance(node, yamldoc.Map):
            return None
        node = node.get(key)
    return node.text if isinstance(node, yamldoc.Scalar) else None


def refresh(path: Path, film: Film, source: dict[str, str]) -> str:
    """The record at ``path`` with the fields this import provides replaced, the rest kept."""
    record = parse_record(path.read_bytes(), path.name, Problems())
    assert record is not None  # existing_records parsed it already
    kept = {k: _plain(v) for k, (_, v) in record.tree.entries.items() if v is not None}
    fields = {**kept, **film.fields}
    if record.body.strip() and "plot" not in film.fields:
        fields["plot"] = record.body.strip()
    kept_reviews = fields.pop("customer_reviews", None)
    reviews = film.reviews or kept_reviews or []
    fields.pop("source", None)
    return emit(fields, reviews, source)


def _plain(node: yamldoc.Node) -> Any:
    """Our YAML tree back to Python values, every scalar as the text the user typed."""
    if isinstance(node, yamldoc.Scalar):
        return None if node.is_null else node.text
    if isinstance(node, yamldoc.Seq):
        return [_plain(n) for n in node.items]
    return {k: _plain(v) for k, (_, v) in node.entries.items() if v is not None}


def emit(fields: dict[str, Any], reviews: list[dict[str, Any]], source: dict[str, str]) -> str:
    """A record file: YAML front matter with every text quoted, then the plot."""
    values = dict(fields)
    plot = values.pop("plot", "")
    if reviews:
        values["customer_reviews"] = reviews
    values["source"] = source
    keys = [k for k in ORDER if k in values] + sorted(k for k in values if k not in ORDER)
    lines = ["---"]
    for key in keys:
        lines += _emit_entry(key, values[key], 0)
    lines.append("---")
    return "\n".join(lines) + "\n" + (plot.strip() + "\n" if plot else "")


def _emit_entry(key: str, value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{key}:"] + [
            line for k, v in value.items() for line in _emit_entry(k, v, indent + 2)
        ]
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return [f"{pad}{key}:"] + [f"{pad}  - {_flow(v, key)}" for v in value]
    return [f"{pad}{key}: {_flow(value, key)}"]


def _flow(value: Any, key: str) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, key) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if key in NUMBER_KEYS and re.fullmatch(r"-?\d+(\.\d+)?", text):
        return text
    if key in DATE_KEYS and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    if key in BOOL_KEYS and text in ("true", "false"):
        return text
    return json.dumps(text, ensure_ascii=False)
