"""Where a build's time goes: run one build and print the wall time of each stage.

    python bench/stages.py SITE [--jobs N] [--clean]

Each stage is a function of the build pipeline, wrapped with a timer (no profiler, so
the figures are real costs); nested stages are counted in their callers too. Worker
pools are named by the function they run (``pool:_load_film``, ``pool:_render_chunk``);
share cards are made in the background, and are in the stages they overlap.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import time
from pathlib import Path

import filmpage.commands.build as build_module
import filmpage.commands.media as media_module

STAGES = [
    "load_cache",
    "load_site",
    "find_records",
    "build_catalogue",
    "prepare_media",
    "plan_pages",
    "facet_index_bytes",
    "search_files",
    "film_fingerprints",
    "template_hashes",
    "load_pages",
    "save_snapshot",
    "save_pages",
    "file_fingerprints",
    "input_stamps",
    "check_output_paths",
    "output_files",
    "_put_file",
    "prune_store",
    "save_record_cache",
    "save_rest",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--clean", action="store_true")
    args = parser.parse_args()
    seconds: dict[str, float] = {}

    def timed(name, func):
        @functools.wraps(func)
        def wrapper(*a, **k):
            started = time.perf_counter()
            try:
                return func(*a, **k)
            finally:
                seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    for name in STAGES:
        setattr(build_module, name, timed(name, getattr(build_module, name)))
    pool = build_module.parallel_map

    def parallel_map(func, items, *a, **k):
        return timed(f"pool:{func.__name__}", pool)(func, items, *a, **k)

    build_module.parallel_map = media_module.parallel_map = parallel_map
    results = build_module.parallel_results

    @contextlib.contextmanager
    def parallel_results(func, items, *a, **k):  # the render pool: the time of its block
        started = time.perf_counter()
        try:
            with results(func, items, *a, **k) as taken:
                yield taken
        finally:
            name = f"pool:{func.__name__}"
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started

    build_module.parallel_results = parallel_results
    started = time.perf_counter()
    result = build_module.build(args.site, jobs=args.jobs, clean=args.clean)
    total = time.perf_counter() - started
    print(f"{result.rendered} pages rendered, {result.reused} reused: {total:.2f} s in all")
    for name, value in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"{name:<24}{value:>8.2f}")


if __name__ == "__main__":
    main()
