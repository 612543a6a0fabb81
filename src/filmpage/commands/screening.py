"""``filmpage new --screening``: add one screening to a season file without touching what
the user wrote there.

The entry is written as a block list item in the season's ``screenings`` list (after its
last item, in its indentation), the whole file is checked as a build would check it
(times, venue, the film: one of the catalogue's, a draft too, as a build takes it; the
same screening in no other season), and only then written, through a temporary file: a
mistake leaves the file as it was.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

from .. import yamldoc
from ..errors import FilmpageError, Problems
from ..load import parse_record
from ..programme import season_from_record
from ..settings import load_settings
from ..slugs import is_slug
from ..whatson import CONTENT, read_whatson
from .checking import read_films


@dataclass(frozen=True)
class NewScreening:
    season: str
    film: str
    start: str
    venue: str | None = None
    end: str | None = None
    doors: str | None = None
    price: str | None = None
    concession: str | None = None
    currency: str | None = None
    tickets: str | None = None
    status: str | None = None
    subtitles: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    note: str | None = None


def _entry(new: NewScreening, indent: int) -> str:
    """The screening as YAML lines of a block list item, ``indent`` spaces in."""
    pairs = [("film", new.film), ("start", new.start), ("venue", new.venue), ("end", new.end),
             ("doors", new.doors)]  # fmt: skip
    if new.concession is not None:
        pairs.append(("price", {"standard": new.price, "concession": new.concession}))
    else:
        pairs.append(("price", new.price))
    pairs += [("currency", new.currency), ("tickets", new.tickets), ("status", new.status),
              ("subtitles", list(new.subtitles) or None),
              ("accessibility", list(new.accessibility) or None), ("note", new.note)]  # fmt: skip
    lines = []
    for key, value in pairs:
        if value is None:
            continue
        if isinstance(value, dict):
            text = "{" + ", ".join(f"{k}: {v}" for k, v in value.items() if v is not None) + "}"
        elif isinstance(value, list):
            text = "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
        elif key in ("price", "film"):
            text = value
        else:
            text = json.dumps(value, ensure_ascii=False)
        lead = " " * indent + ("- " if not lines else "  ")
        lines.append(f"{lead}{key}: {text}\n")
    return "".join(lines)


def _with_entry(text: str, new: NewScreening, file: str) -> str:
    """The season file's text with the new screening added to its list."""
    if not text.strip():
        title = json.dumps(new.season.replace("-", " ").title())
        return f"title: {title}\nscreenings:\n{_entry(new, 2)}"
    problems = Problems()
    tree = yamldoc.parse(text, file, problems)
    problems.raise_if_errors()
    if not isinstance(tree, yamldoc.Map):
        raise FilmpageError(f"{file}: expected a mapping with a title and screenings")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    entry = tree.entries.get("screenings")
    if entry is None:
        return "".join(lines) + "screenings:\n" + _entry(new, 2)
    key, value = entry
    if isinstance(value, yamldoc.Seq) and value.line == key.line:
        raise FilmpageError(
            f"{file}:{key.line}: screenings: written as a flow list [...]; write it as a "
            "block list (one '- film:' per screening) to add to it"
        )
    if value is not None and not isinstance(value, yamldoc.Seq | yamldoc.Scalar):
        raise FilmpageError(f"{file}:{key.line}: screenings: expected a list")
    indent = value.column - 1 if isinstance(value, yamldoc.Seq) else 2
    end = key.line  # the block ends before the next line at the key's indentation
    for number in range(key.line + 1, len(lines) + 1):
        line = lines[number - 1]
        if line.strip() and not line.startswith((" ", "#", "-")):
            break
        if line.strip() and not line.lstrip().startswith("#"):
            end = number
    return "".join(lines[:end]) + _entry(new, indent) + "".join(lines[end:])


def new_screening(root: Path, new: NewScreening) -> Path:
    """Add ``new`` to ``content/programme/<season>.yaml`` (made when absent)."""
    if not is_slug(new.season):
        raise FilmpageError(f"season {new.season!r}: expected lowercase ASCII letters, digits "
                            "and single hyphens, like autumn-2026")  # fmt: skip
    rel = (CONTENT / "programme" / f"{new.season}.yaml").as_posix()
    path = root / rel
    before = path.read_text(encoding="utf-8") if path.is_file() else ""
    text = _with_entry(before, new, rel)
    problems = Problems()
    settings = load_settings(root, problems)
    record = parse_record(text.encode(), rel, problems)
    season = season_from_record(record, new.season, settings, problems) if record else None
    problems.raise_if_errors()
    assert season is not None
    films = read_films(root, drafts=True)  # (a screening of a draft: a build leaves it out)
    if new.film not in films:
        close = get_close_matches(new.film, list(films), n=1, cutoff=0.75)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise FilmpageError(f"no film with slug '{new.film}' in this catalogue{hint}")
    added = max(season.screenings, key=lambda s: s.line)  # (the last in the file)
    elsewhere = Problems()  # (what is wrong in other files is for a build to report)
    for other in read_whatson(root, settings, elsewhere).seasons:
        for s in other.screenings if other.slug != season.slug else ():
            if s.key == added.key:
                raise FilmpageError(f"{rel}:{added.line}: the same screening as "
                                    f"{other.file} line {s.line} (film, start and venue); "
                                    "list it once")  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path
