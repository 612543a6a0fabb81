"""Create things: a new film record (``filmpage new``) and a new site (``filmpage init``)."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..errors import FilmpageError
from ..load import FILMS_DIR
from ..model import YEAR_RANGE
from ..settings import SETTINGS_FILE
from ..slugs import is_slug, slugify

RECORD_TEMPLATE = """\
---
title: {title}
year: {year}
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
base_url: /
language: en
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
name: Publish to GitHub Pages

on:
  push:
    branches: [main, master]
  workflow_dispatch:

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
      - name: Install filmpage
        run: pip install -r requirements.txt
      - name: Build the site
        run: filmpage build --strict
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


def quote_yaml(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def new_film(root: Path, title: str, year: int, slug: str | None = None) -> Path:
    """Write ``content/films/<slug>.md`` from the record template; never overwrite."""
    if not title.strip():
        raise FilmpageError("the title is empty; give the film's title")
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise FilmpageError(f"year {year} is out of range; expected {low} to {high}")
    slug = slug or slugify(title)
    if not is_slug(slug):
        raise FilmpageError(f"cannot make a file name from {title!r}; pass --slug")
    path = root / FILMS_DIR / f"{slug}.md"
    if path.exists():
        raise FilmpageError(f"{path.relative_to(root)}: already exists; not overwritten")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        RECORD_TEMPLATE.format(title=quote_yaml(title.strip()), year=year), encoding="utf-8"
    )
    return path


def init_site(target: Path, title: str = "Film Catalogue") -> list[Path]:
    """Create a new site in ``target`` (empty or absent) with settings and one example film."""
    if target.exists() and any(target.iterdir()):
        raise FilmpageError(f"{target}: is not empty; choose a new or empty folder")
    files = {
        target / SETTINGS_FILE: SETTINGS_TEMPLATE.format(title=quote_yaml(title)),
        target / FILMS_DIR / "example-film.md": EXAMPLE_FILM,
        target / ".gitignore": "site/\n.filmpage-cache/\n",
        target / "requirements.txt": f"filmpage=={__version__}\n",
        target / WORKFLOW_PATH: WORKFLOW,
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (target / "templates").mkdir()
    (target / "static").mkdir()
    return sorted(files)
