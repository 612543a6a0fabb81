"""Lighthouse 12 (from npm, tests/npm) audits the example site and a generated catalogue
in Debian's Chromium, as a phone on a slow network would load them: 100 for accessibility
and best practices on every page type, 100 for SEO on every page meant to be indexed (the
search page is ``noindex``; the not-found page is checked as the file GitHub Pages serves),
and at least 95 for performance.

One page of each type, once per page: a Lighthouse run takes about fifteen seconds. A
performance score below the bar is measured again, up to twice, and the best run counts:
on a busy machine one run can be slowed by others (Lighthouse's own advice is to take
several runs)."""

from __future__ import annotations

import json
import subprocess

import pytest

from filmpage.commands.serve import start_preview

from .browser import CHROMIUM, LIGHTHOUSE, provision
from .sites import example_site, generated_site

EXAMPLE = {
    "home": "", "film": "films/last-train-home/", "invented film": "films/the-lantern-keepers/",
    "genre": "genres/documentary/", "genres": "genres/", "person": "people/lixin-fan/",
    "people": "people/", "year": "years/2009/", "years": "years/", "decade": "decades/2000s/",
    "stats": "stats/", "search": "search/?q=train", "404": "404.html",
}  # fmt: skip
GENERATED = {"home, page 2": "page/2/", "film": "films/film-000007/", "genre": "genres/drama/"}
NOT_INDEXED = {"search", "404"}


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    provision()
    root = tmp_path_factory.mktemp("lighthouse")
    running = {
        "example": start_preview(example_site(root / "example"), port=0, reload=False),
        "generated": start_preview(generated_site(root / "generated"), port=0, reload=False),
    }
    yield running
    for server in running.values():
        server.stop()


def lighthouse(url: str) -> dict:
    """One Lighthouse run of a page, in its default (phone) configuration: the categories'
    scores out of 100, and the titles of the audits that count and failed."""
    done = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--chrome-path={CHROMIUM}", "--chrome-flags=--headless=new --no-sandbox",
         "--only-categories=performance,accessibility,best-practices,seo"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(done.stdout)
    scores = {key: round(c["score"] * 100) for key, c in report["categories"].items()}
    failed = sorted(
        f"{key}: {report['audits'][ref['id']]['title']}"
        for key, c in report["categories"].items()
        for ref in c["auditRefs"]
        if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 1
    )
    return {"scores": scores, "failed": failed}


PAGES = [("example", name, path) for name, path in EXAMPLE.items()] + [
    ("generated", name, path) for name, path in GENERATED.items()
]


@pytest.mark.parametrize(("site", "name", "path"), PAGES, ids=[f"{s}-{n}" for s, n, _ in PAGES])
def test_lighthouse_scores(sites, site, name, path):
    url = sites[site].url + path
    run = lighthouse(url)
    for _ in range(2):
        if run["scores"]["performance"] >= 95:
            break
        again = lighthouse(url)
        if again["scores"]["performance"] > run["scores"]["performance"]:
            run = again
    scores = run["scores"]
    assert scores["accessibility"] == 100, run["failed"]
    assert scores["best-practices"] == 100, run["failed"]
    if name not in NOT_INDEXED:
        assert scores["seo"] == 100, run["failed"]
    assert scores["performance"] >= 95, run["failed"]
