"""Read and check a site as a build would, and write nothing: the ``check`` command, and
a site's films as its pages show them, for scripts, tests and ``new --screening``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..errors import Problems
from ..model import Film
from ..write import check_output_paths
from .extras import extra_names
from .media import plan_media
from .memory import Memory
from .parallel import Pool
from .plan import Site, check_site, plan_site
from .records import derived_of, load_records
from .scan import input_stamps


def load_site(
    root: Path,
    drafts: bool = False,
    strict: bool = False,
    jobs: int = 1,
    overrides: Mapping[str, object] | None = None,
) -> Site:
    """Read and check everything, as a build would, and write nothing: the records, the
    settings, the templates, what's on, the catalogue; the posters (read, their variants
    not made); the pages planned, and no static file where the build writes one. Raises
    one FilmpageError holding every problem."""
    memory = Memory()
    with Pool(jobs) as pool:
        records = load_records(root, input_stamps(root), memory, pool, lambda *_: None)
        derived = partial(derived_of, root, records, memory)
        site = check_site(root, records, memory, drafts, strict, derived, overrides)
        media = partial(plan_media, site.static, memory, pool, derived, variants=False)
        plan, images = plan_site(site, records, memory, media, derived)
    problems = Problems()
    paths = [*(p.path for p in plan.pages), *images.files, *extra_names(site)]
    check_output_paths(paths, site.static, problems)
    problems.raise_if_errors()
    return site


def read_films(root: Path, drafts: bool = False, jobs: int = 1) -> dict[str, Film]:
    """Every published film of a site (with ``drafts``, the drafts too), checked and as
    its pages show it (final slug, related titles resolved), by slug, in catalogue order.
    Raises one FilmpageError holding every problem."""
    memory = Memory()
    with Pool(jobs) as pool:
        records = load_records(root, input_stamps(root), memory, pool, lambda *_: None)
        derived = partial(derived_of, root, records, memory)
        site = check_site(root, records, memory, drafts, False, derived)
    assert site.catalogue is not None  # nothing remembered: the catalogue is made
    return {
        f.slug: replace(records.films[f.file], slug=f.slug, related=f.related)
        for f in site.catalogue.films
    }
