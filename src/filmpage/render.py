"""Pages to bytes: the Jinja environment, its helpers and filters, and rendering.

Templates come from the site's ``templates/`` first, then the built-in theme, file by
file (a ``ChoiceLoader``). Autoescape is on for HTML and XML and undefined names are
errors, so a template typo fails the build instead of printing an empty string.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from markupsafe import Markup

from . import __version__, structured
from .catalogue import name_slug
from .codec import FilmRef
from .filters import (
    atom_date,
    day_date,
    entry_id,
    format_price,
    format_rating,
    format_runtime,
    image_alt,
    initial,
    json_script,
    long_date,
    rating_counts,
    with_note,
)
from .images import NO_MEDIA, Media, title_hue
from .pages import Page
from .settings import Settings
from .templating import TemplateFiles, Watchdog, limited_range, placed_faults, watchdog_seconds
from .whatson import DEFAULT_ITEMS, Whatson


def extra_files(settings: Settings) -> dict[str, bytes]:
    """Files that come from settings rather than templates: the custom domain's CNAME."""
    return {"CNAME": settings.cname.encode() + b"\n"} if settings.cname else {}


def make_environment(
    settings: Settings,
    template_dirs: list[Path],
    media: Media = NO_MEDIA,
) -> jinja2.Environment:
    """A Jinja environment over the site's templates, then the theme's, with our helpers.

    Templates are read under the file rule (:class:`templating.TemplateFiles`) and
    compiled by each build that renders with them, never kept compiled: compiled
    templates are code, which a build does not read back from a cache."""
    env = jinja2.Environment(
        auto_reload=False,  # one build, one set of templates: no stat of each file per page
        loader=TemplateFiles(template_dirs),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.watchdog = Watchdog(watchdog_seconds())  # type: ignore[attr-defined]
    base = settings.base_path

    def url(path: object = "") -> str:
        return base + str(path).lstrip("/")

    env.globals.update(
        range=limited_range,
        site=settings,
        version=__version__,
        url=url,
        absolute_url=settings.absolute,
        slug=name_slug,
        posters=media.posters,
        movie_data=lambda film: structured.movie(film, settings, media.share_image(film)),
        item_list=lambda films, first=1: structured.item_list(films, settings, first),
        share_image=media.share_image,
        screening_events=lambda pairs: [
            structured.screening_event(s, film, settings) for s, film in pairs
        ],
        navigation=None,
        # Created here, before any template is loaded, because imported macro modules
        # keep a copy of the globals they saw first; its films are set by the build.
        cards=None,
        small_posters=None,
    )
    env.globals["cards"] = Cards(env, CARD_CALL, "a film card")
    env.globals["small_posters"] = Cards(env, POSTER_CALL, "a poster")
    env.globals["navigation"] = Navigation(env)
    env.filters.update(
        runtime=format_runtime,
        price=format_price,
        rating=format_rating,
        percent=lambda n: f"{n}%",
        json_script=json_script,
        hue=title_hue,
        initial=initial,
        summary=structured.summary,
        image_alt=image_alt,
        with_note=with_note,
        rating_counts=rating_counts,
        long_date=long_date,
        day_date=day_date,
        atom_date=atom_date,
        entry_id=entry_id,
        # Filters as well as calls: a filter costs less in Jinja than a call (a film page
        # has dozens of links: 7% of its time), and one of constants costs nothing, as
        # Jinja computes it once when it compiles the template ('search/'|url).
        url=url,
        absolute_url=settings.absolute,
        person_url=lambda name: f"{base}people/{name_slug(name)}/",
        genre_url=lambda name: f"{base}genres/{name_slug(name)}/",
    )
    return env


def template_hashes(env: jinja2.Environment, sources: dict[str, str]) -> dict[str, bytes]:
    """For every template, a hash of its source and of every template it pulls in
    (extends, import, include), so that editing one template touches only its users.
    ``sources`` are the templates' texts by name (``templating.template_sources``)."""
    names = sorted(sources)
    refs = {name: _references(env, sources[name]) for name in names}
    hashes = {}
    for name in names:
        seen, todo = set(), [name, MENU_TEMPLATE]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(refs.get(current, ()))
        h = hashlib.blake2b(digest_size=16)
        for dep in sorted(seen):
            h.update(dep.encode() + b"\0" + sources.get(dep, "").encode() + b"\0")
        hashes[name] = h.digest()
    return hashes


def _references(env: jinja2.Environment, source: str) -> frozenset[str]:
    """The templates a template's source pulls in by name (extends, import, include),
    found once for each source text (a preview server asks again and again)."""
    found = _REFERENCES.get(source)
    if found is None:
        try:
            names = meta.find_referenced_templates(env.parse(source))
            found = frozenset(name for name in names if name)
        except jinja2.TemplateError:
            found = frozenset()
        if len(_REFERENCES) > 1024:
            _REFERENCES.clear()
        _REFERENCES[source] = found
    return found


_REFERENCES: dict[str, frozenset[str]] = {}


def show_whatson(env: jinja2.Environment, whatson: Whatson) -> None:
    """Give the environment the site's navigation (its pages and sections)."""
    env.globals["navigation"].show(whatson.menu)


MENU_TEMPLATE = "_menu.html"
"""The navigation's template: every page shows it (its hash is part of every page's)."""


class Navigation:
    """The navigation's HTML for a page's path (``navigation(page.path)`` in a template),
    rendered from ``_menu.html`` once for each item that can be the current one: the same
    few variants on every page, rather than the menu rendered again for each page."""

    def __init__(self, env: jinja2.Environment):
        self.env, self.items, self.html = env, DEFAULT_ITEMS, {}

    def show(self, items: tuple) -> None:
        self.items, self.html = items, {}

    def __call__(self, path: str) -> Markup:
        current = next((i for i, item in enumerate(self.items)
                        if not item.external and path.startswith(item.current)), -1)  # fmt: skip
        if current not in self.html:
            template = self.env.get_template(MENU_TEMPLATE)
            self.html[current] = Markup(template.render(menu=self.items, current=current))
        return self.html[current]


def show_films(env: jinja2.Environment, films: Mapping[str, Any]) -> None:
    """Give the environment the films, by slug: the pages' film references and the
    per-film pieces (cards, small posters) are taken from there."""
    env.globals["cards"].films = env.globals["small_posters"].films = films


def resolve(value: Any, films: Mapping[str, Any]) -> Any:
    """``value`` with each :class:`FilmRef` in it replaced by its film, in the lists,
    tuples and dictionaries that page contexts hold them in (their other values, texts,
    numbers and dataclasses such as a pager, hold no film)."""
    kind = type(value)
    if kind is FilmRef:
        return films[value.slug]
    if kind is list or kind is tuple:
        return kind([resolve(item, films) for item in value])
    if kind is dict:
        return {key: resolve(item, films) for key, item in value.items()}
    return value


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """Render one page, its films taken from :func:`show_films`' mapping; any fault of
    its templates (see :func:`templating.placed_faults`) is a FilmpageError naming the
    template's file and line and this page. With the ``relative_links`` setting, an HTML
    page's internal links are made relative."""
    context = resolve(page.context, env.globals["cards"].films)
    with placed_faults(env, f"while rendering {page.path}", page.template):
        template = env.get_template(page.template)
        text = template.render(page=page, **context)
    settings = env.globals["site"]
    if settings.relative_links and page.path.endswith(".html"):
        text = relative_links(text, page.path, settings.base_path)
    return text.encode("utf-8")


_LINK = re.compile(r'(\s(?:href|src|action|poster)=")([^"]*)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
_REFRESH = re.compile(r'(<meta http-equiv="refresh" content="\d+; url=)([^"]*)"')


def relative_links(html: str, page_path: str, base: str) -> str:
    """The page's internal links (those under ``base``, as the ``url`` filter writes them)
    made relative to the page, and each folder's link to its ``index.html``: so the site
    works opened from disk (``file://`` shows a folder's listing, not its index) or from
    any folder of a server. Full URLs (canonical, share links) are left as they are."""
    up = "../" * page_path.count("/")

    def local(url: str) -> str:
        if not url.startswith(base) or url.startswith("//"):
            return url
        rest = url[len(base) :]
        path, mark, after = _split(rest)
        if path == "" or path.endswith("/"):
            path += "index.html"
        return up + path + mark + after

    html = _LINK.sub(lambda m: f'{m[1]}{local(m[2])}"', html)
    html = _REFRESH.sub(lambda m: f'{m[1]}{local(m[2])}"', html)
    html = _SRCSET.sub(
        lambda m: m[1] + ", ".join(_srcset_part(part, local) for part in m[2].split(", ")) + '"',
        html,
    )
    return html.replace(f' data-base="{base}"', f' data-base="{up or "./"}"', 1)


def _split(rest: str) -> tuple[str, str, str]:
    """A path and what follows it: ``('search/', '?', 'q=x')``."""
    for at, char in enumerate(rest):
        if char in "?#":
            return rest[:at], char, rest[at + 1 :]
    return rest, "", ""


def _srcset_part(part: str, local) -> str:
    url, _, width = part.strip().partition(" ")
    return f"{local(url)} {width}".rstrip()


CARD_CALL = "m.card(film)"
POSTER_CALL = "m.poster(film)"
_PIECE = '{%% import "_macros.html" as m %%}{{ %s }}'
_PIECES = (
    '{%% import "_macros.html" as m %%}'
    "{%% for film in films %%}{{ keep(film.slug, %s) }}{%% endfor %%}"
)


class Cards(dict):
    """A piece of HTML for each film (its catalogue card, or its poster at card size),
    rendered the first time a page asks for it and then reused by every other page: a
    film shows in many grids, and in the related titles of several films."""

    def __init__(self, env: jinja2.Environment, call: str, what: str):
        super().__init__()
        self.env, self.call, self.what = env, call, what  # call: the macro, as Jinja
        self.films: Mapping[str, Any] = {}
        self.template: jinja2.Template | None = None

    def __missing__(self, slug: str) -> Markup:
        with self._placed():
            if self.template is None:
                self.template = self.env.from_string(_PIECE % self.call)
            card = Markup(self.template.render(film=self.films[slug]))
        self[slug] = card
        return card

    def joined(self, films: Iterable[Any]) -> Markup:
        """These films' pieces one after another, each on its own line: a grid in one
        call (a loop over ``cards[film.slug]`` escaped and copied every card)."""
        return Markup("".join(f"{self[film.slug]}\n" for film in films))

    def render(self, slugs: Iterable[str]) -> None:
        """Render these films' pieces now, those not rendered yet (before workers fork,
        so that every worker has them), in one pass of a template over them all: less
        than half the time of rendering each on its own."""
        films = [self.films[slug] for slug in dict.fromkeys(slugs) if slug not in self]
        if films:
            with self._placed():
                self.env.from_string(_PIECES % self.call).render(films=films, keep=self._keep)

    def _keep(self, slug: str, piece: str) -> str:
        self[slug] = Markup(piece)
        return ""

    def _placed(self):
        """A template fault, as a FilmpageError naming the template file and line."""
        return placed_faults(self.env, f"while rendering {self.what}", "_macros.html")


def render_cards(env: jinja2.Environment, slugs: Iterable[str]) -> None:
    """Render the cards of these films, and the small posters they show, now."""
    slugs = list(dict.fromkeys(slugs))
    env.globals["small_posters"].render(slugs)
    env.globals["cards"].render(slugs)
