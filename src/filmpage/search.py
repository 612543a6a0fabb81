"""The search index: Pagefind, run over the film pages of a freshly written site.

Pagefind (its PyPI package ships the binary) reads the ``data-pagefind-*`` attributes of
the film template and writes a chunked index and a small loader into ``pagefind/``; the
theme's script fetches only the chunks a query needs, so search works offline on a
static host. Its output is the same bytes for the same pages.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .errors import FilmpageError

SEARCH_DIR = "pagefind"
FILM_PAGES = "films/*/index.html"
# Pagefind's ready-made interfaces: the theme has its own, so they are left out of the site.
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js",
          "pagefind-component-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-highlight.js")  # fmt: skip


def index_site(site: Path) -> None:
    """Write ``site/pagefind/`` from the film pages under ``site``."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", FILM_PAGES,
               "--output-subdir", SEARCH_DIR, "--silent"]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FilmpageError(f"search index: could not run Pagefind ({exc})") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise FilmpageError(
            "search index: Pagefind failed: "
            + (" / ".join(detail) or f"exit {result.returncode}")
            + " (is the 'pagefind[extended]' package installed? it comes with filmpage)"
        )
    for name in UNUSED:
        (site / SEARCH_DIR / name).unlink(missing_ok=True)


def copy_index(previous: Path, site: Path, link) -> None:
    """Carry the previous build's index over unchanged (no film page changed)."""
    source = previous / SEARCH_DIR
    for path in sorted(source.rglob("*")):
        if path.is_file():
            link(path, site, path.relative_to(previous).as_posix())


def has_index(site: Path) -> bool:
    return (site / SEARCH_DIR / "pagefind.js").is_file()
