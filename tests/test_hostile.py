"""The hostile corpus in tests/hostile: every case built alone, its outcome exactly as expected."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from filmpage.commands.build import build
from filmpage.errors import FilmpageError

from .conftest import SETTINGS, foreign_scripts

CORPUS = Path(__file__).parent / "hostile"
CASES = sorted(
    p for p in CORPUS.iterdir() if p.suffix in (".md", ".yaml") and p.name != "README.md"
)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert all(p.with_name(p.name + ".expected").is_file() for p in CASES)


SITES = sorted(p for p in (CORPUS / "sites").iterdir() if p.is_dir())
FILM = "---\ntitle: Case\nyear: 2001\n---\nA plot.\n"


def test_every_site_case_says_what_must_happen():
    assert len(SITES) >= 15
    assert all(p.with_name(p.name + ".expected").is_file() for p in SITES)


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_hostile_case(tmp_path, case):
    root = tmp_path / "site-root"
    (root / "content/films").mkdir(parents=True)
    shutil.copy(case, root / "content/films" / case.name)
    (root / "filmpage.yml").write_text(SETTINGS, encoding="utf-8")
    _expect(tmp_path, root, case, {root / "content/films" / case.name, root / "filmpage.yml"})


@pytest.mark.parametrize("case", SITES, ids=[p.name for p in SITES])
def test_hostile_site(tmp_path, case):
    """A whole site (settings, templates...); a film record is added when it has none."""
    root = tmp_path / "site-root"
    shutil.copytree(case, root)
    if not (root / "content").exists():
        (root / "content/films").mkdir(parents=True)
        (root / "content/films/case.md").write_text(FILM, encoding="utf-8")
    if not (root / "filmpage.yml").exists():
        (root / "filmpage.yml").write_text(SETTINGS, encoding="utf-8")
    _expect(tmp_path, root, case, _files(root))


def _expect(tmp_path: Path, root: Path, case: Path, inputs: set[Path]) -> None:
    expected = case.with_name(case.name + ".expected").read_text(encoding="utf-8").splitlines()
    if expected[0] != "builds":
        with pytest.raises(FilmpageError) as info:
            build(root)
        assert [str(p) for p in info.value.problems] == expected
        assert not (root / "site").exists()
        # nothing written anywhere else either (but the build's cache)
        assert _files(tmp_path) - _files(root / ".filmpage-cache") == inputs
        return
    build(root)
    page = (root / "site/films/case/index.html").read_text(encoding="utf-8")
    assert "<script" not in foreign_scripts(page).lower()
    for line in expected[1:]:
        kind, _, value = line.partition(": ")
        if kind == "plot":
            plot = re.search(
                r'<h2 id="plot-heading">Plot Summary</h2>\s*'
                r'<div class="prose">(.*?)</div>\s*</section>',
                page,
                re.S,
            )
            assert plot and plot.group(1) == value
        elif kind == "review":
            review = re.search(r'<div class="review-body prose">(.*?)</div>', page, re.S)
            assert review and review.group(1) == value
        elif kind == "contains":
            assert value in page
        elif kind == "lacks":  # the theme's own search form aside
            assert value not in re.sub(r'<header class="topbar">.*?</header>', "", page, flags=re.S)
        else:
            raise AssertionError(f"unknown expectation {line!r}")


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if not p.is_dir()}
