"""Build and check: the whole pipeline as one readable sequence.

Gather first, write last: settings, records and the catalogue are loaded and checked
in full, and every problem is reported together, before the first byte of output. Pages
are then rendered into a staging folder that replaces the output only when all is done.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from ..catalogue import Catalogue, build_catalogue
from ..errors import Problem, Problems
from ..load import find_records, read_record
from ..model import Film, film_from_record
from ..render import Page, extra_files, fill_cards, make_environment, plan_pages, render_page
from ..settings import Settings, load_settings
from ..theme import theme_dir
from ..write import (
    check_output_folder,
    check_output_paths,
    collect_static,
    copy_static,
    staged_output,
    write_file,
)
from .parallel import default_jobs, parallel_map

OUTPUT_DIR = "site"


@dataclass(frozen=True)
class Site:
    """A loaded, checked site, ready to render."""

    root: Path
    settings: Settings
    catalogue: Catalogue
    static: dict[str, Path]
    warnings: list[Problem]


@dataclass(frozen=True)
class BuildResult:
    films: int
    pages: int
    files: int
    warnings: list[Problem]
    seconds: float
    out: Path


def load_site(root: Path, drafts: bool = False, strict: bool = False, jobs: int = 1) -> Site:
    """Read and check everything; raise one FilmpageError holding every problem."""
    problems = Problems()
    settings = load_settings(root, problems)
    films = []
    for film, found in parallel_map(_load_film, find_records(root, problems), jobs, root):
        problems.extend(found)
        if film is not None:
            films.append(film)
    theme = theme_dir()
    static = collect_static([(theme / "static", theme), (root / "static", root)], problems)
    catalogue = build_catalogue(films, problems, frozenset(static), drafts)
    problems.raise_if_errors(strict)
    return Site(root, settings, catalogue, static, problems.warnings)


def _load_film(root: Path, file: str) -> tuple[Film | None, list[Problem]]:
    """One record file to a Film and its problems (runs in a worker process)."""
    problems = Problems()
    record = read_record(root, file, problems)
    film = film_from_record(record, problems) if record else None
    return film, problems.items


def template_dirs(root: Path) -> list[Path]:
    """The site's templates first, then the theme's (the same folder only once)."""
    dirs = [root / "templates", theme_dir() / "templates"]
    unique = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def build(
    root: Path,
    out: Path | None = None,
    drafts: bool = False,
    strict: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build the site under ``root`` into ``out`` (default ``root/site``), atomically.

    ``jobs`` processes share the per-film work (default: one per core); the output is
    the same for any number.
    """
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    out = out if out is not None else root / OUTPUT_DIR
    check_output_folder(out, root)
    site = load_site(root, drafts, strict, jobs)
    pages = plan_pages(site.catalogue)
    problems = Problems()
    env = make_environment(site.settings, template_dirs(root))
    fill_cards(env, site.catalogue.films)
    chunks = [
        range(i, min(i + PAGES_PER_TASK, len(pages))) for i in range(0, len(pages), PAGES_PER_TASK)
    ]
    extras = extra_files(site.settings)
    check_output_paths([*(p.path for p in pages), *extras], site.static, problems)
    problems.raise_if_errors()
    with staged_output(out) as staging:
        files = copy_static(staging, site.static)
        for rel, data in extras.items():
            write_file(staging, rel, data)
        files += len(extras)
        files += sum(parallel_map(_render_chunk, chunks, jobs, _RenderJob(env, pages, staging)))
    return BuildResult(
        len(site.catalogue.films),
        len(pages),
        files,
        site.warnings,
        time.perf_counter() - started,
        out,
    )


PAGES_PER_TASK = 16


@dataclass(frozen=True)
class _RenderJob:
    env: Environment
    pages: list[Page]
    staging: Path


def _render_chunk(job: _RenderJob, indices: range) -> int:
    """Render some pages and write them into the staging folder (runs in a worker)."""
    for i in indices:
        page = job.pages[i]
        write_file(job.staging, page.path, render_page(job.env, page))
    return len(indices)
