"""IMDb's exports: ratings, watchlist and lists, in their older and newer columns.

Newer exports have ``Const, Your Rating, Date Rated, Title, Original Title, URL, Title
Type, IMDb Rating, Runtime (mins), Year, Genres, Num Votes, Release Date, Directors``
(lists and the watchlist add ``Position, Created, Modified, Description``). Older ones
lack ``Original Title`` and some spell their columns ``const``, ``Title type``, ``You
rated``, ``Num. Votes`` and ``Release Date (month/day/year)``. IMDb's own rating is not
this site's; your rating becomes a customer review. TV series and episodes are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .files import MAX_TABLE_BYTES, FileProblem, decode, read_bytes, read_table
from .fill import Reading, SkipRow, fill
from .rows import Note, Origin, Row, Skip
from .values import DAY_FIRST, MONTH_FIRST

# field -> the spellings of its column, normalized (lowercase letters and digits only)
COLUMNS = {
    "imdb": ("const", "tconst"),
    "title": ("title",),
    "original_title": ("originaltitle",),
    "year": ("year",),
    "runtime": ("runtimemins",),
    "genres": ("genres",),
    "directors": ("directors",),
    "release_date": ("releasedate", "releasedatemonthdayyear"),
    "type": ("titletype",),
    "rating": ("yourrating", "yourated"),
    "review_date": ("daterated", "created"),
}


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def read_imdb(path: Path, name: str) -> Iterator[Row | Skip | Note]:
    decoded = decode(read_bytes(path, MAX_TABLE_BYTES))
    if decoded.warning:
        yield Note(Origin(name), decoded.warning)
    table = read_table(decoded.text)
    by_norm = {_norm(h): h for h in reversed(table.header)}
    columns = {
        field: next(by_norm[s] for s in spellings if s in by_norm)
        for field, spellings in COLUMNS.items()
        if any(s in by_norm for s in spellings)
    }
    if not {"imdb", "title", "year"} <= set(columns):
        raise FileProblem(
            "not an IMDb export: expected the columns Const, Title and Year; the columns "
            f"are: {', '.join(table.header) or '(none)'}",
            1,
        )
    month_first = "monthdayyear" in _norm(columns.get("release_date", ""))
    reading = Reading(dates=MONTH_FIRST if month_first else DAY_FIRST, scale=10, rated_on="on IMDb")
    for line, values in table.rows:
        origin = Origin(name, line)
        row = Row(origin, values)
        raw = {field: values.get(column, "") for field, column in columns.items()}
        try:
            fill(row, raw, reading)
        except SkipRow as exc:
            yield Skip(origin, str(exc), values)
            continue
        yield row
