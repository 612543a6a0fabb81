"""Languages: which ones a site may be published in, and their message catalogues.

The theme's words (its templates' and the labels the code makes) are English in the
source and go through gettext; a compiled catalogue for each shipped language sits in
``locales/<id>/LC_MESSAGES/filmpage.mo`` beside this module (its ``.po`` beside it, made
with Babel: see the README). A site may add strings or change any of them, in any
language, with a PO file of its own, ``locales/<code>.po``; such a file may also bring a
language the package does not ship.

A language is named as a BCP 47 tag (``fr``, ``pt-BR``, ``zh-Hans``); it is given the
most specific catalogue that fits (``pt-BR`` takes ``pt``, ``zh-CN`` takes ``zh_Hans``,
``en-GB`` the English source) and its own region's formats (:mod:`filmpage.formats`).
"""

from __future__ import annotations

import gettext
import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from .errors import Problems
from .inputs import MAX_SETTINGS_BYTES, Refused, read_regular, utf8_text

DOMAIN = "filmpage"
SOURCE = "en"  # the language of the msgids: needs no catalogue
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SITE_LOCALES = "locales"  # a site's own catalogues: locales/<code>.po
CODE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def N_(message: str) -> str:
    """Marks a string for the catalogues where it is defined; it is translated where it
    is shown (``words.translate(message)``)."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a plural pair for the catalogues (``words.ngettext(*pair, n)`` shows it)."""
    return singular, plural


@dataclass(frozen=True)
class Language:
    """One language of a site: its code as the settings write it (``pt-BR``), its name in
    itself (``português (Brasil)``), and the folder of its pages (``""`` for the first
    language, at the site's root; ``"pt-BR/"`` for the others)."""

    code: str
    name: str
    prefix: str


@lru_cache(maxsize=1)
def shipped() -> tuple[str, ...]:
    """The locale ids of the catalogues the package ships, and the English source."""
    found = {p.parent.parent.name for p in LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return tuple(sorted(found | {SOURCE}))


def site_codes(root: Path | None) -> dict[str, Path]:
    """The site's own catalogues, ``locales/<code>.po``, by locale id."""
    folder = root / SITE_LOCALES if root is not None else None
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.glob("*.po")):
        ident = locale_id(path.stem)
        if ident is not None:
            found[ident] = path
    return found


@lru_cache(maxsize=256)
def locale_id(code: str) -> str | None:
    """Babel's id of a BCP 47 tag (``pt-BR`` -> ``pt_BR``), or None when Babel knows no
    such locale."""
    if not CODE.fullmatch(code):
        return None
    try:
        return str(Locale.parse(code, sep="-"))
    except (UnknownLocaleError, ValueError):
        return None


def candidates(ident: str) -> list[str]:
    """The catalogues that may serve a locale, most specific first: ``zh_Hant_TW``,
    ``zh_Hant``, ``zh``; ``zh_CN`` is first made ``zh_Hans_CN`` (its likely script)."""
    likely = get_global("likely_subtags")
    parts = ident.split("_")
    if len(parts) == 1 or (len(parts) == 2 and len(parts[1]) == 2):  # no script: add it
        full = likely.get(ident) or likely.get(parts[0], ident)
        language, script = full.split("_")[:2] if "_" in full else (full, "")
        region = parts[1] if len(parts) == 2 else ""
        parts = [p for p in (language, script, region) if p]
    found = []
    for end in range(len(parts), 0, -1):
        found.append("_".join(parts[:end]))
    if len(parts) == 3:
        found.insert(1, f"{parts[0]}_{parts[2]}")  # pt_BR before pt_Latn
    return list(dict.fromkeys([ident, *found]))


def catalogue_of(code: str, site: dict[str, Path]) -> str | None:
    """The id of the catalogue that serves ``code`` (shipped, or the site's), or None."""
    ident = locale_id(code)
    if ident is None:
        return None
    available = set(shipped()) | set(site)
    return next((c for c in candidates(ident) if c in available), None)


def language_problem(code: str, site: dict[str, Path]) -> str | None:
    """What is wrong with a language code of the settings, naming what is available."""
    if catalogue_of(code, site) is not None:
        return None
    ids = sorted(set(shipped()) | set(site))
    listed = ", ".join(f"{tag(i)} ({language_name(tag(i))})" for i in ids)
    what = "not a language code" if locale_id(code) is None else "no translations for"
    hint = f" (write it {code.replace('_', '-')!r})" if "_" in code else ""
    return (
        f"{what} {code!r}{hint}; the languages available are {listed}; a site adds "
        f"one, or changes any of its words, with {SITE_LOCALES}/<code>.po"
    )


def tag(ident: str) -> str:
    """The BCP 47 tag of a locale id (``zh_Hans`` -> ``zh-Hans``)."""
    return ident.replace("_", "-")


def language_name(code: str) -> str:
    """A language's name in itself, as a reader looks for it in a switcher."""
    ident = locale_id(code)
    if ident is None:
        return code
    locale = Locale.parse(ident)
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def site_languages(codes: tuple[str, ...]) -> tuple[Language, ...]:
    """The site's languages: the first at the root, the others under ``<code>/``."""
    return tuple(
        Language(code, language_name(code), "" if i == 0 else f"{code}/")
        for i, code in enumerate(codes)
    )


@dataclass(frozen=True)
class Catalogue:
    """A language's messages: the shipped catalogue with the site's over it."""

    translations: gettext.NullTranslations
    digest: bytes  # of every file it was made from


def load_catalogue(code: str, root: Path | None, problems: Problems) -> Catalogue:
    """The messages of ``code``: the shipped catalogue that serves it, then the site's
    ``locales/<language>.po`` and ``locales/<code>.po`` over it (problems reported)."""
    site = site_codes(root)
    ident = locale_id(code) or SOURCE
    h = hashlib.blake2b(digest_size=16)
    base: gettext.NullTranslations = gettext.NullTranslations()
    chain = candidates(ident)
    served = next((c for c in chain if c in shipped()), SOURCE)
    if served != SOURCE:
        data = (LOCALES_DIR / served / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
        h.update(data)
        base = Translations(io.BytesIO(data), domain=DOMAIN)
    for ident_ in reversed([c for c in chain if c in site]):
        found = _site_catalogue(site[ident_], root, ident_, problems)
        if found is not None:
            data, extra = found
            h.update(data)
            if isinstance(base, Translations):
                base.merge(extra)
            else:
                extra.add_fallback(base)
                base = extra
    return Catalogue(base, h.digest())


_FORMAT = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _site_catalogue(
    path: Path, root: Path | None, ident: str, problems: Problems
) -> tuple[bytes, Translations] | None:
    """A site's PO file, read under the file rule and checked: every placeholder of a
    translation must be one its message has (else pages would fail to render)."""
    shown = f"{SITE_LOCALES}/{path.name}"
    try:
        data = read_regular(str(path), MAX_SETTINGS_BYTES, root)
        text = utf8_text(data, "the catalogue")
        catalog = read_po(io.StringIO(text), locale=ident, domain=DOMAIN, abort_invalid=True)
    except Refused as exc:
        problems.error(shown, exc.line, exc.column, "", exc.message)
        return None
    except PoFileError as exc:
        what = str(exc).split(" on ")[0]
        problems.error(shown, _line_of(text, exc), 0, "", f"not a PO catalogue: {what}")
        return None
    bad = False
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        allowed = {a or b for i in ids for a, b in _FORMAT.findall(i)}
        for string in strings:
            unknown = sorted({a or b for a, b in _FORMAT.findall(string)} - allowed)
            if unknown:
                line = message.lineno or 0
                problems.error(shown, line, 0, "msgstr", _placeholder_message(unknown, allowed))
                bad = True
    if bad:
        return None
    out = io.BytesIO()
    write_mo(out, catalog)
    return data, Translations(io.BytesIO(out.getvalue()), domain=DOMAIN)


def _line_of(text: str, exc: PoFileError) -> int:
    """Where Babel's complaint stands in the file (its own count is not always kept)."""
    line = (getattr(exc, "line", "") or "").strip()
    if line:
        for number, text_line in enumerate(text.splitlines(), 1):
            if text_line.strip() == line:
                return number
    return (getattr(exc, "lineno", -1) or 0) + 1  # Babel counts from 0


def _placeholder_message(unknown: list[str], allowed: set[str]) -> str:
    names = ", ".join(unknown)
    given = ", ".join(sorted(allowed)) or "none"
    return (
        f"the translation uses {names}, which its message does not give "
        f"(the message gives: {given})"
    )
