"""Pieces of HTML shared by many pages: each film's catalogue card and its poster at card
size, rendered once per language and reused by every page that shows them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from .templating import placed_faults

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
        self.fresh: set[str] = set()  # the films whose piece was rendered since taken
        # a film's piece as an earlier build rendered it, if it is kept and still the same
        self.recall: Callable[[str], str | None] = lambda slug: None

    def __missing__(self, slug: str) -> Markup:
        kept = self.recall(slug)
        if kept is not None:
            card = self[slug] = Markup(kept)
            return card
        with self._placed():
            if self.template is None:
                self.template = self.env.from_string(_PIECE % self.call)
            card = Markup(self.template.render(film=self.films[slug]))
        self[slug] = card
        self.fresh.add(slug)
        return card

    def take_fresh(self) -> dict[str, str]:
        """The pieces rendered since the last call, by slug: those to keep for later."""
        fresh = {slug: str(self[slug]) for slug in sorted(self.fresh) if slug in self}
        self.fresh = set()
        return fresh

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
        self.fresh.add(slug)
        return ""

    def _placed(self):
        """A template fault, as a FilmpageError naming the template file and line."""
        return placed_faults(self.env, f"while rendering {self.what}", "_macros.html")


def render_cards(env: jinja2.Environment, slugs: Iterable[str]) -> None:
    """Render the cards of these films, and the small posters they show, now."""
    slugs = list(dict.fromkeys(slugs))
    env.globals["small_posters"].render(slugs)
    env.globals["cards"].render(slugs)
