"""The build cache: what the last build read and wrote, so the next one redoes only what
changed.

It lives in a hidden folder beside the output (``.filmpage-cache``), is safe to delete,
and is ignored when it was written by another filmpage version. It holds:

* what each record file gave (its Film, problems and search words), with the file's
  size, time and a hash of its bytes, to tell when it changed;
* each output file's fingerprint: for a page, a hash of its template and every template
  that one pulls in, the settings, and every film the page shows; for other files, of
  their bytes or their source;
* a signature of every input's size and modification time, so a build with nothing
  changed can stop at once.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
from jinja2 import meta

from . import __version__
from .settings import find_site

CACHE_DIR = ".filmpage-cache"
CACHE_VERSION = f"{__version__}+12"  # the part after "+" counts changes to the cache's layout
CACHE_FILE = "build.pickle"


@dataclass
class Cache:
    version: str = CACHE_VERSION
    records: dict[str, Any] = field(default_factory=dict)  # record file -> build.Loaded
    # the same records pickled, where known (kept in their own files, not with the rest)
    blobs: dict[str, bytes] = field(default_factory=dict)
    pages: dict[str, bytes] = field(default_factory=dict)  # output path -> fingerprint
    files: dict[str, bytes] = field(default_factory=dict)  # the same, for other files
    images: dict[str, tuple] = field(default_factory=dict)  # poster source -> size, mtime, info
    suggestions: tuple[bytes, dict] = (b"", {})  # "More like this", and a hash of its inputs
    signature: bytes = b""
    pages_id: bytes = b""  # the snapshot's pages that go with this output (snapshot.py)
    summary: tuple | None = None  # films, pages and warnings of the last build
    written_ns: int = 0  # when the last build finished (time.time_ns())


def cache_path(out: Path, part: str = CACHE_FILE) -> Path:
    """Where the cache of the output folder ``out`` keeps ``part``: beside ``out`` when
    that is inside a site (the default ``site/`` is: the cache is in the site's folder),
    else in the user's cache folder (``$XDG_CACHE_HOME``, or ``~/.cache``), under a name
    made from ``out``'s path, so that an output elsewhere (``/var/www/html``) gets no cache
    folder beside it."""
    out = out.absolute()
    if find_site(out.parent) is not None:
        return out.parent / CACHE_DIR / f"{out.name}-{part}"
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.blake2b(str(out).encode(), digest_size=8).hexdigest()
    return home / "filmpage" / f"{out.name}-{key}" / part


STATE_FILE = "state.pickle"  # the small part: signature, time and summary of the last build
BUCKETS = 64
"""The records are kept in this many files, by a hash of their path, so that a build
that changed a few records rewrites a few small files, not all of them."""


def bucket_of(file: str) -> int:
    return hashlib.blake2b(file.encode(), digest_size=2).digest()[0] % BUCKETS


def read_pickle(path: Path):
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a cache is only ever a shortcut: any problem means start afresh
        return None


def write_pickle(path: Path, value: Any) -> None:
    """Write ``value`` pickled at ``path``, whole or not at all (see :func:`_replace_file`)."""
    _replace_file(path, lambda handle: pickle.dump(value, handle, pickle.HIGHEST_PROTOCOL))


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` at ``path``, whole or not at all (see :func:`_replace_file`)."""
    _replace_file(path, lambda handle: handle.write(data))


def _replace_file(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file through a temporary one renamed into place: a build killed meanwhile
    leaves the old file or the new one, never half of one, and a write that fails (a full
    disk) leaves no temporary file behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def load_state(out: Path) -> Cache:
    """The last build's signature, time and summary only: enough to see that nothing
    changed without reading the records (the large part)."""
    state = read_pickle(cache_path(out, STATE_FILE))
    return state if isinstance(state, Cache) and state.version == CACHE_VERSION else Cache()


def load_cache(out: Path) -> tuple[Cache, list[dict]]:
    """The last build's cache for ``out``, or an empty one (missing, stale or unreadable),
    and its records as read, bucket by bucket (for :func:`save_record_cache` to compare with)."""
    cache = load_rest(out)
    if cache is None:
        return Cache(), []
    buckets = load_record_blobs(out)
    if buckets is None:
        return Cache(), []
    for bucket in buckets:
        cache.blobs.update(bucket)
    try:
        cache.records = {file: pickle.loads(blob) for file, blob in cache.blobs.items()}
    except Exception:
        return Cache(), []
    return cache, buckets


def load_record_blobs(out: Path) -> list[dict[str, bytes]] | None:
    """The cached records, still pickled, bucket by bucket: a caller that needs a few
    unpickles only those."""
    buckets = [read_pickle(cache_path(out, f"records-{i:02x}.pickle")) for i in range(BUCKETS)]
    return buckets if all(isinstance(bucket, dict) for bucket in buckets) else None


def record_blob(entry: Any) -> bytes:
    return pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)


def save_record_cache(out: Path, cache: Cache, loaded: list[dict]) -> None:
    """Write the cache's records, each bucket atomically, where they differ from those
    ``loaded`` (a record is unchanged when its pickle is the very bytes read). Records
    are kept by their own size, time and hash, so this may come before the output is
    written; the rest (:func:`save_rest`) comes after."""
    buckets: list[dict] = [{} for _ in range(BUCKETS)]
    for file, entry in cache.records.items():
        blob = cache.blobs.get(file)
        buckets[bucket_of(file)][file] = blob if blob is not None else record_blob(entry)
    for i, bucket in enumerate(buckets):
        before = loaded[i] if loaded else None
        if (
            before is None
            or before.keys() != bucket.keys()
            or any(before[file] is not blob for file, blob in bucket.items())
        ):
            write_pickle(cache_path(out, f"records-{i:02x}.pickle"), bucket)


def save_records(out: Path, buckets: list[dict[str, bytes]], changed: dict[str, Any]) -> None:
    """Put the ``changed`` records (by file) into the ``buckets`` of pickled records read
    by :func:`load_record_blobs`, and write the buckets that hold them."""
    touched = set()
    for file, entry in changed.items():
        buckets[bucket_of(file)][file] = record_blob(entry)
        touched.add(bucket_of(file))
    for i in sorted(touched):
        write_pickle(cache_path(out, f"records-{i:02x}.pickle"), buckets[i])


def save_rest(out: Path, cache: Cache) -> None:
    """Write everything in the cache but its records, then its small state part."""
    rest = {name: getattr(cache, name) for name in cache.__dataclass_fields__}
    write_pickle(cache_path(out), Cache(**{**rest, "records": {}, "blobs": {}}))
    write_pickle(
        cache_path(out, STATE_FILE),
        Cache(
            cache.version,
            signature=cache.signature,
            summary=cache.summary,
            written_ns=cache.written_ns,
        ),
    )


def load_rest(out: Path) -> Cache | None:
    """The cache without its records (see :func:`load_record_blobs` for those)."""
    cache = read_pickle(cache_path(out))
    return cache if isinstance(cache, Cache) and cache.version == CACHE_VERSION else None


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


RACY_SECONDS = 2
"""Files changed this close to the last build may not show it in their mtime yet."""


def trusted_before(written_ns: int) -> int:
    """The modification time (ns) before which an input's size and time can be trusted
    to tell whether it changed since a build that finished at ``written_ns``."""
    return written_ns - RACY_SECONDS * 1_000_000_000


def input_signature(stamps: dict[str, tuple[int, int]], extra: str) -> tuple[bytes, int]:
    """A hash of every input's path, size and modification time (``stamps``, by path),
    plus ``extra`` (options), and the newest modification time among them (nanoseconds)."""
    h = hashlib.blake2b(extra.encode(), digest_size=16)
    newest = 0
    for path, (size, mtime) in stamps.items():
        newest = max(newest, mtime)
        h.update(f"{path}\0{size}\0{mtime}\n".encode())
    return h.digest(), newest


def unchanged(cache: Cache, signature: bytes, newest: int) -> bool:
    """True when no input changed since the cached build, as far as sizes and times can
    tell. Like git's racy-index rule, inputs modified within ``RACY_SECONDS`` of that build
    are not trusted: a change in the same clock tick would not move their mtime."""
    return (
        cache.signature == signature
        and cache.summary is not None
        and newest < trusted_before(cache.written_ns)
    )


def template_hashes(env: jinja2.Environment) -> dict[str, bytes]:
    """For every template, a hash of its source and of every template it pulls in
    (extends, import, include), so that editing one template touches only its users."""
    loader = env.loader
    names = loader.list_templates() if loader else []
    sources: dict[str, str] = {}
    refs: dict[str, set[str]] = {}
    for name in names:
        try:
            source = loader.get_source(env, name)[0]
            refs[name] = {r for r in meta.find_referenced_templates(env.parse(source)) if r}
        except jinja2.TemplateError:
            source, refs[name] = "", set()
        sources[name] = source
    hashes = {}
    for name in names:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(refs.get(current, ()))
        h = hashlib.blake2b(digest_size=16)
        for dep in sorted(seen):
            h.update(dep.encode() + b"\0" + sources.get(dep, "").encode() + b"\0")
        hashes[name] = h.digest()
    return hashes


def fingerprint(value: Any, known: dict[int, bytes]) -> bytes:
    """A hash of a page's context: films by their own fingerprints, everything else by repr.

    ``known`` holds fingerprints by object identity: the films', and those of the other
    dataclass objects met on the way (a person, a genre), so that an object shown on many
    pages is walked once. It is only valid while those objects are alive.
    """
    h = hashlib.blake2b(digest_size=16)
    _feed(h, value, known)
    return h.digest()


def _feed(h, value: Any, known: dict[int, bytes]) -> None:
    found = known.get(id(value))
    if found is not None:
        h.update(b"F" + found)
    elif isinstance(value, dict):
        h.update(b"{")
        for key, item in value.items():
            h.update(repr(key).encode())
            _feed(h, item, known)
        h.update(b"}")
    elif isinstance(value, list | tuple):
        h.update(b"[")
        for item in value:
            _feed(h, item, known)
        h.update(b"]")
    elif hasattr(value, "__dataclass_fields__"):
        inner = hashlib.blake2b(type(value).__name__.encode(), digest_size=16)
        for name in value.__dataclass_fields__:
            _feed(inner, getattr(value, name), known)
        known[id(value)] = inner.digest()
        h.update(b"F" + known[id(value)])
    else:
        h.update(repr(value).encode() + b"\0")


def film_fingerprints(films, sources: dict[str, bytes], media) -> dict[int, bytes]:
    """Each film object's fingerprint, by identity (see :func:`film_fingerprint`)."""
    return {id(f): film_fingerprint(f, sources[f.file], media) for f in films}


def film_fingerprint(film, source: bytes, media) -> bytes:
    """A film is made from its record file alone, so its fingerprint is the hash of that
    file's bytes (``source``), plus what the catalogue gave it (its slug and resolved
    related titles) and the images made for it (from ``media``)."""
    resolved = (film.slug, [r.fields for r in film.related])
    images = (media.posters.get(film.slug), media.share.get(film.slug))
    return digest(source + repr(resolved).encode() + repr(images).encode())


def page_fingerprint(
    templates: dict[str, bytes], common: bytes, page, known: dict[int, bytes]
) -> bytes:
    """A page's fingerprint: its templates (``templates``, by name), what every page has
    (``common``) and its data (films by their own fingerprints, in ``known``)."""
    return digest(templates.get(page.template, b"?") + common + fingerprint(page.context, known))


def base_signature(stamps: dict[str, tuple[int, int]], records: set[str], extra: str) -> bytes:
    """A hash of the inputs that are not records (``records``: their paths), of which
    records there are, and of ``extra`` (options): when it is the same as last time, only
    records changed, if anything did."""
    h = hashlib.blake2b(extra.encode(), digest_size=16)
    for path, (size, mtime) in stamps.items():
        h.update(
            f"{path}\0\n".encode() if path in records else f"{path}\0{size}\0{mtime}\n".encode()
        )
    return h.digest()
