"""What is worked out from one film alone, once, when its record is read: its outline
(what the catalogue reads of it), its search words and its figures (what the statistics
page averages). A build keeps them with the record, so a film that did not change is
never looked at again to make the catalogue, the search index or the statistics."""

from __future__ import annotations

from dataclasses import dataclass

from .localized import translated_text
from .model import Film, Outline, outline
from .searchindex import film_words, words


@dataclass(frozen=True, slots=True)
class Figures:
    """What the statistics page averages of one film."""

    tomatometer: int | None
    critics_rating: float | None
    runtime: int | None
    ratings: tuple[float, ...]  # every customer rating given


def figures_text(figures: Figures) -> str:
    """Figures as a short line of text (``70|8.4|95|4.0,5.0``), quick to read back: a
    build reads every film's, from the store, to make the statistics."""
    values = (figures.tomatometer, figures.critics_rating, figures.runtime)
    ratings = ",".join(map(repr, figures.ratings))
    return "|".join("" if v is None else repr(v) for v in values) + "|" + ratings


def figures_of(text: str) -> Figures:
    """The figures of :func:`figures_text`."""
    tomatometer, critics, runtime, ratings = text.split("|")
    return Figures(
        int(tomatometer) if tomatometer else None,
        float(critics) if critics else None,
        int(runtime) if runtime else None,
        tuple(map(float, ratings.split(","))) if ratings else (),
    )


@dataclass(frozen=True, slots=True)
class Derived:
    outline: Outline
    words: str  # the film's search words, space-separated, sorted
    figures: Figures
    # the search words of each language the record translates its text into (its own
    # title's words among them, so the title it is known by still finds it)
    translated: tuple[tuple[str, str], ...] = ()

    def words_in(self, language: str) -> str:
        """The film's search words on the pages of ``language``."""
        return search_words(self.search, language)

    @property
    def search(self) -> SearchWords:
        """Its search words in every language, without the rest (kept by a preview server)."""
        return self.words, self.translated


SearchWords = tuple[str, tuple[tuple[str, str], ...]]
"""A film's search words, and those of each language its record translates it into."""


def search_words(search: SearchWords, language: str) -> str:
    """The search words of :attr:`Derived.search` on the pages of ``language``."""
    own, translated = search
    return next((w for code, w in translated if code == language), own)


def derive(film: Film) -> Derived:
    critics = film.critics
    figures = Figures(
        critics.tomatometer if critics else None,
        critics.average_rating if critics else None,
        film.runtime or None,
        tuple(r.rating for r in film.customer_reviews if r.rating is not None),
    )
    translated = tuple(
        (t.language, " ".join(sorted(film_words(translated_text(film, t.language))
                                     | words(film.title))))
        for t in film.translations
    )  # fmt: skip
    return Derived(outline(film), " ".join(sorted(film_words(film))), figures, translated)
