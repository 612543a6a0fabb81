"""What's on: the programme, seasons, collections and pages, built from the shared
examples and from tiny sites, read as a visitor and a search engine get them."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from filmpage.cli import main as cli
from filmpage.commands.build import build

from .conftest import (
    EXAMPLE_RECORD,
    EXAMPLE_SETTINGS,
    SHARED_EXAMPLES,
    build_errors,
    digest,
    film,
    json_ld,
    read,
    text_of,
    write_site,
)

EXAMPLES = SHARED_EXAMPLES
BEFORE = dt.date(2026, 9, 1)  # before every screening of the examples
BETWEEN = dt.date(2026, 10, 10)  # after the first


def example_site(root):
    """The shared examples as a site: the film, the settings, the programme, the
    collection and the page."""
    (root / "content" / "films").mkdir(parents=True)
    shutil.copy(EXAMPLE_RECORD, root / "content" / "films" / "last-train-home.md")
    shutil.copy(EXAMPLE_SETTINGS, root / "filmpage.yml")
    for folder in ("programme", "collections", "pages"):
        shutil.copytree(EXAMPLES / folder, root / "content" / folder)
    return root


def events(html: str) -> list[dict]:
    found = []
    for block in json_ld(html):
        found += block if isinstance(block, list) else [block]
    return [e for e in found if e.get("@type") == "ScreeningEvent"]


def test_every_fact_of_the_shared_programme_shows(site):
    example_site(site)
    build(site, today=BEFORE)
    page = read(site, "programme/index.html")
    text = text_of(page)
    for fact in (
        "Saturday, October 3, 2026", "19:30", "doors 19:00", "Main Hall", "12 Mill Lane",
        "Hebden Bridge", "£8.00", "£6.00 concession", "English subtitles", "Captioned",
        "Wheelchair accessible", "Introduced by the programme team",
        "Saturday, October 24, 2026", "22:45", "The Studio", "£5.00", "Sold out", "Late show",
        "Saturday, February 6, 2027", "£8.50", "£6.50 concession", "Audio described",
        "Relaxed screening", "Sunday, March 28, 2027", "14:00", "To be confirmed",
        "Autumn 2026", "Winter 2027",
    ):  # fmt: skip
        assert fact in text, fact
    assert 'href="https://example.org/visit/"' in page
    for link in ("last-train-home-october", "last-train-home-february"):
        assert f'href="https://tickets.example.org/{link}"' in page
    # a sold-out screening has no ticket button; each coming one an "add to calendar" link
    assert page.count('class="button"') == 2
    assert page.count('class="add-calendar"') == 4
    assert "Films about <strong>work and home</strong>, one Saturday a month." in read(
        site, "programme/autumn-2026/index.html"
    )
    assert "Past screenings" not in text


def test_coming_screenings_by_day_and_the_past_apart(site):
    example_site(site)
    build(site, today=BETWEEN)
    page = read(site, "programme/index.html")
    coming, past = page.split('id="past-heading"')
    assert "Saturday, October 3, 2026" not in text_of(coming)
    assert "Saturday, October 3, 2026" in text_of(past) and "add-calendar" not in past
    days = re.findall(r'class="day-heading">([^<]+)<', coming)
    assert days == [
        "Saturday, October 24, 2026", "Saturday, February 6, 2027", "Sunday, March 28, 2027"
    ]  # fmt: skip
    # the page carries each start as UTC, for its script to hide what has begun since
    assert 'data-start="2026-10-24T21:45:00Z"' in coming
    assert "js/programme.js" in page
    film_page = read(site, "films/last-train-home/index.html")
    assert "Coming screenings" in film_page
    assert "Saturday, October 3, 2026" not in text_of(film_page)
    assert "Saturday, October 24, 2026, 22:45" in text_of(film_page)


def _late_screening(site, start: str, doors: str) -> None:
    """A site of one film in London, and a season of one screening of it."""
    write_site(site, {"a.md": film("Film A", 2001, runtime="90")},
               "base_url: https://example.org/\ntimezone: Europe/London\n")  # fmt: skip
    (site / "content/programme").mkdir()
    (site / "content/programme/late.yaml").write_text(
        f"title: Late\nscreenings:\n  - {{film: film-a, start: {start}, doors: '{doors}'}}\n"
    )


def test_doors_that_open_before_midnight_open_the_day_before(site):
    _late_screening(site, "2026-10-04 00:30", "23:45")
    build(site, today=BEFORE)
    (event,) = events(read(site, "programme/late/index.html"))
    assert event["startDate"] == "2026-10-04T00:30:00+01:00"
    assert event["doorTime"] == "2026-10-03T23:45:00+01:00"


def test_doors_after_the_start_of_an_evening_screening_are_an_error(site):
    _late_screening(site, "2026-10-04 19:30", "19:45")
    assert build_errors(site, today=BEFORE) == [
        "content/programme/late.yaml:3:52: screenings[0].doors: the doors open at 19:45, after "
        "the start at 19:30; expected a time before it (the day before only for a screening "
        "after midnight)"
    ]


def test_screening_events_carry_what_search_engines_read(site):
    example_site(site)
    build(site, today=BEFORE)
    found = {e["startDate"]: e for e in events(read(site, "programme/autumn-2026/index.html"))}
    first = found["2026-10-03T19:30:00+01:00"]
    assert first["name"] == "Last Train Home"
    assert first["endDate"] == "2026-10-03T20:55:00+01:00"  # start plus the 85-minute runtime
    assert first["doorTime"] == "2026-10-03T19:00:00+01:00"
    assert first["eventStatus"] == "https://schema.org/EventScheduled"
    assert first["location"] == {
        "@type": "Place", "name": "Main Hall", "url": "https://example.org/visit/",
        "address": {"@type": "PostalAddress", "streetAddress": "12 Mill Lane",
                    "addressLocality": "Hebden Bridge"},
    }  # fmt: skip
    assert first["workPresented"]["@type"] == "Movie"
    assert first["workPresented"]["url"] == "https://example.github.io/films/films/last-train-home/"
    assert first["offers"] == [
        {"@type": "Offer", "name": "Standard", "price": "8.00", "priceCurrency": "GBP",
         "availability": "https://schema.org/InStock",
         "url": "https://tickets.example.org/last-train-home-october"},
        {"@type": "Offer", "name": "Concession", "price": "6.00", "priceCurrency": "GBP",
         "availability": "https://schema.org/InStock",
         "url": "https://tickets.example.org/last-train-home-october"},
    ]  # fmt: skip
    assert first["subtitleLanguage"] == ["English"]
    late = found["2026-10-24T22:45:00+01:00"]
    assert late["offers"][0]["availability"] == "https://schema.org/SoldOut"
    winter = events(read(site, "programme/winter-2027/index.html"))
    assert winter[0]["endDate"] == "2027-02-06T21:30:00+00:00"  # as written, in GMT
    for page in ("programme/winter-2027/index.html", "programme/index.html"):  # and shown
        assert '19:30</time>–<time datetime="2027-02-06T21:30">21:30</time>' in read(site, page)
    assert len(events(read(site, "programme/index.html"))) == 4
    assert len(events(read(site, "films/last-train-home/index.html"))) == 4


def test_collections_pages_and_the_menu(site):
    example_site(site)
    build(site, today=BEFORE)
    collection = read(site, "collections/journeys-home/index.html")
    text = text_of(collection)
    for fact in ("Journeys Home", "Films about the long way back.",
                 "Every year millions travel home. These films go with them.",
                 "The largest human migration on Earth, seen through one family."):  # fmt: skip
        assert fact in text
    assert "Journeys Home" in text_of(read(site, "collections/index.html"))
    film_page = read(site, "films/last-train-home/index.html")
    assert 'href="/films/collections/journeys-home/">Journeys Home</a>' in film_page
    about = read(site, "about/index.html")
    assert "About the Documentary Store" in about
    assert '<meta name="description" content="Who we are and how to visit.">' in about
    assert "<strong>documentaries</strong>" in about
    assert 'href="https://example.org/access/"' in about
    index = read(site, "index.html")
    nav = re.search(r'<nav class="menu" aria-label="Browse">(.*?)</nav>', index, re.S)[1]
    assert re.findall(r">([^<]+)</a>", nav) == [
        "Films", "Genres", "People", "Years", "Stats", "Programme", "Collections",
        "About the Documentary Store",
    ]  # fmt: skip
    assert 'aria-current="page">About' in about
    sitemap = read(site, "sitemap.xml")
    for path in ("programme/", "programme/autumn-2026/", "programme/winter-2027/",
                 "collections/", "collections/journeys-home/", "about/"):  # fmt: skip
        assert f"<loc>https://example.github.io/films/{path}</loc>" in sitemap
    feed = read(site, "feed.xml")
    assert "<title>Autumn 2026</title>" in feed
    assert "<id>https://example.github.io/films/programme/winter-2027/</id>" in feed


def test_each_page_gives_its_own_description_to_search_engines_and_link_previews(site):
    """A page's description is the same in the three tags that carry it: the search
    result's and the previews' of a link shared to a social network or a chat."""
    example_site(site)
    build(site, today=BEFORE)
    tags = ('name="description"', 'property="og:description"', 'name="twitter:description"')
    expected = {
        "programme/index.html": "Screenings to come at Documentary Store, by day.",
        "programme/autumn-2026/index.html": "Autumn 2026: screenings at Documentary Store.",
        "collections/index.html": "Curated lists of films at Documentary Store.",
        "collections/journeys-home/index.html": "Films about the long way back.",
        "about/index.html": "Who we are and how to visit.",
        "search/index.html": "Search Documentary Store: titles, original titles, people and plots.",
    }
    for path, description in expected.items():
        html = read(site, path)
        for tag in tags:
            assert f'<meta {tag} content="{description}">' in html, (path, tag)


def test_the_menu_setting_names_pages_sections_and_links(site):
    example_site(site)
    settings = EXAMPLE_SETTINGS.read_text()
    (site / "filmpage.yml").write_text(
        settings + "menu:\n  - programme\n  - about\n"
        "  - {title: Tickets, url: 'https://tickets.example.org/'}\n"
        "  - {title: Visit, url: /about/#visit}\n"
    )
    build(site, today=BEFORE)
    index = read(site, "index.html")
    nav = re.search(r'<nav class="menu" aria-label="Browse">(.*?)</nav>', index, re.S)[1]
    assert re.findall(r'href="([^"]+)">([^<]+)</a>', nav) == [
        ("/films/programme/", "Programme"), ("/films/about/", "About the Documentary Store"),
        ("https://tickets.example.org/", "Tickets"), ("/films/about/#visit", "Visit"),
    ]  # fmt: skip


def test_same_inputs_and_day_give_the_same_bytes(tmp_path):
    one, two = example_site(tmp_path / "one"), example_site(tmp_path / "two")
    build(one, today=BETWEEN, jobs=1)
    build(two, today=BETWEEN, jobs=2)
    assert digest(one / "site") == digest(two / "site")
    build(one, today=dt.date(2026, 10, 25))
    assert read(one, "programme/index.html") != read(two, "programme/index.html")


ERRORS = """\
title: Spring
screenings:
  - film: last-train-hom
    start: 2027-04-03 19:30
    venue: main-hall
  - film: last-train-home
    start: 2027-03-28 01:30
    venue: main-hall
  - film: last-train-home
    start: 2027-10-31 01:30
    venue: main-hall
  - film: last-train-home
    start: 2027-03-14 02:30
    venue: studio
  - film: last-train-home
    start: 2027-05-01 19:30
    end: 2027-05-01 19:00
    venue: main-hall
  - film: last-train-home
    start: 2027-05-02 19:30
    venue: cinema
  - film: last-train-home
    start: 2027-05-03 19:30
  - film: last-train-home
    start: 3 May
    venue: studio
    status: soldout
    price: £5
    tickets: javascript:alert(1)
  - film: a-draft
    start: 2027-06-01 19:30
    venue: studio
"""
SETTINGS = """\
timezone: Europe/London
venues:
  main-hall: {name: Main Hall}
  studio: {name: The Studio, timezone: America/New_York}
menu: [films, abuot]
base_url: https://example.org/
"""
P = "content/programme/spring.yaml"


def test_every_error_of_the_programme_is_placed_and_reported_together(site):
    write_site(site, {"last-train-home.md": EXAMPLE_RECORD.read_text(),
                      "draft.md": film("A Draft", draft="true")}, SETTINGS)  # fmt: skip
    for folder, name, text in (
        ("programme", "spring.yaml", ERRORS),
        ("collections", "picks.md", "---\ntitle: Picks\nfilms: [last-train-home, nope]\n---\n"),
        ("pages", "films.md", "---\ntitle: Films\n---\nx\n"),
        ("pages", "empty.md", "\n"),
        ("pages", "about.md", "---\ntitle: About\nmenu: 1\n---\nx\n"),
    ):
        (site / "content" / folder).mkdir(exist_ok=True)
        (site / "content" / folder / name).write_text(text)
    assert build_errors(site) == [
        "content/collections/picks.md:3:26: films[1]: no film with slug 'nope' in this catalogue",
        "content/pages/empty.md:1: the file is empty; expected front matter with a title",
        "content/pages/films.md:1:1: slug: /films/ is a section of the site; rename the file",
        f"{P}:3:11: screenings[0].film: no film with slug 'last-train-hom' in this catalogue; "
        "did you mean 'last-train-home'?",
        f"{P}:7:12: screenings[1].start: 2027-03-28 01:30 does not exist in Europe/London: the "
        "clocks go forward that night (UTC+00:00 to UTC+01:00); choose a time outside the "
        "skipped hour",
        f"{P}:10:12: screenings[2].start: 2027-10-31 01:30 happens twice in Europe/London: the "
        "clocks go back that night (UTC+01:00 to UTC+00:00); choose a time outside the "
        "repeated hour",
        f"{P}:13:12: screenings[3].start: 2027-03-14 02:30 does not exist in America/New_York: "
        "the clocks go forward that night (UTC-05:00 to UTC-04:00); choose a time outside the "
        "skipped hour",
        f"{P}:17:10: screenings[4].end: ends at 2027-05-01 19:00, not after its start "
        "2027-05-01 19:30; write the end's date when it is the next day",
        f"{P}:21:12: screenings[5].venue: no venue 'cinema'; expected one of main-hall, studio",
        f"{P}:22:5: screenings[6].venue: required: the site has 2 venues (main-hall, studio)",
        f"{P}:25:12: screenings[7].start: expected a local time YYYY-MM-DD HH:MM, got '3 May'",
        f"{P}:27:13: screenings[7].status: expected one of scheduled, sold-out, cancelled, "
        "postponed, tbc, got 'soldout'; did you mean 'sold-out'?",
        f"{P}:28:12: screenings[7].price: expected a price like 8.50, got '£5'",
        f"{P}:29:14: screenings[7].tickets: expected an http or https URL, got "
        "'javascript:alert(1)'",
        "filmpage.yml:5:15: menu[1]: no page or section 'abuot'; expected a page of "
        "content/pages/, one of the sections (films, genres, people, years, stats, search, "
        "programme, collections) or {title, url}; did you mean 'about'?",
    ]
    assert not (site / "site").exists()


def test_a_slug_whose_record_did_not_load_says_so_rather_than_suggest_a_typo(site):
    write_site(site, {
        "film-a.md": "---\ntitle: Film A\nyear: 2000\nfoo: [\n---\nA plot.\n",  # not YAML
        "film-b.md": "---\ntitle: Film B\nyear: 2001\nrelated: [{slug: film-a}]\n---\nA plot.\n",
    })  # fmt: skip
    (site / "content/collections").mkdir()
    (site / "content/collections/picks.md").write_text("---\ntitle: Picks\nfilms: [film-a]\n---\n")
    assert build_errors(site) == [
        "content/collections/picks.md:3:9: films[0]: no film with slug 'film-a' in this "
        "catalogue: content/films/film-a.md did not load (see its errors)",
        "content/films/film-a.md:5:1: invalid YAML: did not find expected node content (while "
        "parsing a flow node started at line 5)",
        "content/films/film-b.md:4:11: related[0]: no film with slug 'film-a' in this "
        "catalogue: content/films/film-a.md did not load (see its errors)",
    ]


def test_overlaps_in_one_venue_are_a_warning_and_a_draft_is_left_out(site):
    films = {
        "last-train-home.md": EXAMPLE_RECORD.read_text(),
        "draft.md": film("A Draft", draft="true"),
    }
    write_site(site, films, SETTINGS.replace("abuot", "films"))
    (site / "content/programme").mkdir()
    (site / "content/programme/june.yaml").write_text(
        "title: June\nscreenings:\n"
        "  - {film: last-train-home, start: 2027-06-10 19:30, venue: studio}\n"
        "  - {film: last-train-home, start: 2027-06-10 20:30, venue: studio}\n"  # 85 minutes
        "  - {film: last-train-home, start: 2027-06-10 19:30, venue: main-hall}\n"
        "  - {film: last-train-home, start: 2027-06-10 21:00, venue: studio, status: cancelled}\n"
        "  - {film: a-draft, start: 2027-06-11 19:30, venue: studio}\n"
    )
    result = build(site, today=BEFORE)
    assert [str(w) for w in result.warnings] == [
        "content/programme/june.yaml:4:12: warning: screenings[1].start: overlaps "
        "'last-train-home' at 2027-06-10 19:30 in studio (content/programme/june.yaml line 3)"
    ]
    assert "A Draft" not in read(site, "programme/index.html")
    with pytest.raises(Exception, match="overlaps"):
        build(site, today=BEFORE, strict=True, clean=True)


def test_an_edit_of_one_screening_renders_only_the_pages_that_show_it(site):
    films = {f"f{i}.md": film(f"Film {i}", 2000 + i, genres="[Drama]", runtime="90")
             for i in range(6)}  # fmt: skip
    write_site(site, films, "timezone: Europe/London\nbase_url: https://example.org/\n")
    (site / "content/programme").mkdir()
    season = site / "content/programme/june.yaml"
    season.write_text("title: June\nscreenings:\n"
                      "  - {film: film-1, start: 2027-06-10 19:30, note: One}\n"
                      "  - {film: film-2, start: 2027-06-11 19:30}\n")  # fmt: skip
    build(site, today=BEFORE)
    other = (site / "site/films/film-2/index.html").stat().st_mtime_ns
    season.write_text(season.read_text().replace("note: One", "note: Two"))
    result = build(site, today=BEFORE)
    # the programme, the season, the film's page and the feed (which lists the season)
    assert result.rendered == 4
    assert "Two" in read(site, "films/film-1/index.html")
    assert "Two" in read(site, "programme/june/index.html")
    assert (site / "site/films/film-2/index.html").stat().st_mtime_ns == other
    # a film's runtime ends its screenings: an edit of it reaches the pages and calendars
    (site / "content/films/f1.md").write_text(film("Film 1", 2001, genres="[Drama]", runtime="120"))
    build(site, today=BEFORE)
    assert "2027-06-10T21:30:00+01:00" in read(site, "programme/june/index.html")
    assert "DTEND;TZID=Europe/London:20270610T213000" in read(site, "programme.ics")


def test_content_in_a_screening_is_escaped(site):
    write_site(site, {"last-train-home.md": EXAMPLE_RECORD.read_text()})
    (site / "content/programme").mkdir()
    (site / "content/programme/x.yaml").write_text(
        "title: <script>alert(1)</script>\nscreenings:\n"
        "  - {film: last-train-home, start: 2027-06-10 19:30,\n"
        "     note: '</script><script>x()</script>'}\n"
    )
    build(site, today=BEFORE)
    for path in (
        "programme/index.html",
        "programme/x/index.html",
        "films/last-train-home/index.html",
    ):
        page = read(site, path)
        assert "<script>x()" not in page and "<script>alert" not in page
        events(page)  # the JSON-LD still parses, and holds no raw "<"


def test_build_takes_today_on_the_command_line(site):
    example_site(site)
    result = CliRunner().invoke(cli, ["build", "--root", str(site), "--today", "2026-10-10", "-q"])
    assert result.exit_code == 0, result.output
    assert "Saturday, October 3, 2026" in text_of(
        read(site, "programme/index.html").split('id="past-heading"')[1]
    )
    bad = CliRunner().invoke(cli, ["build", "--root", str(site), "--today", "10/10/2026"])
    assert bad.exit_code == 2 and "--today" in bad.output


def test_new_screening_adds_to_a_season_and_refuses_mistakes(site):
    example_site(site)
    season = site / "content/programme/autumn-2026.yaml"
    before = season.read_text()
    run = lambda *args: CliRunner().invoke(cli, ["new", "--root", str(site), *args])  # noqa: E731
    ok = run("--screening", "last-train-home", "--season", "autumn-2026", "--start",
             "2026-11-14 19:30", "--venue", "studio", "--price", "7", "--concession", "5",
             "--currency", "GBP", "--subtitles", "English", "--note", "Added: here")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert season.read_text().startswith(before)  # what was written stays as written
    for args, message in (
        (["--start", "2026-10-25 01:30", "--venue", "studio"], "happens twice in Europe/London"),
        (["--start", "2026-11-20 19:30"], "required: the site has 2 venues"),
    ):
        bad = run("--screening", "last-train-home", "--season", "autumn-2026", *args)
        assert bad.exit_code == 1 and message in bad.output
    bad = run("--screening", "last-train-hom", "--season", "autumn-2026", "--start",
              "2026-11-20 19:30", "--venue", "studio")  # fmt: skip
    assert bad.exit_code == 1 and "did you mean 'last-train-home'?" in bad.output
    again = run("--screening", "last-train-home", "--season", "winter-2026", "--start",
                "2026-10-03 19:30", "--venue", "main-hall")  # fmt: skip
    assert again.exit_code == 1 and "the same screening as" in again.output
    assert not (site / "content/programme/winter-2026.yaml").exists()
    (site / "content/films/draft.md").write_text(film("A Draft", slug="a-draft", draft="true"))
    draft = run("--screening", "a-draft", "--season", "autumn-2026", "--start",
                "2026-11-21 19:30", "--venue", "studio")  # fmt: skip
    assert draft.exit_code == 0, draft.output  # as a build takes it: shown once published
    made = subprocess.run(
        [sys.executable, "-m", "filmpage", "new", "--screening", "last-train-home", "--season",
         "spring-2027", "--start", "2027-04-03 19:30", "--venue", "main-hall", "--root", str(site)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    build(site, today=BEFORE)
    text = text_of(read(site, "programme/index.html"))
    assert "Saturday, November 14, 2026" in text and "Added: here" in text
    assert "Saturday, April 3, 2027" in text and "Spring 2027" in text
    assert json.loads("[]") == []


def test_a_new_day_changes_nothing_for_a_site_without_a_programme(site):
    write_site(site, {"a.md": film()})
    build(site, today=BEFORE)
    result = build(site, today=BEFORE + dt.timedelta(days=1))
    assert result.rendered == 0
    (site / "content/programme").mkdir()
    (site / "content/programme/x.yaml").write_text(
        "title: X\nscreenings:\n  - {film: a-film, start: 2026-09-05 19:30}\n"
    )
    build(site, today=BEFORE)
    assert "Saturday, September 5, 2026" in read(site, "programme/index.html").split("past")[0]
    build(site, today=dt.date(2026, 9, 6))
    assert "Saturday, September 5, 2026" in read(site, "programme/index.html").split('id="past')[1]


@pytest.mark.parametrize("languages", ["", "languages: [en, fr]\n"], ids=["one", "two"])
def test_edits_of_what_is_on_give_what_a_clean_build_gives(tmp_path, languages):
    """Each edit of the programme, collections and pages takes the last page plan and
    plans only what's on again (in every language of the site); every result is
    byte-identical to a clean build."""
    site, clean = tmp_path / "site", tmp_path / "clean"
    films = {f"f{i}.md": film(f"Film {i}", 2000 + i, genres="[Drama]", runtime="90")
             for i in range(5)}  # fmt: skip
    films["d.md"] = film("Draft", draft="true")
    write_site(site, films, EXAMPLE_SETTINGS.read_text() + languages)
    for folder in ("programme", "collections", "pages"):
        (site / "content" / folder).mkdir()
    season = site / "content/programme/june.yaml"
    season.write_text("title: June\nscreenings:\n"
                      "  - {film: film-1, start: 2026-10-10 19:30, venue: studio}\n")  # fmt: skip
    build(site, today=BEFORE)
    edits = [
        lambda: season.write_text(
            season.read_text() + "  - {film: film-2, start: "
            "2026-10-11 19:30, venue: studio, note: New}\n"
        ),
        lambda: (site / "content/programme/july.yaml").write_text(
            "title: July\nscreenings:\n  - {film: film-3, start: 2026-11-01 15:00, venue: studio}\n"
        ),
        lambda: (site / "content/collections/best.md").write_text(
            "---\ntitle: Best\nfilms: [film-4, {film: film-1, note: Yes}]\n---\nIntro.\n"
        ),
        lambda: (site / "content/pages/visit.md").write_text(
            "---\ntitle: Visit\nmenu: 2\n---\nHi.\n"
        ),
        lambda: season.write_text(season.read_text().replace("note: New", "note: Newer")),
        lambda: (site / "content/programme/july.yaml").unlink(),
        lambda: (site / "content/collections/best.md").write_text(
            "---\ntitle: Best\nfilms: [film-4]\n---\nIntro.\n"
        ),
    ]
    navigation = {2, 3}  # the first collection and a page in the menu: every page's menu
    if languages:  # and a season's calendar, which pages of every language link at the root
        navigation |= {1, 5}
    for number, edit in enumerate(edits):
        edit()
        result = build(site, today=BEFORE)
        assert (result.rendered == result.pages) == (number in navigation), number
        shutil.rmtree(clean, ignore_errors=True)
        shutil.copytree(site / "content", clean / "content")
        shutil.copy(site / "filmpage.yml", clean / "filmpage.yml")
        build(clean, today=BEFORE)
        assert digest(site / "site") == digest(clean / "site"), number
    season.write_text(
        season.read_text()
        + "  - {film: no-such-film, start: 2026-10-12 19:30, venue: studio}\n"
        + "  - {film: draft, start: 2026-10-13 19:30, venue: studio}\n"
    )
    assert build_errors(site, today=BEFORE) == [
        "content/programme/june.yaml:5:12: screenings[2].film: no film with slug "
        "'no-such-film' in this catalogue"
    ]


def test_a_site_template_for_the_menu_reaches_every_page_and_its_edits_too(site):
    write_site(site, {"a.md": film()})
    build(site)
    (site / "templates").mkdir()
    menu = site / "templates/_menu.html"
    menu.write_text("<ul>{% for item in menu %}<li>{{ item.title }}!</li>{% endfor %}</ul>")
    build(site)
    assert "<li>Films!</li>" in read(site, "films/a-film/index.html")
    menu.write_text("<ul>{% for item in menu %}<li>{{ item.title }}?</li>{% endfor %}</ul>")
    build(site)
    assert "<li>Genres?</li>" in read(site, "genres/index.html")


def test_links_to_root_files_on_other_languages_pages_follow_new_files(tmp_path):
    """A French page links a file every language shares (a calendar, a static file) at
    the site's root, and a path it does not know under /fr/: when such a file appears,
    the pages that link it are made again, as a clean build makes them."""
    site, clean = tmp_path / "site", tmp_path / "clean"
    settings = (
        "languages: [en, fr]\nbase_url: https://example.org/club/\ntimezone: Europe/London\n"
        "menu:\n  - films\n  - {title: Calendar, url: /programme.ics}\n"
        "  - {title: Leaflet, url: /leaflet.pdf}\n"
    )
    write_site(site, {"a.md": film("Film A", 2001, runtime="90")}, settings)
    build(site, today=BEFORE)
    steps = [
        lambda root: (
            (root / "content/programme").mkdir(exist_ok=True)
            or (root / "content/programme/june.yaml").write_text(
                "title: June\nscreenings:\n  - {film: film-a, start: 2026-10-10 19:30}\n"
            )
        ),
        lambda root: (
            (root / "static").mkdir(exist_ok=True)
            or (root / "static/leaflet.pdf").write_bytes(b"%PDF-1.4\n")
        ),
    ]
    for number, step in enumerate(steps):
        step(site)
        build(site, today=BEFORE)
        shutil.rmtree(clean, ignore_errors=True)
        shutil.copytree(site, clean, ignore=shutil.ignore_patterns("site", ".filmpage-cache"))
        build(clean, today=BEFORE)
        assert digest(site / "site") == digest(clean / "site"), number
    assert 'href="/club/leaflet.pdf"' in read(site, "fr/index.html")
    assert 'href="/club/programme.ics"' in read(site, "fr/index.html")


def test_a_page_cannot_take_the_folder_of_a_language(site):
    write_site(
        site, {"a.md": film("Film A")}, "languages: [en, fr]\nbase_url: https://example.org/\n"
    )
    (site / "content/pages").mkdir()
    (site / "content/pages/fr.md").write_text("---\ntitle: En français\nmenu: 3\n---\nBonjour.\n")
    assert build_errors(site) == [
        "content/pages/fr.md:1:1: slug: /fr/ is a section of the site; rename the file"
    ]


def test_an_edit_with_what_is_on_changed_in_the_same_build_renders_every_page_it_shows(
    site, tmp_path
):
    """A film's score edited and a screening's note in one build: the plan is kept with
    what's on planned again, and every page that shows the film (its cards in the lists)
    is made again with the new score, as a clean build makes it."""
    example_site(site)
    build(site, today=BEFORE)
    record = site / "content/films/last-train-home.md"
    score = record.read_text().replace("fresh: 51\n  rotten: 0", "fresh: 26\n  rotten: 25")
    record.write_text(score)
    season = site / "content/programme/autumn-2026.yaml"
    season.write_text(season.read_text().replace("Late show", "Late, late show"))
    build(site, today=BEFORE)
    build(site, out=tmp_path / "clean", clean=True, today=BEFORE)
    assert digest(site / "site") == digest(tmp_path / "clean")


def test_a_currency_that_is_not_one_is_an_error_not_a_wrong_price(site):
    offers = ("[{type: buy, price: 2, currency: '12'}, {type: rent, price: 9.99, currency: EURO},"
              " {type: buy, price: 3, currency: gbp}]")  # fmt: skip
    record = film("Metro", offers=offers)
    write_site(site, {"last-train-home.md": EXAMPLE_RECORD.read_text(), "metro.md": record},
               EXAMPLE_SETTINGS.read_text())  # fmt: skip
    (site / "content/programme").mkdir()
    (site / "content/programme/spring.yaml").write_text(
        "title: Spring\nscreenings:\n  - film: last-train-home\n    start: 2027-04-03 19:30\n"
        "    venue: main-hall\n    price: 8.50\n    currency: XYZ\n"
    )
    assert build_errors(site, today=BEFORE) == [
        "content/films/metro.md:4:42: offers[0].currency: expected a currency code like USD, "
        "EUR or GBP (ISO 4217), got '12'",
        "content/films/metro.md:4:85: offers[1].currency: expected a currency code like USD, "
        "EUR or GBP (ISO 4217), got 'EURO'; did you mean 'EUR'?",
        f"{P}:7:15: screenings[0].currency: expected a currency code like USD, EUR or GBP "
        "(ISO 4217), got 'XYZ'",
    ]


def test_the_feed_is_dated_by_its_newest_entry_and_lists_the_newest_season_first(site):
    example_site(site)
    build(site, today=BEFORE)
    feed = (site / "site/feed.xml").read_text()
    head = feed.split("<entry>")[0]
    entries = re.findall(r"<entry>\s*<title>([^<]*)</title>.*?<updated>([^<]*)</updated>", feed,
                         re.S)  # fmt: skip
    assert f"<updated>{max(day for _, day in entries)}</updated>" in head
    seasons = [title for title, _ in entries if "(" not in title]
    assert seasons == sorted(seasons, key=lambda t: dict(entries)[t], reverse=True)
    assert len(seasons) >= 2


def test_a_page_file_name_that_is_not_a_slug_names_the_url_it_would_make(site):
    example_site(site)
    (site / "content/pages/About_Us.md").write_text("---\ntitle: About us\n---\nHello.\n")
    assert build_errors(site, today=BEFORE) == [
        "content/pages/About_Us.md: the file name makes the URL, /About_Us/: use lowercase "
        "ASCII letters, digits and single hyphens"
    ]
