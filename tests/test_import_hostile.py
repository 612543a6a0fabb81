"""Imports of hostile files and faults: special files, sizes past every limit, control
characters, XML entities, JSON of the wrong shape, paths that leave content/, a full
disk. Each is a placed message and no traceback; nothing half-written is left."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.build import build
from filmpage.commands.checking import read_films
from filmpage.commands.importer import run_import
from filmpage.errors import FilmpageError

from .conftest import write_site

CORPUS = Path(__file__).parent / "hostile" / "import"


def skipped(report) -> list[tuple[str, str]]:
    return [(", ".join(str(o) for o in origins), why) for origins, why, _ in report.skipped]


def run(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """The real command in its own process, so a hang fails the test instead of the suite."""
    return subprocess.run(
        [sys.executable, "-m", "filmpage", "import", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_fifo_given_as_an_export_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "films.csv"
    os.mkfifo(fifo)
    write_site(tmp_path / "site", {})
    done = run("csv", str(fifo), "--root", "site", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "films.csv: a named pipe (FIFO), not a regular file; only files are read",
        "1 error; nothing was written.",
    ]
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "site/content/films").iterdir())


def test_a_fifo_named_movie_nfo_is_skipped_without_hanging(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(Path(__file__).parent / "fixtures/import/nfo/Amelie (2001)", library / "a")
    (library / "b").mkdir()
    os.mkfifo(library / "b/movie.nfo")
    write_site(tmp_path / "site", {})
    write_site(tmp_path / "site2", {})
    done = run("nfo", str(library), "--root", "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "skipped b/movie.nfo: a named pipe (FIFO), not a regular file; only files are read" in (
        done.stderr
    )
    assert (tmp_path / "site/content/films/amelie.md").is_file()
    direct = run("nfo", str(library / "b/movie.nfo"), "--root", "site2", cwd=tmp_path)
    assert direct.returncode == 1 and "a named pipe (FIFO)" in direct.stderr


def test_a_device_behind_an_export_name_is_refused(tmp_path, site):
    (tmp_path / "films.csv").symlink_to("/dev/zero")
    with pytest.raises(FilmpageError) as info:
        run_import(site, "csv", [tmp_path / "films.csv"])
    assert [p.message for p in info.value.problems] == [
        "a device, not a regular file; only files are read"
    ]


def test_a_300_mb_nfo_is_refused_by_its_size_before_it_is_read(tmp_path, site):
    nfo = tmp_path / "Big (2001)" / "movie.nfo"
    nfo.parent.mkdir()
    with nfo.open("wb") as handle:
        handle.write(b"<movie><title>Big</title><year>2001</year><plot>")
        handle.truncate(300 * 1024 * 1024)  # sparse: no disk used, no memory either
    report = run_import(site, "nfo", [tmp_path])
    assert skipped(report) == [
        ("Big (2001)/movie.nfo", "the file is 314,572,800 bytes; the limit is 4,194,304")
    ]


def test_an_nfo_plot_over_the_builds_limit_skips_the_film(tmp_path, site):
    nfo = tmp_path / "movie.nfo"
    nfo.write_text(
        f"<movie><title>Long</title><year>2001</year><plot>{'x' * 20_000}</plot></movie>"
    )
    report = run_import(site, "nfo", [nfo])
    assert skipped(report) == [
        (
            "movie.nfo:1",
            "the plot is 20,000 characters long; the limit for a plot or review is 10,000 "
            "(in 'Long')",
        )
    ]


def test_xml_entities_and_external_references_are_refused(site):
    report = run_import(
        site, "nfo", [CORPUS / "billion-laughs.nfo", CORPUS / "external-entity.nfo"]
    )
    reasons = dict(skipped(report))
    assert reasons["billion-laughs.nfo:1"] == (
        "refused: it declares the entity 'lol', and those are not read"
    )
    assert reasons["external-entity.nfo:1"] == (
        "refused: it declares the entity 'secret', and those are not read"
    )
    assert not (site / "content").exists()


def test_control_characters_skip_their_rows_with_the_character_named(site):
    write_site(site, {})
    report = run_import(site, "csv", [CORPUS / "control-characters.csv"])
    assert skipped(report) == [
        ("control-characters.csv:2", "title: U+0007 (BEL) at character 5 is a control "
         "character, which the build refuses"),
        ("control-characters.csv:3", "title: U+001B (ESC) at character 7 is a control "
         "character, which the build refuses"),
        ("control-characters.csv:4", "title: U+007F (DEL) at character 7 is a control "
         "character, which the build refuses"),
        ("control-characters.csv:5", "U+0085 (NEL) at character 20 is a control character, "
         "which the build refuses (in 'Next line')"),
        ("control-characters.csv:8", f"year '{'9' * 40}' is not a year (expected a number "
         "like 2009) for 'Huge year'"),
    ]  # fmt: skip
    built = {f.title: f for f in read_films(site).values()}
    assert sorted(built) == ["Fine title", "Line separator\u2028kept"]  # kept, not folded
    build(site)
    feed = (site / "site/feed.xml").read_bytes()
    assert b"\x07" not in feed and b"\x7f" not in feed


def test_a_review_over_the_limit_and_a_field_over_csvs_limit_are_skipped_rows(site, tmp_path):
    export = tmp_path / "reviews.csv"
    export.write_text(
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Review,Tags,Watched Date\n"
        f"2023-01-01,Long,2001,https://boxd.it/a,4,No,{'x' * 21_000},,2023-01-01\n"
        f"2023-01-01,Huge,2002,https://boxd.it/b,4,No,{'y' * 200_000},,2023-01-01\n"
        "2023-01-01,Fine,2003,https://boxd.it/c,4,No,Good.,,2023-01-01\n"
    )
    report = run_import(site, "letterboxd", [export])
    assert skipped(report) == [
        ("reviews.csv:2", "the review is 21,000 characters long; the limit for a plot or "
         "review is 10,000 (in 'Long')"),
        ("reviews.csv:3", "the review is 200,000 characters long; the limit for a plot or "
         "review is 10,000 (in 'Huge')"),
    ]  # fmt: skip
    assert [f.title for f in read_films(site).values()] == ["Fine"]


def test_json_nested_deep_or_of_the_wrong_shape_is_a_placed_error(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    for export, message in (
        (deep, "deep.json: JSON nested too deeply to be an export of films"),
        (
            CORPUS / "wrong-shape.json",
            'wrong-shape.json: expected a list of objects (or {"films": [...]}), but its '
            '"films" is a number',
        ),
    ):
        write_site(tmp_path / "s", {})
        result = CliRunner().invoke(
            main, ["import", "json", str(export), "--root", str(tmp_path / "s")]
        )
        assert result.exit_code == 1 and result.exception.__class__ is SystemExit
        assert result.output.splitlines() == [message, "1 error; nothing was written."]
    with pytest.raises(FilmpageError) as info:
        run_import(tmp_path / "s", "json", [CORPUS / "list-of-numbers.json"])
    assert str(info.value).startswith(
        "list-of-numbers.json:1: no column gives the title or the year"
    )


def test_a_list_name_cannot_leave_content_collections(site):
    run_import(site, "letterboxd", [CORPUS / "path-list.csv"])
    made = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.md"))
    assert made == ["content/collections/etc-passwd.md", "content/films/heat.md"]


def test_a_films_folder_linking_outside_the_site_is_refused(site, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (site / "content").mkdir(parents=True)
    (site / "content/films").symlink_to(outside)
    export = tmp_path / "films.csv"
    export.write_text("title,year\nHeat,1995\n")
    with pytest.raises(FilmpageError) as info:
        run_import(site, "csv", [export])
    assert str(info.value) == (
        "content/films/heat.md: would be written outside content/ (a folder links "
        "elsewhere); refused"
    )
    assert list(outside.iterdir()) == []


def test_a_long_title_gets_a_short_slug_and_file_name(site, tmp_path):
    export = tmp_path / "films.csv"
    export.write_text("title,year\n" + "A very long title " * 20 + ",2001\n")
    run_import(site, "csv", [export])
    [path] = (site / "content/films").iterdir()
    assert len(path.stem) <= 80 and path.stem.startswith("a-very-long-title-a-very")
    build(site)
    assert (site / "site/films" / path.stem / "index.html").is_file()


def test_leftovers_of_a_killed_import_are_ignored_then_removed(site, tmp_path):
    folder = site / "content/films"
    folder.mkdir(parents=True)
    leftover = folder / ".heat.md.1a2b3c4d.filmpage-import"
    leftover.write_text("---\ntitle: Heat\n")  # cut short by a kill
    build(site)  # hidden: the build does not read it
    export = tmp_path / "films.csv"
    export.write_text("title,year\nRan,1985\n")
    run_import(site, "csv", [export])
    assert sorted(p.name for p in folder.iterdir()) == ["ran.md"]


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB file system (tmpfs), where root may mount one; skipped otherwise."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here to fill ({done.stderr.strip()})")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_mid_import_is_reported_and_leaves_no_partial_record(small_disk, tmp_path):
    export = tmp_path / "films.csv"
    rows = [f"Film {i},{1950 + i},{'A long plot. ' * 700}" for i in range(60)]
    export.write_text("title,year,plot\n" + "\n".join(rows) + "\n")
    site = small_disk / "site"
    write_site(site, {})
    result = CliRunner().invoke(main, ["import", "csv", str(export), "--root", str(site)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    error = next(line for line in result.output.splitlines() if line.startswith("error: "))
    assert "No space left on device" in error and "not written" in error
    assert error.startswith("error: content/films/film-")
    films = site / "content/films"
    written = sorted(films.iterdir())
    assert 0 < len(written) < 60
    assert f"not written: content/films/film-{len(written)}.md" in result.output
    assert result.output.splitlines()[-1].startswith(
        f"60 rows read: {len(written)} created, 0 merged, 0 unchanged, 0 skipped; "
        f"0 conflicts; {60 - len(written)} not written."
    )
    assert not [p for p in written if p.name.startswith(".")]  # no temporary left
    assert len(read_films(site)) == len(written)  # every record written is whole


def test_ctrl_c_while_writing_leaves_whole_records_and_says_what_was_not_written(
    site, tmp_path, monkeypatch
):
    export = tmp_path / "films.csv"
    export.write_text("title,year\nAlpha,2001\nBeta,2002\nGamma,2003\n")
    real_replace, calls = os.replace, []

    def replace(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr("filmpage.importing.store.os.replace", replace)
    write_site(site, {})
    result = CliRunner().invoke(main, ["import", "csv", str(export), "--root", str(site)])
    assert result.exit_code == 130
    assert "error: content/films/beta.md: interrupted; 1 written, 2 not written" in result.output
    assert sorted(p.name for p in (site / "content/films").iterdir()) == ["alpha.md"]
