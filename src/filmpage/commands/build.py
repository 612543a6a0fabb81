"""Build and check: the whole pipeline as one readable sequence of stages.

    inputs -> load -> check -> plan -> render -> write -> remember

Gather first, write last: the records, the settings and the catalogue are checked in
full, and every problem is reported together, before an output file is touched. A build
with nothing to go on (an empty store, ``--clean``) and one after a single edit run the
same stages: each takes from the build store what did not change (a record read before,
the last page plan) and makes the rest. ``docs/architecture.md`` tells the stages, the
data that passes between them and the rules their order keeps.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from jinja2 import Environment

from ..errors import Problem
from ..images import Media, share_card
from ..localtime import build_day
from ..render import make_environments, shared_files, show_films, show_whatson
from ..store import open_store, retried, saving
from ..sweep import sweep
from ..templaterefs import source_key, template_hashes
from ..write import Target, check_output_folder, finish_update, is_complete, staged
from .calendars import start_calendars
from .compiled import code_caches, user_key
from .extras import extra_outputs
from .media import make_cards, plan_media, prune_images
from .memory import Learned, Memory
from .output import Made, make_output, templates_fact
from .output import templates_of as stored_templates
from .parallel import Pool, collect_new_objects, collector_paused, default_jobs
from .plan import Fingerprints, Plan, Site, check_site, common_fingerprint, plan_facts, plan_site
from .records import Localized, Records, Shelf, derived_of, load_records
from .scan import input_stamps, template_dirs

OUTPUT_DIR = "site"

Progress = Callable[[str, int, int], None]
"""Told ``(stage, done, total)`` as a build goes: "loading" and "rendering"."""


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class BuildResult:
    films: int
    pages: int
    files: int  # files written
    warnings: list[Problem]
    seconds: float
    out: Path
    rendered: int = 0
    reused: int = 0
    removed: int = 0
    drafts: int = 0  # films left out as drafts
    paths_written: tuple[str, ...] = ()  # the output's files written, and those removed,
    # in the order the build came to them
    paths_removed: tuple[str, ...] = ()


def build(
    root: Path,
    out: Path | None = None,
    drafts: bool = False,
    strict: bool = False,
    jobs: int | None = None,
    clean: bool = False,
    progress: Progress = _quiet,
    memory: Memory | None = None,
    overrides: Mapping[str, object] | None = None,
    today: dt.date | None = None,
) -> BuildResult:
    """Build the site under ``root`` into ``out`` (default ``root/site``), atomically.

    ``jobs`` processes share the per-film work (default: one per core); only what changed
    since the last build is made again (``clean`` forgets the last build); the output is
    the same bytes either way. ``memory`` is the last build's state held by a caller that
    builds again and again (the preview server); by default it is read from the store.
    ``overrides`` win over the settings of ``filmpage.yml`` (``base_url``,
    ``relative_links``); ``today`` (default: the current date) decides which screenings
    are still to come.
    """
    settings = (drafts, strict, jobs, progress, overrides, today)
    memory = memory if memory is not None else Memory()
    run = lambda fresh: _build(root, out, fresh, memory, *settings)  # noqa: E731
    return retried(run, clean, out or root / OUTPUT_DIR, root)


def _build(
    root: Path,
    out: Path | None,
    clean: bool,
    memory: Memory,
    drafts: bool,
    strict: bool,
    jobs: int | None,
    progress: Progress,
    overrides: Mapping[str, object] | None,
    today: dt.date | None,
) -> BuildResult:
    """The build's stages, in order."""
    today = today or build_day()
    started = time.perf_counter()
    out = out if out is not None else root / OUTPUT_DIR
    check_output_folder(out, root)
    if clean:  # (the caller's memory too: a preview server's, that builds again)
        memory.forget()
    overrides = dict(overrides or {})
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    options = f"{drafts}|{strict}|{out.absolute()}|{epoch}|{sorted(overrides.items())!r}|{today}"
    with collector_paused(), open_store(out, root, clean, user_key()) as store:
        memory.attach(store)
        memory.stamped_ns, stamps = time.time_ns(), input_stamps(root)
        if _nothing_changed(memory, stamps, options, out):
            return _unchanged(memory, out, started)
        jobs = jobs or default_jobs()
        with staged(out) as target, Pool(jobs - 1, now=True) as helpers:
            swept = _sweep(memory, target, helpers)
            with Pool(jobs) as pool:
                records = load_records(root, stamps, memory, pool, partial(progress, "loading"))
            swept()
            cards = _draw_cards(records, drafts, target, helpers)
            derived = partial(derived_of, root, records, memory)
            site = check_site(root, records, memory, drafts, strict, derived, overrides, today)
            calendars = start_calendars(site, memory, target, helpers)
            media = partial(plan_media, site.static, memory, helpers, derived)
            plan, images = plan_site(site, records, memory, media, derived)
            envs = _renderer(root, site, plan, images, records, memory)
            words = lambda files, code: [d.words_in(code) for d in derived(files)]  # noqa: E731
            extras = extra_outputs(plan, site, records, memory, target, words, calendars)
            records.let_go()
            prints = _fingerprints(plan, site, memory, target)
            collect_new_objects()
            made = make_output(plan, site, images, extras, memory, envs, prints, target,
                               jobs, partial(progress, "rendering"), cards.paths)  # fmt: skip
            cards.wait()
        with saving(out, root):
            _remember(memory, stamps, records, plan, made, site, prints, options, extras.facts)
            prune_images(store, set(images.files.values())) if images.posters else None
        finish_update(out)
    return _result(plan, made, site, target, out, started)


def _nothing_changed(memory: Memory, stamps: dict, options: str, out: Path) -> bool:
    """Whether no input changed since the last build, as far as sizes and times can tell
    (and they can tell only of files older than the last build: :meth:`Memory.trusted`)."""
    return (
        memory.summary() is not None
        and memory.fact("options") == options
        and memory.inputs() == stamps
        and all(memory.trusted(stamp) for stamp in stamps.values())
        and is_complete(out)
    )


def _unchanged(memory: Memory, out: Path, started: float) -> BuildResult:
    done = memory.summary()
    assert done is not None
    seconds = time.perf_counter() - started
    return BuildResult(done.films, done.pages, 0, done.warnings, seconds, out,
                       reused=done.pages, drafts=done.drafts)  # fmt: skip


def _sweep(memory: Memory, target: Target, helpers: Pool) -> Callable[[], None]:
    """Start a helper sweeping the output (:func:`sweep.sweep`: files deleted by hand are
    made again, files put there by hand go) while this process reads the records, unless
    a sweep since the last build knows (:meth:`Memory.sweep`); the function returned
    hands the answer to the target."""
    swept, memory.gone = memory.gone, None
    memory.swept_ns = swept[3] if swept and swept[0] == str(target.out.absolute()) else 0
    if memory.swept_ns:
        return lambda: target.settle(memory.outputs(), *swept[1:3])
    if target.whole:
        return lambda: None
    memory.swept_ns = time.time_ns()
    wait = helpers.call(sweep, str(target.out), list(memory.outputs()), memory.since())
    return lambda: target.settle(memory.outputs(), *wait())


@dataclass(frozen=True)
class _Cards:
    paths: set[str]
    wait: Callable[[], None]


def _draw_cards(records: Records, drafts: bool, target: Target, helpers: Pool) -> _Cards:
    """Start drawing the share cards of the films just read, in the helpers' processes
    (forked when the build began, while this one was small), while this one checks and
    plans (the cards are named by what they show, so the catalogue need not be made
    first). Any other card a page needs is drawn later."""
    cards = {}
    for file in records.films:
        film = records.derived[file].outline
        if film.poster or (film.draft and not drafts):
            continue
        card = share_card(film.title, film.year)
        if not target.holds(card.path):
            cards[card.path] = card
    wait = helpers.start(make_cards, sorted(cards.values()), target.staging)
    target.written.extend(sorted(cards))
    return _Cards(set(cards), wait)


@dataclass(frozen=True)
class _Renderer:
    """What rendering made that the next build may use again: the Jinja environment of
    each language (its templates compiled, its cards rendered) and the films it resolved."""

    key: tuple  # the settings, the catalogues and the templates' sources it was made for
    media: Media
    envs: dict[str, Environment]  # by language


def _renderer(
    root: Path, site: Site, plan: Plan, images: Media, records: Records, memory: Memory
) -> dict[str, Environment]:
    """The Jinja environment of each of the site's languages, by code, its films on a
    shelf (each language's as it shows them): the last build's, kept in memory (by the
    preview server), when the settings, the catalogues, the templates, the images and the
    plan are the same, its cards and films of films whose print changed dropped; else
    new ones. They are kept for the next build by :func:`_remember`."""
    shared = _shared(site)
    key = (repr(site.settings), site.words, tuple(sorted(site.templates.items())), shared)
    old: _Renderer | None = memory.renderer
    shelf = Shelf(root, plan.films, records, memory, plan.related)
    kept: dict[str, dict] = {}  # each language's films the last build resolved
    if old is not None and old.key == key and old.media == images and not plan.made:
        envs = old.envs
        for code, env in envs.items():
            films = env.globals["cards"].films
            made = films.resolved()  # (not the unmade: they hold the last build's shelf)
            kept[code] = {slug: f for slug, f in made.items() if slug not in plan.changed}
            shelf.update((s, f) for s, f in films.shelf.items() if s not in plan.changed)
            for pieces in (env.globals["cards"], env.globals["small_posters"]):
                for slug in plan.changed & pieces.keys():
                    del pieces[slug]
    else:
        files = shared_files(shared, images)  # (links to them differ by language only
        # in a site of several: in one, a title's edit need not compile everything again)
        linked = sorted(files) if len(site.languages) > 1 else []
        made_with = repr((site.settings, linked)).encode() + site.words
        caches = code_caches(memory, site.settings.codes, made_with)
        envs = make_environments(site.settings, template_dirs(root), images, site.languages,
                                 files, caches)  # fmt: skip
    titles = plan.facts.get("titles", {})
    for language, words in site.languages:  # each language its films, as it shows them
        films = Localized(shelf, words, titles.get(language.code, {}))
        films.update(kept.get(language.code, {}))
        show_films(envs[language.code], films)
        show_whatson(envs[language.code], site.whatson)
    memory.renderer_next = _Renderer(key, images, envs)
    return envs


def _shared(site: Site, screenings: bool = True) -> tuple[str, ...]:
    """The files every language's pages link at the site's root (static files, calendars);
    a site in one language links everything from its root alike, so it has none. Without
    ``screenings``, not each screening's own calendar: only the pages that show the
    screening link it, and they are made again when it changes."""
    if len(site.settings.codes) < 2:
        return ()
    calendars = site.whatson.calendar_paths()
    if not screenings:
        calendars = [path for path in calendars if path.count("/") < 2]
    return (*sorted(site.static), *calendars)


def _fingerprints(plan: Plan, site: Site, memory: Memory, target: Target) -> Fingerprints:
    trusted = not target.whole and bool(memory.outputs())
    return Fingerprints(
        templates=template_hashes(site.templates, site.references),
        references=site.references,
        common=common_fingerprint(site.settings, site.whatson, site.words, _shared(site, False)),
        prints={slug: parts[0] for slug, parts in plan.parts.items()},
        before=memory.outputs() if trusted else {},
        old_templates=stored_templates(memory.fact("templates")),
        old_common=bytes.fromhex(memory.fact("common") or ""),
    )


def _remember(
    memory: Memory,
    stamps: dict,
    records: Records,
    plan: Plan,
    made: Made,
    site: Site,
    prints: Fingerprints,
    options: str,
    more_facts: dict[str, str],
) -> None:
    summary = [len(plan.films), len(plan.pages), plan.facts["drafts"],
               [list(p.__dict__.values()) for p in site.warnings]]  # fmt: skip
    facts = {
        "plan": plan.key.hex(),
        "templates": templates_fact(prints.templates),
        "common": prints.common.hex(),
        "references": json.dumps(
            {source_key(site.templates[n]): sorted(r) for n, r in prints.references.items()},
            sort_keys=True,
        ),
        "options": options,
        "summary": json.dumps(summary, ensure_ascii=False),
        **more_facts,
    }
    if plan.made:
        facts.update(plan_facts(plan, site))
    if plan.new:
        facts.update(plan_base=site.base.hex(), whatson_films=plan.whatson)
    memory.films.update(records.films)
    memory.renderer = memory.renderer_next
    memory.remember(
        Learned(
            inputs=stamps,
            entries=records.entries,
            read=records.read,
            plan=plan.films if plan.new else None,
            pages=made.pages if plan.new else None,
            films=plan.parts,
            words=records.words,
            outputs=made.outputs,
            facts=facts,
            compiled=made.compiled,
            pieces=made.pieces,
        )
    )


def _result(
    plan: Plan, made: Made, site: Site, target: Target, out: Path, started: float
) -> BuildResult:
    seconds, pages = time.perf_counter() - started, len(plan.pages)
    return BuildResult(len(plan.films), pages, len(target.written), site.warnings, seconds, out,
                       rendered=made.rendered, reused=pages - made.rendered,
                       removed=made.removed, drafts=plan.facts["drafts"],
                       paths_written=tuple(target.written),
                       paths_removed=tuple(target.removed))  # fmt: skip
