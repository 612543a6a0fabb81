"""Collections (``content/collections/<slug>.md``) and pages (``content/pages/<slug>.md``):
a Markdown file with front matter each, checked into a Collection or a SitePage.

The film slugs a collection names are checked against the catalogue, and a page's slug
against the site's sections, in :mod:`filmpage.whatson`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import yamldoc
from .errors import Problems
from .load import Record
from .slugs import is_slug

COLLECTION_FIELDS = ("title", "films", "description")
ENTRY_FIELDS = ("film", "note")
PAGE_FIELDS = ("title", "description", "menu")
MENU_RANGE = (-1000, 1000)


@dataclass(frozen=True)
class Entry:
    """A film of a collection, with its note, and where it is written."""

    film: str  # slug
    note: str = ""
    line: int = 0
    column: int = 0
    index: int = 0  # its place in the list as written (``films[2]``)


@dataclass(frozen=True)
class Collection:
    slug: str
    title: str
    description: str
    intro_html: str
    file: str
    entries: tuple[Entry, ...] = ()  # in the order written


@dataclass(frozen=True)
class SitePage:
    slug: str
    title: str
    description: str
    body_html: str
    file: str
    menu: int | None = None  # its place among the pages in the navigation; None: not in it
    line: int = 0  # where its slug is decided (the file's first line)


def _body(read: yamldoc.Reader, record: Record, field: str) -> str:
    return read.markdown(record.body, field, record.body_line, 1)


def _title(read: yamldoc.Reader, tree: yamldoc.Map) -> str | None:
    return read.required_text(tree, "title", "title")


def collection_from_record(record: Record, slug: str, problems: Problems) -> Collection | None:
    tree, read = record.tree, yamldoc.Reader(record.file, problems)
    read.warn_unknown(tree, COLLECTION_FIELDS)
    title = _title(read, tree)
    description = read.text(tree.get("description"), "description") or ""
    node = tree.get("films")
    entries = [e for i, item in enumerate(read.seq(node, "films"))
               if (e := _entry(read, item, i)) is not None]  # fmt: skip
    if node is None or (isinstance(node, yamldoc.Scalar) and node.is_null):
        read.error(node, "films", "required field is missing: a list of film slugs",
                   fallback=tree)  # fmt: skip
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.film in seen:
            problems.warning(record.file, entry.line, entry.column, f"films[{entry.index}]",
                             f"'{entry.film}' is listed twice (first at line "
                             f"{seen[entry.film].line}); shown once")  # fmt: skip
        seen.setdefault(entry.film, entry)
    intro = _body(read, record, "body")  # (without a title: an error, but its films checked)
    return Collection(slug, title or "", description, intro, record.file, tuple(seen.values()))


def _entry(read: yamldoc.Reader, node, index: int) -> Entry | None:
    at = f"films[{index}]"
    if isinstance(node, yamldoc.Map):
        read.warn_unknown(node, ENTRY_FIELDS, f"{at}.")
        film = read.text(node.get("film"), f"{at}.film")
        if film is None:
            return read.error(node.get("film"), f"{at}.film", "required field is missing",
                              fallback=node)  # fmt: skip
        note = read.text(node.get("note"), f"{at}.note") or ""
        where = node.get("film") or node
    else:
        film, note, where = read.text(node, at), "", node
    if film is None:
        return None
    if not is_slug(film):
        field = f"{at}.film" if isinstance(node, yamldoc.Map) else at
        return read.error(
            where, field, f"expected the slug of a film of the catalogue, got {film!r}"
        )
    return Entry(film, note, where.line, where.column, index)


def page_from_record(record: Record, slug: str, problems: Problems) -> SitePage | None:
    tree, read = record.tree, yamldoc.Reader(record.file, problems)
    read.warn_unknown(tree, PAGE_FIELDS)
    title = _title(read, tree)
    description = read.text(tree.get("description"), "description") or ""
    menu = read.integer(tree.get("menu"), "menu", *MENU_RANGE)
    body = _body(read, record, "body")
    if title is None:
        return None
    return SitePage(slug, title, description, body, record.file, menu, 1)
