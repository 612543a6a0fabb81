"""Imports again over a catalogue the user has worked on: what they wrote or removed
stays so, whichever format imports next; new films never take a URL that is in use;
messages are deterministic and safe to print."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.checking import read_films
from filmpage.commands.importer import run_import

from .conftest import write_site


def table(tmp_path: Path, text: str, name: str = "films.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def outcome(report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for planned in report.films:
        out.setdefault(planned.kind, []).append(report.rel(planned.path) or planned.reason)
    return out


def notes(report) -> list[str]:
    return [n for p in report.films for n in p.notes]


def test_a_plot_written_in_the_front_matter_is_the_records_plot(site, tmp_path):
    write_site(site, {"heat.md": '---\ntitle: Heat\nyear: 1995\nplot: "Mine, by hand."\n---\n'})
    report = run_import(site, "csv", [table(tmp_path, "title,year,plot\nHeat,1995,Theirs.\n")])
    assert outcome(report) == {"unchanged": ["content/films/heat.md"]}
    assert [c.field for c in report.films[0].conflicts] == ["plot"]
    assert "Mine, by hand." in read_films(site)["heat"].plot_html


def test_a_field_removed_by_hand_is_not_brought_back_by_another_format(site, tmp_path):
    run_import(site, "csv", [table(tmp_path, "title,year,runtime,tagline\nRan,1985,162,Chaos\n")])
    path = site / "content/films/ran.md"
    path.write_text(path.read_text().replace("runtime: 162\n", ""))
    films = tmp_path / "films.json"
    films.write_text(json.dumps([{"title": "Ran", "year": 1985, "runtime": 162}]))
    report = run_import(site, "json", [films])
    assert outcome(report) == {"unchanged": ["content/films/ran.md"]}
    assert "\nruntime:" not in path.read_text()
    removed = "runtime: removed by hand after an earlier import (csv); not added again"
    assert notes(report) == [removed]


RATINGS = "Date,Name,Year,Letterboxd URI,Rating\n{day},Ran,1985,https://boxd.it/x,{stars}\n"


def test_a_changed_rating_replaces_the_one_imported_and_is_never_a_second_review(site, tmp_path):
    first = table(tmp_path, RATINGS.format(day="2023-01-01", stars=4), "ratings.csv")
    run_import(site, "letterboxd", [first])
    changed = tmp_path / "later"
    changed.mkdir()
    later = table(changed, RATINGS.format(day="2023-06-01", stars=3.5), "ratings.csv")
    kept = run_import(site, "letterboxd", [later])
    assert outcome(kept) == {"unchanged": ["content/films/ran.md"]}
    assert "--update takes it" in kept.films[0].conflicts[0].hint
    updated = run_import(site, "letterboxd", [later], update=True)
    assert outcome(updated) == {"merged": ["content/films/ran.md"]}
    reviews = read_films(site)["ran"].customer_reviews
    assert [(r.rating, r.body_html) for r in reviews] == [
        (3.5, "<p>Rated 3.5 out of 5 on Letterboxd.</p>")
    ]


def test_a_new_film_never_takes_another_films_alias(site, tmp_path):
    write_site(site, {"old.md": "---\ntitle: Old Title\nyear: 1990\naliases: [heat]\n---\n"})
    report = run_import(site, "csv", [table(tmp_path, "title,year\nHeat,1995\n")])
    assert outcome(report) == {"created": ["content/films/heat-1995.md"]}
    assert 'slug: "heat-1995"' in (site / "content/films/heat-1995.md").read_text()
    assert set(read_films(site)) == {"old-title", "heat-1995"}  # the site builds


def test_two_new_films_of_one_title_and_year_both_get_a_record(site, tmp_path):
    rows = "title,year,imdb\nHamlet,1990,tt0099726\nHamlet,1990,tt0099727\n"
    report = run_import(site, "csv", [table(tmp_path, rows)])
    assert outcome(report) == {
        "created": ["content/films/hamlet-1990.md", "content/films/hamlet-1990-2.md"]
    }
    assert set(read_films(site)) == {"hamlet-1990", "hamlet-1990-2"}


def test_a_rating_above_its_scale_is_left_out_and_the_film_imported(site, tmp_path):
    report = run_import(site, "csv", [table(tmp_path, "title,year,rating\nBig,2008,150\n")])
    assert outcome(report) == {"created": ["content/films/big.md"]}
    assert "customer_reviews" not in (site / "content/films/big.md").read_text()
    said = [note for _, note in report.notes] + notes(report)
    assert "rating 150 is above the scale (out of 100); left out" in said


def test_a_skip_names_the_records_in_the_same_order_whatever_the_hash_seed(site, tmp_path):
    write_site(site, {name: f"---\ntitle: {name[:5].title()}\nyear: 2001\n---\n"
                      for name in ("bravo.md", "alpha.md")})  # fmt: skip
    export = table(tmp_path, "Title,Original Title,Year\nAlpha,Bravo,2001\n")
    reasons = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run(
            [sys.executable, "-m", "filmpage", "import", "csv", str(export), "--dry-run",
             "--root", str(site)],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed},
        )  # fmt: skip
        reasons.add(next(line for line in done.stderr.splitlines() if "matches 2" in line))
    assert reasons == {
        f"skipped {export.name}:2: matches 2 records (content/films/alpha.md, "
        "content/films/bravo.md); add ids to tell them apart"
    }


def test_control_characters_from_a_file_are_printed_as_escapes(site, tmp_path):
    write_site(site, {})
    export = table(tmp_path, "Title,\x1b]0;pwned\x07Evil\nHeat,1995\n")
    result = CliRunner().invoke(main, ["import", "csv", str(export), "--root", str(site)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b]0;pwned\\x07Evil" in result.output


def test_quiet_shows_conflicts_and_skips_but_not_notes(site, tmp_path):
    write_site(site, {"ran.md": "---\ntitle: Ran\nyear: 1985\nruntime: 160\n---\n"})
    export = table(tmp_path, "title,year,runtime\nRan,1985,162\nNo Year,,90\n")
    args = ["import", "csv", str(export), "--root", str(site)]
    loud = CliRunner().invoke(main, args)
    quiet = CliRunner().invoke(main, [*args, "-q"])
    assert any(line.startswith("note ") for line in loud.output.splitlines())
    lines = quiet.output.splitlines()
    assert not any(line.startswith("note ") for line in lines)
    assert any(line.startswith("conflict ") for line in lines)
    assert any(line.startswith("skipped ") for line in lines)


def test_a_mapping_that_is_a_named_pipe_is_refused_not_waited_on(site, tmp_path):
    write_site(site, {})
    pipe = tmp_path / "mapping.yml"
    os.mkfifo(pipe)
    export = table(tmp_path, "Name,Made\nHeat,1995\n")
    done = subprocess.run(
        [sys.executable, "-m", "filmpage", "import", "csv", str(export), "--mapping", str(pipe),
         "--root", str(site)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert "cannot read the mapping: a named pipe (FIFO), not a regular file" in done.stderr


def test_a_long_title_gets_a_slug_of_80_characters_at_most(site, tmp_path):
    report = run_import(site, "csv", [table(tmp_path, f"title,year\n{'A' * 300},2001\n")])
    (created,) = report.films
    assert len(created.slug) <= 80 and len(read_films(site)[created.slug].slug) <= 80


def test_a_temporary_file_left_in_a_sub_folder_is_removed(site, tmp_path):
    left = site / "content/films/old/.heat.md.1a2b3c4d.filmpage-import"
    left.parent.mkdir(parents=True)
    left.write_text("half a rec")
    run_import(site, "csv", [table(tmp_path, "title,year\nRan,1985\n")])
    assert not left.exists()


def test_imdbs_null_is_no_value(site, tmp_path):
    rows = "tconst\ttitleType\tprimaryTitle\tstartYear\tgenres\ntt0089881\tmovie\tRan\t1985\t\\N\n"
    report = run_import(site, "csv", [table(tmp_path, rows, "title.basics.tsv")])
    assert outcome(report) == {"created": ["content/films/ran.md"]}
    assert "genres" not in (site / "content/films/ran.md").read_text()


def test_update_adds_to_a_block_list_at_its_end_and_keeps_its_comments(site, tmp_path):
    run_import(site, "csv", [table(tmp_path, "title,year,genres\nRan,1985,Drama|Crime\n")])
    path = site / "content/films/ran.md"
    text = path.read_text()
    block = "genres:\n  # keep Drama first\n  - Drama\n  - Crime   # see the interview\n"
    path.write_text(text.replace('genres: ["Drama", "Crime"]\n', block))
    assert block in path.read_text()
    later = table(tmp_path, "title,year,genres\nRan,1985,Drama|Crime|War\n")
    report = run_import(site, "csv", [later], update=True)
    assert outcome(report) == {"merged": ["content/films/ran.md"]}
    assert block + '  - "War"\n' in path.read_text()


def test_a_record_whose_title_or_id_the_user_changed_is_still_found(site, tmp_path):
    export = table(tmp_path, "title,year,imdb,runtime\nHeat,1995,tt0113278,170\n")
    run_import(site, "csv", [export])
    path = site / "content/films/heat.md"
    edited = path.read_text().replace('title: "Heat"', 'title: "Heat (1995)"')
    path.write_text(edited.replace('imdb: "tt0113278"', 'imdb: "tt0113277"'))  # corrected
    report = run_import(site, "csv", [export])
    assert outcome(report) == {"unchanged": ["content/films/heat.md"]}
    assert [p.name for p in (site / "content/films").iterdir()] == ["heat.md"]


def test_a_folder_given_for_a_file_is_named_as_given(site, tmp_path):
    write_site(site, {})
    (tmp_path / "exports/csv").mkdir(parents=True)
    result = CliRunner().invoke(
        main, ["import", "csv", str(tmp_path / "exports/csv"), "--root", str(site)]
    )
    assert result.exit_code == 1
    assert f"{tmp_path / 'exports/csv'}: a folder, not a regular file" in result.output


def test_another_film_of_one_title_and_year_is_never_taken_for_the_one_imported(site, tmp_path):
    run_import(site, "csv", [table(tmp_path, "title,year,imdb\nHamlet,1990,tt0099726\n")])
    both = table(tmp_path, "title,year,imdb\nHamlet,1990,tt0099726\nHamlet,1990,tt0099727\n")
    report = run_import(site, "csv", [both])
    assert sorted(outcome(report)) == ["created", "unchanged"]
    assert len(list((site / "content/films").iterdir())) == 2


def test_update_never_takes_a_changed_name_for_an_addition(site, tmp_path):
    run_import(site, "csv", [table(tmp_path, "title,year,genres\nRan,1985,Drama\n")])
    later = table(tmp_path, "title,year,genres\nRan,1985,drama|War\n")
    report = run_import(site, "csv", [later], update=True)
    assert outcome(report) == {"merged": ["content/films/ran.md"]}
    assert 'genres: ["drama", "War"]' in (site / "content/films/ran.md").read_text()
    again = run_import(site, "csv", [later], update=True)
    assert outcome(again) == {"unchanged": ["content/films/ran.md"]}
    assert not again.films[0].conflicts


def test_an_nfo_trailer_that_is_not_a_web_link_is_left_out_with_a_note(site, tmp_path):
    write_site(site, {})
    nfo = tmp_path / "Heat (1995).nfo"
    nfo.write_text("<movie><title>Heat</title><year>1995</year>"
                   "<trailer>javascript:alert(1)</trailer></movie>")  # fmt: skip
    report = run_import(site, "nfo", [nfo])
    assert outcome(report) == {"created": ["content/films/heat.md"]}
    said = [note for _, note in report.notes] + notes(report)
    assert "trailer 'javascript:alert(1)' is not an http(s) URL; left out" in said
    assert "javascript" not in (site / "content/films/heat.md").read_text()
