"""Pages to bytes: the Jinja environment of each language, its helpers and filters, and
rendering.

Templates come from the site's ``templates/`` first, then the built-in theme, file by
file (a ``ChoiceLoader``). Autoescape is on for HTML and XML and undefined names are
errors, so a template typo fails the build instead of printing an empty string. Each of
the site's languages has an environment of its own: Jinja's i18n extension with the
language's catalogue installed (``{% trans %}``, ``_()``), its formats as filters, and
links to its own pages (``/fr/...``), so one set of templates makes every language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import __version__, structured
from .catalogue import name_slug
from .codec import FilmRef, FilmRefs
from .filters import atom_date, entry_id, image_alt, initial, json_script, rating_counts, with_note
from .formats import ENGLISH, Words
from .i18n import Language, site_languages
from .images import NO_MEDIA, Media, title_hue
from .pages import Page
from .pieces import CARD_CALL, POSTER_CALL, Cards, render_cards
from .settings import Settings
from .templaterefs import MENU_TEMPLATE
from .templating import (
    SettledEnvironment,
    TemplateFiles,
    Watchdog,
    limited_range,
    placed_faults,
    watchdog_seconds,
)
from .translated import CONSTANT_MESSAGE, ConstantMessages, TranslatedBlocks
from .whatson import DEFAULT_ITEMS, Whatson

__all__ = ["CARD_CALL", "POSTER_CALL", "Cards", "make_environment", "render_cards", "render_page"]


def extra_files(settings: Settings) -> dict[str, bytes]:
    """Files that come from settings rather than templates: the custom domain's CNAME."""
    return {"CNAME": settings.cname.encode() + b"\n"} if settings.cname else {}


def localized_settings(settings: Settings, language: Language, words: Words) -> Settings:
    """The settings as one language's pages see them: its code as ``language``, its
    folder at the end of ``base_url`` (so that every link and full URL its pages make is
    to its own pages), and the site's title, description and related heading in its
    words (the site's catalogue may translate them; the defaults are the theme's)."""
    text = lambda value: words.translate(value) if value else value  # noqa: E731
    return replace(
        settings,
        language=language.code,
        base_url=settings.site_origin + settings.base_path + language.prefix,
        title=text(settings.title),
        description=text(settings.description),
        related_heading=text(settings.related_heading),
    )


def make_environment(
    settings: Settings,
    template_dirs: list[Path],
    media: Media = NO_MEDIA,
    words: Words | None = None,
    languages: tuple[Language, ...] = (),
    shared: frozenset[str] = frozenset(),
    cache: jinja2.BytecodeCache | None = None,
) -> jinja2.Environment:
    """A Jinja environment over the site's templates, then the theme's, with our helpers,
    for the pages of one of the site's ``languages`` (``words``' language; by default the
    site's first). Its links go to that language's pages, but for the files every
    language shares (``shared``: static files and images, at the site's root).

    Templates are read under the file rule (:class:`templating.TemplateFiles`); their
    compiled code is kept in ``cache`` if one is given (``commands/compiled.py``: signed
    entries, each language its own, as its messages and links are folded into the code)."""
    languages = languages or site_languages(settings.codes)
    words = words or ENGLISH
    language = next((lang for lang in languages if lang.code == words.code), languages[0])
    env = SettledEnvironment(
        auto_reload=False,  # one build, one set of templates: no stat of each file per page
        loader=TemplateFiles(template_dirs),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=[TranslatedBlocks, ConstantMessages],
        bytecode_cache=cache,
    )
    env.policies["ext.i18n.trimmed"] = True  # a message's lines and indents as one space
    # gettext as plain strings, escaped where they are shown (a catalogue's quote cannot end
    # an attribute); a {% trans %} block's message is markup, its values escaped
    env.install_gettext_translations(words.translations, newstyle=False)  # type: ignore[attr-defined]
    env.watchdog = Watchdog(watchdog_seconds())  # type: ignore[attr-defined]
    env.language = language  # type: ignore[attr-defined]
    env.root_base = settings.base_path  # type: ignore[attr-defined]
    root = settings
    settings = localized_settings(settings, language, words)
    base = settings.base_path

    def url(path: object = "") -> str:
        path = str(path).lstrip("/")
        return (root.base_path if path in shared else base) + path

    def absolute_url(path: object = "") -> str:
        path = str(path).lstrip("/")
        return (root if path in shared else settings).absolute(path)

    def language_url(other: Language, path: object = "") -> str:
        """The same page (``page.url_path``) in ``other`` language."""
        return root.base_path + other.prefix + str(path).lstrip("/")

    def language_absolute_url(other: Language, path: object = "") -> str:
        return root.site_origin + language_url(other, path)

    env.globals.update(
        range=limited_range,
        site=settings,
        version=__version__,
        url=url,
        absolute_url=absolute_url,
        slug=name_slug,
        language=language,
        languages=languages,
        language_url=language_url,
        language_absolute_url=language_absolute_url,
        decade_name=words.decade,
        posters=media.posters,
        movie_data=lambda film: structured.movie(
            film, settings, media.share_image(film), words, root
        ),
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
        **{CONSTANT_MESSAGE: words.translate},
        runtime=words.runtime,
        price=words.price,
        rating=words.rating,
        percent=words.percent,
        number=words.number,
        long_date=words.date,
        date=words.date,
        time=words.time,
        datetime=words.datetime,
        json_script=json_script,
        hue=title_hue,
        initial=initial,
        summary=partial(structured.summary, words=words),
        image_alt=partial(image_alt, words=words),
        with_note=with_note,
        rating_counts=rating_counts,
        day_date=partial(words.date, width="full"),
        atom_date=atom_date,
        entry_id=partial(entry_id, prefix=language.prefix),
        # Filters as well as calls: a filter costs less in Jinja than a call (a film page
        # has dozens of links: 7% of its time), and one of constants costs nothing, as
        # Jinja computes it once when it compiles the template ('search/'|url).
        url=url,
        absolute_url=absolute_url,
        person_url=lambda name: f"{base}people/{name_slug(name)}/",
        genre_url=lambda name: f"{base}genres/{name_slug(name)}/",
    )
    return env


def make_environments(
    settings: Settings,
    template_dirs: list[Path],
    media: Media,
    languages: tuple[tuple[Language, Words], ...],
    shared: frozenset[str] = frozenset(),
    caches: Mapping[str, jinja2.BytecodeCache] | None = None,
) -> dict[str, jinja2.Environment]:
    """An environment for each of the site's languages, by code, its own first, with
    its code cache from ``caches`` (by code) if any; the files ``shared`` by every
    language (:func:`shared_files`) are linked at the site's root."""
    codes = tuple(language for language, _ in languages)
    caches = caches or {}
    return {
        lang.code: make_environment(
            settings, template_dirs, media, words, codes, shared, caches.get(lang.code)
        )
        for lang, words in languages
    }


def shared_files(static: Iterable[str], media: Media) -> frozenset[str]:
    """The files every language shares: the site's ``static`` files and its images."""
    return frozenset((*static, *media.files, *media.cards, *media.share.values()))


def show_whatson(env: jinja2.Environment, whatson: Whatson) -> None:
    """Give the environment the site's navigation (its pages and sections)."""
    env.globals["navigation"].show(whatson.menu)


class Navigation:
    """The navigation's HTML for a page's path (``navigation(page.path)`` in a template),
    rendered from ``_menu.html`` once for each item that can be the current one: the same
    few variants on every page, rather than the menu rendered again for each page."""

    def __init__(self, env: jinja2.Environment):
        self.env, self.items, self.html = env, DEFAULT_ITEMS, {}

    def show(self, items: tuple) -> None:
        self.items, self.html = items, {}

    def __call__(self, path: str) -> Markup:
        path = path.removeprefix(self.env.language.prefix)  # type: ignore[attr-defined]
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
    if kind is FilmRefs:
        return [films[slug] for slug in value.slugs]
    if kind is list or kind is tuple:
        return kind([resolve(item, films) for item in value])
    if kind is dict:
        return {key: resolve(item, films) for key, item in value.items()}
    return value


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """Render one page, its films taken from :func:`show_films`' mapping; any fault of
    its templates (see :func:`templating.placed_faults`) is a FilmpageError naming the
    template's file and line and this page. The templates see the page's path within
    its language (``films/x/index.html`` for ``fr/films/x/index.html``). With the
    ``relative_links`` setting, an HTML page's internal links are made relative."""
    context = resolve(page.context, env.globals["cards"].films)
    prefix = env.language.prefix  # type: ignore[attr-defined]
    shown = page
    if prefix and page.path.startswith(prefix):
        shown = Page(page.path[len(prefix) :], page.template, page.context)
    with placed_faults(env, f"while rendering {page.path}", page.template):
        template = env.get_template(page.template)
        text = template.render(page=shown, **context)
    settings = env.globals["site"]
    if settings.relative_links and page.path.endswith(".html"):
        text = relative_links(text, page.path, env.root_base, prefix)  # type: ignore[attr-defined]
    return text.encode("utf-8")


_LINK = re.compile(r'(\s(?:href|src|action|poster)=")([^"]*)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
_REFRESH = re.compile(r'(<meta http-equiv="refresh" content="\d+; url=)([^"]*)"')


def relative_links(html: str, page_path: str, base: str, prefix: str = "") -> str:
    """The page's internal links (those under ``base``, as the ``url`` filter writes them)
    made relative to the page, and each folder's link to its ``index.html``: so the site
    works opened from disk (``file://`` shows a folder's listing, not its index) or from
    any folder of a server. Full URLs (canonical, share links) are left as they are.
    ``page_path`` is the page's place in the site, under its language's folder
    (``prefix``), which the script's ``data-base`` names."""
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
    home = up + prefix or "./"
    return html.replace(f' data-base="{base}{prefix}"', f' data-base="{home}"', 1)


def _split(rest: str) -> tuple[str, str, str]:
    """A path and what follows it: ``('search/', '?', 'q=x')``."""
    for at, char in enumerate(rest):
        if char in "?#":
            return rest[:at], char, rest[at + 1 :]
    return rest, "", ""


def _srcset_part(part: str, local) -> str:
    url, _, width = part.strip().partition(" ")
    return f"{local(url)} {width}".rstrip()
