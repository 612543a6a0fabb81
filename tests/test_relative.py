"""A site built with relative links works opened from disk: every link found on disk, and
in Chromium over file:// the styles, the pages, search and the filters."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.build import build

from .browser import launched_chromium, provision
from .conftest import film, links_of, read, write_site
from .sites import example_site


def _srcset_urls(html: str) -> list[str]:
    return [
        part.strip().split(" ")[0]
        for value in re.findall(r'srcset="([^"]*)"', html)
        for part in value.split(",")
        if part.strip()
    ]


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory) -> Path:
    """The example site with a poster, built with --relative-links under a sub-path, and
    moved elsewhere, as a folder copied to a USB stick would be."""
    from PIL import Image

    root = example_site(tmp_path_factory.mktemp("relative") / "example")  # base .../films/
    Image.new("RGB", (400, 600), (30, 60, 90)).save(root / "static/posters/p.jpg")
    (root / "content/films/zz-poster.md").write_text(
        film("Poster Test", 2020, poster="posters/p.jpg", genres="[Documentary]",
             aliases="[poster-old]"),
        encoding="utf-8",
    )  # fmt: skip
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--relative-links"])
    assert result.exit_code == 0, result.output
    moved = root.parent / "usb-stick"
    shutil.move(root / "site", moved)
    return moved


def test_every_internal_link_is_relative_and_leads_to_a_file(on_disk):
    pages = sorted(on_disk.rglob("*.html"))
    assert len(pages) > 50
    broken = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        urls = [url for _, _, url in links_of(html)] + _srcset_urls(html)
        urls += re.findall(r'http-equiv="refresh" content="0; url=([^"]*)"', html)
        base = page.as_uri()
        for url in map(unescape, urls):
            if url.startswith(("http://", "https://", "mailto:", "#")):
                continue
            assert not url.startswith("/"), f"{page}: {url} is not relative"
            target = urlsplit(urljoin(base, url)).path
            if not Path(target).is_file():
                broken.append(f"{page.relative_to(on_disk)}: {url}")
    assert broken == []
    home = (on_disk / "index.html").read_text()
    assert 'href="films/last-train-home/index.html"' in home
    assert 'data-base="./" data-links="relative"' in home
    deep = (on_disk / "genres/documentary/index.html").read_text()
    assert 'href="../../films/last-train-home/index.html"' in deep
    assert 'href="../../css/filmpage.css"' in deep
    # full URLs stay full: the canonical link names the published page
    film_page = (on_disk / "films/last-train-home/index.html").read_text()
    assert (
        '<link rel="canonical" href="https://example.github.io/films/films/last-train-home/">'
        in film_page
    )
    assert (
        (on_disk / "films.js")
        .read_bytes()
        .startswith(b'(self.filmpageData=self.filmpageData||{})["films.json"]={')
    )


def test_the_setting_and_the_option_build_the_same_site(tmp_path):
    one = write_site(tmp_path / "one", {"a.md": film("Alpha")}, "relative_links: true\n")
    two = write_site(tmp_path / "two", {"a.md": film("Alpha")}, "base_url: /\n")
    build(one)
    build(two, overrides={"relative_links": True})
    assert read(one, "films/alpha/index.html") == read(two, "films/alpha/index.html")
    assert 'href="../../genres/index.html"' in read(one, "films/alpha/index.html")


def test_a_quick_rebuild_keeps_the_data_scripts_in_step(tmp_path):
    root = write_site(
        tmp_path / "s",
        {"a.md": film("Alpha", slug="alpha"), "b.md": film("Beta")},
        "base_url: https://example.org/\nrelative_links: true\n",
    )
    build(root)
    (root / "content/films/a.md").write_text(film("Alpha", slug="alpha", body="Zanzibar quokkas."))
    build(root)
    words = {p.name for p in (root / "site/search/words").iterdir()}
    assert "7a61.js" in words and "7a61.json" in words  # "za"
    assert b"Zanzibar" not in (root / "site/search/words/7a61.js").read_bytes()  # words only
    clean = tmp_path / "clean"
    build(root, out=clean, clean=True)
    assert sorted(p.name for p in (root / "site/search/words").iterdir()) == sorted(
        p.name for p in (clean / "search/words").iterdir()
    )


@pytest.fixture(scope="module")
def chromium():
    provision()
    with launched_chromium() as chromium:
        yield chromium


def test_opened_from_disk_in_chromium_styles_links_search_and_filters_work(on_disk, chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failures: list[str] = []
    page.on(  # (a load cut short by the next page, as a favicon's can be, is not a failure)
        "requestfailed",
        lambda request: request.failure == "net::ERR_ABORTED" or failures.append(request.url),
    )
    page.on("pageerror", lambda exc: failures.append(f"script error: {exc}"))
    page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)
    page.goto((on_disk / "genres/documentary/index.html").as_uri())
    # the stylesheet applies (without it, this label would take room on the page)
    hidden = "getComputedStyle(document.querySelector('.visually-hidden')).position"
    assert page.evaluate(hidden) == "absolute"
    page.click("text=Last Train Home")
    page.wait_for_url("**/films/last-train-home/index.html")
    assert page.inner_text("h1").startswith("Last Train Home")
    # search as you type, from a film page two folders down
    page.click("#site-search")
    page.keyboard.type("yangtze")
    page.wait_for_selector("#search-panel .result-link")
    assert "Up the Yangtze (2007)" in page.locator("#search-panel .result-link").all_inner_texts()
    page.click("#search-panel .result-link >> text=Up the Yangtze")
    page.wait_for_url("**/films/up-the-yangtze/index.html")
    # the filters of the home page
    page.goto((on_disk / "index.html").as_uri())
    page.select_option("#facet-genre", "experimental")
    page.wait_for_function("document.getElementById('facet-status').textContent.length > 0")
    cards = page.locator("#catalogue .card-title").all_inner_texts()
    assert cards and "Koyaanisqatsi" in cards and "Last Train Home" not in cards
    page.click("#catalogue .card-link >> nth=0")
    page.wait_for_url("**/films/*/index.html")
    # the search page reads its query from the address
    page.goto((on_disk / "search/index.html").as_uri() + "?q=train")
    page.wait_for_selector("#search-results .result")
    assert (
        "Last Train Home (2009)" in page.locator("#search-results .result-link").all_inner_texts()
    )
    # an old URL sends the visitor on
    page.goto((on_disk / "films/poster-old/index.html").as_uri())
    page.wait_for_url("**/films/poster-test/index.html")
    assert page.evaluate("document.querySelector('.poster-img').naturalWidth") > 0
    assert failures == []
    context.close()
