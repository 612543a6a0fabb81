"""The page plan as the build store keeps it: its films and pages as rows, each page's
films and context read only when it is rendered, and for each film the pages that name
it (``store.py`` tells the tables)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    related: bytes  # the resolved related titles, as data (filmdata.related_data)


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


def page_key(page: PlanPage) -> tuple:
    """What a page's row is known by: its path, template and the hash of its context."""
    return page.path, page.template, page.spec_hash


def changed_places(last: list[PlanPage], pages: list[PlanPage]) -> list[int]:
    """The places in a plan made again (``pages``) where its page is not the ``last``
    plan's, and those of the last plan it no longer has."""
    return [
        i
        for i in range(max(len(last), len(pages)))
        if i >= len(last) or i >= len(pages) or page_key(last[i]) != page_key(pages[i])
    ]


def shows_of(store: Store, slugs: list[str]) -> dict[str, str]:
    """The rows of ``plan_shows`` of these films that are as their check says: each
    film's pages, their places as text."""
    sql = "SELECT slug, pages, check_ FROM plan_shows WHERE slug IN ({marks})"
    return dict(store.rows_in(sql, slugs, checked=True))


def patched_shows(
    was: dict[int, set[str]], now: dict[int, set[str]], rows: dict[str, str]
) -> dict[str, str]:
    """The rows of ``plan_shows`` that change when the plan's pages at some places change
    from naming the films ``was`` gives to those ``now`` gives (a place the plan no
    longer has: in ``was`` only), from the ``rows`` of those films: each film's places,
    "" for a film no page names any more."""
    touched = was.keys() | now.keys()
    patched = {}
    for slug in set().union(*was.values(), *now.values()):
        kept = [int(p) for p in rows.get(slug, "").split() if int(p) not in touched]
        added = [i for i, slugs in now.items() if slug in slugs]
        patched[slug] = " ".join(map(str, sorted(kept + added)))
    return patched


def shows_rows(pages: Iterable[PlanPage]) -> list[tuple]:
    """The rows of ``plan_shows``: each film's pages, by their places in the plan."""
    found: dict[str, list[str]] = {}
    for position, page in enumerate(pages):
        place = str(position)  # (one text a page, not one for each film it names)
        for slug in page.shows or ():
            found.setdefault(slug, []).append(place)
    return [(slug, " ".join(places)) for slug, places in sorted(found.items())]


def write_plan_pages(
    store: Store,
    pages: list[PlanPage],
    last: tuple[bytes, list[PlanFilm], list[PlanPage]] | None,
    with_specs: Callable[[list, list[int]], list],
    known_shows: Callable[[list[str]], dict[str, str]],
    shows: dict | None,
) -> dict | None:
    """Write the pages of a plan made again, and the pages that name each film: only the
    rows that changed when the ``last`` build's plan is known (the render stage kept its
    pages where they are the same: their context was not read back, ``with_specs`` reads
    it), else every row; ``known_shows`` gives the rows of ``plan_shows`` of the last
    plan's films. Gives ``shows`` as it now is (None: not known in full)."""
    if last is None:
        store.replace_all("plan_pages", [page_row(i, page) for i, page in enumerate(pages)])
        shows = dict(shows_rows(pages))
        store.replace_all("plan_shows", shows.items(), checked=True)
    else:
        places = changed_places(last[2], pages)
        old = with_specs(last[2], [i for i in places if i < len(last[2])])
        was = {i: set(old[i].shows) for i in places if i < len(old)}
        now = {i: set(pages[i].shows) for i in places if i < len(pages)}
        slugs, films = set().union(*was.values(), *now.values()), {f.slug for f in last[1]}
        rows = known_shows(sorted(slugs & films))  # (each film of the plan has its row)
        rows.update(shows_of(store, sorted(slugs - films)))
        patched = patched_shows(was, now, rows)
        store.write("DELETE FROM plan_pages WHERE pos >= ?", [(len(pages),)])
        store.write("INSERT OR REPLACE INTO plan_pages VALUES (?, ?, ?, ?, ?, ?)",
                    [page_row(i, pages[i]) for i in now])  # fmt: skip
        store.write(
            "DELETE FROM plan_shows WHERE slug = ?", [(s,) for s, p in patched.items() if not p]
        )
        store.write("INSERT OR REPLACE INTO plan_shows VALUES (?, ?, ?)",
                    [(s, p) for s, p in patched.items() if p], checked=True)  # fmt: skip
        if shows is not None:
            shows = {s: p for s, p in {**shows, **patched}.items() if p}
    store.seal("plan_pages", [(i, *page_key(page)) for i, page in enumerate(pages)])
    return shows
