"""The whole catalogue: final slugs, related titles resolved, and the browse indexes.

Everything here needs all films at once, and reads only their outlines (what places a
film among the others: :class:`filmpage.model.Outline`); it is the last check before
anything is written. Work is linear in the number of films (dictionaries, one sort per
index).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache

from .errors import Problems
from .formats import ENGLISH, Words
from .identity import check_identities
from .model import KNOWN_ROLES, Outline, RelatedTitle, title_in
from .slugs import slugify, unread_film
from .suggest import Suggestion, suggest


@dataclass(frozen=True)
class Group:
    """A page of films sharing a genre or a year."""

    slug: str
    name: str
    films: tuple[Outline, ...]


@dataclass(frozen=True)
class PersonRole:
    key: str
    label: str
    films: tuple[Outline, ...]


@dataclass(frozen=True)
class Person:
    slug: str
    name: str
    roles: tuple[PersonRole, ...]
    film_count: int  # films counted once across roles


@dataclass(frozen=True)
class Subject:
    """What a list of films is of (a genre, person, year or decade), without its films:
    what index pages and each page of a long list show of it. Holding no films, a page
    made of subjects does not change when a film's own details do."""

    slug: str
    name: str
    roles: tuple[str, ...] = ()  # a person's roles, as labels ("Director", "Cast")
    film_count: int = 0  # films counted once across roles


def subject(item: Group | Person, words: Words = ENGLISH, decade: bool = False) -> Subject:
    """What a list is of, its labels in ``words``' language (a decade's name too)."""
    if isinstance(item, Person):
        roles = tuple(words.role(r.key, 1, r.label) for r in item.roles)
        return Subject(item.slug, item.name, roles, item.film_count)
    name = words.decade_of(item.name) if decade else item.name
    return Subject(item.slug, name, film_count=len(item.films))


@dataclass(frozen=True)
class Catalogue:
    films: tuple[Outline, ...]  # published films, by title
    by_slug: dict[str, Outline]
    genres: tuple[Group, ...]
    people: tuple[Person, ...]
    years: tuple[Group, ...]
    decades: tuple[Group, ...]
    suggestions: dict[str, tuple[Suggestion, ...]]  # "More like this", by film slug
    drafts: int  # films left out as drafts
    hidden: frozenset[str] = frozenset()  # the slugs of the drafts left out


@lru_cache(maxsize=65536)
def name_slug(name: str) -> str:
    """The slug of a genre or person; a hash when the name has no letters or digits."""
    return slugify(name) or "n-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def sort_key(film: Outline) -> tuple:
    return (film.title.casefold(), film.year, film.slug)


def shown_films(films: Iterable[Outline], drafts: bool) -> list[Outline]:
    """The films a build shows: drafts only when asked for."""
    return [f for f in films if drafts or not f.draft]


def build_catalogue(
    films: list[Outline],
    problems: Problems,
    static_files: frozenset[str],
    drafts: bool = False,
    unread: Mapping[str, str] | None = None,
) -> Catalogue:
    """Assign slugs, check catalogue-wide rules, resolve related titles (``unread``: the
    records that did not load, by their names' stems, for what a title names that one of
    them may give), build indexes."""
    films = _slugged(films, problems)
    published = shown_films(films, drafts)
    by_title: dict[str, list[Outline]] = defaultdict(list)
    for f in published:
        by_title[f.title.casefold()].append(f)
    all_slugs = {f.slug: f.title for f in films}  # (the drafts' too)
    # what a related title shows of a film here, gathered in one pass over the films
    # (looking each film up as its titles are resolved costs more than twice as much)
    links = {f.slug: (f.title, ", ".join(f.directors), f.year) for f in published}
    resolved = []
    for film in published:
        if film.poster is not None and film.poster not in static_files:
            line, column = film.positions.get("poster", (0, 0))
            problems.error(
                film.file,
                line,
                column,
                "poster",
                f"no file static/{film.poster}; expected an image under static/",
            )
        related = tuple(
            _resolve(film, _match_title(r, by_title), links, all_slugs, problems, unread or {})
            for r in film.related
        )
        resolved.append(replace(film, related=related) if film.related else film)
    resolved.sort(key=sort_key)
    ordered = tuple(resolved)
    return Catalogue(
        films=ordered,
        by_slug={f.slug: f for f in resolved},
        genres=_groups((g, f) for f in resolved for g in f.genres),
        people=_people(resolved),
        years=tuple(
            Group(str(y), str(y), tuple(fs))
            for y, fs in sorted(_bucket((f.year, f) for f in resolved).items())
        ),
        decades=tuple(
            Group(f"{d}s", f"{d}s", tuple(fs))
            for d, fs in sorted(_bucket((f.year // 10 * 10, f) for f in resolved).items())
        ),
        suggestions=suggest(ordered, name_slug),
        drafts=len(films) - len(published),
        hidden=frozenset(f.slug for f in films if f.draft and not drafts),
    )


def in_language(catalogue: Catalogue, language: str) -> Catalogue:
    """The catalogue as the pages of ``language`` list it: each list in the order of the
    titles those pages show (the same catalogue where no title is translated)."""
    if not any(code == language and t for f in catalogue.films for code, t in f.titles):
        return catalogue

    def order(films: tuple[Outline, ...]) -> tuple[Outline, ...]:
        return tuple(sorted(films, key=lambda f: (title_in(f, language).casefold(), f.year,
                                                  f.slug)))  # fmt: skip

    groups = lambda items: tuple(replace(g, films=order(g.films)) for g in items)  # noqa: E731
    return replace(
        catalogue,
        films=order(catalogue.films),
        genres=groups(catalogue.genres),
        years=groups(catalogue.years),
        decades=groups(catalogue.decades),
    )


def _slugged(films: list[Outline], problems: Problems) -> list[Outline]:
    """The films with their slugs (:func:`assign_slugs`), their ids and aliases checked,
    a film whose slug clashes too: every error of the run together."""
    slugged = assign_slugs(films, problems)
    kept = {f.file for f in slugged}
    check_identities([*slugged, *(f for f in films if f.file not in kept and f.slug_given)],
                     problems)  # fmt: skip
    return slugged


def assign_slugs(films: list[Outline], problems: Problems) -> list[Outline]:
    """The contract's rule: derived slugs that collide all get ``-<year>``; any collision
    left, or one that involves an explicit slug, is an error naming both files."""
    derived: dict[str, list[Outline]] = defaultdict(list)
    out: list[Outline] = []
    for film in sorted(films, key=lambda f: f.file):
        if film.slug_given:
            out.append(film)
            continue
        base = slugify(film.title)
        if not base:
            line, column = film.positions.get("title", (1, 0))
            problems.error(
                film.file,
                line,
                column,
                "title",
                f"cannot make a URL slug from {film.title!r}; add a 'slug' field",
            )
            continue
        derived[base].append(film)
    for base, group in derived.items():
        for film in group:
            out.append(replace(film, slug=base if len(group) == 1 else f"{base}-{film.year}"))
        if len(group) > 1:
            _warn_moved(group, base, problems)
    owner: dict[str, Outline] = {}
    unique = []
    for film in sorted(out, key=lambda f: f.file):
        key = unicodedata.normalize("NFC", film.slug).casefold()
        first = owner.get(key)
        if first is not None:
            line, column = film.positions.get("slug", film.positions.get("title", (1, 0)))
            problems.error(
                film.file,
                line,
                column,
                "slug",
                f"slug '{film.slug}' is already "
                f"used by {first.file}; set a different 'slug' in one of them",
            )
            continue
        owner[key] = film
        unique.append(film)
    return unique


def _warn_moved(group: list[Outline], base: str, problems: Problems) -> None:
    """Films whose titles make the same slug get their years appended: adding one moved
    the others' URLs. Say so, and how to keep a URL (pin the slug in the record); a film
    whose year does not set it apart gets the collision's error instead."""
    years = [f.year for f in group]
    for film in group:
        if years.count(film.year) > 1 or not film.year:  # (no year: an error of its own)
            continue
        others = ", ".join(f.file for f in group if f is not film)
        line, column = film.positions.get("title", (1, 0))
        problems.warning(
            film.file,
            line,
            column,
            "title",
            f"makes the same slug as {others}, so its URL is /films/{base}-{film.year}/, "
            f"and it moves whenever a film of that title comes or goes; pin it with "
            f"'slug: {base}-{film.year}' (and 'aliases: [{base}]' if /films/{base}/ "
            "was its address)",
        )


def _resolve(
    film: Outline,
    entry: RelatedTitle,
    links: dict[str, tuple[str, str, int]],
    all_slugs: dict[str, str],
    problems: Problems,
    unread: Mapping[str, str],
) -> RelatedTitle:
    """A related title with the title, directors and year of the film here it names."""
    if entry.slug is None:
        return entry
    link = links.get(entry.slug)
    if link is None:
        if entry.slug in all_slugs:  # a draft left out of this build: show it unlinked
            return replace(entry, slug=None, title=entry.title or all_slugs[entry.slug])
        problems.error(
            film.file,
            entry.line,
            entry.column,
            f"related[{entry.index}]",
            f"no film with slug '{entry.slug}' in this catalogue"
            + (
                unread_film(entry.slug, unread)
                or "; expected the slug of a film here, or an external title "
                "{title, director, year, url}"
            ),
        )
        return entry
    title, directors, year = link
    return RelatedTitle(title, entry.slug, directors or entry.director, year, entry.url,
                        entry.line, entry.column, entry.index)  # fmt: skip


def _match_title(entry: RelatedTitle, by_title: dict[str, list[Outline]]) -> RelatedTitle:
    """Link an external title to the one film here with that title (and the director and
    year, where the entry gives them); leave it external when none or several match."""
    if entry.slug is not None or entry.url is not None:
        return entry
    matches = [
        f
        for f in by_title.get(entry.title.casefold(), ())
        if (entry.year is None or entry.year == f.year)
        and (
            entry.director is None
            or entry.director.casefold() in {d.casefold() for d in f.directors}
        )
    ]
    return replace(entry, slug=matches[0].slug) if len(matches) == 1 else entry


def _bucket(pairs) -> dict:
    out: dict = defaultdict(list)
    for key, film in pairs:
        if not out[key] or out[key][-1] is not film:
            out[key].append(film)
    return out


def _groups(pairs) -> tuple[Group, ...]:
    """Outlines grouped by name slug ('Sci-Fi' and 'sci fi' are one group, named as first seen)."""
    names: dict[str, str] = {}
    keyed = []
    for name, film in pairs:
        slug = name_slug(name)
        keyed.append((slug, film))
        names.setdefault(slug, name)
    buckets = _bucket(keyed)
    return tuple(
        Group(slug, names[slug], tuple(buckets[slug]))
        for slug in sorted(buckets, key=lambda slug: names[slug].casefold())
    )


def _people(films: list[Outline]) -> tuple[Person, ...]:
    """Everyone credited, with their films by role; names that make the same slug
    ('Ann Lee', 'ann lee') are one person, named as first credited."""
    names: dict[str, str] = {}
    labels: dict[str, str] = {}
    roles: dict[str, dict[str, list[Outline]]] = defaultdict(dict)  # slug -> role -> films
    for film in films:
        for role in film.credits:
            labels.setdefault(role.key, KNOWN_ROLES.get(role.key, (role.label,))[0])
            for credit in role.people:
                slug = name_slug(credit.name)
                names.setdefault(slug, credit.name)
                held = roles[slug].setdefault(role.key, [])
                if not held or held[-1] is not film:
                    held.append(film)
    order = {key: i for i, key in enumerate(KNOWN_ROLES)}
    people = []
    for slug, by_key in roles.items():
        person_roles = tuple(
            PersonRole(key, labels[key], tuple(fs))
            for key, fs in sorted(by_key.items(), key=lambda kv: (order.get(kv[0], 99), kv[0]))
        )
        count = len({id(f) for r in person_roles for f in r.films})  # each film once
        people.append(Person(slug, names[slug], person_roles, count))
    people.sort(key=lambda p: (p.name.casefold(), p.slug))
    return tuple(people)
