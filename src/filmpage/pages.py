"""The site map: every page a catalogue has, which template renders it, and with what.

A page's context names the films it shows by :class:`FilmRef` (their slugs), not the
films themselves: the plan is made from the catalogue's outlines, kept in the build
store as data, and the render stage puts each film in its place. Lists of films (the
catalogue, genres, people, years, decades) are split into numbered pages of
``page_size`` films: ``genres/drama/``, ``genres/drama/page/2/``, and so on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .browse import facet_options
from .catalogue import Catalogue, Subject, subject
from .codec import FilmRef, FilmRefs
from .formats import ENGLISH, Words
from .i18n import Language
from .model import Outline, title_in
from .settings import Settings
from .stats import Stats

WINDOW = 2  # numbered links either side of the current page


@dataclass(frozen=True)
class Page:
    """One output file: where it goes, which template renders it, and with what."""

    path: str  # relative to the output folder, e.g. "films/last-train-home/index.html"
    template: str
    context: dict[str, Any]

    @property
    def url_path(self) -> str:
        """The site path this file is served at (``films/x/``), for links and sitemaps."""
        return self.path.removesuffix("index.html")


@dataclass(frozen=True)
class Pager:
    """Where a page stands in a paginated list, and the links to its neighbours."""

    number: int  # from 1
    count: int
    base: str  # site path of the first page, e.g. "genres/drama/" ("" for the home page)
    first_item: int  # position of the page's first film in the whole list, from 1
    total: int  # films in the whole list

    def path(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def links(self) -> list[int | None]:
        """Page numbers to link: the first, the last, and a window around this one; None
        stands for a gap. Every page stays reachable by following them."""
        shown = {1, self.count, *range(self.number - WINDOW, self.number + WINDOW + 1)}
        numbers = sorted(n for n in shown if 1 <= n <= self.count)
        out: list[int | None] = []
        for n in numbers:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


@dataclass(frozen=True)
class Additions:
    """What pages beyond the catalogue's add to the plan (the programme, collections and
    the site's pages): their pages, what each film's page adds (by slug), and what the
    feed adds."""

    pages: list[Page] = field(default_factory=list)
    films: dict[str, dict[str, Any]] = field(default_factory=dict)
    feed: dict[str, Any] = field(default_factory=dict)


def refs(films: Iterable[Outline]) -> FilmRefs:
    return FilmRefs(tuple(f.slug for f in films))


def paginate(base: str, template: str, items: FilmRefs, size: int, **context) -> list[Page]:
    """Pages of at most ``size`` items, each with its ``items`` and ``pager``."""
    count = max(1, -(-len(items) // size))
    pages = []
    for number in range(1, count + 1):
        chunk = items[(number - 1) * size : number * size]
        pager = Pager(number, count, base, (number - 1) * size + 1, len(items))
        pages.append(Page(pager.path(number) + "index.html", template,
                          {**context, "items": chunk, "pager": pager}))  # fmt: skip
    return pages


def _person_pages(person, size: int, words: Words, rank: dict, cast: dict) -> list[Page]:
    """A person's films, each once (newest first: ``rank`` gives each film's place, by
    slug) with the roles the person had in it, paginated over films: a director who also
    shot and edited a film shows it once. ``cast``: each film's characters by name, by
    slug."""
    roles: dict[str, list[str]] = {}
    for role in person.roles:
        label = words.role(role.key, 1, role.label)  # "Director"; for the cast, "Cast"
        played = words.character(label) if role.key == "cast" else None  # "Cast (Self)"
        for film in role.films:
            character = played and cast[film.slug].get(person.name)
            roles.setdefault(film.slug, []).append(played(character) if character else label)
    pages = paginate(f"people/{person.slug}/", "person.html",
                     FilmRefs(tuple(sorted(roles, key=rank.__getitem__))), size,
                     person=subject(person, words))  # fmt: skip
    for page in pages:  # each page the roles of its own films (not of all of them: the
        # plan keeps every page's context, and a prolific person has hundreds of pages)
        page.context["film_roles"] = {s: tuple(roles[s]) for s in page.context["items"].slugs}
    return pages


def _characters(film: Outline) -> dict[str, str]:
    """The character each of a film's cast plays, by name (the first credited)."""
    found: dict[str, str] = {}
    for credit in film.credits:
        if credit.key == "cast":
            for person in credit.people:
                if person.character:
                    found.setdefault(person.name, person.character)
    return found


def films_listed(page: Page) -> tuple[str, ...]:
    """The slugs of the films a list page shows as cards: its items."""
    items = page.context.get("items")
    return items.slugs if isinstance(items, FilmRefs) else ()


def sitemap_paths(pages) -> list[str]:
    """The site paths the sitemap lists: every page but the not-found page, the search
    page, earlier URLs (aliases) and the numbered pages of long lists."""
    return [
        p.path.removesuffix("index.html")
        for p in pages
        if p.path != "404.html"
        and "/page/" not in f"/{p.path}"
        and p.template not in ("search.html", "alias.html")
    ]


def plan_languages(
    shown: dict[str, Catalogue],
    settings: Settings,
    stats: dict[str, Stats],
    languages: list[tuple[Language, Words]],
    more: Additions | None = None,
) -> list[Page]:
    """Every page of the site in each of its languages (``shown``: the catalogue as each
    lists it, :func:`catalogue.in_language`), the first language's at the root and each
    other's under its code (``fr/films/x/``), each page's context naming its language
    (``lang``); the sitemap and ``robots.txt`` once, at the root. What's on (``more``) is
    in every language."""
    pages = []
    for number, (language, words) in enumerate(languages):
        catalogue = shown[words.code]
        for page in plan_pages(catalogue, settings, stats[words.code], words, number == 0, more):
            context = {**page.context, "lang": language.code}
            pages.append(Page(language.prefix + page.path, page.template, context))
    return pages


def plan_pages(
    catalogue: Catalogue,
    settings: Settings,
    stats: Stats,
    words: Words = ENGLISH,
    root_files: bool = True,
    more: Additions | None = None,
) -> list[Page]:
    """Every page of the site in one language (``words``'), in a fixed order (``stats``
    for the statistics page; ``more``: the pages of what's on, and what they add to film
    pages and the feed); ``root_files``: with the sitemap and ``robots.txt``."""
    more = more or Additions()
    size = settings.page_size
    films = catalogue.films
    pages = paginate("", "index.html", refs(films), size, facets=facet_options(catalogue, words))
    for film in films:
        related = {r.slug: FilmRef(r.slug) for r in film.related if r.slug}
        suggested = tuple((s, FilmRef(s.slug)) for s in catalogue.suggestions.get(film.slug, ()))
        # The theme shows related films by their small posters (``small_posters[slug]``),
        # not through ``related_films``; they are named here so that the page is known to
        # show them (its fingerprint names them), and changes with them.
        context = {"film": FilmRef(film.slug), "related_films": related, "suggested": suggested,
                   **more.films.get(film.slug, {})}  # fmt: skip
        pages.append(Page(f"films/{film.slug}/index.html", "film.html", context))
        for alias in film.aliases:  # an earlier URL, sending visitors on
            pages.append(
                Page(f"films/{alias}/index.html", "alias.html", {"film": FilmRef(film.slug)})
            )
    genres = tuple(subject(g, words) for g in catalogue.genres)
    pages.append(Page("genres/index.html", "genres.html", {"genres": genres}))
    for genre in catalogue.genres:
        pages += paginate(f"genres/{genre.slug}/", "genre.html", refs(genre.films), size,
                          genre=Subject(genre.slug, genre.name))  # fmt: skip
    people = tuple(subject(p, words) for p in catalogue.people)
    pages.append(Page("people/index.html", "people.html", {"people": people}))
    code = words.code  # (each film's place and cast worked out once, not once a person)
    newest = sorted(films, key=lambda f: (-f.year, title_in(f, code).casefold(), f.slug))
    rank = {f.slug: place for place, f in enumerate(newest)}
    cast = {f.slug: _characters(f) for f in films}
    for person in catalogue.people:
        pages += _person_pages(person, size, words, rank, cast)
    pages.append(
        Page("years/index.html", "years.html",
             {"years": tuple(subject(y, words) for y in catalogue.years),
              "decades": tuple(subject(d, words, decade=True) for d in catalogue.decades)})
    )  # fmt: skip
    for year in catalogue.years:
        pages += paginate(f"years/{year.slug}/", "year.html", refs(year.films), size,
                          year=Subject(year.slug, year.name))  # fmt: skip
    for decade in catalogue.decades:
        pages += paginate(f"decades/{decade.slug}/", "decade.html", refs(decade.films), size,
                          decade=Subject(decade.slug, words.decade_of(decade.name)))  # fmt: skip
    pages.append(
        Page(
            "stats/index.html",
            "stats.html",
            {"stats": stats},
        )
    )
    pages += more.pages
    pages.append(Page("search/index.html", "search.html", {}))
    pages.append(Page("404.html", "404.html", {}))
    return pages + _crawler_files(pages, catalogue, settings, more, root_files)


def _crawler_files(
    pages: list[Page], catalogue: Catalogue, settings: Settings, more: Additions,
    root_files: bool,
) -> list[Page]:  # fmt: skip
    """The sitemap and the feed, which hold full URLs, when ``base_url`` names a host
    (they are left out rather than written with paths, which their standards forbid), and
    ``robots.txt`` when the site is at the root of its host, the only place crawlers read
    it. A site in several languages has a feed in each, and one sitemap and
    ``robots.txt`` (``root_files``) naming every language's pages."""
    files = []
    if settings.has_host:
        newest = sorted(catalogue.films, key=lambda f: (f.date, f.slug), reverse=True)
        newest = newest[: settings.feed_size or None]
        if root_files:
            files.append(Page("sitemap.xml", "sitemap.xml", {"paths": sitemap_paths(pages)}))
        files.append(Page("feed.xml", "feed.xml", {"films": refs(newest), **more.feed}))
    if settings.base_path == "/" and root_files:
        files.append(Page("robots.txt", "robots.txt", {}))
    return files
