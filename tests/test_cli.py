"""The command line, through click's CliRunner and as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from filmpage import __version__
from filmpage.cli import main

from .conftest import film, read, write_site


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args))
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args))
    finally:
        os.chdir(old)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.output == f"filmpage, version {__version__}\n"


def test_help_lists_every_command():
    result = run("--help")
    for command in ("build", "check", "new", "init", "serve"):
        assert f"  {command} " in result.output


def test_each_command_has_help():
    for command in ("build", "check", "new", "init", "serve"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Usage: filmpage " + command in result.output


def test_build_prints_one_summary_line(site):
    write_site(site, {"a.md": film()})
    result = run("build", "--root", str(site))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "Built 1 film, 13 pages (13 rendered, 0 reused, 0 removed), 0 warnings in "
    )


def test_build_quiet_prints_nothing(site):
    write_site(site, {"a.md": film()})
    result = run("build", "-q", "--root", str(site))
    assert result.exit_code == 0 and result.output == ""


def test_build_errors_are_listed_with_exit_1_and_no_traceback(site):
    write_site(site, {"a.md": film(year=1200), "b.md": film("B", genre="x", related="[zz]")})
    result = run("build", "--root", str(site))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "content/films/a.md:3:7: year: expected a whole number from 1870 to 2100, got 1200",
        "content/films/b.md:4:1: warning: genre: unknown field; did you mean 'genres'?",
        "content/films/b.md:5:11: related[0]: no film with slug 'zz' in this catalogue; "
        "expected the slug of a film here, or an external title {title, director, year, url}",
        "2 errors, 1 warning; nothing was written.",
    ]
    assert "Traceback" not in result.output
    assert not (site / "site").exists()


def test_a_full_disk_names_the_file_whose_write_failed(site, monkeypatch):
    write_site(site, {"a.md": film("Alpha")})

    def full(fd, data):  # as the system says it: no file named
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("filmpage.write.os.write", full)
    result = run("build", "--jobs", "1", "--root", str(site))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "error: No space left on device: " in result.output
    named = result.output.split("No space left on device: ")[1].splitlines()[0]
    assert named.startswith(str(site)) and named.endswith((".html", ".png"))  # the file


def test_a_full_disk_is_reported_without_a_traceback_and_the_site_is_kept(site, monkeypatch):
    write_site(site, {"a.md": film("Alpha")})
    assert run("build", "-q", "--root", str(site)).exit_code == 0
    before = {p: p.read_bytes() for p in (site / "site").rglob("*") if p.is_file()}
    write_site(site, {"a.md": film("Alpha", runtime=99)})

    def full(target, rel, data):
        raise OSError(28, "No space left on device", str(target / rel))

    monkeypatch.setattr("filmpage.commands.output.write_file", full)
    result = run("build", "--clean", "--jobs", "1", "--root", str(site))
    assert result.exit_code == 1
    assert "error: No space left on device: " in result.output
    assert "The build stopped. The output folder was left as it was" in result.output
    assert "Traceback" not in result.output
    after = {p: p.read_bytes() for p in (site / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not list(site.glob(".site.new-*"))  # no half-written output left behind


def test_an_error_of_the_machine_in_another_command_names_the_file_and_nothing_else(site):
    (site / "content").mkdir(parents=True)
    (site / "filmpage.yml").write_text("title: Club\n")
    (site / "content" / "films").write_text("a file where the records' folder goes")
    result = run("new", "Heat", "--year", "1995", "--root", str(site))
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"error: File exists: {site / 'content' / 'films'}"]


def test_build_drafts_and_out(site, tmp_path):
    write_site(site, {"a.md": film(draft="true")})
    out = tmp_path / "out"
    result = run("build", "--root", str(site), "--drafts", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "films/a-film/index.html").is_file()


def test_build_strict(site):
    write_site(site, {"a.md": film(colour="red")})
    assert run("build", "--root", str(site)).exit_code == 0
    result = run("build", "--strict", "--root", str(site))
    assert result.exit_code == 1
    assert "content/films/a.md:4:1: colour: unknown field" in result.output


def test_check_writes_nothing(site):
    write_site(site, {"a.md": film()})
    result = run("check", "--root", str(site))
    assert result.exit_code == 0 and result.output == "OK: 1 film, 0 warnings.\n"
    assert not (site / "site").exists()
    (site / "content/films/b.md").write_text("---\ntitle: B\n---\n")
    result = run("check", "--root", str(site))
    assert result.exit_code == 1
    assert "content/films/b.md:2:1: year: required field is missing" in result.output
    (site / "content/films/b.md").write_text(film("B", colour="red"))  # an unknown field
    result = run("check", "--root", str(site))
    assert result.exit_code == 0 and result.output.endswith("OK: 2 films, 1 warning.\n")


def test_new_writes_a_record_that_builds_and_refuses_to_overwrite(site):
    site.mkdir()
    (site / "filmpage.yml").write_text("base_url: https://example.org/\n")
    result = run("new", "Les Misérables: Part 1", "--year", "2012", "--root", str(site))
    assert result.exit_code == 0
    path = site / "content/films/les-miserables-part-1.md"
    assert result.output == "created content/films/les-miserables-part-1.md\n"
    assert 'title: "Les Misérables: Part 1"' in path.read_text()
    assert run("check", "--drafts", "--root", str(site)).exit_code == 0
    path.write_text(path.read_text().replace("draft: true", "draft: false"))
    assert run("build", "--root", str(site)).exit_code == 0
    assert "Les Misérables: Part 1" in read(site, "films/les-miserables-part-1/index.html")
    again = run("new", "Les Misérables: Part 1", "--year", "2012", "--root", str(site))
    assert again.exit_code == 1
    assert (
        "content/films/les-miserables-part-1.md: already holds Les Misérables: Part 1 (2012)"
        in again.output
    )


def test_new_rejects_a_year_out_of_range(site):
    site.mkdir()
    (site / "filmpage.yml").write_text("title: Club\n")
    result = run("new", "X", "--year", "3000", "--root", str(site))
    assert result.exit_code == 1 and "--year 3000: out of range" in result.output


def test_init_creates_a_site_that_builds(tmp_path):
    result = run("init", "newsite", "--title", "Club Films", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    site = tmp_path / "newsite"
    assert (site / "filmpage.yml").is_file()
    assert run("build", "--root", str(site)).exit_code == 0
    assert "Club Films" in read(site, "index.html")
    assert (site / "site/films/example-film/index.html").is_file()
    again = run("init", "newsite", cwd=tmp_path)
    assert again.exit_code == 1 and "is not empty" in again.output


def test_init_inside_a_repository_says_where_github_looks_for_workflows(tmp_path):
    (tmp_path / "mono/.git").mkdir(parents=True)
    result = run("init", "docs-site", cwd=tmp_path / "mono")
    assert result.exit_code == 0, result.output
    assert f"is inside the git repository {tmp_path / 'mono'}, and GitHub runs only" in " ".join(
        result.output.split()
    )
    alone = run("init", "alone", cwd=tmp_path)
    assert "git repository" not in alone.output


def test_debug_shows_the_traceback(site):
    write_site(site, {"a.md": film(year=1200)})
    result = run("build", "--debug", "--root", str(site))
    assert result.exit_code == 1 and result.exception is not None
    assert type(result.exception).__name__ == "FilmpageError"


def test_real_subprocess_build_from_the_site_folder(site):
    write_site(site, {"a.md": film()})
    done = subprocess.run(
        [sys.executable, "-m", "filmpage", "build"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built 1 film, 13 pages (13 rendered, 0 reused")
    assert done.stdout.rstrip().endswith("-> site")
    bad = write_site(site, {"b.md": "---\ntitle: [\n---\n"})
    done = subprocess.run(
        [sys.executable, "-m", "filmpage", "build"],
        cwd=bad,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("content/films/b.md:3:1: invalid YAML")
    assert "Traceback" not in done.stderr


def test_build_progress_is_reported_for_builds_that_take_a_while(site, monkeypatch):
    from filmpage.cli.common import ProgressReport

    write_site(site, {"a.md": film(), "b.md": film("B")})
    monkeypatch.setattr(ProgressReport, "DELAY", 0.0)  # as if the build were slow
    result = run("build", "--root", str(site), "--jobs", "1")
    lines = result.output.splitlines()
    assert "loading 2/2" in lines and "rendering 14/14" in lines
    assert lines[-1].startswith("Built 2 films, 14 pages (14 rendered")


def test_progress_callback_sees_every_stage_to_the_end(site):
    from filmpage.commands.build import build

    write_site(site, {f"f{i}.md": film(f"F{i}") for i in range(40)})
    seen: dict[str, tuple[int, int]] = {}
    build(site, jobs=2, progress=lambda stage, done, total: seen.update({stage: (done, total)}))
    assert seen["loading"] == (40, 40)
    assert seen["rendering"][0] == seen["rendering"][1] > 40


def test_commands_find_the_site_from_a_folder_inside_it(site):
    write_site(site, {"a.md": film("Alpha")})
    inside = site / "content/films"
    result = run("new", "Beta", "--year", "2002", cwd=inside)
    assert result.exit_code == 0, result.output
    assert result.output == "created content/films/beta.md\n"
    assert (inside / "beta.md").is_file() and not (inside / "content").exists()
    result = run("build", "-q", cwd=inside)
    assert result.exit_code == 0 and (site / "site/films/alpha/index.html").is_file()
    assert not (inside / "site").exists()


def test_a_folder_that_is_not_a_site_is_refused(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in (["build"], ["check"], ["new", "X", "-y", "2001"], ["deploy"]):
        result = run(*command, cwd=empty)
        assert result.exit_code == 1, command
        assert result.output.splitlines()[0] == (
            f"filmpage: {empty}: not a filmpage site: no filmpage.yml (or content/films/) "
            "here or in any folder above; start one with 'filmpage init FOLDER', or give the "
            "site's folder with --root"
        )
    assert list(empty.iterdir()) == []  # no site/, no cache
    missing = run("build", "--root", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1 and f"--root {tmp_path / 'nowhere'}: no such folder" in (
        missing.output
    )
    assert run("init", str(empty)).exit_code == 0  # init makes one


def test_the_summary_says_how_many_drafts_were_left_out(site):
    write_site(site, {"a.md": film("A"), "b.md": film("B", draft="true"),
                      "c.md": film("C", draft="true")})  # fmt: skip
    lines = run("build", "--root", str(site)).output.splitlines()
    assert lines[-1].startswith("Built 1 film (2 drafts left out: --drafts shows them), ")
    again = run("build", "--root", str(site)).output.splitlines()  # nothing changed
    assert again[-1].startswith("Built 1 film (2 drafts left out: --drafts shows them), ")
    shown = run("build", "--drafts", "--root", str(site)).output.splitlines()
    assert shown[-1].startswith("Built 3 films, ")


def test_the_cache_stays_in_the_site_or_beside_an_output_inside_it(site, tmp_path):
    write_site(site, {"a.md": film("Alpha")})
    www = tmp_path / "var/www"
    www.mkdir(parents=True)
    assert run("build", "-q", "--root", str(site), "--out", str(www / "html")).exit_code == 0
    assert sorted(p.name for p in www.iterdir()) == ["html"]  # no cache beside it
    assert list((site / ".filmpage-cache").glob("html-*.sqlite"))  # in the site's folder
    assert run("build", "-q", "--root", str(site), "--out", str(site / "out/www")).exit_code == 0
    assert (site / "out/.filmpage-cache").is_dir()  # beside an output inside the site


def test_every_command_takes_quiet_and_verbose():
    for command in ("build", "check", "new", "init", "serve", "deploy", "import"):
        help_text = run(command, "--help").output
        assert "-q, --quiet" in help_text and "-v, --verbose" in help_text, command


def test_quiet_and_verbose_new_and_init(tmp_path):
    result = run("init", "club", "-q", cwd=tmp_path)
    assert result.exit_code == 0 and result.output == ""  # (nor a warning of the install)
    site = tmp_path / "club"
    assert run("new", "Heat", "-y", "1995", "-q", "--root", str(site)).output == ""
    verbose = run("new", "Alien", "-y", "1979", "-v", "--root", str(site))
    assert verbose.output.splitlines() == [
        "created content/films/alien.md",
        "its URL: /films/alien/ (the slug is written in the record)",
    ]


def test_verbose_build_lists_the_files_written_and_removed(site):
    write_site(site, {"a.md": film("Alpha"), "b.md": film("Beta")})
    first = run("build", "-v", "--root", str(site))
    lines = first.output.splitlines()
    assert first.exit_code == 0 and lines[0].startswith("wrote ")
    assert "  wrote films/alpha/index.html" in lines and "  wrote index.html" in lines
    (site / "content/films/b.md").unlink()
    again = run("build", "-v", "--root", str(site)).output.splitlines()
    assert "  removed films/beta/index.html" in again
    assert "  wrote films/alpha/index.html" not in again  # (unchanged: not written again)
    checked = run("check", "-v", "--root", str(site)).output.splitlines()
    assert checked[0].startswith("checked 1 film, ")
