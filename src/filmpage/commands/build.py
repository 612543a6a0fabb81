"""Build and check: the whole pipeline as one readable sequence.

Gather first, write last: settings, records and the catalogue are loaded and checked
in full, and every problem is reported together, before the first byte of output. Pages
are then rendered into a staging folder that replaces the output only when all is done.
"""

from __future__ import annotations

import gc
import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment

from .. import __version__
from ..browse import INDEX_FILE, data_scripts, facet_index_bytes, facet_row, facet_tables
from ..cache import (
    CACHE_VERSION,
    Cache,
    base_signature,
    cache_path,
    digest,
    film_fingerprints,
    input_signature,
    load_cache,
    load_state,
    page_fingerprint,
    record_blob,
    save_record_cache,
    save_rest,
    template_hashes,
    trusted_before,
    unchanged,
)
from ..catalogue import (
    Catalogue,
    Suggest,
    build_catalogue,
    default_suggestions,
    drafts_left_out,
    shown_films,
)
from ..errors import Problem, Problems
from ..images import Media
from ..load import find_records, parse_record, read_file
from ..model import Film
from ..pages import Page, films_listed, plan_pages
from ..record import film_from_record
from ..render import extra_files, make_environment, render_cards, render_page, show_films
from ..searchindex import film_words, search_files
from ..settings import SETTINGS_FILE, Settings, load_settings
from ..snapshot import (
    Snapshot,
    load_pages,
    outline_key,
    pickle_page,
    pickled_snapshot,
    save_pages,
    save_snapshot,
)
from ..stats import catalogue_stats, film_figures
from ..suggest import Suggestion, suggestion_inputs
from ..theme import theme_dir
from ..write import (
    Update,
    check_output_folder,
    check_output_paths,
    collect_static,
    copy_file,
    finish_update,
    is_complete,
    link_file,
    output_files,
    same_bytes,
    same_copy,
    staged_output,
    staged_update,
    write_file,
)
from .media import make_card, missing_cards, prepare_media, prune_store
from .parallel import (
    Helpers,
    default_jobs,
    forked_helpers,
    in_background,
    parallel_map,
    parallel_results,
)
from .quick import quick_build

OUTPUT_DIR = "site"

Progress = Callable[[str, int, int], None]
"""Told ``(stage, done, total)`` as a build goes: stages are "loading", "posters" and
"rendering" (share cards are made while the catalogue is checked and pages render)."""


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class Site:
    """A loaded, checked site, ready to render."""

    root: Path
    settings: Settings
    catalogue: Catalogue
    static: dict[str, Path]
    warnings: list[Problem]
    records: dict[str, Loaded]  # by record file


@dataclass(frozen=True)
class BuildResult:
    films: int
    pages: int
    files: int
    warnings: list[Problem]
    seconds: float
    out: Path
    rendered: int = 0
    reused: int = 0
    removed: int = 0
    drafts: int = 0  # drafts left out


@dataclass(frozen=True)
class Loaded:
    """What one record file gave: its film (None when it has errors) and problems, and its
    search words (derived here, in the worker, so they are made once and cached with it)."""

    stamp: tuple[int, int]  # the file's size and modification time, when it was read
    digest: bytes  # a hash of its bytes
    film: Film | None
    problems: list[Problem]
    words: str  # space-separated
    outline: bytes  # a hash of what "More like this" reads of the film (suggestion_inputs)
    key: bytes  # a hash of what the catalogue is made from (snapshot.outline_key)


def load_site(
    root: Path,
    drafts: bool = False,
    strict: bool = False,
    jobs: int = 1,
    cache: Cache | None = None,
    progress: Progress = _quiet,
    stamps: dict[str, tuple[int, int]] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Site:
    """Read and check everything; raise one FilmpageError holding every problem.

    With a ``cache``, a record file that is unchanged (by its size and time, else by its
    bytes) is not parsed again, and the cache is updated with what was parsed. ``stamps``
    are the record files' sizes and times, by path, when the caller has them already.
    """
    problems = Problems()
    cache = cache if cache is not None else Cache()
    records = load_records(root, problems, jobs, cache, progress, stamps)
    return check_site(root, records, problems, drafts, strict, cache, overrides)


def load_records(
    root: Path,
    problems: Problems,
    jobs: int,
    cache: Cache,
    progress: Progress = _quiet,
    stamps: dict[str, tuple[int, int]] | None = None,
) -> dict[str, Loaded]:
    """Every record file, read (or taken from the cache), by file in sorted order; the
    cache is updated with what was parsed (see :func:`load_site`)."""
    files = find_records(root, problems)
    trusted = trusted_before(cache.written_ns)
    records: dict[str, Loaded] = {}
    blobs: dict[str, bytes] = {}
    missing = []
    paths = input_paths(root, files)
    for file in files:
        entry = cache.records.get(file)
        path = paths[file]
        stamp = stamps[path] if stamps and path in stamps else _stamp(path)
        if entry is not None and entry.stamp == stamp and stamp[1] < trusted:
            records[file] = entry
            if file in cache.blobs:
                blobs[file] = cache.blobs[file]
            continue
        data = read_file(root, file, Problems()) if entry is not None else None
        if entry is not None and data is not None and entry.digest == digest(data):
            records[file] = entry if entry.stamp == stamp else replace(entry, stamp=stamp)
            if entry.stamp == stamp and file in cache.blobs:
                blobs[file] = cache.blobs[file]
        else:
            missing.append((file, stamp))  # parsed in a worker, which reports its problems
    loaded = parallel_map(  # each record unpickled as it arrives, its pickle kept for the cache
        _load_film,
        missing,
        jobs,
        root,
        lambda n: progress("loading", n, len(missing)),
        lambda blob: (pickle.loads(blob), blob),
    )
    for (file, _), (entry, blob) in zip(missing, loaded, strict=True):
        records[file], blobs[file] = entry, blob
    cache.records, cache.blobs = records, blobs
    return {file: records[file] for file in files}


def check_site(
    root: Path,
    records: dict[str, Loaded],
    problems: Problems,
    drafts: bool = False,
    strict: bool = False,
    cache: Cache | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Site:
    """The settings (the file's, with ``overrides``), the static files and the catalogue
    made from loaded records; raise one FilmpageError holding every problem (``problems``
    may hold some already)."""
    settings = load_settings(root, problems, overrides)
    films = []
    for loaded in records.values():
        problems.extend(loaded.problems)
        if loaded.film is not None:
            films.append(loaded.film)
    theme = theme_dir()
    static = collect_static([(theme / "static", theme), (root / "static", root)], problems)
    cache = cache if cache is not None else Cache()
    catalogue = build_catalogue(
        films, problems, frozenset(static), drafts, _remembered_suggestions(cache, records)
    )
    problems.raise_if_errors(strict)
    return Site(root, settings, catalogue, static, problems.warnings, records)


def _remembered_suggestions(cache: Cache, records: dict[str, Loaded]) -> Suggest:
    """Suggestions that come from the cache when no film changed what they depend on."""

    def suggestions(films: tuple[Film, ...]) -> dict[str, tuple[Suggestion, ...]]:
        key = digest(b"".join(f.slug.encode() + b"\0" + records[f.file].outline for f in films))
        if cache.suggestions[0] != key:
            cache.suggestions = (key, default_suggestions(films))
        return cache.suggestions[1]

    return suggestions


def _load_film(root: Path, item: tuple[str, tuple[int, int]]) -> bytes:
    """One record file to a pickled :class:`Loaded` (runs in a worker; pickled here, in
    parallel, once for both the trip to the parent and the cache); the file comes with its
    size and time, taken before it is read."""
    return record_blob(load_record(root, *item))


def load_record(root: Path, file: str, stamp: tuple[int, int]) -> Loaded:
    """One record file to a Film, its problems and search words."""
    problems = Problems()
    data = read_file(root, file, problems)
    record = parse_record(data, file, problems) if data is not None else None
    film = film_from_record(record, problems) if record else None
    words = " ".join(sorted(film_words(film))) if film else ""
    outline = digest(suggestion_inputs(film)) if film else b""
    key = outline_key(film) if film else b""
    return Loaded(stamp, digest(data or b""), film, problems.items, words, outline, key)


def _stamp(path: str | Path) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def template_dirs(root: Path) -> list[Path]:
    """The site's templates first, then the theme's (the same folder only once)."""
    dirs = [root / "templates", theme_dir() / "templates"]
    unique = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def input_paths(root: Path, files: Iterable[str]) -> dict[str, str]:
    """Each record file's path as :func:`input_stamps` names it, by file: ``str(root /
    file)``, without a Path object for each of thousands of files (five times as fast)."""
    prefix = str(root / "_")[:-1]  # what str(root / name) puts before a name
    return {file: prefix + file.replace("/", os.sep) for file in files}


def input_stamps(root: Path) -> dict[str, tuple[int, int]]:
    """The size and modification time of every file a build reads, by path (strings: there
    are thousands), for the nothing-changed check and to tell which records changed."""
    stamps = {}
    for folder in (
        root / "content",
        root / "templates",
        root / "static",
        theme_dir() / "templates",
        theme_dir() / "static",
    ):
        for here, dirs, names in os.walk(folder, followlinks=True):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(here, name)
                stamps[path] = _stamp(path)
    settings = str(root / SETTINGS_FILE)
    return {settings: _stamp(settings), **stamps}


def build(
    root: Path,
    out: Path | None = None,
    drafts: bool = False,
    strict: bool = False,
    jobs: int | None = None,
    clean: bool = False,
    progress: Progress = _quiet,
    overrides: Mapping[str, object] | None = None,
) -> BuildResult:
    """Build the site under ``root`` into ``out`` (default ``root/site``), atomically.

    ``jobs`` processes share the per-film work (default: one per core), and only the
    pages whose inputs changed since the last build are rendered again (``clean`` forces
    a full build); the output is the same bytes either way. ``overrides`` win over the
    settings of ``filmpage.yml`` (``base_url``, ``relative_links``).
    """
    with _collector_paused():
        return _build(root, out, drafts, strict, jobs, clean, progress, overrides or {})


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A build gathers millions of long-lived objects (records, the catalogue, pages) and
    makes almost no cycles; Python's cyclic collector would walk them all again and again
    while they arrive. It is off while the build gathers, and sees only new objects once
    :func:`_collect_new_objects` is called; as it was when the build ends, with what the
    build made counted as old (else its first young-generation pass would walk it all)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # every tracked object to the permanent generation,
        gc.unfreeze()  # and from there to the oldest
        (gc.enable if enabled else gc.disable)()


def _collect_new_objects() -> None:
    """Turn the collector back on for what comes next (rendering), leaving out the objects
    gathered so far (``gc.freeze``; forked workers share them untouched, too)."""
    gc.freeze()
    gc.enable()


def _build(
    root: Path,
    out: Path | None,
    drafts: bool,
    strict: bool,
    jobs: int | None,
    clean: bool,
    progress: Progress,
    overrides: Mapping[str, object],
) -> BuildResult:
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    out = out if out is not None else root / OUTPUT_DIR
    check_output_folder(out, root)
    options = f"{drafts}|{strict}|{out.absolute()}|{os.environ.get('SOURCE_DATE_EPOCH')}"
    options += f"|{sorted(overrides.items())!r}"
    stamps = input_stamps(root)
    signature, newest = input_signature(stamps, options)
    state = Cache() if clean else load_state(out)
    if unchanged(state, signature, newest) and is_complete(out):
        films, pages, warnings, *left = state.summary
        return BuildResult(films, pages, 0, warnings, time.perf_counter() - started, out,
                           reused=pages, drafts=left[0] if left else 0)  # fmt: skip
    dirs = template_dirs(root)
    # A few films changed in their details only: their pages, patched from the snapshot.
    quick = None if clean else quick_build(root, out, options, stamps, signature, state,
                                           dirs, compiled_templates(out), load_record,
                                           overrides)  # fmt: skip
    if quick is not None:
        films, pages, warnings, *left = state.summary
        seconds = time.perf_counter() - started
        return BuildResult(films, pages, quick.written, warnings, seconds, out,
                           rendered=quick.rendered, reused=pages - quick.rendered,
                           drafts=left[0] if left else 0)  # fmt: skip
    with forked_helpers(jobs) as helpers:  # for the share cards, while this process is small
        return _full_build(root, out, drafts, strict, jobs, clean, progress, helpers,
                           started, options, stamps, signature, dirs, overrides)  # fmt: skip


def _full_build(
    root: Path,
    out: Path,
    drafts: bool,
    strict: bool,
    jobs: int,
    clean: bool,
    progress: Progress,
    helpers: Helpers,
    started: float,
    options: str,
    stamps: dict[str, tuple[int, int]],
    signature: bytes,
    dirs: list[Path],
    overrides: Mapping[str, object],
) -> BuildResult:
    """A build that reads the records (from the cache where it can), makes the catalogue
    and renders the pages whose fingerprints changed (all of them, without a cache)."""
    cache, loaded = (Cache(), []) if clean else load_cache(out)
    problems = Problems()
    records = load_records(root, problems, jobs, cache, progress, stamps)
    store = cache_path(out, "images")
    shown = shown_films((r.film for r in records.values() if r.film), drafts)
    complete = is_complete(out)  # else the output is made afresh and swapped in whole
    with staged_update(out) if complete else staged_output(out) as target:
        staging = target.staging if isinstance(target, Update) else target
        # The share cards are made by the helpers while this process checks the catalogue
        # and plans the pages (a core's work left idle otherwise), and while the pool renders
        # them: pages need only their names. Each is written into the site as it is made.
        missing = missing_cards(shown, store)
        with in_background(make_card, missing, helpers, (staging, store)) as cards_made:
            site = check_site(root, records, problems, drafts, strict, cache, overrides)
            save_record_cache(out, cache, loaded)  # and let go of the pickles, before workers fork
            cache.blobs, loaded = {}, []
            problems = Problems()
            media, cache.images = prepare_media(
                site.catalogue, site.static, store, cache.images, jobs, problems, progress
            )
            films = site.catalogue.films
            figures = [film_figures(f) for f in films]
            stats = catalogue_stats(site.catalogue, figures)
            pages = plan_pages(site.catalogue, site.settings, stats)
            extras = extra_files(site.settings)
            tables = facet_tables(site.catalogue)
            rows = [facet_row(film, media, tables) for film in films]
            extras[INDEX_FILE] = facet_index_bytes(tables, rows)
            searched = search_files([site.records[f.file].words for f in films])
            extras.update(searched)
            if site.settings.relative_links:  # the indexes as scripts too, for file://
                extras.update(data_scripts(extras))
            check_output_paths(
                [*(p.path for p in pages), *extras, *media.files], site.static, problems
            )
            problems.raise_if_errors()
            env = make_environment(site.settings, dirs, media, compiled_templates(out))
            show_films(env, site.catalogue.by_slug)
            templates, common = template_hashes(env), common_fingerprint(site.settings)
            known = film_fingerprints(films, {f: r.digest for f, r in site.records.items()}, media)
            files = file_fingerprints(extras, site.static, media)
            trusted = bool(cache.pages) and complete  # the fingerprints say what changed
            before = {**cache.pages, **cache.files} if trusted else {}
            if trusted:
                fingerprints = _page_fingerprints(pages, templates, common, known)
                stale = [
                    i
                    for i, page in enumerate(pages)
                    if before.get(page.path) != fingerprints[page.path]
                    or not _exists(out, page.path)
                ]
            else:  # every page, its fingerprint (for the next build) made while they render
                fingerprints, stale = {}, list(range(len(pages)))
            other = [rel for rel in files if before.get(rel) != files[rel] or not _exists(out, rel)]
            # Without fingerprints, an output that is there is still updated in place: every
            # file is made, and those whose bytes are already there are not written again.
            compare = out if complete and not trusted else None
            removed: list[str] = []
            blobs = (load_pages(out, cache.pages_id) if trusted else None) or {}  # unchanged pages
            paths = {path: f for f, path in input_paths(root, site.records).items()}
            snapshot = pickled_snapshot(  # before the pool forks (see below)
                Snapshot(
                    signature=signature,
                    base=base_signature(stamps, set(paths), options),
                    stamps=stamps,
                    records=paths,
                    digests={f: r.digest for f, r in site.records.items()},
                    keys={f: r.key for f, r in site.records.items() if r.film and not r.problems},
                    files={f.slug: f.file for f in films},
                    related={
                        f.slug: tuple(r.fields for r in f.related) for f in films if f.related
                    },
                    prints={f.slug: known[id(f)] for f in films},
                    order=[f.slug for f in films],
                    words={f.slug: site.records[f.file].words for f in films},
                    rows={f.slug: row for f, row in zip(films, rows, strict=True)},
                    figures={f.slug: figure for f, figure in zip(films, figures, strict=True)},
                    tables=tables,
                    stats=stats,
                    media=replace(media, files={}),  # the images made: not needed, slow to load
                    templates=templates,
                    common=common,
                    extras=frozenset([INDEX_FILE, *searched]),
                    pages_id=signature,
                )
            )
            if jobs > 1:  # the lists' cards, rendered once here rather than once in every worker
                # every film is listed on the catalogue's own pages: with all pages to render,
                # no need to go through the lists (two million entries at 100,000 films)
                everything = len(stale) == len(pages)
                listed = films if everything else (f for i in stale for f in films_listed(pages[i]))
                render_cards(env, (f.slug for f in listed))
            _collect_new_objects()
            written: list[str] = []
            chunks = [stale[i : i + PAGES_PER_TASK] for i in range(0, len(stale), PAGES_PER_TASK)]
            prints = None if trusted else (templates, common, known)  # else made already
            with parallel_results(
                _render_chunk,
                chunks,
                jobs,
                _RenderJob(env, pages, staging, compare, prints),
                lambda n: progress("rendering", min(n * PAGES_PER_TASK, len(stale)), len(stale)),
            ) as rendered:
                # While the workers render, what does not wait for the pages (else the build
                # would end with it, one core idle): the files that are not pages, and the
                # snapshot (written now: its pages, which come from the workers, are written
                # last, with the pages' fingerprints when they were not needed before). The
                # snapshot was made and pickled before the pool forked: made here, every film
                # it reads would be copied first, the workers sharing its memory (Python
                # writes reference counts as it reads).
                placed = {card.path for card in missing}  # by the share cards' processes
                put = [
                    rel
                    for rel in other
                    if _put_file(rel, extras, site.static, media, staging, compare, placed)
                ]
                save_snapshot(out, snapshot)
                for done in rendered:
                    for path, wrote, blob, fingerprint in done:
                        blobs[path] = blob
                        if wrote:
                            written.append(path)
                        if fingerprint is not None:
                            fingerprints[path] = fingerprint
            cards_made()
            for rel in placed - media.files.keys():  # named before the catalogue gave slugs
                (staging / rel).unlink(missing_ok=True)
            written = [*put, *written]
            if isinstance(target, Update):
                gone = before if trusted else output_files(out)
                removed = sorted(
                    rel for rel in gone if rel not in fingerprints and rel not in files
                )
                target.written, target.removed = written, removed
    # pages removed, as far as the last build's pages are known (else files removed)
    removed_pages = sum(1 for rel in removed if rel in cache.pages) if trusted else len(removed)
    prune_store(store, set(media.files.values()))
    cache.pages, cache.files = fingerprints, files
    cache.signature, cache.pages_id = signature, signature
    left_out = drafts_left_out((r.film for r in records.values() if r.film), drafts)
    cache.summary = (len(site.catalogue.films), len(pages), site.warnings, left_out)
    cache.written_ns = time.time_ns()
    save_rest(out, cache)
    save_pages(out, signature, {p.path: blobs.get(p.path) or pickle_page(p) for p in pages})
    finish_update(out)
    return BuildResult(
        len(site.catalogue.films),
        len(pages),
        len(written),
        site.warnings,
        time.perf_counter() - started,
        out,
        rendered=len(stale),
        reused=len(pages) - len(stale),
        removed=removed_pages,
        drafts=left_out,
    )


def _page_fingerprints(
    pages: list[Page], templates: dict[str, bytes], common: bytes, known: dict[int, bytes]
) -> dict[str, bytes]:
    """Every page's fingerprint, by its path (see :func:`page_fingerprint`)."""
    return {page.path: page_fingerprint(templates, common, page, known) for page in pages}


def _put_file(
    rel: str,
    extras: dict[str, bytes],
    static: dict[str, Path],
    media: Media,
    staging: Path,
    compare: Path | None,
    placed: set[str],
) -> bool:
    """Put one file that is not a page into ``staging`` (unless it is ``placed`` there
    already), unless ``compare`` (the output) has it already; say whether it was put."""
    if rel in extras:
        if compare is not None and same_bytes(compare, rel, extras[rel]):
            return False
        write_file(staging, rel, extras[rel])
    else:
        source = static[rel] if rel in static else media.files[rel]
        if compare is not None and same_copy(compare, rel, source):
            return False
        if rel not in placed:
            (copy_file if rel in static else link_file)(source, staging, rel)
    return True


def _exists(out: Path, rel: str) -> bool:
    return os.path.isfile(os.path.join(out, rel))  # thousands of calls: no Path objects


def file_fingerprints(
    extras: dict[str, bytes], static: dict[str, Path], media: Media
) -> dict[str, bytes]:
    """A fingerprint for every output file that is not a page, by path: by its bytes
    (generated files), its source's size and time (static files) or its store file
    (images, named by the hash of what they were made from)."""
    found = {}
    for rel, data in extras.items():
        found[rel] = digest(data)
    for rel, source in static.items():
        st = source.stat()
        found[rel] = digest(f"{source}|{st.st_size}|{st.st_mtime_ns}".encode())
    for rel, stored in media.files.items():
        found[rel] = digest(str(stored).encode())
    return found


def compiled_templates(out: Path) -> Path:
    """Where templates compiled by this version are kept between builds."""
    return cache_path(out, f"templates-{CACHE_VERSION}")


def common_fingerprint(settings: Settings) -> bytes:
    """What every page's fingerprint starts with: the version and the settings."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # the feed's date when no film has one
    return digest(f"{__version__}|{settings!r}|{epoch}".encode())


PAGES_PER_TASK = 16


@dataclass(frozen=True)
class _RenderJob:
    env: Environment
    pages: list[Page]
    staging: Path
    compare: Path | None  # the output, when pages already there are not written again
    # what pages' fingerprints are made of (templates, common, films': _page_fingerprints),
    # when they are made as the pages render
    prints: tuple[dict[str, bytes], bytes, dict[int, bytes]] | None = None


Rendered = tuple[str, bool, tuple[bytes, str], bytes | None]
"""A page rendered: its path, whether it was written, its pickle for the snapshot, and its
fingerprint (when the job makes them)."""


def _render_chunk(job: _RenderJob, indices: list[int]) -> list[Rendered]:
    """Render some pages and write them into the staging folder (runs in a worker).

    Each step is done for the whole chunk before the next: rendering, writing, pickling
    and fingerprinting then each find their code and data still in the processor's caches,
    which a system call in between would have evicted (a seventh less time in all). A
    page's fingerprint is made here, after it renders, rather than by the parent beside
    the workers: its data is at hand, and the parent would take a core's share from them
    (2.9 s at 100,000 films, walking every page's data again)."""
    pages = [job.pages[i] for i in indices]
    rendered = [render_page(job.env, page) for page in pages]
    wrote = [
        job.compare is None or not same_bytes(job.compare, page.path, data)
        for page, data in zip(pages, rendered, strict=True)
    ]
    for page, data, write in zip(pages, rendered, wrote, strict=True):
        if write:
            write_file(job.staging, page.path, data)
    pickled = [pickle_page(page) for page in pages]
    if job.prints is None:
        prints: list[bytes | None] = [None] * len(pages)
    else:
        prints = list(_page_fingerprints(pages, *job.prints).values())
    return list(zip([p.path for p in pages], wrote, pickled, prints, strict=True))
