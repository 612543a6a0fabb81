"""One language's words and formats: what a page in that language shows of numbers,
dates, prices, runtimes and labels.

:class:`Words` joins the language's messages (gettext, :mod:`filmpage.i18n`) and its
locale's formats (Babel, from the Unicode CLDR), so that a French page reads
"1 h 25 min", "15 décembre 1995", "12,99 $US", "87 %" and "Réalisation", a German one
"1 Std. 25 Min." and "15. Dezember 1995". The labels the code makes (roles, decades,
the Tomatometer bands) are here too, so that templates and the page plan name them
alike. The formats are Babel's data, never the machine's locale: the same site gives
the same bytes everywhere.
"""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent
from babel.units import format_unit

from .errors import Problems
from .i18n import N_, SOURCE, Language, Nn_, load_catalogue, locale_id, site_languages

KNOWN_ROLES = {
    # key: (singular label, plural label); a role's label matches its number of people
    "directors": Nn_("Director", "Directors"),
    "writers": Nn_("Writer", "Writers"),
    "producers": Nn_("Producer", "Producers"),
    "cast": Nn_("Cast", "Cast"),
    "cinematography": Nn_("Cinematography", "Cinematography"),
    "editors": Nn_("Editor", "Editors"),
    "music": Nn_("Music", "Music"),
}
BANDS = (  # the Tomatometer filter's bands: (id, lowest, highest)
    ("90", 90, 100),
    ("75", 75, 89),
    ("60", 60, 74),
    ("0", 0, 59),
)


class Words:
    """The words and formats of one language (``code``, a BCP 47 tag), from its
    ``translations`` (gettext) and its locale's data (Babel)."""

    def __init__(self, code: str, translations: gettext.NullTranslations | None = None):
        self.code = code
        self.locale = Locale.parse(locale_id(code) or SOURCE)
        self.translations = translations or gettext.NullTranslations()
        self.ngettext = self.translations.ngettext
        # gettext by another name, for a message marked where it is defined (N_): Babel's
        # extractor takes a keyword wrapping a keyword for a message of its own
        self.translate = self.translations.gettext
        # Babel reads its patterns again on each call (tens of microseconds), and a site
        # writes the same few numbers, scores, runtimes and prices thousands of times
        for name in ("number", "percent", "rating", "price", "date", "runtime"):
            setattr(self, name, lru_cache(maxsize=4096)(getattr(self, name)))

    # -- numbers -------------------------------------------------------------------
    def number(self, value: float | int | Decimal) -> str:
        """A count or a measure as the language writes it: 12,345 / 12 345 / 12.345."""
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float | int) -> str:
        """A score out of 100 (the Tomatometer): 87% / 87 %."""
        whole = int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))
        return format_percent(whole / 100, locale=self.locale)

    def rating(self, value: float, digits: int = 1) -> str:
        """8.4 -> '8.4' ('8,4' in French), 4.0 -> '4', 4.25 -> '4.3' (halves up)."""
        exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
        return format_decimal(exact, format="#,##0." + "#" * digits, locale=self.locale)

    def price(self, price: Decimal | None, currency: str | None) -> str:
        """A price in its currency as the language writes it: $12.99, 12,99 $US, £8.00,
        8,00 £GB; without a currency, the number alone (two decimals unless whole)."""
        if price is None:
            return ""
        if currency:
            return format_currency(price, currency.upper(), locale=self.locale)
        pattern = "#,##0" if price == price.to_integral() else "#,##0.00"
        return format_decimal(price, format=pattern, locale=self.locale)

    # -- dates and times -----------------------------------------------------------
    def date(self, date: dt.date, width: str = "long") -> str:
        """December 15, 1995 / 15 décembre 1995 / 15. Dezember 1995 / 1995年12月15日."""
        return format_date(date, width, locale=self.locale)

    def time(self, time: dt.time | dt.datetime, width: str = "short") -> str:
        """7:30 PM / 19:30: a screening's time (already in the venue's zone)."""
        return format_time(time, width, locale=self.locale)

    def datetime(self, moment: dt.datetime, width: str = "medium") -> str:
        return format_datetime(moment, width, locale=self.locale)

    def runtime(self, minutes: int) -> str:
        """1 hr 25 min / 1 h 25 min / 1 Std. 25 Min. / 1小时25分钟: the hours and the
        minutes in the language's short units (Babel), put together as its catalogue
        says (a language may show the minutes alone)."""
        hours, mins = divmod(minutes, 60)
        unit = lambda n, name: format_unit(n, name, length="short", locale=self.locale)  # noqa: E731
        if not hours:
            return unit(mins, "duration-minute")
        if not mins:
            return unit(hours, "duration-hour")
        # Translators: a runtime of hours and minutes ("1 hr 25 min"); %(total)s is the
        # whole runtime in minutes ("85 min"), for a language that writes it so.
        pattern = self.translate(N_("%(hours)s %(minutes)s"))
        return pattern % {
            "hours": unit(hours, "duration-hour"),
            "minutes": unit(mins, "duration-minute"),
            "total": unit(minutes, "duration-minute"),
        }

    # -- labels --------------------------------------------------------------------
    def role(self, key: str, count: int, label: str = "") -> str:
        """A role's label for ``count`` people: "Director", "Directors", "Réalisation";
        a role filmpage does not know keeps its ``label`` (made from its key), which the
        site's own catalogue may translate."""
        pair = KNOWN_ROLES.get(key)
        if pair is None:
            return self.translate(label) if label else label
        return self.translations.ngettext(pair[0], pair[1], count)

    def character(self, label: str) -> Callable[[str], str]:
        """A role with the character played, as a function of the character: "Cast" ->
        "Cast (Self)" (a person page writes one for each film the person played in)."""
        # Translators: a person's role in a film, with the character they played.
        pattern = self.translate(N_("%(role)s (%(character)s)"))
        return lambda character: pattern % {"role": label, "character": character}

    def decade(self, year: int) -> str:
        """A decade's name from its first year: 1990s / années 1990 / 1990er / 1990年代."""
        # Translators: a decade, from its first year: "1990s".
        return self.translate(N_("%(decade)ss")) % {"decade": year}

    def decade_of(self, name: str) -> str:
        """A decade's name from the catalogue's ("1990s"), in this language."""
        return self.decade(int(name[:-1])) if name[:-1].isdigit() else name

    @cached_property
    def bands(self) -> tuple[tuple[str, str], ...]:
        """The Tomatometer filter's choices, (id, label): "90% and above", ..."""
        p, t = self.percent, self.translate
        return (
            ("90", t(N_("%(low)s and above")) % {"low": p(90)}),
            ("75", t(N_("%(low)s to %(high)s")) % {"low": p(75), "high": p(89)}),
            ("60", t(N_("%(low)s to %(high)s (fresh)")) % {"low": p(60), "high": p(74)}),
            ("0", t(N_("Below %(high)s (rotten)")) % {"high": p(60)}),
        )

    def join(self, names: list[str] | tuple[str, ...]) -> str:
        """Names in a sentence: "A", "A and B", "A, B and C" (as the language joins them)."""
        names = list(names)
        if len(names) < 2:
            return "".join(names)
        last = self.translate(N_("%(names)s and %(last)s"))
        sep = self.translate(N_(", "))
        return last % {"names": sep.join(names[:-1]), "last": names[-1]}

    def plural_samples(self) -> dict[str, int]:
        """A whole number of each plural category of the language (CLDR's: one, few,
        many, other...), the first found counting up: for the script, which picks a
        message's form by ``Intl.PluralRules``."""
        rule = self.locale.plural_form
        found: dict[str, int] = {}
        for n in (*range(0, 200), 1000, 10_000, 100_000, 1_000_000, 10_000_000):
            found.setdefault(rule(n), n)
        return found


ENGLISH = Words(SOURCE)


def site_words(
    root: Path | None, codes: tuple[str, ...], problems: Problems
) -> tuple[tuple[tuple[Language, Words], ...], bytes]:
    """Each language of the site with its words (the shipped catalogue and the site's
    ``locales/`` over it; their problems reported), and a hash of every catalogue used."""
    h = hashlib.blake2b(digest_size=16)
    found = []
    for language in site_languages(codes):
        catalogue = load_catalogue(language.code, root, problems)
        h.update(language.code.encode() + b"\0" + catalogue.digest)
        found.append((language, Words(language.code, catalogue.translations)))
    return tuple(found), h.digest()
