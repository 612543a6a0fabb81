"""``filmpage import``: read exports, find each film's record, merge without loss, report.

The import reads every file first: a file that is not what its format expects (a
mapped column that does not exist, JSON of the wrong shape, a FIFO) stops it before
anything is written, with every such problem together. Then each film is planned and
checked as the build would check it; then the records are written, each whole.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

from ..errors import FilmpageError, Problem, Problems
from ..importing import FORMATS
from ..importing.collections import COLLECTIONS_DIR, plan_collections
from ..importing.existing import read_catalogue
from ..importing.files import FileProblem, read_bytes
from ..importing.fill import MAPPABLE
from ..importing.identity import gather
from ..importing.imdb import read_imdb
from ..importing.letterboxd import export_files, read_letterboxd
from ..importing.nfo import nfo_files, read_nfo
from ..importing.plan import plan_films
from ..importing.report import Report, report_text
from ..importing.rows import ListInfo, Note, Origin, Row, Skip
from ..importing.store import (
    as_written,
    outside_content,
    remove_leftovers,
    sync_all,
    write_record,
)
from ..importing.tables import read_mapped
from ..load import FILMS_DIR
from ..yamldoc import Map, Reader, parse

REPORT_FILE = "import-report.yaml"
MAPPING_BYTES = 1 << 20  # a mapping file names a few dozen columns


def parse_mapping(pairs: list[str], mapping_file: Path | None) -> dict[str, str]:
    """Contract field -> column, from ``field=column`` pairs and an optional YAML file."""
    mapping: dict[str, str] = {}
    if mapping_file is not None:
        problems = Problems()
        try:  # (a regular file only, as every input: a named pipe would never end)
            text = read_bytes(mapping_file, MAPPING_BYTES).decode("utf-8-sig")
        except (FileProblem, UnicodeDecodeError) as exc:
            raise FilmpageError(f"{mapping_file}: cannot read the mapping: {exc}") from exc
        tree = parse(text, mapping_file.name, problems)
        problems.raise_if_errors()
        if not isinstance(tree, Map):
            raise FilmpageError(f"{mapping_file}: expected a mapping of field: column")
        read = Reader(mapping_file.name, problems)
        for key, (_, node) in tree.entries.items():
            column = read.text(node, key)
            if column:
                mapping[key] = column
        problems.raise_if_errors()
    wrong = []  # (every one of them said at once, as every error of a run)
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            wrong.append(f"--map {pair!r}: expected field=column, like title=Name")
        else:
            mapping[name.strip()] = column.strip()
    unknown = sorted(set(mapping) - set(MAPPABLE))
    if unknown:
        wrong.append(f"cannot map {', '.join(unknown)}; the fields that can be mapped "
                     f"are: {', '.join(MAPPABLE)}")  # fmt: skip
    if wrong:
        raise FilmpageError([Problem("", message=message) for message in wrong])
    return mapping


def _inputs(fmt: str, path: Path) -> list[Path]:
    if fmt == "nfo":
        return nfo_files(path)
    if fmt == "letterboxd" and path.is_dir():
        return export_files(path)
    return [path]


def _read(fmt: str, path: Path, name: str, mapping: dict[str, str]) -> Iterator:
    if fmt in ("csv", "json"):
        return read_mapped(path, name, mapping, fmt)
    if fmt == "letterboxd":
        return read_letterboxd(path, name)
    if fmt == "imdb":
        return read_imdb(path, name)
    return read_nfo(path, name)


def _display(path: Path, given: Path) -> str:
    """A file as the report names it: relative to the folder given, else its name (a
    folder given where a file was wanted: as given)."""
    if given.is_dir() and path.is_relative_to(given) and path != given:
        return path.relative_to(given).as_posix()
    return path.name if path != given or not given.is_dir() else str(given)


def read_all(fmt: str, files: list[Path], mapping: dict[str, str], report: Report):
    """Every row of every file; every file's problem gathered, then raised together."""
    problems = Problems()
    rows: list[Row] = []
    lists: list[ListInfo] = []
    for given in files:
        if not given.exists() and not given.is_symlink():
            problems.error(str(given), 0, 0, "", "no such file or folder")
            continue
        try:
            inputs = _inputs(fmt, given)
        except FileProblem as exc:
            problems.error(str(given), exc.line, 0, "", str(exc))
            continue
        for path in inputs:
            name = _display(path, given)
            try:
                for item in _read(fmt, path, name, mapping):
                    _sort(item, rows, lists, report)
            except FileProblem as exc:
                problems.error(name, exc.line, 0, "", str(exc))
    if problems.errors:
        raise FilmpageError(problems.items)
    return rows, lists


def _sort(item, rows: list[Row], lists: list[ListInfo], report: Report) -> None:
    if isinstance(item, Row):
        rows.append(item)
        report.rows += 1
        report.notes += [(item.origin, n) for n in item.notes]
    elif isinstance(item, Skip):
        report.skips.append(item)
        report.rows += 1
    elif isinstance(item, Note):
        report.notes.append((item.origin, item.message))
    else:
        lists.append(item)


def run_import(
    root: Path,
    fmt: str,
    files: list[Path],
    mapping: dict[str, str] | None = None,
    update: bool = False,
    dry_run: bool = False,
    report_path: Path | None = None,
    command: str = "",
) -> Report:
    """Import ``files`` in format ``fmt`` into ``root/content``; the report says what was
    done. Raises FilmpageError, having written nothing, when a file cannot be read."""
    if fmt not in FORMATS:
        raise FilmpageError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if mapping and fmt not in ("csv", "json"):
        raise FilmpageError(f"--map and --mapping are for csv and json, not {fmt}")
    command = command or shlex.join(["filmpage", "import", fmt, *map(str, files)])
    report = Report(command, root, dry_run)
    rows, lists = read_all(fmt, files, mapping or {}, report)
    films, ambiguous = gather(rows)
    for row, found in ambiguous:
        titles = " and ".join(repr(f.title) for f in found[:2])
        report.skips.append(
            Skip(row.origin, f"matches two films of this import ({titles})", row.data)
        )
    records, unreadable = read_catalogue(root)
    report.notes += [
        (Origin(rel), f"cannot be read ({why}); films in it are not recognised")
        for rel, why in unreadable
    ]
    report.films = plan_films(root, films, records, fmt, update, [rel for rel, _ in unreadable])
    report.collections = plan_collections(root, lists, report.films)
    if not dry_run or report_path is not None:
        report.report_file = report_path or root / REPORT_FILE
    if not dry_run:
        _write(root, report)
    if report.report_file is not None:
        _write_report(report)
    return report


def _write(root: Path, report: Report) -> None:
    """Write every planned record, each whole; a failure (a full disk) stops the writing,
    and the report says which file failed and which were left unwritten."""
    todo = [p for p in report.films + report.collections if p.kind in ("created", "merged")]
    outside = outside_content(root, [p.path for p in todo])
    if outside:
        message = "would be written outside content/ (a folder links elsewhere); refused"
        raise FilmpageError([Problem(report.rel(path), message=message) for path in outside])
    for folder in (root / FILMS_DIR, root / COLLECTIONS_DIR):
        remove_leftovers(folder)
    written = False
    for at, planned in enumerate(todo):
        data = as_written(planned.text, planned.bom, planned.crlf)
        try:
            write_record(planned.path, data, planned.kind == "created")
        except (OSError, KeyboardInterrupt) as exc:
            why = "interrupted" if isinstance(exc, KeyboardInterrupt) else exc.strerror or exc
            report.interrupted = isinstance(exc, KeyboardInterrupt)
            report.failure = (
                f"{report.rel(planned.path)}: {why}; {at} written, {len(todo) - at} not written"
            )
            report.unwritten = [p.path for p in todo[at:]]
            for left in todo[at:]:
                left.kind = "unwritten"
            break
        report.written.append(planned.path)
        written = True
    if written:
        sync_all()


def _write_report(report: Report) -> None:
    """Write the report as a record is written (a new file of its own, then renamed over
    the old: never through a link planted under its name); a character no file can hold
    (a lone surrogate, of a row skipped for it) as its escape."""
    path = report.report_file
    data = report_text(report).encode("utf-8", "backslashreplace")
    try:
        if path.is_symlink():  # (the report's name is the import's: a link there is not kept)
            path.unlink()
        write_record(path, data, new=not path.exists())
    except OSError as exc:
        note = f"the report could not be written to {path}: {exc.strerror or exc}"
        report.failure = f"{report.failure}; {note}" if report.failure else note
        report.report_file = None
