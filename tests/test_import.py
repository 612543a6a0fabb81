"""`filmpage import`: each format from small fixtures in its real shape, then a build."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.build import build, load_site
from filmpage.commands.importer import parse_mapping, run_import
from filmpage.errors import FilmpageError

from .conftest import read, section, text_of

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def records(site: Path) -> dict[str, str]:
    folder = site / "content/films"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def test_letterboxd_export(site):
    files = sorted((FIXTURES / "letterboxd").glob("*.csv"))
    result = run_import(site, "letterboxd", files)
    assert sorted(records(site)) == [
        "1917.md",
        "amelie.md",
        "crouching-tiger-hidden-dragon.md",
        "last-train-home.md",
    ]
    assert result.merged == 4
    assert result.skipped == [("watched.csv", 5, "no year for 'No Year Film'")]
    ltr = records(site)["last-train-home.md"]
    assert (
        '  - {body: "Heartbreaking, and <b>honest</b>.\\nTwo lines, with \\"quotes\\".", '
        "rating: 4.5, date: 2023-01-04}"
    ) in ltr
    assert 'file: "ratings.csv, reviews.csv, watched.csv"' in ltr
    assert "Rated 5 out of 5 on Letterboxd." in records(site)["amelie.md"]
    assert "Rated" not in ltr  # the written review wins over the bare rating
    site_data = load_site(site)
    films = {f.slug: f for f in site_data.catalogue.films}
    assert films["1917"].title == "1917" and films["amelie"].title == "Amélie"
    assert films["crouching-tiger-hidden-dragon"].title == "Crouching Tiger, Hidden Dragon"
    assert films["last-train-home"].customer_reviews[0].rating == 4.5


def test_imdb_list_and_ratings(site):
    result = run_import(site, "imdb", sorted((FIXTURES / "imdb").glob("*.csv")))
    assert result.merged == 1  # 1917 is in both files
    assert result.skipped == [("ratings.csv", 5, "no year for 'No: A Title With Colon'")]
    films = {f.slug: f for f in load_site(site).catalogue.films}
    assert sorted(films) == [
        "1917",
        "crouching-tiger-hidden-dragon",
        "gone-girl",
        "last-train-home",
    ]
    ltr = films["last-train-home"]
    assert (ltr.original_title, ltr.runtime, ltr.genres, ltr.directors) == (
        "Gui tu lie che",
        87,
        ("Documentary",),
        ("Lixin Fan",),
    )
    assert str(ltr.release_date) == "2009-09-12"
    assert films["1917"].original_title is None  # the same as the title
    assert films["crouching-tiger-hidden-dragon"].genres == ("Action", "Adventure", "Drama")


def test_kodi_nfo_folder_searched_recursively(site):
    result = run_import(site, "nfo", [FIXTURES / "nfo"])
    assert result.skipped == [
        ("broken/movie.nfo", 5, "not well-formed XML: mismatched tag: line 5, column 2")
    ]
    films = {f.slug: f for f in load_site(site).catalogue.films}
    ltr, amelie = films["last-train-home"], films["amelie"]
    assert ltr.original_title == "归途列车" and ltr.tagline == "130 million journeys home"
    assert (ltr.runtime, ltr.content_rating, ltr.studio) == (87, "NR", "EyeSteelFilm")
    assert ltr.countries == ("Canada", "China") and ltr.trailer.startswith("https://")
    assert "annual journey home" in ltr.plot_html
    credits = {r.key: [(c.name, c.character) for c in r.people] for r in ltr.credits}
    assert credits == {
        "directors": [("Lixin Fan", "")],
        "writers": [("Lixin Fan", "")],
        "cast": [("Zhang Changhua", "Self"), ("Chen Suqin", "Self")],
    }
    assert amelie.genres == ("Comedy", "Romance") and amelie.content_rating == "R"
    assert [c.name for r in amelie.credits if r.key == "cast" for c in r.people] == [
        "Audrey Tautou",
        "Mathieu Kassovitz",
    ]


def test_csv_with_a_mapping_file(site):
    mapping = parse_mapping([], FIXTURES / "generic/mapping.yml")
    result = run_import(site, "csv", [FIXTURES / "generic/films.csv"], mapping)
    assert result.merged == 1
    assert result.skipped == [
        ("films.csv", 4, "no year for 'Untitled Row Without Year'"),
        ("films.csv", 5, "no title"),
    ]
    written = records(site)
    assert 'title: "NO"' in written["no.md"]
    assert written["no.md"].endswith("---\nA title YAML would read as false.\n")
    films = {f.slug: f for f in load_site(site).catalogue.films}
    tiger = films["crouching-tiger-hidden-dragon"]
    assert tiger.genres == ("Action", "Drama", "Wuxia")  # merged from the duplicate row
    assert tiger.countries == ("Taiwan", "China") and tiger.runtime == 120
    assert films["no"].title == "NO"


def test_map_pairs_override_and_bad_fields_are_refused():
    mapping = parse_mapping(["title=Name", "year=Made"], FIXTURES / "generic/mapping.yml")
    assert mapping["title"] == "Name" and mapping["runtime"] == "Minutes"
    with pytest.raises(FilmpageError, match="cannot map colour"):
        parse_mapping(["colour=Tint"], None)
    with pytest.raises(FilmpageError, match="expected field=column"):
        parse_mapping(["title"], None)


def test_json_file(site):
    result = run_import(site, "json", [FIXTURES / "generic/films.json"])
    assert result.skipped == [("films.json", 3, "entry 3 is not an object")]
    written = records(site)
    assert 'title: "Title: Part 2"' in written["title-part-2.md"]
    films = {f.slug: f for f in load_site(site).catalogue.films}
    assert films["still-life"].original_title == "三峡好人" and films["still-life"].year == 2006


def test_dry_run_writes_nothing(site):
    result = run_import(site, "imdb", [FIXTURES / "imdb/list.csv"], dry_run=True)
    assert [p.name for p in result.written] == ["1917.md", "gone-girl.md"]
    assert not (site / "content").exists()


def test_existing_records_are_kept_unless_forced_or_updated(site):
    run_import(site, "imdb", [FIXTURES / "imdb/list.csv"])
    path = site / "content/films/gone-girl.md"
    path.write_text(path.read_text().replace("year: 2014\n", "year: 2014\ntagline: Mine\n"))
    again = run_import(site, "imdb", [FIXTURES / "imdb/list.csv"])
    assert again.written == [] and again.skipped[1] == (
        "list.csv",
        3,
        "content/films/gone-girl.md exists; --force overwrites it, --update refreshes it",
    )
    assert "tagline" in path.read_text()
    updated = run_import(site, "imdb", [FIXTURES / "imdb/list.csv"], update=True)
    assert path in updated.updated and 'tagline: "Mine"' in path.read_text()
    other = run_import(site, "letterboxd", [FIXTURES / "letterboxd/watched.csv"], update=True)
    assert ("watched.csv", 4, "content/films/1917.md exists; --force overwrites it") in (
        other.skipped
    )  # imported by imdb, so letterboxd may not refresh it
    forced = run_import(site, "imdb", [FIXTURES / "imdb/list.csv"], force=True)
    assert path in forced.written and "tagline" not in path.read_text()


def test_films_sharing_a_title_get_the_year_in_their_file_names(site, tmp_path):
    export = tmp_path / "heat.csv"
    export.write_text("title,year\nHeat,1986\nHeat,1995\n")
    run_import(site, "csv", [export])
    assert sorted(records(site)) == ["heat-1986.md", "heat-1995.md"]
    assert sorted(f.slug for f in load_site(site).catalogue.films) == ["heat-1986", "heat-1995"]


def test_unreadable_file_is_a_skip_with_its_reason(site, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"title,year\n\xff\xfe,2001\n")
    result = run_import(site, "csv", [bad])
    assert result.skipped[0][0] == "bad.csv" and "not UTF-8" in result.skipped[0][2]


def test_import_then_build_shows_the_imported_facts(site):
    run_import(site, "nfo", [FIXTURES / "nfo"])
    build(site)
    page = read(site, "films/last-train-home/index.html")
    assert "归途列车" in page and "1 hr 27 min" in page
    assert text_of(section(page, "credits")) == (
        "Cast & Crew Director Lixin Fan Writer Lixin Fan Cast Zhang Changhua as Self "
        "Chen Suqin as Self Released 12 September 2009 Countries Canada, China "
        "Studio EyeSteelFilm"
    )


def test_cli_import_summary(site):
    site.mkdir()
    result = CliRunner().invoke(
        main, ["import", "imdb", str(FIXTURES / "imdb/ratings.csv"), "--root", str(site)]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == "3 written, 0 updated, 0 merged, 1 skipped."
    assert "skipped ratings.csv:5: no year for 'No: A Title With Colon'" in lines
    check = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert check.exit_code == 0 and check.output == "OK: 3 films, 0 warnings.\n"
