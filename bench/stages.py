"""Where a build's time goes: run one build and print a timeline of its stages.

    python bench/stages.py SITE [--jobs N] [--clean] [--out DIR] [--serve-edit RECORD]
                                [--templates]

Each stage is a function of the build pipeline, wrapped with a timer (no profiler, so
the figures are real costs), and printed in the order it started, with:

- when it started and how long it took (wall seconds from the build's start);
- this process's CPU seconds in it, and how many of them were system time;
- its worker processes' CPU (and system) seconds, counted when they end: the render
  pool's in its stage, the load pool's (records and share cards) where it ends;
- this process's page faults in it (a fault is a page of memory first touched, or
  copied because a forked process shares it).

Nested stages are counted in their callers too. The render pool is named by the
function it runs (``pool:_render_chunk``). With ``--out``, the site is
written there (its cache beside it) rather than into SITE/site; a fresh folder there
with ``--clean`` gives a first build. With ``--serve-edit``, the build timed is the one
the preview server makes after a save of RECORD (a file under SITE): one build first,
untimed, then a new tagline written into RECORD and the site built again with the first
build's memory kept, as ``filmpage serve`` keeps it, and in one process, as it rebuilds
(unless ``--jobs`` says otherwise); RECORD is put back afterwards. With ``--templates``
(which renders in this process, as ``--jobs 1``), each template's CPU time in
``render_page`` is printed too: the page's films resolved and made for it, the cards it
shows rendered as each is first shown, and the template.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import os
import resource
import time
from pathlib import Path
from typing import NamedTuple

import filmpage.commands.build as build_module
import filmpage.commands.extras as extras_module
import filmpage.commands.output as output_module
import filmpage.commands.plan as plan_module
import filmpage.commands.records as records_module
from filmpage.commands.memory import Memory

STAGES = {  # the functions timed, by the module that calls them
    build_module: [
        "input_stamps", "load_records", "_draw_cards", "check_site", "plan_site",
        "_renderer", "extra_outputs", "_fingerprints", "make_output", "_remember",
        "prune_images", "finish_update", "plan_media",
    ],
    plan_module: ["build_catalogue", "_made_plan", "_film_parts", "load_settings",
                  "collect_static"],
    records_module: ["find_records"],
    output_module: ["_candidates", "before_forking", "_put_files", "check_output_paths"],
    extras_module: ["search_files"],
}  # fmt: skip


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
    parser.add_argument("--serve-edit", type=Path, default=None)
    parser.add_argument("--templates", action="store_true")
    args = parser.parse_args()
    memory, edited = None, args.serve_edit and args.site / args.serve_edit
    if edited:
        memory = Memory()
        build_module.build(args.site, out=args.out, jobs=args.jobs, memory=memory)
        text = edited.read_text()
        edited.write_text(
            text.replace("runtime:", f"tagline: Edited {time.time_ns()}\nruntime:", 1)
        )
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

    for module, names in STAGES.items():
        for name in names:
            setattr(module, name, timed(name, getattr(module, name)))
    results = output_module.parallel_results

    @contextlib.contextmanager
    def parallel_results(func, items, *a, **k):  # the render pool: the time of its block
        with stage(f"pool:{func.__name__}"), results(func, items, *a, **k) as taken:
            yield taken

    output_module.parallel_results = parallel_results
    by_template: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])
    render_page = output_module.render_page

    def timed_page(env, page):
        begun = time.process_time()
        try:
            return render_page(env, page)
        finally:
            by_template[page.template][0] += 1
            by_template[page.template][1] += time.process_time() - begun

    if args.templates:
        output_module.render_page = timed_page
    jobs = args.jobs or (1 if edited else None)  # (the preview server rebuilds in one process)
    if args.templates and jobs not in (None, 1):
        parser.error("--templates times the pages rendered in this process: --jobs 1")
    jobs = 1 if args.templates else jobs
    try:
        result = build_module.build(
            args.site, out=args.out, jobs=jobs, clean=args.clean, memory=memory
        )
    finally:
        if edited:
            edited.write_text(text)
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
    if args.templates:  # CPU seconds in render_page, in this process
        print(f"{'template':<22}{'pages':>8}{'cpu':>8}{'ms a page':>11}")
        for name, (count, cpu) in sorted(by_template.items(), key=lambda t: -t[1][1]):
            print(f"{name:<22}{count:>8}{cpu:>8.2f}{cpu / count * 1e3:>11.3f}")


if __name__ == "__main__":
    main()
