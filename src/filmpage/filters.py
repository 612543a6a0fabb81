"""The templates' filters: how a runtime, a price, a rating, a date, a feed entry's id
and embedded JSON are written, the same under every locale."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from markupsafe import Markup

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹",
                    "CAD": "CA$", "AUD": "A$", "KRW": "₩"}  # fmt: skip


def format_runtime(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} hr {mins} min" if mins else f"{hours} hr"


def format_price(price: Decimal | None, currency: str | None) -> str:
    if price is None:
        return ""
    amount = f"{price:.2f}" if price != price.to_integral() or currency else f"{price}"
    code = (currency or "").upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol:
        return f"{symbol}{amount}"
    return f"{amount} {code}".strip()


def format_rating(value: float, digits: int = 1) -> str:
    """8.4 -> '8.4', 4.0 -> '4', 4.25 -> '4.3' (halves up, not to even)."""
    text = str(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


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


def image_alt(film: Any) -> str:
    """What a film's share image shows, for ``og:image:alt`` and ``twitter:image:alt``:
    its poster, or the card with its title and year."""
    return f"Poster of {film.title}" if film.poster else f"{film.title} ({film.year})"


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


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def long_date(date: dt.date) -> str:
    """'22 January 2010', the same under every locale."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_date(date: dt.date) -> str:
    """'Saturday 3 October 2026', the same under every locale."""
    return f"{DAYS[date.weekday()]} {long_date(date)}"


def atom_date(date: dt.date | None) -> str:
    """RFC 3339 midnight UTC of a content date; SOURCE_DATE_EPOCH (or the epoch) if none."""
    if date is None:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
        return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{date.isoformat()}T00:00:00Z"


FEED_NAMESPACE = uuid.UUID("5d0a3c1e-6f1b-5c4e-9a57-0c1f8e1d2b60")


def entry_id(film: Any) -> str:
    """A film's feed entry id: a name made from the slug of its first URL (its first
    alias, else its slug), not from its URL, so it stays when the URL or the site's
    address moves and readers do not show the film again as new."""
    return f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, 'films/' + film.first_slug)}"


def json_script(value: Any) -> Markup:
    """JSON safe to embed in a <script> element: no '</script>' or '<!--' can break out."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
