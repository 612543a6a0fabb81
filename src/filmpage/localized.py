"""A film in one of the site's languages: its record's ``translations`` read and checked,
and the film as that language's pages show it.

A record may give, for each language of the site, a ``title``, a ``tagline`` and a
``plot`` (Markdown, sanitized as the record's own); what it does not give falls back to
the record's own text. The labels of its credits are put in the language too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from . import yamldoc
from .errors import Problems
from .formats import Words
from .i18n import CODE
from .model import Film, Outline, Role, Translation

TRANSLATION_FIELDS = ("title", "tagline", "plot")

Markdown = Callable[[yamldoc.Reader, str, str, tuple[int, int], list[int]], str]


def read_translations(
    read: yamldoc.Reader, node: yamldoc.Map | None, budget: list[int], markdown: Markdown
) -> tuple[Translation, ...]:
    """The record's ``translations``: language code -> ``{title, tagline, plot}``, each
    optional (``markdown`` renders a plot within the record's ``budget``)."""
    if node is None:
        return ()
    found = []
    for code, (key, value) in node.entries.items():
        where = f"translations.{code}"
        if not CODE.fullmatch(code):
            read.error(key, where, f"expected a language code like fr or pt-BR, got {code!r}")
            continue
        entry = read.mapping(value, where)
        if entry is None:
            continue
        read.warn_unknown(entry, TRANSLATION_FIELDS, f"{where}.")
        title = read.text(entry.get("title"), f"{where}.title")
        tagline = read.text(entry.get("tagline"), f"{where}.tagline")
        plot_node = entry.get("plot")
        plot = read.text(plot_node, f"{where}.plot")
        plot_html = None
        if plot is not None and plot.strip() and plot_node is not None:
            at = (plot_node.line, plot_node.column)
            plot_html = markdown(read, plot, f"{where}.plot", at, budget)
        found.append(Translation(code, title or None, tagline or None, plot_html or None))
    return tuple(found)


def check_languages(films: Iterable[Outline], codes: tuple[str, ...], problems: Problems) -> None:
    """Warn of each translation into a language the site is not published in: no page
    shows it (a typo, or a language dropped from the settings)."""
    for film in films:
        for code, _ in film.titles:
            if code not in codes:
                at = film.positions.get("translations", (0, 0))
                line, column = film.positions.get(f"translations.{code}", at)
                problems.warning(
                    film.file,
                    line,
                    column,
                    f"translations.{code}",
                    f"{code!r} is not one of the site's languages ({', '.join(codes)}), so "
                    "no page shows this translation; add it to 'languages' in filmpage.yml",
                )


def translated_text(film: Film, language: str) -> Film:
    """The film with its title, tagline and plot in ``language`` where its record gives
    them (the rest as the record writes it)."""
    for t in film.translations:
        if t.language == language:
            return replace(
                film,
                title=t.title or film.title,
                tagline=t.tagline or film.tagline,
                plot_html=t.plot_html or film.plot_html,
            )
    return film


def localize(film: Film, words: Words, titles: Callable[[str], str | None] | None = None) -> Film:
    """The film as the pages of ``words``' language show it: its translated text, the
    labels of its roles in the language, and the titles of the films of this catalogue
    it names as related as that language has them (``titles``: a film's title there by
    slug, None where it keeps its own)."""
    shown = translated_text(film, words.code)
    credits = tuple(_role(role, words) for role in film.credits)
    if any(new is not old for new, old in zip(credits, film.credits, strict=True)):
        shown = replace(shown, credits=credits)
    if titles is not None and any(r.slug for r in film.related):
        related = tuple(
            replace(r, title=title) if r.slug and (title := titles(r.slug)) else r
            for r in film.related
        )
        if related != film.related:
            shown = replace(shown, related=related)
    return shown


def _role(role: Role, words: Words) -> Role:
    label = words.role(role.key, len(role.people), role.label)
    return role if label == role.label else Role(role.key, label, role.people)
