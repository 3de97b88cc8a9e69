"""Exact amounts and ISO 4217 currencies: reading them, checking them, and the one rounding.

Amounts are :class:`decimal.Decimal`; floats are refused because a binary float cannot hold
most decimal amounts exactly. Currency facts (which codes exist, how many minor-unit digits
each has) come from py-moneyed, whose table follows ISO 4217, including legacy codes such
as FRF or DEM, and from ``rates/currencies.toml``: the ISO 4217 codes py-moneyed lacks
(ZWG, XCG, XAD, and CSJ of the IMF's files), each with its numeric code, minor unit and
source, registered with py-moneyed on first use (:func:`added_currencies`).

**The rounding rule.** Every amount is computed exactly (:mod:`rates.exact`) and rounded
once, at the end, when it is shown or written, to the ISO 4217 minor unit of its currency
(VND 0 digits, USD 2, KWD 3), by :func:`round_exact`:

* the bounds of a penalty range are rounded **inward**, a maximum down
  (:data:`MAXIMUM_ROUNDING`) and a minimum up (:data:`MINIMUM_ROUNDING`), so that a range
  shown never allows more, nor asks less, than the law: EUR 71,313,959.7075... as a maximum
  is EUR 71,313,959.70, never .71;
* the converted twin of a margin (how much more or less of an amount reaches another tier)
  is rounded **up**, away from the case's figure (:data:`MARGIN_ROUNDING`), so that a
  change of the amount shown always reaches it: USD 1,225.8825... more is USD 1,225.89;
* every other amount (a conversion, a threshold in another currency) is rounded
  **half-up** (:data:`DEFAULT_ROUNDING`);
* a figure the law compares with a threshold (an amount given in another currency,
  converted) is never rounded: the comparison and the explanation use it exactly.

Human output and JSON show the same rounded digits.

>>> parse_amount("250,000,000 VND")
(Decimal('250000000'), 'VND')
>>> parse_amount("usd 1234.5")
(Decimal('1234.5'), 'USD')
>>> round_to_minor_unit(Decimal("43802.3456"), "USD")
Decimal('43802.35')
>>> round_to_minor_unit(Decimal("1234.5"), "VND")
Decimal('1235')
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from decimal import (
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    Inexact,
    InvalidOperation,
    Rounded,
)
from functools import cache
from typing import TYPE_CHECKING, Any

from rates.digits import digit_problem
from rates.errors import InvalidAmount, InvalidRounding, UnknownCurrency
from rates.exact import CONTEXT, Exact, as_fraction

if TYPE_CHECKING:
    from moneyed import Money

__all__ = [
    "CURRENCIES_FILE",
    "DEFAULT_ROUNDING",
    "MARGIN_ROUNDING",
    "MAXIMUM_ROUNDING",
    "MAX_AMOUNT",
    "MINIMUM_ROUNDING",
    "QUANTIZING",
    "ROUNDING_MODES",
    "AddedCurrency",
    "added_currencies",
    "amount_text",
    "check_currency",
    "minor_unit",
    "minor_unit_quantum",
    "money",
    "money_json",
    "parse_amount",
    "point_decimal",
    "round_exact",
    "round_ratio",
    "round_to_minor_unit",
]

#: The rounding of an amount that is not a bound of a penalty range: half-up.
DEFAULT_ROUNDING = ROUND_HALF_UP
#: The rounding of the maximum of a penalty range: down, towards the inside of the range.
MAXIMUM_ROUNDING = ROUND_DOWN
#: The rounding of the minimum of a penalty range: up, towards the inside of the range.
MINIMUM_ROUNDING = ROUND_UP
#: The rounding of a margin's converted gap: up, away from the figure (a change of the
#: amount shown always suffices).
MARGIN_ROUNDING = ROUND_UP

#: The rounding modes accepted (the :mod:`decimal` constants).
ROUNDING_MODES: tuple[str, ...] = (
    ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_HALF_DOWN, ROUND_UP, ROUND_DOWN, ROUND_CEILING,
    ROUND_FLOOR, ROUND_05UP,
)

#: Largest amount accepted anywhere (10^18 units of any currency).
MAX_AMOUNT = Decimal(10**18)  # from an int: exact in any context (``** 18`` is not)

_CODE = r"[A-Za-z]{3}"
# ASCII digits only: other scripts' digits (Arabic-Indic, full-width...) are refused.
# Digits may be grouped by threes with commas or with underscores (not both), never
# otherwise: ``5_0000000`` is a typo to ask about, as ``5,0000000`` is.
_NUMBER = r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:_[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_FORMS = (
    re.compile(rf"^(?P<number>{_NUMBER})\s*(?P<code>{_CODE})?$"),
    re.compile(rf"^(?P<code>{_CODE})\s*(?P<number>{_NUMBER})$"),
)


#: The ISO 4217 currencies py-moneyed lacks, with their sources (package data).
CURRENCIES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "currencies.toml")


@dataclass(frozen=True, slots=True)
class AddedCurrency:
    """An ISO 4217 currency of :data:`CURRENCIES_FILE`: what py-moneyed is told, and why."""

    code: str
    numeric: str
    minor_unit: int
    name: str
    status: str  # "current" (ISO 4217 List One) or "historic" (List Three: withdrawn)
    entities: tuple[str, ...]
    source: str
    note: str = ""


def added_currencies() -> dict[str, AddedCurrency]:
    """The currencies of :data:`CURRENCIES_FILE`, by code, registered with py-moneyed (each
    one it still lacks) on the first call.

    >>> added_currencies()["ZWG"].numeric, added_currencies()["ZWG"].minor_unit
    ('924', 2)
    """
    return dict(_added())


_ADDING = threading.Lock()


@cache
def _added() -> dict[str, AddedCurrency]:
    import tomllib

    import moneyed

    with open(CURRENCIES_FILE, "rb") as handle:
        table = tomllib.load(handle)
    added = {code: AddedCurrency(code=code, numeric=entry["numeric"],
                                 minor_unit=entry["minor_unit"], name=entry["name"],
                                 status=entry["status"], entities=tuple(entry["entities"]),
                                 source=entry["source"], note=entry.get("note", ""))
             for code, entry in table.items()}
    with _ADDING:
        for currency in added.values():
            if currency.code in moneyed.CURRENCIES:  # a newer py-moneyed knows it
                continue
            holder = moneyed.CURRENCIES_BY_ISO.get(currency.numeric)
            moneyed.add_currency(currency.code, currency.numeric, 10**currency.minor_unit,
                                 currency.name, list(currency.entities))
            if holder is not None and currency.status == "historic":
                moneyed.CURRENCIES_BY_ISO[currency.numeric] = holder  # 203 stays CZK's
    return added


def check_currency(code: str) -> str:
    """Return ``code`` upper-cased if it is an ISO 4217 currency, else raise
    :class:`~rates.errors.UnknownCurrency` (a value that is not text too: a list was a
    ``TypeError`` from the cache).

    >>> check_currency("vnd"), check_currency("ZWG")
    ('VND', 'ZWG')
    """
    if type(code) is not str:
        if not isinstance(code, str):
            raise UnknownCurrency(code)
        code = str(code)  # a subclass of str: its text (and the cache holds only str)
    return _checked_currency(code)


@cache
def _checked_currency(code: str) -> str:
    if not re.fullmatch(_CODE, code):
        raise UnknownCurrency(code)
    from moneyed import CurrencyDoesNotExist, get_currency

    upper = code.upper()
    try:
        get_currency(upper)
    except CurrencyDoesNotExist:
        if upper not in _added():  # registers the codes py-moneyed lacks, once
            raise UnknownCurrency(code) from None
    return upper


@cache
def minor_unit(code: str) -> int:
    """Number of ISO 4217 minor-unit digits of a currency (VND 0, USD 2, KWD 3).

    >>> minor_unit("KWD")
    3
    """
    from moneyed import get_currency

    sub_unit = get_currency(check_currency(code)).sub_unit
    return len(str(sub_unit)) - 1


def round_to_minor_unit(amount: Exact, code: str, rounding: str = DEFAULT_ROUNDING) -> Decimal:
    """Round once to the currency's minor unit, half-up unless another mode is given."""
    return round_exact(amount, minor_unit(code), rounding)


def round_exact(value: Exact, places: int, rounding: str = DEFAULT_ROUNDING) -> Decimal:
    """An exact value rounded once to ``places`` decimal places with ``rounding``, computed
    in integers (whatever the caller's decimal context): the one rounding of the library.

    >>> from fractions import Fraction
    >>> round_exact(Fraction(2, 3), 2), round_exact(Fraction(2, 3), 2, ROUND_DOWN)
    (Decimal('0.67'), Decimal('0.66'))
    >>> round_exact(Decimal("0.125"), 2, ROUND_HALF_EVEN)
    Decimal('0.12')
    """
    if rounding not in _ROUNDINGS:
        raise InvalidRounding(rounding, ROUNDING_MODES)
    if type(value) is Decimal:  # the common case, in C: exact, as the context holds 400 digits
        return value.quantize(_QUANTA[places] if 0 <= places < len(_QUANTA)
                              else Decimal(1).scaleb(-places, CONTEXT), rounding, _QUANTIZING)
    fraction = as_fraction(value)
    return round_ratio(fraction.numerator, fraction.denominator, places, rounding)


def round_ratio(numerator: int, denominator: int, places: int,
                rounding: str = DEFAULT_ROUNDING) -> Decimal:
    """``numerator / denominator`` (integers, the denominator positive, not necessarily in
    lowest terms) rounded once to ``places`` decimal places with ``rounding``: the rule of
    :func:`round_exact` for a rational value, in integers, for a caller that holds the two
    integers already (a conversion at a rate that is a quotient).

    >>> round_ratio(10, 12, 2), round_ratio(-10, 12, 0, ROUND_DOWN)
    (Decimal('0.83'), Decimal('0'))
    """
    if rounding not in _ROUNDINGS:
        raise InvalidRounding(rounding, ROUNDING_MODES)
    negative = numerator < 0
    inside = 0 <= places < _PLACES
    whole, rest = divmod((-numerator if negative else numerator)
                         * (_POWERS[places] if inside else 10**places), denominator)
    if rest:
        if rounding == ROUND_HALF_UP:  # the default, first
            whole += 2 * rest >= denominator
        elif rounding == ROUND_DOWN:
            pass
        elif rounding == ROUND_UP:
            whole += 1
        elif rounding == ROUND_CEILING:
            whole += not negative
        elif rounding == ROUND_FLOOR:
            whole += negative
        elif rounding == ROUND_HALF_DOWN:
            whole += 2 * rest > denominator
        elif rounding == ROUND_HALF_EVEN:
            twice = 2 * rest
            whole += twice > denominator or (twice == denominator and whole % 2 == 1)
        else:  # ROUND_05UP
            whole += whole % 10 in (0, 5)
    return _SCALEB(-whole if negative else whole, _SHIFTS[places] if inside else -places)


@cache
def minor_unit_quantum(code: str) -> Decimal:
    """One minor unit of the currency as an exponent: ``Decimal('0.01')`` for USD."""
    return Decimal(1).scaleb(-minor_unit(code), CONTEXT)


_ROUNDINGS = frozenset(ROUNDING_MODES)
#: Minor-unit digits met in practice (ISO 4217: 0 to 4), with what rounding to them needs:
#: one unit (a quantum), 10 ** places and -places as a ``Decimal`` (a ready operand).
_PLACES = 8
_QUANTA = tuple(Decimal(1).scaleb(-places, CONTEXT) for places in range(_PLACES))
_POWERS = tuple(10**places for places in range(_PLACES))
_SHIFTS = tuple(Decimal(-places) for places in range(_PLACES))
#: ``Decimal(whole).scaleb(shift, CONTEXT)`` in one call (an integer operand is exact).
_SCALEB = CONTEXT.scaleb
#: The context :func:`round_exact` quantizes a ``Decimal`` in: rounding to a quantum discards
#: digits on purpose, so it is the library's context without the trap on a rounded result
#: (still trapping an invalid one).
QUANTIZING = CONTEXT.copy()
QUANTIZING.traps[Inexact] = QUANTIZING.traps[Rounded] = False
_QUANTIZING = QUANTIZING


def _checked(value: Decimal, original: object) -> Decimal:
    if not value.is_finite():
        raise InvalidAmount(original, "the amount is not a finite number")
    if value < 0:
        raise InvalidAmount(original, "negative amounts are not allowed")
    if value > MAX_AMOUNT:
        raise InvalidAmount(original, "the amount exceeds 10^18 units")
    return value.copy_abs() if value.is_signed() else value  # -0 is zero


def parse_amount(value: object) -> tuple[Decimal, str | None]:
    """Read an amount and its currency, if one is given.

    Accepts ``int``, ``Decimal``, py-moneyed ``Money`` and text such as ``250000000``,
    ``250,000,000`` (commas only between groups of three digits), ``250_000_000``,
    ``250000000 VND``, ``250000000VND`` or ``VND 250000000`` (codes in any case). A dot is
    always the decimal point. Floats, negative, non-finite and ambiguous forms
    (``250.000.000``, ``1,5``) raise :class:`~rates.errors.InvalidAmount`.
    """
    if isinstance(value, bool):
        raise InvalidAmount(value, "a boolean is not an amount")
    if isinstance(value, float):
        raise InvalidAmount(value, "floats are not accepted; pass the amount as text or Decimal")
    if isinstance(value, int):
        return _checked(Decimal(value), value), None
    if isinstance(value, Decimal):
        return _checked(value, value), None
    if isinstance(value, str):
        return _parse_text(value)
    from moneyed import Money

    if isinstance(value, Money):
        return _checked(value.amount, value), value.currency.code
    raise InvalidAmount(value, f"expected text, int, Decimal or Money, got {type(value).__name__}")


def _parse_text(text: str) -> tuple[Decimal, str | None]:
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit() and len(stripped) <= 18:
        return Decimal(stripped), None  # plain digits, the common case of a batch column
    for form in _FORMS:
        match = form.match(stripped)
        if match:
            break
    else:
        problem = digit_problem(stripped)
        raise InvalidAmount(text, _exponent_problem(stripped) if problem is None
                            else f"the amount {problem}")
    number = match["number"].replace(",", "").replace("_", "")
    try:
        amount = Decimal(number)  # exact whatever the context: the pattern admits a number
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid numbers
        raise InvalidAmount(text, "not a number") from None
    code = match["code"]
    return _checked(amount, text), (check_currency(code) if code else None)


#: An amount written with an exponent (``2.5e8``, ``USD 1.2E+06``), as a spreadsheet shows a
#: figure it has rounded.
_EXPONENT = re.compile(rf"(?:{_CODE}\s*)?(?P<number>[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]{{1,2}})"
                       rf"(?:\s*{_CODE})?")


def _exponent_problem(text: str) -> str:
    """Why a text that no form reads is refused: said so when it is a number written with
    an exponent (how a spreadsheet shows a figure it has rounded: the file's own number may
    have more digits), in general words otherwise.

    >>> print(_exponent_problem("2.5E+08 VND"))
    written with an exponent, as a spreadsheet shows a rounded figure; write the amount's own \
digits (2.5E+08 is 250000000)
    """
    match = _EXPONENT.fullmatch(text)
    if match is None:
        return "not an amount this library can read unambiguously"
    number = Decimal(match["number"])
    said = f" ({match['number']} is {number:f})" if number.adjusted() < 19 else ""
    return ("written with an exponent, as a spreadsheet shows a rounded figure; write the "
            f"amount's own digits{said}")


#: An amount written with a decimal comma: groups of three digits separated by one kind of
#: mark (a dot, a space, a no-break space) after a first group that is no zero (``0.500``
#: is no thousands), or none, then a comma and the fraction.
_COMMA_NUMBER = (r"(?P<sign>-?)(?P<whole>[1-9][0-9]{0,2}(?:(?P<group>[. \u00a0\u202f])[0-9]{3}"
                 r"(?:(?P=group)[0-9]{3})*)?|[0-9]+)(?:,(?P<fraction>[0-9]+))?")
_COMMA_FORMS = (
    re.compile(rf"(?P<code>{_CODE})?\s*{_COMMA_NUMBER}"),
    re.compile(rf"{_COMMA_NUMBER}\s*(?P<code>{_CODE})?"),
)


def point_decimal(text: str) -> str | None:
    """The text of an amount written with a decimal comma (``1 500,50``, ``1.500,5 EUR``,
    ``1,5``) as :func:`parse_amount` reads it (``1500.50``, ``1500.5 EUR``, ``1.5``), or
    ``None`` when ``text`` is not such an amount (then it is read as it is, or refused with
    its own words). Used for files whose numbers are written the continental way.

    >>> point_decimal("1 500,50"), point_decimal("1.500.000"), point_decimal("EUR 2,5")
    ('1500.50', '1500000', '2.5 EUR')
    >>> point_decimal("1,500.00") is None, point_decimal("1.50") is None
    (True, True)
    """
    stripped = text.strip()
    for form in _COMMA_FORMS:
        match = form.fullmatch(stripped)
        if match:
            break
    else:
        return None
    whole = match["whole"].translate(_GROUP_MARKS)
    number = match["sign"] + whole + (f".{match['fraction']}" if match["fraction"] else "")
    return f"{number} {match['code']}" if match["code"] else number


_GROUP_MARKS = str.maketrans("", "", ". \u00a0\u202f")


def amount_text(amount: Decimal) -> str:
    """Plain decimal text without exponent, as used in JSON (``"300000000"``).

    >>> amount_text(Decimal("3E+8"))
    '300000000'
    """
    return format(amount, "f")


def money_json(amount: Decimal, currency: str) -> dict[str, Any]:
    """The JSON form of an amount: ``{"amount": "300000000", "currency": "VND"}``."""
    return {"amount": amount_text(amount), "currency": currency}


def money(amount: Decimal, currency: str) -> Money:
    """Build a py-moneyed ``Money`` (imported on first use), in any currency
    :func:`check_currency` accepts."""
    from moneyed import CurrencyDoesNotExist, Money

    try:
        return Money(amount, currency)
    except CurrencyDoesNotExist:  # one of the added currencies, not registered yet
        return Money(amount, check_currency(currency))
