"""A film's identity beyond its slug: the URLs it had before (``aliases``) and its
identifiers on other sites (``ids``), read from a record and checked across the catalogue.

An alias keeps an old address working (``/films/<alias>/`` sends visitors on), so it may
not be another film's slug or alias; an id names one film, so two records may not share
one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import yamldoc
from .errors import Problems
from .model import ID_LINKS, Outline
from .slugs import is_slug


def read_aliases(read: yamldoc.Reader, nodes: list) -> tuple[str, ...]:
    """The slugs of a film's earlier URLs, each once, in the order written."""
    aliases: list[str] = []
    for i, node in enumerate(nodes):
        alias = read.text(node, f"aliases[{i}]")
        if alias is None:
            continue
        if not is_slug(alias):
            read.error(
                node,
                f"aliases[{i}]",
                f"expected the slug of an earlier URL /films/<slug>/ (lowercase ASCII "
                f"letters, digits and single hyphens), got {alias!r}",
            )
        elif alias in aliases:
            read.error(node, f"aliases[{i}]", f"'{alias}' is listed twice")
        else:
            aliases.append(alias)
    return tuple(aliases)


def read_ids(read: yamldoc.Reader, node: yamldoc.Map | None) -> tuple[tuple[str, str], ...]:
    """The film's identifiers elsewhere (imdb, tmdb, wikidata, letterboxd), checked
    against each site's pattern, in the order of ``ID_LINKS``."""
    if node is None:
        return ()
    read.warn_unknown(node, tuple(ID_LINKS), "ids.")
    found = {}
    for kind, (_, _, pattern) in ID_LINKS.items():
        value = read.text(node.get(kind), f"ids.{kind}")
        if value is None:
            continue
        if re.fullmatch(pattern, value):
            found[kind] = value
        else:
            read.error(node.get(kind), f"ids.{kind}", f"expected {ID_FORMS[kind]}, got {value!r}")
    return tuple(found.items())


ID_FORMS = {
    "imdb": "an IMDb title id: 'tt' and 7 or 8 digits (tt1512201)",
    "tmdb": "a TMDB movie id: a whole number (47620)",
    "wikidata": "a Wikidata item: 'Q' and digits (Q1807335)",
    "letterboxd": "a Letterboxd film slug (last-train-home)",
}


def entry_positions(tree: yamldoc.Map, keys: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Where the record's fields of ``keys`` stand, and each of its aliases, ids and
    translations (``aliases x``, ``ids.imdb``, ``translations.de``), for the problems
    found once the catalogue is made: an entry of a block list stands on a line of its
    own, not on its key's."""
    found = {k: (n.line, n.column) for k, (n, _) in tree.entries.items() if k in keys}
    for key, (_, value) in tree.entries.items():
        if key == "aliases" and isinstance(value, yamldoc.Seq):
            for item in value.items:
                if isinstance(item, yamldoc.Scalar):
                    found.setdefault(f"aliases {item.text.strip()}", (item.line, item.column))
        elif key in ("ids", "translations") and isinstance(value, yamldoc.Map):
            for name, (node, _) in value.entries.items():
                found[f"{key}.{name}"] = (node.line, node.column)
    return found


def check_identities(films: Iterable[Outline], problems: Problems) -> None:
    """Every alias names no other film's slug or alias (nor its own film's slug), and no
    two records give the same id; each error names both files."""
    films = sorted(films, key=lambda f: f.file)
    owners: dict[str, tuple[Outline, str]] = {}
    for film in films:  # (two films of one slug: the first keeps it, as assign_slugs says)
        owners.setdefault(film.slug, (film, "slug"))
    for film in films:
        at = film.positions.get("aliases", (1, 0))
        for alias in film.aliases:
            line, column = film.positions.get(f"aliases {alias}", at)
            other, what = owners.get(alias, (None, ""))
            if other is film and what == "slug":
                message = f"'{alias}' is this film's own slug; an alias is a URL it had before"
            elif other is not None:
                message = (
                    f"'{alias}' is already the {what} of {other.file}; "
                    "an old URL can lead to one film only"
                )
            else:
                owners[alias] = (film, "alias")
                continue
            problems.error(film.file, line, column, "aliases", message)
    seen: dict[tuple[str, str], Outline] = {}
    for film in films:
        for kind, value in film.ids:
            line, column = film.positions.get(f"ids.{kind}", film.positions.get("ids", (1, 0)))
            first = seen.setdefault((kind, value), film)
            if first is not film:
                problems.error(
                    film.file,
                    line,
                    column,
                    f"ids.{kind}",
                    f"'{value}' is also the {ID_LINKS[kind][0]} id of {first.file}; "
                    "two records of one film? Keep one, or correct the id",
                )
