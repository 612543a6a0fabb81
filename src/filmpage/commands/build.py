"""Build and check: the whole pipeline as one readable sequence.

Gather first, write last: settings, records and the catalogue are loaded and checked
in full, and every problem is reported together, before the first byte of output.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from ..catalogue import Catalogue, build_catalogue
from ..errors import Problem, Problems
from ..load import find_records, read_record
from ..model import film_from_record
from ..render import make_environment, plan_pages, render_pages
from ..settings import Settings, load_settings
from ..theme import theme_dir
from ..write import check_output_folder, check_output_paths, collect_static, write_site

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


def load_site(root: Path, drafts: bool = False, strict: bool = False) -> Site:
    """Read and check everything; raise one FilmpageError holding every problem."""
    problems = Problems()
    settings = load_settings(root, problems)
    films = []
    for file in find_records(root, problems):
        record = read_record(root, file, problems)
        film = film_from_record(record, problems) if record else None
        if film is not None:
            films.append(film)
    theme = theme_dir()
    static = collect_static([(theme / "static", theme), (root / "static", root)], problems)
    catalogue = build_catalogue(films, problems, frozenset(static), drafts)
    problems.raise_if_errors(strict)
    return Site(root, settings, catalogue, static, problems.warnings)


def template_dirs(root: Path) -> list[Path]:
    """The site's templates first, then the theme's (the same folder only once)."""
    dirs = [root / "templates", theme_dir() / "templates"]
    unique = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def build(
    root: Path, out: Path | None = None, drafts: bool = False, strict: bool = False
) -> BuildResult:
    """Build the site under ``root`` into ``out`` (default ``root/site``), atomically."""
    started = time.perf_counter()
    out = out if out is not None else root / OUTPUT_DIR
    check_output_folder(out, root)
    site = load_site(root, drafts, strict)
    pages = plan_pages(site.catalogue)
    problems = Problems()
    check_output_paths((p.path for p in pages), site.static, problems)
    problems.raise_if_errors()
    env = make_environment(site.settings, template_dirs(root))
    rendered = list(render_pages(env, pages))  # render all before touching the output
    files = write_site(out, rendered, site.static)
    return BuildResult(
        len(site.catalogue.films),
        len(pages),
        files,
        site.warnings,
        time.perf_counter() - started,
        out,
    )
