"""Every rule of the content contract: a passing case and a failing case with its exact error.

Records are written into a tiny site and built, as a user would; errors are read as the
user sees them: ``file:line:column: field: message``.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

from filmpage.commands.build import build

from .conftest import build_errors, film, read, section, text_of, write_site

F = "content/films/f.md"


def build_one(site, record: str, settings: str | None = None, **options):
    write_site(site, {"f.md": record}, settings)
    return build(site, **options)


# Each failing case: the extra fields (written from line 4 on) and the exact error line.
FAILURES = [
    ({"year": None}, f"{F}:2:1: year: required field is missing"),
    ({"year": "1869"}, f"{F}:3:7: year: expected a whole number from 1870 to 2100, got 1869"),
    ({"year": "2101"}, f"{F}:3:7: year: expected a whole number from 1870 to 2100, got 2101"),
    ({"year": "'MMIX'"}, f"{F}:3:7: year: expected a whole number from 1870 to 2100, got 'MMIX'"),
    (
        {"slug": "Bad Slug"},
        f"{F}:4:7: slug: expected lowercase ASCII letters, digits and single "
        "hyphens (like 'last-train-home'), got 'Bad Slug'",
    ),
    (
        {"slug": "a--b"},
        f"{F}:4:7: slug: expected lowercase ASCII letters, digits and single "
        "hyphens (like 'last-train-home'), got 'a--b'",
    ),
    ({"original_title": "[a, b]"}, f"{F}:4:17: original_title: expected text, got a list"),
    ({"tagline": "{a: b}"}, f"{F}:4:10: tagline: expected text, got a mapping"),
    ({"runtime": "0"}, f"{F}:4:10: runtime: expected a whole number from 1 to 100000, got 0"),
    (
        {"runtime": "90 min"},
        f"{F}:4:10: runtime: expected a whole number from 1 to 100000, got '90 min'",
    ),
    (
        {"release_date": "2009-13-01"},
        f"{F}:4:15: release_date: expected a date YYYY-MM-DD, got '2009-13-01'",
    ),
    (
        {"release_date": "Jan 2009"},
        f"{F}:4:15: release_date: expected a date YYYY-MM-DD, got 'Jan 2009'",
    ),
    ({"genres": "{a: b}"}, f"{F}:4:9: genres: expected text, got a mapping"),
    ({"countries": "[[x]]"}, f"{F}:4:13: countries[0]: expected text, got a list"),
    ({"content_rating": "[PG]"}, f"{F}:4:17: content_rating: expected text, got a list"),
    ({"studio": "[a]"}, f"{F}:4:9: studio: expected text, got a list"),
    ({"distributor": "{x: 1}"}, f"{F}:4:14: distributor: expected text, got a mapping"),
    (
        {"poster": "../secret.jpg"},
        f"{F}:4:9: poster: expected a path inside static/, got '../secret.jpg'",
    ),
    (
        {"poster": "/etc/passwd"},
        f"{F}:4:9: poster: expected a path inside static/, got '/etc/passwd'",
    ),
    (
        {"poster": "missing.jpg"},
        f"{F}:4:1: poster: no file static/missing.jpg; expected an image under static/",
    ),
    (
        {"trailer": "ftp://x.org/t.mp4"},
        f"{F}:4:10: trailer: expected an http or https URL, got 'ftp://x.org/t.mp4'",
    ),
    (
        {"trailer": "javascript:alert(1)"},
        f"{F}:4:10: trailer: expected an http or https URL, got 'javascript:alert(1)'",
    ),
    ({"credits": "[a]"}, f"{F}:4:10: credits: expected a mapping, got a list"),
    (
        {"credits": "{cast: [{character: X}]}"},
        f"{F}:4:18: credits.cast[0].name: required field is missing",
    ),
    (
        {"critics": "{reviews_counted: 10, fresh: 8, rotten: 1}"},
        f"{F}:4:28: "
        "critics.reviews_counted: fresh + rotten must equal reviews_counted: 8 + 1 is not 10",
    ),
    (
        {"critics": "{reviews_counted: 10, fresh: 8, tomatometer: 90}"},
        f"{F}:4:55: "
        "critics.tomatometer: 90 disagrees with 80 computed from fresh/reviews_counted (8/10)",
    ),
    (
        {"critics": "{average_rating: 11}"},
        f"{F}:4:27: critics.average_rating: expected a number from 0 to 10, got 11",
    ),
    (
        {"critics": "{tomatometer: 101}"},
        f"{F}:4:24: critics.tomatometer: expected a whole number from 0 to 100, got 101",
    ),
    (
        {"critics": "{fresh: -1}"},
        f"{F}:4:18: critics.fresh: expected a whole number of at least 0, got -1",
    ),
    (
        {"top_critics": "[{verdict: fresh}]"},
        f"{F}:4:15: top_critics[0].quote: required field is missing",
    ),
    (
        {"top_critics": "[{quote: Q, verdict: meh}]"},
        f"{F}:4:35: top_critics[0].verdict: expected fresh or rotten, got 'meh'",
    ),
    (
        {"top_critics": "[{quote: Q, url: 'data:x'}]"},
        f"{F}:4:31: top_critics[0].url: expected an http or https URL, got 'data:x'",
    ),
    (
        {"top_critics": "[Just text]"},
        f"{F}:4:15: top_critics[0]: expected a mapping, got 'Just text'",
    ),
    (
        {"customer_reviews": "[{title: T}]"},
        f"{F}:4:20: customer_reviews[0].body: required field is missing",
    ),
    (
        {"customer_reviews": "[{body: B, rating: 6}]"},
        f"{F}:4:38: customer_reviews[0].rating: expected a number from 1 to 5, got 6",
    ),
    (
        {"customer_reviews": "[{body: B, rating: 0}]"},
        f"{F}:4:38: customer_reviews[0].rating: expected a number from 1 to 5, got 0",
    ),
    (
        {"customer_reviews": "[{body: B, date: yesterday}]"},
        f"{F}:4:36: customer_reviews[0].date: expected a date YYYY-MM-DD, got 'yesterday'",
    ),
    (
        {"related": "[no-such-film]"},
        f"{F}:4:11: related[0]: no film with slug 'no-such-film' "
        "in this catalogue; expected the slug of a film here, or an external title "
        "{title, director, year, url}",
    ),
    ({"related": "[{director: D}]"}, f"{F}:4:11: related[0].title: required field is missing"),
    (
        {"related": "[{title: T, url: 'javascript:x'}]"},
        f"{F}:4:27: related[0].url: expected an http or https URL, got 'javascript:x'",
    ),
    ({"offers": "[{type: lend}]"}, f"{F}:4:17: offers[0].type: expected buy or rent, got 'lend'"),
    (
        {"offers": "[{type: buy, price: free}]"},
        f"{F}:4:29: offers[0].price: expected a price like 12.99 (at most 12 digits before "
        "the point and 6 after it), got 'free'",
    ),
    (
        {"offers": "[{type: buy, url: 'vbscript:x'}]"},
        f"{F}:4:27: offers[0].url: expected an http or https URL, got 'vbscript:x'",
    ),
    ({"draft": "maybe"}, f"{F}:4:8: draft: expected true or false, got 'maybe'"),
    ({"source": "[a]"}, f"{F}:4:9: source: expected a mapping, got a list"),
]


@pytest.mark.parametrize(("fields", "expected"), FAILURES, ids=[e[-60:] for _, e in FAILURES])
def test_contract_rule_rejects_bad_value(site, fields, expected):
    fields = dict(fields)
    record = film(
        **{k: v for k, v in fields.items() if v is not None and k != "year"},
        year=fields.get("year", 2001),
    )
    if "year" in fields and fields["year"] is None:
        record = "---\ntitle: A Film\n---\nPlot.\n"
    write_site(site, {"f.md": record})
    errors = build_errors(site)
    assert expected in errors, "\n".join(errors)
    assert not (site / "site").exists()


def test_title_is_required(site):
    write_site(site, {"f.md": "---\nyear: 2001\n---\n"})
    assert build_errors(site) == [f"{F}:2:1: title: required field is missing"]


def test_empty_title_is_an_error(site):
    write_site(site, {"f.md": "---\ntitle:\nyear: 2001\n---\n"})
    assert build_errors(site) == [f"{F}:2:7: title: expected text, got nothing"]


@pytest.mark.parametrize("empty", ["", " ~", " null"])
def test_an_empty_year_is_an_error_not_year_0(site, empty):
    write_site(site, {"f.md": f"---\ntitle: Heat\nyear:{empty}\n---\n"})
    column = 7 if empty else 6
    assert build_errors(site) == [
        f"{F}:3:{column}: year: expected a whole number from 1870 to 2100, got nothing"
    ]


def test_bare_number_title_is_text(site):
    build_one(site, film(title="1917", year=2019))
    page = read(site, "films/1917/index.html")
    assert '<h1 class="film-title">1917 <a class="film-year"' in page


def test_year_bounds_are_inclusive(site):
    write_site(site, {"a.md": film("Old", 1870), "b.md": film("New", 2100)})
    build(site)
    assert "(1870)" in read(site, "films/old/index.html")
    assert "(2100)" in read(site, "films/new/index.html")


def test_explicit_slug_sets_the_url(site):
    build_one(site, film(slug="my-film"))
    assert (site / "site/films/my-film/index.html").is_file()


def test_single_text_is_a_list_of_one(site):
    build_one(site, film(genres="Drama", countries="France", languages="French"))
    page = text_of(read(site, "films/a-film/index.html"))
    assert "Genre Drama" in page and "Country France" in page and "Language French" in page
    assert (site / "site/genres/drama/index.html").is_file()


def test_text_fields_keep_what_the_user_typed(site):
    build_one(site, film(countries="NO", languages="off", tagline="yes", studio="1e3"))
    page = text_of(read(site, "films/a-film/index.html"))
    assert "Country NO" in page and "Language off" in page
    assert "yes" in page and "Studio 1e3" in page


def test_optional_text_fields_are_shown(site):
    build_one(
        site,
        film(
            original_title="归途列车",
            tagline="Going home",
            runtime="85",
            release_date="2010-01-22",
            content_rating="PG-13",
            studio="EyeSteelFilm",
            distributor="Zeitgeist Films",
        ),
    )
    page = text_of(read(site, "films/a-film/index.html"))
    for fact in (
        "Original title 归途列车",
        "Going home",
        "Runtime 1 hr 25 min",
        "Rated PG-13",
        "Released January 22, 2010",  # American English: language en-GB says 22 January
        "Studio EyeSteelFilm",
        "Distributor Zeitgeist Films",
    ):
        assert fact in page


def test_poster_under_static_is_shown(site):
    (site / "static/posters").mkdir(parents=True)
    Image.new("RGB", (300, 450), (200, 40, 40)).save(site / "static/posters/a.jpg")
    original = (site / "static/posters/a.jpg").read_bytes()
    build_one(site, film(poster="posters/a.jpg"))
    page = read(site, "films/a-film/index.html")
    img = re.search(r"<img class=\"poster-img\"[^>]*>", page).group(0)
    assert 'alt="Poster of A Film"' in img and 'width="300" height="450"' in img
    assert re.search(r'src="/posters/a-film-[0-9a-f]{16}-300\.jpg"', img)
    assert (site / "site/posters/a.jpg").read_bytes() == original  # the original is kept too


def test_trailer_link(site):
    build_one(site, film(trailer="https://example.org/t"))
    assert 'href="https://example.org/t"' in read(site, "films/a-film/index.html")


def test_credits_in_written_order_with_other_roles(site):
    build_one(
        site,
        film(
            credits="{cast: [{name: Ann, character: Mother}, Bob], "
            "production_design: [Cy], directors: Dee}"
        ),
    )
    page = text_of(section(read(site, "films/a-film/index.html"), "credits"))
    assert page == ("Cast & Crew Cast Ann as Mother Bob Production design Cy Director Dee")
    for person in ("ann", "bob", "cy", "dee"):
        assert (site / f"site/people/{person}/index.html").is_file()


@pytest.mark.parametrize(
    ("critics", "shown"),
    [
        (
            "{reviews_counted: 51, fresh: 51, rotten: 0, average_rating: 8.4}",
            "Critics 100% Fresh Tomatometer Reviews Counted 51 Fresh 51 Rotten 0 "
            "Average Rating 8.4/10",
        ),
        (
            "{reviews_counted: 10, fresh: 6}",
            "Critics 60% Fresh Tomatometer Reviews Counted 10 Fresh 6 Rotten 4",
        ),
        (
            "{fresh: 59, rotten: 41}",
            "Critics 59% Rotten Tomatometer Reviews Counted 100 Fresh 59 Rotten 41",
        ),
        (
            "{reviews_counted: 8, fresh: 1}",
            "Critics 13% Rotten Tomatometer Reviews Counted 8 Fresh 1 Rotten 7",
        ),
        ("{tomatometer: 72}", "Critics 72% Fresh Tomatometer"),
        (
            "{reviews_counted: 10, fresh: 8, tomatometer: 80}",
            "Critics 80% Fresh Tomatometer Reviews Counted 10 Fresh 8 Rotten 2",
        ),
        ("{average_rating: 7}", "Critics Average Rating 7/10"),
    ],
)
def test_critics_block(site, critics, shown):
    build_one(site, film(critics=critics))
    assert text_of(section(read(site, "films/a-film/index.html"), "critics")) == shown


def test_top_critics_quotes(site):
    build_one(
        site,
        film(
            top_critics="[{quote: Superb, verdict: fresh, critic: A. Critic, "
            "publication: The Paper, url: 'https://p.example/r'}, "
            "{quote: Dull, verdict: rotten}]"
        ),
    )
    html = section(read(site, "films/a-film/index.html"), "critics")
    assert text_of(html) == (
        "Critics Top Critics Fresh Superb A. Critic , The Paper Full review Rotten Dull"
    )
    assert 'href="https://p.example/r"' in html


def test_customer_reviews_with_average(site):
    build_one(
        site,
        film(
            customer_reviews="[{title: Great, body: '*Loved* it', rating: 5, "
            "author: Kim, date: 2020-02-03}, {body: Fine, rating: 4}, "
            "{body: No stars}]"
        ),
    )
    html = section(read(site, "films/a-film/index.html"), "reviews")
    text = text_of(html)
    assert "Average 4.5 out of 5 from 2 ratings" in text and "3 reviews" in text
    assert "Great" in text and "by Kim" in text and "February 3, 2020" in text
    assert "<em>Loved</em>" in html


def test_related_slug_links_and_external_titles(site):
    write_site(
        site,
        {
            "a.md": film(
                "Alpha",
                related="[beta, {title: Gamma, director: Gee, year: 1999, "
                "url: 'https://g.example/'}, {title: Delta}]",
            ),
            "b.md": film("Beta", 2005, credits="{directors: [Bea]}"),
        },
    )
    build(site)
    html = section(read(site, "films/alpha/index.html"), "related")
    assert text_of(html) == ("Viewers Also Bought Beta Bea · 2005 Gamma Gee · 1999 Delta")
    assert 'href="/films/beta/"' in html and 'href="https://g.example/"' in html


def test_offers(site):
    build_one(
        site,
        film(
            offers="[{type: buy, price: 12.99, currency: USD, quality: HD, "
            "url: 'https://shop.example/b'}, {type: rent, price: 3.99, "
            "currency: EUR, quality: SD}]"
        ),
    )
    html = read(site, "films/a-film/index.html")
    offers = text_of(re.search(r'<ul class="offers".*?</ul>', html, re.S).group(0))
    assert offers == "Buy HD $12.99 Rent SD €3.99"
    assert 'href="https://shop.example/b"' in html


def test_source_is_not_shown(site):
    build_one(site, film(source="{format: letterboxd, file: watched.csv}"))
    assert "letterboxd" not in read(site, "films/a-film/index.html")


def test_draft_left_out_unless_asked(site):
    write_site(site, {"a.md": film("Shown"), "b.md": film("Hidden", draft="true")})
    build(site)
    assert not (site / "site/films/hidden").exists()
    assert "Hidden" not in read(site, "index.html")
    build(site, drafts=True)
    assert (site / "site/films/hidden/index.html").is_file()


def test_unknown_field_is_a_warning_with_suggestion(site):
    result = build_one(site, film(genre="[Drama]", colour="red"))
    assert [str(w) for w in result.warnings] == [
        f"{F}:4:1: warning: genre: unknown field; did you mean 'genres'?",
        f"{F}:5:1: warning: colour: unknown field",
    ]


def test_strict_makes_warnings_errors(site):
    write_site(site, {"f.md": film(genre="[Drama]")})
    assert build_errors(site, strict=True) == [
        f"{F}:4:1: genre: unknown field; did you mean 'genres'?"
    ]


def test_yaml_record_with_plot_field(site):
    write_site(site, {"f.yaml": "title: Yam\nyear: 2003\nplot: The *plot*.\n"})
    build(site)
    assert "<p>The <em>plot</em>.</p>" in read(site, "films/yam/index.html")


def test_sections_without_data_are_left_out(site):
    build_one(site, film(body=""))
    html = read(site, "films/a-film/index.html")
    for css in ("plot", "credits", "critics", "reviews", "related"):
        assert f'<section class="{css}"' not in html
    assert 'class="offers"' not in html


def test_settings_defaults(site):
    build_one(site, film())
    html = read(site, "index.html")
    assert "<title>Film Catalogue</title>" in html and '<html lang="en">' in html


def test_settings_are_used(site):
    build_one(
        site,
        film(related="[{title: X}]"),
        settings="title: My Store\nlanguage: fr\n"
        "related_heading: Also Liked\ndescription: Films.\n",
    )
    html = read(site, "films/a-film/index.html")
    assert '<html lang="fr">' in html and "Also Liked</h2>" in html and "My Store" in html


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            "base_url: ftp://x/\n",
            "filmpage.yml:1:11: base_url: expected an http(s) URL or a "
            "path starting with '/', got 'ftp://x/'",
        ),
        (
            "base_url: https://films.example.org//\n",  # links would be //css/, another host
            "filmpage.yml:1:11: base_url: expected a path without '//', '.' or '..' in it, "
            "got 'https://films.example.org//'",
        ),
        (
            "base_url: /a b/\n",
            "filmpage.yml:1:11: base_url: expected a path of letters, digits and '-', '_', "
            "'.', '~', '/' (a space is '%20'), got '/a b/'",
        ),
        ("title: [a]\n", "filmpage.yml:1:8: title: expected text, got a list"),
        ("- a\n", "filmpage.yml:1:1: expected a mapping of settings, got a list"),
    ],
)
def test_bad_settings(site, settings, expected):
    write_site(site, {"f.md": film()}, settings)
    assert expected in build_errors(site)


def test_unknown_setting_is_a_warning(site):
    result = build_one(site, film(), settings="titel: X\nbase_url: https://example.org/\n")
    assert [str(w) for w in result.warnings] == [
        "filmpage.yml:1:1: warning: titel: unknown field; did you mean 'title'?"
    ]


def test_the_examples_copy_is_the_contract_s_own():
    """The suite builds the contract's examples from its copy in tests/fixtures; where the
    contract's folder is beside the checkout (``../shared``), the copy must be the same,
    file for file and byte for byte."""
    from .conftest import REPO, SHARED_EXAMPLES

    original = REPO.parent / "shared" / "examples"
    if not original.is_dir():
        pytest.skip(f"no {original} beside this checkout to compare the copy with")
    files = lambda root: {  # noqa: E731
        p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }
    assert files(SHARED_EXAMPLES) == files(original)
