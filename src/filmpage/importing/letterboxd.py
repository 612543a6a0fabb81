"""Letterboxd's data export: watched, ratings, reviews, diary, watchlist and lists files.

The film files share ``Date, Name, Year, Letterboxd URI`` (``Rating``, ``Rewatch``,
``Review``, ``Tags``, ``Watched Date`` where they have them); a list file starts with a
line ``Letterboxd list export v7``, then the list's own row, then its films under
``Position, Name, Year, URL, Description``. Your review and rating become a customer
review; a list becomes a collection.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from ..slugs import slugify
from .files import MAX_TABLE_BYTES, FileProblem, decode, read_bytes, read_table, rows_of
from .fill import Reading, SkipRow, fill
from .rows import ListInfo, Note, Origin, Row, Skip
from .values import BadValue, letterboxd_id, markdown_text, one_line

FILM_FILES = ("watched.csv", "diary.csv", "ratings.csv", "reviews.csv")
READING = Reading(scale=5, rated_on="on Letterboxd")
_LIST_URL = re.compile(r"letterboxd\.com/[^/\s]+/list/([a-z0-9]+(?:-[a-z0-9]+)*)/?")


def export_files(folder: Path) -> list[Path]:
    """The files of an unpacked export folder that hold films: the four film files, then
    every list (the watchlist, likes and deleted entries are left out)."""
    files = [folder / name for name in FILM_FILES if (folder / name).is_file()]
    lists = folder / "lists"
    if lists.is_dir():
        files += sorted(p for p in lists.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise FileProblem(
            "holds none of a Letterboxd export's files (watched.csv, diary.csv, "
            "ratings.csv, reviews.csv, lists/)"
        )
    return files


def read_letterboxd(path: Path, name: str) -> Iterator[Row | Skip | Note | ListInfo]:
    decoded = decode(read_bytes(path, MAX_TABLE_BYTES))
    if decoded.warning:
        yield Note(Origin(name), decoded.warning)
    if decoded.text.lstrip("\ufeff").startswith("Letterboxd list export"):
        yield from _read_list(decoded.text, name)
        return
    table = read_table(decoded.text)
    if not {"Name", "Year"} <= set(table.header):
        raise FileProblem(
            "not a file of a Letterboxd export: expected the columns Date, Name, Year and "
            f"Letterboxd URI; the columns are: {', '.join(table.header) or '(none)'}",
            1,
        )
    for line, values in table.rows:
        yield _film(Origin(name, line), values, values.get("Letterboxd URI", ""))


def _film(origin: Origin, values: dict[str, str], link: str) -> Row | Skip:
    row = Row(origin, values)
    raw = {
        "title": values.get("Name", ""),
        "year": values.get("Year", ""),
        "rating": values.get("Rating", ""),
        "review": values.get("Review", ""),
        "review_date": values.get("Watched Date", "") or values.get("Date", ""),
    }
    try:
        fill(row, raw, READING)
    except SkipRow as exc:
        return Skip(origin, str(exc), values)
    with contextlib.suppress(BadValue):  # a short link (boxd.it) names no film slug
        row.ids["letterboxd"] = letterboxd_id(link)
    return row


def _read_list(text: str, name: str) -> Iterator[Row | Skip | ListInfo]:
    lines = text.lstrip("\ufeff").split("\n")
    table = rows_of("\n".join(lines[1:]), ",", skip=1)
    if not table.rows or "Name" not in table.header:
        raise FileProblem("a Letterboxd list file without its list row (Date, Name, ...)", 2)
    _, meta = table.rows[0]
    at = next(
        (i for i, (_, v) in enumerate(table.rows) if v.get("Date", "").strip() == "Position"),
        None,
    )
    if at is None:
        raise FileProblem("a Letterboxd list file without its films (Position, Name, Year...)")
    try:
        title = one_line(meta.get("Name", "")) or Path(name).stem
    except BadValue as exc:
        yield Skip(Origin(name, table.rows[0][0]), f"the list's name: {exc}", meta)
        title = Path(name).stem
    match = _LIST_URL.search(meta.get("URL", ""))
    key = (match.group(1) if match else slugify(title)) or "list"
    try:
        description = markdown_text(meta.get("Description", ""), "list description")
    except BadValue as exc:
        yield Skip(Origin(name, table.rows[0][0]), f"the list's description: {exc}", meta)
        description = ""
    yield ListInfo(key[:80].strip("-"), title, description, Origin(name, table.rows[0][0]))
    _, header = table.rows[at]
    columns = [header[c] for c in table.header]  # the films' own header row
    for line, values in table.rows[at + 1 :]:
        film = {c: values.get(h, "") for c, h in zip(columns, table.header, strict=False)}
        row = _film(Origin(name, line), film, film.get("URL", ""))
        if isinstance(row, Row):
            position = film.get("Position", "").strip()
            note = film.get("Description", "").strip()
            try:
                note = markdown_text(note, "note") if note else ""
            except BadValue as exc:
                row.notes.append(f"the list's note: {exc}; left out")
                note = ""
            order = int(position) if position.isdigit() and len(position) < 7 else line
            row.lists.append((key[:80].strip("-"), order, note))
        yield row
