"""Any CSV or JSON export: columns mapped to the contract's fields, by the user or by name.

A mapped column that does not exist, or an export where no column gives the title or
the year, stops the import before anything is written, naming the columns there are.
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from .files import MAX_TABLE_BYTES, FileProblem, decode, load_json, read_bytes, read_table
from .fill import Reading, SkipRow, fill
from .rows import Note, Origin, Row, Skip
from .values import BadValue, column_scale, date_order, number_text, parse_rating

ALIASES = {
    "title": ("title", "name", "film", "filmtitle", "movie", "movietitle", "primarytitle"),
    "original_title": ("originaltitle", "original"),
    "year": ("year", "releaseyear", "startyear"),
    "runtime": ("runtime", "runtimemins", "runtimeminutes", "length", "duration", "minutes"),
    "release_date": ("releasedate", "released", "premiered"),
    "genres": ("genres", "genre"),
    "countries": ("countries", "country"),
    "languages": ("languages", "language"),
    "directors": ("directors", "director"),
    "writers": ("writers", "writer"),
    "producers": ("producers", "producer"),
    "cast": ("cast", "actors", "stars"),
    "cinematography": ("cinematography", "cinematographer"),
    "editors": ("editors", "editor"),
    "music": ("music", "composer"),
    "plot": ("plot", "summary", "synopsis", "overview"),
    "tagline": ("tagline",),
    "content_rating": ("contentrating", "certificate", "certification", "mpaa"),
    "studio": ("studio",),
    "distributor": ("distributor",),
    "trailer": ("trailer",),
    "rating": ("rating", "yourrating", "myrating"),
    "review": ("review",),
    "imdb": ("imdb", "imdbid", "tconst", "idsimdb"),
    "tmdb": ("tmdb", "tmdbid", "idstmdb"),
    "wikidata": ("wikidata", "wikidataid", "idswikidata"),
    "letterboxd": ("letterboxd", "letterboxduri", "idsletterboxd"),
    "type": ("type", "titletype", "mediatype"),
}


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def columns_for(mapping: dict[str, str], header: list[str], file: str) -> dict[str, str]:
    """Field -> column: the user's mapping checked against the header, or found by name."""
    if mapping:
        by_name = {h.strip().casefold(): h for h in header}
        columns, missing = {}, []
        for name, column in mapping.items():
            found = by_name.get(column.strip().casefold())
            if found is None:
                close = get_close_matches(column, header, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                missing.append(f"no column {column!r} (mapped to {name}){hint}")
            else:
                columns[name] = found
        if missing:
            columns_are = f"the columns are: {', '.join(header) or '(none)'}"
            raise FileProblem(f"{'; '.join(missing)}; {columns_are}", 1)
    else:
        columns = {}
        normalized = [(_norm(h), h) for h in header]
        for name, aliases in ALIASES.items():
            found = next((h for n, h in normalized if n in aliases), None)
            if found is not None and found not in columns.values():
                columns[name] = found
    needs = [f for f in ("title", "year") if f not in columns]
    if needs == ["year"] and "release_date" in columns:
        needs = []
    if needs:
        raise FileProblem(
            f"no column gives the {' or the '.join(needs)}; name one with --map "
            f"{needs[0]}=COLUMN. The columns are: {', '.join(header) or '(none)'}",
            1,
        )
    return columns


def read_mapped(path: Path, name: str, mapping: dict[str, str], kind: str):
    """Rows of a CSV or JSON export (``kind``), its columns mapped to contract fields."""
    decoded = decode(read_bytes(path, MAX_TABLE_BYTES))
    if decoded.warning:
        yield Note(Origin(name), decoded.warning)
    if kind == "json":
        header, items = _json_rows(decoded.text, name)
    else:
        table = read_table(decoded.text)
        header, items = table.header, table.rows
    columns = columns_for(mapping, header, name)
    used = ", ".join(f"{f}={c}" for f, c in columns.items())
    yield Note(Origin(name), f"columns used: {used}")
    reading = _reading(items, columns, name)
    if reading.scale != 5:
        yield Note(Origin(name), f"ratings read as out of {number_text(reading.scale)}")
    for line, item in items:
        if isinstance(item, Skip):
            yield item
            continue
        yield _row(Origin(name, line, kind == "json"), item, columns, reading)


def _row(origin: Origin, item: dict[str, Any], columns: dict[str, str], reading: Reading):
    data = {k: ", ".join(v) if isinstance(v, list) else v for k, v in item.items()}
    row = Row(origin, data)
    raw = {name: item.get(column, "") for name, column in columns.items()}
    try:
        fill(row, raw, reading)
    except SkipRow as exc:
        return Skip(origin, str(exc), data)
    return row


def _reading(items, columns: dict[str, str], name: str) -> Reading:
    """The dates' order and the ratings' scale of a whole column, from its values."""

    def values(field: str) -> list[str]:
        column = columns.get(field)
        return [
            str(item.get(column) or "")
            for _, item in items
            if column and isinstance(item, dict) and not isinstance(item.get(column), list)
        ]

    bare = []
    for text in values("rating"):
        try:
            parsed = parse_rating(text)
        except BadValue:
            continue
        if parsed and not parsed[1]:
            bare.append(parsed[0])
    return Reading(dates=date_order(values("release_date")), scale=column_scale(bare))


def _json_rows(text: str, name: str):
    header: dict[str, None] = {}
    items: list[tuple[int, Any]] = []
    for place, item in load_json(text):
        if not isinstance(item, dict):
            items.append((place, Skip(Origin(name, place, True), "not an object")))
            continue
        flat = _flatten(item)
        header.update(dict.fromkeys(flat))
        items.append((place, flat))
    return list(header), items


def _flatten(item: dict, prefix: str = "") -> dict[str, str | list[str]]:
    """A JSON object as columns: nested objects give dotted names (``ids.imdb``), lists of
    texts stay lists, and lists of objects give their ``name``s."""
    flat: dict[str, str | list[str]] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = [_scalar(v.get("name") if isinstance(v, dict) else v) for v in value]
        else:
            flat[name] = _scalar(value)
    return flat


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
