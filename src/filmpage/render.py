"""Pages to bytes: the Jinja environment, its helpers and filters, and rendering.

Templates come from the site's ``templates/`` first, then the built-in theme, file by
file (a ``ChoiceLoader``). Autoescape is on for HTML and XML and undefined names are
errors, so a template typo fails the build instead of printing an empty string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from markupsafe import Markup

from . import __version__, structured
from .catalogue import name_slug
from .codec import FilmRef
from .errors import FilmpageError, Problem
from .images import NO_MEDIA, Media, title_hue
from .pages import Page
from .settings import Settings
from .whatson import DEFAULT_ITEMS, Whatson

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹",
                    "CAD": "CA$", "AUD": "A$", "KRW": "₩"}  # fmt: skip


def extra_files(settings: Settings) -> dict[str, bytes]:
    """Files that come from settings rather than templates: the custom domain's CNAME."""
    return {"CNAME": settings.cname.encode() + b"\n"} if settings.cname else {}


def make_environment(
    settings: Settings,
    template_dirs: list[Path],
    media: Media = NO_MEDIA,
) -> jinja2.Environment:
    """A Jinja environment over the site's templates, then the theme's, with our helpers.

    Templates are compiled by each build that renders with them, never kept compiled:
    compiled templates are code, which a build does not read back from a cache."""
    env = jinja2.Environment(
        auto_reload=False,  # one build, one set of templates: no stat of each file per page
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in template_dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    base = settings.base_path

    def url(path: object = "") -> str:
        return base + str(path).lstrip("/")

    env.globals.update(
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
        long_date=long_date,
        day_date=day_date,
        atom_date=atom_date,
        # Filters as well as calls: a filter costs less in Jinja than a call (a film page
        # has dozens of links: 7% of its time), and one of constants costs nothing, as
        # Jinja computes it once when it compiles the template ('search/'|url).
        url=url,
        absolute_url=settings.absolute,
        person_url=lambda name: f"{base}people/{name_slug(name)}/",
        genre_url=lambda name: f"{base}genres/{name_slug(name)}/",
    )
    return env


def template_hashes(env: jinja2.Environment) -> dict[str, bytes]:
    """For every template, a hash of its source and of every template it pulls in
    (extends, import, include), so that editing one template touches only its users."""
    loader = env.loader
    names = loader.list_templates() if loader else []
    sources: dict[str, str] = {}
    refs: dict[str, set[str]] = {}
    for name in names:
        try:
            source = loader.get_source(env, name)[0]
            refs[name] = {r for r in meta.find_referenced_templates(env.parse(source)) if r}
        except jinja2.TemplateError:
            source, refs[name] = "", set()
        sources[name] = source
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
    """``value`` with each :class:`FilmRef` in it replaced by its film (in lists, tuples,
    dictionaries and dataclasses, as page contexts hold them)."""
    kind = type(value)
    if kind is FilmRef:
        return films[value.slug]
    if kind is list or kind is tuple:
        return kind(resolve(item, films) for item in value)
    if kind is dict:
        return {key: resolve(item, films) for key, item in value.items()}
    names = getattr(kind, "__dataclass_fields__", None)
    if names is not None and kind.__init__ is not object.__init__:
        values = {name: getattr(value, name) for name, f in names.items() if f.init}
        resolved = {name: resolve(item, films) for name, item in values.items()}
        if any(resolved[name] is not values[name] for name in values):
            return kind(**resolved)
    return value


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """Render one page, its films taken from :func:`show_films`' mapping, turning
    template faults into a placed FilmpageError."""
    context = resolve(page.context, env.globals["cards"].films)
    try:
        template = env.get_template(page.template)
        return template.render(page=page, **context).encode("utf-8")
    except jinja2.TemplateSyntaxError as exc:
        raise FilmpageError(
            Problem(
                exc.filename or exc.name or page.template,
                exc.lineno or 0,
                0,
                "",
                f"template syntax: {exc.message}",
            )
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise FilmpageError(
            Problem(page.template, 0, 0, "", f"template not found: {exc.name}")
        ) from exc
    except jinja2.TemplateError as exc:
        file, line = _template_frame(exc, page.template)
        raise FilmpageError(
            Problem(file, line, 0, "", f"while rendering {page.path}: {exc.message or exc}")
        ) from exc


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

    @contextmanager
    def _placed(self) -> Iterator[None]:
        """A template fault, as a FilmpageError naming the template file and line."""
        try:
            yield
        except jinja2.TemplateError as exc:
            file, line = _template_frame(exc, "_macros.html")
            message = getattr(exc, "message", None) or str(exc)
            raise FilmpageError(
                Problem(file, line, 0, "", f"while rendering {self.what}: {message}")
            ) from exc


def render_cards(env: jinja2.Environment, slugs: Iterable[str]) -> None:
    """Render the cards of these films, and the small posters they show, now."""
    slugs = list(dict.fromkeys(slugs))
    env.globals["small_posters"].render(slugs)
    env.globals["cards"].render(slugs)


def _template_frame(exc: BaseException, fallback: str) -> tuple[str, int]:
    """The template file and line where a render error happened (Jinja keeps them)."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return frame.filename, frame.lineno or 0
    return fallback, 0


def format_runtime(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if not hours:
        return f"{mins} min"
    return f"{hours} hr {mins} min" if mins else f"{hours} hr"


def format_price(price: Decimal | None, currency: str | None) -> str:
    if price is None:
        return ""
    amount = f"{price:.2f}" if price != price.to_integral() or currency else f"{price}"
    code = (currency or "").upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol:
        return f"{symbol}{amount}"
    return f"{amount} {code}".strip()


def format_rating(value: float, digits: int = 1) -> str:
    """8.4 -> '8.4', 4.0 -> '4', 4.25 -> '4.3' (halves up, not to even)."""
    text = str(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def long_date(date: dt.date) -> str:
    """'22 January 2010', the same under every locale."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_date(date: dt.date) -> str:
    """'Saturday 3 October 2026', the same under every locale."""
    return f"{DAYS[date.weekday()]} {long_date(date)}"


def atom_date(date: dt.date | None) -> str:
    """RFC 3339 midnight UTC of a content date; SOURCE_DATE_EPOCH (or the epoch) if none."""
    if date is None:
        epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0)
        return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{date.isoformat()}T00:00:00Z"


def json_script(value: Any) -> Markup:
    """JSON safe to embed in a <script> element: no '</script>' or '<!--' can break out."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
