"""Currency codes: a price is shown in its currency (``$12.99``, ``£8.00``), so a code
that is not one would show a wrong price ("EURO9.99"; "12" before a price of 2 made
"122.00"). The codes are ISO 4217's, as Babel knows them."""

from __future__ import annotations

from difflib import get_close_matches
from functools import cache

from babel.numbers import list_currencies


@cache
def _codes() -> frozenset[str]:
    return frozenset(list_currencies())


_NAMED = {
    "£": "GBP", "pound": "GBP", "sterling": "GBP", "€": "EUR", "euro": "EUR", "$": "USD",
    "dollar": "USD", "us$": "USD", "¥": "JPY", "yen": "JPY", "franc": "CHF", "krona": "SEK",
    "krone": "NOK", "yuan": "CNY", "rupee": "INR",
}  # fmt: skip
_COMMON = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK",
           "CNY", "INR", "BRL", "MXN", "KRW", "ZAR", "PLN", "CZK", "HUF", "TRY", "HKD")  # fmt: skip
"""A currency written by its name or sign, and the code it most likely means."""


def currency_problem(text: str) -> str | None:
    """Why ``text`` is not a currency code (None: it is one, in any case: ``gbp``)."""
    if text.upper() in _codes():
        return None
    named = _NAMED.get(text.strip().lower().removesuffix("s"))
    close = [named] if named else []
    if not close and len(text) <= 4:  # (a code mistyped; "POUNDS" is no mistyped "COU")
        close = get_close_matches(text.upper(), _COMMON, n=1, cutoff=0.6) or get_close_matches(
            text.upper(), sorted(_codes()), n=1, cutoff=0.6
        )
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"expected a currency code like USD, EUR or GBP (ISO 4217), got {text!r}{hint}"
