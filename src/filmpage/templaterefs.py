"""Which templates each template pulls in by name (extends, import, include), and what
follows from it: each template's hash for the pages' fingerprints (editing one template
touches only its users) and the templates compiled before the pages render.

Finding a template's references means parsing it: each template's are kept by a hash of
its source (:func:`source_key`), which the build store keeps for the next build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

import jinja2
from jinja2 import meta

from .errors import Problems

MENU_TEMPLATE = "_menu.html"
"""The navigation's template: every page shows it (its hash is part of every page's)."""

References = dict[str, frozenset[str]]
"""The templates each template pulls in, by template name."""

ANY = "*"
"""Among a template's references: a template named by a value (``{% include t %}``),
which may be any of them."""


def source_key(source: str) -> str:
    return hashlib.blake2b(source.encode(), digest_size=16).hexdigest()


def template_references(
    env: jinja2.Environment,
    sources: Mapping[str, str],
    known: Mapping[str, frozenset[str]],
    problems: Problems,
) -> References:
    """The templates each template pulls in, for every template of ``sources`` (their
    texts by name); ``known`` gives those found before, by :func:`source_key` (a build
    keeps those of templates that parsed). A template that cannot be parsed is an error
    at its file and line, whether a page uses it or not."""
    found = {}
    for name, source in sources.items():
        refs = known.get(source_key(source))
        if refs is None:
            try:
                names = set(meta.find_referenced_templates(env.parse(source)))
                refs = frozenset(name or ANY for name in names)
            except jinja2.TemplateSyntaxError as exc:
                file = env.loader.get_source(env, name)[1] if env.loader else name
                problems.error(file, exc.lineno or 0, 0, "", f"template syntax: {exc.message}")
                refs = frozenset()
        found[name] = refs
    return found


def _pulled_in(names: Iterable[str], references: References) -> set[str]:
    """These templates, the navigation's, and every template they pull in."""
    seen, todo = set(), [*names, MENU_TEMPLATE]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            pulled = references.get(current, frozenset())
            todo.extend(references if ANY in pulled else pulled)
    return seen


def template_hashes(sources: Mapping[str, str], references: References) -> dict[str, bytes]:
    """For every template, a hash of its source and of every template it pulls in."""
    hashes = {}
    for name in sorted(sources):
        h = hashlib.blake2b(digest_size=16)
        for dep in sorted(_pulled_in([name], references)):
            h.update(dep.encode() + b"\0" + sources.get(dep, "").encode() + b"\0")
        hashes[name] = h.digest()
    return hashes


def compile_templates(
    env: jinja2.Environment, names: Iterable[str], references: References
) -> None:
    """Compile (or read back) these templates and all they pull in, in this process: the
    render workers forked next share them rather than each compiling its own, and the
    environment's code cache sees them all. A template that cannot be compiled is left
    to the first page that uses it, which reports it with its file and line."""
    for name in sorted(_pulled_in(names, references)):
        try:
            env.get_template(name)
        except Exception:  # whatever it is, the page that uses it reports it, placed
            continue
