"""`filmpage import`: each format from exports in their real shape, then what the build
makes of the records written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.build import build
from filmpage.commands.checking import read_films
from filmpage.commands.importer import parse_mapping, run_import
from filmpage.errors import FilmpageError

from .conftest import read, section, text_of, write_site

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def records(site: Path) -> dict[str, str]:
    folder = site / "content/films"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}


def films(site: Path) -> dict:
    return read_films(site)


def skipped(report) -> list[tuple[str, str]]:
    return [(", ".join(str(o) for o in origins), why) for origins, why, _ in report.skipped]


def invoke(*args: str):
    """``filmpage import`` with these arguments, into the site given with --root (made a
    site first, with the default settings, when it is not one yet)."""
    root = Path(args[args.index("--root") + 1])
    write_site(root, {})
    return CliRunner().invoke(main, ["import", *args])


def test_letterboxd_export_folder_with_a_list(site):
    report = run_import(site, "letterboxd", [FIXTURES / "letterboxd"])
    assert sorted(records(site)) == [
        "1917.md",
        "amelie.md",
        "crouching-tiger-hidden-dragon.md",
        "last-train-home.md",
        "still-walking.md",
    ]
    assert [p.kind for p in report.films].count("created") == 5
    assert skipped(report) == [("watched.csv:5", "no year for 'No Year Film'")]
    ltr = records(site)["last-train-home.md"]
    assert (
        '  - {body: "Heartbreaking, and <b>honest</b>.\\nTwo lines, with \\"quotes\\".", '
        "rating: 4.5, date: 2023-01-04}"
    ) in ltr
    assert 'letterboxd: "last-train-home"' in ltr  # from the list's film link
    assert "Rated" not in ltr  # the written review wins over the bare rating
    assert "Rated 5 out of 5 on Letterboxd." in records(site)["amelie.md"]
    built = films(site)
    assert built["1917"].title == "1917" and built["amelie"].title == "Amélie"
    assert built["last-train-home"].customer_reviews[0].rating == 4.5
    collection = (site / "content/collections/journeys-home.md").read_text(encoding="utf-8")
    assert collection == (
        "---\n"
        'title: "Journeys Home"\n'
        "films:\n"
        '  - {film: "last-train-home", note: "The largest human migration on Earth."}\n'
        '  - "amelie"\n'
        '  - "still-walking"\n'
        "---\n"
        "Films about the long way back.\n"
    )


def test_a_file_that_is_not_a_letterboxd_export_is_refused_by_its_columns(site):
    result = invoke("letterboxd", str(FIXTURES / "generic/films.csv"), "--root", str(site))
    assert result.exit_code == 1
    assert result.output.startswith(
        "films.csv:1: not a file of a Letterboxd export: expected the columns Date, Name, "
        "Year and Letterboxd URI; the columns are: Film Name, Made, Minutes"
    )
    assert "nothing was written" in result.output
    assert not list((site / "content/films").iterdir())


def test_imdb_newer_exports(site):
    report = run_import(site, "imdb", sorted((FIXTURES / "imdb").glob("*.csv")))
    assert skipped(report) == [("ratings.csv:5", "no year for 'No: A Title With Colon'")]
    built = films(site)
    assert sorted(built) == [
        "1917",
        "crouching-tiger-hidden-dragon",
        "gone-girl",
        "last-train-home",
    ]
    ltr = built["last-train-home"]
    assert (ltr.original_title, ltr.runtime, ltr.genres, ltr.directors) == (
        "Gui tu lie che",
        87,
        ("Documentary",),
        ("Lixin Fan",),
    )
    assert str(ltr.release_date) == "2009-09-12"
    assert built["1917"].original_title is None  # the same as the title
    text = records(site)["last-train-home.md"]
    assert 'ids:\n  imdb: "tt1512201"\n' in text
    assert '{body: "Rated 9 out of 10 on IMDb.", rating: 4.5, date: 2022-05-01}' in text
    assert "IMDb Rating" not in text and "7.7" not in text  # IMDb's own rating is not ours


def test_imdb_older_export_columns_and_tv_titles_skipped(site):
    report = run_import(site, "imdb", [FIXTURES / "imdb-2016/ratings.csv"])
    assert skipped(report) == [
        ("ratings.csv:3", "'Breaking Bad' is a TV series ('TV Series'); only films are imported"),
        ("ratings.csv:4", "'Pilot' is a TV episode ('TV Episode'); only films are imported"),
    ]
    built = films(site)
    assert sorted(built) == ["heat", "le-fabuleux-destin-damelie-poulain"]
    heat = built["heat"]
    assert heat.genres == ("crime", "drama", "thriller") and heat.runtime == 170
    assert str(heat.release_date) == "1995-12-15"
    assert str(built["le-fabuleux-destin-damelie-poulain"].release_date) == "2001-04-25"
    assert 'imdb: "tt0113277"' in records(site)["heat.md"]


def test_kodi_and_jellyfin_nfo_folder(site):
    report = run_import(site, "nfo", [FIXTURES / "nfo"])
    assert skipped(report) == [
        ("Some Show/tvshow.nfo:1", "a TV series (<tvshow>); only films are imported"),
        ("broken/movie.nfo:5", "not well-formed XML: mismatched tag: line 5, column 2"),
    ]
    built = films(site)
    ltr, amelie, heat = built["last-train-home"], built["amelie"], built["heat"]
    assert ltr.original_title == "归途列车" and ltr.tagline == "130 million journeys home"
    assert (ltr.runtime, ltr.content_rating, ltr.studio) == (87, "NR", "EyeSteelFilm")
    assert "annual journey home" in ltr.plot_html
    assert amelie.genres == ("Comedy", "Romance") and amelie.content_rating == "R"
    assert amelie.trailer == "https://www.youtube.com/watch?v=HUECWi5pX7o"
    assert heat.trailer == "https://www.youtube.com/watch?v=0xbBLJ1WGwQ"
    credits = {r.key: [(c.name, c.character) for c in r.people] for r in heat.credits}
    assert credits == {
        "directors": [("Michael Mann", "")],
        "writers": [("Michael Mann", "")],
        "music": [("Elliot Goldenthal", "")],
        "cast": [("Al Pacino", "Lt. Vincent Hanna"), ("Robert De Niro", "Neil McCauley")],
    }
    text = records(site)["heat.md"]
    assert 'ids:\n  imdb: "tt0113277"\n  tmdb: 949\n  wikidata: "Q309153"\n' in text
    assert 'ids:\n  imdb: "tt0211915"\n  tmdb: 194\n' in records(site)["amelie.md"]


def test_import_then_build_shows_the_imported_facts(site):
    run_import(site, "nfo", [FIXTURES / "nfo"])
    build(site)
    page = read(site, "films/last-train-home/index.html")
    assert "归途列车" in page and "1 hr 27 min" in page
    assert text_of(section(page, "credits")) == (
        "Cast & Crew Director Lixin Fan Writer Lixin Fan Cast Zhang Changhua as Self "
        "Chen Suqin as Self Released September 12, 2009 Countries Canada, China "
        "Studio EyeSteelFilm"
    )


def test_csv_with_a_mapping_file(site):
    mapping = parse_mapping([], FIXTURES / "generic/mapping.yml")
    report = run_import(site, "csv", [FIXTURES / "generic/films.csv"], mapping)
    assert skipped(report) == [
        ("films.csv:4", "no year for 'Untitled Row Without Year'"),
        ("films.csv:5", "no title"),
    ]
    written = records(site)
    assert 'title: "NO"' in written["no.md"]
    assert written["no.md"].endswith("---\nA title YAML would read as false.\n")
    tiger = films(site)["crouching-tiger-hidden-dragon"]
    assert tiger.genres == ("Action", "Drama", "Wuxia")  # merged from the duplicate row
    assert tiger.countries == ("Taiwan", "China") and tiger.runtime == 120


def test_semicolons_windows_1252_and_ratings_on_any_scale(site):
    result = invoke(
        "csv", str(FIXTURES / "generic/european.csv"), "--root", str(site),
        "--map", "title=Titel", "--map", "year=Jahr", "--map", "directors=Regie",
        "--map", "rating=Bewertung", "--map", "review=Notiz",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "note european.csv: not UTF-8; read as Windows-1252 (Latin-1)" in result.output
    assert "note european.csv: ratings read as out of 10" in result.output
    built = films(site)
    assert built["amelie"].customer_reviews[0].rating == 4  # 4/5
    assert "Ein Märchen … aus Paris." in built["amelie"].customer_reviews[0].body_html
    others = built["das-leben-der-anderen"].customer_reviews[0]
    assert others.rating == 4.5 and "Rated 9 out of 10." in others.body_html  # a bare rating
    assert built["heat"].customer_reviews[0].rating == 4  # 8 on the file's 10-point scale


def test_utf16_tab_separated_with_ids_and_a_series(site):
    report = run_import(site, "csv", [FIXTURES / "generic/unicode-text.txt"])
    assert skipped(report) == [
        ("unicode-text.txt:3", "'Sherlock' is a TV series ('TV Series'); only films are imported")
    ]
    text = records(site)["gui-tu-lie-che.md"]
    assert 'title: "归途列车"' in text
    assert 'ids:\n  imdb: "tt1512201"\n  wikidata: "Q1764396"\n' in text
    assert "ids:\n  tmdb: 25050\n" in records(site)["still-walking.md"]
    assert films(site)["still-walking"].customer_reviews[0].rating == 3.5


def test_map_pairs_override_and_bad_fields_are_refused():
    mapping = parse_mapping(["title=Name", "year=Made"], FIXTURES / "generic/mapping.yml")
    assert mapping["title"] == "Name" and mapping["runtime"] == "Minutes"
    with pytest.raises(FilmpageError, match="cannot map colour"):
        parse_mapping(["colour=Tint"], None)
    with pytest.raises(FilmpageError, match="expected field=column"):
        parse_mapping(["title"], None)


def test_every_bad_map_of_a_run_is_said_at_once(site):
    result = invoke("csv", str(FIXTURES / "generic/films.csv"), "--root", str(site),
                    "--map", "title", "--map", "year=", "--map", "colour=Tint")  # fmt: skip
    assert result.exit_code == 1
    assert "--map 'title': expected field=column" in result.output
    assert "--map 'year=': expected field=column" in result.output
    assert "cannot map colour" in result.output
    assert "Traceback" not in result.output


def test_a_mapped_column_that_does_not_exist_names_the_columns_there_are(site):
    result = invoke("csv", str(FIXTURES / "generic/films.csv"), "--root", str(site),
                    "--map", "title=Flim Name", "--map", "year=Made")  # fmt: skip
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "films.csv:1: no column 'Flim Name' (mapped to title) (did you mean 'Film Name'?); "
        "the columns are: Film Name, Made, Minutes, Kind, Helmed By, Origin, Notes"
    )
    assert not list((site / "content/films").iterdir())


def test_columns_that_name_no_field_stop_the_import(site):
    result = invoke("csv", str(FIXTURES / "generic/films.csv"), "--root", str(site))
    assert result.exit_code == 1
    assert "films.csv:1: no column gives the title or the year; name one with --map" in (
        result.output
    )


def test_a_year_that_is_not_a_number_says_so(site, tmp_path):
    export = tmp_path / "films.csv"
    export.write_text("title,year,runtime\nHeat,nineteen,\nRan,1985,about two hours\n")
    report = run_import(site, "csv", [export])
    assert skipped(report) == [
        ("films.csv:2", "year 'nineteen' is not a year (expected a number like 2009) for 'Heat'")
    ]
    assert report.notes[-1][1] == "runtime 'about two hours' is not a number of minutes; left out"


def test_json_file(site):
    report = run_import(site, "json", [FIXTURES / "generic/films.json"])
    assert skipped(report) == [("films.json, entry 3", "not an object")]  # (not line 3)
    written = records(site)
    assert 'title: "Title: Part 2"' in written["title-part-2.md"]
    built = films(site)
    assert built["still-life"].original_title == "三峡好人" and built["still-life"].year == 2006


def test_json_nested_ids_and_lists_of_objects(site, tmp_path):
    export = tmp_path / "films.json"
    export.write_text(
        '{"films": [{"title": "Heat", "year": 1995, "ids": {"imdb": "tt0113277"},'
        ' "genres": [{"id": 80, "name": "Crime"}, {"id": 18, "name": "Drama"}]}]}'
    )
    run_import(site, "json", [export])
    text = records(site)["heat.md"]
    assert 'genres: ["Crime", "Drama"]' in text and 'imdb: "tt0113277"' in text


def test_films_sharing_a_title_get_the_year_in_their_file_names(site, tmp_path):
    export = tmp_path / "heat.csv"
    export.write_text("title,year\nHeat,1986\nHeat,1995\n")
    run_import(site, "csv", [export])
    assert sorted(records(site)) == ["heat-1986.md", "heat-1995.md"]
    assert sorted(films(site)) == ["heat-1986", "heat-1995"]


def test_cli_report_on_the_terminal_and_in_a_file(site):
    site.mkdir()
    result = invoke("imdb", str(FIXTURES / "imdb/ratings.csv"), "--root", str(site))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == (
        "4 rows read: 3 created, 0 merged, 0 unchanged, 1 skipped; 0 conflicts. "
        "Report: import-report.yaml"
    )
    assert "skipped ratings.csv:5: no year for 'No: A Title With Colon'" in lines
    report = (site / "import-report.yaml").read_text(encoding="utf-8")
    assert 'summary: "4 rows read: 3 created, 0 merged, 0 unchanged, 1 skipped; 0 conflicts."' in (
        report
    )
    assert (
        '  - rows: ["ratings.csv:5"]\n'
        "    reason: \"no year for 'No: A Title With Colon'\"\n"
        "    data:\n"
        '      Const: "tt0000001"\n'
        '      "Your Rating": "5"\n'
    ) in report
    check = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert check.exit_code == 0 and "OK: 3 films" in check.output


def test_nothing_imported_is_a_failure(site, tmp_path):
    export = tmp_path / "films.csv"
    export.write_text("title,year\nHeat,\n,1995\n")
    result = invoke("csv", str(export), "--root", str(site))
    assert result.exit_code == 1
    assert "Nothing could be imported: every row was skipped" in result.output
    assert "skipped films.csv:2: no year for 'Heat'" in result.output


def test_dry_run_tells_the_truth_and_writes_nothing(site):
    result = invoke("imdb", str(FIXTURES / "imdb/list.csv"), "--root", str(site), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "would create content/films/1917.md",
        "would create content/films/gone-girl.md",
        "Dry run, nothing was written: 2 rows read: 2 created, 0 merged, 0 unchanged, "
        "0 skipped; 0 conflicts.",
    ]
    assert sorted(p.name for p in site.rglob("*")) == ["content", "filmpage.yml", "films"]


def test_force_is_gone_with_a_word_on_what_replaced_it(site):
    result = invoke("imdb", str(FIXTURES / "imdb/list.csv"), "--root", str(site), "--force")
    assert result.exit_code == 2
    assert "--force was removed: an import now merges into the records that exist" in (
        result.output
    )


def test_rows_of_one_film_that_disagree_are_noted(site, tmp_path):
    export = tmp_path / "films.csv"
    export.write_text("title,year,imdb,runtime\nHeat,1995,tt0113277,170\nHeat,1995,,171\n")
    report = run_import(site, "csv", [export])
    assert [p.notes for p in report.films] == [
        ["runtime: the rows disagree: 170 (films.csv:2) and 171 (films.csv:3); the first is "
         "imported"]
    ]  # fmt: skip
    assert "runtime: 170\n" in records(site)["heat.md"]


def test_a_new_record_has_its_slug_written_so_a_film_added_later_never_moves_it(site):
    write_site(site, {})
    run_import(site, "imdb", [FIXTURES / "imdb/list.csv"])
    assert 'slug: "gone-girl"\n' in records(site)["gone-girl.md"]
    later = site / "later.csv"
    later.write_text("Title,Year\nGone Girl,1984\n")  # the same title, imported later
    run_import(site, "csv", [later])
    built = read_films(site)
    assert built["gone-girl"].year == 2014 and built["gone-girl-1984"].year == 1984
