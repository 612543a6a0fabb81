"""The typed film: frozen dataclasses for a film and its parts.

:mod:`filmpage.record` builds them from a record, checking every per-record rule;
rules that need the whole catalogue belong to :mod:`filmpage.catalogue`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import dataclass_transform

from .formats import KNOWN_ROLES

__all__ = ["KNOWN_ROLES"]  # key: (singular label, plural label), in the catalogues

ID_LINKS = {
    # kind: (site name, URL of a film's page there, the id's pattern as the contract says)
    "imdb": ("IMDb", "https://www.imdb.com/title/%s/", r"tt[0-9]{7,8}"),
    "tmdb": ("TMDB", "https://www.themoviedb.org/movie/%s", r"[1-9][0-9]{0,9}"),
    "wikidata": ("Wikidata", "https://www.wikidata.org/wiki/%s", r"Q[1-9][0-9]{0,11}"),
    "letterboxd": ("Letterboxd", "https://letterboxd.com/film/%s/", r"[a-z0-9]+(-[a-z0-9]+)*"),
}

FRESH_THRESHOLD = 60
YEAR_RANGE = (1870, 2100)
RUNTIME_RANGE = (1, 100_000)  # minutes (the longest film made runs 51,420)


@dataclass_transform(frozen_default=True)
def _part(cls):
    """A film's part (a credit, a review, ...): a frozen dataclass with slots. A film has
    dozens of parts, and without a ``__dict__`` each takes two thirds of the memory."""
    return dataclass(frozen=True, slots=True)(cls)


@_part
class Credit:
    name: str
    character: str = ""


@_part
class Role:
    key: str
    label: str  # singular or plural to match the number of people
    people: tuple[Credit, ...]


@_part
class Critics:
    """The critics' aggregate; ``tomatometer`` is computed from the counts when known."""

    reviews_counted: int | None = None
    fresh: int | None = None
    rotten: int | None = None
    average_rating: float | None = None
    tomatometer: int | None = None

    @property
    def state(self) -> str | None:
        if self.tomatometer is None:
            return None
        return "fresh" if self.tomatometer >= FRESH_THRESHOLD else "rotten"


@_part
class CriticQuote:
    quote: str
    verdict: str | None = None
    critic: str | None = None
    publication: str | None = None
    url: str | None = None


@_part
class CustomerReview:
    body_html: str
    title: str | None = None
    rating: float | None = None
    author: str | None = None
    date: dt.date | None = None


@_part
class RelatedTitle:
    """An entry of "Viewers Also Bought": ``slug`` set for a film of this catalogue."""

    title: str
    slug: str | None = None
    director: str | None = None
    year: int | None = None
    url: str | None = None
    line: int = 0  # where the entry stands, for errors found when resolving it
    column: int = 0
    index: int = 0  # its place in the list as written (``related[2]``)

    @property
    def fields(self) -> tuple:
        """The entry without where it stands: (title, slug, director, year, url)."""
        return (self.title, self.slug, self.director, self.year, self.url)


@_part
class Offer:
    type: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    quality: str | None = None
    url: str | None = None


@_part
class Translation:
    """A film's text in one of the site's languages (``translations`` of its record):
    what is given stands in for the record's own on that language's pages."""

    language: str  # as the record writes it: "fr", "pt-BR"
    title: str | None = None
    tagline: str | None = None
    plot_html: str | None = None


LATER_CHECKED = ("title", "slug", "poster", "aliases", "ids", "translations")
"""Fields checked against the whole catalogue or the site's files, after the record."""


@dataclass(frozen=True, slots=True)
class Film:
    """A film as its record gives it, every field checked: what its page shows. The
    catalogue gives it its final ``slug`` and resolves its ``related`` titles."""

    file: str
    title: str
    year: int
    slug: str  # final slug; the catalogue fills in derived ones
    slug_given: bool = False
    original_title: str | None = None
    tagline: str | None = None
    runtime: int | None = None
    release_date: dt.date | None = None
    genres: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    content_rating: str | None = None
    studio: str | None = None
    distributor: str | None = None
    poster: str | None = None
    trailer: str | None = None
    credits: tuple[Role, ...] = ()
    critics: Critics | None = None
    top_critics: tuple[CriticQuote, ...] = ()
    customer_reviews: tuple[CustomerReview, ...] = ()
    related: tuple[RelatedTitle, ...] = ()
    offers: tuple[Offer, ...] = ()
    source: tuple[tuple[str, str], ...] = ()
    draft: bool = False
    plot_html: str = ""
    aliases: tuple[str, ...] = ()  # slugs of the film's earlier URLs, /films/<alias>/
    ids: tuple[tuple[str, str], ...] = ()  # (kind, id) elsewhere, in the order of ID_LINKS
    translations: tuple[Translation, ...] = ()  # in the order the record gives them
    # where the fields checked after loading stand (LATER_CHECKED), for their errors
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)

    @property
    def directors(self) -> tuple[str, ...]:
        return directors(self.credits)

    @property
    def customer_rating(self) -> float | None:
        """The average of the customer ratings given, or None when none is."""
        ratings = [r.rating for r in self.customer_reviews if r.rating is not None]
        return sum(ratings) / len(ratings) if ratings else None

    @property
    def customer_rating_count(self) -> int:
        return sum(1 for r in self.customer_reviews if r.rating is not None)

    @property
    def links_out(self) -> tuple[tuple[str, str], ...]:
        """(site name, URL) of the film's page on each site its ``ids`` name."""
        return tuple((ID_LINKS[kind][0], ID_LINKS[kind][1] % value) for kind, value in self.ids)

    @property
    def first_slug(self) -> str:
        """The slug of the film's first URL (its first alias, else its slug): what its
        feed entry's id is made from, so that the id stays when the URL moves."""
        return self.aliases[0] if self.aliases else self.slug

    @property
    def date(self) -> dt.date:
        """The film's date for sorting and feeds: its release date, else 1 January of its year."""
        return self.release_date or dt.date(self.year, 1, 1)


@dataclass(frozen=True, slots=True)
class Outline:
    """What the catalogue reads of a film: the fields that place it among the others
    (its slug, title, year, genres, people, related titles, poster, date...), without the
    text only its own page shows (plot, reviews, quotes, offers). A build that finds no
    outline changed knows the catalogue and the page plan are the same as last time."""

    file: str
    title: str
    year: int
    slug: str
    slug_given: bool
    original_title: str | None
    genres: tuple[str, ...]
    credits: tuple[Role, ...]
    related: tuple[RelatedTitle, ...]
    poster: str | None
    release_date: dt.date | None
    content_rating: str | None
    draft: bool
    aliases: tuple[str, ...]
    ids: tuple[tuple[str, str], ...]
    positions: dict[str, tuple[int, int]] = field(compare=False)
    titles: tuple[tuple[str, str], ...] = ()  # (language, title or "") of each translation
    directors: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:  # read thousands of times when resolving and suggesting
        object.__setattr__(self, "directors", directors(self.credits))

    @property
    def date(self) -> dt.date:
        return self.release_date or dt.date(self.year, 1, 1)


def title_in(film: Outline, language: str) -> str:
    """The film's title on the pages of ``language``: translated, else its own."""
    return next((t for code, t in film.titles if code == language and t), film.title)


def directors(credits: tuple[Role, ...]) -> tuple[str, ...]:
    return tuple(c.name for r in credits if r.key == "directors" for c in r.people)


def outline(film: Film) -> Outline:
    return Outline(
        film.file, film.title, film.year, film.slug, film.slug_given, film.original_title,
        film.genres, film.credits, film.related, film.poster, film.release_date,
        film.content_rating, film.draft, film.aliases, film.ids, film.positions,
        tuple((t.language, t.title or "") for t in film.translations),
    )  # fmt: skip


def tomatometer(fresh: int, counted: int) -> int:
    """round(100 × fresh / counted), halves rounded up, in integers (no float drift)."""
    return (200 * fresh + counted) // (2 * counted)
