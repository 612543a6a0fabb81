"""What the render workers share rather than each make (:func:`before_forking`), and the
films' cards and small posters (``pieces.Cards``) that earlier builds rendered, kept in
the build store: an edit renders the pages that show the film, a person's page
shows dozens of other films' cards, and rendering them again was most of its time.

A piece is kept with a key of everything it was rendered from: its kind, the language,
what every page has (``Fingerprints.common``: the version, the settings, the languages'
catalogues, the navigation), the macros' template and all it pulls in, and the film's
print (all of the film a page can show). A piece whose key is not the one this build
would give it is rendered again.
"""

from __future__ import annotations

import os

import jinja2

from ..pages import Page, films_listed
from ..render import render_cards
from ..store import Store, digest, reader
from ..templaterefs import compile_templates
from .memory import Memory, PlanPage
from .plan import Fingerprints, Plan

KINDS = ("cards", "small_posters")
MACROS = "_macros.html"


def _key(kind: str, code: str, prints: Fingerprints, slug: str) -> bytes:
    made_from = prints.common + prints.templates.get(MACROS, b"") + prints.prints[slug]
    return digest(f"{kind}|{code}|".encode() + made_from)


def before_forking(
    envs: dict[str, jinja2.Environment], plan: Plan, todo: list[int], prints: Fingerprints,
    jobs: int, memory: Memory,
) -> None:  # fmt: skip
    """Make, in this process, what the render workers forked next share: the templates of
    the ``todo`` pages (positions in the plan's pages), compiled or read back; the way to
    the cards that earlier builds rendered (but of the films that changed since); and
    when every page renders, the lists' cards, in one pass."""
    pages = plan.pages
    for env in envs.values() if todo else ():
        compile_templates(env, {pages[i].template for i in todo}, prints.references)
    store = memory.store if prints.before else None  # (a first build: nothing kept)
    for code, env in envs.items():
        for kind in KINDS:
            kept = KeptPieces(store, prints, kind, code, plan.changed) if store else None
            env.globals[kind].recall = kept or (lambda slug: None)
    if jobs > 1 and not prints.before:
        for code, env in envs.items():
            render_cards(env, (r.slug for i in todo for r in _listed(pages[i], code)))


def _listed(page: Page | PlanPage, language: str):
    if isinstance(page, Page) and page.context.get("lang") == language:
        return films_listed(page)
    return ()


class KeptPieces:
    """A film's piece of one kind in one language as the store keeps it, when it is what
    this build would render (``Cards.recall``); asked in whichever process renders: a
    render worker opens the store on its own (a connection is never shared across a
    fork)."""

    def __init__(self, store: Store, prints: Fingerprints, kind: str, code: str,
                 changed: set[str]):  # fmt: skip
        self.store, self.prints, self.kind, self.code = store, prints, kind, code
        self.pid, self.own, self.changed = os.getpid(), store, changed

    def __call__(self, slug: str) -> str | None:
        if slug not in self.prints.prints or slug in self.changed:
            return None
        if self.pid != os.getpid():
            self.pid, self.own = os.getpid(), reader(self.store.path)
        rows = self.own.checked(
            "SELECT slug, kind, lang, key, html, check_ FROM pieces "
            "WHERE slug = ? AND kind = ? AND lang = ?", (slug, self.kind, self.code))  # fmt: skip
        for *_, key, html in rows:
            if key == _key(self.kind, self.code, self.prints, slug):
                return html
        return None


def fresh_pieces(envs: dict[str, jinja2.Environment], prints: Fingerprints) -> list[tuple]:
    """The pieces this process rendered since the last call, as the store's rows."""
    return [
        (slug, kind, code, _key(kind, code, prints, slug), html)
        for code, env in envs.items()
        for kind in KINDS
        for slug, html in env.globals[kind].take_fresh().items()
        if slug in prints.prints
    ]
