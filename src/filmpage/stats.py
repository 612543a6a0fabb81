"""The catalogue in figures, for the statistics page: films by genre and decade, average
scores and runtimes, and the people credited most often."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Catalogue, Group, Person

TOP_PEOPLE = 10


@dataclass(frozen=True)
class Average:
    value: float | None  # None when no film has the figure
    count: int  # how many films (or ratings) it averages


@dataclass(frozen=True)
class Stats:
    films: int
    genres: tuple[Group, ...]  # most films first
    decades: tuple[Group, ...]  # oldest first
    tomatometer: Average
    critics_rating: Average  # the critics' average rating, out of 10
    customer_rating: Average  # every customer rating given, out of 5
    runtime: Average
    total_runtime: int
    people: tuple[Person, ...]  # most films first


def _average(values: list[float]) -> Average:
    return Average(sum(values) / len(values) if values else None, len(values))


def catalogue_stats(catalogue: Catalogue) -> Stats:
    films = catalogue.films
    critics = [f.critics for f in films if f.critics]
    runtimes = [f.runtime for f in films if f.runtime]
    ratings = [r.rating for f in films for r in f.customer_reviews if r.rating is not None]
    people = sorted(catalogue.people, key=lambda p: (-p.film_count, p.name.casefold(), p.slug))
    return Stats(
        films=len(films),
        genres=tuple(sorted(catalogue.genres, key=lambda g: (-len(g.films), g.name.casefold()))),
        decades=catalogue.decades,
        tomatometer=_average([c.tomatometer for c in critics if c.tomatometer is not None]),
        critics_rating=_average(
            [c.average_rating for c in critics if c.average_rating is not None]
        ),
        customer_rating=_average(ratings),
        runtime=_average(runtimes),
        total_runtime=sum(runtimes),
        people=tuple(people[:TOP_PEOPLE]),
    )
