"""The files made from all films together, in each of the site's languages: the facet
index, the search index (patched where a few films' words changed, in an output updated
in place), the script's messages; the programme's calendars and the custom domain's
CNAME (``extra_outputs``, the render stage's first step)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..browse import (
    INDEX_FILE,
    MESSAGES_FILE,
    data_scripts,
    facet_index_bytes,
    row_in,
    script_messages,
)
from ..derive import search_words
from ..filmdata import derived_from_data
from ..i18n import Language
from ..render import extra_files
from ..searchindex import SEARCH_DIR, patch_search_files, search_files
from ..store import digest
from ..write import Target
from .calendars import Calendars
from .memory import Memory
from .plan import PLAN, Plan, Site
from .planrows import PlanFilm
from .records import Records

MAX_PATCHED = 32
"""More films edited than this, and the search index is made whole again."""


@dataclass(frozen=True)
class Extras:
    """The files made from all films together: their bytes when they are (re)made, the
    fingerprint alone of those kept as the last build wrote them."""

    made: dict[str, bytes]
    kept: dict[str, bytes]
    facts: dict[str, str] = field(default_factory=dict)  # for the next build to know


def extra_outputs(
    plan: Plan, site: Site, records: Records, memory: Memory, target: Target,
    words: Callable[[list[str], str], list[str]], calendars: Calendars,
) -> Extras:  # fmt: skip
    """In each of the site's languages, under its folder: the facet index, the search
    index (its files patched when a few films' words changed, in an output updated in
    place) and the script's messages; and the programme's calendars and the custom
    domain's CNAME. ``words`` gives records' search words in a language."""
    made = extra_files(site.settings)
    files, kept, facts = calendars()
    made.update(files)
    scripts = site.settings.relative_links  # the indexes as scripts too, for file://
    same_places = _same_places(plan, memory)
    for language, language_words in site.languages:
        code, prefix = language.code, language.prefix
        films = films_in(plan, code)
        made[prefix + MESSAGES_FILE] = script_messages(language_words)
        made[prefix + INDEX_FILE] = facet_index_bytes(
            plan.facts["tables"],
            [row_in(plan.parts[f.slug][1], code) for f in films],
            "../" if prefix else "",
        )
        patched = None
        if not target.whole and not scripts and same_places(code, films):
            patched = _patched_search(films, language, records, memory, target)
        if patched is None:
            made.update(_under(prefix, search_files(words([f.file for f in films], code))))
        else:
            made.update(patched[0])
            kept.update(patched[1])
    if scripts:
        made.update(data_scripts(made))  # type: ignore[arg-type]
    return Extras(made, kept, facts)


def extra_names(site: Site) -> list[str]:
    """The paths of the files :func:`extra_outputs` makes that are known before they are
    made (all but the search index's parts), for ``check``."""
    names = [*extra_files(site.settings), *site.whatson.calendar_paths()]
    for language, _ in site.languages:
        names += [language.prefix + MESSAGES_FILE, language.prefix + INDEX_FILE]
    if site.settings.relative_links:
        names += list(data_scripts(dict.fromkeys(names)))
    return names


def films_in(plan: Plan, language: str) -> list[PlanFilm]:
    """The plan's films in the order the pages of ``language`` list them."""
    order = plan.facts.get("orders", {}).get(language)
    return plan.films if order is None else [plan.films[i] for i in order]


def _same_places(plan: Plan, memory: Memory) -> Callable[[str, list[PlanFilm]], bool]:
    """Whether each film of a language's list (its code, its films) stands where it stood
    in the last build's (its number in the search index): so it does when the plan is the
    last build's, and when a plan made again for the same languages, in the same order
    (the first's index is at the root), lists the same films in the same order (a film
    moved to another genre). The last plan's facts are read once for every language."""
    last, facts = memory.plan(), memory.fact("plan_facts")
    if not plan.made or last is None or facts is None:
        return lambda code, films: not plan.made
    known = PLAN.loads(facts)
    if list(known.get("counts", {})) != list(plan.facts["counts"]):  # (by language, in order)
        return lambda code, films: False

    def same(code: str, films: list[PlanFilm]) -> bool:
        order = known.get("orders", {}).get(code)
        before = last[1] if order is None else [last[1][i] for i in order]
        return [f.file for f in before] == [f.file for f in films]

    return same


def _under(prefix: str, files: dict[str, bytes]) -> dict[str, bytes]:
    return {prefix + rel: data for rel, data in files.items()} if prefix else files


def _patched_search(
    films: list[PlanFilm], language: Language, records: Records, memory: Memory, target: Target
) -> tuple[dict[str, bytes], dict[str, bytes]] | None:
    """The files of a language's search index that change when a few films' words do,
    patched from the output's (which must be as the last build wrote them, every one of
    them there), and the fingerprints of those kept; None when the index must be made
    whole."""
    prefix, code, out = language.prefix, language.code, target.out
    edited = [(i, f.file) for i, f in enumerate(films) if f.file in records.films]
    shards = _shards(prefix, memory, target) if len(edited) <= MAX_PATCHED else None
    if not shards:
        return None
    kept = memory.words  # a preview server's: as the last build read them
    stored = records.before  # the others', as the store held them
    if not all(file in kept or file in stored for _, file in edited):
        return None
    changes = []
    for i, file in edited:
        was = (
            search_words(kept[file], code)
            if file in kept
            else (derived_from_data(stored[file]).words_in(code))
        )
        now = records.derived[file].words_in(code)
        if was != now:
            changes.append((i, was, now))

    def read(rel: str) -> bytes | None:
        if prefix + rel not in shards:
            return None
        with open(out / (prefix + rel), "rb") as handle:
            data = handle.read()
        if digest(data) != shards[prefix + rel]:
            raise ValueError(f"{prefix + rel} is not as the last build wrote it")
        return data

    try:
        patched = _under(prefix, patch_search_files(read, changes))  # type: ignore[arg-type]
    except (OSError, ValueError):
        return None
    made = {rel: data for rel, data in patched.items() if data is not None}
    kept = {rel: fp for rel, fp in shards.items() if rel not in patched}
    return made, kept


def _shards(prefix: str, memory: Memory, target: Target) -> dict[str, bytes] | None:
    """The last build's files of a language's search index, by path, when they can be
    patched: not when the store's records are ahead of the index (a film's words may
    have changed without this build reading its record), nor when one is gone. Only its
    JSON files: a patched index has no scripts (the last build's, made for
    ``relative_links``, go)."""
    before = memory.outputs()
    folder = prefix + SEARCH_DIR + "/"
    shards = {rel: fp for rel, fp in before.items()
              if rel.startswith(folder) and rel.endswith(".json")}  # fmt: skip
    return None if memory.records_ahead() or not all(map(target.holds, shards)) else shards
