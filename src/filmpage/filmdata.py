"""A film, its outline and what was derived from it, as data for the build store, and
back.

The form is :mod:`marshal`'s: lists, tuples, a dict, texts, numbers, booleans and None,
in the order of the dataclasses' fields, dates as ISO texts and prices as decimal texts.
Written by hand, field by field, rather than by the general :class:`codec.Codec`: a
first build writes every film of the catalogue (in the worker that read it) and reads
each back (in the build's process), a later one reads hundreds. ``marshal`` holds no
code that runs when read and keeps tuples as tuples; it is not made to read damaged or
hostile bytes, so it reads only what a worker of this build made, or a store row whose
keyed check (the user's key: ``store.check``) matched first. A new field of ``Film`` or
of a part goes here too (and the store's layout version, ``store.LAYOUT``).
"""

from __future__ import annotations

import datetime as dt
import marshal
from decimal import Decimal
from sys import intern
from typing import Any

from .derive import Derived, figures_of, figures_text
from .model import (
    Credit,
    CriticQuote,
    Critics,
    CustomerReview,
    Film,
    Offer,
    Outline,
    RelatedTitle,
    Role,
    Translation,
    outline,
)


def film_data(film: Film) -> bytes:
    f = film
    return marshal.dumps([
        f.file, f.title, f.year, f.slug, f.slug_given, f.original_title, f.tagline,
        f.runtime, _date(f.release_date), f.genres, f.countries, f.languages,
        f.content_rating, f.studio, f.distributor, f.poster, f.trailer, _roles(f.credits),
        _critics(f.critics), [_fields(q) for q in f.top_critics],
        [[r.body_html, r.title, r.rating, r.author, _date(r.date)] for r in f.customer_reviews],
        [_fields(r) for r in f.related],
        [[o.type, _price(o.price), o.currency, o.quality, o.url] for o in f.offers],
        f.source, f.draft, f.plot_html, f.aliases, f.ids,
        [_fields(t) for t in f.translations], f.positions,
    ])  # fmt: skip


def film_from_data(data: bytes) -> Film:
    (file, title, year, slug, given, original, tagline, runtime, released, genres,
     countries, languages, rating, studio, distributor, poster, trailer, credits, critics,
     quotes, reviews, related, offers, source, draft, plot, aliases, ids, translations,
     positions) = marshal.loads(data)  # fmt: skip
    return Film(
        file, title, year, slug, given, original, tagline, runtime, _day(released),
        _interned(genres), _interned(countries), _interned(languages), rating, studio,
        distributor, poster, trailer, _roles_of(credits), Critics(*critics) if critics else None,
        tuple(CriticQuote(*q) for q in quotes),
        tuple(CustomerReview(b, t, r, a, _day(d)) for b, t, r, a, d in reviews),
        tuple(RelatedTitle(*r) for r in related),
        tuple(Offer(t, Decimal(p) if p is not None else None, c, q, u)
              for t, p, c, q, u in offers),
        source, draft, plot, aliases, ids, tuple(Translation(*t) for t in translations),
        positions,
    )  # fmt: skip


def derived_data(derived: Derived) -> bytes:
    o = derived.outline
    outline = [
        o.file, o.title, o.year, o.slug, o.slug_given, o.original_title, o.genres,
        _roles(o.credits), [_fields(r) for r in o.related], o.poster, _date(o.release_date),
        o.content_rating, o.draft, o.aliases, o.ids, o.positions, o.titles,
    ]  # fmt: skip
    return marshal.dumps(
        [outline, derived.words, figures_text(derived.figures), derived.translated]
    )


def derived_from_data(data: bytes, film: Film | None = None) -> Derived:
    """What :func:`derived_data` wrote; with the ``film`` it was derived from at hand, its
    outline made of the film's own parts (the same values, held once, not twice)."""
    outline_, words, figures, translated = marshal.loads(data)
    return Derived(
        outline(film) if film is not None else _outline(outline_),
        words,
        figures_of(figures),
        translated,
    )


def related_data(related: tuple[RelatedTitle, ...]) -> bytes:
    """A film's related titles as the catalogue resolved them, for the plan's row."""
    return marshal.dumps([_fields(r) for r in related])


def related_from_data(data: bytes) -> tuple[RelatedTitle, ...]:
    """What :func:`related_data` wrote (a plan's row, checked with the plan's seal)."""
    return tuple(RelatedTitle(*r) for r in marshal.loads(data))


def _outline(data: list) -> Outline:
    (file, title, year, slug, given, original, genres, credits, related, poster, released,
     rating, draft, aliases, ids, positions, titles) = data  # fmt: skip
    return Outline(
        file, title, year, slug, given, original, _interned(genres), _roles_of(credits),
        tuple(RelatedTitle(*r) for r in related), poster, _day(released), rating, draft,
        aliases, ids, positions, titles,
    )  # fmt: skip


def _interned(texts: list[str]) -> tuple[str, ...]:
    """Texts that many films share (genres, countries, people's names, roles), each held
    once however many films name it: a film read back is otherwise new strings of its
    own, and a render worker copies every page of them it touches."""
    return tuple(map(intern, texts))


def _fields(part: Any) -> list:
    return [getattr(part, name) for name in part.__slots__]


def _roles(roles: tuple[Role, ...]) -> list:
    return [[r.key, r.label, [[c.name, c.character] for c in r.people]] for r in roles]


def _roles_of(data: list) -> tuple[Role, ...]:  # (names and roles: see _interned)
    return tuple(
        Role(intern(k), intern(label), tuple(Credit(intern(n), c) for n, c in people))
        for k, label, people in data
    )


def _critics(critics: Critics | None) -> list | None:
    return None if critics is None else _fields(critics)


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _price(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
