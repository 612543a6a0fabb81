"""What an edit needs of the last build: every page's data, pickled on its own with films
standing for their slugs, and each film's share of what is made from all of them.

A build that finds only a few films changed, and none of them in what the catalogue is
made of (title, year, slug, genres, people, related titles, poster, date, rating, draft:
:func:`outline_key`), knows the catalogue and the page plan are the same as last time.
It then needs neither: it unpickles the pages that show a changed film, gives them the
films they name (from the record cache, which keeps each record pickled on its own),
renders them, and patches the search index, the facet index and the statistics from
each film's part kept here. Nothing here is needed for a full build; the snapshot is
written after one, beside the cache, and is as safe to delete.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .browse import FacetTables
from .cache import CACHE_VERSION, cache_path, read_pickle, write_bytes, write_pickle
from .images import Media
from .model import Film
from .pages import Page
from .stats import Figures, Stats

SNAPSHOT_FILE = "snapshot.pickle"
PAGES_FILE = "snapshot-pages.pickle"  # the pages: written by full builds only
STATS_ID = "\0stats"  # stands for the statistics in a pickled page, among film slugs

DETAILS = frozenset(
    {
        "original_title",
        "tagline",
        "runtime",
        "countries",
        "languages",
        "studio",
        "distributor",
        "trailer",
        "critics",
        "top_critics",
        "customer_reviews",
        "offers",
        "source",
        "plot_html",
    }
)
"""A film's fields that only pages showing the film read, or that are kept per film here
(search words, facet row, figures): an edit to these alone changes no other film's pages."""


def outline_key(film: Film) -> bytes:
    """A hash of every field but the :data:`DETAILS` (and where fields stand in the
    file): what the catalogue, the page plan and the images are made from."""
    parts = []
    for name in film.__dataclass_fields__:
        if name in DETAILS or name == "positions":
            continue
        value = getattr(film, name)
        if name == "related":
            value = [r.fields for r in value]
        elif name == "credits":  # as plain tuples: a dataclass's repr is slow
            value = [(r.key, r.label, [(c.name, c.character) for c in r.people]) for r in value]
        parts.append((name, value))
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()


@dataclass
class Snapshot:
    version: str = CACHE_VERSION
    signature: bytes = b""  # of the build it describes (as in the cache's state)
    base: bytes = b""  # a hash of the options and every input but the records' sizes and times
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # inputs, by path
    records: dict[str, str] = field(default_factory=dict)  # input path -> record file
    digests: dict[str, bytes] = field(default_factory=dict)  # record file -> hash of bytes
    # (the record cache may hold newer records, from a build that failed later)
    keys: dict[str, bytes] = field(default_factory=dict)  # record file -> outline_key,
    # for records read without any problem (others always mean a full build)
    files: dict[str, str] = field(default_factory=dict)  # published slug -> record file
    related: dict[str, tuple[tuple, ...]] = field(default_factory=dict)  # slug -> related
    # titles as resolved, each as (title, slug, director, year, url): quick to unpickle
    prints: dict[str, bytes] = field(default_factory=dict)  # slug -> film fingerprint
    order: list[str] = field(default_factory=list)  # published slugs, catalogue order
    words: dict[str, str] = field(default_factory=dict)  # slug -> search words
    rows: dict[str, str] = field(default_factory=dict)  # slug -> facet index row
    figures: dict[str, Figures] = field(default_factory=dict)  # slug -> figures
    tables: FacetTables | None = None
    stats: Stats | None = None
    media: Media | None = None
    templates: dict[str, bytes] = field(default_factory=dict)  # template -> hash
    common: bytes = b""  # what every page fingerprint starts with
    extras: frozenset[str] = frozenset()  # the search and facet index files
    pages_id: bytes = b""  # the full build that wrote the pages
    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict, repr=False)
    # output path -> the page pickled, and the slugs (and STATS_ID) it stands for, each
    # on its own line ("\nslug\n...")


def shows(page: tuple[bytes, str], names: set[str]) -> bool:
    """Whether a pickled page stands for any of these films (or the statistics)."""
    return any(f"\n{name}\n" in page[1] for name in names)


def load_snapshot(out: Path) -> Snapshot | None:
    """The snapshot without its pages (the large part): :func:`load_pages` reads those."""
    snapshot = read_pickle(cache_path(out, SNAPSHOT_FILE))
    ok = isinstance(snapshot, Snapshot) and snapshot.version == CACHE_VERSION
    return snapshot if ok else None


def load_pages(out: Path, pages_id: bytes) -> dict[str, tuple[bytes, str]] | None:
    """The snapshot's pages alone, when they are those of ``pages_id``."""
    pages = read_pickle(cache_path(out, PAGES_FILE))
    return pages[1] if isinstance(pages, tuple) and pages[0] == pages_id else None


def pickled_snapshot(snapshot: Snapshot) -> bytes:
    """The snapshot without its pages, pickled, as :func:`save_snapshot` writes it."""
    return pickle.dumps(replace(snapshot, pages={}), protocol=pickle.HIGHEST_PROTOCOL)


def save_snapshot(out: Path, snapshot: Snapshot | bytes) -> None:
    """Write the snapshot without its pages (a full build writes those with
    :func:`save_pages`), or what :func:`pickled_snapshot` made of it. A build that fails
    after this leaves a snapshot whose signature is not the cache's, which no later build
    uses."""
    data = snapshot if isinstance(snapshot, bytes) else pickled_snapshot(snapshot)
    write_bytes(cache_path(out, SNAPSHOT_FILE), data)


def save_pages(out: Path, pages_id: bytes, pages: dict[str, tuple[bytes, str]]) -> None:
    """Write a full build's pages, each as :func:`pickle_page` made it, by output path."""
    write_pickle(cache_path(out, PAGES_FILE), (pages_id, pages))


class _PagePickler(pickle.Pickler):
    def __init__(self, handle: io.BytesIO):
        super().__init__(handle, protocol=pickle.HIGHEST_PROTOCOL)
        self.names: set[str] = set()

    def persistent_id(self, obj: Any) -> str | None:
        if type(obj) is Film:
            self.names.add(obj.slug)
            return obj.slug
        if type(obj) is Stats:
            self.names.add(STATS_ID)
            return STATS_ID
        return None


def pickle_page(page: Page) -> tuple[bytes, str]:
    """A page pickled with its films (and statistics) left out, and their names."""
    handle = io.BytesIO()
    pickler = _PagePickler(handle)
    pickler.dump(page)
    return handle.getvalue(), "".join(f"\n{name}" for name in sorted(pickler.names)) + "\n"


def unpickle_page(data: bytes, lookup: Callable[[str], Any]) -> Page:
    """A page from :func:`pickle_page`, its films (and statistics) given by ``lookup``."""
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = lookup  # type: ignore[method-assign]
    return unpickler.load()
