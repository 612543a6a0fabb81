"""Parallel builds: the same bytes whatever the number of processes."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from filmpage.commands.build import build
from filmpage.commands.parallel import MIN_ITEMS_PER_JOB, Pool, parallel_results
from filmpage.errors import FilmpageError
from filmpage.images import title_hue

from .conftest import digest, film, write_site


def _square(offset: int, item: int) -> int:
    return item * item + offset


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_pools_map_keeps_order_passes_state_and_counts(jobs):
    items = list(range(MIN_ITEMS_PER_JOB * 4))
    counted = []
    with Pool(jobs) as pool:
        got = list(pool.map(_square, items, 7, lambda n, total: counted.append((n, total))))
    assert got == [i * i + 7 for i in items]
    assert counted == [(n, len(items)) for n in range(1, len(items) + 1)]


def _made_by(folder: Path, item: int) -> tuple[int, int]:
    """Which process made an item, once the with block has left a file to say it began."""
    deadline = time.monotonic() + 30
    while not (folder / "block-began").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the with block never began")
        time.sleep(0.001)
    return item, os.getpid()


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_results_run_beside_the_with_block_and_come_in_order(tmp_path, jobs):
    items = list(range(MIN_ITEMS_PER_JOB * 4))
    counted = []
    with parallel_results(_made_by, items, jobs, tmp_path, counted.append) as results:
        (tmp_path / "block-began").touch()  # the work waits for this: the block runs first
        got = list(results)
    assert [item for item, _ in got] == items and counted == list(range(1, len(items) + 1))
    makers = {pid for _, pid in got}
    assert (makers == {os.getpid()}) if jobs == 1 else (os.getpid() not in makers)


def _touch(folder: Path, items: list[int]) -> None:
    """Work whose result is files (as share cards' are), saying which process made each."""
    for item in items:
        if item == 999:
            raise ValueError("item 999 cannot be made")
        (folder / f"{item}.txt").write_text(str(os.getpid()))


@pytest.mark.parametrize("processes", [0, 1, 2])
def test_work_started_in_the_pool_is_all_done_when_waited_for(tmp_path, processes):
    items = list(range(MIN_ITEMS_PER_JOB * 4))
    with Pool(processes, now=True) as pool:
        wait = pool.start(_touch, items, tmp_path)
        wait()
        made = {int(p.stem): int(p.read_text()) for p in tmp_path.glob("*.txt")}
    assert sorted(made) == items
    here = {os.getpid()}
    assert (set(made.values()) == here) if not processes else not set(made.values()) & here


@pytest.mark.parametrize("processes", [0, 1, 2])
def test_a_failure_of_work_started_in_the_pool_is_raised(tmp_path, processes):
    items = [*range(MIN_ITEMS_PER_JOB * 4), 999]
    with Pool(processes) as pool, pytest.raises(ValueError, match="item 999"):
        pool.start(_touch, items, tmp_path)()


@pytest.fixture
def medium_site(tmp_path, monkeypatch) -> Path:
    """Enough films that two processes really share the loading and rendering (pages go
    to the render workers one at a time, else 16 to a task: too few tasks for a pool)."""
    monkeypatch.setattr("filmpage.commands.output.PAGES_PER_TASK", 1)
    films = {
        f"f{i:03}.md": film(
            f"Film {i}",
            1990 + i % 30,
            genres=f"[G{i % 7}]",
            credits=f"{{directors: [D {i % 11}], cast: [A {i % 13}]}}",
            related=f"[film-{(i + 1) % 120}]" if i % 3 else "[]",
            slug=f"film-{i}",
        )
        for i in range(120)
    }
    return write_site(tmp_path / "medium", films)


def test_parallel_and_single_process_builds_are_byte_identical(medium_site, tmp_path):
    build(medium_site, out=tmp_path / "one", jobs=1)
    build(medium_site, out=tmp_path / "two", jobs=2)
    one, two = digest(tmp_path / "one"), digest(tmp_path / "two")
    assert len(one) > 150 and one == two


def test_page_fingerprints_made_by_the_render_workers_are_those_made_in_one_process(
    medium_site, tmp_path
):
    """A first build's page fingerprints are made by the workers as the pages render: they
    must be those a one-process build makes, or the next build would render the wrong
    pages again (or leave a changed one)."""
    first = build(medium_site, out=tmp_path / "one", jobs=1)
    build(medium_site, out=tmp_path / "two", jobs=2)
    (medium_site / "content/films/f007.md").write_text(film("Film 7 (edited)", slug="film-7"))
    one = build(medium_site, out=tmp_path / "one", jobs=1)
    two = build(medium_site, out=tmp_path / "two", jobs=2)
    assert one.rendered == two.rendered < first.pages / 4
    build(medium_site, out=tmp_path / "fresh", jobs=1)
    assert digest(tmp_path / "one") == digest(tmp_path / "two") == digest(tmp_path / "fresh")


def test_errors_found_in_worker_processes_are_all_reported(medium_site):
    (medium_site / "content/films/f005.md").write_text(film("Bad", 1200, slug="film-5"))
    (medium_site / "content/films/f077.md").write_text(film("Worse", runtime="-3", slug="film-77"))
    with pytest.raises(FilmpageError) as info:
        build(medium_site, jobs=2)
    assert [str(p) for p in info.value.problems] == [
        "content/films/f005.md:3:7: year: expected a whole number from 1870 to 2100, got 1200",
        "content/films/f077.md:4:10: runtime: expected a whole number from 1 to 100000, got -3",
    ]


def test_template_error_in_a_worker_keeps_its_place(medium_site):
    (medium_site / "templates").mkdir()
    (medium_site / "templates/film.html").write_text("<p>\n{{ film.nope }}</p>")
    with pytest.raises(FilmpageError) as info:
        build(medium_site, jobs=2)
    (problem,) = info.value.problems
    assert problem.file.endswith("templates/film.html") and problem.line == 2
    assert "has no attribute 'nope'" in problem.message
    assert not (medium_site / "site").exists()


def test_each_card_of_the_lists_is_rendered_once_and_before_the_workers_fork(
    medium_site, tmp_path, monkeypatch
):
    from filmpage.render import CARD_CALL, Cards

    log = tmp_path / "cards.log"

    def logged(self, slug, card):
        if self.call == CARD_CALL:
            with log.open("a") as out:  # one line a card: the process that rendered it
                out.write(f"{os.getpid()} {slug}\n")
        dict.__setitem__(self, slug, card)

    monkeypatch.setattr(Cards, "__setitem__", logged)
    build(medium_site, jobs=2)
    renders = [line.split() for line in log.read_text().splitlines()]
    assert {pid for pid, _ in renders} == {str(os.getpid())}  # none in a worker
    slugs = [slug for _, slug in renders]
    assert len(slugs) == len(set(slugs)) == 120


def test_a_films_small_poster_is_rendered_once_however_many_pages_show_it(medium_site, monkeypatch):
    from filmpage.render import POSTER_CALL, Cards

    renders = []

    def logged(self, slug, poster):
        if self.call == POSTER_CALL:
            renders.append(slug)
        dict.__setitem__(self, slug, poster)

    monkeypatch.setattr(Cards, "__setitem__", logged)
    build(medium_site, jobs=1)
    assert len(renders) == len(set(renders)) > 80  # related titles and suggestions
    page = (medium_site / "site/films/film-1/index.html").read_text()
    related = page[page.index('<section class="related"') :]
    # film-1 relates to film-2, shown by its placeholder poster
    assert f'<span class="poster-placeholder" style="--hue: {title_hue("Film 2")}"' in related


def test_share_cards_placed_beside_the_build_are_exactly_those_the_pages_name(tmp_path):
    """The share cards' processes make the cards before the catalogue settles slugs:
    two films with one title both become title-year, and every card in the site must be
    one a page names, none left over."""
    films = {f"f{i:03}.md": film(f"Film {i}", 2000 + i % 20) for i in range(40)}
    films["twin-a.md"] = film("Twin", 1990)
    films["twin-b.md"] = film("Twin", 1991)
    root = write_site(tmp_path / "s", films)
    build(root, jobs=2)
    named = set()
    for page in (root / "site" / "films").glob("*/index.html"):
        image = re.search(
            r'<meta property="og:image" content="[^"]*?(share/[^"]+)"', page.read_text()
        )
        named.add(image[1])
    made = {p.relative_to(root / "site").as_posix() for p in (root / "site" / "share").iterdir()}
    assert len(named) == 42 and made == named
