"""The check and plan stages: the settings, the static files and the catalogue checked,
then every page of the site planned.

The catalogue and the page plan are made from the films' outlines, the settings, the
static files' names and the options; when none of those changed since the last build
(the plan's key), the last plan is taken as it was, and a catalogue that gave no error
then can give none now. Either way, what changes with the films' details is made
afresh here from each film's parts: its print (what a page showing it depends on), its
row of the facet index, its figures, and from those the statistics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import __version__
from ..browse import FacetTables, facet_rows, facet_tables
from ..catalogue import Catalogue, PersonRole, Subject, build_catalogue, in_language
from ..codec import Codec
from ..derive import Derived, Figures, figures_of, figures_text
from ..errors import Problem, Problems
from ..filmdata import related_data
from ..formats import Words, site_words
from ..i18n import Language
from ..images import Media
from ..listings import additions, film_prints, replan
from ..localized import check_languages
from ..localtime import build_day
from ..model import RelatedTitle
from ..pages import Additions, Page, Pager, plan_languages
from ..programme import Screening, Season
from ..render import make_environment
from ..settings import Settings, load_settings
from ..sitecontent import Collection, Entry, SitePage
from ..stats import Average, Stats, catalogue_stats, with_figures
from ..store import LAYOUT, digest
from ..suggest import Suggestion
from ..templaterefs import References, template_references
from ..templating import template_sources
from ..theme import theme_dir
from ..whatson import Whatson, check_overlaps, read_whatson, resolve_films
from ..write import collect_static
from .memory import Memory
from .planrows import PlanFilm, PlanPage
from .records import Records
from .scan import template_dirs

PLAN = Codec([Stats, Subject, Average, FacetTables, Figures, RelatedTitle, Pager, PersonRole,
              Suggestion, Screening, Season, Collection, Entry, SitePage])  # fmt: skip
"""How the plan is kept in the store: its pages' contexts, its own facts (the
statistics' counts, the facet tables), films' figures and resolved related titles."""

STATS_PAGE = "stats/index.html"


@dataclass(frozen=True)
class Site:
    """The check stage's result: a site whose every input was checked."""

    settings: Settings
    static: dict[str, Path]
    templates: dict[str, str]  # every template's source, by name
    warnings: list[Problem]
    key: bytes  # what the catalogue and the plan are made from, hashed
    catalogue: Catalogue | None  # None: the last build's plan is this build's too
    whatson: Whatson = field(default_factory=Whatson)  # with the films this build shows
    today: dt.date = dt.date(1970, 1, 1)  # the day the build takes as today
    screened: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    # each screened film's title and runtime, by slug
    base: bytes = b""  # the key's part that is not what's on: the catalogue's
    replan: bool = False  # the last plan, with what's on planned again
    languages: tuple[tuple[Language, Words], ...] = ()  # the site's, its own first
    words: bytes = b""  # a hash of the languages' catalogues
    catalogue_warnings: tuple[Problem, ...] = ()  # the catalogue's (kept with the plan)
    references: References = field(default_factory=dict)  # what each template pulls in


def check_site(
    root: Path,
    records: Records,
    memory: Memory,
    drafts: bool,
    strict: bool,
    derived: Callable[[list[str]], Iterable[Derived]],
    overrides: Mapping[str, object] | None = None,
    today: dt.date | None = None,
) -> Site:
    """Check the settings (the file's, with ``overrides``), the static files, the
    templates, the records' problems and what's on (the programme, collections and
    pages), and the catalogue when the plan must be made again (``derived`` gives the
    records' derived parts); raise one FilmpageError holding every problem. ``today``
    decides which screenings are still to come."""
    today = today or build_day()
    problems = Problems()
    problems.extend(records.problems)
    before = len(problems.items)
    settings = load_settings(root, problems, overrides)
    # A settings file that cannot be read at all (its errors name no field) leaves the
    # defaults standing in: what is checked against the settings (what's on, the films'
    # languages) is not, as it would only echo that ("no venue 'main-hall'").
    settled = not any(p.severity == "error" and not p.field for p in problems.items[before:])
    languages, words = site_words(root, settings.codes, problems)
    theme = theme_dir()
    static = collect_static([(theme / "static", theme), (root / "static", root)], problems)
    env = make_environment(settings, template_dirs(root))
    templates = template_sources(env, problems)
    references = template_references(env, templates, memory.references(), problems)
    whatson = read_whatson(root, settings, problems) if settled else Whatson()
    day = today.isoformat().encode() if whatson.seasons else b""  # a programme's pages only
    base = _plan_key(settings, static, records, drafts, words, repr(whatson.menu).encode())
    key = digest(base + whatson.digest + day)
    stored = memory.plan()
    catalogue = None
    unread = {Path(f).stem: f for f, entry in records.entries.items() if not entry.key}
    if stored is None or (stored[0] != key and memory.fact("plan_base") != base.hex()):
        before = len(problems.items)
        catalogue, films = _catalogue(records, derived, static, drafts, problems, unread)
        shown = {**dict.fromkeys(catalogue.hidden, False), **dict.fromkeys(films, True)}
        if settled:
            check_languages(catalogue.films, settings.codes, problems)
        found = tuple(p for p in problems.items[before:] if p.severity == "warning")
    else:
        films = _stored_films(stored[1], derived, whatson)
        hidden = json.loads(memory.fact("draft_slugs") or "[]")  # as the catalogue left out
        shown = {**dict.fromkeys(hidden, False), **dict.fromkeys(films, True)}
        found = tuple(Problem(*p) for p in json.loads(memory.fact("catalogue_warnings") or "[]"))
        problems.extend(list(found))  # (the catalogue's, as the build that made it gave them)
    whatson = resolve_films(whatson, shown, problems, unread)
    screened = {s.film: films[s.film] for s in whatson.screenings()}
    check_overlaps(whatson, lambda slug: screened[slug][1], problems)
    problems.raise_if_errors(strict)
    replanned = catalogue is None and stored is not None and stored[0] != key
    return Site(settings, static, templates, problems.warnings, key, catalogue, whatson, today,
                screened, base, replanned, languages, words, found, references)  # fmt: skip


def _catalogue(
    records: Records, derived: Callable[[list[str]], Iterable[Derived]],
    static: dict[str, Path], drafts: bool, problems: Problems, unread: dict[str, str],
) -> tuple[Catalogue, dict[str, tuple[str, int | None]]]:  # fmt: skip
    """The catalogue made from the records' outlines, and each film's title and runtime
    (for what's on), by slug (``unread``: the records that did not load, by stem)."""
    outlines, runtimes = [], {}
    for found in derived([f for f, entry in records.entries.items() if entry.key]):
        outlines.append(found.outline)
        runtimes[found.outline.file] = found.figures.runtime
    catalogue = build_catalogue(outlines, problems, frozenset(static), drafts, unread)
    return catalogue, {f.slug: (f.title, runtimes.get(f.file)) for f in catalogue.films}


def _stored_films(
    films: list[PlanFilm], derived: Callable[[list[str]], Iterable[Derived]], whatson: Whatson
) -> dict[str, tuple[str, int | None]]:
    """The title and runtime of each film the programme names, by slug, when the plan is
    the last build's: the runtime as its record now says (this build's reading, else the
    store's: a build that failed may have read the record last, after the last plan's
    figures were kept)."""
    named = {s.film for s in whatson.screenings()}
    files = [f.file for f in films if f.slug in named]
    runtimes = {d.outline.file: d.figures.runtime for d in derived(files)} if files else {}
    return {f.slug: (f.title, runtimes.get(f.file)) for f in films}


def _plan_key(
    settings: Settings, static: dict, records: Records, drafts: bool, words: bytes,
    whatson: bytes,
) -> bytes:  # fmt: skip
    h = hashlib.blake2b(digest_size=16)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # the feed's date when no film has one
    h.update(f"{LAYOUT}|{drafts}|{epoch}|{settings!r}|{sorted(static)!r}|".encode() + words)
    h.update(whatson)
    for file, entry in records.entries.items():
        h.update(f"{file}\0".encode() + entry.key)
    return h.digest()


@dataclass
class Plan:
    """Every page of the site and every film it shows, with what each film's pages
    depend on (``prints``) and the files made from all films together."""

    key: bytes
    films: list[PlanFilm]  # published films, catalogue order
    pages: list[Page | PlanPage]  # Page objects when made by this build
    made: bool  # made by this build (else the last build's)
    facts: dict  # the plan's own facts: facet tables, statistics' counts, drafts left out
    parts: dict[str, tuple[bytes, str, str]]  # slug -> print, facet row, figures (as text)
    changed: set[str]  # slugs whose print changed since the last build
    related: dict[str, tuple]  # slug -> related titles resolved, when made by this build
    whatson: str = ""  # what what's on adds to each film page (film_prints), when planned

    @property
    def new(self) -> bool:
        """Whether this build planned any page (the plan is to be kept)."""
        return self.made or bool(self.whatson)


def plan_site(
    site: Site,
    records: Records,
    memory: Memory,
    media: Callable[[list[PlanFilm]], Media],
    derived: Callable[[list[str]], Iterable[Derived]],
) -> tuple[Plan, Media]:
    """The site's plan (made from the catalogue, or the last build's), its images, and
    each film's parts."""
    prints = ""
    if site.catalogue is not None:
        more = additions(site.whatson, site.today)
        films, pages, facts = _made_plan(site.catalogue, site.settings, site.languages, more)
        prints = film_prints(more)
    else:
        _, films, pages = memory.plan()  # type: ignore[misc]
        facts = PLAN.loads(memory.fact("plan_facts") or "{}")
        if site.replan:  # only what's on changed: its pages, and the pages that show it
            pages = memory.with_specs(pages, range(len(pages)))  # (the plan is kept anew)
            more = additions(site.whatson, site.today)
            pages = replan(pages, more, memory.fact("whatson_films"), PLAN.loads)
            prints = film_prints(more)
    made = site.catalogue is not None
    images = media(films)
    codes = site.settings.codes
    parts, changed = _film_parts(films, records, memory, images, facts["tables"], derived, made,
                                 codes)  # fmt: skip
    figures = [figures_of(parts[f.slug][2]) for f in films]
    stats = {code: with_figures(counts, figures) for code, counts in facts["counts"].items()}
    at = {language.prefix + STATS_PAGE: language.code for language, _ in site.languages}
    pages = [Page(p.path, "stats.html", {"stats": stats[at[p.path]], "lang": at[p.path]})
             if p.path in at else p for p in pages]  # fmt: skip
    related = {f.slug: f.related for f in site.catalogue.films} if site.catalogue else {}
    plan = Plan(site.key, films, pages, made, facts, parts, changed, related, prints)
    return plan, images


def _made_plan(
    catalogue: Catalogue,
    settings: Settings,
    languages: tuple[tuple[Language, Words], ...],
    more: Additions,
) -> tuple[list[PlanFilm], list[Page], dict]:
    """The plan's films, its pages in every language (with what's on, ``more``), and its
    facts: the facet tables, the statistics' counts in each language, and the order of
    the films in each language that lists them by other titles (as positions in the
    plan's films), with the titles it gives them (by slug)."""
    counts = {words.code: catalogue_stats(catalogue, words) for _, words in languages}
    shown = {words.code: in_language(catalogue, words.code) for _, words in languages}
    pages = plan_languages(shown, settings, counts, list(languages), more)
    films = [
        PlanFilm(f.slug, f.file, f.title, f.year, f.poster, related_data(f.related))
        for f in catalogue.films
    ]
    position = {f.slug: i for i, f in enumerate(catalogue.films)}
    orders, titles = {}, {}
    for code, listed in shown.items():
        if listed is not catalogue:
            orders[code] = [position[f.slug] for f in listed.films]
            titles[code] = {f.slug: t for f in catalogue.films for c, t in f.titles
                            if c == code and t}  # fmt: skip
    facts = {"tables": facet_tables(catalogue), "counts": counts, "drafts": catalogue.drafts,
             "orders": orders, "titles": titles}  # fmt: skip
    return films, pages, facts


def _film_parts(
    films: list[PlanFilm],
    records: Records,
    memory: Memory,
    media: Media,
    tables: FacetTables,
    derived: Callable[[list[str]], Iterable[Derived]],
    made: bool,
    codes: tuple[str, ...],
) -> tuple[dict[str, tuple[bytes, str, str]], set[str]]:
    """Each film's print, facet row and figures (as data), by slug; the last build's
    where its print is the same, and so are the facet tables and the languages its row
    was made with (:func:`parts_key`), else made now; and the slugs whose print changed."""
    before = memory.plan_films()
    prints = {f.slug: _print(f, records, media) for f in films}
    changed = {slug for slug, p in prints.items() if slug not in before or before[slug][0] != p}
    again = made and memory.fact("parts_key") != parts_key(tables, codes)  # (else the same)
    todo = [f for f in films if again or f.slug in changed]
    parts = {f.slug: before[f.slug] for f in films if f.slug in before}
    for film, found in zip(todo, derived([f.file for f in todo]), strict=True):
        outline = replace(found.outline, slug=film.slug)
        row = facet_rows(outline, found.figures, media.posters.get(film.slug), tables, codes)
        parts[film.slug] = (prints[film.slug], row, figures_text(found.figures))
    return parts, changed


def _print(film: PlanFilm, records: Records, media: Media) -> bytes:
    """What a page showing the film depends on: its record's bytes, what the catalogue
    gave it (slug, related titles), its images."""
    images = (media.posters.get(film.slug), media.share.get(film.slug))
    source = records.entries[film.file].digest
    return digest(source + f"{film.slug}|{film.related.hex()}|{images!r}".encode())


def parts_key(tables: FacetTables, codes: tuple[str, ...]) -> str:
    """What the films' facet rows are made with but the films themselves: a plan made
    again with the same (a film moved to a genre another film has) keeps the rows of the
    films whose print is the same."""
    return digest(PLAN.dumps([tables, list(codes)]).encode()).hex()


def plan_facts(plan: Plan, site: Site) -> dict[str, str]:
    """What a plan made by this build leaves the next: its facts, the key of what the
    films' facet rows were made with (:func:`parts_key`), the drafts the catalogue left
    out, and the warnings it gave (a build that keeps the plan gives them again)."""
    key = parts_key(plan.facts["tables"], site.settings.codes)
    hidden = sorted(site.catalogue.hidden) if site.catalogue else []
    warnings = [list(p.__dict__.values()) for p in site.catalogue_warnings]
    return {
        "plan_facts": PLAN.dumps(plan.facts),
        "parts_key": key,
        "draft_slugs": json.dumps(hidden),
        "catalogue_warnings": json.dumps(warnings, ensure_ascii=False),
    }


def common_fingerprint(
    settings: Settings, whatson: Whatson | None = None, words: bytes = b"",
    shared: tuple[str, ...] = (),
) -> bytes:  # fmt: skip
    """What every page's fingerprint starts with: the version, the settings, the
    navigation, the languages' catalogues (``words``: their hash) and the files every
    language links at the root (``shared``: a link to one of them is written otherwise)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    menu = whatson.menu if whatson else ()
    return digest(f"{__version__}|{settings!r}|{epoch}|{menu!r}|{shared!r}|".encode() + words)


@dataclass(frozen=True)
class Fingerprints:
    """What pages' fingerprints are made of, besides the pages: the templates' hashes,
    what every page has, and each film's print; and what each template pulls in."""

    templates: dict[str, bytes]
    common: bytes
    prints: dict[str, bytes]
    before: dict[str, bytes]  # the last build's fingerprints, where they can be trusted
    old_templates: dict[str, bytes]
    old_common: bytes = b""  # the last build's ``common``
    references: References = field(default_factory=dict)  # what each template pulls in
