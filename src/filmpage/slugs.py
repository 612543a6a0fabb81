"""URL slugs: lowercase ASCII words joined by single hyphens, transliterated when needed."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

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
    """``'Amélie'`` -> ``'amelie'``; ``'归途列车'`` -> ``'gui-tu-lie-che'``; may return ``''``."""
    ascii_text = text if text.isascii() else _transliterate(unicodedata.normalize("NFC", text))
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    return _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")


def is_slug(text: str) -> bool:
    """True when ``text`` is already a valid slug (the contract's rule for ``slug:``)."""
    return bool(SLUG_RE.fullmatch(text))
