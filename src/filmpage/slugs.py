"""URL slugs: lowercase ASCII words joined by single hyphens, transliterated when needed."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping

from anyascii import anyascii

MAX_SLUG = 100
"""The longest slug, in characters (ASCII: bytes). Slugs name folders and files of the
site (``films/<slug>/``, ``posters/<slug>-<hash>-400.webp``), and a file name may have
255 bytes on most file systems: bounded slugs keep every name the build writes within it."""


def unread_film(slug: str, unread: Mapping[str, str]) -> str:
    """Why a slug no film has may be wanting, when a record named after it did not load
    (``unread``: such records by their names' stems): the errors that name the slug are
    then that record's, not typos."""
    file = unread.get(slug)
    return f": {file} did not load (see its errors)" if file else ""


SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _transliterate(text: str) -> str:
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            # CJK characters are each a syllable or a word: keep them apart.
            out.append(f" {anyascii(char)} ")
        else:
            out.append(anyascii(char))
    return "".join(out)


def slugify(text: str) -> str:
    """``'Amélie'`` -> ``'amelie'``; ``'归途列车'`` -> ``'gui-tu-lie-che'``; may return ``''``.

    A slug longer than :data:`MAX_SLUG` is shortened (:func:`shorten`)."""
    ascii_text = text if text.isascii() else _transliterate(unicodedata.normalize("NFC", text))
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    return shorten(_NON_ALNUM.sub("-", ascii_text.lower()).strip("-"))


def shorten(slug: str) -> str:
    """A slug of at most :data:`MAX_SLUG` characters: a longer one is cut after a whole
    word, to leave room for a hyphen and the first 8 hex digits of the SHA-1 of the whole
    slug, so two long titles that start alike keep two names. The same slug always gives
    the same result."""
    if len(slug) <= MAX_SLUG:
        return slug
    room = MAX_SLUG - 9
    cut = slug[:room]
    if slug[room] != "-" and "-" in cut[room // 2 :]:
        cut = cut[: cut.rindex("-")]  # after a whole word, when one ends in the second half
    return f"{cut.strip('-')}-{hashlib.sha1(slug.encode()).hexdigest()[:8]}"


def is_slug(text: str) -> bool:
    """True when ``text`` is already a valid slug (the contract's rule for ``slug:``)."""
    return bool(SLUG_RE.fullmatch(text))
