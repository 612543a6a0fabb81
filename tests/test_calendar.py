"""The programme's calendars: read back with icalendar and with a second reader
(vobject), as calendar applications would, and their identifiers held steady."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import vobject

from filmpage.commands.build import build

from .test_whatson import BEFORE, example_site

LONDON = ZoneInfo("Europe/London")


def calendar(site, path: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site / "site" / path).read_bytes())


def test_the_programme_calendar_reads_back_with_icalendar(site):
    example_site(site)
    build(site, today=BEFORE)
    cal = calendar(site, "programme.ics")
    assert str(cal["version"]) == "2.0" and "filmpage" in str(cal["prodid"])
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    found = {e.decoded("dtstart"): e for e in cal.walk("VEVENT")}
    assert len(found) == 4
    first = found[dt.datetime(2026, 10, 3, 19, 30, tzinfo=LONDON)]
    assert first["dtstart"].params["TZID"] == "Europe/London"
    assert first.decoded("dtend") == dt.datetime(2026, 10, 3, 20, 55, tzinfo=LONDON)
    assert str(first["summary"]) == "Last Train Home"
    assert str(first["location"]) == "Main Hall, 12 Mill Lane, Hebden Bridge"
    assert str(first["url"]) == "https://tickets.example.org/last-train-home-october"
    assert str(first["status"]) == "CONFIRMED"
    assert str(first["uid"]) == "last-train-home-2026-10-03-1930-main-hall@example.github.io"
    assert "Introduced by the programme team" in str(first["description"])
    assert first.decoded("dtstamp") == dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    tbc = found[dt.datetime(2027, 3, 28, 14, 0, tzinfo=LONDON)]
    assert str(tbc["status"]) == "TENTATIVE"
    assert [str(e["uid"]) for e in calendar(site, "programme/winter-2027.ics").walk("VEVENT")] == [
        "last-train-home-2027-02-06-1930-main-hall@example.github.io",
        "last-train-home-2027-03-28-1400-studio@example.github.io",
    ]
    one = calendar(site, "programme/autumn-2026/last-train-home-2026-10-24-2245-studio.ics")
    (late,) = one.walk("VEVENT")
    assert str(late["summary"]) == "Last Train Home (sold out)"
    page = (site / "site/programme/index.html").read_text()
    assert 'href="/films/programme/autumn-2026/last-train-home-2026-10-24-2245-studio.ics"' in page


def test_a_second_reader_takes_the_calendars(site):
    example_site(site)
    build(site, today=BEFORE)
    one = "programme/winter-2027/last-train-home-2027-02-06-1930-main-hall.ics"
    for path in ("programme.ics", "programme/autumn-2026.ics", one):
        parsed = vobject.readOne((site / "site" / path).read_text(encoding="utf-8"))
        for event in parsed.vevent_list:
            start = event.dtstart.value
            assert start.utcoffset() is not None  # a time with its zone, not a floating one
            assert event.uid.value.endswith("@example.github.io")
    parsed = vobject.readOne((site / "site/programme.ics").read_text(encoding="utf-8"))
    starts = sorted(e.dtstart.value.astimezone(dt.UTC) for e in parsed.vevent_list)
    assert starts[0] == dt.datetime(2026, 10, 3, 18, 30, tzinfo=dt.UTC)  # 19:30 BST
    assert starts[2] == dt.datetime(2027, 2, 6, 19, 30, tzinfo=dt.UTC)  # 19:30 GMT


def test_uids_survive_edits_of_other_screenings_and_cancelled_is_marked(site):
    example_site(site)
    build(site, today=BEFORE)
    before = {str(e["uid"]): e for e in calendar(site, "programme.ics").walk("VEVENT")}
    season = site / "content/programme/autumn-2026.yaml"
    text = season.read_text()
    season.write_text(  # a new first screening, and the late show cancelled
        text.replace("screenings:\n", "screenings:\n  - {film: last-train-home, start: "
                     "2026-09-12 19:30, venue: studio}\n")
        .replace("status: sold-out", "status: cancelled")
    )  # fmt: skip
    build(site, today=BEFORE)
    after = {str(e["uid"]): e for e in calendar(site, "programme.ics").walk("VEVENT")}
    assert set(before) < set(after) and len(after) == 5
    late = after["last-train-home-2026-10-24-2245-studio@example.github.io"]
    assert str(late["status"]) == "CANCELLED"
    assert str(late["summary"]) == "Cancelled: Last Train Home"
    unchanged = "last-train-home-2027-02-06-1930-main-hall@example.github.io"
    assert after[unchanged].to_ical() == before[unchanged].to_ical()


def test_calendars_are_kept_while_nothing_they_show_changed(site, monkeypatch):
    from filmpage import ical

    example_site(site)
    build(site, today=BEFORE)
    path = site / "site/programme.ics"
    made = path.stat().st_mtime_ns
    events = []
    monkeypatch.setattr(ical, "screening_events", lambda *a: events.append(a) or {})
    record = site / "content/films/last-train-home.md"  # its plot: not in a calendar
    record.write_text(record.read_text() + "\nMore.\n")
    build(site, today=BEFORE, jobs=1)
    assert path.stat().st_mtime_ns == made and events == []  # kept, not made again
    monkeypatch.undo()
    build(site, today=BEFORE + dt.timedelta(days=1))  # a new day: a new DTSTAMP
    assert b"DTSTAMP:20260902T000000Z" in path.read_bytes()


def test_calendars_deleted_from_the_output_by_hand_are_made_again(site):
    example_site(site)
    build(site, today=BEFORE)
    gone = [site / "site/programme.ics", site / "site/programme/autumn-2026.ics"]
    for path in gone:
        path.unlink()
    record = site / "content/films/last-train-home.md"  # its plot: the calendars kept
    record.write_text(record.read_text() + "\nMore.\n")
    build(site, today=BEFORE)
    assert all(path.is_file() for path in gone)
    assert [e["uid"] for e in calendar(site, "programme.ics").walk("VEVENT")]
