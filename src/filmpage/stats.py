"""The catalogue in figures, for the statistics page: films by genre and decade, average
scores and runtimes, and the people credited most often."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .catalogue import Catalogue, Subject, subject
from .derive import Figures
from .formats import ENGLISH, Words

TOP_PEOPLE = 10


@dataclass(frozen=True)
class Average:
    value: float | None  # None when no film has the figure
    count: int  # how many films (or ratings) it averages


@dataclass(frozen=True)
class Stats:
    films: int
    genres: tuple[Subject, ...]  # most films first
    decades: tuple[Subject, ...]  # oldest first
    tomatometer: Average
    critics_rating: Average  # the critics' average rating, out of 10
    customer_rating: Average  # every customer rating given, out of 5
    runtime: Average
    total_runtime: int
    people: tuple[Subject, ...]  # most films first


def _average(values: list) -> Average:
    return Average(sum(values) / len(values) if values else None, len(values))


def catalogue_stats(catalogue: Catalogue, words: Words = ENGLISH) -> Stats:
    """The page's counts from the catalogue, its labels in ``words``' language; its
    averages are each film's figures' (:func:`with_figures`), kept apart because they
    change with a film's details and the counts only with the catalogue."""
    people = sorted(catalogue.people, key=lambda p: (-p.film_count, p.name.casefold(), p.slug))
    genres = sorted(catalogue.genres, key=lambda g: (-len(g.films), g.name.casefold()))
    return Stats(
        films=len(catalogue.films),
        genres=tuple(subject(g, words) for g in genres),
        decades=tuple(subject(d, words, decade=True) for d in catalogue.decades),
        tomatometer=_average([]),
        critics_rating=_average([]),
        customer_rating=_average([]),
        runtime=_average([]),
        total_runtime=0,
        people=tuple(subject(p, words) for p in people[:TOP_PEOPLE]),
    )


def with_figures(stats: Stats, figures: list[Figures]) -> Stats:
    """``stats`` with its averages made from ``figures``."""
    runtimes = [f.runtime for f in figures if f.runtime]
    return replace(
        stats,
        tomatometer=_average([f.tomatometer for f in figures if f.tomatometer is not None]),
        critics_rating=_average(
            [f.critics_rating for f in figures if f.critics_rating is not None]
        ),
        customer_rating=_average([r for f in figures for r in f.ratings]),
        runtime=_average(runtimes),
        total_runtime=sum(runtimes),
    )
