"""Export files read safely: only regular files, sizes checked before reading, encodings
and CSV dialects recognised as spreadsheets and other tools write them.

Nothing here trusts a file: a FIFO or a device given as an export (or named ``movie.nfo``)
is refused before it is opened for reading, so it cannot hang the import or fill memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_TABLE_BYTES = 64 * 1024 * 1024
"""Largest CSV or JSON export read (64 MiB: a 10,000-film export is a few MB)."""
MAX_NFO_BYTES = 4 * 1024 * 1024
"""Largest NFO file read (4 MiB; Kodi's and Jellyfin's are tens of KB)."""


class FileProblem(Exception):
    """A file that cannot be read as an export; the message says why (line 0: the file)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a regular file no larger than ``limit``, checked before reading.

    The file is opened without blocking and checked again by its descriptor, so a FIFO
    put in its place between the two checks cannot hang the read either.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise FileProblem(f"{_kind(info.st_mode)}, not a regular file; only files are read")
    if info.st_size > limit:
        raise FileProblem(f"the file is {info.st_size:,} bytes; the limit is {limit:,}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileProblem(f"cannot read the file: {exc.strerror}") from exc
    with os.fdopen(fd, "rb", buffering=0) as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileProblem("not a regular file; only files are read")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileProblem(f"the file grew past the limit of {limit:,} bytes while read")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a special file"


def is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


@dataclass(frozen=True)
class Text:
    text: str
    warning: str = ""  # set when the encoding was a guess


def decode(data: bytes) -> Text:
    """UTF-8 (with or without a byte-order mark), UTF-16 (with a mark, or recognised by
    its zero bytes), else Windows-1252 / Latin-1 with a warning."""
    if data.startswith(codecs.BOM_UTF8):
        return Text(_strict(data[3:], "utf-8"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Text(_strict(data, "utf-16"))
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        evens, odds = sample[0::2].count(0), sample[1::2].count(0)
        return Text(_strict(data, "utf-16-be" if evens > odds else "utf-16-le"))
    try:
        return Text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return Text(
        data.decode("cp1252", errors="latin1_fallback"),
        "not UTF-8; read as Windows-1252 (Latin-1): check accented letters, "
        "or save the file as UTF-8",
    )


def _latin1_fallback(exc: UnicodeDecodeError) -> tuple[str, int]:
    # the five bytes Windows-1252 leaves undefined are read as Latin-1 does
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("latin1_fallback", _latin1_fallback)


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            f"not valid {encoding.upper()} text (byte {exc.start}); save it as UTF-8"
        ) from exc


@dataclass(frozen=True)
class Table:
    """A CSV file's header and rows, each row with the line it starts on."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    delimiter: str


def read_table(text: str) -> Table:
    """Rows of a CSV text whose delimiter (comma, semicolon, tab) is recognised from its
    header; Excel's ``sep=;`` first line is honoured."""
    lines = text.split("\n", 2)
    skip = 0
    if lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        delimiter, skip = lines[0].strip()[4], 1
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = sniff_delimiter(text)
    return rows_of(text, delimiter, skip)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into most columns (commas win ties)."""
    head = text[:65536].split("\n", 2)
    best, most = ",", 1
    for delimiter in (",", ";", "\t", "|"):
        try:
            fields = next(csv.reader(io.StringIO(head[0]), delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(fields) > most:
            best, most = delimiter, len(fields)
    return best


def rows_of(text: str, delimiter: str, skip: int = 0) -> Table:
    csv.field_size_limit(MAX_TABLE_BYTES)  # a long field is the row's to refuse, not the file's
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
        rows = []
        start = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):
                rows.append((start + skip, dict(zip(header, values, strict=False))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem(f"not a readable CSV file: {exc}", reader.line_num + skip) from exc
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    return Table(header, rows, delimiter)


def load_json(text: str) -> list[tuple[int, dict]]:
    """The objects of a JSON export: a list of objects, or ``{"films": [...]}``; each with
    its place in the list (1 for the first)."""
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise FileProblem("JSON nested too deeply to be an export of films") from exc
    except ValueError as exc:
        raise FileProblem(f"not valid JSON: {exc}", getattr(exc, "lineno", 0)) from exc
    if isinstance(data, dict) and "films" in data:
        data = data["films"]
        where = 'its "films"'
    else:
        where = "it"
    if not isinstance(data, list):
        raise FileProblem(
            f'expected a list of objects (or {{"films": [...]}}), but {where} is {_json_kind(data)}'
        )
    return list(enumerate(data, 1))


def _json_kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object without a list of films"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number" if isinstance(value, int | float) else "something else"
