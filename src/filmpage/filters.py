"""The templates' filters that are not a language's formats (those are ``formats.Words``):
a placeholder's initial, a share image's text, a feed entry's id, embedded JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from .formats import ENGLISH, Words
from .i18n import N_

_ARTICLES = ("the ", "a ", "an ")


def initial(title: str) -> str:
    """The letter a placeholder poster shows: the title's first, past "The", "A" or "An"."""
    text = title.strip()
    for article in _ARTICLES:
        if text.lower().startswith(article) and len(text) > len(article):
            text = text[len(article) :].lstrip()
            break
    for char in text:
        if char.isalnum():
            return char.upper()
    return text[:1] or "?"


def image_alt(film: Any, words: Words = ENGLISH) -> str:
    """What a film's share image shows, for ``og:image:alt`` and ``twitter:image:alt``:
    its poster, or the card with its title and year."""
    if film.poster:
        return words.translate(N_("Poster of %(title)s")) % {"title": film.title}
    return f"{film.title} ({film.year})"


def with_note(card: str, note: str) -> Markup:
    """A catalogue card (rendered once, shared by every grid) with a line added at its end,
    such as the roles a person had in the film."""
    if not note:
        return Markup(card)
    head, _, tail = str(card).rpartition("</li>")
    return Markup(f'{head}<p class="card-note">{Markup.escape(note)}</p></li>{tail}')


def rating_counts(reviews: Iterable[Any]) -> list[tuple[int, int, float]]:
    """(stars, how many ratings, their share in percent) from 5 stars down to 1; a
    half star counts with the whole star below it."""
    counts = [0] * 6
    for review in reviews:
        if review.rating is not None:
            counts[int(review.rating)] += 1
    total = sum(counts) or 1
    return [(n, counts[n], round(100 * counts[n] / total, 1)) for n in range(5, 0, -1)]


def atom_date(date: dt.date | None) -> str:
    """RFC 3339 midnight UTC of a content date; SOURCE_DATE_EPOCH (or the epoch) if none."""
    if date is None:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
        return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{date.isoformat()}T00:00:00Z"


FEED_NAMESPACE = uuid.UUID("5d0a3c1e-6f1b-5c4e-9a57-0c1f8e1d2b60")


def entry_id(film: Any, prefix: str = "") -> str:
    """A film's feed entry id: a name made from the slug of its first URL (its first
    alias, else its slug), not from its URL, so it stays when the URL or the site's
    address moves and readers do not show the film again as new; in a language's own
    feed (``prefix``: its folder), that language's entry."""
    return f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, prefix + 'films/' + film.first_slug)}"


def json_script(value: Any) -> Markup:
    """JSON safe to embed in a <script> element: no '</script>' or '<!--' can break out."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
