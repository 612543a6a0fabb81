"""Kodi and Jellyfin ``.nfo`` files: one file, or a folder searched for them.

A movie's file has ``<movie>`` at its root; ``<tvshow>`` and ``<episodedetails>`` files
are skipped with a note. Identifiers come from every ``<uniqueid type=...>``, and from
``<imdbid>``, ``<tmdbid>`` and ``<id>``. The XML is parsed by defusedxml: entity
declarations and external references are refused, and the size is checked first.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .files import MAX_NFO_BYTES, FileProblem, is_regular, read_bytes
from .fill import Reading, SkipRow, fill
from .rows import Origin, Row, Skip
from .values import ID_KINDS, BadValue, one_line

_NOT_FILMS = {"tvshow": "a TV series", "episodedetails": "a TV episode",
              "musicvideo": "a music video"}  # fmt: skip
_YOUTUBE = re.compile(r"plugin://plugin\.video\.youtube/.*[?&](?:videoid|video_id)=([\w-]{6,20})")
_ROLE_TYPES = {"director": "directors", "writer": "writers", "producer": "producers",
               "composer": "music", "editor": "editors"}  # fmt: skip


def nfo_files(path: Path) -> list[Path]:
    """``path`` itself, or every ``.nfo`` file under the folder ``path`` (symlinked folders
    are not followed), in a stable order."""
    if not path.is_dir():
        return [path]
    found = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(folder) / f for f in sorted(files) if f.lower().endswith(".nfo")]
    return found


def read_nfo(path: Path, name: str) -> Iterator[Row | Skip]:
    """The film of one NFO file, or a skip saying why it holds none."""
    origin = Origin(name, 1)
    try:
        data = read_bytes(path, MAX_NFO_BYTES)
    except FileProblem as exc:
        if not is_regular(path) or "limit" in str(exc):
            yield Skip(Origin(name), str(exc))
            return
        raise
    end = data.rfind(b"</movie>")
    if end >= 0 and data[end + 8 :].strip():  # Kodi allows a link after the XML
        data = data[: end + 8]
    try:
        movie = fromstring(data)
    except ET.ParseError as exc:
        yield Skip(Origin(name, exc.position[0]), f"not well-formed XML: {exc}")
        return
    except DefusedXmlException as exc:
        entity = getattr(exc, "name", None)  # (the exception's own text is its repr)
        what = f"the entity {entity!r}" if entity else "an entity or an external reference"
        yield Skip(origin, f"refused: it declares {what}, and those are not read")
        return
    if movie.tag in _NOT_FILMS:
        yield Skip(origin, f"{_NOT_FILMS[movie.tag]} (<{movie.tag}>); only films are imported")
        return
    if movie.tag != "movie":
        yield Skip(origin, f"expected a <movie> element, found <{movie.tag}>")
        return
    raw, cast, ids = _fields(movie)
    row = Row(origin, {k: v if isinstance(v, str) else ", ".join(v) for k, v in raw.items()})
    try:
        fill(row, raw, Reading())
        cast = _checked_cast(cast)
    except SkipRow as exc:
        yield Skip(origin, str(exc), {k: v for k, v in row.data.items() if v})
        return
    if cast:
        row.fields.setdefault("credits", {})["cast"] = cast
    for kind, value in ids.items():
        row.add_id(kind, value)
    yield row


def _text(element: ET.Element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _texts(element: ET.Element, tag: str) -> list[str]:
    """Every ``tag``'s text, Kodi's ``A / B`` in one element split."""
    return [
        part.strip()
        for e in element.findall(tag)
        for part in (e.text or "").split(" / ")
        if part.strip()
    ]


def _fields(movie: ET.Element):
    raw: dict[str, str | list[str]] = {
        "title": _text(movie, "title"),
        "original_title": _text(movie, "originaltitle"),
        "year": _text(movie, "year"),
        "plot": _text(movie, "plot") or _text(movie, "outline"),
        "tagline": _text(movie, "tagline"),
        "runtime": _text(movie, "runtime"),
        "content_rating": _certificate(_text(movie, "mpaa") or _text(movie, "certification")),
        "release_date": _text(movie, "premiered") or _text(movie, "releasedate"),
        "trailer": _trailer(_text(movie, "trailer")),
        "genres": _texts(movie, "genre"),
        "countries": _texts(movie, "country"),
        "directors": _texts(movie, "director"),
        "writers": list(dict.fromkeys(_texts(movie, "credits") + _texts(movie, "writer"))),
    }
    studios = _texts(movie, "studio")
    if studios:
        raw["studio"] = studios[0]
    cast = []
    for actor in sorted(movie.findall("actor"), key=_order):
        name, role = _text(actor, "name"), _text(actor, "role")
        kind = _ROLE_TYPES.get(_text(actor, "type").lower())
        if name and kind:
            raw.setdefault(kind, [])
            if isinstance(raw[kind], list) and name not in raw[kind]:
                raw[kind].append(name)
        elif name:
            cast.append({"name": name, "character": role} if role else name)
    return raw, cast, _ids(movie)


def _checked_cast(cast: list) -> list:
    checked = []
    for person in cast:
        try:
            if isinstance(person, dict):
                person = {k: one_line(v) for k, v in person.items()}
            else:
                person = one_line(person)
        except BadValue as exc:
            raise SkipRow(f"cast: {exc}") from exc
        checked.append(person)
    return checked


def _order(actor: ET.Element) -> int:
    text = _text(actor, "order") or _text(actor, "sortorder")
    return int(text) if text.isdigit() and len(text) < 7 else 10**6


def _ids(movie: ET.Element) -> dict[str, str]:
    ids: dict[str, str] = {}
    default = [u for u in movie.findall("uniqueid") if u.get("default") == "true"]
    others = [u for u in movie.findall("uniqueid") if u.get("default") != "true"]
    for unique in default + others:
        kind = (unique.get("type") or "").strip().lower()
        if kind in ID_KINDS and (unique.text or "").strip():
            ids.setdefault(kind, unique.text.strip())
    for tag, kind in (("imdbid", "imdb"), ("imdb_id", "imdb"), ("tmdbid", "tmdb")):
        if _text(movie, tag):
            ids.setdefault(kind, _text(movie, tag))
    legacy = _text(movie, "id")
    if re.fullmatch(r"tt\d{7,8}", legacy):
        ids.setdefault("imdb", legacy)
    return ids


def _trailer(text: str) -> str:
    """A Kodi YouTube plugin link as the YouTube page it plays; other plugin links dropped
    (Kodi's own); anything else as it is (a link that is not http(s) is left out with a
    note, as from any format)."""
    match = _YOUTUBE.match(text)
    if match:
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    return "" if text.startswith("plugin://") else text


def _certificate(mpaa: str) -> str:
    """'Rated PG-13' or 'US:PG-13' -> 'PG-13'."""
    mpaa = re.sub(r"^Rated\s+", "", mpaa.strip(), flags=re.IGNORECASE)
    return mpaa.split(":", 1)[1].strip() if ":" in mpaa else mpaa
