"""What an import will do to each film, decided and checked before anything is written.

Every film becomes a new record, a merge into the record that holds it, an unchanged
record, or a skip with the reason. Each text to be written is read back as the build
reads it: a record the build would refuse is never written.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..catalogue import assign_slugs
from ..errors import Problems
from ..load import FILMS_DIR, MAX_FILE_BYTES, parse_record
from ..model import Film as BuiltFilm
from ..record import film_from_record
from ..slugs import slugify
from .edit import EditError, expected, same_fields
from .emit import record_text
from .existing import Existing, plain
from .identity import Film, Index
from .merge import Conflict, digest, format_digests, imported_values, marks_of, merge, source_of
from .rows import without_marks

MAX_SLUG = 80
"""Longest slug an import derives; a longer title gets a ``slug:`` cut at a word."""


@dataclass
class Planned:
    kind: str  # created, merged, unchanged, skipped
    film: Film | None
    path: Path | None = None
    text: str | None = None
    record: Existing | None = None
    changes: list[str] = field(default_factory=list)
    reason: str = ""
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    slug: str = ""
    explicit: bool = False  # the slug is written into the record
    bom: bool = False  # an edited file is written back with its byte-order mark
    crlf: bool = False  # and its Windows line endings


def check_text(text: str, rel: str) -> list[str]:
    """The build's errors for a record's text (none: the build accepts it)."""
    data = text.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        return [f"{rel}: the record would be {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}"]
    problems = Problems()
    record = parse_record(data, rel, problems)
    if record is not None:
        film_from_record(record, problems)
    return [str(p) for p in problems.errors]


def plan_films(
    root, films, records, fmt: str, update: bool, unreadable: list[str] = ()
) -> list[Planned]:
    index: Index[Existing] = Index(lambda r: r.identity)
    for record in records:
        index.add(record)
    written = _written_by(records, fmt)
    matches = [index.find(film.identity) or _made_of(film, written) for film in films]
    claimed = Counter(id(m[0]) for m in matches if len(m) == 1)
    plans, creates = [], []
    for film, found in zip(films, matches, strict=True):
        if len(found) > 1:
            names = ", ".join(sorted(r.rel for r in found))
            plans.append(
                _skip(film, f"matches {len(found)} records ({names}); add ids to tell them apart")
            )
        elif found and claimed[id(found[0])] > 1:
            plans.append(_skip(film, f"{found[0].rel} matches more than one film of this import"))
        elif found:
            plans.append(_merge(film, found[0], fmt, update))
        else:
            plans.append(Planned("created", film))
            creates.append(plans[-1])
    for planned in plans:
        planned.notes += [
            f"{name}: the rows disagree: {old!r} ({planned.film.rows[0].origin}) and "
            f"{new!r} ({row.origin}); the first is imported"
            for name, old, new, row in planned.film.disagreements
        ]
    _name_new_records(root, creates, records, list(unreadable))
    for planned in creates:
        if planned.kind == "created":
            _create(planned, fmt)
    _final_slugs(plans, records)
    return plans


def _written_by(records: list[Existing], fmt: str) -> dict[tuple[str, str], list]:
    """The records earlier imports of this format made, with the digests of what that
    import wrote (kept in ``source``), by the digests of the title and year it wrote (a
    pair two records share finds neither)."""
    found: dict[tuple[str, str], list] = {}
    for record in records:
        marks = marks_of(source_of(record.plain), fmt)
        for key in {(t, y) for t in marks.get("title", ()) for y in marks.get("year", ())}:
            found.setdefault(key, []).append((record, marks))
    return {key: found_ for key, found_ in found.items() if len(found_) == 1}


def _made_of(film: Film, written: dict) -> list[Existing]:
    """The record an earlier import of this format made of ``film``, when its identity no
    longer finds it (the user changed its title, or corrected an id, since): found by the
    title and year that import wrote, provided every identifier the film has is one that
    import wrote there too (films whose identifiers differ are never the same)."""
    key = (digest(film.fields.get("title")), digest(film.fields.get("year")))
    for record, marks in written.get(key, ()):
        ids = {f"ids.{k}": int(v) if k == "tmdb" else v for k, v in film.ids.items()}
        if all(digest(v) in marks.get(k, ()) for k, v in ids.items()):
            return [record]
    return []


def _skip(film: Film, reason: str) -> Planned:
    return Planned("skipped", film, reason=reason)


def _files(film: Film) -> list[str]:
    return sorted({row.origin.file for row in film.rows})


def _merge(film: Film, record: Existing, fmt: str, update: bool) -> Planned:
    if record.path.is_symlink():
        return _skip(film, f"{record.rel} is a symbolic link; merge into the file it points to")
    result = merge(film, record, fmt, update, _files(film))
    planned = Planned("merged", film, record.path, record=record)
    planned.conflicts, planned.notes = result.conflicts, result.notes
    if not result.document.changed:
        planned.kind = "unchanged"
        return planned
    before = check_text(record.text, record.rel)
    if before:
        return _skip(film, f"{record.rel} has errors; fix them and import again: {before[0]}")
    try:
        text = result.document.result()
    except (EditError, yaml.YAMLError) as exc:
        return _skip(film, f"{record.rel} cannot be edited in place ({exc}); nothing was changed")
    problems = check_text(text, record.rel)
    if problems:
        return _skip(film, f"merging would make a record the build refuses: {problems[0]}")
    reread = parse_record(text.encode("utf-8"), record.rel, Problems())
    meant = expected(record.plain, result.document)
    body = result.document.body
    if (
        reread is None
        or not same_fields(plain(reread.tree), meant)
        or reread.body.strip() != (body.strip() if body is not None else record.body.strip())
    ):
        return _skip(film, f"{record.rel} cannot be edited in place safely; nothing was changed")
    planned.text, planned.changes = text, result.added + result.updated
    planned.bom, planned.crlf = record.bom, record.crlf
    return planned


def new_values(film: Film, fmt: str) -> dict[str, Any]:
    """A new record's fields, its reviews, ids and source."""
    values = dict(film.fields)
    reviews = [without_marks(r) for r in film.reviews]
    if reviews:
        values["customer_reviews"] = reviews
    if film.ids:
        values["ids"] = {k: int(v) if k == "tmdb" else v for k, v in film.ids.items()}
    digests = {".".join(p): [digest(v)] for p, v in imported_values(film).items()}
    if reviews:
        digests["customer_reviews"] = [digest(r) for r in reviews]
    values["source"] = {
        "format": fmt,
        "file": ", ".join(_files(film)),
        fmt: format_digests(digests),
    }
    return values


def _short(slug: str) -> str:
    if len(slug) <= MAX_SLUG:
        return slug
    head = slug[: MAX_SLUG + 1]
    cut = head.rsplit("-", 1)[0] if "-" in head else ""
    return cut if len(cut) >= MAX_SLUG // 2 else slug[:MAX_SLUG].strip("-")


def _waits_for(blocked: dict[str, str], records: dict[str, Existing], names: tuple) -> str:
    """Why a new film is not written, when a record named as it would be (``names``)
    cannot be read (``blocked``) or is refused by the build (no title yet, say): the
    record may be that film, and once fixed would clash with it."""
    unread = next((blocked[n] for n in names if n in blocked), None)
    if unread:
        return f"may be the film of {unread}, which cannot be read; fix it first"
    record = next((records[n] for n in names if n in records), None)
    problems = check_text(record.text, record.rel) if record is not None else []
    if not problems:
        return ""
    return f"may be the film of {record.rel}, which the build refuses; fix it first: {problems[0]}"


def _name_new_records(
    root: Path, creates: list[Planned], records: list[Existing], unreadable: list[str]
) -> None:
    """Each new record's slug, written into it (so that no film added later moves its
    URL), never one a record already there has (as its slug or one of its aliases), and
    its file name. A film that may be the one of a record that cannot be read (its file
    has the film's name) is skipped: the record is fixed first."""
    existing = _built(records)
    taken = {f.slug for f in assign_slugs(existing, Problems())}
    taken |= {slugify(r.title) for r in records}
    taken |= {alias for r in records for alias in r.aliases}
    stems = {Path(r.rel).stem.casefold() for r in records}
    folder = root / FILMS_DIR
    if folder.is_dir():  # records that could not be read keep their names too
        stems |= {Path(name).stem.casefold() for name in os.listdir(folder)}
    blocked = {Path(rel).stem.casefold(): rel for rel in sorted(unreadable)}
    taken |= set(blocked)
    by_stem = {Path(r.rel).stem.casefold(): r for r in records}
    bases = Counter()
    for planned in creates:
        film = planned.film
        derived = slugify(film.title) or slugify(film.fields.get("original_title", ""))
        if not derived:
            planned.kind, planned.reason = "skipped", "cannot make a URL slug from the title"
            continue
        year = film.fields["year"]
        waits = _waits_for(blocked, by_stem, (derived, f"{derived}-{year}"))
        if waits:
            planned.kind, planned.reason = "skipped", waits
            continue
        base = _short(derived)
        explicit = base != slugify(film.title) or base in taken
        if base in taken:
            base = f"{base}-{year}"
        planned.slug, planned.explicit = base, explicit
        bases[base] += 1
    used = set(taken)
    for planned in creates:
        if planned.kind != "created":
            continue
        if not planned.explicit and bases[planned.slug] > 1:
            planned.slug = f"{planned.slug}-{planned.film.fields['year']}"
        planned.slug = _unique(planned.slug, used)  # (two new films of one title and year)
        planned.explicit = True
        name = _unique(planned.slug, stems)
        planned.path = root / FILMS_DIR / f"{name}.md"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate.casefold() in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate.casefold())
    return candidate


def _create(planned: Planned, fmt: str) -> None:
    values = new_values(planned.film, fmt)
    if planned.explicit:
        values["slug"] = planned.slug
    rel = f"{FILMS_DIR.as_posix()}/{planned.path.name}"
    text = record_text(values)
    problems = check_text(text, rel)
    if problems:
        planned.kind = "skipped"
        planned.reason = f"the new record would be refused by the build ({problems[0]})"
        return
    planned.text = text


def _built(records: list[Existing], extra=()) -> list[BuiltFilm]:
    films = [
        BuiltFilm(r.rel, r.title, r.year or 0, r.slug or "", slug_given=bool(r.slug))
        for r in records
    ]
    return films + list(extra)


def _final_slugs(plans: list[Planned], records: list[Existing]) -> None:
    """Every film's slug as the build will give it; a new record whose slug would clash
    is skipped with the build's words."""
    new = {f"{FILMS_DIR.as_posix()}/{p.path.name}": p for p in plans if p.kind == "created"}
    extra = [
        BuiltFilm(rel, p.film.title, p.film.fields["year"], p.slug if p.explicit else "",
                  slug_given=p.explicit)
        for rel, p in new.items()
    ]  # fmt: skip
    problems = Problems()
    slugs = {f.file: f.slug for f in assign_slugs(_built(records, extra), problems)}
    for problem in problems.errors:
        if problem.file in new:
            new[problem.file].kind = "skipped"
            new[problem.file].reason = f"its slug would clash: {problem.message}"
    by_path = {r.path: r.rel for r in records}
    for planned in plans:
        if planned.kind == "created":
            planned.slug = slugs.get(f"{FILMS_DIR.as_posix()}/{planned.path.name}", planned.slug)
        elif planned.kind in ("merged", "unchanged"):
            planned.slug = slugs.get(by_path.get(planned.path, ""), "")
