"""Exact amounts and ISO 4217 currencies: reading them, checking them, rounding them.

Amounts are :class:`decimal.Decimal`; floats are refused because a binary float cannot hold
most decimal amounts exactly. Currency facts (which codes exist, how many minor-unit digits
each has) come from py-moneyed, whose table follows ISO 4217, including legacy codes such
as FRF or DEM.

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

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any

from rates.errors import InvalidAmount, UnknownCurrency

if TYPE_CHECKING:
    from moneyed import Money

__all__ = [
    "DEFAULT_ROUNDING",
    "MAX_AMOUNT",
    "amount_text",
    "check_currency",
    "minor_unit",
    "minor_unit_quantum",
    "money",
    "money_json",
    "parse_amount",
    "round_to_minor_unit",
]

#: Rounding used when a computed amount is rounded to its currency's minor unit.
DEFAULT_ROUNDING = ROUND_HALF_UP

#: Largest amount accepted anywhere (10^18 units of any currency).
MAX_AMOUNT = Decimal(10) ** 18

_CODE = r"[A-Za-z]{3}"
_NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+(?:_\d+)*)(?:\.\d+)?"
_FORMS = (
    re.compile(rf"^(?P<number>{_NUMBER})\s*(?P<code>{_CODE})?$"),
    re.compile(rf"^(?P<code>{_CODE})\s*(?P<number>{_NUMBER})$"),
)


@cache
def check_currency(code: str) -> str:
    """Return ``code`` upper-cased if it is an ISO 4217 currency, else raise.

    >>> check_currency("vnd")
    'VND'
    """
    if not isinstance(code, str) or not re.fullmatch(_CODE, code):
        raise UnknownCurrency(code)
    from moneyed import CurrencyDoesNotExist, get_currency

    upper = code.upper()
    try:
        get_currency(upper)
    except CurrencyDoesNotExist:
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


def round_to_minor_unit(
    amount: Decimal, code: str, rounding: str = DEFAULT_ROUNDING, context: Context | None = None
) -> Decimal:
    """Round once to the currency's minor unit, half-up unless another mode is given.

    ``context`` is the :class:`decimal.Context` used for the quantisation (default: the
    current one, 28 significant digits); pass a wider one for very large results.
    """
    return amount.quantize(minor_unit_quantum(code), rounding=rounding, context=context)


@cache
def minor_unit_quantum(code: str) -> Decimal:
    return Decimal(1).scaleb(-minor_unit(code))


def _checked(value: Decimal, original: object) -> Decimal:
    if not value.is_finite():
        raise InvalidAmount(original, "the amount is not a finite number")
    if value < 0:
        raise InvalidAmount(original, "negative amounts are not allowed")
    if value > MAX_AMOUNT:
        raise InvalidAmount(original, "the amount exceeds 10^18 units")
    return value


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
    for form in _FORMS:
        match = form.match(stripped)
        if match:
            break
    else:
        raise InvalidAmount(text, "not an amount this library can read unambiguously")
    number = match["number"].replace(",", "").replace("_", "")
    try:
        amount = Decimal(number)
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid numbers
        raise InvalidAmount(text, "not a number") from None
    code = match["code"]
    return _checked(amount, text), (check_currency(code) if code else None)


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
    """Build a py-moneyed ``Money`` (imported on first use)."""
    from moneyed import Money

    return Money(amount, currency)
