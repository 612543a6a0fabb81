"""Site settings from ``filmpage.yml``: validated, defaulted, frozen.

Every setting error is reported at once, with its line, before any film is read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import textrule, yamldoc
from .errors import Problems
from .inputs import MAX_SETTINGS_BYTES, Refused, read_regular, utf8_text

SETTINGS_FILE = "filmpage.yml"


@dataclass(frozen=True)
class Settings:
    title: str = "Film Catalogue"
    description: str = ""
    base_url: str = "/"
    language: str = "en"
    related_heading: str = "Viewers Also Bought"
    cname: str = ""  # a custom domain for GitHub Pages, written to the site's CNAME file
    page_size: int = 48  # films per page of the catalogue, genre, person, year and decade lists
    feed_size: int = 50  # the newest films in the feed; 0 for all

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

    def absolute(self, path: str) -> str:
        """The absolute URL of a site path like ``films/x/`` (a root path when no host)."""
        return self.site_origin + self.base_path + path.lstrip("/")


FIELDS = tuple(Settings.__dataclass_fields__)
PAGE_SIZE_RANGE = (1, 1000)
FEED_SIZE_RANGE = (0, 100_000)


def load_settings(root: Path, problems: Problems) -> Settings:
    """Read ``root/filmpage.yml``; defaults for absent fields, or the whole file when absent."""
    path = root / SETTINGS_FILE
    if not os.path.lexists(path):
        return Settings()
    try:  # the file rule: a regular file in the site, of at most 1 MiB
        text = utf8_text(read_regular(str(path), MAX_SETTINGS_BYTES, root))
    except Refused as exc:
        problems.error(SETTINGS_FILE, exc.line, exc.column, "", exc.message)
        return Settings()
    return settings_from_text(text.replace("\r\n", "\n"), SETTINGS_FILE, problems)


def settings_from_text(text: str, file: str, problems: Problems) -> Settings:
    """Settings from the text of a settings file, under the text rule; every problem
    reported, and the defaults where a value is wrong."""
    if not textrule.check_source(text, file, problems):
        return Settings()
    tree = yamldoc.parse(text, file, problems)
    if tree is None or ("\\" in text and not textrule.check_tree(tree, file, problems)):
        return Settings()
    read = yamldoc.Reader(file, problems)
    if not isinstance(tree, yamldoc.Map):
        read.error(tree, "", f"expected a mapping of settings, got {yamldoc.describe(tree)}")
        return Settings()
    read.warn_unknown(tree, FIELDS)
    values = {}
    for name in ("title", "description", "language", "related_heading"):
        value = read.text(tree.get(name), name)
        if value is not None:
            values[name] = value
    page_size = read.integer(tree.get("page_size"), "page_size", *PAGE_SIZE_RANGE)
    if page_size is not None:
        values["page_size"] = page_size
    feed_size = read.integer(tree.get("feed_size"), "feed_size", *FEED_SIZE_RANGE)
    if feed_size is not None:
        values["feed_size"] = feed_size
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
    base = read.text(tree.get("base_url"), "base_url")
    if base is not None:
        parts = urlsplit(base)
        if (base.startswith("/") and not base.startswith("//")) or yamldoc.is_web_url(base):
            if parts.query or parts.fragment:
                read.error(tree.get("base_url"), "base_url", "expected no query or fragment")
            else:
                values["base_url"] = base
        else:
            read.error(
                tree.get("base_url"),
                "base_url",
                f"expected an http(s) URL or a path starting with '/', got {base!r}",
            )
    return Settings(**values)
