"""The quick rebuild: a few records changed in their details only.

When every input but a few record files is as the last build left it, and those records
still read without a problem and give the same outline (:func:`snapshot.outline_key`:
title, year, slug, genres, people, related titles, poster, date, rating, draft), the
catalogue and the page plan are the same as last time. Then this rebuild reads neither:
from the last build's snapshot it takes the pages that show a changed film, gives them
their films (each unpickled alone from the record cache), renders them, and patches the
search index, the facet index and the statistics from each film's part. It returns None
whenever it cannot tell, and the full build runs instead; the output is the same bytes.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..browse import INDEX_FILE, data_scripts, facet_index_bytes, facet_row
from ..cache import (
    Cache,
    base_signature,
    bucket_of,
    digest,
    film_fingerprint,
    load_record_blobs,
    load_rest,
    page_fingerprint,
    save_records,
    save_rest,
    trusted_before,
)
from ..errors import Problems
from ..model import Film, RelatedTitle
from ..render import make_environment, render_page, show_films
from ..searchindex import patch_search_files
from ..settings import load_settings
from ..snapshot import (
    STATS_ID,
    Snapshot,
    load_pages,
    load_snapshot,
    save_snapshot,
    shows,
    unpickle_page,
)
from ..stats import film_figures, with_figures
from ..write import finish_update, is_complete, same_bytes, staged_update, write_file

MAX_CHANGED = 32
"""More changed records than this are left to the full build, which reads them in
parallel."""


@dataclass(frozen=True)
class QuickResult:
    rendered: int  # pages rendered
    written: int  # files written


def quick_build(
    root: Path,
    out: Path,
    options: str,
    stamps: dict[str, tuple[int, int]],
    signature: bytes,
    state: Cache,
    template_dirs: list[Path],
    compiled: Path,
    load_record: Callable[[Path, str, tuple[int, int]], Any],
    overrides: Mapping[str, object] | None = None,
) -> QuickResult | None:
    """Rebuild ``out`` after record edits that change only films' details, or return None
    when the full build must run. ``stamps`` and ``signature`` are the inputs' now,
    ``state`` the last build's, ``compiled`` where templates are kept compiled, and
    ``load_record`` reads one record as the full build does (into a ``build.Loaded``);
    ``overrides`` are the build's settings overrides."""
    snap = load_snapshot(out)
    if snap is None or snap.signature != state.signature or state.summary is None:
        return None
    suspects = _suspects(snap, stamps, options, state.written_ns)
    if suspects is None or not is_complete(out):
        return None
    pages = load_pages(out, snap.pages_id)
    buckets = load_record_blobs(out)
    cache = load_rest(out)
    if pages is None or buckets is None or cache is None or cache.signature != state.signature:
        return None
    snap.pages = pages
    records, edited = {}, {}  # by file: every changed record, and those whose bytes changed
    for path in suspects:
        file = snap.records[path]
        new = load_record(root, file, stamps[path])
        if new.digest == snap.digests[file]:
            records[file] = new  # the same bytes: a newer time only
            continue
        if new.film is None or new.problems or snap.keys.get(file) != new.key:
            return None
        records[file] = edited[file] = new
        snap.digests[file] = new.digest

    def reread(file: str) -> Any:
        return load_record(root, file, stamps[str(root / file)])

    films = _Films(snap, buckets, records, edited, reread)
    changed = sorted(slug for slug, file in snap.files.items() if file in edited)
    patched = _patch_parts(out, snap, cache.files, films, changed, edited)
    if patched is None:
        return None  # the output's search index is not as the last build wrote it
    names, extras = patched
    settings = load_settings(root, Problems(), overrides)
    if settings.relative_links:  # the indexes as scripts too, for file://
        extras.update(data_scripts(extras))
    env = make_environment(settings, template_dirs, snap.media, compiled)
    show_films(env, films)
    lookup = lambda name: snap.stats if name == STATS_ID else films[name]  # noqa: E731
    rendered = 0
    with staged_update(out) as update:
        for rel, data in extras.items():
            if data is None:
                update.removed.append(rel)
                cache.files.pop(rel, None)
            elif cache.files.get(rel) != digest(data):
                write_file(update.staging, rel, data)
                update.written.append(rel)
                cache.files[rel] = digest(data)
        for rel, entry in snap.pages.items():
            if shows(entry, names):
                page = unpickle_page(entry[0], lookup)
                data = render_page(env, page)
                rendered += 1
                cache.pages[rel] = page_fingerprint(snap.templates, snap.common, page, films.known)
                if not same_bytes(out, rel, data):
                    write_file(update.staging, rel, data)
                    update.written.append(rel)
    save_records(out, buckets, records)
    cache.signature = snap.signature = signature
    cache.written_ns = time.time_ns()
    snap.stamps = stamps
    snap.extras = (snap.extras | extras.keys()) - set(update.removed)
    save_rest(out, cache)
    save_snapshot(out, snap)
    finish_update(out)
    return QuickResult(rendered, len(update.written))


def _suspects(
    snap: Snapshot, stamps: dict[str, tuple[int, int]], options: str, written_ns: int
) -> list[str] | None:
    """The record files that may have changed since the snapshot's build, by path; None
    when anything else may have (or too many records)."""
    if stamps.keys() != snap.stamps.keys():
        return None  # files added or removed
    if base_signature(stamps, set(snap.records), options) != snap.base:
        return None  # the options, or an input that is not a record
    trusted = trusted_before(written_ns)
    suspects = []
    for path, stamp in stamps.items():
        if stamp == snap.stamps[path] and stamp[1] < trusted:
            continue
        if path not in snap.records:
            return None  # a template, static file or the settings, changed too recently
        suspects.append(path)
    return suspects if len(suspects) <= MAX_CHANGED else None


class _Films(dict):
    """The films by slug, as the catalogue made them last time, each made when first
    asked for: from the changed records, else from the record cache. ``known`` holds the
    fingerprints of those made, by identity, for the pages' fingerprints."""

    def __init__(self, snap: Snapshot, buckets, records: dict, edited: dict, reread):
        super().__init__()
        self.snap, self.buckets, self.records, self.edited = snap, buckets, records, edited
        self.reread = reread
        self.known: dict[int, bytes] = {}

    def __missing__(self, slug: str) -> Film:
        snap = self.snap
        file = snap.files[slug]
        entry = self.records.get(file) or self._cached(file)
        film = self[slug] = _as_resolved(entry.film, slug, snap.related.get(slug, ()))
        if file in self.edited:
            snap.prints[slug] = film_fingerprint(film, entry.digest, snap.media)
        self.known[id(film)] = snap.prints[slug]
        return film

    def _cached(self, file: str) -> Any:
        """A record from the cache, read again from its file when the cache has another
        version than the snapshot's (written by a later build that failed, say)."""
        blob = self.buckets[bucket_of(file)].get(file)
        entry = pickle.loads(blob) if blob is not None else None
        return entry if entry and entry.digest == self.snap.digests[file] else self.reread(file)


def _patch_parts(
    out: Path,
    snap: Snapshot,
    files: dict[str, bytes],
    films: _Films,
    changed: list[str],
    edited: dict,
) -> tuple[set[str], dict[str, bytes | None]] | None:
    """Patch what is made from every film (search words, facet rows, figures) with the
    ``changed`` films; the names of what changed (slugs, and STATS_ID when the statistics
    did), and the search and facet index files that change (None: removed). None when a
    search file to patch is missing or not as the last build wrote it."""
    words = []  # each changed film's position, and its search words before and after
    for slug in changed:
        new = edited[snap.files[slug]]
        words.append((snap.order.index(slug), snap.words[slug], new.words))
        snap.words[slug] = new.words
        snap.rows[slug] = facet_row(films[slug], snap.media, snap.tables)
        snap.figures[slug] = film_figures(new.film)
    stats = with_figures(snap.stats, [snap.figures[s] for s in snap.order])
    names = {*changed, *([STATS_ID] if stats != snap.stats else [])}
    snap.stats = stats
    extras = _search_changes(out, files, words)
    if extras is None:
        return None
    extras[INDEX_FILE] = facet_index_bytes(snap.tables, [snap.rows[s] for s in snap.order])
    return names, extras


def _search_changes(
    out: Path, files: dict[str, bytes], words: list[tuple[int, str, str]]
) -> dict[str, bytes | None] | None:
    """The search index files that change (None: removed), patched from the output's,
    which must be as the last build wrote them (by their fingerprints, ``files``)."""

    def read(rel: str) -> bytes | None:
        if rel not in files:
            return None
        with open(out / rel, "rb") as handle:
            data = handle.read()
        if digest(data) != files[rel]:
            raise ValueError(f"{rel} is not as the last build wrote it")
        return data

    try:
        return dict(patch_search_files(read, words))
    except (OSError, ValueError):
        return None


def _as_resolved(raw: Film, slug: str, related: tuple) -> Film:
    """A record's film as the catalogue made it last time: its slug and its related titles
    as resolved then (where each entry stands in the file is taken from the record)."""
    if not raw.related:
        return replace(raw, slug=slug) if raw.slug != slug else raw
    related = tuple(
        RelatedTitle(*done, entry.line, entry.column)
        for done, entry in zip(related, raw.related, strict=True)
    )
    return replace(raw, slug=slug, related=related)
