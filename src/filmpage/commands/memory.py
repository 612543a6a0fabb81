"""What the last build left for this one: read from the build store as it is needed,
and kept in memory, so that the preview server, which keeps one :class:`Memory` from
build to build, reads nothing from the disk twice.

A fresh process starts with an empty memory over the store; the stages ask it for what
they need (a record's entry, films, the last plan, the outputs' fingerprints) and the
remember stage hands it what the build learned (:class:`Learned`), which it writes to
the store in one transaction and keeps.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..derive import SearchWords
from ..errors import Problem
from ..images import SourceInfo
from ..store import Damaged, Store, reader
from ..sweep import sweep as sweep_output
from .planrows import (
    PlanFilm,
    PlanPage,
    read_plan,
    shows_of,
    shows_rows,
    spec_hash,
    write_plan_pages,
)
from .recordrows import (
    RecordEntry,
    entries_of,
    problems_of,
    record_row,
    restamp,
    stored_records,
)

Stamp = tuple[int, int]

RACY_NS = 2_000_000_000
"""Files changed this close before the last build took their sizes and times may change
again without it showing in them (a change in the same clock tick; file systems that
keep times to two seconds): like git's racy-index rule, their size and time are not
trusted."""


@dataclass
class Summary:
    """The last finished build, as the command reports it."""

    films: int = 0
    pages: int = 0
    drafts: int = 0
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class Learned:
    """What a finished build hands the memory: what it now knows, and which parts are
    new (the records read, the plan when it was made, the outputs that changed)."""

    inputs: dict[str, Stamp]
    entries: dict[str, RecordEntry]
    read: dict  # file -> records.Loaded: the records this build read (kept already)
    plan: list[PlanFilm] | None  # the plan, when it was made
    pages: list[PlanPage] | None
    films: dict[str, tuple[bytes, str, str]]  # slug -> print, facet row, figures, as now
    words: dict[str, SearchWords]  # file -> search words, of the records read
    outputs: dict[str, bytes]  # every output file's fingerprint
    facts: dict[str, str]
    compiled: dict[str, tuple[bytes, bytes]] | None = None  # templates' code, when new
    pieces: list[tuple] = field(default_factory=list)  # cards rendered: the store's rows


@dataclass
class Memory:
    """The last finished build's state, read lazily from ``store`` (None: remember
    nothing, as ``check`` does)."""

    store: Store | None = None
    written_ns: int = 0  # when the last build took its inputs' sizes and times
    stamped_ns: int = 0  # when this build took them
    films: dict = field(default_factory=dict)  # file -> Film, decoded (kept by serve)
    words: dict = field(default_factory=dict)  # file -> search words, as last built
    cards: dict = field(default_factory=dict)  # (title, year) -> its share card, as named
    renderer: Any = None  # what rendering made, for the next build (build._Renderer)
    renderer_next: Any = None  # what this build's rendering makes, kept once it succeeds
    pid: int = field(default_factory=os.getpid)  # the process whose store this is
    gone: tuple[str, set[str], set[str]] | None = None  # an output, the last build's files
    # a sweep since found gone from it, and the files it found that no build made (:meth:`sweep`)
    ahead: bool = True  # :meth:`records_ahead`, as this build began
    generation: str | None = None  # the store's GENERATION as this memory last saw it
    swept_ns: int = 0  # when the sweep this build goes by began (0: the output is new)
    _cache: dict = field(default_factory=dict)  # what was read, by name
    _reader: tuple[int, Store] | None = None  # a render worker's own connection

    def store_here(self) -> Store | None:
        """The store, for the process that asks: a render worker opens its own, read-only
        (a connection is never shared across a fork)."""
        if self.store is None or os.getpid() == self.pid:
            return self.store
        if self._reader is None or self._reader[0] != os.getpid():
            self._reader = (os.getpid(), reader(self.store))
        return self._reader[1]

    def forget(self) -> None:
        """Forget everything: the next build starts from nothing, as the store does."""
        self.__init__()  # type: ignore[misc]

    def attach(self, store: Store | None) -> None:
        """Use ``store`` for this build (a preview server's memory outlives a build). A
        memory that the store has moved on from (another process built since: a
        ``filmpage build`` beside ``serve``) is forgotten, and read again from the store."""
        if store is not None:
            now = store.get(GENERATION) or ""
            if self.generation is not None and now != self.generation:
                self.forget()
            self.generation = now
        if self.store is None and store is not None:
            self.written_ns = int(store.get("written_ns") or 0)
        self.store = store
        self.ahead = self.fact(AHEAD) != ""  # (a fact missing or damaged: ahead)

    def trusted(self, stamp: Stamp) -> bool:
        """Whether a file's size and time can tell whether it changed since the last
        build: not when it was changed less than :data:`RACY_NS` before that build took
        them (a build that takes long is no window for a second change to slip in)."""
        return stamp[1] < self.written_ns - RACY_NS

    def _read(self, name: str, read):
        if name not in self._cache:
            self._cache[name] = read(self.store) if self.store else None
        return self._cache[name]

    def fact(self, name: str) -> str | None:
        """A fact of the last build, as text."""
        return self._read(f"fact:{name}", lambda store: store.get(name))

    def inputs(self) -> dict[str, Stamp]:
        rows = self._read("inputs", lambda s: s.whole("inputs", INPUTS))
        if rows is None:
            return {}
        if isinstance(rows, list):
            rows = self._cache["inputs"] = {p: (size, mtime) for p, size, mtime in rows}
        return rows

    def record_entries(self) -> dict[str, RecordEntry]:
        return self._read("entries", entries_of) or {}

    def problems(self, file: str) -> tuple[Problem, ...]:
        return (self._read("problems", problems_of) or {}).get(file, ())

    def stored(self, column: str, files: Iterable[str]) -> dict[str, bytes]:
        """The ``film`` or ``derived`` column of these records, by file; a damaged row
        is left out (the caller reads its file again)."""
        files = list(files)
        return stored_records(self.store, column, files) if self.store and files else {}

    def plan(self) -> tuple[bytes, list[PlanFilm], list[PlanPage]] | None:
        """The last build's plan and its key, or None (none, or a damaged row)."""
        return self._read("plan", read_plan)

    def with_specs(self, pages: list, which: Iterable[int]) -> list:
        """``pages`` (the plan's) with the context of each of ``which`` (positions in the
        plan, as the store holds it) that is a stored page without it read from the store;
        raises Damaged when one is not as its row says."""
        wanted = [i for i in which if isinstance(pages[i], PlanPage) and pages[i].spec is None]
        if not wanted:
            return pages
        sql = "SELECT pos, path, shows, spec FROM plan_pages WHERE pos IN ({marks})"
        rows = self.store.rows_in(sql, wanted)  # type: ignore[union-attr]
        found = {pos: (path, shows, spec) for pos, path, shows, spec in rows}
        pages = list(pages)
        kept = self._cache["plan"][2] if self._cache.get("plan") else []
        for i in wanted:
            path, text, spec = found.get(i, ("", None, None))
            page = pages[i]
            shows = tuple(text.split("\n")) if text else ()
            if path != page.path or spec is None or spec_hash(shows, spec) != page.spec_hash:
                raise Damaged(f"the context of {page.path} in the page plan")
            pages[i] = replace(page, shows=shows, spec=spec)
            if i < len(kept) and kept[i] is page:  # (a preview server's next build has it)
                kept[i] = pages[i]
        return pages

    def showing(self, slugs: Iterable[str]) -> set[int]:
        """The places in the last build's plan of the pages that name any of these films
        (films of that plan: each is named by its own page at least), from the store or,
        in a preview server, as the last plan made here left them; raises Damaged when
        one is not known."""
        rows = self._shows(sorted(set(slugs)))
        return {int(i) for pages in rows.values() for i in pages.split()}

    def _shows(self, slugs: list[str]) -> dict[str, str]:
        """The places of the pages that name each of these films (``plan_shows``); raises
        Damaged when one is not known."""
        known = self._cache.get("shows")
        if known is not None:
            rows = {s: known[s] for s in slugs if s in known}
        else:
            rows = shows_of(self.store, slugs) if self.store and slugs else {}  # type: ignore[arg-type]
        if len(rows) != len(slugs):
            raise Damaged("the pages that name a film, in the page plan")
        return rows

    def plan_films(self) -> dict[str, tuple[bytes, str, str]]:
        """Each film's print, facet row and figures as the last build made them, by slug."""
        return self._read("films", _films) or {}

    def posters(self) -> dict:
        """What each poster source was, by its path under static/: ((size, time), what
        it is), as the store knows it (``commands/media.py`` reads and writes the rows)."""
        return self._read("posters", _posters) or {}

    def sweep(self, out: Path) -> None:
        """Look now which of the last build's files are gone from ``out``, so that the
        next build need not: the preview server does it while it waits for a save (a file
        deleted after this is made again by the build after the next). Only when this
        memory holds the last build's outputs (a build with nothing to do reads none)."""
        outputs = self._cache.get("outputs")
        started = time.time_ns()
        swept = None if outputs is None else sweep_output(str(out), outputs, self.since())
        self.gone = None if swept is None else (str(out.absolute()), *swept, started)

    def since(self) -> int:
        """When the last build's output was last looked at (the start of the sweep that
        build went by, else its end: a new output), less the clock's slack (0: not known):
        a folder changed since then may hold a change by hand."""
        text = self.fact("swept_ns") or ""
        return int(text) - RACY_NS if text.isdigit() else 0

    def outputs(self) -> dict[str, bytes]:
        """The fingerprint of every output file of the last build, by path."""
        return self._read("outputs", lambda s: dict(s.whole("outputs", OUTPUTS) or ())) or {}

    def compiled(self) -> dict[str, tuple[bytes, bytes]]:
        """The templates' compiled code the last builds kept, signed (``compiled.py``)."""
        return self._read("compiled", lambda s: {n: (c, sig) for n, c, sig in s.rows(
            "SELECT name, code, signature FROM compiled")}) or {}  # fmt: skip

    def references(self) -> dict[str, frozenset[str]]:
        """The templates each template pulls in, by a hash of its source
        (``templaterefs.source_key``), as the last build found them."""
        text = self.fact("references")
        return {k: frozenset(v) for k, v in json.loads(text).items()} if text else {}

    def summary(self) -> Summary | None:
        text = self.fact("summary")
        if text is None:
            return None
        films, pages, drafts, warnings = json.loads(text)
        return Summary(films, pages, drafts, [Problem(*w) for w in warnings])

    def keep_records(self, read: dict) -> None:
        """Write the records this build read (file -> ``records.Loaded``) to the store
        now: each describes its file by the hash of its bytes, whatever becomes of the
        build, and the build need not hold their data any longer."""
        if self.store is None or not read:
            return
        with self.store.db:
            self.store.write(
                "INSERT OR REPLACE INTO records (file, digest, key, problems, derived,"
                " derived_check, film, film_check, size, mtime, entry_check)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (record_row(self.store, file, loaded) for file, loaded in read.items()),
            )
            self.store.put(AHEAD, "1")
            self.generation = _new_generation()
            self.store.put(GENERATION, self.generation)
        self._cache[f"fact:{AHEAD}"] = "1"
        # What is cached of the records goes by the store's rows from now on: a build that
        # fails after this leaves them, and a preview server's next build goes by them.
        entries, problems = self._cache.get("entries"), self._cache.get("problems")
        for file, loaded in read.items():
            if entries is not None:
                entries[file] = RecordEntry(loaded.stamp, loaded.digest, loaded.key)
            if problems is not None:
                problems.pop(file, None)
                if loaded.problems:
                    problems[file] = tuple(loaded.problems)

    def records_ahead(self) -> bool:
        """Whether, as this build began, a build that did not finish had written records
        since the last that did: a record then may hold what the output does not show
        yet (its search words). (Those this build writes as it reads them are its own:
        it knows their words, and their old ones: ``records.Records.before``.)"""
        return self.ahead

    def remember(self, learned: Learned) -> None:
        """Keep what a finished build learned, and write what is new to the store."""
        self.written_ns = self.stamped_ns or time.time_ns()
        self.generation = _new_generation() if self.store is not None else None
        facts = {**learned.facts, "written_ns": str(self.written_ns), AHEAD: "",
                 "swept_ns": str(self.swept_ns or self.written_ns)}  # fmt: skip
        if self.generation is not None:
            facts[GENERATION] = self.generation
        shows = self._cache.get("shows")
        if self.store is not None:
            shows = _write(self.store, learned, facts, self, shows)
        elif learned.plan is not None:
            shows = dict(shows_rows(learned.pages or ()))
        plan = self.plan() if learned.plan is None else None  # the last build's, kept
        # (the records this build read are in it already: :meth:`keep_records`)
        problems = self._read("problems", problems_of) or {}
        posters = self._cache.get("posters")
        self._cache = {
            "inputs": learned.inputs,
            "entries": learned.entries,
            "outputs": learned.outputs,
            "films": learned.films,
            **{f"fact:{k}": v for k, v in facts.items()},
        }
        if learned.plan is not None:
            plan = (bytes.fromhex(facts["plan"]), learned.plan, learned.pages)
        self._cache["plan"] = plan
        self._cache["problems"] = {f: p for f, p in problems.items() if f in learned.entries}
        if posters is not None:
            self._cache["posters"] = posters
        self._cache["shows"] = shows
        if learned.compiled is not None:
            self._cache["compiled"] = learned.compiled
        self.words.update(learned.words)


INPUTS = "SELECT path, size, mtime FROM inputs ORDER BY path"
OUTPUTS = "SELECT path, fingerprint FROM outputs ORDER BY path"


AHEAD = "records_ahead"
"""The fact that says records were written by a build that has not finished."""

GENERATION = "generation"
"""The fact that changes with every write of a build to the store: a memory kept between
builds (a preview server's) that finds another one knows the store has moved on."""


def _new_generation() -> str:
    return f"{os.getpid()}.{time.time_ns()}"


def _posters(store: Store) -> dict:
    rows = store.checked("SELECT path, size, mtime, info, check_ FROM posters")
    return {path: ((size, mt), SourceInfo(*json.loads(info))) for path, size, mt, info in rows}


def _films(store: Store) -> dict[str, tuple[bytes, str, str]]:
    rows = store.whole("film_parts", "SELECT * FROM film_parts ORDER BY slug") or []
    return {slug: (print_, row, figures) for slug, print_, row, figures in rows}


def _write(
    store: Store, learned: Learned, facts: dict[str, str], before: Memory, shows: dict | None
) -> dict | None:
    """Write what changed since the last build (``before``) into the store, in one
    transaction; the pages that name each film (``shows``, as far as known) as they now
    are."""
    with store.db:
        store.update_sealed("inputs", before.inputs(), learned.inputs, lambda p, s: (p, *s))
        entries = before.record_entries()
        gone = [(f,) for f in entries.keys() - learned.entries.keys()]
        store.write("DELETE FROM records WHERE file = ?", gone)  # (those read: keep_records)
        touched = {f: e.stamp for f, e in learned.entries.items()
                   if f not in learned.read and entries.get(f, e).stamp != e.stamp}  # fmt: skip
        restamp(store, touched)
        if learned.plan is not None:
            films = [(i, f.slug, f.file, f.title, f.year, f.poster, f.related)
                     for i, f in enumerate(learned.plan)]  # fmt: skip
            store.replace_all("plan_films", films)
            store.seal("plan_films", films)
            shows = write_plan_pages(store, learned.pages or [], before.plan(),
                                     before.with_specs, before._shows, shows)  # fmt: skip
        parts, films = before.plan_films(), learned.films
        store.update_sealed("film_parts", parts, films, lambda slug, value: (slug, *value))
        store.update_sealed("outputs", before.outputs(), learned.outputs, lambda p, f: (p, f))
        if learned.compiled is not None:
            store.replace_all("compiled", ((n, *e) for n, e in learned.compiled.items()))
        store.write("INSERT OR REPLACE INTO pieces VALUES (?, ?, ?, ?, ?)", learned.pieces)
        if learned.plan is not None:  # the pieces of films no longer in the plan go
            store.db.execute("DELETE FROM pieces WHERE slug NOT IN (SELECT slug FROM plan_films)")
        for name, value in facts.items():
            store.put(name, value)
    return shows
