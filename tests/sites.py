"""The sites that independent clients check: the repository's example catalogue, and a
generated catalogue of a few hundred films (``bench/generate.py``: full credits, critics,
quotes, rated reviews, offers and related titles on every film, paginated lists)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from .conftest import REPO

GENERATED_FILMS = 300


def example_site(root: Path) -> Path:
    """A copy of the example site (records, posters, settings) at ``root``."""
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "static", root / "static")
    shutil.copy(REPO / "filmpage.yml", root / "filmpage.yml")
    return root


def generated_site(root: Path, films: int = GENERATED_FILMS) -> Path:
    """A generated catalogue at ``root``, the same for the same number of films."""
    spec = importlib.util.spec_from_file_location("generate", REPO / "bench/generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.generate(films, root)
    (root / "filmpage.yml").write_text(
        "title: Generated Catalogue\ndescription: A catalogue of invented films.\n"
        "base_url: /\npage_size: 48\n"
    )
    return root
