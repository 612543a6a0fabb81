"""The render stage: every output file whose fingerprint changed, made into the target.

A page's fingerprint is the hash of its template (and every template that one pulls
in), what every page has (version, settings), its context as data, and the prints of
the films it names. When the plan is made again, every page's fingerprint is made
(here, when the last build's are known and what every page has is the same, and the
render workers forked for the pages whose fingerprint differs; else by the workers, as
they render every page); when the plan is the last build's (what's on planned again,
perhaps), only the pages that name a film whose print changed, whose template changed,
or that this build made are looked at. Files that are not pages (indexes, static files,
images) go by the hash of their bytes or source.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

import jinja2

from ..codec import FilmRef
from ..errors import Problems
from ..images import Media
from ..pages import Page
from ..render import render_page
from ..store import Damaged, Store, digest
from ..sweep import elsewhere
from ..write import Target, check_output_paths, copy_file, same_bytes, same_copy, write_file
from .compiled import compiled_now, user_key
from .extras import Extras
from .media import make_cards, stored_image
from .memory import Memory
from .parallel import parallel_results
from .pieces import before_forking, fresh_pieces
from .plan import PLAN, Fingerprints, Plan, Site
from .planrows import PlanPage, page_key, spec_hash

PAGES_PER_TASK = 16


@dataclass(frozen=True)
class Made:
    """What the render stage made: every output file's fingerprint, each page as data
    (for the plan to keep), and how many pages were rendered."""

    outputs: dict[str, bytes]
    pages: list[PlanPage]
    rendered: int
    removed: int  # pages removed (files, when the last build's pages are not known)
    compiled: dict[str, tuple[bytes, bytes]] | None  # templates' code to keep, when new
    pieces: list[tuple]  # the cards and small posters rendered, to keep


def make_output(
    plan: Plan,
    site: Site,
    media: Media,
    extras: Extras,
    memory: Memory,
    envs: dict[str, jinja2.Environment],
    prints: Fingerprints,
    target: Target,
    jobs: int,
    progress: Callable[[int, int], None],
    made_early: set[str],
) -> Made:
    """Render the pages and write the other files that changed into ``target``."""
    problems = Problems()
    check_output_paths(
        [*(p.path for p in plan.pages), *extras.made, *extras.kept, *media.files],
        site.static,
        problems,
        target.out,
    )
    problems.raise_if_errors()
    stamps = {rel: _stamp(source) for rel, source in site.static.items()}
    racy = _racy(stamps, memory)
    files = _file_fingerprints(extras, site.static, stamps, media, racy)
    todo = _candidates(plan, prints, target, memory)
    secret = user_key()  # (what is kept of the pieces this build renders is signed with it)
    last = memory.plan()  # the last build's plan
    kept = last[2] if plan.new and last else []  # (its pages, for a plan made again)
    job = _Job(envs, memory.with_specs(plan.pages, todo), target, prints, kept)
    job, settled, todo = _settled(job, todo, plan.new)
    before_forking(envs, plan, todo, prints, jobs, memory, secret)
    todo = _in_render_order(plan, todo)
    chunks = [todo[i : i + PAGES_PER_TASK] for i in range(0, len(todo), PAGES_PER_TASK)]
    outputs = dict(prints.before)
    pages = [p if isinstance(p, PlanPage) else None for p in plan.pages]
    with parallel_results(
        _render_chunk, chunks, jobs, job,
        lambda n: progress(min(n * PAGES_PER_TASK, len(todo)), len(todo)),
    ) as rendered:  # fmt: skip
        # While the workers render: the files that are not pages.
        _put_files(files, extras.made, site.static, media, memory.store, target, prints.before,
                   made_early, racy)  # fmt: skip
        count = 0
        for done in chain([settled], rendered):
            for index, page, fingerprint, wrote in done:
                pages[index] = page
                outputs[page.path] = fingerprint
                count += wrote is not None
                if wrote:
                    target.written.append(page.path)
    planned = {p.path for p in plan.pages} | files.keys()
    outputs = {rel: fp for rel, fp in {**outputs, **files}.items() if rel in planned}
    known = prints.before.keys() | set(target.strays) if prints.before else _output_files(target)
    gone = known - outputs.keys()
    target.removed.extend(sorted(gone))
    removed = len(gone & {p.path for p in last[2]}) if last and prints.before else len(gone)
    compiled = compiled_now([env.bytecode_cache for env in envs.values()])
    pieces = fresh_pieces(envs, prints, secret)
    return Made(dict(sorted(outputs.items())), pages, count, removed, compiled, pieces)  # type: ignore[arg-type]


def _in_render_order(plan: Plan, todo: list[int]) -> list[int]:
    """The pages to render, the films' own pages (and their aliases) planned by this
    build last, in the order of their record files: the order their films were read in,
    and so lie in this process's memory. A worker forked to render a run of them touches
    (and so copies) the part of the memory those films are in, not a little of every
    part. (A kept plan's pages stay in its order: the workers read their films from the
    store.)"""
    files = {f.slug: f.file for f in plan.films}

    def place(index: int) -> str:
        page = plan.pages[index]
        film = page.context.get("film") if isinstance(page, Page) else None
        return files.get(film.slug, "") if isinstance(film, FilmRef) else ""

    return sorted(todo, key=lambda index: (place(index), index))


def _candidates(plan: Plan, prints: Fingerprints, target: Target, memory: Memory) -> list[int]:
    """The pages whose fingerprint may have changed: all of them when the plan is new or
    nothing is known of the output or what every page has changed; else those made by
    this build (the statistics), that name a film whose print changed, whose template
    changed, or that are missing. Which pages name those films, the store says for a
    plan that is the last build's page for page; one with what's on planned again, each
    page (its films read with its context)."""
    if plan.made or not prints.before or prints.common != prints.old_common:
        return list(range(len(plan.pages)))
    changed, old, now = plan.changed, prints.old_templates, prints.templates
    showing = memory.showing(changed) if not plan.new else {
        i for i, page in enumerate(plan.pages)
        if isinstance(page, PlanPage) and not changed.isdisjoint(page.shows or ())
    }  # fmt: skip
    return [
        i
        for i, page in enumerate(plan.pages)
        if isinstance(page, Page)
        or i in showing
        or old.get(page.template) != now.get(page.template)
        or not target.holds(page.path)
    ]


def templates_of(text: str | None) -> dict[str, bytes]:
    """The templates' hashes, from the fact :func:`templates_fact` made of them."""
    if not text:
        return {}
    return {name: bytes.fromhex(h) for name, h in (p.split("=") for p in text.split(","))}


def templates_fact(templates: dict[str, bytes]) -> str:
    return ",".join(f"{name}={h.hex()}" for name, h in sorted(templates.items()))


@dataclass(frozen=True)
class _Job:
    envs: dict[str, jinja2.Environment]  # by language
    pages: list
    target: Target
    prints: Fingerprints
    last: list[PlanPage]  # the last build's plan, when this one planned pages
    looked: dict[int, tuple[PlanPage, bytes]] = field(default_factory=dict)
    # the row and fingerprint of each page to render, when worked out before the fork


def _settled(job: _Job, todo: list[int], new_plan: bool) -> tuple[_Job, list[tuple], list[int]]:
    """After a plan made again (every page a candidate, few of them changed), when the
    last build's fingerprints are known and what every page has is the same: the pages
    whose fingerprint is the last build's (as :func:`_render_chunk` gives them) and the
    others, with the job holding the row and fingerprint of each of those; worked out
    here, so that workers are forked for the pages that changed only. (A first build
    renders every page, as does a change of what every page has: the workers
    fingerprint them.)"""
    prints = job.prints
    if not (new_plan and prints.before and prints.common == prints.old_common):
        return job, [], todo
    settled, changed, looked = [], [], {}
    for index in todo:
        row, fingerprint = _fingerprint(job, index)
        if _unchanged(job, row.path, fingerprint):
            settled.append((index, row, fingerprint, None))
        else:
            changed.append(index)
            looked[index] = (row, fingerprint)
    return replace(job, looked=looked), settled, changed


def _fingerprint(job: _Job, index: int) -> tuple[PlanPage, bytes]:
    """A page's row (the last plan's, when it is the same: the store has it, and it is
    not written again) and its fingerprint."""
    page = job.pages[index]
    if isinstance(page, Page):
        spec, shows = PLAN.dumps_shown(page.context)
        row = PlanPage(page.path, page.template, spec_hash(shows, spec), shows, spec)
    else:
        row = page
    prints = job.prints
    fingerprint = digest(
        prints.templates.get(row.template, b"?") + prints.common + row.spec_hash
        + b"".join(prints.prints[slug] for slug in row.shows)
    )  # fmt: skip
    if index < len(job.last) and page_key(job.last[index]) == page_key(row):
        row = job.last[index]
    return row, fingerprint


def _unchanged(job: _Job, path: str, fingerprint: bytes) -> bool:
    return job.prints.before.get(path) == fingerprint and job.target.holds(path)


def _render_chunk(job: _Job, indices: list[int]) -> list[tuple[int, PlanPage, bytes, bool | None]]:
    """Fingerprint some pages, and render those that changed and write those whose bytes
    changed (in a worker): for each, whether it was written (None: not even rendered)."""
    done = []
    out, staging, whole = job.target.out, job.target.staging, job.target.whole
    for index in indices:
        row, fingerprint = job.looked.get(index) or _fingerprint(job, index)
        if _unchanged(job, row.path, fingerprint):
            done.append((index, row, fingerprint, None))
            continue
        page = job.pages[index]
        if isinstance(page, PlanPage):
            page = Page(page.path, page.template, PLAN.loads(page.spec))  # type: ignore[arg-type]
        data = render_page(job.envs[page.context["lang"]], page)
        wrote = whole or not job.target.holds(row.path) or not same_bytes(out, row.path, data)
        if wrote:
            write_file(staging, row.path, data)
        done.append((index, row, fingerprint, wrote))
    return done


def _racy(stamps: dict[str, tuple[int, int]], memory: Memory) -> set[str]:
    """The static files changed too close to the last build for their size and time to
    tell whether they changed since (none in a first build)."""
    if not memory.written_ns:
        return set()
    return {rel for rel, stamp in stamps.items() if not memory.trusted(stamp)}


def _stamp(source: Path) -> tuple[int, int]:
    st = source.stat()
    return st.st_size, st.st_mtime_ns


def _file_fingerprints(
    extras: Extras,
    static: dict[str, Path],
    stamps: dict[str, tuple[int, int]],
    media: Media,
    racy: set[str],
) -> dict[str, bytes]:
    """A fingerprint for every output file that is not a page: by its bytes (generated
    files; static files changed too close to the last build for their size and time to
    tell, ``racy``: none in a first build), its source's size and time (other static
    files: ``stamps``), its name (images: named by the hash of what they are made from)."""
    found = {rel: digest(data) for rel, data in extras.made.items()}
    found.update(extras.kept)
    for rel, source in static.items():
        if rel in racy:
            found[rel] = digest(b"bytes|" + source.read_bytes())
            continue
        size, mtime = stamps[rel]
        found[rel] = digest(f"{source}|{size}|{mtime}".encode())
    for rel, name in media.files.items():
        found[rel] = digest(name.encode())
    return found


def _put_files(
    files: dict[str, bytes],
    extras: dict[str, bytes],
    static: dict[str, Path],
    media: Media,
    store: Store | None,
    target: Target,
    before: dict[str, bytes],
    made_early: set[str],
    racy: set[str],
) -> None:
    """Write the files that are not pages and changed into the target (a static file of
    ``racy`` unless its copy there has its bytes, not only its size and time)."""
    out, staging = target.out, target.staging
    cards = []
    for rel, fingerprint in files.items():
        if rel in made_early:
            continue
        if before.get(rel) == fingerprint and target.holds(rel):
            continue
        if rel in media.cards:  # named by what it shows: the same name, the same card
            if not target.holds(rel):
                cards.append(media.cards[rel])
            continue
        if rel in extras:
            if target.holds(rel) and same_bytes(out, rel, extras[rel]):  # (not through a link)
                continue
            write_file(staging, rel, extras[rel])
        elif rel in static:
            if target.holds(rel) and same_copy(out, rel, static[rel], rel in racy):
                continue
            copy_file(static[rel], staging, rel)
        elif rel in media.files:
            data = stored_image(store, media.files[rel])
            if data is None:  # (gone, or not what its keyed hash says: made again)
                raise Damaged(f"the poster variant {media.files[rel]} in the store")
            write_file(staging, rel, data)
        else:  # kept as the last build wrote it (a file of the search index)
            continue
        target.written.append(rel)
    if cards:
        make_cards(staging, cards)
        target.written.extend(card.path for card in cards)


def _output_files(target: Target) -> set[str]:
    """Every file of a finished output, by path, but those filmpage keeps there (its
    marker, ``.nojekyll``, the journal): when the last build's outputs are not known."""
    if target.whole:
        return set()
    found: list[str] = []

    device = os.lstat(target.out).st_dev

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.is_dir(follow_symlinks=False):
                    if prefix or not entry.name.startswith("."):
                        found.append(prefix + entry.name)
                elif not elsewhere(entry.stat(follow_symlinks=False), device):  # (a mount,
                    walk(entry.path, f"{prefix}{entry.name}/")  # a junction: left alone)

    walk(str(target.out), "")
    return set(found)
