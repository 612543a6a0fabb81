"""What's on: the programme's seasons, the collections and the pages of a site, read,
checked together and against the catalogue, and the navigation made from them.

These files are few and small, so they are all read by every build (their bytes' hash,
:attr:`Whatson.digest`, is part of what the page plan is made from). Rules that need
them all at once live here: a page slug that a section uses, a screening listed twice,
a film that is not in the catalogue (a draft's screenings and places in collections are
left out, as the draft is), overlapping screenings in one venue (a warning).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from difflib import get_close_matches
from pathlib import Path

from .errors import Problems
from .i18n import N_
from .inputs import LEAVES_SITE, Refused, check_file, real_root, within
from .load import parse_record, read_file
from .programme import Season, season_from_record
from .settings import SETTINGS_FILE, MenuEntry, Settings
from .sitecontent import Collection, SitePage, collection_from_record, page_from_record
from .slugs import is_slug, unread_film

CONTENT = Path("content")
FOLDERS = {"programme": (".yaml", ".yml"), "collections": (".md", ".markdown"),
           "pages": (".md", ".markdown")}  # fmt: skip
SECTIONS = {  # a section's name -> its title, path and the paths it counts as current
    "films": (N_("Films"), "", ("index.html",)),
    "genres": (N_("Genres"), "genres/", ("genres/",)),
    "people": (N_("People"), "people/", ("people/",)),
    "years": (N_("Years"), "years/", ("years/", "decades/")),
    "stats": (N_("Stats"), "stats/", ("stats/",)),
    "search": (N_("Search"), "search/", ("search/",)),
    "programme": (N_("Programme"), "programme/", ("programme/",)),
    "collections": (N_("Collections"), "collections/", ("collections/",)),
}
EXPECTED = {"programme": "a mapping with a title and screenings",
            "collections": "front matter with a title and films",
            "pages": "front matter with a title"}  # fmt: skip
DEFAULT_MENU = ("films", "genres", "people", "years", "stats")
RESERVED = frozenset({*SECTIONS, "decades", "page", "posters", "share", "css", "js", "feed",
                      "sitemap", "robots", "404", "index"})  # fmt: skip
"""Page slugs a section, a list's numbered pages or the theme's files use."""


@dataclass(frozen=True)
class MenuItem:
    """A link of the navigation: ``url`` is a site path (``genres/``) or an absolute URL;
    a page whose path starts with one of ``current`` is this item's."""

    title: str
    url: str
    current: tuple[str, ...] = ()
    external: bool = False
    section: bool = False  # one of the built-in sections: its title in the page's language


def section_item(name: str) -> MenuItem:
    title, path, current = SECTIONS[name]
    return MenuItem(title, path, current, section=True)


DEFAULT_ITEMS = tuple(section_item(name) for name in DEFAULT_MENU)


@dataclass(frozen=True)
class Whatson:
    seasons: tuple[Season, ...] = ()  # by first screening
    collections: tuple[Collection, ...] = ()  # by title
    pages: tuple[SitePage, ...] = ()  # by slug
    menu: tuple[MenuItem, ...] = DEFAULT_ITEMS
    digest: bytes = b""  # of every file's name and bytes

    def screenings(self):
        return [s for season in self.seasons for s in season.screenings]

    def calendar_paths(self) -> list[str]:
        """The paths of the programme's calendar files (made by ``ical``): one set at the
        site's root, which the pages of every language link to."""
        paths = ["programme.ics"] if self.seasons else []
        for season in self.seasons:
            paths.append(season.calendar_path)
            paths += [s.calendar_path for s in season.screenings]
        return paths


def read_whatson(root: Path, settings: Settings, problems: Problems) -> Whatson:
    """Read and check every season, collection and page file of the site."""
    h = hashlib.blake2b(digest_size=16)
    found: dict[str, list] = {"programme": [], "collections": [], "pages": []}
    for folder, suffixes in FOLDERS.items():
        for file, slug in _files(root, folder, suffixes, problems):
            data = read_file(root, file, problems)
            h.update(f"{file}\0{len(data or b'')}\0".encode() + (data or b""))
            if data is not None and not data.strip():
                problems.error(file, 1, 0, "", f"the file is empty; expected {EXPECTED[folder]}")
                continue
            record = parse_record(data, file, problems) if data is not None else None
            if record is None:
                continue
            if folder == "programme":
                item = season_from_record(record, slug, settings, problems)
            elif folder == "collections":
                item = collection_from_record(record, slug, problems)
            else:
                item = page_from_record(record, slug, problems)
            if item is not None:
                found[folder].append(item)
    seasons = sorted(found["programme"], key=_season_order)
    _check_twice(seasons, problems)
    pages = found["pages"]
    taken = RESERVED | {code.lower() for code in settings.codes[1:]}  # languages' folders
    for page in pages:
        if page.slug in taken:
            problems.error(page.file, 1, 1, "slug", f"/{page.slug}/ is a section of the site; "
                           "rename the file")  # fmt: skip
    pages = [p for p in pages if p.slug not in taken]
    collections = sorted(found["collections"], key=lambda c: (c.title.casefold(), c.slug))
    menu = _menu(settings, pages, bool(seasons), bool(collections), problems)
    return Whatson(tuple(seasons), tuple(collections), tuple(pages), menu, h.digest())


def _files(root: Path, folder: str, suffixes: tuple[str, ...], problems: Problems):
    """(file, slug) for each file of ``content/<folder>``, sorted; hidden files skipped,
    any other file or folder reported; one named as the folder's files are but that the
    file rule refuses (a symlink that leads out of the site, a named pipe, a device: see
    :func:`inputs.check_file`) is an error, and is never opened."""
    where = root / CONTENT / folder
    if not where.is_dir():
        return []
    seen: dict[str, str] = {}
    out = []
    site = real_root(root)
    for name in sorted(os.listdir(where)):
        file = (CONTENT / folder / name).as_posix()
        if name.startswith("."):
            continue
        stem, dot, suffix = name.rpartition(".")
        if f".{suffix.lower()}" not in suffixes or not dot or (where / name).is_dir():
            problems.warning(file, 0, 0, "", f"not read: expected a {suffixes[0]} file")
            continue
        try:
            if not within(str(where / name), site):  # (the folder itself a symlink)
                raise Refused(LEAVES_SITE)
            check_file(str(where / name), root)
        except Refused as exc:
            problems.error(file, 0, 0, "", exc.message)
            continue
        if not is_slug(stem):
            url = f"/{stem}/" if folder == "pages" else f"/{folder}/{stem}/"  # (a page's)
            problems.error(file, 0, 0, "", f"the file name makes the URL, {url}: use "
                           "lowercase ASCII letters, digits and single hyphens")  # fmt: skip
            continue
        if stem in seen:
            problems.error(file, 0, 0, "", f"'{stem}' is also {seen[stem]}; keep one")
            continue
        seen[stem] = file
        out.append((file, stem))
    return out


def _season_order(season: Season) -> tuple:
    first = season.screenings[0].starts.timestamp() if season.screenings else float("inf")
    return (first, season.slug)


def _check_twice(seasons: list[Season], problems: Problems) -> None:
    """The same film at the same time and venue twice is an error: one screening, one
    calendar identifier."""
    first: dict[str, tuple[str, int]] = {}
    for season in seasons:
        for s in season.screenings:
            if s.key in first:
                file, line = first[s.key]
                problems.error(season.file, s.line, s.column, "screenings",
                               f"the same screening as {file} line {line} (film, start and "
                               "venue); list it once")  # fmt: skip
                continue
            first[s.key] = (season.file, s.line)


def _menu(settings: Settings, pages: list[SitePage], programme: bool, collections: bool,
          problems: Problems) -> tuple[MenuItem, ...]:  # fmt: skip
    """The navigation: the ``menu`` setting's entries (or the built-in sections, with the
    programme and the collections when the site has them), then the pages that ask to be
    in it, by their ``menu`` number."""
    by_slug = {p.slug: p for p in pages}
    have = {"programme": programme, "collections": collections}
    entries = settings.menu
    if entries is None:
        names = [*DEFAULT_MENU, *(name for name, yes in have.items() if yes)]
        entries = tuple(MenuEntry(name=name) for name in names)
    items, named = [], set()
    for i, entry in enumerate(entries):
        item = _menu_item(entry, f"menu[{i}]", by_slug, have, problems)
        if item is not None:
            items.append(item)
            named.add(entry.name)
    asking = sorted((p for p in pages if p.menu is not None and p.slug not in named),
                    key=lambda p: (p.menu, p.title.casefold(), p.slug))  # fmt: skip
    items += [MenuItem(p.title, f"{p.slug}/", (f"{p.slug}/",)) for p in asking]
    return tuple(items)


def _menu_item(entry: MenuEntry, at: str, pages: dict[str, SitePage], have: dict,
               problems: Problems) -> MenuItem | None:  # fmt: skip
    if not entry.name:
        external = not entry.url.startswith("/")
        return MenuItem(entry.title, entry.url if external else entry.url.lstrip("/"),
                        (), external)  # fmt: skip
    name = entry.name
    if name in pages:
        page = pages[name]
        return MenuItem(page.title, f"{name}/", (f"{name}/",))
    if name in SECTIONS and have.get(name, True):
        return section_item(name)
    known = sorted({*SECTIONS, *pages})
    close = get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    why = f"the site has no {name}" if name in SECTIONS else f"no page or section '{name}'"
    problems.error(SETTINGS_FILE, entry.line, entry.column, at,
                   f"{why}; expected a page of content/pages/, one of the sections "
                   f"({', '.join(SECTIONS)}) or {{title, url}}{hint}")  # fmt: skip
    return None


def resolve_films(
    whatson: Whatson, films: dict[str, bool], problems: Problems, unread: Mapping[str, str]
) -> Whatson:
    """The seasons and collections with only the films this build shows: ``films`` says
    of every film slug whether it is published (False: a draft, left out). A slug that is
    not a film of the catalogue is an error where it is written (``unread``: the records
    that did not load, by their names' stems, to say so of a slug one of them may give)."""
    known = list(films)

    def unknown(file: str, line: int, column: int, field: str, slug: str) -> None:
        close = get_close_matches(slug, known, n=1, cutoff=0.75)
        hint = unread_film(slug, unread) or (f"; did you mean '{close[0]}'?" if close else "")
        problems.error(file, line, column, field,
                       f"no film with slug '{slug}' in this catalogue{hint}")  # fmt: skip

    seasons = []
    for season in whatson.seasons:
        for s in season.screenings:
            if s.film not in films:
                unknown(season.file, s.line, s.column, f"screenings[{s.index}].film", s.film)
        shown = tuple(s for s in season.screenings if films.get(s.film))
        seasons.append(replace(season, screenings=shown))
    collections = []
    for collection in whatson.collections:
        for e in collection.entries:
            if e.film not in films:
                unknown(collection.file, e.line, e.column, f"films[{e.index}]", e.film)
        shown = tuple(e for e in collection.entries if films.get(e.film))
        collections.append(replace(collection, entries=shown))
    return replace(whatson, seasons=tuple(seasons), collections=tuple(collections))


def check_overlaps(whatson: Whatson, runtime: Callable[[str], int | None], problems: Problems):
    """Warn of screenings in one venue that overlap (a cancelled one overlaps nothing);
    ``runtime`` gives a film's minutes, which end a screening that gives no end."""
    by_venue: dict[str, list] = {}
    for season in whatson.seasons:
        for s in season.screenings:
            if s.status != "cancelled":
                end = s.ends(runtime(s.film)) or s.starts
                by_venue.setdefault(s.venue, []).append((s.starts, end, season.file, s))
    for items in by_venue.values():
        items.sort(key=lambda item: (item[0], item[3].key))
        latest = None
        for start, end, file, s in items:
            if latest is not None and (start < latest[1] or start == latest[0]):
                other = latest[3]
                where = f"{other.venue or 'the venue'}"
                problems.warning(file, s.line, s.column, f"screenings[{s.index}].start",
                                 f"overlaps '{other.film}' at {other.start.replace('T', ' ')} "
                                 f"in {where} ({latest[2]} line {other.line})")  # fmt: skip
            if latest is None or end > latest[1]:
                latest = (start, end, file, s)
