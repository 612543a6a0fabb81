"""What an import writes never harms what is there: the report is written as records are
(never through a link), whatever the rows hold; a record is edited only where it changes;
a record the build refuses is waited for, not doubled."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.importer import run_import

from .conftest import write_site
from .test_import_merge import csv as _csv
from .test_import_merge import kinds as _kinds


def test_the_report_is_never_written_through_a_link(site, tmp_path):
    write_site(site, {})
    precious = tmp_path / "precious.txt"
    precious.write_text("PRECIOUS\n")
    for name in (".import-report.yaml.tmp", "import-report.yaml"):
        (site / name).symlink_to(precious)
    result = CliRunner().invoke(
        main, ["import", "csv", str(_csv(tmp_path, "title,year\nRan,1985\n")), "--root", str(site)]
    )
    assert result.exit_code == 0, result.output
    assert precious.read_text() == "PRECIOUS\n"
    report = site / "import-report.yaml"
    assert not report.is_symlink() and "created" in report.read_text()


def test_a_row_skipped_for_a_lone_surrogate_is_in_the_report_without_a_traceback(site, tmp_path):
    write_site(site, {})
    rows = tmp_path / "films.json"
    rows.write_text('[{"title": "Sur\\ud800rogate", "year": 2000}, {"title": "Ok", "year": 2001}]')
    result = CliRunner().invoke(main, ["import", "json", str(rows), "--root", str(site)])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert (site / "content/films/ok.md").exists()
    assert "\\ud800" in (site / "import-report.yaml").read_text(encoding="utf-8")


def test_a_record_with_mixed_line_endings_is_left_as_written(site, tmp_path):
    path = site / "content/films/ran.md"
    path.parent.mkdir(parents=True)
    data = b"---\r\ntitle: Ran\nyear: 1985\r\n---\nA plot\rwith a lone CR.\n"
    path.write_bytes(data)
    (site / "filmpage.yml").write_text("base_url: https://example.org/\n")
    report = run_import(site, "csv", [_csv(tmp_path, "title,year,runtime\nRan,1985,162\n")])
    assert path.read_bytes() == data
    assert not _kinds(report).get("merged")


def test_a_new_film_waits_for_a_record_of_its_name_that_the_build_refuses(site, tmp_path):
    write_site(site, {"brazil.md": "---\nyear: 1985\n---\nMy notes.\n"})  # no title yet
    report = run_import(site, "csv", [_csv(tmp_path, "title,year\nBrazil,1985\n")])
    (reason,) = _kinds(report)["skipped"]
    assert reason.startswith(
        "may be the film of content/films/brazil.md, which the build refuses; fix it first: "
    )
    assert sorted(os.listdir(site / "content/films")) == ["brazil.md"]


def test_fields_added_under_a_mapping_written_as_null(site, tmp_path):
    record = "---\ntitle: A2\nyear: 2002\nids: ~\ncredits: null\nruntime: 5\n---\n"
    write_site(site, {"a2.md": record})
    rows = "Title,Year,Director,Cast,IMDb ID,TMDB ID\nA2,2002,D2,C2,tt7654321,22\n"
    report = run_import(site, "csv", [_csv(tmp_path, rows)])
    assert _kinds(report) == {"merged": ["content/films/a2.md"]}
    text = (site / "content/films/a2.md").read_text()
    assert "tt7654321" in text and "D2" in text and "C2" in text and "22" in text
    assert text.startswith("---\ntitle: A2\nyear: 2002\n") and "runtime: 5\n" in text


def test_a_field_is_added_after_a_block_scalar_that_ends_the_front_matter(site, tmp_path):
    write_site(
        site, {"rocky.md": "---\ntitle: Rocky\nyear: 1976\ntagline: >\n  Folded tag\n---\nBody.\n"}
    )
    report = run_import(site, "csv", [_csv(tmp_path, "Title,Year,Runtime\nRocky,1976,120\n")])
    assert _kinds(report) == {"merged": ["content/films/rocky.md"]}
    text = (site / "content/films/rocky.md").read_text()
    assert text.startswith("---\ntitle: Rocky\nyear: 1976\ntagline: >\n  Folded tag\n")
    assert "runtime: 120" in text and text.endswith("---\nBody.\n")


def test_a_collection_with_mixed_line_endings_is_left_as_written(site):
    lists = Path(__file__).parent / "fixtures/import/letterboxd/lists/journeys-home.csv"
    run_import(site, "letterboxd", [lists])
    path = site / "content/collections/journeys-home.md"
    text = path.read_text().replace('  - "still-walking"\n', "")
    data = text.replace("\n", "\r\n", 2).encode()  # the first two lines in CR LF, the rest LF
    path.write_bytes(data)
    report = run_import(site, "letterboxd", [lists])
    assert [c.kind for c in report.collections] == ["skipped"]
    assert "end in more than one way" in report.collections[0].reason
    assert path.read_bytes() == data
