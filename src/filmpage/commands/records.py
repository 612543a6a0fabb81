"""The load stage: every record file, read again only when it changed.

A record file gives a :class:`Loaded`: the film as data, what was derived from it alone
(outline, search words, figures), its problems, and the hash of its outline, which is
all the catalogue needs to know whether anything placing a film among the others
changed. Files are read and checked in worker processes, each on its own; a file whose
size and time (else bytes) are as the last build saw them is not read at all.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..derive import Derived, SearchWords, derive
from ..errors import Problem, Problems
from ..filmdata import derived_data, derived_from_data, film_data, film_from_data, related_from_data
from ..formats import Words
from ..load import find_records, parse_record, read_file
from ..localized import localize
from ..model import Film, Outline
from ..record import film_from_record
from ..store import digest
from .memory import Memory
from .parallel import Pool
from .planrows import PlanFilm
from .recordrows import RecordEntry, stored_records
from .scan import stamp

Stamp = tuple[int, int]  # a file's size and modification time (ns)


@dataclass(frozen=True)
class Loaded:
    """What one record file gave."""

    file: str
    stamp: Stamp  # the file's size and time, taken before it was read
    digest: bytes  # a hash of its bytes
    key: bytes  # a hash of its outline (b"" when the record has errors)
    film: bytes  # the film, as data (filmdata); b"" when the record has errors
    derived: bytes  # its Derived, as data; b"" likewise
    problems: tuple[Problem, ...]


@dataclass
class Records:
    """Every record file of the site (sorted), what the last build knew of each, and
    what this build read (:meth:`let_go` drops what the render stage does not need)."""

    entries: dict[str, RecordEntry]  # file -> stamp, bytes' hash and outline's hash
    read: dict[str, Loaded]  # the files read by this build (their data in the store)
    films: dict[str, Film]  # their films, by file
    derived: dict[str, Derived]  # what was derived from them, and from films read back
    # from the store since (:func:`derived_of`), by file: "read by this build" is ``films``
    problems: list[Problem]  # every record's
    words: dict[str, SearchWords] = field(default_factory=dict)  # the read ones' search words
    before: dict[str, bytes] = field(default_factory=dict)  # file -> its derived data as the
    # store held it before this build read the file again (the search index is patched
    # from its old words), when the store held it, the memory holds no words of it, and
    # the store's records were the last finished build's (else the index is made whole)

    def let_go(self) -> None:
        """Drop what was derived from the records, once the catalogue, the plan and the
        indexes are made (the search words of those read kept for the next build): the
        render workers, forked next, then share less, and the build holds less while
        they work."""
        self.words = {f: self.derived[f].search for f in self.read if f in self.derived}
        self.derived, self.before = {}, {}  # (the films stay: the pages show them)


def load_records(
    root: Path,
    stamps: Mapping[str, Stamp],
    memory: Memory,
    pool: Pool,
    progress: Callable[[int, int], None],
) -> Records:
    """Read every record file that changed since the last build (``memory``), in the
    ``pool``'s processes; ``stamps`` are the inputs' sizes and times, by path."""
    problems = Problems()
    files = find_records(root, problems)
    known = dict(memory.record_entries())  # (as the build began: keep_records adds to it)
    todo = []
    base = str(root)
    for file in files:
        path = os.path.join(base, file)  # (as input_stamps names it; a Path costs more)
        found = stamps.get(path) or stamp(path)
        entry = known.get(file)
        if entry is None or entry.stamp != found or not memory.trusted(found):
            todo.append((file, found, entry.digest if entry else None))
    entries = {file: known[file] for file in files if file in known}
    read: dict[str, Loaded] = {}
    films: dict[str, Film] = {}
    derived: dict[str, Derived] = {}
    before: dict[str, bytes] = {}
    batch: dict[str, Loaded] = {}
    for file, when, loaded in pool.map(_load, todo, root, progress):
        if loaded is None:  # the same bytes as last time (touched, or checked out again)
            entries[file] = replace(entries[file], stamp=when)
            continue
        entries[file] = RecordEntry(when, loaded.digest, loaded.key)
        batch[file] = loaded
        memory.films.pop(file, None)  # (a film kept from an earlier build: changed now)
        if loaded.film:  # read back here while the workers go on reading
            film = films[file] = film_from_data(loaded.film)
            derived[file] = derived_from_data(loaded.derived, film)
        if len(batch) == KEEP_AT_ONCE:
            read.update(_kept(memory, batch, known, before))
            batch = {}
    read.update(_kept(memory, batch, known, before))
    every = [*problems.items]
    for file in files:
        found = read[file].problems if file in read else memory.problems(file)
        every.extend(found)
    return Records({f: entries[f] for f in files}, read, films, derived, every, before=before)


KEEP_AT_ONCE = 1000
"""Records written to the store in one transaction as they are read: the build holds
their data no longer than that, and no transaction grows with the catalogue."""


def _kept(
    memory: Memory, batch: dict[str, Loaded], known: Mapping, before: dict[str, bytes]
) -> dict[str, Loaded]:
    """Write these records to the store, first putting in ``before`` what it held of
    those it knew, and give them back without their data: their films and what was
    derived from them are made by now, and the store has their data."""
    if not memory.ahead:  # (else the search index is made whole: no old words needed)
        again = [file for file in batch if file in known and file not in memory.words]
        before.update(memory.stored("derived", again))
    memory.keep_records(batch)
    return {file: replace(loaded, film=b"", derived=b"") for file, loaded in batch.items()}


def _load(root: Path, item: tuple[str, Stamp, bytes | None]) -> tuple[str, Stamp, Loaded | None]:
    """Read and check one record file (runs in a worker), unless its bytes are those of
    the last build (their hash is ``item``'s last part): then None."""
    file, stamp, known = item
    problems = Problems()
    data = read_file(root, file, problems)
    if data is not None and known is not None and digest(data) == known:
        return file, stamp, None
    return file, stamp, _loaded(file, stamp, data, problems)


def _loaded(file: str, stamp: Stamp, data: bytes | None, problems: Problems) -> Loaded:
    record = parse_record(data, file, problems) if data is not None else None
    film = film_from_record(record, problems) if record else None
    found = tuple(problems.items)
    if film is None:
        return Loaded(file, stamp, digest(data or b""), b"", b"", b"", found)
    derived = derive(film)
    return Loaded(
        file, stamp, digest(data or b""), outline_key(derived.outline), film_data(film),
        derived_data(derived), found,
    )  # fmt: skip


def outline_key(outline: Outline) -> bytes:
    """A hash of what an outline says of its film, but where in its file each thing is
    written: a line added above the related titles moves them in the file, not in the
    catalogue. (As ``marshal`` writes it in its first version, which shares no object:
    equal outlines, equal bytes.)"""
    credits = [(r.key, r.label, [(c.name, c.character) for c in r.people]) for r in outline.credits]
    what = (
        outline.title, outline.year, outline.slug, outline.slug_given, outline.original_title,
        outline.genres, credits, [r.fields for r in outline.related], outline.poster,
        outline.release_date and outline.release_date.isoformat(), outline.content_rating,
        outline.draft, outline.aliases, outline.ids, outline.titles,
    )  # fmt: skip
    return digest(marshal.dumps(what, 0))


def load_record(root: Path, file: str) -> Loaded:
    """One record file, read now (a film the store could not give back)."""
    problems = Problems()
    return _loaded(file, stamp(root / file), read_file(root, file, problems), problems)


def derived_of(root: Path, records: Records, memory: Memory, files: list[str]) -> list[Derived]:
    """What was derived from each of these files' films: this build's reading, else the
    store's (kept in ``records`` for the rest of the build), else (a damaged row) read
    again now."""
    stored = memory.stored("derived", [f for f in files if f not in records.derived])
    found = []
    for file in files:
        derived = records.derived.get(file)
        if derived is None:
            data = stored.get(file) or load_record(root, file).derived
            derived = records.derived[file] = derived_from_data(data)
        found.append(derived)
    return found


class Shelf(dict):
    """The plan's films by slug, as the catalogue resolved them (final slug, related
    titles: ``related``, when the catalogue was made by this build, else as the plan
    keeps them), each made the first time a page asks for it, from its data: this
    build's reading, else the store (a damaged row: the record read again). The process
    that made the shelf keeps the films it read from the store in the memory, for a
    preview server's next build; a render worker opens the store anew: a connection is
    never shared across a fork."""

    def __init__(
        self,
        root: Path,
        films: list[PlanFilm],
        records: Records,
        memory: Memory,
        related: dict[str, tuple],
    ):
        super().__init__()
        self.root, self.records, self.memory, self.related = root, records, memory, related
        self.plan = {f.slug: f for f in films}
        self.pid = os.getpid()

    def __missing__(self, slug: str) -> Film:
        placed = self.plan[slug]
        film = self.records.films.get(placed.file) or self.memory.films.get(placed.file)
        if film is None:
            film = film_from_data(self._data(placed.file))
            if os.getpid() == self.pid:
                self.memory.films[placed.file] = film
        related = self.related.get(slug)  # as the catalogue resolved them, when it did now
        if related is None:
            related = related_from_data(placed.related)
        if film.slug != slug or film.related != related:
            film = replace(film, slug=slug, related=related)
        self[slug] = film
        return film

    def _data(self, file: str) -> bytes:
        store = self.memory.store_here()
        found = stored_records(store, "film", [file]) if store is not None else {}
        return found.get(file) or load_record(self.root, file).film


class Localized(dict):
    """The shelf's films as the pages of one language show them (:func:`localize`: its
    translations of their text, its labels, the titles it gives the films they name:
    ``titles``, by slug, where the language retitles them), each made the first time a
    page asks for it."""

    def __init__(self, shelf: Shelf, words: Words, titles: Mapping[str, str]):
        super().__init__()
        self.shelf, self.words, self.titles = shelf, words, titles

    def __missing__(self, slug: str) -> ShownFilm:
        title = self.titles.get(slug) or self.shelf.plan[slug].title
        film = self[slug] = ShownFilm(slug, title, self.localized)
        return film

    def localized(self, slug: str) -> Film:
        """The film, made now, in its place from now on."""
        titles = self.titles
        film = self[slug] = localize(self.shelf[slug], self.words, titles.get if titles else None)
        return film

    def resolved(self) -> dict[str, Film]:
        """The films made so far (those a page asked more of than slug and title)."""
        return {slug: film for slug, film in self.items() if type(film) is not ShownFilm}


class ShownFilm:
    """A film a page names, in one language: its slug and title at hand (the plan has
    them), the rest made the first time a template asks for more. Most films a page names
    are in a grid of cards, kept from the last build and found by slug, and in the list's
    structured data, which names them by title: those are never made. What a template
    reads of a film made is kept on this object (a frozen film's attributes stay the
    same), as an attribute found here is read directly, and one that is not costs a call
    of ``__getattr__``."""

    def __init__(self, slug: str, title: str, make: Callable[[str], Film]):
        self.slug, self.title, self._make = slug, title, make
        self.made: Film | None = None

    def __getattr__(self, name: str):
        if name.startswith("__"):  # (copy, pickle and the like ask for these)
            raise AttributeError(name)
        if self.made is None:
            self.made = self._make(self.slug)
        value = self.__dict__[name] = getattr(self.made, name)
        return value

    def __repr__(self) -> str:
        return f"ShownFilm({self.slug!r})"
