"""What the render workers share rather than each make (:func:`before_forking`), and the
films' cards and small posters (``pieces.Cards``) that earlier builds rendered, kept in
the build store: an edit renders the pages that show the film, a person's page shows
dozens of other films' cards, and rendering them again was most of its time.

A piece is kept with a key of everything it was rendered from: its kind, the language,
what every page has (``Fingerprints.common``: the version, the settings, the languages'
catalogues, the navigation), the macros' template and all it pulls in, the film's print
(all of the film a page can show), and the piece itself, signed with the user's key
(``compiled.user_key``): a piece is HTML that goes into pages as it is, and one planted
in the store, or altered there, cannot carry a key that matches. A piece whose key is
not the one this build would give it is rendered again. Only this process's pieces are
kept, not a render worker's (every list's cards are rendered here when every page
renders, and an edit's few pages render here).
"""

from __future__ import annotations

import hmac
import sqlite3

import jinja2

from ..pages import Page, films_listed
from ..render import render_cards
from ..templaterefs import compile_templates
from .compiled import signed
from .memory import Memory
from .plan import Fingerprints, Plan
from .planrows import PlanPage

KINDS = ("cards", "small_posters")
MACROS = "_macros.html"
QUERY = "SELECT key, html FROM pieces WHERE slug = ? AND kind = ? AND lang = ?"


def _key(kind: str, code: str, prints: Fingerprints, slug: str, html: str, secret: bytes) -> bytes:
    """The signature of a piece: what it was rendered from, and the HTML it is."""
    made_from = prints.common + prints.templates.get(MACROS, b"") + prints.prints[slug]
    return signed(secret, f"{kind}|{code}".encode(), made_from, html.encode())


def before_forking(
    envs: dict[str, jinja2.Environment], plan: Plan, todo: list[int], prints: Fingerprints,
    jobs: int, memory: Memory, secret: bytes | None,
) -> None:  # fmt: skip
    """Make, in this process, what the render workers forked next share: the templates of
    the ``todo`` pages (positions in the plan's pages), compiled or read back; the way to
    the cards that earlier builds rendered (but of the films that changed since; none
    without the user's key, ``secret``); and when every page renders, the lists' cards,
    in one pass."""
    pages = plan.pages
    for env in envs.values() if todo else ():
        compile_templates(env, {pages[i].template for i in todo}, prints.references)
    kept = memory.store is not None and prints.before and secret  # (a first build: none)
    for code, env in envs.items():
        for kind in KINDS:
            recall = KeptPieces(memory, prints, kind, code, plan.changed, secret) if kept else None
            env.globals[kind].recall = recall or (lambda slug: None)
    if jobs > 1 and not prints.before:
        for code, env in envs.items():
            render_cards(env, (slug for i in todo for slug in _listed(pages[i], code)))


def _listed(page: Page | PlanPage, language: str):
    if isinstance(page, Page) and page.context.get("lang") == language:
        return films_listed(page)
    return ()


class KeptPieces:
    """A film's piece of one kind in one language as the store keeps it, when it is what
    this build would render (``Cards.recall``); asked in whichever process renders
    (``Memory.store_here``)."""

    def __init__(self, memory: Memory, prints: Fingerprints, kind: str, code: str,
                 changed: set[str], secret: bytes):  # fmt: skip
        self.memory, self.prints, self.kind, self.code = memory, prints, kind, code
        self.changed, self.secret = changed, secret

    def __call__(self, slug: str) -> str | None:
        store = self.memory.store_here()
        if store is None or slug not in self.prints.prints or slug in self.changed:
            return None
        try:
            rows = store.rows(QUERY, (slug, self.kind, self.code))
        except sqlite3.Error:  # (the store is a cache: the piece is rendered)
            return None
        for key, html in rows:  # (the signature checks the row: it has no check of its own)
            expected = _key(self.kind, self.code, self.prints, slug, html, self.secret)
            if hmac.compare_digest(key, expected):
                return html
        return None


def fresh_pieces(
    envs: dict[str, jinja2.Environment], prints: Fingerprints, secret: bytes | None
) -> list[tuple]:
    """The pieces this process rendered since the last call, as the store's rows, signed
    with the user's key (``secret``; none without it)."""
    return [
        (slug, kind, code, _key(kind, code, prints, slug, html, secret), html)
        for code, env in envs.items()
        for kind in KINDS
        for slug, html in env.globals[kind].take_fresh().items()
        if slug in prints.prints and secret
    ]
