"""What is worked out from one film alone, once, when its record is read: its outline
(what the catalogue reads of it), its search words and its figures (what the statistics
page averages). A build keeps them with the record, so a film that did not change is
never looked at again to make the catalogue, the search index or the statistics."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Film, Outline, outline
from .searchindex import film_words


@dataclass(frozen=True)
class Figures:
    """What the statistics page averages of one film."""

    tomatometer: int | None
    critics_rating: float | None
    runtime: int | None
    ratings: tuple[float, ...]  # every customer rating given


@dataclass(frozen=True)
class Derived:
    outline: Outline
    words: str  # the film's search words, space-separated, sorted
    figures: Figures


def derive(film: Film) -> Derived:
    critics = film.critics
    figures = Figures(
        critics.tomatometer if critics else None,
        critics.average_rating if critics else None,
        film.runtime or None,
        tuple(r.rating for r in film.customer_reviews if r.rating is not None),
    )
    return Derived(outline(film), " ".join(sorted(film_words(film))), figures)
