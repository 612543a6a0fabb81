"""The pages of what's on: the programme, a page per season, the collections, the site's
own pages, and what film pages add (their coming screenings, their collections).

Which screenings are still to come is decided by the build's ``today`` (an input, so
the same inputs and the same day give the same bytes): a screening is coming from its
day on, at its venue. The pages carry each screening's start as UTC, and a small script
hides those that have begun by the visitor's clock, for a site built days ago.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from itertools import groupby

from .codec import FilmRef
from .pages import Additions, Page, sitemap_paths
from .programme import Screening
from .store import digest
from .whatson import Whatson


def _pairs(screenings) -> list[tuple[Screening, FilmRef]]:
    return [(s, FilmRef(s.film)) for s in screenings]


def by_day(screenings: list[Screening]) -> list[tuple[dt.date, list]]:
    """Screenings by their day at the venue, each day's by start."""
    ordered = sorted(screenings, key=lambda s: (s.starts.timestamp(), s.venue, s.film))
    return [(day, _pairs(group)) for day, group in groupby(ordered, key=lambda s: s.day)]


def split(screenings, today: dt.date) -> tuple[list[Screening], list[Screening]]:
    """(coming, past): coming from their day on; past ones the latest first."""
    coming = [s for s in screenings if s.day >= today]
    past = sorted((s for s in screenings if s.day < today),
                  key=lambda s: (-s.starts.timestamp(), s.venue, s.film))  # fmt: skip
    return coming, past


def whatson_pages(whatson: Whatson, today: dt.date) -> list[Page]:
    """Every page of the programme, the collections and ``content/pages/``."""
    pages = []
    seasons = [replace(season, screenings=()) for season in whatson.seasons]
    if whatson.seasons:
        coming, past = split(whatson.screenings(), today)
        pages.append(Page("programme/index.html", "programme.html",
                          {"days": by_day(coming), "past": _pairs(past), "seasons": seasons,
                           "today": today}))  # fmt: skip
    for season, bare in zip(whatson.seasons, seasons, strict=True):
        coming, past = split(season.screenings, today)
        pages.append(Page(f"programme/{season.slug}/index.html", "season.html",
                          {"season": bare, "days": by_day(coming), "past": _pairs(past),
                           "today": today}))  # fmt: skip
    if whatson.collections:
        pages.append(Page("collections/index.html", "collections.html",
                          {"collections": whatson.collections}))  # fmt: skip
    for collection in whatson.collections:
        entries = [(e, FilmRef(e.film)) for e in collection.entries]
        pages.append(Page(f"collections/{collection.slug}/index.html", "collection.html",
                          {"collection": replace(collection, entries=()),
                           "entries": entries}))  # fmt: skip
    for page in whatson.pages:
        pages.append(Page(f"{page.slug}/index.html", "page.html", {"sitepage": page}))
    return pages


def film_additions(whatson: Whatson, today: dt.date) -> dict[str, dict]:
    """What each film's page adds, by slug: its coming screenings, and the collections
    that hold it (slug and title)."""
    extra: dict[str, dict] = {}
    coming, _ = split(whatson.screenings(), today)
    for s in sorted(coming, key=lambda s: (s.starts.timestamp(), s.venue)):
        extra.setdefault(s.film, {}).setdefault("screenings", []).append((s, FilmRef(s.film)))
    for c in whatson.collections:
        for e in c.entries:
            extra.setdefault(e.film, {}).setdefault("collections", []).append((c.slug, c.title))
    return extra


def feed_seasons(whatson: Whatson) -> list[tuple]:
    """The seasons as the feed shows them, each with its screenings: newest first (by its
    first screening; a season without any last), as the feed lists everything."""
    seasons = [(replace(s, screenings=()), _pairs(s.screenings)) for s in whatson.seasons]
    return sorted(seasons, key=lambda pair: pair[1][0][0].start if pair[1] else "", reverse=True)


def additions(whatson: Whatson, today: dt.date) -> Additions:
    """What's on, as the page plan takes it."""
    feed = {"seasons": feed_seasons(whatson)} if whatson.seasons else {}
    return Additions(whatson_pages(whatson, today), film_additions(whatson, today), feed)


TEMPLATES = frozenset({"programme.html", "season.html", "collections.html", "collection.html",
                       "page.html"})  # fmt: skip
"""The templates of what's on's own pages."""
FILM_KEYS = ("screenings", "collections")  # what film pages' contexts get from what's on


def film_prints(more: Additions) -> str:
    """What what's on adds to each film's page, as a hash by slug (JSON): what the next
    build compares to know which film pages to plan again."""
    prints = {slug: digest(repr(extra).encode()).hex() for slug, extra in more.films.items()}
    return json.dumps(prints, sort_keys=True)


def replan(pages: list, more: Additions, before: str | None, loads: Callable[[str], dict]):
    """The last build's page plan (``pages``: each with ``path``, ``template`` and its
    context as data, ``spec``) with what's on planned again: its own pages replaced, and
    the film pages, the feed and the sitemap made anew where what they show of it changed
    (``before``: :func:`film_prints` of the last build). Pages made anew are Page objects,
    so that the render stage looks at them (and only them, with the films that changed)."""
    old = json.loads(before or "{}")
    now = json.loads(film_prints(more))
    changed = {slug for slug in old.keys() | now.keys() if old.get(slug) != now.get(slug)}
    out = []
    for page in pages:
        if page.template not in TEMPLATES:
            out += _replanned(page, more, changed, loads)
    at = next((i for i, p in enumerate(out) if p.path == "sitemap.xml"), None)
    if at is not None:  # a site with a host (the sitemap holds full URLs)
        lang = _language(out[at], loads)
        out[at] = Page("sitemap.xml", "sitemap.xml", {"paths": sitemap_paths(out[:at]), **lang})
    return out


def _replanned(page, more: Additions, changed: set[str], loads) -> list:
    """A page of the last plan as it stays or is made anew, in its language (its folder,
    and its code in the context); the pages of what's on come before each search page."""
    if page.template == "search.html":
        prefix, lang = page.path.removesuffix("search/index.html"), _language(page, loads)
        own = [Page(prefix + p.path, p.template, {**p.context, **lang}) for p in more.pages]
        return [*own, page]
    slug = page.path.rsplit("/", 2)[-2] if page.template == "film.html" else None
    if slug in changed:
        context = {k: v for k, v in loads(page.spec).items() if k not in FILM_KEYS}
        return [Page(page.path, page.template, {**context, **more.films.get(slug, {})})]
    if page.template == "feed.xml":
        context = {k: v for k, v in loads(page.spec).items() if k != "seasons"}
        return [Page(page.path, page.template, {**context, **more.feed})]
    return [page]


def _language(page, loads) -> dict:
    return {k: v for k, v in loads(page.spec).items() if k == "lang"}
