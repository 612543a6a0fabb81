"""The site's images: poster variants, made once per source and kept in the build store,
and share cards, drawn straight into the site.

A poster under ``static/`` is read once per version of its file (by size and time):
what it is (its hash, size, transparency) and its resized variants are kept in the
store, named by the hash of the source, and written into the site from there. A poster
Pillow cannot read is an error on the film that names it. A film without a poster gets
a share card (its title and year on its colour) for link previews, named by what it
shows: cards are drawn as soon as the records are read, before the catalogue settles
slugs, and two films that show the same card share its file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import Problems
from ..images import (
    RASTER,
    Card,
    ImageProblem,
    Media,
    PosterSet,
    SourceInfo,
    poster_info,
    poster_set,
    poster_variants,
    share_card,
    share_card_png,
    source_digest,
)
from ..inputs import MAX_POSTER_BYTES, Refused, read_regular
from ..store import Store
from ..write import write_file
from .memory import Memory
from .parallel import Pool
from .planrows import PlanFilm


def make_cards(staging: Path, cards: list[Card]) -> None:
    """Draw these cards into the folder the site is being written in (runs in a worker)."""
    for card in cards:
        write_file(staging, card.path, share_card_png(card.title, card.year, card.hue))


def site_media(
    films: Iterable[PlanFilm], infos: dict[str, SourceInfo], named: dict[tuple, Card]
) -> Media:
    """The images a plan's films show: poster variants where the poster could be read
    (``infos``), else the poster as it is (an SVG, say), else a share card (``named``: the
    cards named so far, by title and year, which a preview server keeps from build to
    build: naming one looks at the fonts that draw each letter of the title)."""
    posters: dict[str, PosterSet] = {}
    share: dict[str, str] = {}
    files: dict[str, str] = {}
    cards: dict[str, Card] = {}
    for film in films:
        info = infos.get(film.poster) if film.poster else None
        if info is not None:
            variants = posters[film.slug] = poster_set(film.slug, info)
            files.update((v.path, v.stored) for v in (*variants.webp, *variants.fallback))
        elif not film.poster:
            card = named.get((film.title, film.year))
            if card is None:
                card = named[film.title, film.year] = share_card(film.title, film.year)
            share[film.slug] = files[card.path] = card.path
            cards[card.path] = card
    return Media(posters, share, files, cards)


def read_posters(
    films: Iterable[PlanFilm],
    static: dict[str, Path],
    memory: Memory,
    pool: Pool,
    problems: Problems,
    place: Callable[[str], tuple[int, int]],
    variants: bool = True,
) -> dict[str, SourceInfo]:
    """What each raster poster of these films is, by its path under static/: known from
    the store while its file keeps its size and time, else read, its variants made (in
    the pool's processes) and kept in the store; without ``variants`` (``check``), read
    only. A poster that cannot be read is an error on each film that names it (``place``
    gives where a record file names its poster)."""
    films = list(films)
    wanted = sorted({f.poster for f in films if f.poster and f.poster.lower().endswith(RASTER)})
    known = memory.posters()
    infos, todo = {}, []
    for rel in wanted:
        st = os.stat(static[rel])
        stamp = (st.st_size, st.st_mtime_ns)
        if (
            rel in known
            and known[rel][0] == stamp
            and (memory.trusted(stamp) or _same_source(static[rel], known[rel][1]))
        ):
            infos[rel] = known[rel][1]
        else:
            todo.append((rel, stamp))
    read = _variants if variants else _info
    for (rel, stamp), made in zip(todo, pool.map(read, todo, static), strict=True):
        if isinstance(made, str):
            for film in films:
                if film.poster == rel:
                    line, column = place(film.file)
                    problems.error(film.file, line, column, "poster", f"static/{rel} {made}")
            continue
        info, images = made if isinstance(made, tuple) else (made, {})
        infos[rel] = info
        if not variants:
            continue
        known[rel] = (stamp, info)
        if memory.store is not None:
            _keep(memory.store, rel, stamp, info, images)
    return infos


def _same_source(path: Path, info: SourceInfo) -> bool:
    """Whether a poster whose size and time cannot be trusted (changed just before the
    last build) holds the bytes it held then: its hash is the one the store keeps."""
    try:
        return source_digest(read_regular(str(path), MAX_POSTER_BYTES)) == info.digest
    except Refused:
        return False


def _variants(
    static: dict[str, Path], item: tuple[str, tuple[int, int]]
) -> tuple[SourceInfo, dict[str, bytes]] | str:
    return _read(poster_variants, static[item[0]])


def _info(static: dict[str, Path], item: tuple[str, tuple[int, int]]) -> SourceInfo | str:
    return _read(poster_info, static[item[0]])


def _read(how: Callable, path: Path):
    try:  # the file rule: a regular file, of at most MAX_POSTER_BYTES, read without blocking
        return how(read_regular(str(path), MAX_POSTER_BYTES))
    except Refused as exc:
        return exc.message
    except ImageProblem as exc:
        return str(exc)


def plan_media(
    static: dict[str, Path], memory: Memory, pool: Pool, derived, films: list[PlanFilm],
    variants: bool = True,
) -> Media:  # fmt: skip
    """The plan's images: what each poster is (its variants made where new, unless not
    ``variants``), and the share cards' names. Raises one FilmpageError for the posters
    that cannot be read."""

    def place(file: str) -> tuple[int, int]:
        return derived([file])[0].outline.positions.get("poster", (0, 0))

    problems = Problems()
    infos = read_posters(films, static, memory, pool, problems, place, variants)
    problems.raise_if_errors()
    return site_media(films, infos, memory.cards)


def _keep(
    store: Store, rel: str, stamp: tuple[int, int], info: SourceInfo, images: dict[str, bytes]
) -> None:
    row = (rel, *stamp, json.dumps([info.digest, info.width, info.height, info.alpha]))
    store.write("INSERT OR REPLACE INTO posters VALUES (?, ?, ?, ?, ?)", [row], checked=True)
    store.write("INSERT OR REPLACE INTO images VALUES (?, ?, ?)", images.items(), checked=True)
    store.commit()


def stored_image(store: Store | None, name: str) -> bytes | None:
    """A poster variant from the store, or None when it is not there whole."""
    if store is None:
        return None
    for _, data in store.checked("SELECT name, data, check_ FROM images WHERE name = ?", [name]):
        return data
    return None


def prune_images(store: Store, keep: set[str]) -> None:
    """Forget poster variants no page uses any more, and what is known of posters gone."""
    gone = [(name,) for (name,) in store.rows("SELECT name FROM images") if name not in keep]
    with store.db:  # (committed: a change left open is rolled back when the store closes)
        store.write("DELETE FROM images WHERE name = ?", gone)
