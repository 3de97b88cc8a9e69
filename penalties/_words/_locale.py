"""Words for a CLDR locale: a number, an amount of money with exactly its currency's ISO
4217 minor-unit digits, and the reader's locale itself (babel formats them; this module
keeps them one word and works around what babel gets wrong). Part of
:mod:`penalties._words`.

Money for a locale is one word: babel's spaces in it are no-break ones (U+00A0, U+202F), so
a terminal table breaks a line around a figure, never inside it."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from decimal import Decimal, localcontext
from functools import cache
from typing import Any

from rates.exact import CONTEXT, Exact, decimal_text
from rates.money import minor_unit

__all__ = ["DIGITS", "exact_money", "local_number", "locale", "money"]

#: Significant digits of an exact figure whose decimals do not end (then followed by "…").
DIGITS = 30


def local_number(value: Exact | int, locale: str) -> str:
    """:func:`number` for a CLDR locale, every digit: ``22.463`` in ``vi_VN``."""
    from babel.numbers import format_decimal

    digits, exact = (str(value), True) if isinstance(value, Decimal | int) else decimal_text(
        value, DIGITS)
    with localcontext(CONTEXT):
        text = _grouped(lambda **ungrouped: str(format_decimal(
            Decimal(digits), locale=locale, decimal_quantization=False, **ungrouped)), locale)
    return _one_word(text) + ("" if exact else "…")


def money(value: Decimal, currency: str, locale: str, exact: bool = False) -> str:
    """A rounded amount formatted for a CLDR locale, with exactly the currency's ISO 4217
    minor-unit digits (never the locale's own number of digits); ``exact``: with every
    digit it has, if it has more (an amount someone typed). One word: no ordinary space;
    a currency shown by its letters is apart from the digits (``RUB\xa0600,000.00``).

    >>> money(Decimal("10850.02"), "EUR", "fr_FR") == "10\N{NARROW NO-BREAK SPACE}850,02\xa0€"
    True
    """
    from babel.numbers import format_currency

    digits = minor_unit(currency)
    exponent = value.as_tuple().exponent
    if exact and isinstance(exponent, int):
        digits = max(digits, -exponent)
    with localcontext(CONTEXT):  # every digit of a long amount, whatever the caller's context
        text = _grouped(lambda **ungrouped: str(format_currency(
            value, currency, format=_pattern(locale, digits), locale=locale,
            currency_digits=False, **ungrouped)), locale)
    return _one_word(_CODE_AGAINST_DIGIT.sub("\u00a0", text))


def _grouped(formatted: Callable[..., str], locale: str) -> str:
    """Babel's text of a number (``formatted()``), except for a locale that groups digits
    with an ASCII apostrophe (de_CH, it_CH, de_LI since CLDR 47, in babel 2.17 and later):
    babel 2.19 reads two of its own apostrophes as a quoted literal and drops them, so
    1,000,000,000 came out as ``1000000'000``. Its digits are then formatted without
    groups (``formatted(group_separator=False)``) and grouped by three here, as the
    locale's patterns group them."""
    from babel.numbers import get_group_symbol

    if get_group_symbol(locale) != "'":
        return formatted()
    return _FIRST_DIGITS.sub(lambda m: f"{int(m.group()):,}".replace(",", "'"),
                             formatted(group_separator=False), count=1)


#: The digits of a formatted number before its decimal mark.
_FIRST_DIGITS = re.compile(r"\d+")


def exact_money(value: Exact | int, currency: str, locale: str) -> str:
    """An exact amount for a CLDR locale, every digit (:func:`money` with ``exact``); a
    quotient whose decimals do not end: 30 significant digits and "…" after them.

    >>> exact_money(Decimal("49999999.72065"), "VND", "vi_VN") == "49.999.999,72065\xa0₫"
    True
    """
    if isinstance(value, Decimal | int):
        return money(Decimal(value), currency, locale, exact=True)
    digits, exact = decimal_text(value, DIGITS)
    text = money(Decimal(digits), currency, locale, exact=True)
    return text if exact else _LAST_DIGIT.sub(r"\1…", text, count=1)


#: Where a currency shown by its letters (``RUB``, ``CHF``: babel writes ``RUB600,000.00``
#: in en_US) touches a digit: a no-break space goes there.
_CODE_AGAINST_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
#: The last digit of a formatted amount (where "…" goes when its decimals do not end).
_LAST_DIGIT = re.compile(r"(\d)(?!.*\d)")


def _one_word(text: str) -> str:
    """``text`` with its ordinary spaces made no-break ones (CLDR uses no-break spaces,
    but an ordinary one must never let a figure be broken across lines)."""
    return text.replace(" ", "\u00a0")


@cache
def _pattern(locale: str, digits: int) -> Any:  # noqa: ANN401 - a babel NumberPattern
    from babel import Locale

    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return pattern


def locale(name: str | None) -> str:
    """The CLDR locale for money: ``name``, else ``PENALTIES_LOCALE``, else the
    environment's LC_MONETARY/LANG; a bare C or POSIX environment means en_US. An unknown
    locale is an :class:`~penalties._errors.InvalidInput`."""
    import os

    from babel import Locale, UnknownLocaleError, default_locale

    from penalties._errors import InvalidInput

    chosen = name or os.environ.get("PENALTIES_LOCALE") or default_locale("LC_MONETARY")
    if not chosen or chosen in ("C", "POSIX", "en_US_POSIX"):
        chosen = "en_US"
    try:
        Locale.parse(chosen)
    except (UnknownLocaleError, ValueError):
        raise InvalidInput("--locale", f"unknown locale {chosen!r}",
                           "a CLDR locale such as en_US, fr_FR or vi_VN") from None
    return chosen
