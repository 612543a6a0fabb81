"""What the format readers yield: rows of a film's fields, rows skipped, notes, lists.

A :class:`Row` holds the contract's fields as Python values (texts, whole numbers,
lists, the credits mapping), the film's identifiers, its customer reviews, and the
row's original data, so that the report can show a row exactly as it was read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .values import ID_READERS, BadValue, markdown_text

RATING_ONLY = "rating_only"  # marks a review made from a bare rating, to merge away


@dataclass(frozen=True, order=True)
class Origin:
    file: str
    line: int = 0  # a table's line, or a JSON file's entry (``entry``)
    entry: bool = False

    def __str__(self) -> str:
        if self.entry:
            return f"{self.file}, entry {self.line}"
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Row:
    origin: Origin
    data: dict[str, str]
    fields: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    lists: list[tuple[str, int, str]] = field(default_factory=list)  # (list key, position, note)
    notes: list[str] = field(default_factory=list)  # values left out, and why

    def add_id(self, kind: str, text: str) -> None:
        """An identifier in the contract's form, or a note saying why it was left out."""
        if not text.strip():
            return
        try:
            self.ids[kind] = ID_READERS[kind](text)
        except BadValue as exc:
            self.notes.append(f"{kind}: {exc}; left out")


@dataclass(frozen=True)
class Skip:
    origin: Origin
    reason: str
    data: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Note:
    """Something the user should know about a file (an encoding guessed, a rating scale)."""

    origin: Origin
    message: str


@dataclass(frozen=True)
class ListInfo:
    """A list (a Letterboxd list) that becomes a collection of the contract."""

    key: str  # its slug: content/collections/<key>.md
    title: str
    description: str
    origin: Origin


def review(body: str, rating: float | int | None = None, date: str = "", bare: bool = False):
    """A customer review of the contract (``body`` checked against the build's limits)."""
    item: dict[str, Any] = {"body": markdown_text(body, "review")}
    if rating is not None:
        item["rating"] = rating
    if date:
        item["date"] = date
    if bare:
        item[RATING_ONLY] = True
    return item


BARE_TEXT = re.compile(r"Rated [0-9.]+ out of [0-9.]+(?: on [^.]+)?\.")
"""What a review made from a bare rating says (:func:`bare_text`)."""


def bare_text(rating: str, scale: str, rated_on: str) -> str:
    """The text of a review made from a bare rating: "Rated 4 out of 5 on Letterboxd."."""
    return f"Rated {rating} out of {scale}{f' {rated_on}' if rated_on else ''}."


def is_bare(item: Any) -> bool:
    """Whether a record's review is one an import made from a bare rating (its text as
    :func:`bare_text` writes it)."""
    body = item.get("body") if isinstance(item, dict) else None
    return isinstance(body, str) and BARE_TEXT.fullmatch(body.strip()) is not None


def without_marks(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != RATING_ONLY}
