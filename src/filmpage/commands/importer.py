"""``filmpage import``: read an export, merge duplicate films, write one record per film."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import FilmpageError, Problems
from ..importing.formats import (
    FORMATS,
    MAPPABLE,
    Row,
    Skip,
    read_imdb,
    read_letterboxd,
    read_mapped,
    read_nfo,
)
from ..importing.records import merge_rows, plan_import
from ..yamldoc import Map, Reader, parse


@dataclass(frozen=True)
class ImportResult:
    written: list[Path]  # new or overwritten records
    updated: list[Path]  # records refreshed by --update
    merged: int  # rows folded into a film another row already gave
    skipped: list[tuple[str, int, str]]  # file, line, why
    dry_run: bool


def parse_mapping(pairs: list[str], mapping_file: Path | None) -> dict[str, str]:
    """Contract field -> column, from ``field=column`` pairs and an optional YAML file."""
    mapping: dict[str, str] = {}
    if mapping_file is not None:
        problems = Problems()
        text = mapping_file.read_text(encoding="utf-8-sig")
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
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise FilmpageError(f"--map {pair!r}: expected field=column, like title=Name")
        mapping[name.strip()] = column.strip()
    unknown = sorted(set(mapping) - set(MAPPABLE))
    if unknown:
        raise FilmpageError(
            f"cannot map {', '.join(unknown)}; the fields that can be mapped "
            f"are: {', '.join(MAPPABLE)}"
        )
    return mapping


def read_rows(fmt: str, files: list[Path], mapping: dict[str, str]):
    for path in files:
        try:
            if fmt in ("csv", "json"):
                columns = mapping or {name: name for name in MAPPABLE}
                yield from read_mapped(path, columns, fmt)
            elif fmt == "letterboxd":
                yield from read_letterboxd(path)
            elif fmt == "imdb":
                yield from read_imdb(path)
            else:
                yield from read_nfo(path, path if path.is_dir() else path.parent)
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or f"not UTF-8 text ({exc.reason})"
            yield Skip(path.name, 0, f"cannot read the file: {reason}")


def run_import(
    root: Path,
    fmt: str,
    files: list[Path],
    mapping: dict[str, str] | None = None,
    force: bool = False,
    update: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import ``files`` in format ``fmt`` into ``root/content/films``."""
    if fmt not in FORMATS:
        raise FilmpageError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    for path in files:
        if not path.exists():
            raise FilmpageError(f"{path}: no such file or folder")
    rows: list[Row] = []
    skipped: list[tuple[str, int, str]] = []
    for item in read_rows(fmt, files, mapping or {}):
        if isinstance(item, Skip):
            skipped.append((item.file, item.line, item.reason))
        elif "title" not in item.fields:
            skipped.append((item.file, item.line, "no title"))
        elif "year" not in item.fields:
            skipped.append((item.file, item.line, f"no year for {item.fields['title']!r}"))
        elif not 1870 <= item.fields["year"] <= 2100:
            skipped.append((item.file, item.line, f"year {item.fields['year']} is out of range"))
        else:
            rows.append(item)
    films = merge_rows(rows)
    plan = plan_import(root, films, fmt, force, update)
    if not dry_run:
        for path, text in plan.write.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    written = [p for p in plan.write if p not in plan.updated]
    return ImportResult(
        written, plan.updated, len(rows) - len(films), sorted(skipped + plan.skipped), dry_run
    )
