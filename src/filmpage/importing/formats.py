"""Read the formats people already keep their films in, as rows of contract fields.

Each reader yields :class:`Row` values: the fields of a film record (named as in the
content contract) and where the row came from, or a :class:`Skip` that says why a row
could not be used. Nothing here writes; :mod:`filmpage.importing.records` does.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("csv", "json", "letterboxd", "imdb", "nfo")

# Fields a mapping may fill, and how their text is read.
TEXT_FIELDS = ("title", "original_title", "tagline", "content_rating", "studio",
               "distributor", "trailer", "plot")  # fmt: skip
LIST_FIELDS = ("genres", "countries", "languages")
INT_FIELDS = ("year", "runtime")
ROLE_FIELDS = ("directors", "writers", "producers", "cast", "cinematography", "editors",
               "music")  # fmt: skip
MAPPABLE = (*TEXT_FIELDS, *LIST_FIELDS, *INT_FIELDS, "release_date", *ROLE_FIELDS,
            "rating", "review")  # fmt: skip


RATING_ONLY = "rating_only"  # marks a review made from a bare rating, to merge away


@dataclass
class Row:
    """One film as read from a source: contract fields, plus where it came from."""

    fields: dict[str, Any]
    file: str
    line: int
    reviews: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Skip:
    file: str
    line: int
    reason: str


def split_list(text: str) -> list[str]:
    """'Drama, Crime' or 'Drama|Crime' or 'Drama / Crime' -> ['Drama', 'Crime']."""
    return [part.strip() for part in re.split(r"\s*[,|;/]\s*", text) if part.strip()]


def parse_int(text: str) -> int | None:
    text = text.strip()
    match = re.fullmatch(r"(\d+)(?:\.0+)?", text)
    return int(match.group(1)) if match else None


def parse_date(text: str) -> str | None:
    """A date as YYYY-MM-DD from the common spellings, or None."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d %B %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def clean_fields(raw: dict[str, str]) -> dict[str, Any]:
    """Contract fields from text values named by contract field: typed, empties dropped."""
    out: dict[str, Any] = {}
    credits: dict[str, list] = {}
    for name, value in raw.items():
        value = (value or "").strip()
        if not value:
            continue
        if name in TEXT_FIELDS:
            out[name] = value
        elif name in LIST_FIELDS:
            out[name] = split_list(value)
        elif name in INT_FIELDS:
            number = parse_int(value)
            if number is not None:
                out[name] = number
        elif name == "release_date":
            date = parse_date(value)
            if date:
                out[name] = date
                out.setdefault("year", int(date[:4]))
        elif name in ROLE_FIELDS:
            credits[name] = split_list(value)
        elif name in ("rating", "review"):
            out[name] = value
    if credits:
        out["credits"] = credits
    return out


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; the line is where the row starts."""
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    start = 2
    for row in reader:
        yield start, {(k or "").strip(): (v or "") for k, v in row.items() if k is not None}
        start = reader.line_num + 1


def read_mapped(path: Path, mapping: dict[str, str], kind: str) -> Iterator[Row | Skip]:
    """Any CSV or JSON file, its columns mapped to contract fields by ``mapping``."""
    name = path.name
    if kind == "json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            yield Skip(name, getattr(exc, "lineno", 0), f"not valid JSON: {exc}")
            return
        items = (
            data
            if isinstance(data, list)
            else data.get("films", [])
            if isinstance(data, dict)
            else []
        )
        rows = []
        for i, item in enumerate(items, 1):
            if not isinstance(item, dict):
                yield Skip(name, i, f"entry {i} is not an object")
                continue
            rows.append((i, {k: _json_text(v) for k, v in item.items()}))
    else:
        rows = list(_csv_rows(path))
    for line, row in rows:
        raw = {field_name: row.get(column, "") for field_name, column in mapping.items()}
        fields = clean_fields(raw)
        review = fields.pop("review", None)
        rating = fields.pop("rating", None)
        reviews = [_review(review, rating)] if review else []
        yield Row(fields, name, line, [r for r in reviews if r])


def _json_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _review(body: str | None, rating: str | None, author: str = "", date: str = "") -> dict:
    review: dict[str, Any] = {"body": body} if body else {}
    if rating:
        try:
            stars = float(rating)
        except ValueError:
            stars = None
        if stars is not None and 0 < stars <= 5:
            review["rating"] = int(stars) if stars == int(stars) else stars
    if author:
        review["author"] = author
    if date and parse_date(date):
        review["date"] = parse_date(date)
    return review if "body" in review else {}


def read_letterboxd(path: Path) -> Iterator[Row | Skip]:
    """Letterboxd's export: watched.csv, ratings.csv, reviews.csv or diary.csv
    (Date, Name, Year, Letterboxd URI, and Rating, Review, Watched Date where present).
    The user's rating and review become a customer review."""
    for line, row in _csv_rows(path):
        fields = clean_fields({"title": row.get("Name", ""), "year": row.get("Year", "")})
        body = row.get("Review", "").strip()
        rating = row.get("Rating", "").strip()
        date = row.get("Watched Date", "") or row.get("Date", "")
        reviews = []
        if body:
            reviews.append(_review(body, rating, "", date))
        elif rating:
            only = _review(f"Rated {rating} out of 5 on Letterboxd.", rating, "", date)
            reviews.append({**only, RATING_ONLY: True} if only else {})
        yield Row(fields, path.name, line, [r for r in reviews if r])


IMDB_COLUMNS = {
    "title": "Title", "original_title": "Original Title", "year": "Year",
    "runtime": "Runtime (mins)", "genres": "Genres", "directors": "Directors",
    "release_date": "Release Date",
}  # fmt: skip


def read_imdb(path: Path) -> Iterator[Row | Skip]:
    """IMDb's list and ratings export (Const, Title, Original Title, Year, Runtime (mins),
    Genres, Directors, IMDb Rating, Num Votes, Release Date, URL...)."""
    for line, row in _csv_rows(path):
        raw = {name: row.get(column, "") for name, column in IMDB_COLUMNS.items()}
        fields = clean_fields(raw)
        if fields.get("original_title") == fields.get("title"):
            fields.pop("original_title", None)
        yield Row(fields, path.name, line)


def read_nfo(path: Path, base: Path) -> Iterator[Row | Skip]:
    """Kodi / Jellyfin ``movie.nfo`` files: one file, or a folder searched recursively."""
    files = sorted(path.rglob("*.nfo")) if path.is_dir() else [path]
    for file in files:
        name = file.relative_to(base).as_posix() if file.is_relative_to(base) else file.name
        try:
            root = ET.fromstring(file.read_bytes())
        except ET.ParseError as exc:
            yield Skip(name, exc.position[0], f"not well-formed XML: {exc}")
            continue
        if root.tag != "movie":
            yield Skip(name, 1, f"expected a <movie> element, found <{root.tag}>")
            continue
        yield Row(_nfo_fields(root), name, 1)


def _nfo_fields(movie: ET.Element) -> dict[str, Any]:
    def text(tag: str) -> str:
        return (movie.findtext(tag) or "").strip()

    def texts(tag: str) -> list[str]:
        return [t.strip() for t in (e.text or "" for e in movie.findall(tag)) if t.strip()]

    fields = clean_fields({
        "title": text("title"), "original_title": text("originaltitle"), "year": text("year"),
        "plot": text("plot"), "tagline": text("tagline"), "runtime": text("runtime"),
        "content_rating": _certificate(text("mpaa")), "release_date": text("premiered"),
    })  # fmt: skip
    if fields.get("original_title") == fields.get("title"):
        fields.pop("original_title", None)
    for tag, name in (("genre", "genres"), ("country", "countries")):
        values = [v for t in texts(tag) for v in split_list(t)]
        if values:
            fields[name] = values
    studios = texts("studio")
    if studios:
        fields["studio"] = studios[0]
    trailer = text("trailer")
    if trailer.startswith(("http://", "https://")):
        fields["trailer"] = trailer
    credits: dict[str, list] = {}
    if texts("director"):
        credits["directors"] = texts("director")
    if texts("credits"):
        credits["writers"] = texts("credits")
    cast = []
    for actor in movie.findall("actor"):
        actor_name = (actor.findtext("name") or "").strip()
        role = (actor.findtext("role") or "").strip()
        if actor_name:
            cast.append({"name": actor_name, "character": role} if role else actor_name)
    if cast:
        credits["cast"] = cast
    if credits:
        fields["credits"] = credits
    return fields


def _certificate(mpaa: str) -> str:
    """'Rated PG-13' or 'US:PG-13' -> 'PG-13'."""
    mpaa = re.sub(r"^Rated\s+", "", mpaa.strip(), flags=re.IGNORECASE)
    return mpaa.split(":", 1)[1].strip() if ":" in mpaa else mpaa
