"""Calendars (RFC 5545) of the programme, made with the ``icalendar`` library:
``programme.ics`` (every screening), ``programme/<season>.ics`` (a season's) and
``programme/<season>/<screening>.ics`` (one screening: the "add to calendar" link).

Each screening's ``UID`` is made from what it is (film, day and time, venue) and the
site's host, so it stays the same from build to build and whatever happens to other
screenings; its times carry their time zone (``DTSTART;TZID=Europe/London``) with the
zone's rules (``VTIMEZONE``) over the years the calendar spans. ``DTSTAMP`` is the build's
day, so the same inputs and the same day give the same bytes. Each event is made and
serialized once, and the three kinds of file hold the same bytes of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from icalendar import Calendar, Event, Timezone

from . import __version__
from .formats import ENGLISH
from .programme import Screening
from .settings import Settings
from .whatson import Whatson

STATUS = {"scheduled": "CONFIRMED", "sold-out": "CONFIRMED", "cancelled": "CANCELLED",
          "postponed": "TENTATIVE", "tbc": "TENTATIVE"}  # fmt: skip
SUMMARY = {"sold-out": "{} (sold out)", "cancelled": "Cancelled: {}",
           "postponed": "Postponed: {}", "tbc": "{} (to be confirmed)"}  # fmt: skip
ACCESS = {"captioned": "captioned", "audio-described": "audio described",
          "relaxed": "relaxed screening", "wheelchair": "wheelchair accessible"}  # fmt: skip
END = b"END:VCALENDAR\r\n"

Films = Mapping[str, tuple[str, int | None]]
"""A screened film's title and runtime, by slug."""


def screening_events(screenings, films: Films, settings: Settings,
                     today: dt.date) -> dict[str, bytes]:  # fmt: skip
    """Each screening's VEVENT, serialized, by its key: what the calendars are made of."""
    stamp = dt.datetime.combine(today, dt.time(), dt.UTC)
    host = urlsplit(settings.base_url).hostname or "filmpage.invalid"
    return {s.key: _event(s, films, settings, host, stamp) for s in screenings}


def calendar_files(
    whatson: Whatson, events: dict[str, bytes], settings: Settings
) -> dict[str, bytes]:
    """Every calendar file of the programme, by path, from its screenings' events."""
    files = {}
    every = whatson.screenings()
    zone = settings.timezone
    if every:
        name = f"{settings.title}: programme"
        files["programme.ics"] = _calendar(_head(name, zone, *_zones(every)), every, events)
    for season in whatson.seasons:
        name = f"{settings.title}: {season.title}"
        head = _head(name, zone, *_zones(season.screenings))
        files[season.calendar_path] = _calendar(head, season.screenings, events)
        for s in season.screenings:  # one event: no name, the same head for a zone and year
            head = _head("", zone, *_zones([s]))
            files[s.calendar_path] = _calendar(head, [s], events)
    return files


def _zones(screenings) -> tuple[tuple[str, ...], int, int]:
    """The time zones of these screenings, and the first and last of their years."""
    years = [s.day.year for s in screenings]
    zones = tuple(sorted({s.zone for s in screenings if s.zone != "UTC"}))
    return zones, min(years, default=1970), max(years, default=1970)


@lru_cache(maxsize=64)
def _head(name: str, zone: str, zones: tuple[str, ...], first: int, last: int) -> bytes:
    """A calendar's properties and time zones, serialized, without its end."""
    cal = Calendar()
    cal.add("prodid", f"-//filmpage//filmpage {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:  # a calendar to subscribe to: its name, and how often to look again
        cal.add("x-wr-calname", name)
        cal.add("name", name)
        cal.add("x-wr-timezone", zone)
        cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", "P1D")
    for tzid in zones:
        cal.add_component(Timezone.from_tzid(tzid, first_date=dt.date(first, 1, 1),
                                             last_date=dt.date(last, 12, 31)))  # fmt: skip
    body = cal.to_ical()
    assert body.endswith(END)
    return body[: -len(END)]


def _calendar(head: bytes, screenings, events: dict[str, bytes]) -> bytes:
    """A VCALENDAR of these screenings, their events made and serialized once."""
    return head + b"".join(events[s.key] for s in screenings) + END


def _event(s: Screening, films: Films, settings: Settings, host: str, stamp) -> bytes:
    title, runtime = films[s.film]
    event = Event()
    event.add("uid", f"{s.key}@{host}")
    event.add("dtstamp", stamp)
    event.add("dtstart", s.starts)
    end = s.ends(runtime)
    if end is not None:
        event.add("dtend", end)
    event.add("summary", SUMMARY.get(s.status, "{}").format(title))
    event.add("status", STATUS[s.status])
    venue = settings.venue(s.venue)
    if venue is not None:
        event.add("location", ", ".join(p for p in (venue.name, venue.address, venue.city) if p))
    page = settings.absolute(s.page_path)
    event.add("url", s.tickets or page)
    description = _description(s)
    if description:
        event.add("description", description)
    return event.to_ical()


def _description(s: Screening) -> str:
    """What a calendar shows of a screening besides its title, times, place and link."""
    lines = [s.note] if s.note else []
    if s.doors:
        lines.append(f"Doors {s.doors}")
    if s.price is not None:
        price = "Free" if s.free else ENGLISH.price(s.price, s.currency)
        if s.concession is not None:
            price += f", concession {ENGLISH.price(s.concession, s.currency)}"
        lines.append(price)
    if s.subtitles:
        lines.append(f"Subtitles: {', '.join(s.subtitles)}")
    if s.accessibility:
        lines.append(", ".join(ACCESS.get(a, a) for a in s.accessibility).capitalize())
    return "\n".join(lines)
