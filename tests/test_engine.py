"""The build engine as a user meets it: any number of processes, any state of the
cache, the same site, byte for byte."""

from __future__ import annotations

import shutil

import pytest

from filmpage.commands.build import build

from .conftest import digest, film, write_site


def colliding_catalogue(root, count: int = 600):
    """A catalogue large enough that a default build spreads its work over every process,
    with titles whose derived slugs collide (two films called Heat, two called Solaris),
    none with a poster: every film needs a share card."""
    films = {f"f{i:04}.md": film(f"Film number {i}", 1950 + i % 70) for i in range(count)}
    films["heat-a.md"] = film("Heat", 1986)
    films["heat-b.md"] = film("Heat", 1995)
    films["solaris-a.md"] = film("Solaris", 1972)
    films["solaris-b.md"] = film("Solaris", 2002)
    return write_site(root, films)


def test_cold_builds_with_every_process_are_byte_identical_to_one_process(tmp_path):
    root = colliding_catalogue(tmp_path / "site")
    build(root, out=tmp_path / "one", jobs=1)
    expected = digest(tmp_path / "one")
    assert "films/heat-1986/index.html" in expected
    for round_ in range(4):
        shutil.rmtree(root / ".filmpage-cache", ignore_errors=True)
        shutil.rmtree(tmp_path / ".filmpage-cache", ignore_errors=True)
        out = tmp_path / f"many-{round_}"
        build(root, out=out)  # the default: one process per core
        assert digest(out) == expected, f"round {round_}"


@pytest.mark.parametrize("jobs", [1, 2])
def test_share_cards_are_named_by_what_they_show(tmp_path, jobs):
    root = colliding_catalogue(tmp_path / "site", count=40)
    build(root, jobs=jobs)
    page = (root / "site/films/heat-1995/index.html").read_text()
    cards = sorted(p.name for p in (root / "site/share").iterdir())
    assert len(cards) == len(set(cards)) == 44
    named = [c for c in cards if c in page]
    assert len(named) == 1 and "heat" not in named[0]  # not named by a guessed slug
