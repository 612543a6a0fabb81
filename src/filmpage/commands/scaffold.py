"""Create things: a new film record (``filmpage new``) and a new site (``filmpage init``).

A new record carries its slug, so that a film added later with the same title never
moves its URL. A new site's ``requirements.txt`` names the filmpage that made it (a
release, the git commit or the wheel it was installed from), which its GitHub Pages
workflow installs.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import __version__
from ..errors import FilmpageError
from ..load import FILMS_DIR
from ..model import YEAR_RANGE, Film
from ..settings import SETTINGS_FILE
from ..slugs import is_slug, slugify

RECORD_TEMPLATE = """\
---
title: {title}
year: {year}
slug: {slug}
# original_title:
# runtime: 90
# genres: [Drama]
# countries: []
# languages: []
# content_rating: NR
# credits:
#   directors: []
#   cast:
#     - {{name: , character: }}
# critics: {{reviews_counted: , fresh: , rotten: , average_rating: }}
# related: []
draft: true
---
Write the plot summary here, in Markdown.
"""

SETTINGS_TEMPLATE = """\
title: {title}
description: A film catalogue built with filmpage.
# The address the site will have, e.g. https://USER.github.io/REPO/: links, the feed,
# the sitemap and share links need it. The GitHub Pages workflow gives it to the build.
base_url: /
language: en
# languages: [en, fr]   every page again in each further language, under /fr/
related_heading: Viewers Also Bought
"""

EXAMPLE_FILM = """\
---
title: Example Film
year: 2024
runtime: 95
genres: [Drama]
credits:
  directors: [A. Director]
  cast:
    - {name: A. Performer, character: The Lead}
critics: {reviews_counted: 10, fresh: 8, rotten: 2, average_rating: 7.1}
---
The plot of the example film. Replace this record with your own films.
"""


WORKFLOW_PATH = Path(".github") / "workflows" / "pages.yml"
WORKFLOW = """\
# Build the site with filmpage and publish it with GitHub Pages on every push to the
# default branch. In the repository's settings, under Pages, choose "GitHub Actions".
# The site's address comes from GitHub (actions/configure-pages), so the links, the feed
# and the sitemap are right for a project site (USER.github.io/REPO/) or a custom domain.
name: Publish to GitHub Pages

on:
  push:
    branches: [main, master]
  workflow_dispatch:
  # A site with a programme of screenings: rebuild every morning too, so that screenings
  # past move to the past list (take out the two '#' below).
  #schedule:
  #  - cron: "17 4 * * *"

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - id: pages
        uses: actions/configure-pages@v5
      - name: Install filmpage (the one requirements.txt names)
        run: python -m pip install -r requirements.txt
      - name: Build the site
        env:
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: filmpage build --strict --base-url "$BASE_URL/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""
WHEELS_DIR = "wheels"


def quote_yaml(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def new_film(
    root: Path, title: str, year: int, slug: str | None = None, films: Iterable[Film] = ()
) -> Path:
    """Write ``content/films/<slug>.md`` from the record template, the slug written in it;
    never overwrite. ``films`` are the catalogue's: a film of the same title and year is
    there already; a slug made from the title that one of them uses (or had) gets the
    year, and one given is refused."""
    if not title.strip():
        raise FilmpageError("the title is empty; give the film's title")
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise FilmpageError(f"--year {year}: out of range; expected {low} to {high}")
    if slug is not None and not is_slug(slug):
        raise FilmpageError(
            f"--slug {slug!r}: expected lowercase ASCII letters, digits and single "
            f"hyphens, like {slugify(slug) or 'last-train-home'!r}"
        )
    taken = {}
    for film in films:
        if film.title.casefold() == title.strip().casefold() and film.year == year:
            raise FilmpageError(f"{film.file}: already holds {film.title} ({year})")
        taken.update(dict.fromkeys((film.slug, *film.aliases), film.file))
    if slug is not None:
        if slug in taken:
            raise FilmpageError(f"--slug {slug!r}: already used by {taken[slug]}")
    else:
        slug = _free_slug(title, year, taken)
    path = root / FILMS_DIR / f"{slug}.md"
    if path.exists():
        raise FilmpageError(f"{path.relative_to(root)}: already exists; not overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        RECORD_TEMPLATE.format(title=quote_yaml(title.strip()), year=year, slug=slug),
        encoding="utf-8",
    )
    return path


def catalogue_films(root: Path) -> tuple[Film, ...]:
    """The catalogue's films, drafts too; none when it does not load (its errors are the
    build's to report)."""
    from .checking import load_site

    try:
        return load_site(root, drafts=True).catalogue.films
    except FilmpageError:
        return ()


def _free_slug(title: str, year: int, taken: dict[str, str]) -> str:
    """The slug made from ``title``, with the year when another film has that one."""
    base = slugify(title)
    if not base:
        raise FilmpageError(
            f"cannot make a URL slug from the title {title!r} (no letters or digits); pass --slug"
        )
    for slug in (base, f"{base}-{year}"):
        if slug not in taken:
            return slug
    raise FilmpageError(
        f"the slugs '{base}' and '{base}-{year}' are used by {taken[base]} and "
        f"{taken[base + '-' + str(year)]}; pass --slug"
    )


@dataclass(frozen=True)
class Origin:
    """Where the running filmpage was installed from, as a requirement a new site's
    workflow installs the same filmpage with; ``wheel``: a local file to copy into the
    site; ``note``: why GitHub may not reach it."""

    requirement: str
    wheel: Path | None = None
    note: str = ""


def installed_from() -> Origin:
    """This filmpage's origin, from what pip recorded when it installed it (PEP 610's
    ``direct_url.json``): a release of the package index (nothing recorded), a git
    commit, a wheel or sdist file or URL, or a local folder."""
    try:
        recorded = importlib.metadata.distribution("filmpage").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        recorded = None
    if not recorded:
        return Origin(f"filmpage=={__version__}")
    info = json.loads(recorded)
    url = info.get("url", "")
    local = url.startswith("file:")
    if "vcs_info" in info:
        vcs = info["vcs_info"]
        at = vcs.get("commit_id") or vcs.get("requested_revision") or ""
        # a bare VCS line: every pip takes it (one of git+file:// as "name @ URL", not)
        requirement = f"{vcs.get('vcs', 'git')}+{url}" + (f"@{at}" if at else "")
        note = "a git repository on this machine" if local else ""
        return Origin(requirement, note=note)
    if "archive_info" in info and local:
        wheel = Path(unquote(urlsplit(url).path))
        if wheel.is_file():
            return Origin(f"./{WHEELS_DIR}/{wheel.name}", wheel=wheel)
    if local:
        return Origin(f"filmpage @ {url}", note="a folder on this machine")
    return Origin(f"filmpage @ {url}")


def repository_above(target: Path) -> Path | None:
    """The git repository ``target`` is made inside of (a folder above it holding ``.git``),
    if any: GitHub runs only the workflows at a repository's root."""
    for folder in target.resolve().parents:
        if (folder / ".git").exists():
            return folder
    return None


def init_site(target: Path, title: str = "Film Catalogue") -> tuple[list[Path], Origin]:
    """Create a new site in ``target`` (empty or absent) with settings, one example film
    and a GitHub Pages workflow; the files made, and the filmpage its requirements name."""
    if target.exists() and any(target.iterdir()):
        raise FilmpageError(f"{target}: is not empty; choose a new or empty folder")
    origin = installed_from()
    files = {
        target / SETTINGS_FILE: SETTINGS_TEMPLATE.format(title=quote_yaml(title)),
        target / FILMS_DIR / "example-film.md": EXAMPLE_FILM,
        target / ".gitignore": "site/\n.filmpage-cache/\n",
        target / "requirements.txt": (
            "# The filmpage that made this site, which its GitHub Pages workflow installs.\n"
            f"{origin.requirement}\n"
        ),
        target / WORKFLOW_PATH: WORKFLOW,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    made = sorted(files)
    if origin.wheel is not None:
        copy = target / WHEELS_DIR / origin.wheel.name
        copy.parent.mkdir()
        shutil.copyfile(origin.wheel, copy)
        made.append(copy)
    (target / "templates").mkdir()
    (target / "static").mkdir()
    return made, origin
