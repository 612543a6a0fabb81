""" "More like this": titles suggested from the catalogue for a film whose record names no
related titles of its own.

A candidate scores 3 for each director it shares with the film, 2 for each other person
(cast and crew) and 1 for each genre. Ties go to the film closest in year, then by title,
so the choice is the same on every build. To stay linear in the catalogue, candidates
come only from the films nearest in year within each shared person's and genre's list.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from .model import Outline

SUGGESTIONS = 6
NEAREST = 24  # candidates taken from each shared person's or genre's films
DIRECTOR, PERSON, GENRE = 3, 2, 1


@dataclass(frozen=True)
class Suggestion:
    """A suggested film and why: ``reason`` is ``director``, ``person`` or ``genre``, and
    ``shared`` names the first thing shared of that kind."""

    slug: str
    reason: str
    shared: str


def suggest(
    films: tuple[Outline, ...], key: Callable[[str], str]
) -> dict[str, tuple[Suggestion, ...]]:
    """Suggestions for every film without a ``related`` list, by slug; ``key`` folds a
    person's or genre's name (``name_slug``) so spellings that share a page match."""
    if all(film.related for film in films):  # nothing to suggest: skip the indexes
        return {}
    by_person: dict[str, list[Outline]] = defaultdict(list)
    by_genre: dict[str, list[Outline]] = defaultdict(list)
    facets = {}
    for film in films:
        directors = {key(name) for name in film.directors}
        people = {key(c.name) for r in film.credits for c in r.people} - directors
        genres = {key(g) for g in film.genres}
        facets[film.slug] = (directors, people, genres)
        for k in directors | people:
            by_person[k].append(film)
        for k in genres:
            by_genre[k].append(film)
    nearest = _Nearest()  # each list sorted by year when a film first needs it
    out = {}
    for film in films:
        if film.related:
            continue
        directors, people, genres = facets[film.slug]
        candidates: dict[str, Outline] = {}
        for k in directors | people:
            candidates.update((f.slug, f) for f in nearest(by_person[k], film.year))
        for k in genres:
            candidates.update((f.slug, f) for f in nearest(by_genre[k], film.year))
        candidates.pop(film.slug, None)
        scored = []
        for other in candidates.values():
            d, p, g = facets[other.slug]
            shared_d = directors & d
            shared_p = ((directors | people) & (d | p)) - shared_d
            shared_g = genres & g
            score = DIRECTOR * len(shared_d) + PERSON * len(shared_p) + GENRE * len(shared_g)
            scored.append((-score, abs(other.year - film.year), other.title.casefold(), other))
        scored.sort(key=lambda s: (*s[:3], s[3].slug))
        out[film.slug] = tuple(_explain(film, s[3], key) for s in scored[:SUGGESTIONS])
    return out


class _Nearest:
    """Up to NEAREST films of a list, closest to a year first. A list is sorted by year
    the first time it is asked about: only the lists of films without related titles
    are, and a catalogue whose films all name theirs sorts none."""

    def __init__(self) -> None:
        self.years: dict[int, list[int]] = {}  # by id of the list, once sorted

    def __call__(self, bucket: list[Outline], year: int) -> list[Outline]:
        if len(bucket) <= NEAREST:
            return bucket
        years = self.years.get(id(bucket))
        if years is None:
            bucket.sort(key=lambda f: (f.year, f.slug))
            years = self.years[id(bucket)] = [f.year for f in bucket]
        return _nearest(bucket, years, year)


def _nearest(bucket: list[Outline], years: list[int], year: int) -> list[Outline]:
    """Up to NEAREST films of a year-sorted list, closest to ``year`` first."""
    right = bisect_left(years, year)
    left = right - 1
    picked = []
    while len(picked) < NEAREST and (left >= 0 or right < len(bucket)):
        if right >= len(bucket) or (left >= 0 and year - years[left] <= years[right] - year):
            picked.append(bucket[left])
            left -= 1
        else:
            picked.append(bucket[right])
            right += 1
    return picked


def _explain(film: Outline, other: Outline, key: Callable[[str], str]) -> Suggestion:
    """The strongest reason, naming the first shared director, person or genre in the
    order the suggested film lists them."""
    mine_directors = {key(n) for n in film.directors}
    for name in other.directors:
        if key(name) in mine_directors:
            return Suggestion(other.slug, "director", name)
    mine = {key(c.name) for r in film.credits for c in r.people}
    for role in other.credits:
        for credit in role.people:
            if key(credit.name) in mine:
                return Suggestion(other.slug, "person", credit.name)
    mine_genres = {key(g) for g in film.genres}
    for genre in other.genres:
        if key(genre) in mine_genres:
            return Suggestion(other.slug, "genre", genre)
    return Suggestion(other.slug, "genre", "")
