"""Hostile cases beside the corpus: what a git checkout cannot hold (named pipes, devices,
symlinks leading out of the site), long names, a template that never ends, output
folders inside the inputs.

A case that used to hang runs the real command in a process with a time limit (and a
memory limit, for a device that never ends), so that a regression fails instead of
hanging the suite. Devices are made on a small tmpfs mounted for the test where root
allows it (a tmp folder may be mounted nodev); elsewhere those cases are skipped, saying
why.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from filmpage.cli import main
from filmpage.commands.build import build
from filmpage.slugs import slugify

from .conftest import build_errors, film, read, write_site

FIFO = "is a named pipe (FIFO), not a regular file; only regular files are read"
DEVICE = "is a character device, not a regular file; only regular files are read"
LEAVES = "a symlink leads outside the site; refused"
MEMORY = 4 * 1024**3  # a build in a process of its own may not use more


def filmpage(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command in a process of its own, with a time and a memory limit."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run(
        [sys.executable, "-m", "filmpage", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
        env={**os.environ, **(env or {})},
    )


def refused(root: Path, *lines: str, command: str = "build") -> None:
    """``command`` fails at once with exactly these problems, no traceback, no site."""
    done = filmpage(command, "--root", str(root), "--jobs", "2")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[:-1] == list(lines)
    assert not (root / "site").exists()


@pytest.fixture
def small_fs(tmp_path: Path):
    """A 64 MiB tmpfs of the test's own, where device nodes work."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a tmpfs and make device nodes")
    folder = tmp_path / "fs"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m,mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def zero_device(path: Path) -> None:
    """A character device like /dev/zero (1, 5) at ``path``: it never ends."""
    os.mknod(path, 0o644 | 0o020000, os.makedev(1, 5))


# Named pipes and devices: refused by type, before they are opened.


def test_a_named_pipe_among_the_records_is_refused_by_build_and_check(site):
    write_site(site, {"good.md": film("Good")})
    os.mkfifo(site / "content/films/pipe.md")
    refused(site, f"content/films/pipe.md: {FIFO}")
    refused(site, f"content/films/pipe.md: {FIFO}", command="check")


def test_a_named_pipe_as_poster_static_file_template_or_settings_is_refused(site):
    write_site(site, {"a.md": film("A", poster="posters/a.jpg")})
    (site / "static/posters").mkdir(parents=True)
    os.mkfifo(site / "static/posters/a.jpg")
    os.mkfifo(site / "static/feed.css")
    (site / "templates").mkdir()
    os.mkfifo(site / "templates/unused.html")
    (site / "filmpage.yml").unlink()
    os.mkfifo(site / "filmpage.yml")
    refused(
        site,
        "content/films/a.md:4:1: poster: no file static/posters/a.jpg; expected an image "
        "under static/",
        f"filmpage.yml: {FIFO}",
        f"static/feed.css: {FIFO}",
        f"static/posters/a.jpg: {FIFO}",
        f"templates/unused.html: {FIFO}",
    )


def test_a_named_pipe_among_pages_collections_or_the_programme_is_refused(site):
    write_site(site, {"a.md": film("A")})
    for folder, name in (("pages", "about.md"), ("collections", "best.md"),
                         ("programme", "autumn.yaml")):  # fmt: skip
        (site / "content" / folder).mkdir()
        os.mkfifo(site / "content" / folder / name)
    refused(
        site,
        f"content/collections/best.md: {FIFO}",
        f"content/pages/about.md: {FIFO}",
        f"content/programme/autumn.yaml: {FIFO}",
    )


def test_a_pages_folder_that_leads_outside_the_site_is_refused(site, tmp_path):
    write_site(site, {"a.md": film("A")})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "about.md").write_text("---\ntitle: About\n---\nWritten elsewhere.\n")
    (site / "content/pages").symlink_to(outside)
    refused(site, f"content/pages/about.md: {LEAVES}")


def test_a_named_pipe_in_place_of_a_used_template_is_refused(site):
    write_site(site, {"a.md": film()})
    (site / "templates").mkdir()
    os.mkfifo(site / "templates/base.html")
    refused(site, f"templates/base.html: {FIFO}")


def test_a_device_among_the_records_is_refused_not_read_until_memory_runs_out(small_fs):
    site = write_site(small_fs / "site", {"good.md": film("Good")})
    zero_device(site / "content/films/zero.md")
    refused(site, f"content/films/zero.md: {DEVICE}")


def test_a_device_as_poster_static_file_or_template_is_refused(small_fs):
    site = write_site(small_fs / "site", {"a.md": film("A", poster="zero.png")})
    (site / "static").mkdir()
    (site / "templates").mkdir()
    zero_device(site / "static/zero.png")
    zero_device(site / "templates/404.html")
    refused(
        site,
        "content/films/a.md:4:1: poster: no file static/zero.png; expected an image under static/",
        f"static/zero.png: {DEVICE}",
        f"templates/404.html: {DEVICE}",
    )


# Symlinks: followed inside the site, refused when they lead out of it.


def test_a_template_linked_outside_the_site_is_refused_and_inside_it_is_used(site, tmp_path):
    (tmp_path / "secret.txt").write_text("password=hunter2\n")
    write_site(site, {"a.md": film()})
    (site / "templates").mkdir()
    (site / "templates/robots.txt").symlink_to(tmp_path / "secret.txt")
    assert build_errors(site) == [f"templates/robots.txt: {LEAVES}"]
    (site / "templates/robots.txt").unlink()
    (site / "shared").mkdir()
    (site / "shared/robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    (site / "templates/robots.txt").symlink_to(site / "shared/robots.txt")
    build(site)
    assert read(site, "robots.txt") == "User-agent: *\nDisallow: /private/\n"


def test_a_template_folder_linked_outside_the_site_is_refused(site, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/404.html").write_text("{{ site.title }} from elsewhere")
    write_site(site, {"a.md": film()})
    (site / "templates").mkdir()
    (site / "templates/parts").symlink_to(tmp_path / "elsewhere")
    assert build_errors(site) == [f"templates/parts: {LEAVES}"]
    shutil.rmtree(site / "templates")
    (site / "templates").symlink_to(tmp_path / "elsewhere")
    assert build_errors(site) == [f"templates: {LEAVES}"]


def test_settings_linked_outside_the_site_are_refused(site, tmp_path):
    (tmp_path / "other.yml").write_text("title: Someone else's\n")
    write_site(site, {"a.md": film()})
    (site / "filmpage.yml").unlink()
    (site / "filmpage.yml").symlink_to(tmp_path / "other.yml")
    assert build_errors(site) == [f"filmpage.yml: {LEAVES}"]


def test_static_symlink_loops_end_and_are_not_copied_again_and_again(site):
    write_site(site, {"a.md": film()})
    (site / "static").mkdir()
    (site / "static/favicon.ico").write_bytes(b"icon")
    for name in ("a", "b", "c"):  # each a loop: walking them all was 3 ** 40 folders
        (site / "static" / name).symlink_to(site / "static")
    done = filmpage("build", "--root", str(site), "-q")
    assert done.returncode == 0, done.stderr
    assert (site / "site/favicon.ico").read_bytes() == b"icon"
    assert not (site / "site/a").exists()


def test_check_reads_every_template_file_as_build_does(site):
    write_site(site, {"a.md": film()})
    (site / "templates/img").mkdir(parents=True)
    (site / "templates/img/logo.gif").write_bytes(b"GIF89a\x01\x00\x01\x00\x80\x00\x00")
    result = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "templates/img/logo.gif:1:11: not UTF-8 text: byte 0x80 cannot start a character; "
        "save the template as UTF-8 (pictures belong in static/, not templates/)"
    )


# Sizes: checked before reading.


def test_settings_and_templates_over_their_limit_are_refused_before_reading(site):
    write_site(site, {"a.md": film()}, settings="title: Big\n#" + "x" * 1024 * 1024 + "\n")
    (site / "templates").mkdir()
    (site / "templates/huge.html").write_text("<p>" * 400_000)
    size = (site / "filmpage.yml").stat().st_size
    assert build_errors(site) == [
        f"filmpage.yml: file is {size} bytes; the limit is 1048576 (1 MiB)",
        "templates/huge.html: file is 1200000 bytes; the limit is 1048576 (1 MiB)",
    ]


# Names: every name the build writes fits the file system.


def test_a_long_title_gets_a_shortened_slug_that_every_file_of_the_film_fits(site):
    title = " ".join(["Night of the Day of the Dawn of the Son of the Bride"] * 6)
    write_site(site, {"long.md": film(title), "other.md": film(title[:-5])})
    result = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert result.exit_code == 0, result.output
    build(site)
    slug = slugify(title)
    assert len(slug) <= 100 and slug != slugify(title[:-5])
    assert slug.startswith("night-of-the-day-of-the-dawn-of-the-son-of-the-bride-night-")
    assert title in read(site, f"films/{slug}/index.html")
    page = read(site, f"films/{slug}/index.html")
    card = re.search(r'og:image" content="https://example.org/(share/[^"]+)"', page)
    assert card and (site / "site" / card[1]).is_file()


def test_a_written_slug_too_long_for_a_file_name_is_found_by_check(site):
    slug = "-".join(["word"] * 60)
    write_site(site, {"a.md": film(slug=slug)})
    result = CliRunner().invoke(main, ["check", "--root", str(site)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "content/films/a.md:4:7: slug: 299 characters; the limit is 100, as the slug names "
        "the film's folder and files in the site (a file name may have 255 bytes)"
    )
    assert build_errors(site)[0].startswith("content/films/a.md:4:7: slug: 299 characters")


def test_an_output_folder_too_deep_for_its_pages_is_refused_before_writing(site, tmp_path):
    write_site(site, {"a.md": film()})
    deep = tmp_path
    for _ in range(15):  # 15 names of 250 bytes
        deep = deep / ("d" * 250)
    deep = deep / ("e" * (4040 - len(str(deep))))  # a folder of 4,040 bytes: Linux allows it
    deep.mkdir(parents=True)
    result = CliRunner().invoke(main, ["build", "--root", str(site), "--out", str(deep / "o")])
    assert result.exit_code == 1
    assert result.output.startswith(f"filmpage: {deep / 'o'}: the output folder's path is ")
    assert f"path is {len(str(deep / 'o'))} bytes long" in result.output
    assert "choose a shorter --out" in result.output
    assert os.listdir(deep) == []
    long_name = tmp_path / ("n" * 240)
    result = CliRunner().invoke(main, ["build", "--root", str(site), "--out", str(long_name)])
    assert result.exit_code == 1 and "the output folder's name is 240 bytes" in result.output
    assert not long_name.exists()


def test_a_static_file_whose_path_the_output_cannot_hold_is_an_error_before_writing(site, tmp_path):
    write_site(site, {"a.md": film()})
    folder = site / "static" / "/".join(["s" * 250] * 15)
    folder.mkdir(parents=True)
    (folder / ("f" * 60 + ".css")).write_text("body {}")
    out = tmp_path / ("o" * 250) / "out"
    errors = build_errors(site, out=out)
    assert len(errors) == 1
    assert errors[0].startswith(f"{out}: the output folder is too deep for the site: sss")
    assert errors[0].endswith("and the file system allows 4095; choose a shorter --out")
    assert not out.exists()


# Templates that never end.


def test_a_template_range_of_a_trillion_is_refused_at_once(site):
    write_site(site, {"a.md": film()})
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}\n'
        "{% for i in range(10**12) %}.{% endfor %}\n{% endblock %}\n"
    )
    done = filmpage("build", "--root", str(site))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "templates/404.html:2: while rendering 404.html: range() of 1000000000000 numbers; "
        "a template may count to 1000000 at most",
        "1 error; nothing was written.",
    ]


def test_a_template_that_runs_away_is_stopped_with_its_place(site):
    write_site(site, {"a.md": film()})
    (site / "templates").mkdir()
    (site / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}\n'
        "{% for i in range(1000000) %}{% for j in range(1000000) %}{% endfor %}{% endfor %}\n"
        "{% endblock %}\n"
    )
    done = filmpage("build", "--root", str(site), env={"FILMPAGE_TEMPLATE_TIMEOUT": "1"})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "templates/404.html:2: while rendering 404.html: stopped after 1 s (a loop that does "
        "not end? FILMPAGE_TEMPLATE_TIMEOUT=<seconds> gives pages longer)",
        "1 error; nothing was written.",
    ]


# Output folders inside the inputs.


@pytest.mark.parametrize("out", ["templates", "static", "content", "static/site", "content/out"])
def test_an_output_folder_inside_an_input_folder_is_refused(site, out):
    write_site(site, {"a.md": film()})
    (site / "static").mkdir()
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    result = CliRunner().invoke(main, ["build", "--root", str(site), "--out", str(site / out)])
    assert result.exit_code == 1
    top = out.split("/")[0]
    assert "which the build reads; choose an --out outside content/, templates/, static/" in (
        result.output
    )
    assert f"the site's {top}/" in result.output
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before
