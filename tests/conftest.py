"""Shared helpers: write tiny sites into tmp_path, build them, read the HTML a user gets."""

from __future__ import annotations

import hashlib
import json
import os
import re
import textwrap
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from filmpage.commands.build import build
from filmpage.errors import FilmpageError

REPO = Path(__file__).resolve().parents[1]
SHARED_EXAMPLES = REPO / "tests" / "fixtures" / "shared_examples"
"""A verbatim copy of the content contract's examples (``../shared/examples``), so that the
suite runs in a checkout without the folder beside it; ``test_contract`` holds the copy
to the original wherever the original is there."""
EXAMPLE_RECORD = SHARED_EXAMPLES / "last-train-home.md"
EXAMPLE_SETTINGS = SHARED_EXAMPLES / "filmpage.yml"


def film(title: str = "A Film", year: int = 2001, body: str = "A plot.", **fields) -> str:
    """A minimal record; extra fields are given as YAML text, e.g. runtime="90"."""
    lines = [f"title: {title}", f"year: {year}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


SETTINGS = "base_url: https://example.org/\n"
"""The settings of a test site when a test gives none: a published site's address (a
site without a host is warned about, and lacks its feed and sitemap)."""


def write_site(root: Path, films: dict[str, str], settings: str | None = None) -> Path:
    """Write ``films`` (file name -> text) under root/content/films, and ``settings``
    (:data:`SETTINGS` when none are given and the site has none yet)."""
    folder = root / "content" / "films"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in films.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    if settings is None and not (root / "filmpage.yml").exists():
        settings = SETTINGS
    if settings is not None:
        (root / "filmpage.yml").write_text(settings, encoding="utf-8")
    return root


def build_errors(root: Path, **options) -> list[str]:
    """Build and return the error lines the user would see (fails if the build succeeds)."""
    with pytest.raises(FilmpageError) as info:
        build(root, **options)
    return [str(p) for p in info.value.problems]


def digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes, to compare whole sites."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


THEME_SCRIPT = re.compile(
    r'<script src="[^"]*js/(?:filmpage|messages)\.js" defer></script>'
    r'|<script>document\.documentElement\.className = "js";</script>'
)
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def foreign_scripts(html: str) -> str:
    """The page with the theme's own script and its JSON-LD blocks taken out, after checking
    that the JSON-LD is JSON with no raw ``<`` (so it cannot close its element): any
    ``<script`` left is one that content smuggled in."""
    for block in JSON_LD.findall(html):
        assert "<" not in block
        json.loads(block)
    return JSON_LD.sub("", THEME_SCRIPT.sub("", html))


def json_ld(html: str) -> list[dict]:
    """Every JSON-LD object of a page, parsed."""
    return [json.loads(block) for block in JSON_LD.findall(html)]


def read(root: Path, path: str) -> str:
    return (root / "site" / path).read_text(encoding="utf-8")


class _Text(HTMLParser):
    """Collects the text a reader (and a screen reader) gets: no scripts, styles or
    ``aria-hidden`` subtrees."""

    VOID = frozenset({"img", "br", "hr", "meta", "link", "input", "source"})

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden: list[str] = []  # open tags that hide their content
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.open.append(tag)
        if (
            tag in ("script", "style")
            or ("aria-hidden", "true") in attrs
            or ("hidden", None) in attrs
        ):
            self.hidden.append(len(self.open))

    def handle_endtag(self, tag):
        if tag in self.VOID or tag not in self.open:
            return
        while self.open:
            if self.hidden and self.hidden[-1] == len(self.open):
                self.hidden.pop()
            if self.open.pop() == tag:
                break

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def text_of(html: str) -> str:
    """The visible text of a page, whitespace folded, entities decoded."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", unescape(" ".join(parser.parts))).strip()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append((tag, name, value))


def links_of(html: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, url) for every href and src in a page."""
    parser = _Links()
    parser.feed(html)
    return parser.urls


def section(html: str, css_class: str) -> str:
    """The HTML of the first <section class="css_class"> of a page."""
    match = re.search(rf'<section class="{css_class}".*?</section>', html, re.S)
    assert match, f"no section {css_class}"
    return match.group(0)


@pytest.fixture(scope="session", autouse=True)
def _user_cache(tmp_path_factory):
    """The user's cache folder (where a build outside any site keeps its cache), in a
    temporary folder for the tests and the processes they start."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An empty site folder."""
    return tmp_path / "mysite"
