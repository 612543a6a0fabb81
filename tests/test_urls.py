"""URLs that stay and URLs that are whole: aliases, ids, feed entry ids, pinned slugs, and
full URLs only where a host is known."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.build import build
from filmpage.errors import FilmpageError

from .conftest import build_errors, film, json_ld, links_of, read, write_site

NO_HOST = (
    "filmpage.yml: warning: base_url: '/' has no host, so the feed (feed.xml), the sitemap "
    "(sitemap.xml), canonical links and share links (og:url, og:image, the Movie data's url "
    "and image) are left out of the site; give the address it will have "
    "(https://USER.github.io/REPO/) in base_url or with --base-url"
)


# --- a base_url without a host -------------------------------------------------------


def test_a_site_without_a_host_is_warned_and_writes_no_relative_url_where_a_full_one_is_due(
    site,
):
    write_site(site, {"a.md": film("Alpha")}, settings="title: Club\n")
    result = build(site)
    assert [str(w) for w in result.warnings] == [NO_HOST]
    for gone in ("feed.xml", "sitemap.xml"):
        assert not (site / "site" / gone).exists()
    assert read(site, "robots.txt") == "User-agent: *\nAllow: /\n"  # at the root: it works
    for path in ("index.html", "films/alpha/index.html", "genres/index.html"):
        html = read(site, path)
        for absent in ('rel="canonical"', "og:url", "og:image", "twitter:image", "feed.xml"):
            assert absent not in html, (path, absent)
    [movie] = json_ld(read(site, "films/alpha/index.html"))
    assert "url" not in movie and "image" not in movie
    assert json_ld(read(site, "index.html")) == []  # no ItemList of paths


def test_strict_makes_the_missing_host_an_error(site):
    write_site(site, {"a.md": film("Alpha")}, settings="base_url: /club/\n")
    with pytest.raises(FilmpageError) as info:
        build(site, strict=True)
    assert [str(p) for p in info.value.problems] == [
        "filmpage.yml:1:11: base_url: '/club/' has no host, so the feed (feed.xml), the "
        "sitemap (sitemap.xml), canonical links and share links (og:url, og:image, the Movie "
        "data's url and image) are left out of the site; give the address it will have "
        "(https://USER.github.io/REPO/) in base_url or with --base-url"
    ]
    assert not (site / "site").exists()


def test_base_url_on_the_command_line_wins_and_makes_every_full_url(site):
    write_site(site, {"a.md": film("Alpha")}, settings="title: Club\n")
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["build", "--strict", "--root", str(site), "--base-url", "https://u.github.io/club/"],
    )
    assert result.exit_code == 0, result.output
    sitemap = ElementTree.fromstring(read(site, "sitemap.xml"))
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(loc.startswith("https://u.github.io/club/") for loc in locs)
    page = read(site, "films/alpha/index.html")
    assert '<link rel="canonical" href="https://u.github.io/club/films/alpha/">' in page
    assert 'href="/club/css/filmpage.css"' in page
    assert not (site / "site/robots.txt").exists()  # under a sub-path no crawler reads it
    bad = runner.invoke(main, ["build", "--root", str(site), "--base-url", "club"])
    assert bad.exit_code == 2
    assert "--base-url" in bad.output and "got 'club'" in bad.output


def test_robots_names_the_sitemap_at_the_root_of_a_host(site):
    write_site(site, {"a.md": film()}, settings="base_url: https://films.example.org/\n")
    build(site)
    assert read(site, "robots.txt") == (
        "User-agent: *\nAllow: /\nSitemap: https://films.example.org/sitemap.xml\n"
    )


# --- aliases ---------------------------------------------------------------------------


def test_an_alias_keeps_an_old_url_working_and_stays_out_of_the_sitemap(site):
    write_site(
        site,
        {"heat.md": film("Heat", 1995, slug="heat-1995", aliases="[heat, heat-la]")},
        settings="base_url: https://films.example.org/club/\n",
    )
    build(site)
    for alias in ("heat", "heat-la"):
        page = read(site, f"films/{alias}/index.html")
        assert '<meta http-equiv="refresh" content="0; url=/club/films/heat-1995/">' in page
        assert (
            '<link rel="canonical" href="https://films.example.org/club/films/heat-1995/">' in page
        )
        assert ("a", "href", "/club/films/heat-1995/") in links_of(page)
        assert '<meta name="robots" content="noindex">' in page
    sitemap = read(site, "sitemap.xml")
    assert "/films/heat-1995/" in sitemap and "/films/heat/" not in sitemap
    assert "heat-la" not in sitemap


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        (
            {"a.md": film("Alpha", aliases="[beta]"), "b.md": film("Beta")},
            "content/films/a.md:4:11: aliases: 'beta' is already the slug of "
            "content/films/b.md; an old URL can lead to one film only",
        ),
        (
            {"a.md": film("Alpha", aliases="[old]"), "b.md": film("Beta", aliases="[old]")},
            "content/films/b.md:4:11: aliases: 'old' is already the alias of "
            "content/films/a.md; an old URL can lead to one film only",
        ),
        (
            {"a.md": film("Alpha", aliases="[alpha]")},
            "content/films/a.md:4:11: aliases: 'alpha' is this film's own slug; an alias "
            "is a URL it had before",
        ),
        (
            {"a.md": film("Alpha", aliases="[Old URL]")},
            "content/films/a.md:4:11: aliases[0]: expected the slug of an earlier URL "
            "/films/<slug>/ (lowercase ASCII letters, digits and single hyphens), got 'Old URL'",
        ),
    ],
)
def test_alias_errors_name_both_files(site, records, expected):
    write_site(site, records)
    assert build_errors(site) == [expected]


# --- ids ---------------------------------------------------------------------------------


def test_ids_are_links_out_and_same_as_for_search_engines(site):
    ids = "{imdb: tt1512201, tmdb: 47620, wikidata: Q1807335, letterboxd: last-train-home}"
    write_site(site, {"a.md": film("Last Train Home", 2009, ids=ids)})
    build(site)
    page = read(site, "films/last-train-home/index.html")
    links = [
        "https://www.imdb.com/title/tt1512201/",
        "https://www.themoviedb.org/movie/47620",
        "https://www.wikidata.org/wiki/Q1807335",
        "https://letterboxd.com/film/last-train-home/",
    ]
    assert [url for _, _, url in links_of(page) if url in links] == links
    assert ">IMDb</a>" in page and ">Letterboxd</a>" in page
    [movie] = json_ld(page)
    assert movie["sameAs"] == links


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ("{imdb: '1512201'}", "ids.imdb: expected an IMDb title id: 'tt' and 7 or 8 digits "
         "(tt1512201), got '1512201'"),
        ("{tmdb: 4.5}", "ids.tmdb: expected a TMDB movie id: a whole number (47620), got '4.5'"),
        ("{wikidata: q12}", "ids.wikidata: expected a Wikidata item: 'Q' and digits "
         "(Q1807335), got 'q12'"),
        ("{letterboxd: Last Train}", "ids.letterboxd: expected a Letterboxd film slug "
         "(last-train-home), got 'Last Train'"),
    ],
)  # fmt: skip
def test_malformed_ids_are_errors(site, ids, expected):
    write_site(site, {"a.md": film(ids=ids)})
    [error] = build_errors(site)
    assert error.endswith(expected)


def test_two_records_with_one_id_is_an_error_naming_both_files(site):
    write_site(
        site,
        {
            "a.md": film("Heat", 1995, ids="{imdb: tt0113277}"),
            "b.md": film("Heat (director's cut)", 1995, ids="{imdb: tt0113277}"),
        },
    )
    assert build_errors(site) == [
        "content/films/b.md:4:7: ids.imdb: 'tt0113277' is also the IMDb id of "
        "content/films/a.md; two records of one film? Keep one, or correct the id"
    ]


def test_an_unknown_kind_of_id_is_a_warning():
    from filmpage.errors import Problems
    from filmpage.load import parse_record
    from filmpage.record import film_from_record

    problems = Problems()
    record = parse_record(film(ids="{imbd: tt0113277}").encode(), "f.md", problems)
    film_from_record(record, problems)
    assert [str(p) for p in problems.items] == [
        "f.md:4:7: warning: ids.imbd: unknown field; did you mean 'imdb'?"
    ]


# --- URLs and feed ids that do not move -----------------------------------------------------


def _entry_ids(site) -> dict[str, str]:
    feed = ElementTree.fromstring(read(site, "feed.xml"))
    atom = "{http://www.w3.org/2005/Atom}"
    return {
        e.find(f"{atom}title").text: e.find(f"{atom}id").text for e in feed.iter(f"{atom}entry")
    }


def test_feed_entry_ids_stay_when_a_url_moves(site):
    write_site(site, {"a.md": film("Duel in the Sun", 1946)})
    build(site)
    [first] = _entry_ids(site).values()
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", first)
    # a second film of that title moves the first one's URL; its old URL, kept as an
    # alias, keeps its feed id
    write_site(
        site,
        {
            "a.md": film("Duel in the Sun", 1946, aliases="[duel-in-the-sun]"),
            "b.md": film("Duel in the Sun", 2024),
        },
    )
    build(site)
    ids = _entry_ids(site)
    assert (site / "site/films/duel-in-the-sun-1946/index.html").is_file()
    assert ids["Duel in the Sun (1946)"] == first
    assert ids["Duel in the Sun (2024)"] != first
    # and the site moving to another address changes no id
    write_site(site, {}, settings="base_url: https://films.example.net/other/\n")
    build(site)
    assert _entry_ids(site)["Duel in the Sun (1946)"] == first


def test_new_writes_the_slug_so_that_a_film_added_later_moves_nothing(site):
    write_site(site, {})
    runner = CliRunner()
    assert (
        runner.invoke(main, ["new", "Duel in the Sun", "-y", "1946", "--root", str(site)]).exit_code
        == 0
    )
    record = site / "content/films/duel-in-the-sun.md"
    assert "\nslug: duel-in-the-sun\n" in record.read_text()
    record.write_text(record.read_text().replace("draft: true", "draft: false"))
    result = runner.invoke(main, ["new", "Duel in the Sun", "-y", "2024", "--root", str(site)])
    assert result.output == "created content/films/duel-in-the-sun-2024.md\n"
    again = runner.invoke(main, ["new", "Duel in the Sun", "-y", "1946", "--root", str(site)])
    assert again.exit_code == 1
    assert "content/films/duel-in-the-sun.md: already holds Duel in the Sun (1946)" in again.output
    build(site, drafts=True)
    assert (site / "site/films/duel-in-the-sun/index.html").is_file()
    assert (site / "site/films/duel-in-the-sun-2024/index.html").is_file()


def test_new_names_the_wrong_slug(site):
    write_site(site, {"a.md": film("Heat", 1995, slug="heat")})
    runner = CliRunner()
    result = runner.invoke(
        main, ["new", "Heat", "-y", "1995", "--slug", "Heat", "--root", str(site)]
    )
    assert result.exit_code == 1
    assert (
        "--slug 'Heat': expected lowercase ASCII letters, digits and single hyphens, like 'heat'"
        in result.output
    )
    taken = runner.invoke(
        main, ["new", "Heat 2", "-y", "1995", "--slug", "heat", "--root", str(site)]
    )
    assert "--slug 'heat': already used by content/films/a.md" in taken.output
    blank = runner.invoke(main, ["new", "!!!", "-y", "1995", "--root", str(site)])
    assert "cannot make a URL slug from the title '!!!' (no letters or digits); pass --slug" in (
        blank.output
    )


def test_import_writes_the_slug_and_avoids_slugs_in_use(site, tmp_path):
    write_site(site, {"old.md": film("Heat", 1986)})  # derived slug: heat
    csv = tmp_path / "films.csv"
    csv.write_text("title,year\nHeat,1995\nAlien,1979\n")
    result = CliRunner().invoke(main, ["import", "csv", str(csv), "--root", str(site)])
    assert result.exit_code == 0, result.output
    assert '\nslug: "heat-1995"\n' in (site / "content/films/heat-1995.md").read_text()
    assert '\nslug: "alien"\n' in (site / "content/films/alien.md").read_text()
    result = build(site)
    assert sorted(p.name for p in (site / "site/films").iterdir()) == [
        "alien",
        "heat",
        "heat-1995",
    ]
    assert result.warnings == []


def test_a_film_whose_slug_clashes_has_its_other_errors_reported_with_it(site):
    write_site(site, {
        "a.md": film("Alpha", slug="same", ids="{imdb: tt0113277}"),
        "b.md": film("Beta", slug="same", ids="{imdb: tt0113277}", aliases="[alpha-old]"),
        "c.md": film("Gamma", aliases="[alpha-old]"),
    })  # fmt: skip
    errors = build_errors(site)
    assert any("slug 'same' is already used by content/films/a.md" in e for e in errors)
    assert any(e.startswith("content/films/b.md") and "ids.imdb" in e for e in errors)
    assert any(e.startswith("content/films/c.md") and "'alpha-old' is already" in e for e in errors)
