"""Imports into a catalogue that exists: one record per film across sources, matched by
identity, merged without loss, user edits kept byte for byte, conflicts reported."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.checking import read_films
from filmpage.commands.importer import run_import

from .conftest import write_site

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def kinds(report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for planned in report.films:
        out.setdefault(planned.kind, []).append(report.rel(planned.path) or planned.reason)
    return out


def conflicts(report) -> list[tuple[str, str, object, object]]:
    return [
        (report.rel(p.path), c.field, c.record, c.imported)
        for p in report.films
        for c in p.conflicts
    ]


def csv(tmp_path: Path, text: str, name: str = "films.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HAND_WRITTEN = """\
---
# My notes on this one.
title: Heat
year: 1995
runtime: 171   # the director's cut
genres: [Crime]
credits:
  directors: [Michael Mann]
---
My own plot, written by hand.
"""


def test_a_record_is_found_by_its_id_before_its_title(site, tmp_path):
    write_site(site, {"mine.md": HAND_WRITTEN.replace("genres", "ids: {imdb: tt0113277}\ngenres")})
    export = csv(tmp_path, "title,year,imdb,runtime\nHeat (Director's Cut),1996,tt0113277,170\n")
    report = run_import(site, "csv", [export])
    assert kinds(report) == {"unchanged": ["content/films/mine.md"]}
    assert conflicts(report) == [
        ("content/films/mine.md", "title", "Heat", "Heat (Director's Cut)"),
        ("content/films/mine.md", "year", "1995", 1996),
        ("content/films/mine.md", "runtime", "171", 170),
    ]


def test_title_and_year_match_and_another_year_never_does(site, tmp_path):
    write_site(site, {"mine.md": HAND_WRITTEN})
    export = csv(tmp_path, "title,year,imdb\nHEAT,1995,tt0113277\nHeat,1986,tt0091183\n")
    report = run_import(site, "csv", [export])
    assert kinds(report) == {
        "merged": ["content/films/mine.md"],
        "created": ["content/films/heat-1986.md"],
    }
    new = (site / "content/films/heat-1986.md").read_text()
    assert 'slug: "heat-1986"' in new  # so the film already here keeps its URL
    assert set(read_films(site)) == {"heat", "heat-1986"}


def test_directors_tell_films_of_one_title_and_year_apart(site, tmp_path):
    write_site(site, {"mine.md": HAND_WRITTEN})
    export = csv(tmp_path, "title,year,directors\nHeat,1995,Someone Else\n")
    report = run_import(site, "csv", [export])
    assert kinds(report) == {"created": ["content/films/heat-1995.md"]}


def test_different_ids_are_different_films_whatever_their_titles(site, tmp_path):
    write_site(site, {"mine.md": HAND_WRITTEN.replace("genres", "ids: {imdb: tt0113277}\ngenres")})
    export = csv(tmp_path, "title,year,imdb\nHeat,1995,tt9999999\n")
    report = run_import(site, "csv", [export])
    assert kinds(report) == {"created": ["content/films/heat-1995.md"]}


def test_a_row_matching_two_records_is_skipped_with_both_named(site, tmp_path):
    write_site(site, {"a.md": "---\ntitle: Heat\nyear: 1995\n---\n",
                      "b.md": "---\ntitle: Heat\nyear: 1995\nslug: heat-b\n---\n"})  # fmt: skip
    report = run_import(site, "csv", [csv(tmp_path, "title,year\nHeat,1995\n")])
    assert kinds(report) == {
        "skipped": [
            "matches 2 records (content/films/a.md, content/films/b.md); add ids to tell them apart"
        ]
    }


def test_a_second_source_adds_what_the_record_lacks_and_keeps_what_it_holds(site, tmp_path):
    write_site(site, {"heat.md": HAND_WRITTEN})
    before = (site / "content/films/heat.md").read_text()
    report = run_import(site, "nfo", [FIXTURES / "nfo/Heat (1995)"])
    after = (site / "content/films/heat.md").read_text()
    assert kinds(report) == {"merged": ["content/films/heat.md"]}
    # every line written by hand is still there, in its place, byte for byte
    assert after.startswith(before.split("---\nMy own")[0])
    assert after.endswith("---\nMy own plot, written by hand.\n")
    assert sorted(conflicts(report)) == [
        ("content/films/heat.md", "genres", ["Crime"], ["Crime", "Drama", "Thriller"]),
        (
            "content/films/heat.md",
            "plot",
            "My own plot, written by hand.",
            "A group of high-end professional thieves start to feel the heat from the LAPD "
            "when they unknowingly leave a clue at their latest heist.",
        ),
        ("content/films/heat.md", "runtime", "171", 170),
    ]
    film = read_films(site)["heat"]
    assert film.runtime == 171 and film.genres == ("Crime",)
    assert film.tagline == "A Los Angeles crime saga." and film.content_rating == "R"
    assert [c.name for r in film.credits if r.key == "cast" for c in r.people] == [
        "Al Pacino",
        "Robert De Niro",
    ]
    assert 'ids:\n  imdb: "tt0113277"\n  tmdb: 949\n  wikidata: "Q309153"\n' in after
    letterboxd = csv(
        tmp_path,
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
        "2023-03-02,Heat,1995,https://boxd.it/2bg,5,No,The coffee shop scene.,,2023-03-01\n",
        "reviews.csv",
    )
    again = run_import(site, "letterboxd", [letterboxd])
    assert kinds(again) == {"merged": ["content/films/heat.md"]}
    text = (site / "content/films/heat.md").read_text()
    assert '  - {body: "The coffee shop scene.", rating: 5, date: 2023-03-01}\n' in text
    assert 'format: "nfo, letterboxd"' in text and "# the director's cut" in text


def test_round_trip_an_edit_by_hand_survives_a_reimport(site, tmp_path):
    export = csv(tmp_path, "title,year,runtime,genres,review,rating\n"
                           "Ran,1985,162,\"Drama, War\",Epic.,5\n")  # fmt: skip
    run_import(site, "csv", [export])
    path = site / "content/films/ran.md"
    text = path.read_text()
    edited = (
        text.replace("runtime: 162\n", "runtime: 160  # my copy\n")
        .replace('title: "Ran"\n', 'title: "Ran"\n# a comment of mine\ntagline: Mine\n')
        .replace('body: "Epic."', 'body: "Epic, and I fixed a typo."')
    )
    path.write_text(edited)
    stamp = os.stat(path)
    report = run_import(site, "csv", [export])
    assert kinds(report) == {"unchanged": ["content/films/ran.md"]}
    assert conflicts(report) == []  # the source did not change: the edits are simply kept
    assert path.read_text() == edited
    assert os.stat(path).st_mtime_ns == stamp.st_mtime_ns  # not even rewritten
    assert os.stat(path).st_ino == stamp.st_ino


def test_update_takes_a_changed_source_only_where_nobody_edited(site, tmp_path):
    export = csv(tmp_path, "title,year,runtime,languages,tagline\nRan,1985,162,Japanese,Old\n")
    run_import(site, "csv", [export])
    path = site / "content/films/ran.md"
    path.write_text(path.read_text().replace('tagline: "Old"', 'tagline: "Mine"  # keep'))
    changed = csv(tmp_path, "title,year,runtime,languages,tagline\nRan,1985,160,Japanese,New\n")
    plain = run_import(site, "csv", [changed])
    assert kinds(plain) == {"unchanged": ["content/films/ran.md"]}
    assert conflicts(plain) == [
        ("content/films/ran.md", "tagline", "Mine", "New"),
        ("content/films/ran.md", "runtime", "162", 160),
    ]
    updated = run_import(site, "csv", [changed], update=True)
    assert kinds(updated) == {"merged": ["content/films/ran.md"]}
    assert updated.films[0].changes == ["runtime"]
    text = path.read_text()
    assert "runtime: 160\n" in text and 'tagline: "Mine"  # keep' in text
    assert kinds(run_import(site, "csv", [changed], update=True)) == {
        "unchanged": ["content/films/ran.md"]
    }


def test_a_value_removed_by_hand_is_not_added_again(site, tmp_path):
    export = csv(tmp_path, "title,year,runtime,tagline\nRan,1985,162,Chaos\n")
    run_import(site, "csv", [export])
    path = site / "content/films/ran.md"
    path.write_text(path.read_text().replace('tagline: "Chaos"\n', ""))
    report = run_import(site, "csv", [export])
    assert kinds(report) == {"unchanged": ["content/films/ran.md"]}
    assert "\ntagline:" not in path.read_text()


def test_update_keeps_a_yaml_record_yaml(site, tmp_path):
    write_site(site, {"ran.yaml": "# kept\ntitle: Ran\nyear: 1985\nplot: |\n  Lear, in Japan.\n"})
    export = csv(tmp_path, "title,year,runtime,imdb\nRan,1985,162,tt0089881\n")
    report = run_import(site, "csv", [export], update=True)
    assert kinds(report) == {"merged": ["content/films/ran.yaml"]}
    text = (site / "content/films/ran.yaml").read_text()
    assert text.startswith("# kept\ntitle: Ran\nyear: 1985\nplot: |\n  Lear, in Japan.\n")
    assert "---" not in text and 'imdb: "tt0089881"' in text
    film = read_films(site)["ran"]
    assert film.runtime == 162 and "Lear, in Japan." in film.plot_html
    assert not list((site / "content/films").glob("*.md"))


def test_windows_line_endings_and_a_byte_order_mark_are_kept(site, tmp_path):
    path = site / "content/films/ran.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xef\xbb\xbf---\r\ntitle: Ran\r\nyear: 1985\r\n---\r\nPlot.\r\n")
    run_import(site, "csv", [csv(tmp_path, "title,year,runtime\nRan,1985,162\n")])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\ntitle: Ran\r\nyear: 1985\r\nruntime: 162\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_a_record_the_user_broke_is_left_alone(site, tmp_path):
    write_site(site, {"ran.md": "---\ntitle: Ran\nyear: 1985\nruntime: long\n---\n"})
    report = run_import(site, "csv", [csv(tmp_path, "title,year,tagline\nRan,1985,Chaos\n")])
    assert kinds(report)["skipped"][0].startswith(
        "content/films/ran.md has errors; fix them and import again: content/films/ran.md:4:10:"
    )
    assert "Chaos" not in (site / "content/films/ran.md").read_text()


def test_a_review_imported_before_is_not_added_again_after_an_edit(site, tmp_path):
    reviews = csv(
        tmp_path,
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
        "2023-03-02,Ran,1985,https://boxd.it/x,5,No,Mighty.,,2023-03-01\n",
        "reviews.csv",
    )
    run_import(site, "letterboxd", [reviews])
    path = site / "content/films/ran.md"
    path.write_text(path.read_text().replace("Mighty.", "Mighty, and sad."))
    report = run_import(site, "letterboxd", [reviews])
    assert kinds(report) == {"unchanged": ["content/films/ran.md"]}
    assert path.read_text().count("body:") == 1


def test_a_relisted_letterboxd_list_adds_to_the_collection_and_keeps_its_order(site):
    run_import(site, "letterboxd", [FIXTURES / "letterboxd/lists/journeys-home.csv"])
    path = site / "content/collections/journeys-home.md"
    path.write_text(
        path.read_text().replace('  - "still-walking"\n', "").replace("title:", "# mine\ntitle:")
    )
    text = path.read_text()
    listed = FIXTURES / "letterboxd/lists/journeys-home.csv"
    report = run_import(site, "letterboxd", [listed])
    assert [c.kind for c in report.collections] == ["merged"]
    assert path.read_text() == text.replace("---\nFilms", '  - "still-walking"\n---\nFilms')


def test_ten_thousand_rows(site, tmp_path):
    lines = ["title,year,runtime,genres,directors,imdb"]
    lines += [
        f"Film number {i},{1900 + i % 120},{60 + i % 100},Drama,Director {i % 500},"
        f"tt{1000000 + i:07d}"
        for i in range(10_000)
    ]
    export = csv(tmp_path, "\n".join(lines) + "\n")
    first = run_import(site, "csv", [export])
    assert len(first.of("created")) == 10_000 and not first.skipped
    films = read_films(site, jobs=2)
    assert len(films) == 10_000
    assert films["film-number-9999"].runtime == 60 + 9999 % 100
    again = run_import(site, "csv", [export])
    assert len(again.of("unchanged")) == 10_000 and not again.of("merged")


def test_cli_lists_conflicts_with_both_values(site, tmp_path):
    write_site(site, {"heat.md": HAND_WRITTEN})
    export = csv(tmp_path, "title,year,runtime\nHeat,1995,170\n")
    write_site(site, {})
    result = CliRunner().invoke(main, ["import", "csv", str(export), "--root", str(site)])
    assert result.exit_code == 0, result.output
    assert (
        "conflict content/films/heat.md: runtime: the record has '171', films.csv:2 gives 170; "
        "the record's value is kept"
    ) in result.output.splitlines()
    report = (site / "import-report.yaml").read_text()
    assert (
        'conflicts:\n  - record: "content/films/heat.md"\n    field: "runtime"\n'
        '    record_value: "171"\n    import_value: 170\n'
    ) in report


def test_a_film_that_may_be_the_one_of_a_record_that_cannot_be_read_waits_for_it(site, tmp_path):
    # the record heat.md cannot be read: a new "Heat" would take its URL once it is fixed
    write_site(site, {"heat.md": "---\ntitle: [unclosed\n---\n"})
    report = run_import(site, "csv", [csv(tmp_path, "title,year\nHeat,1995\nAlien,1979\n")])
    assert kinds(report) == {
        "created": ["content/films/alien.md"],
        "skipped": ["may be the film of content/films/heat.md, which cannot be read; fix it first"],
    }
    assert not (site / "content/films/heat-1995.md").exists()
    where, note = report.notes[-1]
    assert str(where) == "content/films/heat.md"
    assert note.startswith("cannot be read (content/films/heat.md:3:1: invalid YAML")
    assert note.endswith("films in it are not recognised")
    assert (site / "content/films/heat.md").read_text() == "---\ntitle: [unclosed\n---\n"


def test_a_plot_is_added_to_a_record_without_one(site, tmp_path):
    path = site / "content/films/ran.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\ntitle: Ran\nyear: 1985\n---")  # no line end after the front matter
    run_import(site, "csv", [csv(tmp_path, "title,year,plot\nRan,1985,Lear in Japan.\n")])
    assert path.read_text().endswith("---\nLear in Japan.\n")
    assert "Lear in Japan." in read_films(site)["ran"].plot_html
