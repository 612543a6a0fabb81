"""End-to-end builds: real sites in temporary folders, read as the HTML a user gets."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from filmpage.commands.build import build
from filmpage.errors import FilmpageError

from .conftest import (
    EXAMPLE_RECORD,
    EXAMPLE_SETTINGS,
    REPO,
    build_errors,
    digest,
    film,
    foreign_scripts,
    links_of,
    read,
    section,
    text_of,
    write_site,
)


@pytest.fixture
def example(tmp_path) -> Path:
    """The contract's worked example, built as a site of its own."""
    root = tmp_path / "example"
    (root / "content/films").mkdir(parents=True)
    shutil.copy(EXAMPLE_RECORD, root / "content/films/last-train-home.md")
    shutil.copy(EXAMPLE_SETTINGS, root / "filmpage.yml")
    build(root)
    return root


def test_example_page_shows_every_fact_of_the_record(example):
    html = read(example, "films/last-train-home/index.html")
    text = text_of(html)
    head = text_of(re.search(r'<header class="film-head">.*?</header>', html, re.S).group(0))
    assert head.startswith("Last Train Home (2009) Original title 归途列车")
    for fact in ("Runtime 1 hr 25 min", "Rated NR", "Genre Documentary"):
        assert fact in head
    credits = text_of(section(html, "credits"))
    for fact in (
        "Countries Canada, China",
        "Languages Mandarin, Sichuanese",
        "Studio EyeSteelFilm",
        "Distributor Zeitgeist Films",
    ):
        assert fact in credits
    assert "130 million migrant workers journey to their home villages" in text
    assert credits == (
        "Cast & Crew Director Lixin Fan Producers Mila Aung-Thwin Daniel Cross "
        "Cinematography Lixin Fan Editors Mary Stephen Lixin Fan Music Olivier Alary "
        "Cast Zhang Changhua as Self Chen Suqin as Self Zhang Qin as Self Zhang Yang as Self "
        "Countries Canada, China Languages Mandarin, Sichuanese Studio EyeSteelFilm "
        "Distributor Zeitgeist Films"
    )
    critics = text_of(section(html, "critics"))
    assert critics.startswith(
        "Critics 100% Fresh Tomatometer Reviews Counted 51 Fresh 51 "
        "Rotten 0 Average Rating 8.4/10 Top Critics"
    )
    record = EXAMPLE_RECORD.read_text(encoding="utf-8")
    quotes = re.findall(r'^    quote: "(.*)"$', record, re.M)
    assert len(quotes) == 4
    for quote in quotes:
        assert quote in critics
    # the meter's state, the "Fresh" count's label and the four quotes' verdicts
    assert critics.count("Fresh") == 6
    reviews = text_of(section(html, "reviews"))
    assert reviews.startswith("Customer Reviews 3 reviews")
    for title in (
        "Shocking, brutally honest and engrossing",
        "How Documentaries Should be Made",
        "Beautiful",
    ):
        assert title in reviews
    for body in re.findall(r'^    body: "(.*)"$', record, re.M):
        assert body in reviews
    related = text_of(section(html, "related"))
    assert related == (
        "Viewers Also Bought Up the Yangtze Yung Chang Waste Land Lucy Walker "
        "The Way We Get By Aron Gaudet Beijing Taxi Miao Wang "
        "The Human Experience Charles Kinnane"
    )


def test_example_page_sections_are_in_the_contract_order(example):
    html = read(example, "films/last-train-home/index.html")
    markers = [
        'class="film-title"',
        'class="original-title"',
        'class="fact-runtime"',
        'class="fact-rating"',
        'class="fact-genres"',
        'class="film-poster"',
        'class="plot"',
        'class="credits"',
        'class="critics"',
        'class="quotes"',
        'class="reviews"',
        'class="related"',
    ]
    positions = [html.index(m) for m in markers]
    assert positions == sorted(positions)


def test_every_person_of_the_example_has_a_page(example):
    for slug in (
        "lixin-fan",
        "mila-aung-thwin",
        "daniel-cross",
        "mary-stephen",
        "olivier-alary",
        "zhang-changhua",
        "chen-suqin",
        "zhang-qin",
        "zhang-yang",
    ):
        assert (example / f"site/people/{slug}/index.html").is_file()
    page = text_of(read(example, "people/lixin-fan/index.html"))
    assert "Lixin Fan" in page and "Director" in page and "Cinematography" in page
    assert "Editor" in page


def test_site_files_for_search_engines_feeds_and_pages(example):
    site = example / "site"
    for path in (
        "index.html",
        "404.html",
        "sitemap.xml",
        "feed.xml",
        ".nojekyll",
        "genres/documentary/index.html",
        "years/2009/index.html",
        "genres/index.html",
        "people/index.html",
        "years/index.html",
        "css/filmpage.css",
    ):
        assert (site / path).is_file(), path
    sitemap = read(example, "sitemap.xml")
    assert "<loc>https://example.github.io/films/films/last-train-home/</loc>" in sitemap
    assert "404" not in sitemap
    # under a sub-path no crawler reads a robots.txt: none is written
    assert not (site / "robots.txt").exists()
    feed = read(example, "feed.xml")
    assert "<id>https://example.github.io/films/</id>" in feed
    assert (
        '<link rel="alternate" href="https://example.github.io/films/films/last-train-home/"/>'
        in feed
    )
    assert "<updated>2009-01-01T00:00:00Z</updated>" in feed
    home = read(example, "index.html")
    assert 'href="/films/films/last-train-home/"' in home and "100%" in home


def test_feed_lists_newest_first(site):
    write_site(
        site,
        {
            "a.md": film("Old", 1990),
            "b.md": film("New", 2020),
            "c.md": film("Mid", 2020, release_date="2020-06-01"),
        },
        settings="base_url: https://x.example/\n",
    )
    build(site)
    feed = read(site, "feed.xml")
    titles = re.findall(r"<entry>\s*<title>(.*?)</title>", feed)
    assert titles == ["Mid (2020)", "New (2020)", "Old (1990)"]
    assert "<updated>2020-06-01T00:00:00Z</updated>" in feed.split("<entry>")[0]
    (site / "filmpage.yml").write_text("base_url: https://x.example/\nfeed_size: 2\n")
    build(site)
    titles = re.findall(r"<entry>\s*<title>(.*?)</title>", read(site, "feed.xml"))
    assert titles == ["Mid (2020)", "New (2020)"]


def _all_html(root: Path):
    for path in sorted((root / "site").rglob("*.html")):
        yield path, path.read_text(encoding="utf-8")


def test_base_url_path_prefixes_every_internal_link_and_all_resolve(tmp_path):
    root = tmp_path / "s"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "static", root / "static")  # its posters
    settings = (REPO / "filmpage.yml").read_text()  # the example's, for its programme's venues
    (root / "filmpage.yml").write_text(
        settings.replace("https://example.github.io/films/", "https://user.github.io/repo/")
    )
    build(root)
    checked = 0
    for path, html in _all_html(root):
        for tag, attr, url in links_of(html):
            parts = urlsplit(url)
            if parts.scheme or url.startswith("#"):
                continue
            assert url.startswith("/repo/"), f"{path}: {tag} {attr}={url}"
            target = root / "site" / parts.path.removeprefix("/repo/")
            assert target.is_file() or (target / "index.html").is_file(), f"{path}: {url}"
            checked += 1
    assert checked > 500


def test_root_base_url_links_start_at_the_root(site):
    write_site(site, {"a.md": film(genres="[Drama]")})
    build(site)
    assert 'href="/genres/drama/"' in read(site, "films/a-film/index.html")
    assert 'href="/css/filmpage.css"' in read(site, "404.html")


def test_a_new_base_url_reaches_the_links_jinja_computes_when_it_compiles(site):
    """'css/filmpage.css'|url is text in the compiled base.html, and compiled templates
    are kept between builds: a build with other settings must not reuse them."""
    write_site(site, {"a.md": film()}, "base_url: /\n")
    build(site)
    assert 'href="/css/filmpage.css"' in read(site, "index.html")
    (site / "filmpage.yml").write_text("base_url: https://x.example/films/\n")
    build(site)
    assert 'href="/films/css/filmpage.css"' in read(site, "index.html")
    assert 'href="/films/films/a-film/"' in read(site, "index.html")
    (site / "filmpage.yml").write_text("base_url: /\n")
    build(site)
    assert 'href="/css/filmpage.css"' in read(site, "index.html")


def test_two_builds_are_byte_identical_across_folders_order_and_time_zone(tmp_path):
    first = tmp_path / "one"
    shutil.copytree(REPO / "content", first / "content")
    shutil.copytree(REPO / "static", first / "static")  # its posters
    shutil.copy(REPO / "filmpage.yml", first / "filmpage.yml")
    second = tmp_path / "elsewhere" / "two"
    (second / "content/films").mkdir(parents=True)
    shutil.copy(REPO / "filmpage.yml", second / "filmpage.yml")
    shutil.copytree(REPO / "static", second / "static")
    for path in sorted((REPO / "content").rglob("*.*"), reverse=True):
        (second / path.relative_to(REPO).parent).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, second / path.relative_to(REPO))
    build(first)
    old_tz = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Kiritimati"
    try:
        build(second)
    finally:
        if old_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old_tz
    assert digest(first / "site") == digest(second / "site")
    build(first)
    assert digest(first / "site") == digest(second / "site")


def test_plot_and_reviews_are_sanitized(site):
    evil = "Hi <script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    write_site(site, {"a.md": film(customer_reviews=f"[{{body: '{evil}'}}]", body=evil)})
    build(site)
    html = read(site, "films/a-film/index.html")
    html = foreign_scripts(html)
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "alert(1)" not in html


def test_text_fields_are_escaped(site):
    write_site(site, {"a.md": film("<b>Bold</b> & co", tagline="'<i>x</i>\"><script>x</script>'")})
    build(site)
    html = read(site, "films/b-bold-b-co/index.html")
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html and "<script>x" not in html


def test_site_templates_and_static_override_the_theme_file_by_file(site):
    write_site(site, {"a.md": film()})
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}<p>Lost in the archive</p>{% endblock %}'
    )
    (site / "static/css").mkdir(parents=True)
    (site / "static/css/filmpage.css").write_text("body { color: red }")
    (site / "static/favicon.ico").write_bytes(b"icon")
    build(site)
    assert "Lost in the archive" in read(site, "404.html")
    assert '<h1 class="film-title">' in read(site, "films/a-film/index.html")
    assert read(site, "css/filmpage.css") == "body { color: red }"
    assert (site / "site/favicon.ico").read_bytes() == b"icon"


def test_a_base_template_of_the_sites_own_still_frames_film_pages_with_their_description(
    site,
):
    """A site's own base.html, written for an earlier theme (its blocks, none of this
    theme's variables), keeps the theme's film pages building, each described by its
    plot in every tag that carries a description."""
    write_site(site, {"a.md": film(body="A train crosses the night.")})
    (site / "templates").mkdir()
    (site / "templates/base.html").write_text(
        '<!doctype html><html lang="en"><head><title>{% block title %}{% endblock %}</title>'
        '<meta name="description" content="{% block description %}{% endblock %}">'
        "{% block social %}{% endblock %}{% block head %}{% endblock %}</head>"
        "<body>{% block content %}{% endblock %}</body></html>"
    )
    build(site)
    html = read(site, "films/a-film/index.html")
    for tag in ('name="description"', 'property="og:description"', 'name="twitter:description"'):
        assert f'<meta {tag} content="A train crosses the night.">' in html, tag


def test_template_syntax_error_names_the_file_and_line(site):
    write_site(site, {"a.md": film()})
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text("<p>\n{% if %}\n")
    errors = build_errors(site)
    assert len(errors) == 1
    assert errors[0] == (  # (found as the templates are checked, before any page renders)
        "templates/404.html:2: template syntax: Expected an expression, got 'end of "
        "statement block'"
    )


def test_template_typo_is_an_error_not_an_empty_string(site):
    write_site(site, {"a.md": film()})
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}\n\n{{ film.titel }}{% endblock %}'
    )
    errors = build_errors(site)
    assert len(errors) == 1
    assert re.fullmatch(
        r".*templates/404\.html:3: while rendering 404\.html: 'film' is "
        r"undefined",
        errors[0],
    ), errors[0]


def test_static_file_may_not_overwrite_a_page(site):
    write_site(site, {"a.md": film()})
    (site / "static").mkdir()
    (site / "static/index.html").write_text("x")
    assert build_errors(site) == [
        "static/index.html: would overwrite the generated page index.html"
    ]


def test_failed_build_leaves_the_previous_site_as_it_was(site):
    write_site(site, {"a.md": film("Alpha")})
    build(site)
    before = digest(site / "site")
    (site / "content/films/b.md").write_text(film("Beta", related="[ghost]"))
    build_errors(site)
    assert digest(site / "site") == before
    assert sorted(p.name for p in site.iterdir()) == [
        ".filmpage-cache",
        "content",
        "filmpage.yml",
        "site",
    ]


def test_deleted_films_leave_no_stale_pages(site):
    write_site(site, {"a.md": film("Alpha"), "b.md": film("Beta")})
    build(site)
    (site / "content/films/b.md").unlink()
    build(site)
    assert not (site / "site/films/beta").exists()
    assert (site / "site/films/alpha/index.html").is_file()


def test_refuses_an_output_folder_it_did_not_create(site, tmp_path):
    write_site(site, {"a.md": film()})
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    with pytest.raises(FilmpageError) as info:
        build(site, out=precious)
    assert "exists and was not made by filmpage" in str(info.value)
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_refuses_an_output_folder_that_holds_the_site(site):
    write_site(site, {"a.md": film()})
    with pytest.raises(FilmpageError, match="would contain the site's own files"):
        build(site, out=site)
    assert (site / "content/films/a.md").is_file()


def test_out_option_writes_elsewhere_and_can_be_rebuilt(site, tmp_path):
    write_site(site, {"a.md": film()})
    out = tmp_path / "public"
    build(site, out=out)
    build(site, out=out)
    assert (out / "films/a-film/index.html").is_file() and not (site / "site").exists()


def test_empty_catalogue_builds_a_site(site):
    site.mkdir()
    result = build(site)
    assert result.films == 0
    assert "No films yet" in read(site, "index.html")
