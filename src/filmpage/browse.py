"""The facet index: a compact JSON file from which the home page sorts and filters the
whole catalogue in the browser, without a server.

Each film is one array whose positions are named by ``fields``; genres and content
ratings are numbers into the ``genres`` and ``ratings`` tables, and posters give the
site paths of their variants. The page works without it: the server-rendered pages list
every film.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from .catalogue import Catalogue, name_slug
from .derive import Figures
from .formats import BANDS, ENGLISH, Words
from .i18n import N_, Nn_
from .images import PosterSet, title_hue
from .model import Outline

INDEX_FILE = "films.json"
MESSAGES_FILE = "js/messages.js"
SCRIPT_MESSAGES: dict[str, str | tuple[str, str]] = {
    # what the theme's script writes, by the key it looks each up by ({...}: its values)
    "directed": N_("Directed by {names}"),
    "unavailable": N_("Search is not available here."),
    "no-match": N_("No films match “{query}”."),
    "matches": Nn_("{count} film matches “{query}”.", "{count} films match “{query}”."),
    "see-all": Nn_("See the {count} result", "See all {count} results"),
    "show-more": Nn_("Show more ({count} left)", "Show more ({count} left)"),
    "chosen": N_("Films chosen"),
    "films": Nn_("{count} film", "{count} films"),
    "no-sort": N_("Sorting and filtering are not available."),
    "fresh": N_("Fresh"),
    "rotten": N_("Rotten"),
}
FIELDS = ("slug", "title", "original_title", "year", "directors", "genres", "tomatometer",
          "customer_rating", "runtime", "content_rating", "hue", "poster")  # fmt: skip


def data_scripts(files: Mapping[str, bytes | None]) -> dict[str, bytes | None]:
    """Each JSON data file (the facet and search indexes) again as a script that hands its
    data to the theme's script, for a site opened from disk (``relative_links``): Chromium
    refuses ``fetch`` over ``file://`` but runs scripts. None (a file removed) stays None."""
    return {
        rel.removesuffix(".json") + ".js": None
        if data is None
        else b"(self.filmpageData=self.filmpageData||{})["
        + json.dumps(rel).encode()
        + b"]="
        + data
        + b";\n"
        for rel, data in files.items()
        if rel.endswith(".json")
    }


def script_messages(words: Words) -> bytes:
    """The script's messages in ``words``' language, as a script that hands them to it: a
    plural message as its form for each plural category of the language (the script
    picks one with ``Intl.PluralRules``)."""
    messages: dict[str, object] = {}
    samples = words.plural_samples()
    for key, message in SCRIPT_MESSAGES.items():
        if isinstance(message, tuple):
            messages[key] = {kind: words.ngettext(*message, n) for kind, n in samples.items()}
        else:
            messages[key] = words.translate(message)
    text = json.dumps(messages, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c")  # never a tag, whatever a catalogue says
    return f"self.filmpageMessages={text};\n".encode()


def facet_options(catalogue: Catalogue, words: Words = ENGLISH) -> dict[str, tuple]:
    """The choices of each filter, as ``(value, label)`` pairs, for the home page's form,
    labelled in ``words``' language."""
    return {
        "genres": tuple((g.slug, g.name) for g in catalogue.genres),
        "decades": tuple((d.slug, words.decade_of(d.name)) for d in reversed(catalogue.decades)),
        "bands": words.bands,
        "ratings": tuple((r, r) for r in _content_ratings(catalogue)),
    }


def _content_ratings(catalogue: Catalogue) -> list[str]:
    return sorted({f.content_rating for f in catalogue.films if f.content_rating})


@dataclass(frozen=True)
class FacetTables:
    """The numbered tables a film's row points into: genres (slug, name) and content
    ratings. They depend only on which genres and ratings the catalogue has."""

    genres: tuple[tuple[str, str], ...]
    ratings: tuple[str, ...]

    @cached_property
    def genre_number(self) -> dict[str, int]:
        return {slug: i for i, (slug, _) in enumerate(self.genres)}

    @cached_property
    def rating_number(self) -> dict[str, int]:
        return {r: i for i, r in enumerate(self.ratings)}


def facet_tables(catalogue: Catalogue) -> FacetTables:
    return FacetTables(
        tuple((g.slug, g.name) for g in catalogue.genres), tuple(_content_ratings(catalogue))
    )


def facet_row(
    film: Outline, figures: Figures, poster: PosterSet | None, tables: FacetTables
) -> str:
    """One film's array, as JSON: the index is these rows, in catalogue order."""
    ratings = figures.ratings
    customer = sum(ratings) / len(ratings) if ratings else None
    row = [
        film.slug,
        film.title,
        film.original_title,
        film.year,
        list(film.directors),
        sorted({tables.genre_number[name_slug(g)] for g in film.genres}),
        figures.tomatometer,
        round(customer, 2) if customer is not None else None,
        figures.runtime,
        tables.rating_number.get(film.content_rating) if film.content_rating else None,
        title_hue(film.title),
        _poster(poster) if poster else film.poster,
    ]
    return _json(row)


def facet_rows(
    film: Outline,
    figures: Figures,
    poster: PosterSet | None,
    tables: FacetTables,
    languages: tuple[str, ...],
) -> str:
    """The film's row (:func:`facet_row`), and its row in each of the site's
    ``languages`` that gives it another title, after it: one per line, each but the
    first starting with its language and a tab (a row, as JSON, holds neither)."""
    row = facet_row(film, figures, poster, tables)
    for code, title in film.titles:
        if title and code in languages:
            row += f"\n{code}\t" + facet_row(replace(film, title=title), figures, poster, tables)
    return row


def row_in(rows: str, language: str) -> str:
    """The film's row on the pages of ``language``, from :func:`facet_rows`' text."""
    if "\n" not in rows:
        return rows
    first, *others = rows.split("\n")
    mark = language + "\t"
    return next((r[len(mark) :] for r in others if r.startswith(mark)), first)


def facet_index_bytes(tables: FacetTables, rows: list[str], root: str = "") -> bytes:
    """The whole index from its tables and each film's row (:func:`facet_row`); a
    language's index in its folder says where the site's root is from there (``root``:
    "../"), as the posters it names are there."""
    head = {
        "fields": FIELDS,
        "genres": [list(g) for g in tables.genres],
        "ratings": list(tables.ratings),
        "bands": [list(b) for b in BANDS],  # (id, lowest, highest); labels are the page's
    }
    if root:
        head["root"] = root
    return (_json(head)[:-1] + ',"films":[' + ",".join(rows) + "]}").encode() + b"\n"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _poster(poster) -> list:
    """``[src, width, height, webp srcset, fallback srcset]`` with site paths."""
    srcset = lambda variants: ", ".join(f"{v.path} {v.width}w" for v in variants)  # noqa: E731
    return [
        poster.src.path,
        poster.width,
        poster.height,
        srcset(poster.webp),
        srcset(poster.fallback),
    ]
