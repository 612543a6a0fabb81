"""Wall-clock times at a place: written ``YYYY-MM-DD HH:MM`` in the venue's time zone,
checked against that zone's daylight-saving changes.

A time in the hour the clocks skip does not exist, and one in the hour they repeat
happens twice: neither says when a screening starts, so both are errors with the change
named, never a guess. Times are kept as text (the store keeps data only) and made into
aware datetimes where they are shown or compared.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from zoneinfo import ZoneInfo

_STAMP = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2}):([0-9]{2})")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")


def build_day() -> dt.date:
    """The day a build counts as today when it is not told (``--today``): the current date
    in UTC, not on the machine's clock, so that machines in other time zones building
    at the same moment make the same bytes."""
    return dt.datetime.now(dt.UTC).date()


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def parse_stamp(text: str) -> dt.datetime | None:
    """``2026-10-03 19:30`` as a naive datetime, or None when it is not one."""
    match = _STAMP.fullmatch(text.strip())
    if match is None:
        return None
    try:
        day = dt.date.fromisoformat(match.group(1))
        return dt.datetime.combine(day, dt.time(int(match.group(2)), int(match.group(3))))
    except ValueError:
        return None


def parse_clock(text: str) -> dt.time | None:
    """``19:00`` as a time, or None."""
    match = _CLOCK.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return dt.time(int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None


def _offset(delta: dt.timedelta | None) -> str:
    minutes = int((delta or dt.timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def clock_problem(when: dt.datetime, name: str) -> str | None:
    """Why the wall time ``when`` names no single instant in the zone ``name`` (the clocks
    skip it or repeat it), or None when it names one."""
    tz = zone(name)
    first, second = when.replace(tzinfo=tz, fold=0), when.replace(tzinfo=tz, fold=1)
    before, after = first.utcoffset(), second.utcoffset()
    if before == after:
        return None
    shown = when.strftime("%Y-%m-%d %H:%M")
    back = first.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) == when
    if not back:
        return (
            f"{shown} does not exist in {name}: the clocks go forward that night "
            f"({_offset(before)} to {_offset(after)}); choose a time outside the skipped hour"
        )
    return (
        f"{shown} happens twice in {name}: the clocks go back that night "
        f"({_offset(before)} to {_offset(after)}); choose a time outside the repeated hour"
    )


def aware(local: str, name: str) -> dt.datetime:
    """A checked local time (``2026-10-03T19:30``) in the zone ``name``."""
    return dt.datetime.fromisoformat(local).replace(tzinfo=zone(name))


def later(start: dt.datetime, minutes: int) -> dt.datetime:
    """``minutes`` of real time after ``start``, in its zone (across a clock change too)."""
    tz = start.tzinfo
    return (start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(tz)
