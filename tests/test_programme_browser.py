"""The programme in Chromium: a page built days ago corrects itself by the visitor's
clock, and the programme's pages hold their layout and pass axe-core."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from filmpage.commands.serve import start_preview

from .browser import AXE, LAYOUT_PROBLEMS, WIDTHS, launched_chromium, provision
from .conftest import EXAMPLE_RECORD, EXAMPLE_SETTINGS, SHARED_EXAMPLES

TODAY = dt.date.today()


def _season() -> str:
    """Three screenings from tomorrow on, whatever day the suite runs."""
    lines = ["title: This Week", "screenings:"]
    for days, venue in ((1, "main-hall"), (3, "studio"), (5, "main-hall")):
        day = TODAY + dt.timedelta(days=days)
        lines += [
            "  - film: last-train-home",
            f"    start: {day.isoformat()} 19:30",
            f"    venue: {venue}",
            "    price: {standard: 8.00, concession: 6.00}",
            "    currency: GBP",
            "    tickets: https://tickets.example.org/x",
            "    subtitles: [English]",
            "    accessibility: [captioned, wheelchair]",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    provision()
    root = tmp_path_factory.mktemp("programme") / "site"
    (root / "content/films").mkdir(parents=True)
    shutil.copy(EXAMPLE_RECORD, root / "content/films/last-train-home.md")
    shutil.copy(EXAMPLE_SETTINGS, root / "filmpage.yml")
    for folder in ("collections", "pages"):
        shutil.copytree(SHARED_EXAMPLES / folder, root / "content" / folder)
    (root / "content/programme").mkdir()
    (root / "content/programme/this-week.yaml").write_text(_season())
    running = start_preview(root, port=0, reload=False)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(server):
    with launched_chromium() as chromium:
        yield chromium


def _open(browser, server, path: str, when: dt.datetime | None = None, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if when is not None:
        page.clock.set_fixed_time(when)
    page.goto(server.url + path)
    page.wait_for_load_state("networkidle")
    return context, page, errors


def _shown(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-coming] li[data-start]:not([hidden])", "els => els.map(e => e.id)"
    )


@pytest.mark.parametrize("path", ["programme/", "programme/this-week/", "films/last-train-home/"])
def test_a_page_built_days_ago_hides_the_screenings_that_have_begun(browser, server, path):
    context, page, errors = _open(browser, server, path)
    assert len(_shown(page)) == 3  # as of the build day
    context.close()
    later = dt.datetime.combine(TODAY + dt.timedelta(days=2), dt.time(12), dt.UTC)
    context, page, errors = _open(browser, server, path, later)
    assert len(_shown(page)) == 2  # tomorrow's screening has begun by the visitor's clock
    if path == "programme/":
        days = page.eval_on_selector_all(".programme-day:not([hidden])", "els => els.length")
        assert days == 2
    context.close()
    much_later = dt.datetime.combine(TODAY + dt.timedelta(days=30), dt.time(12), dt.UTC)
    context, page, errors = _open(browser, server, path, much_later)
    assert _shown(page) == []
    assert page.is_visible("[data-coming] .no-coming")
    context.close()
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path", ["programme/", "programme/this-week/", "collections/journeys-home/", "about/"]
)
def test_the_programme_pages_hold_their_layout_and_pass_axe(browser, server, path, width):
    context, page, errors = _open(browser, server, path, width=width)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")] == []
    context.close()
    assert errors == []
