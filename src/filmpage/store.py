"""What a build remembers for the next: one SQLite file, safe to delete.

The store lives in the site's folder (beside the output when that is in the site), in
``.filmpage-cache/<output name>.sqlite`` (:func:`store_place`), with a lock file that
keeps two builds of one output from running at once. It holds data only (JSON text, see
:mod:`filmpage.codec`; the records' films as ``marshal``'s data,
:mod:`filmpage.filmdata`; bytes) but for templates' compiled code, and it never trusts
what it reads blindly: each row carries a hash of what it holds, keyed with the user's
key kept outside the site (``commands/compiled.py``), so that a row altered or planted
by anyone without that key (a store committed to a repository, a file in a shared
folder) does not match; a row whose hash does not match is treated as missing (the
record is read again, the plan made again, the template compiled again). A store of
another layout, made with another key (its ``layout`` row is keyed too), or one SQLite
cannot read, is started afresh. It refuses to live behind a symbolic link, and the only
files it ever writes or deletes are its own.

Tables (each row's ``check_`` is the keyed hash of its other values; the tables every
build reads whole, the plan's, the films' parts, the inputs and the outputs, are checked
whole: :meth:`Store.whole`):

* ``meta``: the store's layout version and the last finished build's facts, by key;
* ``inputs``: every input file's size and time at that build (sealed whole);
* ``records``: what each record file gave: its size, time and bytes' hash and its
  problems (checked together: ``entry_check``), the film as data and what was derived
  from it (outline, search words, figures), each checked apart;
* ``plan_films`` and ``plan_pages``: the page plan the catalogue gave, and the key of
  what it was made from (``meta.plan``); a page's context (``spec``) and the films it
  names (``shows``) are read only when the page is rendered, so the table's check holds
  their hash, not them;
* ``plan_shows``: for each film, the places in the plan of the pages that name it: an
  edit finds the pages that show the films it changed without reading every page's;
* ``film_parts``: each published film's print (a hash of all of it a page can show),
  its row of the facet index and its figures, as the last build made them;
* ``outputs``: each output file's fingerprint, as written (sealed whole);
* ``posters`` and ``images``: what each poster source is, and the variants made of it;
* ``compiled``: each language's templates' compiled code, and its signature;
* ``pieces``: each film's card and small poster in each language, as HTML, with the key
  of what they were rendered from, signed with the user's key, which checks the row too
  (``commands/pieces.py``).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import marshal
import os
import secrets
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .errors import FilmpageError, Problem

T = TypeVar("T")

# "store-N" counts changes to what it holds; marshal's form (filmdata) is one Python's
LAYOUT = f"{__version__}+store-18+py{sys.version_info[0]}.{sys.version_info[1]}"
CACHE_DIR = ".filmpage-cache"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT, check_ BLOB);
CREATE TABLE IF NOT EXISTS inputs (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER);
-- a row's small columns first: every build reads them, and SQLite reaches a column
-- through those before it (a record's film and derived data span overflow pages); the
-- derived data before the film: a build after an edit reads it of every record
CREATE TABLE IF NOT EXISTS records (file TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,
    digest BLOB, key BLOB, problems TEXT, entry_check BLOB, derived_check BLOB,
    film_check BLOB, derived BLOB, film BLOB);
CREATE TABLE IF NOT EXISTS plan_films (pos INTEGER PRIMARY KEY, slug TEXT, file TEXT,
    title TEXT, year INTEGER, poster TEXT, related BLOB);
CREATE TABLE IF NOT EXISTS film_parts (slug TEXT PRIMARY KEY, print BLOB, row TEXT,
    figures TEXT);
CREATE TABLE IF NOT EXISTS plan_pages (pos INTEGER PRIMARY KEY, path TEXT, template TEXT,
    spec_hash BLOB, shows TEXT, spec TEXT);
CREATE TABLE IF NOT EXISTS plan_shows (slug TEXT PRIMARY KEY, pages TEXT, check_ BLOB);
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, fingerprint BLOB);
CREATE TABLE IF NOT EXISTS posters (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,
    info TEXT, check_ BLOB);
CREATE TABLE IF NOT EXISTS images (name TEXT PRIMARY KEY, data BLOB, check_ BLOB);
CREATE TABLE IF NOT EXISTS compiled (name TEXT PRIMARY KEY, code BLOB, signature BLOB);
CREATE TABLE IF NOT EXISTS pieces (slug TEXT, kind TEXT, lang TEXT, key BLOB, html TEXT,
    PRIMARY KEY (slug, kind, lang));
"""


class Damaged(Exception):
    """A row the store gave back is not what its hash says, found once it is too late to
    make it again from its source (a page's context, read when the page is rendered): the
    build starts again from an empty store."""


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def check(key: bytes, *values: Any) -> bytes:
    """The hash of a row's values (text, numbers, bytes, None, and tuples of them) with
    ``key``, stored beside them and checked when they are read. They are hashed as
    ``marshal`` writes them in its first version, which shares no object, so equal values
    give equal bytes: a tenth of the time of their ``repr`` (nothing is ever read back
    from those bytes). Values must be of those types exactly, as SQLite gives them back:
    not a ``bool`` (it comes back as an ``int``) nor a subclass of ``str`` (``Markup``:
    make it a ``str``)."""
    return hashlib.blake2b(marshal.dumps(values, 0), digest_size=16, key=key).digest()


def store_place(out: Path, root: Path) -> tuple[Path, str]:
    """Where the store of the output folder ``out`` of the site ``root`` lives, and the
    name its files start with: beside ``out`` when that is inside the site (the default
    ``site/``: in the site's own folder), else in the site's folder under a name made from
    ``out``'s path, so that an output elsewhere (``/var/www/html``) gets no cache beside it.
    The path is taken with its folder's links and ``..`` resolved: one output named two
    ways (``/srv/www``, ``/srv/x/../www``) has one store and one lock."""
    out = out.absolute().parent.resolve() / out.name
    if out.parent.is_relative_to(root.resolve()):
        return out.parent / CACHE_DIR, out.name
    key = hashlib.blake2b(str(out).encode(), digest_size=8).hexdigest()
    return root / CACHE_DIR, f"{out.name}-{key}"


DISK_FAULTS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN",
               "SQLITE_PERM", "SQLITE_BUSY", "SQLITE_LOCKED")  # fmt: skip
"""SQLite's errors that are the disk's or another program's, not the store's damage."""

KEPT_NOTHING = (
    "The new site is in place; what the build learned for the next was not kept, so the "
    "next build does more of the work again."
)


def retried(run: Callable[[bool], T], fresh: bool, out: Path, root: Path) -> T:
    """``run(fresh)``, and once more from an empty store (``run(True)``) when the store
    proves damaged behind the build's back (``Damaged``, or SQLite finding the file
    damaged); a fault of the disk is raised at once as the machine's error, naming the
    store's file, and the store is kept."""
    try:
        return run(fresh)
    except (Damaged, sqlite3.DatabaseError) as exc:
        _raise_disk_fault(exc, out, root)
    try:
        return run(True)
    except sqlite3.DatabaseError as exc:
        _raise_disk_fault(exc, out, root)
        raise


@contextmanager
def saving(out: Path, root: Path) -> Iterator[None]:
    """While a build keeps what it learned, once its site is in place: a fault of the
    disk raised as the machine's error saying so (:data:`KEPT_NOTHING`)."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        _raise_disk_fault(exc, out, root, KEPT_NOTHING)
        raise


def _is_disk_fault(exc: Exception) -> bool:
    return (getattr(exc, "sqlite_errorname", None) or "").startswith(DISK_FAULTS)


def _raise_disk_fault(exc: Exception, out: Path, root: Path, outcome: str = "") -> None:
    if not _is_disk_fault(exc):
        return
    where, name = store_place(out, root)
    error = OSError(errno.EIO, f"the build cache cannot be written or read ({exc})",
                    str(where / f"{name}.sqlite"))  # fmt: skip
    error.outcome = outcome  # type: ignore[attr-defined]  # (what the command prints after)
    raise error from exc


class Store:
    """An open store: a SQLite connection, with the lock held by :func:`open_store`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, key: bytes):
        self.db = connection
        self.path = path
        self.key = key  # what each row's check is keyed with (:func:`open_store`)

    def check(self, *values: Any) -> bytes:
        return check(self.key, *values)

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value, check_ FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row and row[1] == self.check(key, row[0]) else None

    def put(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", (key, value, self.check(key, value))
        )

    def whole(self, table: str, sql: str) -> list[tuple] | None:
        """All the rows of a table the store keeps whole (``sql`` reads them in the order
        they were sealed in), or None when they are not what its seal says: one hash for
        a table that every build reads in full, rather than one a row."""
        rows = self.db.execute(sql).fetchall()
        return rows if self.get(f"seal:{table}") == self.check(*rows).hex() else None

    def seal(self, table: str, rows: list[tuple]) -> None:
        """Keep the hash of all the rows a table now holds, in the order given."""
        self.put(f"seal:{table}", self.check(*rows).hex())

    def rows(self, sql: str, args: Iterable[Any] = ()) -> list[tuple]:
        return self.db.execute(sql, tuple(args)).fetchall()

    def checked(self, sql: str, args: Iterable[Any] = ()) -> Iterator[tuple]:
        """The rows of a query whose last column is the ``check`` of the others, without
        it, and only those that match it."""
        for row in self.db.execute(sql, tuple(args)):
            if row[-1] == self.check(*row[:-1]):
                yield row[:-1]

    def rows_in(self, sql: str, keys: list, checked: bool = False) -> Iterator[tuple]:
        """The rows of ``sql`` (``{marks}``: an ``IN``'s placeholders) for these keys, in
        chunks SQLite takes (as :meth:`checked` gives them when ``checked``)."""
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            sql_chunk = sql.format(marks=",".join("?" * len(chunk)))
            yield from (self.checked if checked else self.rows)(sql_chunk, chunk)

    def write(self, sql: str, rows: Iterable[tuple], checked: bool = False) -> None:
        """Run ``sql`` for each row (with its ``check`` added when ``checked``)."""
        if checked:
            rows = ((*row, self.check(*row)) for row in rows)
        self.db.executemany(sql, rows)

    def update(self, table: str, before: dict, now: dict, row) -> None:
        """Make a table keyed by its first column hold ``now`` where it held ``before``:
        only the rows that changed are written (``row(key, value)`` makes one)."""
        key = {"inputs": "path", "film_parts": "slug", "outputs": "path"}[table]
        gone = ((k,) for k in before.keys() - now.keys())
        self.write(f"DELETE FROM {table} WHERE {key} = ?", gone)
        changed = [row(k, v) for k, v in now.items() if before.get(k) != v]
        if changed:
            marks = ",".join("?" * len(changed[0]))
            self.write(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", changed)

    def update_sealed(self, table: str, before: dict, now: dict, row) -> None:
        """:meth:`update` a table the store keeps whole (every row written again when
        ``before`` is empty: none known, or not as sealed), then :meth:`seal` it, its rows
        in the order of their keys (the order :meth:`whole` must read them in)."""
        if not before:
            self.db.execute(f"DELETE FROM {table}")
        self.update(table, before, now, row)
        self.seal(table, [row(k, v) for k, v in sorted(now.items())])

    def replace_all(self, table: str, rows: Iterable[tuple], checked: bool = False) -> None:
        """Make a table hold these rows and no other."""
        rows = list(rows)
        self.db.execute(f"DELETE FROM {table}")
        if rows:
            marks = ",".join("?" * (len(rows[0]) + checked))
            self.write(f"INSERT INTO {table} VALUES ({marks})", rows, checked)

    def commit(self) -> None:
        self.db.commit()


_PROCESS_KEY = secrets.token_bytes(32)  # (open_store: when the user has no key)


@contextmanager
def open_store(out: Path, root: Path, fresh: bool, key: bytes | None = None) -> Iterator[Store]:
    """The store of the output folder ``out`` of the site ``root`` (:func:`store_place`),
    locked for this build (another build of the same output is refused while it runs).
    ``fresh`` starts it empty, as does a store of another layout or one that cannot be
    read. Its rows' checks are keyed with ``key`` (the user's), else with this process's
    own (``_PROCESS_KEY``): then nothing it keeps is trusted by another process."""
    where, name = store_place(out, root)
    folder = _own_folder(where)
    with _locked(folder / f"{name}.lock", out):
        path = folder / f"{name}.sqlite"
        key = key or _PROCESS_KEY
        connection = _connect(path, fresh, key)
        try:
            yield Store(connection, path, key)
        finally:
            connection.close()


def _own_folder(folder: Path) -> Path:
    """The cache folder, made if need be; refused when it is a symbolic link (its files
    would go, and be deleted, wherever the link points) or not a folder."""
    if folder.is_symlink():
        raise FilmpageError(f"{folder}: the build cache is a symbolic link; {REMOVE_IT}")
    if folder.exists() and not folder.is_dir():
        raise FilmpageError(f"{folder}: the build cache should be a folder; {REMOVE_IT}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


REMOVE_IT = "remove it (the cache is remade on the next build)"
STORE_FILES = {"": "build store", "-wal": "build store's log", "-shm": "build store's index",
               "-journal": "build store's journal"}  # fmt: skip


def _own_file(path: Path, what: str) -> None:
    """Refuse a file of the store that is a symbolic link (the store would write, or
    delete, wherever it points) or something other than a file, saying which."""
    if path.is_symlink():
        raise FilmpageError(f"{path}: the {what} is a symbolic link; {REMOVE_IT}")
    if path.exists() and not path.is_file():
        raise FilmpageError(f"{path}: the {what} should be a file; {REMOVE_IT}")


@contextmanager
def _locked(path: Path, out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` while the block runs; refuse at once when
    another process holds it (another build of the output ``out``)."""
    _own_file(path, "build's lock file")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: builds are not kept apart
        yield
        return
    handle = open(path, "a+")  # noqa: SIM115 - closed below, after the lock is released
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            owner = handle.read().strip()
            raise FilmpageError(
                Problem(
                    str(out),
                    message=f"another filmpage build of this output is running"
                    f"{f' (process {owner})' if owner else ''}; "
                    "wait for it to finish, then build again",
                )
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def _connect(path: Path, fresh: bool, key: bytes) -> sqlite3.Connection:
    """A connection to the store at ``path``: emptied when ``fresh``, of another layout,
    made with another key than ``key`` (someone else's store, handed over), or damaged."""
    for suffix, what in STORE_FILES.items():
        _own_file(Path(f"{path}{suffix}"), what)
    if not fresh:
        try:
            connection = _open(path)
            if _layout(connection, key) == LAYOUT:
                return connection
            connection.close()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # (the second: a byte
            # gone wrong in the table definitions SQLite keeps in the file)
            if _is_disk_fault(exc):
                raise  # (the disk's: the store is kept, and the build says so)
    for suffix in STORE_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
    connection = _open(path)
    connection.executescript(SCHEMA)
    layout = (LAYOUT, check(key, "layout", LAYOUT))
    connection.execute("INSERT INTO meta VALUES ('layout', ?, ?)", layout)
    connection.commit()
    return connection


def _open(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level="DEFERRED")
    # Pages of 64 KiB, SQLite's largest (set in a new file, before WAL fixes the size):
    # a record's row, a few KiB, then fits in its page, and a first build writes the
    # store in a sixteenth of the system calls of 4 KiB pages (ledger).
    connection.execute("PRAGMA page_size=65536")
    # A cache: a write cut short by a crash may be lost, never half-made (WAL); the
    # file is not flushed to the disk at each commit.
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


def _layout(connection: sqlite3.Connection, key: bytes) -> str | None:
    try:
        row = connection.execute("SELECT value, check_ FROM meta WHERE key='layout'").fetchone()
    except sqlite3.DatabaseError as exc:
        if _is_disk_fault(exc):
            raise  # (the disk's: the store is kept, and the build says so)
        return None
    return row[0] if row and row[1] == check(key, "layout", row[0]) else None


def reader(store: Store) -> Store:
    """A read-only connection of its own to ``store``, for a worker process (a connection
    is never shared across a fork)."""
    return Store(sqlite3.connect(f"file:{store.path}?mode=ro", uri=True), store.path, store.key)
