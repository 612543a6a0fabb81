"""A record's row in the build store: its entry (its file's size and time, the hash of
its bytes and of its outline, its problems), checked as one, then its film and what was
derived from it, each checked apart (:func:`stored_records`), so that an
edit reads the derived data of every record and the film of none."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import Problem
from ..store import Store

Stamp = tuple[int, int]  # a file's size and modification time (ns)


@dataclass(frozen=True)
class RecordEntry:
    stamp: Stamp
    digest: bytes  # of the file's bytes
    key: bytes  # of the film's outline (b"" when the record has errors)


def record_row(store: Store, file: str, loaded) -> tuple:
    """A record's row: its entry (size, time, hashes, problems) with a check, and its film
    and its derived data each with a check of its own, of what names the record and of
    the column's name (:func:`stored_records`)."""
    head = (file, loaded.digest, loaded.key, problems_text(loaded.problems))
    return (*head, loaded.derived, store.check(*head, "derived", loaded.derived),
            loaded.film, store.check(*head, "film", loaded.film), *loaded.stamp,
            entry_check(store, file, loaded.stamp, *head[1:]))  # fmt: skip


def entry_check(store: Store, file: str, stamp: Stamp, digest: bytes, key: bytes,
                 problems: str) -> bytes:  # fmt: skip
    return store.check(file, *stamp, digest, key, problems)


ENTRIES = "SELECT file, size, mtime, digest, key, problems, entry_check FROM records"


def restamp(store: Store, stamps: dict[str, Stamp]) -> None:
    """Give these records (their files touched, their bytes the same) their new size and
    time, their entry's check made again."""
    sql = "SELECT file, digest, key, problems FROM records WHERE file IN ({marks})"
    rows = [
        (*stamps[file], entry_check(store, file, stamps[file], digest, key, problems), file)
        for file, digest, key, problems in store.rows_in(sql, sorted(stamps))
    ]
    store.write("UPDATE records SET size = ?, mtime = ?, entry_check = ? WHERE file = ?", rows)


def problems_text(problems: Iterable[Problem]) -> str:
    return json.dumps([list(p.__dict__.values()) for p in problems], ensure_ascii=False)


def entries_of(store: Store) -> dict[str, RecordEntry]:
    """Each record's entry, as its check says it was kept (one that does not match is
    left out: its file is read again)."""
    return {
        file: RecordEntry((size, mtime), digest, key)
        for file, size, mtime, digest, key, _ in store.checked(ENTRIES)
    }


def problems_of(store: Store) -> dict[str, tuple[Problem, ...]]:
    rows = store.checked(ENTRIES + " WHERE problems != '[]'")
    return {row[0]: tuple(Problem(*p) for p in json.loads(row[5])) for row in rows}


def stored_records(store: Store, column: str, files: list[str]) -> dict[str, bytes]:
    """The ``film`` or ``derived`` column of these records, by file; a damaged row is
    left out (the caller reads its file again). Each column has a check of its own,
    so that reading one neither reads nor hashes the other. (Read as bytes whatever a
    hand has made of the value, so that it is checked: as text, bytes that are no UTF-8
    would fail to decode before that.)"""
    assert column in ("film", "derived")
    sql = (
        f"SELECT file, digest, key, problems, '{column}', CAST({column} AS BLOB), "
        f"{column}_check "
        "FROM records WHERE file IN ({marks})"
    )
    rows = store.rows_in(sql, files, checked=True)
    return {row[0]: row[5] for row in rows}
