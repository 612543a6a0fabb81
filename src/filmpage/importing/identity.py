"""Which rows and records are the same film: by a shared identifier first, then by title
and year (and director, where both name one), never by title alone across years.

Two films whose identifiers of one kind differ are never the same, whatever their
titles. Titles are compared by their slug (case, accents and punctuation aside), and
a film's original title counts as one of its titles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..slugs import slugify
from .rows import RATING_ONLY, Row

T = TypeVar("T")


def title_key(title: str) -> str:
    return slugify(title) or title.casefold().strip()


@dataclass(frozen=True)
class Identity:
    titles: frozenset[str]
    year: int | None
    directors: frozenset[str]
    ids: tuple[tuple[str, str], ...]


def identity(title: str, original: str | None, year, directors, ids: dict[str, str]) -> Identity:
    titles = frozenset(title_key(t) for t in (title, original) if t)
    names = frozenset(d.casefold().strip() for d in directors if d)
    return Identity(titles, year, names, tuple(sorted(ids.items())))


def same_film(a: Identity, b: Identity) -> bool:
    mine, theirs = dict(a.ids), dict(b.ids)
    shared = [kind for kind in mine if kind in theirs]
    if any(mine[kind] != theirs[kind] for kind in shared):
        return False
    if shared:
        return True
    if a.year is None or a.year != b.year or not a.titles & b.titles:
        return False
    return not (a.directors and b.directors and not a.directors & b.directors)


class Index(Generic[T]):
    """Items found by identity; ``identify`` gives an item's identity as it is now."""

    def __init__(self, identify: Callable[[T], Identity]):
        self.identify = identify
        self.keys: dict[Any, list[T]] = defaultdict(list)

    def add(self, item: T) -> None:
        found = self.identify(item)
        for pair in found.ids:
            self.keys[pair].append(item)
        for title in found.titles:
            self.keys[(title, found.year)].append(item)

    def find(self, wanted: Identity) -> list[T]:
        seen: dict[int, T] = {}
        for key in (*wanted.ids, *((t, wanted.year) for t in wanted.titles)):
            for item in self.keys.get(key, ()):
                if id(item) not in seen and same_film(wanted, self.identify(item)):
                    seen[id(item)] = item
        return list(seen.values())


@dataclass
class Film:
    """One film of an import, gathered from every row that gives it."""

    rows: list[Row]
    fields: dict[str, Any]
    ids: dict[str, str]
    reviews: list[dict[str, Any]] = field(default_factory=list)
    lists: list[tuple[str, int, str]] = field(default_factory=list)
    disagreements: list[tuple[str, Any, Any, Row]] = field(default_factory=list)

    @property
    def identity(self) -> Identity:
        directors = self.fields.get("credits", {}).get("directors", [])
        return identity(
            self.fields["title"],
            self.fields.get("original_title"),
            self.fields.get("year"),
            directors,
            self.ids,
        )

    @property
    def title(self) -> str:
        return self.fields["title"]


def row_identity(row: Row) -> Identity:
    directors = row.fields.get("credits", {}).get("directors", [])
    fields = row.fields
    return identity(
        fields["title"], fields.get("original_title"), fields.get("year"), directors, row.ids
    )


def gather(rows: list[Row]) -> tuple[list[Film], list[tuple[Row, list[Film]]]]:
    """The films of an import in the order first seen, each from all its rows; and the
    rows that match more than one film (kept out, to be reported)."""
    films: list[Film] = []
    index: Index[Film] = Index(lambda f: f.identity)
    ambiguous = []
    for row in rows:
        found = index.find(row_identity(row))
        if len(found) > 1:
            ambiguous.append((row, found))
            continue
        if found:
            _add(found[0], row)
            index.add(found[0])  # under any identifier or title the row brought
            continue
        film = Film([row], _copy(row.fields), dict(row.ids), list(row.reviews), list(row.lists))
        films.append(film)
        index.add(film)
    for film in films:
        film.reviews = _final_reviews(film.reviews)
    return films, ambiguous


def _copy(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        k: ({r: list(p) for r, p in v.items()} if k == "credits" else v) for k, v in fields.items()
    }


def _add(film: Film, row: Row) -> None:
    film.rows.append(row)
    for name, value in row.fields.items():
        old = film.fields.get(name)
        if old is None:
            film.fields[name] = _copy({name: value})[name]
        elif name == "credits":
            for role, people in value.items():
                have = film.fields["credits"].setdefault(role, [])
                have += [p for p in people if p not in have]
        elif isinstance(old, list):
            film.fields[name] = old + [v for v in value if v not in old]
        elif old != value:
            film.disagreements.append((name, old, value, row))
    for kind, value in row.ids.items():
        film.ids.setdefault(kind, value)
    film.reviews += [r for r in row.reviews if r not in film.reviews]
    film.lists += row.lists


def _final_reviews(reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Written reviews; a review made from a bare rating only when none is written, and
    then the latest one (a diary's rewatch, or the ratings file's current rating)."""
    written = [r for r in reviews if not r.get(RATING_ONLY)]
    if written or not reviews:
        return written
    latest = max(enumerate(reviews), key=lambda pair: (pair[1].get("date", ""), pair[0]))[1]
    return [latest]  # (still marked: a merge replaces the bare rating it imported before)
