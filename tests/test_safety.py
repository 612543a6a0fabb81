"""Safety properties that span stages: determinism, contained paths, escaped JSON."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from filmpage.commands.build import build
from filmpage.render import json_script

from .conftest import REPO, build_errors, digest, film, read, write_site


def test_same_bytes_under_another_time_zone_and_locale(tmp_path):
    """Two machines building at the same moment, one 14 hours ahead of UTC and one 12
    behind (their calendars are always on different days), with other locales and hash
    seeds, make the same bytes: the programme's "today" is the day in UTC."""
    one, two = tmp_path / "one", tmp_path / "two"
    for root in (one, two):
        shutil.copytree(REPO / "content", root / "content")
        shutil.copytree(REPO / "static", root / "static")  # its posters
        shutil.copy(REPO / "filmpage.yml", root / "filmpage.yml")
    for root, zone, seed in ((one, "Pacific/Kiritimati", "1"), (two, "Etc/GMT+12", "12345")):
        env = {**os.environ, "TZ": zone, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
               "PYTHONHASHSEED": seed}  # fmt: skip
        done = subprocess.run(
            [sys.executable, "-m", "filmpage", "build", "-q"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert digest(one / "site") == digest(two / "site")


def test_dates_come_from_content_or_source_date_epoch(site, monkeypatch):
    site.mkdir()
    (site / "filmpage.yml").write_text("base_url: https://example.org/\n")
    build(site)
    assert "<updated>1970-01-01T00:00:00Z</updated>" in read(site, "feed.xml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(site)
    assert "<updated>2023-11-14T22:13:20Z</updated>" in read(site, "feed.xml")


def test_embedded_json_cannot_break_out_of_a_script_element():
    value = {"title": "</script><script>alert(1)</script>", "x": "<!-- & \u2028"}
    text = str(json_script(value))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


def test_static_symlink_leaving_the_site_is_refused(site, tmp_path):
    write_site(site, {"a.md": film()})
    (tmp_path / "outside.txt").write_text("secret")
    (site / "static").mkdir()
    (site / "static/leak.txt").symlink_to(tmp_path / "outside.txt")
    assert build_errors(site) == ["static/leak.txt: a symlink leads outside the site; refused"]


def test_static_file_clashing_with_a_page_by_case_or_normalization(site):
    write_site(site, {"a.md": film()})
    (site / "static/films/a-film").mkdir(parents=True)
    (site / "static/films/a-film/INDEX.html").write_text("x")
    (site / "static/Index.html").write_text("x")
    assert build_errors(site) == [
        "static/Index.html: would overwrite the generated page index.html",
        "static/films/a-film/INDEX.html: would overwrite the generated page "
        "films/a-film/index.html",
    ]


def test_records_with_one_slug_by_unicode_normalization_are_an_error(site):
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    write_site(site, {"a.md": film(composed), "b.md": film(decomposed)})
    assert build_errors(site) == [
        "content/films/b.md:2:1: slug: slug 'cafe-2001' is already used by content/films/a.md; "
        "set a different 'slug' in one of them"
    ]
