"""The site as visitors meet it: Playwright driving Debian's Chromium over the served
example site, at a phone's and a laptop's width, with axe-core for accessibility.

Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import gzip
import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from .browser import (
    ARTIFACTS,
    AXE,
    CLS_OBSERVER,
    FOCUS_STYLE,
    HEADINGS,
    LAYOUT_PROBLEMS,
    SPACING,
    WIDTHS,
    launched_chromium,
    provision,
    serve_example,
)

PAGES = {
    "home": "",
    "film": "films/last-train-home/",
    "person": "people/lixin-fan/",
    "genre": "genres/documentary/",
    "year": "years/2009/",
    "genres": "genres/",
    "people": "people/",
    "years": "years/",
    "decade": "decades/2000s/",
    "stats": "stats/",
    "search": "search/?q=train",
    "poster": "films/poster-test/",
    "404": "no-such-page/",
}
CONTRACT_ORDER = ["film-head", "film-offers", "film-poster", "plot", "credits", "critics",
                  "reviews", "related"]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    provision()
    running = serve_example(tmp_path_factory.mktemp("browser") / "example")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(server):
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def visit(browser, server):
    """Open a page of the site at a width; fails the test on any script error or failed
    request."""
    contexts, errors = [], []

    def open_page(
        path: str, width: int = 1280, scheme: str = "light", script: bool = True, init: str = ""
    ) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": 844 if width < 600 else 900},
            color_scheme=scheme,
            java_script_enabled=script,
        )
        contexts.append(context)
        page = context.new_page()
        if init:
            page.add_init_script(init)
        page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
        page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}"))
        page.on(
            "response",
            lambda r: (
                errors.append(f"{r.status}: {r.url}")
                if r.status >= 400 and not r.url.endswith("/no-such-page/")
                else None
            ),
        )
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert errors == []


def shot(page: Page, name: str) -> None:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_layout_holds_at_phone_and_laptop_widths(visit, name, width):
    page = visit(PAGES[name], width)
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    if name in ("home", "film"):
        shot(page, f"{name}-{width}")


@pytest.mark.parametrize("name", ["home", "film", "person", "stats", "search"])
def test_layout_holds_on_the_narrowest_phones(visit, name):
    page = visit(PAGES[name], 320)
    assert page.evaluate(LAYOUT_PROBLEMS) == []


def test_a_heading_jumped_to_is_not_under_the_top_bar(visit):
    page = visit(PAGES["film"] + "#critics-heading", 1280)
    bar = page.eval_on_selector(".topbar", "e => e.getBoundingClientRect().bottom")
    heading = page.eval_on_selector("#critics-heading", "e => e.getBoundingClientRect().top")
    assert heading >= bar


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_content_keeps_its_distance_from_the_bars_and_the_edges(visit, name, width):
    page = visit(PAGES[name], width)
    assert page.evaluate(SPACING) == []


@pytest.mark.parametrize("name", list(PAGES))
def test_headings_go_down_one_level_at_a_time(visit, name):
    page = visit(PAGES[name])
    if name == "home":  # and after a filter has redrawn the films
        page.select_option("#facet-genre", "experimental")
        page.wait_for_function("document.getElementById('facet-status').textContent !== ''")
    assert page.evaluate(HEADINGS) == []


CLS_PAGES = {**PAGES, "filtered": "?sort=year-desc&genre=experimental"}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(CLS_PAGES))
def test_nothing_moves_after_the_first_paint(visit, name, width):
    """Cumulative layout shift under 0.05 (Web Vitals' "good" is 0.1), measured after the
    script has done its work: results fetched, filters applied, images decoded."""
    page = visit(CLS_PAGES[name], width, init=CLS_OBSERVER)
    if name == "search":
        page.wait_for_selector("#search-results .result")
    if name == "filtered":
        page.wait_for_function("document.getElementById('facet-status').textContent !== ''")
    page.wait_for_timeout(300)
    shifts = page.evaluate("window.__shifts")
    assert sum(s["value"] for s in shifts) < 0.05, shifts


def test_the_statistics_columns_are_in_place_before_the_page_has_all_arrived(visit):
    """A browser paints a page before all of it has arrived (sooner on a busy machine):
    the first column of the statistics is then already as wide as it ends, not stretched
    over the row until the others come and squeeze it (a layout shift)."""
    page = visit(PAGES["stats"], 1280)
    first = ".stat-columns > section"
    whole = page.eval_on_selector(first, "s => s.getBoundingClientRect().width")
    page.evaluate(
        "document.querySelectorAll('.stat-columns > section:not(:first-child)')"
        ".forEach(s => s.remove())"
    )
    assert page.eval_on_selector(first, "s => s.getBoundingClientRect().width") == whole


def _visible_counts(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "main *",
        """els => els.filter(e => e.children.length === 0 && /^\\d+ films?\\b/.test(e.textContent)
              && e.getBoundingClientRect().height > 0 && !e.closest('.visually-hidden'))
           .map(e => e.textContent)""",
    )


def test_a_filter_shows_one_count_and_no_empty_show_more(visit):
    page = visit(PAGES["home"], 390)
    assert _visible_counts(page) == ["15 films"]
    page.select_option("#facet-genre", "experimental")
    page.wait_for_function("document.getElementById('facet-status').textContent !== ''")
    assert _visible_counts(page) == ["3 films"]
    button = page.locator(".show-more")
    assert button.get_attribute("hidden") is not None  # all three shown: nothing more
    assert button.evaluate("b => getComputedStyle(b).display") == "none"
    assert not button.is_visible()


def test_show_more_brings_the_next_films(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.url)
    page.evaluate("document.getElementById('facets').dataset.pageSize = '5'")
    page.select_option("#facet-sort", "year")
    page.wait_for_selector(".show-more:not([hidden])")
    assert page.locator("#catalogue .card").count() == 5
    assert page.inner_text(".show-more") == "Show more (10 left)"
    page.click(".show-more")
    page.click(".show-more")
    assert page.locator("#catalogue .card").count() == 15
    assert page.locator(".show-more").evaluate("b => getComputedStyle(b).display") == "none"
    page.close()


@pytest.mark.parametrize("name", ["home", "film", "search"])
def test_pages_work_without_javascript(visit, name):
    page = visit(PAGES[name], 390, script=False)
    if name == "home":
        assert page.locator("#catalogue .card").count() == 15
        assert not page.locator("#facets").is_visible()  # its controls would do nothing
    if name == "film":
        assert page.locator(".film-poster").is_visible() and page.locator(".critics").is_visible()
    if name == "search":
        assert "needs JavaScript" in page.inner_text("main")
    assert page.evaluate(LAYOUT_PROBLEMS) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_film_page_sections_follow_the_contract_order(visit, width):
    page = visit(PAGES["film"], width)
    classes = page.eval_on_selector_all(
        ".film > *", "els => els.map(e => e.className.split(' ')[0])"
    )
    assert classes == CONTRACT_ORDER
    tops = page.eval_on_selector_all(
        ".film > section", "els => els.map(e => e.getBoundingClientRect().top)"
    )
    assert tops == sorted(tops)  # and shown in that order, top to bottom
    assert page.inner_text("h1") == "Last Train Home (2009)"


def test_poster_is_drawn_from_a_variant_that_fits(visit):
    page = visit(PAGES["poster"], 375)
    image = page.eval_on_selector(
        ".film-poster img",
        "i => ({src: i.currentSrc, w: i.naturalWidth, shown: i.getBoundingClientRect().width})",
    )
    assert image["src"].endswith(".webp")  # Chromium takes the WebP source
    assert image["w"] >= image["shown"]  # sharp: at least as wide as drawn


def _axe(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_accessibility_violations_of_any_impact(visit, name, scheme):
    page = visit(PAGES[name], 1280, scheme)
    if name == "home":  # with the interactive parts open: filters applied, search results
        page.select_option("#facet-genre", "experimental")
        page.fill("#site-search", "train")
        page.wait_for_selector("#search-panel .result")
    if name == "search":
        page.wait_for_selector("#search-results .result")
    assert _axe(page) == []


def _tab_through(page: Page, limit: int = 80) -> list[dict]:
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused is None or (seen and focused == seen[0]):
            break
        seen.append(focused)
    return seen


@pytest.mark.parametrize("name", ["home", "film", "person", "404"])
def test_every_control_takes_the_keyboard_focus_visibly(visit, name):
    page = visit(PAGES[name], 1280)
    focused = _tab_through(page)
    assert focused[0]["text"] == "Skip to content"
    assert len(focused) >= 8
    invisible = [f for f in focused if not (f["visible"] and (f["outline"] or f["shadow"]))]
    assert invisible == []
    reached = {f["id"] for f in focused}
    assert "site-search" in reached
    if name == "home":
        assert {"facet-sort", "facet-genre", "facet-decade", "facet-band", "facet-rated"} <= reached


def test_skip_link_moves_to_the_main_content(visit):
    page = visit(PAGES["film"])
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def _titles(page: Page) -> list[str]:
    return page.locator("#catalogue .card-title").all_inner_texts()


def test_filter_and_sort_with_the_keyboard(visit, server):
    page = visit(PAGES["home"])
    index = json.loads(page.evaluate("fetch('films.json').then(r => r.text())"))
    fields = index["fields"]
    films = [dict(zip(fields, row, strict=True)) for row in index["films"]]
    page.focus("#facet-genre")
    genres = [g[0] for g in index["genres"]]
    while page.input_value("#facet-genre") != "experimental":
        page.keyboard.press("ArrowDown")
    experimental = genres.index("experimental")
    expected = [f["title"] for f in films if experimental in f["genres"]]
    page.wait_for_function("document.getElementById('facet-status').textContent.length > 0")
    assert _titles(page) == expected
    assert page.inner_text("#facet-status") == f"{len(expected)} films"
    page.select_option("#facet-sort", "year-desc")
    by_year = sorted(
        (f for f in films if experimental in f["genres"]),
        key=lambda f: (-f["year"], films.index(f)),
    )
    first = json.dumps(by_year[0]["title"])
    page.wait_for_function(
        f"document.querySelector('#catalogue .card-title').textContent === {first}"
    )
    assert _titles(page) == [f["title"] for f in by_year]
    assert urlsplit(page.url).query == "sort=year-desc&genre=experimental"
    # the address keeps the choice: opening it again shows the same list
    again = visit("?sort=year-desc&genre=experimental")
    again.wait_for_function("document.querySelectorAll('#catalogue .card').length > 0")
    assert _titles(again) == [f["title"] for f in by_year]
    # a rating band with nothing in it says so
    page.select_option("#facet-genre", "")
    page.select_option("#facet-band", "75")
    page.wait_for_function("document.getElementById('facet-status').textContent.startsWith('0 ')")
    assert _titles(page) == []


@pytest.mark.parametrize(
    ("query", "title"),
    [("归途", "Last Train Home (2009)"), ("lixin", "Last Train Home (2009)"),
     ("migrant", "Last Train Home (2009)"), ("天注定", "A Touch of Sin (2013)")],
)  # fmt: skip
def test_search_as_you_type_finds_titles_people_and_plot_words(visit, query, title):
    page = visit(PAGES["home"])
    page.click("#site-search")
    page.keyboard.type(query)
    page.wait_for_selector("#search-panel .result-link")
    assert title in page.locator("#search-panel .result-link").all_inner_texts()
    page.keyboard.press("Tab")  # past the Search button, into the results
    page.keyboard.press("Tab")
    first = page.locator("#search-panel .result-link").first.inner_text()
    assert page.evaluate("document.activeElement.className") == "result-link"
    page.keyboard.press("Enter")
    page.wait_for_url("**/films/**")
    assert page.inner_text("h1") == first


def test_search_page_reads_its_query_and_needs_no_other_server(visit, server):
    page = visit(PAGES["search"])
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.wait_for_selector("#search-results .result")
    found = page.locator("#search-results .result-link").all_inner_texts()
    assert "Last Train Home (2009)" in found
    assert "film" in page.inner_text("#search-status")
    page.fill("#site-search", "yangtze")
    page.wait_for_function(
        "[...document.querySelectorAll('#search-results .result-link')]"
        ".some(a => a.textContent.startsWith('Up the Yangtze'))"
    )
    assert requested and all(url.startswith(server.url) for url in requested)


def test_film_page_stays_on_its_origin_and_within_budgets(browser, server):
    """Nothing from another site; under 30 KB each of CSS and script, and under 40 KB in
    all before the first image as a compressing server (GitHub Pages) sends it."""
    page = browser.new_page()
    raw: dict[str, int] = {"document": 0, "script": 0, "stylesheet": 0}
    sent: dict[str, int] = dict(raw)
    origins = set()

    def record(response):
        origins.add(urlsplit(response.url)._replace(path="", query="", fragment="").geturl())
        kind = response.request.resource_type
        if kind in raw:
            raw[kind] += len(response.body())
            sent[kind] += len(gzip.compress(response.body()))

    page.on("response", record)
    page.goto(server.url + PAGES["film"])
    page.wait_for_load_state("networkidle")
    page.close()
    assert origins == {server.url.removesuffix(server.base_path)}
    assert 0 < raw["stylesheet"] < 30_000 and 0 < raw["script"] < 30_000, raw
    assert sum(sent.values()) < 40_000, sent


TOP_BAR_ROWS = """() => Object.fromEntries([".brand", ".search-form", ".menu"].map((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  return [s, [r.top, r.bottom]];
}))"""


@pytest.mark.parametrize("width", [1024, 1440])
def test_the_top_bar_holds_the_name_and_the_search_on_one_row_and_the_menu_under_them(visit, width):
    """A store's header: its name and its search, then its departments on a row of their
    own, whatever the menu's length (a long one once wrapped the search alone onto a
    second row)."""
    rows = visit(PAGES["home"], width).evaluate(TOP_BAR_ROWS)
    (brand_top, brand_bottom), (search_top, search_bottom) = rows[".brand"], rows[".search-form"]
    assert search_top < brand_bottom and brand_top < search_bottom  # one row
    assert rows[".menu"][0] >= max(brand_bottom, search_bottom) - 1  # the menu under it
