"""Spread per-film work over processes: ``parallel_map`` with results in input order, and
``in_background`` for work that makes files while this process does something else.

The pool forks after the catalogue and templates are loaded, so each worker inherits
them instead of receiving a pickled copy; only the work items and results cross process
boundaries. With one job, or little work, everything runs in this process, and the
results are the same either way.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_PER_JOB = 16
"""Below this many items per process, forking costs more than it saves."""

MAX_CHUNK = 64
"""Most items sent to a worker at once: a large catalogue gets many small chunks, so the
workers finish together and progress moves steadily (loading 100,000 records with two
workers: 59.9 s in 16 chunks, 56.5 s in chunks of 64; no difference at 10,000)."""

_worker_state: dict[str, Any] = {}  # set once in each worker process by the pool initializer


def default_jobs() -> int:
    """One process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _initialize(state: Any) -> None:
    _worker_state["state"] = state
    # The parent may have paused its collector while gathering: a worker collects its own
    # garbage, and leaves what it inherited alone (frozen, so its pages stay shared).
    gc.freeze()
    gc.enable()


def _call(func: Callable[[Any, T], R], item: T) -> R:
    return func(_worker_state["state"], item)


def _processes(jobs: int, count: int) -> int:
    """How many processes to fork for ``count`` items: 0 when the work is better done in
    this process (one job, too little work for forking to pay, or no fork here)."""
    if jobs <= 1 or count < MIN_ITEMS_PER_JOB * 2:
        return 0
    if "fork" not in multiprocessing.get_all_start_methods():
        return 0
    return min(jobs, count // MIN_ITEMS_PER_JOB)


def parallel_map(
    func: Callable[[Any, T], R],
    items: Sequence[T],
    jobs: int,
    state: Any = None,
    done: Callable[[int], None] | None = None,
    then: Callable[[R], Any] | None = None,
) -> list:
    """``[func(state, item) for item in items]``, spread over ``jobs`` processes.

    ``func`` must be a module-level function; ``state`` reaches the workers by fork.
    ``done(n)`` is called as results arrive, with how many have arrived so far; ``then``,
    when given, is applied to each result here as it arrives (while workers go on).
    """
    with parallel_results(func, items, jobs, state, done) as results:
        return [then(result) for result in results] if then else list(results)


@contextmanager
def parallel_results(
    func: Callable[[Any, T], R],
    items: Sequence[T],
    jobs: int,
    state: Any = None,
    done: Callable[[int], None] | None = None,
) -> Iterator[Iterator[R]]:
    """:func:`parallel_map`'s results, in order, as an iterator to take them from, with
    the workers started when the ``with`` block begins: the block can do work of its own
    (that needs no result) while they go on. With one job, or little work, each result is
    made in this process when it is taken."""
    processes = _processes(jobs, len(items))
    if not processes:
        yield _counted((func(state, item) for item in items), done)
        return
    context = multiprocessing.get_context("fork")
    chunksize = max(1, min(MAX_CHUNK, len(items) // (processes * 8)))
    with context.Pool(processes, initializer=_initialize, initargs=(state,)) as pool:
        yield _counted(pool.imap(partial(_call, func), items, chunksize=chunksize), done)


def _counted(results: Iterator[R], done: Callable[[int], None] | None) -> Iterator[R]:
    for number, result in enumerate(results, 1):
        if done:
            done(number)
        yield result


@dataclass(frozen=True)
class Helpers:
    """Processes forked by :func:`forked_helpers`, each waiting for one piece of work from
    :func:`in_background`, with the end of the pipe to talk to it."""

    waiting: list[tuple[Any, Any]]  # (process, connection)


@contextmanager
def forked_helpers(jobs: int) -> Iterator[Helpers]:
    """Fork ``jobs - 1`` processes now (none with one job), for work to be handed to them
    later with :func:`in_background`; the block's end ends those still there.

    For work that needs only what it is handed, forked while this process is small: a
    process forked once a catalogue is loaded shares all its memory, and every page of it
    that this process then writes to (Python writes reference counts as it reads) has to
    be copied first (0.3 million pages, 1.6 s of the catalogue's 4 s at 100,000 films).
    """
    forks = jobs > 1 and "fork" in multiprocessing.get_all_start_methods()
    count = jobs - 1 if forks else 0
    context = multiprocessing.get_context("fork")
    waiting: list[tuple[Any, Any]] = []
    try:
        for _ in range(count):
            mine, theirs = context.Pipe()
            ours = [c for _, c in waiting] + [mine]  # closed in the child: see _help
            child = context.Process(target=_help, args=(theirs, ours), daemon=True)
            child.start()
            theirs.close()
            waiting.append((child, mine))
        yield Helpers(waiting)
    finally:
        _stop(waiting)


def _help(connection, ours: list) -> None:
    try:
        for end in ours:  # this process's copies of the parent's ends: else no end of file
            end.close()
        func, state, items = connection.recv()
    except (EOFError, KeyboardInterrupt):  # no work came, or Ctrl-C: the parent ends too
        return
    gc.enable()  # the parent may have paused its collector; this process collects its own
    _work_through(func, state, items, connection)


@contextmanager
def in_background(
    func: Callable[[Any, T], Any], items: Sequence[T], helpers: Helpers, state: Any = None
) -> Iterator[Callable[[], None]]:
    """Have the ``helpers`` run ``func(state, item)`` for every item while the ``with``
    block runs, so that they fill the cores the block leaves idle; the block calls the
    ``wait()`` it is given when it needs the work done (its end waits too).

    For work whose results are files, not values: the helpers get ``func``, ``state`` and
    their share of the items pickled, and send back only an exception, which ``wait()``
    raises. A block that fails ends them. The block's own process keeps a core, so there
    is one helper fewer than jobs (see :func:`forked_helpers`). With no helpers, or little
    work, everything is done before the block starts.
    """
    count = len(helpers.waiting) if len(items) >= MIN_ITEMS_PER_JOB * 2 else 0
    if not count:
        for item in items:
            func(state, item)
        yield lambda: None
        return
    children = helpers.waiting[:count]
    del helpers.waiting[:count]  # each helps once

    def wait() -> None:
        while children:
            child, receive = children.pop()
            try:
                failure = receive.recv()
            except EOFError:  # it died without a word (killed, say)
                child.join()
                failure = RuntimeError(f"a worker process ended with exit code {child.exitcode}")
            finally:
                receive.close()
            child.join()
            if failure is not None:
                _stop(children)
                raise failure

    try:
        for number, (_, connection) in enumerate(children):
            connection.send((func, state, items[number::count]))
        yield wait
        wait()
    finally:
        _stop(children)


def _work_through(func: Callable, state: Any, items: Sequence, send) -> None:
    try:
        for item in items:
            func(state, item)
        send.send(None)
    except BaseException as exc:  # handed to the parent, which raises it
        send.send(exc)
    finally:
        send.close()


def _stop(children: list) -> None:
    while children:
        child, receive = children.pop()
        child.terminate()
        child.join()
        receive.close()
