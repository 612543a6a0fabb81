"""Lists (Letterboxd's) as collections of the contract: ``content/collections/<slug>.md``
with ``title``, ``films`` (slugs in the list's order, ``{film, note}`` where the list
has a note) and the list's description as the introduction.

A collection that exists already keeps everything in it: the films it lacks are added
at its end, and a different title is reported.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import yaml

from ..errors import Problems
from ..load import MAX_FILE_BYTES, parse_record
from .edit import Document, EditError, expected, same_fields
from .emit import flow, quoted
from .existing import plain
from .files import FileProblem, read_bytes
from .merge import Conflict
from .plan import Planned
from .rows import ListInfo
from .store import mixed_endings

COLLECTIONS_DIR = Path("content") / "collections"


def plan_collections(root: Path, lists: list[ListInfo], plans: list[Planned]) -> list[Planned]:
    members: dict[str, list[tuple[int, str, str]]] = {}
    missing: dict[str, list[str]] = {}
    for planned in plans:
        for key, order, note in planned.film.lists if planned.film else ():
            if planned.kind == "skipped" or not planned.slug:
                missing.setdefault(key, []).append(planned.film.title)
            else:
                members.setdefault(key, []).append((order, planned.slug, note))
    out = []
    for info in {i.key: i for i in lists}.values():
        entries: dict[str, str] = {}
        for _, slug, note in sorted(members.get(info.key, [])):
            entries.setdefault(slug, note)
        planned = _plan_one(root, info, entries)
        if missing.get(info.key):
            planned.notes.append(
                f"not in the collection, as skipped: {', '.join(missing[info.key])}"
            )
        out.append(planned)
    return out


def _entry(slug: str, note: str):
    return {"film": slug, "note": note} if note else slug


def _plan_one(root: Path, info: ListInfo, entries: dict[str, str]) -> Planned:
    path = root / COLLECTIONS_DIR / f"{info.key}.md"
    rel = f"{COLLECTIONS_DIR.as_posix()}/{info.key}.md"
    if not path.exists() and not path.is_symlink():
        if not entries:
            return Planned(
                "skipped", None, path, reason=f"no film of the list {info.title!r} was imported"
            )
        lines = ["---", f"title: {quoted(info.title)}", "films:"]
        lines += [f"  - {flow(_entry(s, n), 'film')}" for s, n in entries.items()]
        text = "\n".join([*lines, "---", info.description]).rstrip("\n") + "\n"
        return Planned("created", None, path, text=text, changes=[f"{len(entries)} films"])
    try:
        data = read_bytes(path, MAX_FILE_BYTES)
        problems = Problems()
        record = parse_record(data, rel, problems)
        if record is None:
            raise FileProblem(str(problems.errors[0]) if problems.errors else "cannot be read")
        text = data.decode("utf-8-sig")
        mixed = mixed_endings(text)
        if mixed:
            raise FileProblem(mixed)
        document = Document(text.replace("\r\n", "\n"), False)
    except (FileProblem, EditError, ValueError) as exc:
        return Planned("skipped", None, path, reason=f"{rel} cannot be merged into: {exc}")
    fields = plain(record.tree)
    have = fields.get("films") if isinstance(fields.get("films"), list) else []
    held = {e.get("film") if isinstance(e, dict) else e for e in have}
    new = [_entry(s, n) for s, n in entries.items() if s not in held]
    planned = Planned("unchanged", None, path)
    if fields.get("title") != info.title:
        planned.conflicts.append(
            Conflict("title", fields.get("title"), info.title, "the collection's title is kept")
        )
    if not new:
        return planned
    document.append(("films",), new)
    try:
        result = document.result()
    except (EditError, yaml.YAMLError) as exc:
        return Planned("skipped", None, path, reason=f"{rel} cannot be merged into: {exc}")
    reread = parse_record(result.encode("utf-8"), rel, Problems())
    if reread is None or not same_fields(plain(reread.tree), expected(fields, document)):
        return Planned("skipped", None, path, reason=f"{rel} cannot be edited in place safely")
    planned.kind, planned.text = "merged", result
    planned.changes = [f"{len(new)} films"]
    planned.bom, planned.crlf = data.startswith(codecs.BOM_UTF8), b"\r\n" in data
    return planned
