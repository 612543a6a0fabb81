"""The reconciliation report of an import: what was created, merged, left unchanged or
skipped (with the reason and the row as it was read), every conflict with both values,
and notes; as lines for the terminal and as a YAML file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .emit import entry_lines, flow, quoted
from .plan import Planned
from .rows import Origin, Skip

LONGEST_VALUE = 300  # characters of a row's value shown in the report


@dataclass
class Report:
    command: str
    root: Path
    dry_run: bool
    films: list[Planned] = field(default_factory=list)
    collections: list[Planned] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    notes: list[tuple[Origin, str]] = field(default_factory=list)
    rows: int = 0
    written: list[Path] = field(default_factory=list)
    unwritten: list[Path] = field(default_factory=list)
    failure: str = ""
    interrupted: bool = False  # by Ctrl-C while records were written
    report_file: Path | None = None

    def of(self, kind: str) -> list[Planned]:
        return [p for p in self.films if p.kind == kind]

    @property
    def skipped(self) -> list[tuple[list[Origin], str, dict[str, str]]]:
        out = [([s.origin], s.reason, s.data) for s in self.skips]
        for planned in self.of("skipped"):
            rows = planned.film.rows
            out.append(([r.origin for r in rows], planned.reason, rows[0].data))
        return out

    @property
    def imported(self) -> int:
        """Films that found their record: created, merged or already there."""
        return sum(1 for p in self.films if p.kind in ("created", "merged", "unchanged"))

    def rel(self, path: Path | None) -> str:
        if path is None:
            return ""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def summary(self) -> str:
        counts = [f"{len(self.of(k))} {k}" for k in ("created", "merged", "unchanged")]
        conflicts = sum(len(p.conflicts) for p in self.films + self.collections)
        text = (
            f"{self.rows} row{'s' if self.rows != 1 else ''} read: {', '.join(counts)}, "
            f"{len(self.skipped)} skipped; {conflicts} conflict{'s' if conflicts != 1 else ''}"
        )
        if self.unwritten:
            text += f"; {len(self.unwritten)} not written"
        made = [p for p in self.collections if p.kind in ("created", "merged")]
        if made:
            text += f"; {len(made)} collection{'s' if len(made) != 1 else ''}"
        return ("Dry run, nothing was written: " if self.dry_run else "") + text + "."


def _rows(origins: list[Origin]) -> str:
    return ", ".join(str(o) for o in origins)


def terminal_lines(report: Report, limit: int = 20) -> list[tuple[str, str]]:
    """(kind, line) for the terminal, the kind "done" (what was written), "problem" (a
    conflict or a row skipped) or "note": each kind of result up to ``limit`` lines, the
    rest counted (the report file lists everything)."""
    out: list[tuple[str, str]] = []
    verb = {"created": "would create", "merged": "would merge"} if report.dry_run else {}

    def group(kind: str, lines: list[str]) -> None:
        out.extend((kind, line) for line in lines[:limit])
        if len(lines) > limit:
            where = f" (see {report.rel(report.report_file)})" if report.report_file else ""
            out.append((kind, f"... and {len(lines) - limit} more{where}"))

    for kind in ("created", "merged"):
        group(
            "done",
            [
                f"{verb.get(kind, kind)} {report.rel(p.path)}"
                + (f": {', '.join(p.changes)}" if p.changes else "")
                for p in report.of(kind) + [c for c in report.collections if c.kind == kind]
            ],
        )
    conflicts = [
        f"conflict {report.rel(p.path)}: {c.field}: the record has {_short(c.record)}, "
        f"{_rows([r.origin for r in p.film.rows]) if p.film else 'the list'} gives "
        f"{_short(c.imported)}; {c.hint}"
        for p in report.films + report.collections
        for c in p.conflicts
    ]
    group("problem", conflicts)
    group("problem", [f"skipped {_rows(o)}: {why}" for o, why, _ in report.skipped])
    notes = [f"note {o}: {m}" for o, m in report.notes] + [
        f"note {report.rel(p.path) or _rows([r.origin for r in p.film.rows])}: {n}"
        for p in report.films + report.collections
        for n in p.notes
    ]
    group("note", notes)
    return out


def _short(value: Any) -> str:
    """A value on one line for the terminal: a text quoted, a list of texts joined."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = "[" + ", ".join(value) + "]"
    elif isinstance(value, str):
        text = repr(value)
    else:
        text = flow(value)
    return text[:100] + "..." if len(text) > 100 else text


def _clip(value: str) -> str:
    if len(value) <= LONGEST_VALUE:
        return value
    return f"{value[:LONGEST_VALUE]}... ({len(value):,} characters)"


def report_text(report: Report) -> str:
    """The report file: YAML, every text quoted."""
    lines = [
        "# What a filmpage import did; written after each import (see the README).",
        f"command: {quoted(report.command)}",
        f"dry_run: {'true' if report.dry_run else 'false'}",
        f"summary: {quoted(report.summary())}",
    ]
    for kind in ("created", "merged", "unchanged"):
        lines += _section(kind, _results(report, kind))
    lines += _section("conflicts", _conflicts(report))
    skipped = [
        {"rows": [str(o) for o in origins], "reason": why, "data": _data(data)}
        for origins, why, data in report.skipped
    ]
    lines += _section("skipped", skipped)
    collections = [
        {"collection": report.rel(p.path), "result": p.kind, "changes": p.changes,
         **({"reason": p.reason} if p.reason else {})}
        for p in report.collections
    ]  # fmt: skip
    lines += _section("collections", collections)
    lines += _section("notes", _notes(report))
    if report.failure:
        lines.append(f"failure: {quoted(report.failure)}")
        lines += _section("unwritten", [report.rel(p) for p in report.unwritten])
    return "\n".join(lines) + "\n"


def _results(report: Report, kind: str) -> list[dict]:
    return [
        {
            "record": report.rel(p.path),
            **({"changes": p.changes} if p.changes else {}),
            "rows": [str(r.origin) for r in p.film.rows],
        }
        for p in report.of(kind)
    ]


def _conflicts(report: Report) -> list[dict]:
    return [
        {
            "record": report.rel(p.path),
            "field": c.field,
            "record_value": c.record,
            "import_value": c.imported,
            "rows": [str(r.origin) for r in p.film.rows] if p.film else [],
            "kept": c.hint,
        }
        for p in report.films + report.collections
        for c in p.conflicts
    ]


def _notes(report: Report) -> list[dict]:
    return [{"where": str(o), "note": m} for o, m in report.notes] + [
        {"where": report.rel(p.path) or _rows([r.origin for r in p.film.rows]), "note": n}
        for p in report.films + report.collections
        for n in p.notes
    ]


def _data(data: dict[str, str]) -> dict[str, str]:
    return {str(k): _clip(str(v)) for k, v in data.items() if str(v).strip()}


def _section(name: str, items: list) -> list[str]:
    if not items:
        return [f"{name}: []"]
    out = [f"{name}:"]
    for item in items:
        if isinstance(item, dict):
            first, *rest = [line for k, v in item.items() for line in entry_lines(k, v, 4)]
            out += ["  - " + first.lstrip(), *rest]
        else:
            out.append(f"  - {flow(item)}")
    return out
