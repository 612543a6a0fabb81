"""The same records as a Hugo site, for comparing build times in one run (bench/run.py).

Hugo reads the records as they are, with two fields added to the front matter, because
its taxonomies must be flat lists: ``people`` (everyone credited) and ``years``. The
theme in ``bench/hugo`` renders what filmpage's does: every section of a film page, a
paginated catalogue, genre, person and year pages, a feed and a sitemap.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
THEME = HERE / "hugo"


def make_hugo_site(source: Path, dest: Path) -> None:
    """Write a Hugo site at ``dest`` from the filmpage site at ``source``."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(THEME, dest)
    shutil.copytree(HERE.parent / "src/filmpage/theme/static", dest / "static")
    films = dest / "content" / "films"
    films.mkdir(parents=True)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for record in sorted((source / "content" / "films").glob("*.md")):
        text = record.read_text(encoding="utf-8")
        front = yaml.load(text.split("---\n", 2)[1], Loader=loader)
        credited = [p for names in front["credits"].values() for p in names]
        people = sorted({p["name"] if isinstance(p, dict) else p for p in credited})
        extra = f'people: {json.dumps(people)}\nyears: ["{front["year"]}"]\n'
        (films / record.name).write_text(text.replace("---\n", "---\n" + extra, 1), "utf-8")
