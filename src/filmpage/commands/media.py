"""Make the site's images before anything is written: poster variants, spread over
processes, and the share cards (the build makes those in the background while it checks
the catalogue, plans and renders pages); each image only when its source is new or changed.

Made images live in an image store inside the build cache, named by the hash of what
they were made from; the build links them into the site. A poster Pillow cannot read is
an error on the film that names it, reported with the build's other problems.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ..catalogue import Catalogue
from ..errors import Problems
from ..images import (
    RASTER,
    ImageProblem,
    Media,
    SourceInfo,
    card_digest,
    make_poster_variants,
    poster_set,
    share_card_png,
    store_file,
    title_hue,
)
from ..model import Film
from ..write import write_file
from .parallel import parallel_map

Known = dict[str, tuple[int, int, SourceInfo]]
"""What the last build learned of each poster source: size, mtime and what it is."""


class Card(NamedTuple):
    """A film's share card: what it shows, the hash of that (``digest``, which names its
    file in the image store: :func:`card_file`) and its path in the site. Plain values
    only: the cards to make are handed to other processes, 100,000 of them at times."""

    title: str
    year: int
    hue: int
    digest: str
    path: str


def prepare_media(
    catalogue: Catalogue,
    static: dict[str, Path],
    store: Path,
    known: Known,
    jobs: int,
    problems: Problems,
    progress=lambda stage, done, total: None,
) -> tuple[Media, Known]:
    """The site's images (share cards named, not made: see :func:`missing_cards`) and what
    was learned of the posters."""
    sources = sorted(
        {f.poster for f in catalogue.films if f.poster and f.poster.lower().endswith(RASTER)}
    )
    infos: dict[str, SourceInfo] = {}
    stats: dict[str, tuple[int, int]] = {}
    todo = []
    for rel in sources:
        st = os.stat(static[rel])
        stats[rel] = (st.st_size, st.st_mtime_ns)
        entry = known.get(rel)
        if entry and entry[:2] == stats[rel] and _stored(poster_set("", entry[2]), store):
            infos[rel] = entry[2]
        else:
            todo.append(rel)
    made = parallel_map(
        _make_variants, todo, jobs, (static, store), lambda n: progress("posters", n, len(todo))
    )
    for rel, result in zip(todo, made, strict=True):
        if isinstance(result, SourceInfo):
            infos[rel] = result
            continue
        for film in catalogue.films:
            if film.poster == rel:
                line, column = film.positions.get("poster", (0, 0))
                problems.error(film.file, line, column, "poster", f"static/{rel} {result}")

    posters = {
        f.slug: poster_set(f.slug, infos[f.poster]) for f in catalogue.films if f.poster in infos
    }
    files = {v.path: store / v.stored for p in posters.values() for v in (*p.webp, *p.fallback)}
    share: dict[str, str] = {}
    for film in catalogue.films:
        card = share_card(film)
        if card is not None:
            share[film.slug] = card.path
            files[card.path] = card_file(store, card)
    known = {rel: (*stats[rel], info) for rel, info in infos.items()}
    return Media(posters, share, files), known


def share_card(film: Film) -> Card | None:
    """The share card a film needs (None when it has a poster to share instead)."""
    if film.poster:
        return None
    hue = title_hue(film.title)
    digest = card_digest(film.title, film.year, hue)
    # Named by what it shows, not by the film's slug: the cards are made before the
    # catalogue settles slugs, and two films that show the same card share its file.
    return Card(film.title, film.year, hue, digest, f"share/{digest}.png")


def card_file(store: Path, card: Card) -> Path:
    """Where a share card is kept in the image store."""
    return store / _card_name(card.digest)


def _card_name(digest: str) -> str:
    return f"card-{digest}.png"


def missing_cards(films: Iterable[Film], store: Path) -> list[Card]:
    """The share cards these films need that are not in the image store yet (each to be
    made with :func:`make_card`); the store is listed once, not asked for each card."""
    try:
        stored = set(os.listdir(store))
    except OSError:  # no store yet
        stored = set()
    cards = {card.path: card for card in map(share_card, films) if card is not None}
    return [c for c in cards.values() if _card_name(c.digest) not in stored]


def _stored(poster, store: Path) -> bool:
    return all((store / v.stored).is_file() for v in (*poster.webp, *poster.fallback))


def prune_store(store: Path, keep: set[Path]) -> None:
    """Delete images no page of this build uses (old versions of changed posters)."""
    if store.is_dir():
        for path in store.iterdir():
            if path not in keep:
                path.unlink(missing_ok=True)


def _make_variants(state: tuple[dict[str, Path], Path], rel: str) -> SourceInfo | str:
    static, store = state
    try:
        return make_poster_variants(static[rel], store)
    except ImageProblem as exc:
        return str(exc)


def make_card(folders: tuple[Path, Path], card: Card) -> None:
    """Make one share card into the staging folder (the first of ``folders``, where the
    site is being written) and keep it in the image store (the second): the end of the
    build then has one file less to place.

    The card is written into the site first and then linked into the store, where it
    appears whole (a temporary file and a rename in the store cost a third more); a new
    store's first card, and a store on another file system, get a copy of their own.
    """
    staging, store = folders
    data = share_card_png(card.title, card.year, card.hue)
    write_file(staging, card.path, data)
    placed = os.path.join(staging, card.path)
    try:
        os.link(placed, card_file(store, card))
    except FileExistsError:  # made meanwhile, for another film of the same title and year
        pass
    except OSError:  # no store folder yet (its first card), or no links between the folders
        store_file(data, card_file(store, card))
