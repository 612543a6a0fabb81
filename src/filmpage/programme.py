"""Screenings: a season file (``content/programme/<season>.yaml``) to a checked Season.

Every rule a season file can break on its own is checked here, each problem placed at
its file, line and field: times that are not ``YYYY-MM-DD HH:MM`` or that the venue's
clocks skip or repeat, an end before the start, an unknown venue, a bad price, status,
currency or ticket link. Rules that need the catalogue (the film named) or every season
at once (overlaps) belong to :mod:`filmpage.whatson`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from difflib import get_close_matches

from . import yamldoc
from .errors import Problems
from .load import Record
from .localtime import aware, clock_problem, later, parse_clock, parse_stamp
from .model import YEAR_RANGE
from .money import currency_problem
from .settings import Settings
from .slugs import is_slug

STATUSES = ("scheduled", "sold-out", "cancelled", "postponed", "tbc")
ACCESSIBILITY = ("captioned", "audio-described", "relaxed", "wheelchair")
SEASON_FIELDS = ("title", "description", "screenings")
SCREENING_FIELDS = ("film", "start", "venue", "end", "doors", "price", "currency", "tickets",
                    "status", "subtitles", "accessibility", "note")  # fmt: skip
PRICE_FIELDS = ("standard", "concession")
_PRICE = re.compile(r"[0-9]{1,6}(\.[0-9]{1,2})?")


@dataclass(frozen=True)
class Screening:
    """One showing of a film: local times as written (checked), in the zone of its venue."""

    key: str  # unique in the site: film, date, time and venue, as a slug
    season: str  # the season's slug
    film: str  # the film's slug
    start: str  # local time, "2026-10-03T19:30"
    zone: str  # the venue's time zone
    end: str = ""  # local time, when written
    venue: str = ""  # a key of the settings' venues
    doors: str = ""  # "19:00"
    price: Decimal | None = None
    concession: Decimal | None = None
    currency: str = ""
    tickets: str = ""
    status: str = "scheduled"
    subtitles: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    note: str = ""
    line: int = 0  # where its film is named
    column: int = 0
    index: int = 0  # its place in the file's list

    @property
    def starts(self) -> dt.datetime:
        return aware(self.start, self.zone)

    def ends(self, runtime: int | None) -> dt.datetime | None:
        """When it ends: as written, else the start plus the film's ``runtime``."""
        if self.end:
            return aware(self.end, self.zone)
        return later(self.starts, runtime) if runtime else None

    @property
    def calendar_path(self) -> str:
        """Its own calendar file, in the site (the "Add to calendar" link)."""
        return f"programme/{self.season}/{self.key}.ics"

    @property
    def page_path(self) -> str:
        """Where it is shown: its season's page, at its own anchor."""
        return f"programme/{self.season}/#{self.key}"

    @property
    def opens(self) -> dt.datetime | None:
        """When the doors open: on the start's day, or the day before when the clock says a
        later time than the start (doors 23:45 for a screening at 00:30)."""
        if not self.doors:
            return None
        day = self.day if self.doors <= self.start[11:16] else self.day - dt.timedelta(days=1)
        return aware(f"{day.isoformat()}T{self.doors}", self.zone)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.start[:10])

    @property
    def utc(self) -> str:
        """The start as UTC, ``2026-10-03T18:30:00Z``: what the page's script compares."""
        return self.starts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def free(self) -> bool:
        return self.price == 0 and not self.concession


@dataclass(frozen=True)
class Season:
    """A season, series or festival edition: one file of ``content/programme/``."""

    slug: str
    title: str
    description_html: str
    file: str
    screenings: tuple[Screening, ...] = ()  # by start, as read

    @property
    def calendar_path(self) -> str:
        """Where the season's calendar is, in the site (``ical``)."""
        return f"programme/{self.slug}.ics"


def season_from_record(record: Record, slug: str, settings: Settings, problems: Problems):
    """Check one season file; a Season (with the screenings that checked), or None."""
    tree, read = record.tree, yamldoc.Reader(record.file, problems)
    read.warn_unknown(tree, SEASON_FIELDS)
    title = read.required_text(tree, "title", "title")
    node = tree.get("description")
    description = read.text(node, "description") or ""
    html = read.markdown(description, "description", node.line, node.column) if node else ""
    found = []
    for i, node in enumerate(read.seq(tree.get("screenings"), "screenings")):
        screening = _screening(read, node, f"screenings[{i}]", slug, settings)
        if screening is not None:
            found.append(screening)
    found.sort(key=lambda s: (s.starts, s.venue, s.film))  # (without a title: an error, but
    return Season(slug, title or "", html, record.file, tuple(found))  # its films checked)


def _screening(read: yamldoc.Reader, node, at: str, season: str, settings: Settings):
    item = read.mapping(node, at)
    if item is None:
        return None
    read.warn_unknown(item, SCREENING_FIELDS, f"{at}.")
    get = item.get
    film = read.text(get("film"), f"{at}.film")
    if film is None:
        read.error(get("film"), f"{at}.film", "required field is missing", fallback=item)
    elif not is_slug(film):
        message = f"expected the slug of a film of the catalogue, got {film!r}"
        film = read.error(get("film"), f"{at}.film", message)
    venue, zone, venue_ok = _venue(read, item, at, settings)
    start = _stamp(read, item, "start", at, zone)
    if start is None and "start" not in item.entries:
        read.error(None, f"{at}.start", "required field is missing", fallback=item)
    end = _end(read, item, at, zone, start)
    price, concession = _prices(read, get("price"), f"{at}.price")
    fields = {
        "doors": _doors(read, get("doors"), f"{at}.doors", start),
        "currency": _currency(read, get("currency"), f"{at}.currency"),
        "tickets": read.url(get("tickets"), f"{at}.tickets") or "",
        "status": _status(read, get("status"), f"{at}.status"),
        "subtitles": read.text_list(get("subtitles"), f"{at}.subtitles"),
        "accessibility": _access(read, get("accessibility"), f"{at}.accessibility"),
        "note": read.text(get("note"), f"{at}.note") or "",
    }
    if film is None or start is None or end is False or not venue_ok:
        return None
    key = f"{film}-{start:%Y-%m-%d-%H%M}" + (f"-{venue}" if venue else "")
    where = get("film") or item
    index = int(at[at.index("[") + 1 : -1])
    return Screening(
        key, season, film, start.isoformat(timespec="minutes"), zone,
        end.isoformat(timespec="minutes") if end else "", venue, price=price,
        concession=concession, line=where.line, column=where.column, index=index, **fields,
    )  # fmt: skip


def _venue(read: yamldoc.Reader, item, at: str, settings: Settings):
    """The screening's venue key, its time zone, and whether it checked."""
    node = item.get("venue")
    key = read.text(node, f"{at}.venue")
    keys = [v.key for v in settings.venues]
    if key is None:
        if node is not None and not (isinstance(node, yamldoc.Scalar) and node.is_null):
            return "", settings.timezone, False  # not text: reported
        if len(keys) > 1:
            read.error(None, f"{at}.venue",
                       f"required: the site has {len(keys)} venues ({', '.join(keys)})",
                       fallback=item)  # fmt: skip
            return "", settings.timezone, False
        key = keys[0] if keys else ""
    venue = settings.venue(key)
    if key and venue is None:
        close = get_close_matches(key, keys, n=1, cutoff=0.6)
        known = f"one of {', '.join(keys)}" if keys else "a key of 'venues' in filmpage.yml"
        hint = f"; did you mean '{close[0]}'?" if close else ""
        read.error(node, f"{at}.venue", f"no venue '{key}'; expected {known}{hint}")
        return "", settings.timezone, False
    return key, venue.timezone if venue else settings.timezone, True


def _stamp(read: yamldoc.Reader, item, name: str, at: str, zone: str) -> dt.datetime | None:
    node = item.get(name)
    text = read.text(node, f"{at}.{name}")
    if text is None:
        return None
    when = parse_stamp(text)
    if when is None:
        return read.error(node, f"{at}.{name}",
                          f"expected a local time YYYY-MM-DD HH:MM, got {text!r}")  # fmt: skip
    low, high = YEAR_RANGE
    if not low <= when.year <= high:
        return read.error(node, f"{at}.{name}", f"year {when.year} is not between {low} and {high}")
    problem = clock_problem(when, zone)
    if problem:
        return read.error(node, f"{at}.{name}", problem)
    return when


def _end(read: yamldoc.Reader, item, at: str, zone: str, start: dt.datetime | None):
    """The end as written (None when not), or False when it is wrong."""
    node = item.get("end")
    text = read.text(node, f"{at}.end")
    if text is None:
        return None if node is None or isinstance(node, yamldoc.Scalar) else False
    clock = parse_clock(text)
    if clock is not None and start is not None:  # "21:15": the start's day
        text = f"{start:%Y-%m-%d} {text}"
    end = _stamp(read, item, "end", at, zone) if clock is None else parse_stamp(text)
    if end is None:
        return False
    if clock is not None:
        problem = clock_problem(end, zone)
        if problem:
            return read.error(node, f"{at}.end", problem)
    if start is not None and aware(end.isoformat(), zone) <= aware(start.isoformat(), zone):
        message = (f"ends at {end:%Y-%m-%d %H:%M}, not after its start {start:%Y-%m-%d %H:%M}; "
                   "write the end's date when it is the next day")  # fmt: skip
        return read.error(node, f"{at}.end", message)
    return end


DOORS_AHEAD = dt.timedelta(hours=6)
"""How long before a screening its doors may open the day before: a clock time later
than the start is the day before only for a screening soon after midnight."""


def _doors(read: yamldoc.Reader, node, field: str, start: dt.datetime | None) -> str:
    text = read.text(node, field)
    if text is None:
        return ""
    clock = parse_clock(text)
    if clock is None:
        read.error(node, field, f"expected a time HH:MM, got {text!r}")
        return ""
    doors = clock.strftime("%H:%M")
    if start is not None and clock > start.time():
        before = dt.datetime.combine(start.date() - dt.timedelta(days=1), clock)
        if start.replace(tzinfo=None) - before > DOORS_AHEAD:
            message = (
                f"the doors open at {doors}, after the start at {start:%H:%M}; expected "
                "a time before it (the day before only for a screening after midnight)"
            )
            read.error(node, field, message)  # fmt: skip
            return ""
    return doors


def _amount(read: yamldoc.Reader, node, field: str) -> Decimal | None:
    if node is None or (isinstance(node, yamldoc.Scalar) and node.is_null):
        return None
    text = node.text.strip() if isinstance(node, yamldoc.Scalar) else ""
    if not _PRICE.fullmatch(text):
        return read.error(node, field,
                          f"expected a price like 8.50, got {yamldoc.describe(node)}")  # fmt: skip
    return Decimal(text)


def _prices(read: yamldoc.Reader, node, field: str) -> tuple[Decimal | None, Decimal | None]:
    """``price``: one number, or ``{standard, concession}``."""
    if isinstance(node, yamldoc.Map):
        read.warn_unknown(node, PRICE_FIELDS, f"{field}.")
        standard = _amount(read, node.get("standard"), f"{field}.standard")
        concession = _amount(read, node.get("concession"), f"{field}.concession")
        if standard is None and concession is not None:
            read.error(node, f"{field}.standard", "required beside a concession price")
        return standard, concession
    return _amount(read, node, field), None


def _currency(read: yamldoc.Reader, node, field: str) -> str:
    text = read.text(node, field)
    if text is None:
        return ""
    problem = currency_problem(text)
    if problem:
        read.error(node, field, problem)
        return ""
    return text.upper()


def _status(read: yamldoc.Reader, node, field: str) -> str:
    text = read.text(node, field)
    if text is None:
        return "scheduled"
    word = text.lower()
    if word not in STATUSES:
        close = get_close_matches(word, STATUSES, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        read.error(node, field, f"expected one of {', '.join(STATUSES)}, got {text!r}{hint}")
        return "scheduled"
    return word


def _access(read: yamldoc.Reader, node, field: str) -> tuple[str, ...]:
    """Accessibility features: the known ones get their badge; any other is kept as
    written, with a warning (a likely typo)."""
    found = []
    items = node.items if isinstance(node, yamldoc.Seq) else [node]
    for i, value in enumerate(read.text_list(node, field)):
        word = value.lower()
        if word not in ACCESSIBILITY:
            close = get_close_matches(word, ACCESSIBILITY, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'? " if close else ""
            item = items[i] if i < len(items) and items[i] is not None else node
            at = f"{field}[{i}]" if isinstance(node, yamldoc.Seq) else field
            read.problems.warning(
                read.file, item.line, item.column, at,
                f"'{value}' is not one of {', '.join(ACCESSIBILITY)}; {hint}it is shown as written",
            )  # fmt: skip
        found.append(word if word in ACCESSIBILITY else value)
    return tuple(found)
