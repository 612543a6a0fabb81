"""A row's contract fields from texts named by field, as every format reader gives them.

A value the build would refuse (a control character, a plot over the limit) skips the
row with the reason; a value this importer cannot read (a runtime of 'about two hours')
is left out with a note, so the rest of the film still comes in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..weblinks import is_web_url
from .rows import Row, bare_text, review
from .values import (
    DAY_FIRST,
    ID_KINDS,
    BadValue,
    markdown_text,
    not_a_film,
    number_text,
    one_line,
    parse_date,
    parse_rating,
    parse_runtime,
    parse_year,
    split_list,
    stars,
)

TEXT_FIELDS = ("title", "original_title", "tagline", "content_rating", "studio", "distributor",
               "trailer", "plot")  # fmt: skip
LIST_FIELDS = ("genres", "countries", "languages")
ROLE_FIELDS = ("directors", "writers", "producers", "cast", "cinematography", "editors",
               "music")  # fmt: skip
MAPPABLE = (*TEXT_FIELDS, *LIST_FIELDS, "year", "runtime", "release_date", *ROLE_FIELDS,
            "rating", "review", *ID_KINDS, "type")  # fmt: skip

Raw = dict[str, "str | list[str]"]


@dataclass(frozen=True)
class Reading:
    """How a file's values are read: its dates' order and its ratings' scale and source."""

    dates: tuple[str, ...] = DAY_FIRST
    scale: float = 5  # the scale of bare-number ratings
    rated_on: str = ""  # 'on Letterboxd', for a review made from a bare rating


class SkipRow(Exception):
    """The row cannot become a record; the message says why."""


def _is_null(value: object) -> bool:
    return isinstance(value, str) and value.strip() == "\\N"


def fill(row: Row, raw: Raw, reading: Reading = Reading()) -> None:
    """Fill ``row`` from ``raw``; raise SkipRow when the row cannot be imported. A value
    ``\\N`` is no value (IMDb's datasets write it so)."""
    raw = {name: value for name, value in raw.items() if not _is_null(value)}
    kind = _text(raw.get("type"))
    if kind and not_a_film(kind):
        title = _text(raw.get("title"))
        named = repr(title) if title else "the row"
        raise SkipRow(f"{named} is {not_a_film(kind)} ({kind!r}); only films are imported")
    title = _required_title(raw)
    row.fields["title"] = title
    try:
        _fill_texts(row, raw)
    except BadValue as exc:
        raise SkipRow(f"{exc} (in {title!r})") from exc
    _fill_dates(row, raw, reading)
    if "year" not in row.fields:
        raise SkipRow(f"no year for {title!r}")
    _fill_runtime(row, raw)
    for kind in ID_KINDS:
        row.add_id(kind, _text(raw.get(kind)))
    try:
        _fill_review(row, raw, reading)
    except BadValue as exc:
        raise SkipRow(f"{exc} (in {title!r})") from exc


def _text(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return (value or "").strip()


def _required_title(raw: Raw) -> str:
    try:
        title = one_line(_text(raw.get("title")))
    except BadValue as exc:
        raise SkipRow(f"title: {exc}") from exc
    if not title:
        raise SkipRow("no title")
    return title


def _fill_texts(row: Row, raw: Raw) -> None:
    fields = row.fields
    for name in TEXT_FIELDS[1:]:
        value = _text(raw.get(name))
        if not value:
            continue
        if name == "plot":
            fields["plot"] = markdown_text(value, "plot")
        elif name == "trailer" and not is_web_url(value):
            row.notes.append(f"trailer {value[:60]!r} is not an http(s) URL; left out")
        else:
            fields[name] = _checked(name, value)
    if fields.get("original_title") == fields["title"]:
        del fields["original_title"]
    credits: dict[str, list[str]] = {}
    for name in (*LIST_FIELDS, *ROLE_FIELDS):
        value = raw.get(name)
        items = (
            [_checked(name, v) for v in value if v.strip()]
            if isinstance(value, list)
            else _split(name, _text(value))
        )
        items = list(dict.fromkeys(i for i in items if i))
        if items and name in LIST_FIELDS:
            fields[name] = items
        elif items:
            credits[name] = items
    if credits:
        fields["credits"] = credits


def _checked(name: str, value: str) -> str:
    try:
        return one_line(value)
    except BadValue as exc:
        raise BadValue(f"{name}: {exc}") from exc


def _split(name: str, value: str) -> list[str]:
    try:
        return split_list(value) if value else []
    except BadValue as exc:
        raise BadValue(f"{name}: {exc}") from exc


def _fill_dates(row: Row, raw: Raw, reading: Reading) -> None:
    year = _text(raw.get("year"))
    if year:
        try:
            row.fields["year"] = parse_year(year)
        except BadValue as exc:
            raise SkipRow(f"{exc} for {row.fields['title']!r}") from exc
    released = _text(raw.get("release_date"))
    if released:
        try:
            row.fields["release_date"] = parse_date(released, reading.dates)
        except BadValue as exc:
            row.notes.append(f"release_date: {exc}; left out")
            return
        row.fields.setdefault("year", int(row.fields["release_date"][:4]))


def _fill_runtime(row: Row, raw: Raw) -> None:
    runtime = _text(raw.get("runtime"))
    if not runtime:
        return
    try:
        minutes = parse_runtime(runtime)
    except BadValue as exc:
        row.notes.append(f"{exc}; left out")
        return
    if minutes:
        row.fields["runtime"] = minutes


def _fill_review(row: Row, raw: Raw, reading: Reading) -> None:
    """A review from ``review`` and ``rating``; a bare rating becomes a review that says so."""
    body = _text(raw.get("review"))
    rating_text = _text(raw.get("rating"))
    date = _text(raw.get("review_date"))
    if date:
        try:
            date = parse_date(date, reading.dates)
        except BadValue:
            date = ""
    rating, said = None, ""
    if rating_text:
        try:
            parsed = parse_rating(rating_text)
        except BadValue as exc:
            row.notes.append(f"{exc}; left out")
            parsed = None
        if parsed and parsed[0] > (parsed[1] or reading.scale):
            scale = number_text(parsed[1] or reading.scale)
            row.notes.append(f"rating {rating_text} is above the scale (out of {scale}); left out")
        elif parsed:
            value, scale = parsed
            scale = scale or reading.scale
            rating = stars(value, scale)
            said = bare_text(number_text(value), number_text(scale), reading.rated_on)
            if rating is None:
                row.notes.append(f"rating {rating_text} is below one star; kept in words only")
    if body:
        row.reviews.append(review(body, rating, date))
    elif said:
        row.reviews.append(review(said, rating, date, bare=True))
