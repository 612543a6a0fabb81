"""Work spread over processes, with the standard library's ``multiprocessing.Pool``.

Two kinds of work, two pools, and the order they are made in is what makes them quick
(``docs/architecture.md``, "Processes"):

* :class:`Pool` is made when a build starts, while this process is small: records are
  read in it, and share cards drawn, each task handed what it needs (a file name, a
  card's title). A pool forked after the catalogue is in memory would share all of it,
  and every page of it this process then touched would first be copied.
* :func:`parallel_results` forks when the pages are planned, so that its workers inherit
  the plan, the films and the templates instead of receiving a pickled copy; only page
  numbers and results cross between processes.

Both use ``fork`` (Linux, and other systems that have it); where there is no ``fork``,
or with one job, or little work, everything runs in this process, with the same result.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_JOB = 16
"""Below this many items per process, forking costs more than it saves."""

MAX_CHUNK = 64
"""Most items sent to a worker at once: a large catalogue gets many small chunks, so the
workers finish together and progress moves steadily."""

_worker_state: dict[str, Any] = {}  # in each worker of parallel_results, by its initializer


def default_jobs() -> int:
    """One process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _processes(jobs: int, count: int) -> int:
    """How many processes ``count`` items are worth: 0 when the work is better done in
    this process (one job, too little work for forking to pay, or no fork here)."""
    if jobs <= 1 or count < MIN_ITEMS_PER_JOB * 2:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(jobs, count // MIN_ITEMS_PER_JOB)


def _chunksize(count: int, processes: int) -> int:
    return max(1, min(MAX_CHUNK, count // (processes * 8)))


class Pool:
    """``processes`` worker processes, forked now (``now``: while this process is small;
    see the module's note) or the first time there is enough work for them, and ended
    with the ``with`` block. With no processes, or no ``fork`` here, the work is done in
    this process."""

    def __init__(self, processes: int, now: bool = False):
        self.processes = processes if "fork" in multiprocessing.get_all_start_methods() else 0
        self._pool: Any = None
        if now and self.processes:
            self._fork()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()

    def _fork(self) -> Any:
        context = multiprocessing.get_context("fork")
        self._pool = context.Pool(self.processes, initializer=_collect_own_garbage)
        return self._pool

    def _workers(self, count: int) -> Any:
        """The processes, when ``count`` items are worth handing them."""
        if not self.processes or count < MIN_ITEMS_PER_JOB * 2:
            return None
        return self._pool or self._fork()

    def map(
        self,
        func: Callable[[Any, T], R],
        items: Sequence[T],
        state: Any = None,
        done: Callable[[int, int], None] | None = None,
    ) -> Iterator[R]:
        """``func(state, item)`` for each item, in order, as they come; ``state`` is
        pickled with each chunk of items, so it should be small."""
        pool = self._workers(len(items)) if self.processes > 1 or self._pool else None
        if pool is None:
            results: Iterator[R] = (func(state, item) for item in items)
        else:
            chunk = _chunksize(len(items), self.processes)
            results = pool.imap(partial(func, state), items, chunksize=chunk)
        for number, result in enumerate(results, 1):
            if done:
                done(number, len(items))
            yield result

    def call(self, func: Callable[..., R], *args: Any) -> Callable[[], R]:
        """``func(*args)`` in a worker while this process goes on (with no processes, here
        and now); the function returned waits for it, and raises what it raised."""
        pool = self._workers(MIN_ITEMS_PER_JOB * 2)
        if pool is None:
            result = func(*args)
            return lambda: result
        return pool.apply_async(func, args).get

    def start(self, func: Callable[[Any, list[T]], R], items: list[T], state: Any) -> Callable:
        """Have the workers run ``func(state, part)`` on ``items`` split in as many parts
        as there are processes, while this process goes on; the function returned waits
        for them, raises what they raised and gives what each part gave. With little
        work, or no processes, it is done here and now."""
        pool = self._workers(len(items))
        if pool is None:
            result = func(state, items)
            return lambda: [result]
        parts = [items[i :: self.processes] for i in range(self.processes)]
        pending = pool.map_async(partial(func, state), parts)
        return lambda: pending.get()


def _collect_own_garbage() -> None:
    # The parent may have paused its collector while gathering: a worker collects its
    # own garbage, and leaves what it inherited alone (frozen, so its pages stay shared).
    gc.freeze()
    gc.enable()


def _initialize(state: Any) -> None:
    _worker_state["state"] = state
    _collect_own_garbage()


def _call(func: Callable[[Any, T], R], item: T) -> R:
    return func(_worker_state["state"], item)


@contextmanager
def parallel_results(
    func: Callable[[Any, T], R],
    items: Sequence[T],
    jobs: int,
    state: Any = None,
    done: Callable[[int], None] | None = None,
) -> Iterator[Iterator[R]]:
    """``func(state, item)`` for each item, in order, as an iterator, with workers forked
    when the ``with`` block begins: they inherit ``state`` (never pickled), and the block
    can do work of its own while they go on. With one job, or little work, each result
    is made in this process when it is taken."""
    processes = _processes(jobs, len(items))
    if not processes:
        yield _counted((func(state, item) for item in items), done)
        return
    context = multiprocessing.get_context("fork")
    chunksize = _chunksize(len(items), processes)
    with context.Pool(processes, initializer=_initialize, initargs=(state,)) as pool:
        yield _counted(pool.imap(partial(_call, func), items, chunksize=chunksize), done)


def _counted(results: Iterator[R], done: Callable[[int], None] | None) -> Iterator[R]:
    for number, result in enumerate(results, 1):
        if done:
            done(number)
        yield result


@contextmanager
def collector_paused() -> Iterator[None]:
    """A build gathers millions of long-lived objects (records, the catalogue, pages) and
    makes almost no cycles; Python's cyclic collector would walk them all again and again
    while they arrive. It is off while the build gathers, and sees only new objects once
    :func:`collect_new_objects` is called; as it was when the build ends, with what the
    build made counted as old (else its first young-generation pass would walk it all)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # every tracked object to the permanent generation,
        gc.unfreeze()  # and from there to the oldest
        (gc.enable if enabled else gc.disable)()


def collect_new_objects() -> None:
    """Turn the collector back on for what comes next (rendering), leaving out the objects
    gathered so far (``gc.freeze``; forked workers share them untouched, too)."""
    gc.freeze()
    gc.enable()
