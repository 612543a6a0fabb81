"""Values as other tools write them, read into the contract's types, or refused with why.

Each reader raises :class:`BadValue` with a message fit for the import report; the
caller decides whether that skips the row (a title, a year, a text the build would
refuse) or only leaves the value out (a runtime it cannot read).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ..markup import MAX_MARKDOWN_CHARS
from ..model import YEAR_RANGE
from ..slugs import SLUG_RE


class BadValue(ValueError):
    """A value that cannot become what its field needs; the message says why."""


# Characters that XML 1.0 or HTML forbid (C0 and C1 controls but tab and line breaks,
# DEL, surrogates, noncharacters): the build refuses them, and feeds break on them.
_PLANES = "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _PLANES + "]"
)
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEL"}


def character_name(char: str) -> str:
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def check_characters(text: str) -> None:
    """Refuse a character the build refuses, naming it and where it stands."""
    match = _FORBIDDEN.search(text)
    if match:
        raise BadValue(
            f"{character_name(match.group())} at character {match.start() + 1} is a "
            "control character, which the build refuses"
        )


def one_line(text: str) -> str:
    """A one-line text (a title, a name): line breaks and tabs become spaces."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    check_characters(text)
    return text.strip()


def markdown_text(text: str, what: str) -> str:
    """A plot or review: Windows line endings made plain, checked against the build's limits."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    check_characters(text)
    if len(text) > MAX_MARKDOWN_CHARS:
        raise BadValue(
            f"the {what} is {len(text):,} characters long; the limit for a plot or "
            f"review is {MAX_MARKDOWN_CHARS:,}"
        )
    return text


def split_list(text: str, separators: str = r"[,|;/]") -> list[str]:
    """'Drama, Crime' or 'Drama|Crime' or 'Drama / Crime' -> ['Drama', 'Crime']."""
    parts = re.split(rf"\s*{separators}\s*", text)
    return [one_line(part) for part in parts if part.strip()]


def parse_year(text: str) -> int:
    text = text.strip()
    match = re.fullmatch(r"(\d{1,6})(?:\.0+)?", text)
    if not match:
        raise BadValue(f"year {text[:40]!r} is not a year (expected a number like 2009)")
    year = int(match.group(1))
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise BadValue(f"year {year} is outside {YEAR_RANGE[0]} to {YEAR_RANGE[1]}")
    return year


_MINUTES = r"\s*(?:m|min|mins|minutes?)?\.?"
_RUNTIME_FORMS = (
    (re.compile(rf"(\d{{1,5}})(?:\.0+)?{_MINUTES}", re.I), (0, 1)),
    (re.compile(rf"(\d{{1,2}})\s*h(?:ours?|rs?)?\s*(?:(\d{{1,2}}){_MINUTES})?", re.I), (1, 2)),
    (re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?"), (1, 2)),
)


def parse_runtime(text: str) -> int | None:
    """Minutes from '87', '87 min', '1h 27m' or '1:27'; None for 0 (unknown in Kodi)."""
    text = text.strip()
    for pattern, (hours_group, minutes_group) in _RUNTIME_FORMS:
        match = pattern.fullmatch(text)
        if match:
            hours = int(match.group(hours_group)) if hours_group else 0
            minutes = int(match.group(minutes_group) or 0)
            total = hours * 60 + minutes
            return total or None
    raise BadValue(f"runtime {text[:40]!r} is not a number of minutes")


DAY_FIRST = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y")
MONTH_FIRST = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y")
_WORDY = ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%a %b %d %H:%M:%S %Y")


def parse_date(text: str, order: tuple[str, ...] = DAY_FIRST) -> str:
    """YYYY-MM-DD from the common spellings (a time after the date is ignored)."""
    text = text.strip()
    candidates = [text, text.split("T")[0], text.split(" ")[0]]
    for pattern in (*order, *_WORDY):
        for candidate in candidates:
            try:
                return dt.datetime.strptime(candidate, pattern).date().isoformat()
            except ValueError:
                continue
    raise BadValue(f"date {text[:40]!r} is not a date this importer reads (like 2009-09-12)")


def date_order(values: list[str]) -> tuple[str, ...]:
    """Whether a column's dates like 03/04/2001 are day first or month first, from the
    values that tell (a first part over 12 is a day); day first when none tells."""
    for value in values:
        match = re.match(r"\s*(\d{1,2})[/.](\d{1,2})[/.]\d{4}", value)
        if match and int(match.group(2)) > 12:
            return MONTH_FIRST
        if match and int(match.group(1)) > 12:
            return DAY_FIRST
    return DAY_FIRST


def parse_rating(text: str) -> tuple[float, float] | None:
    """(value, scale) from '4', '4.5', '4/5', '8/10', '80%' or '★★★½'; the scale is 0 for a
    bare number (its column decides); None when the text holds no rating."""
    text = text.strip()
    if not text:
        return None
    if set(text) <= {"★", "½", " "}:
        return text.count("★") + 0.5 * text.count("½"), 5
    match = re.fullmatch(r"(\d{1,3}(?:[.,]\d+)?)\s*(?:/\s*(\d{1,3})|(%))?", text)
    if not match:
        raise BadValue(f"rating {text[:40]!r} is not a rating (like 4, 4.5, 4/5 or 8/10)")
    value = float(match.group(1).replace(",", "."))
    scale = float(match.group(2)) if match.group(2) else 100 if match.group(3) else 0
    if scale and not 0 < value <= scale:
        raise BadValue(f"rating {text!r} is not within its scale")
    return value, scale


def column_scale(values: list[float]) -> float:
    """The scale of a column of bare ratings: 5, 10 or 100, from the highest given."""
    top = max(values, default=0)
    return 5 if top <= 5 else 10 if top <= 10 else 100


def stars(value: float, scale: float) -> float | int | None:
    """A rating on any scale as 1 to 5 stars, to the nearest half; None below one star."""
    rounded = round(value * 5 / scale * 2) / 2
    if rounded < 1:
        return None
    return int(rounded) if rounded == int(rounded) else rounded


def number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


# Identifiers, in the contract's form.
_IMDB = re.compile(r"(?<![A-Za-z0-9])(tt\d{7,8})(?!\d)")
_TMDB_URL = re.compile(r"themoviedb\.org/movie/(\d{1,9})")
_WIKIDATA = re.compile(r"(?<![A-Za-z0-9])(Q[1-9]\d{0,11})(?!\d)")
_LETTERBOXD_FILM = re.compile(r"letterboxd\.com/(?:[^/\s]+/)?film/([a-z0-9]+(?:-[a-z0-9]+)*)/?")


def imdb_id(text: str) -> str:
    match = _IMDB.search(text.strip())
    if not match:
        raise BadValue(f"{text.strip()[:40]!r} is not an IMDb id (tt and 7 or 8 digits)")
    return match.group(1)


def tmdb_id(text: str) -> str:
    text = text.strip()
    url = _TMDB_URL.search(text)
    number = url.group(1) if url else text.removesuffix(".0")
    if not re.fullmatch(r"[1-9]\d{0,9}", number):
        raise BadValue(f"{text[:40]!r} is not a TMDB id (a whole number)")
    return number


def wikidata_id(text: str) -> str:
    match = _WIKIDATA.search(text.strip())
    if not match:
        raise BadValue(f"{text.strip()[:40]!r} is not a Wikidata id (Q and digits)")
    return match.group(1)


def letterboxd_id(text: str) -> str:
    """A Letterboxd film slug, from a film URL or the slug itself. Letterboxd's own export
    links films by short links (boxd.it), which hold no slug: those give no id."""
    text = text.strip()
    match = _LETTERBOXD_FILM.search(text)
    if match:
        return match.group(1)
    if SLUG_RE.fullmatch(text):
        return text
    raise BadValue(f"{text[:60]!r} is not a Letterboxd film (a letterboxd.com/film/ link)")


ID_READERS = {
    "imdb": imdb_id,
    "tmdb": tmdb_id,
    "wikidata": wikidata_id,
    "letterboxd": letterboxd_id,
}
ID_KINDS = tuple(ID_READERS)

_NOT_FILMS = {
    "tvseries": "a TV series", "tvminiseries": "a TV mini-series", "miniseries": "a TV mini-series",
    "tvepisode": "a TV episode", "episode": "a TV episode", "series": "a TV series",
    "tvshow": "a TV series", "videogame": "a video game", "podcastseries": "a podcast",
    "podcastepisode": "a podcast", "musicvideo": "a music video",
}  # fmt: skip


def not_a_film(kind: str) -> str | None:
    """What a title type names when it is not a film ('a TV series'), else None."""
    return _NOT_FILMS.get(re.sub(r"[^a-z]", "", kind.lower()))
