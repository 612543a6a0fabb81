"""Where a build's time goes: run one build and print a timeline of its stages.

    python bench/stages.py SITE [--jobs N] [--clean] [--out DIR]

Each stage is a function of the build pipeline, wrapped with a timer (no profiler, so
the figures are real costs), and printed in the order it started, with:

- when it started and how long it took (wall seconds from the build's start);
- this process's CPU seconds in it, and how many of them were system time;
- its worker processes' CPU (and system) seconds, counted when they end: a pool's
  workers in the stage that ran the pool, the share-card helpers in ``cards wait()``;
- this process's page faults in it (a fault is a page of memory first touched, or
  copied because a forked process shares it).

Nested stages are counted in their callers too. Worker pools are named by the function
they run (``pool:_load_film``, ``pool:_render_chunk``). With ``--out``, the site is
written there (its cache beside it) rather than into SITE/site; a fresh folder there
with ``--clean`` gives a first build.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import resource
import time
from pathlib import Path
from typing import NamedTuple

import filmpage.commands.build as build_module
import filmpage.commands.media as media_module

STAGES = [
    "input_stamps",
    "load_cache",
    "load_records",
    "find_records",
    "shown_films",
    "missing_cards",
    "check_site",
    "save_record_cache",
    "prepare_media",
    "catalogue_stats",
    "plan_pages",
    "facet_tables",
    "facet_index_bytes",
    "search_files",
    "check_output_paths",
    "make_environment",
    "film_fingerprints",
    "file_fingerprints",
    "template_hashes",
    "load_pages",
    "pickled_snapshot",
    "render_cards",
    "save_snapshot",
    "output_files",
    "prune_store",
    "save_rest",
    "save_pages",
    "finish_update",
]


class Moment(NamedTuple):
    wall: float
    cpu: float
    sys: float
    children: float
    children_sys: float
    faults: int


def moment(started: float) -> Moment:
    times = os.times()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    return Moment(
        time.perf_counter() - started,
        times.user + times.system,
        times.system,
        times.children_user + times.children_system,
        times.children_system,
        faults,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--clean", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    rows: list[tuple[str, Moment, Moment]] = []

    @contextlib.contextmanager
    def stage(name: str):
        before = moment(started)
        try:
            yield
        finally:
            rows.append((name, before, moment(started)))

    def timed(name, func):
        @functools.wraps(func)
        def wrapper(*a, **k):
            with stage(name):
                return func(*a, **k)

        return wrapper

    for name in STAGES:
        if hasattr(build_module, name):
            setattr(build_module, name, timed(name, getattr(build_module, name)))
    pool = build_module.parallel_map

    def parallel_map(func, items, *a, **k):
        with stage(f"pool:{func.__name__}"):
            return pool(func, items, *a, **k)

    build_module.parallel_map = media_module.parallel_map = parallel_map
    results = build_module.parallel_results

    @contextlib.contextmanager
    def parallel_results(func, items, *a, **k):  # the render pool: the time of its block
        with stage(f"pool:{func.__name__}"), results(func, items, *a, **k) as taken:
            yield taken

    build_module.parallel_results = parallel_results
    background = build_module.in_background

    @contextlib.contextmanager
    def in_background(*a, **k):  # the share cards: the block, and the wait at its end
        with stage("cards (block)"), background(*a, **k) as wait:

            def timed_wait():
                with stage("cards wait()"):
                    wait()

            yield timed_wait

    build_module.in_background = in_background
    result = build_module.build(args.site, out=args.out, jobs=args.jobs, clean=args.clean)
    end = moment(started)
    print(f"{result.rendered} pages rendered, {result.reused} reused")
    print(
        f"{'stage':<22}{'start':>8}{'wall':>8}{'cpu':>8}{'sys':>7}"
        f"{'workers':>9}{'sys':>7}{'faults':>9}"
    )
    for name, a, b in sorted(rows, key=lambda row: row[1].wall):
        print(
            f"{name:<22}{a.wall:>8.2f}{b.wall - a.wall:>8.2f}{b.cpu - a.cpu:>8.2f}"
            f"{b.sys - a.sys:>7.2f}{b.children - a.children:>9.2f}"
            f"{b.children_sys - a.children_sys:>7.2f}{b.faults - a.faults:>9}"
        )
    print(
        f"{'the whole build':<22}{0:>8.2f}{end.wall:>8.2f}{end.cpu:>8.2f}{end.sys:>7.2f}"
        f"{end.children:>9.2f}{end.children_sys:>7.2f}{end.faults:>9}"
    )


if __name__ == "__main__":
    main()
