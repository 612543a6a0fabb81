"""Site settings from ``filmpage.yml``: validated, defaulted, frozen.

Every setting error is reported at once, with its line, before any film is read. A
command may override some settings (``--base-url``, ``--relative-links``): the values are
checked by the same rules and win over the file's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import textrule, yamldoc
from .errors import Problems
from .i18n import N_, language_problem, site_codes
from .inputs import MAX_SETTINGS_BYTES, Refused, read_regular, utf8_text
from .slugs import is_slug
from .weblinks import is_site_path, is_web_url

SETTINGS_FILE = "filmpage.yml"
CONTENT_DIR = "content"
VENUE_FIELDS = ("name", "address", "city", "url", "timezone")
MENU_FIELDS = ("title", "url")


@dataclass(frozen=True)
class Venue:
    """Where screenings happen: a key of ``venues`` and what the site says of it."""

    key: str
    name: str
    address: str = ""
    city: str = ""
    url: str = ""
    timezone: str = "UTC"  # the site's when the venue gives none


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the ``menu`` setting: a link ``{title, url}``, or the ``name`` of a
    page or section (resolved once the site's pages are known), and where it stands."""

    title: str = ""
    url: str = ""
    name: str = ""
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Settings:
    title: str = "Film Catalogue"
    description: str = ""
    base_url: str = "/"
    language: str = "en"  # the site's language: its first, at the root of the site
    related_heading: str = N_("Viewers Also Bought")
    cname: str = ""  # a custom domain for GitHub Pages, written to the site's CNAME file
    page_size: int = 48  # films per page of the catalogue, genre, person, year and decade lists
    feed_size: int = 50  # the newest films in the feed; 0 for all
    relative_links: bool = False  # every internal link relative: the site works from disk
    timezone: str = "UTC"  # an IANA zone: screening times are written in it
    venues: tuple[Venue, ...] = ()
    menu: tuple[MenuEntry, ...] | None = None  # None: the built-in sections
    languages: tuple[str, ...] = ()  # every language published (empty: ``language`` alone)

    def venue(self, key: str | None) -> Venue | None:
        """The venue of this key (None for none)."""
        return next((v for v in self.venues if v.key == key), None) if key else None

    @property
    def codes(self) -> tuple[str, ...]:
        """The languages the site is published in, its own first."""
        return self.languages or (self.language,)

    @property
    def base_path(self) -> str:
        """The path part of ``base_url``, always starting and ending with ``/``."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def site_origin(self) -> str:
        """``scheme://host`` of ``base_url``, or empty when it is a bare path."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""

    @property
    def has_host(self) -> bool:
        """Whether ``base_url`` names a host, so that full URLs can be written (the feed,
        the sitemap, canonical and share links need them)."""
        return bool(self.site_origin)

    def absolute(self, path: str) -> str:
        """The absolute URL of a site path like ``films/x/`` (a root path when no host)."""
        return self.site_origin + self.base_path + path.lstrip("/")


FIELDS = tuple(Settings.__dataclass_fields__)
PAGE_SIZE_RANGE = (1, 1000)
FEED_SIZE_RANGE = (0, 100_000)
NEEDS_HOST = (
    "the feed (feed.xml), the sitemap (sitemap.xml), canonical links and share links "
    "(og:url, og:image, the Movie data's url and image)"
)


def find_site(start: Path) -> Path | None:
    """The site that holds ``start``, as git finds a repository: the nearest folder, from
    ``start`` up, with a ``filmpage.yml``; else (settings are optional) the nearest with a
    ``content/films`` folder; None when there is neither."""
    start = start.absolute()
    folders = [start, *start.parents]
    for folder in folders:
        if (folder / SETTINGS_FILE).is_file():
            return folder
    for folder in folders:
        if (folder / CONTENT_DIR / "films").is_dir():
            return folder
    return None


def base_url_problem(value: str) -> str | None:
    """What is wrong with a ``base_url``, or None: an http(s) URL with a host, or a path
    starting with one '/', without query or fragment."""
    if not ((value.startswith("/") and not value.startswith("//")) or is_web_url(value)):
        return f"expected an http(s) URL or a path starting with '/', got {value!r}"
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        return f"expected no query or fragment, got {value!r}"
    path = parts.path
    if "//" in path or any(part in (".", "..") for part in path.split("/")):
        return f"expected a path without '//', '.' or '..' in it, got {value!r}"
    if any(c.isspace() or c in '"<>\\^`{|}' for c in path):
        return (
            f"expected a path of letters, digits and '-', '_', '.', '~', '/' (a space is "
            f"'%20'), got {value!r}"
        )
    return None


def load_settings(
    root: Path, problems: Problems, overrides: Mapping[str, object] | None = None
) -> Settings:
    """Read ``root/filmpage.yml`` (defaults for absent fields, or the whole file when
    absent), then apply ``overrides`` (checked already: see :func:`base_url_problem`).

    A ``base_url`` without a host is a warning, placed where it was given: what needs a
    host is left out of the site (see :data:`NEEDS_HOST`)."""
    before = len(problems.errors)
    settings, place = _read_file(root, problems, site_codes(root))
    wrong = len(problems.errors) > before  # the defaults stand in: no warning about them
    if overrides:
        settings = replace(settings, **overrides)
        if "base_url" in overrides:
            place = ("--base-url", 0, 0)
    if not settings.has_host and not wrong:
        file, line, column = place
        problems.warning(
            file,
            line,
            column,
            "base_url" if file == SETTINGS_FILE else "",
            f"{settings.base_url!r} has no host, so {NEEDS_HOST} are left out of the site; "
            "give the address it will have (https://USER.github.io/REPO/) in base_url or "
            "with --base-url",
        )
    return settings


def _read_file(
    root: Path, problems: Problems, site: dict[str, Path]
) -> tuple[Settings, tuple[str, int, int]]:
    """The file's settings, and where its ``base_url`` stands (file, line, column)."""
    path = root / SETTINGS_FILE
    nowhere = (SETTINGS_FILE, 0, 0)
    if not os.path.lexists(path):
        return Settings(), nowhere
    try:  # the file rule: a regular file in the site, of at most 1 MiB
        text = utf8_text(read_regular(str(path), MAX_SETTINGS_BYTES, root))
    except Refused as exc:
        problems.error(SETTINGS_FILE, exc.line, exc.column, "", exc.message)
        return Settings(), nowhere
    tree = _tree(text.replace("\r\n", "\n"), SETTINGS_FILE, problems)
    node = tree.get("base_url") if isinstance(tree, yamldoc.Map) else None
    where = (SETTINGS_FILE, node.line, node.column) if node is not None else nowhere
    return _from_tree(tree, SETTINGS_FILE, problems, site), where


def settings_from_text(text: str, file: str, problems: Problems) -> Settings:
    """Settings from the text of a settings file, under the text rule; every problem
    reported, and the defaults where a value is wrong."""
    return _from_tree(_tree(text, file, problems), file, problems)


def _tree(text: str, file: str, problems: Problems) -> yamldoc.Node | None:
    """The settings' YAML tree, or None: text the text rule refuses has none."""
    if not textrule.check_source(text, file, problems):
        return None
    tree = yamldoc.parse(text, file, problems)
    if tree is not None and "\\" in text and not textrule.check_tree(tree, file, problems):
        return None
    return tree


def _from_tree(
    tree: yamldoc.Node | None, file: str, problems: Problems, site: dict[str, Path] | None = None
) -> Settings:
    if tree is None:
        return Settings()
    read = yamldoc.Reader(file, problems)
    if not isinstance(tree, yamldoc.Map):
        read.error(tree, "", f"expected a mapping of settings, got {yamldoc.describe(tree)}")
        return Settings()
    read.warn_unknown(tree, FIELDS)
    values: dict[str, object] = {}
    for name in ("title", "description", "related_heading"):
        value = read.text(tree.get(name), name)
        if value is not None:
            values[name] = value
    values.update(_languages(read, tree, site or {}))
    page_size = read.integer(tree.get("page_size"), "page_size", *PAGE_SIZE_RANGE)
    if page_size is not None:
        values["page_size"] = page_size
    feed_size = read.integer(tree.get("feed_size"), "feed_size", *FEED_SIZE_RANGE)
    if feed_size is not None:
        values["feed_size"] = feed_size
    relative = read.boolean(tree.get("relative_links"), "relative_links")
    if relative is not None:
        values["relative_links"] = relative
    cname = read.text(tree.get("cname"), "cname")
    if cname is not None:
        if re.fullmatch(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", cname):
            values["cname"] = cname
        else:
            read.error(
                tree.get("cname"),
                "cname",
                f"expected a domain name like films.example.org, got {cname!r}",
            )
    _timezone(read, tree, values)
    _venues(read, tree.get("venues"), values)
    _menu(read, tree.get("menu"), values)
    base = read.text(tree.get("base_url"), "base_url")
    if base is not None:
        problem = base_url_problem(base)
        if problem:
            read.error(tree.get("base_url"), "base_url", problem)
        else:
            values["base_url"] = base
    return Settings(**values)


def valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (``Europe/London``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _zone(read: yamldoc.Reader, node, field: str) -> str | None:
    name = read.text(node, field)
    if name is not None and not valid_zone(name):
        return read.error(
            node, field, f"expected an IANA time zone like Europe/London, got {name!r}"
        )
    return name


def _timezone(read: yamldoc.Reader, tree: yamldoc.Map, values: dict) -> None:
    zone = _zone(read, tree.get("timezone"), "timezone")
    if zone is not None:
        values["timezone"] = zone


def _venues(read: yamldoc.Reader, node, values: dict) -> None:
    """``venues``: key -> {name, address, city, url, timezone}; ``name`` required."""
    mapping = read.mapping(node, "venues")
    if mapping is None:
        return
    zone = values.get("timezone", "UTC")
    venues = []
    for key, (key_node, value) in mapping.entries.items():
        at = f"venues.{key}"
        if not is_slug(key):
            read.error(key_node, at, "expected a key of lowercase letters, digits and hyphens "
                       f"(like 'main-hall'), got {key!r}")  # fmt: skip
            continue
        item = read.mapping(value, at)
        if item is None:
            read.error(value, at, "expected a mapping with at least a name", fallback=key_node)
            continue
        read.warn_unknown(item, VENUE_FIELDS, f"{at}.")
        name = read.text(item.get("name"), f"{at}.name")
        if name is None:  # (an error; the venue stays, so that what names it is checked)
            read.error(item.get("name"), f"{at}.name", "required field is missing", fallback=item)
        venues.append(Venue(
            key, name or key,
            read.text(item.get("address"), f"{at}.address") or "",
            read.text(item.get("city"), f"{at}.city") or "",
            read.url(item.get("url"), f"{at}.url") or "",
            _zone(read, item.get("timezone"), f"{at}.timezone") or zone,
        ))  # fmt: skip
    values["venues"] = tuple(venues)


def _menu(read: yamldoc.Reader, node, values: dict) -> None:
    """``menu``: a list of ``{title, url}`` links and names of pages or sections."""
    if node is None or (isinstance(node, yamldoc.Scalar) and node.is_null):
        return
    entries = []
    for i, item in enumerate(read.seq(node, "menu")):
        at = f"menu[{i}]"
        if isinstance(item, yamldoc.Scalar):
            name = read.text(item, at)
            if name:
                entries.append(MenuEntry(name=name, line=item.line, column=item.column))
            continue
        link = read.mapping(item, at)
        if link is None:
            continue
        read.warn_unknown(link, MENU_FIELDS, f"{at}.")
        title = read.text(link.get("title"), f"{at}.title")
        url = read.text(link.get("url"), f"{at}.url")
        for key, value in (("title", title), ("url", url)):
            if value is None:
                read.error(link.get(key), f"{at}.{key}", "required field is missing",
                           fallback=link)  # fmt: skip
        if url is not None and url.startswith("/") and not is_site_path(url):
            url = read.error(
                link.get("url"),
                f"{at}.url",
                f"expected a path of the site "
                f"(without spaces or backslashes) or an http(s) URL, got {url!r}",
            )
        elif url is not None and not is_site_path(url):
            url = read.url(link.get("url"), f"{at}.url")
        if title and url:
            entries.append(MenuEntry(title, url, line=link.line, column=link.column))
    values["menu"] = tuple(entries)


def _languages(read: yamldoc.Reader, tree: yamldoc.Map, site: dict[str, Path]) -> dict:
    """``language`` and ``languages``: each a language the package or the site has a
    catalogue for, none twice, and the site's language first of its languages."""
    node, nodes = tree.get("language"), tree.get("languages")
    language = read.text(node, "language")
    if language is not None and (problem := language_problem(language, site)):
        read.error(node, "language", problem)
        language = None
    codes: list[str] = []
    items = nodes.items if isinstance(nodes, yamldoc.Seq) else [nodes] if nodes else []
    for i, code in enumerate(read.text_list(nodes, "languages")):
        at = items[i] if i < len(items) else nodes
        field = f"languages[{i}]" if isinstance(nodes, yamldoc.Seq) else "languages"
        if (problem := language_problem(code, site)) is not None:
            read.error(at, field, problem)
        elif code.casefold() in {c.casefold() for c in codes}:
            read.error(at, field, f"{code!r} is listed twice")
        else:
            codes.append(code)
    values: dict[str, object] = {}
    if language is not None:
        values["language"] = language
    if codes:
        if language is not None and "language" in tree.entries and language != codes[0]:
            read.error(
                node,
                "language",
                f"{language!r} is not the first of languages ({', '.join(codes)}): the "
                "first language is the site's, at its root; put it first, or leave "
                "'language' out",
            )
        values["language"] = codes[0]
        values["languages"] = tuple(codes)
    return values
