"""The page plan as the build store keeps it: its films and pages as rows, each page's
films and context read only when it is rendered, and for each film the pages that name
it (``store.py`` tells the tables)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..store import Store, digest


@dataclass(frozen=True)
class PlanFilm:
    """A film as the plan places it: its slug, record file, what its share image is made
    from (title, year, poster) and its related titles as the catalogue resolved them."""

    slug: str
    file: str
    title: str
    year: int
    poster: str | None
    related: str  # the resolved related titles, as data


@dataclass(frozen=True)
class PlanPage:
    """A page of the plan: its context as data (``spec``, films named by reference) and
    the films it names, read from the store only for the pages a build renders
    (:meth:`Memory.with_specs`); which pages name a film, the store says
    (:meth:`Memory.showing`)."""

    path: str
    template: str
    spec_hash: bytes  # the hash of ``shows`` and ``spec``: :func:`spec_hash`
    shows: tuple[str, ...] | None = None  # the slugs of the films it names, once each
    spec: str | None = None  # None (both): not read from the store


def spec_hash(shows: Iterable[str], spec: str) -> bytes:
    """The hash of a page's films and context, which its fingerprint is made of."""
    return digest(("\n".join(shows) + "\0" + spec).encode())


PAGE_COLUMNS = "pos, path, template, spec_hash"
"""A page's row in the plan, but its films and context (read when it is rendered)."""


def read_plan(store: Store) -> tuple[bytes, list[PlanFilm], list[PlanPage]] | None:
    """The last build's plan as the store keeps it, and its key; None when there is
    none, or its rows are not as sealed."""
    key = store.get("plan")
    films = store.whole("plan_films", "SELECT * FROM plan_films ORDER BY pos")
    pages = store.whole("plan_pages", f"SELECT {PAGE_COLUMNS} FROM plan_pages ORDER BY pos")
    if key is None or films is None or pages is None:
        return None  # none, or damaged: the plan is made again
    return (
        bytes.fromhex(key),
        [PlanFilm(*row[1:]) for row in films],
        [PlanPage(path, template, hash_) for _, path, template, hash_ in pages],
    )


def page_row(position: int, page: PlanPage) -> tuple:
    """A page's row (:data:`PAGE_COLUMNS`, then its films and context)."""
    assert page.spec is not None and page.shows is not None  # (made, or read in full)
    return (position, page.path, page.template, page.spec_hash, "\n".join(page.shows),
            page.spec)  # fmt: skip


def shows_rows(pages: Iterable[PlanPage]) -> list[tuple]:
    """The rows of ``plan_shows``: each film's pages, by their places in the plan."""
    found: dict[str, list[str]] = {}
    for position, page in enumerate(pages):
        for slug in page.shows or ():
            found.setdefault(slug, []).append(str(position))
    return [(slug, " ".join(places)) for slug, places in sorted(found.items())]
