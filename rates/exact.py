"""Exact arithmetic, owned by the library: the one decimal context and rational results.

Money, counts and months are computed exactly. Sums and products of decimal amounts are
:class:`~decimal.Decimal` values computed in :data:`CONTEXT`, which holds
:data:`DIGITS` significant digits and traps every inexact result, so a product either is
exact or raises :class:`~rates.errors.NotExact`; the caller's context (``getcontext()``,
in this thread or any other) is never used. A quotient (an inverse or cross exchange rate
applied to an amount) is a :class:`~fractions.Fraction`, exact too, and becomes a
``Decimal`` again whenever its decimal expansion ends. Comparisons between ``Decimal``
and ``Fraction`` values are exact in Python, so a converted amount is compared with a
legal threshold without any rounding.

Rounding happens once, at the end, in :mod:`rates.money`.

>>> product(Decimal("2225.88255"), Decimal(22463))
Decimal('49999999.72065')
>>> quotient(Decimal(1), Decimal(4))
Decimal('0.25')
>>> quotient(Decimal(1), Decimal(3))
Fraction(1, 3)
>>> decimal_text(Fraction(1, 3), 12)
('0.333333333333', False)
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    Clamped,
    Context,
    Decimal,
    DivisionByZero,
    FloatOperation,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    Subnormal,
    Underflow,
)
from fractions import Fraction
from functools import reduce

from rates.errors import NotExact

__all__ = [
    "CONTEXT",
    "DIGITS",
    "Exact",
    "as_fraction",
    "decimal_text",
    "is_whole",
    "product",
    "quotient",
    "simplest",
    "total",
]

#: A value computed exactly: a ``Decimal`` when its decimal expansion ends, else a
#: ``Fraction``.
Exact = Decimal | Fraction

#: Significant digits of :data:`CONTEXT`: far more than any product of the library's
#: inputs needs (amounts of up to 100 characters, factors and counts of a few digits).
DIGITS = 400

#: The library's decimal context. Every arithmetic operation on amounts passes it
#: explicitly; it traps a rounded, inexact, overflowing or invalid result, so no digit is
#: ever lost silently.
CONTEXT = Context(
    prec=DIGITS, rounding=ROUND_HALF_EVEN, Emin=-999_999, Emax=999_999, capitals=1, clamp=0,
    flags=[], traps=[InvalidOperation, DivisionByZero, Overflow, Underflow, Inexact, Rounded,
                     Subnormal, Clamped, FloatOperation],
)
_TRAPPED = (Inexact, Rounded, Overflow, Underflow, Subnormal, Clamped, InvalidOperation)


def _exactly(operation: str, *values: Decimal) -> Decimal:
    try:
        return reduce(getattr(CONTEXT, operation), values)
    except _TRAPPED:
        raise NotExact(values) from None


def product(*values: Exact | int) -> Exact:
    """The exact product of ``values`` (``Decimal`` unless a ``Fraction`` takes part; a
    subclass of ``Decimal`` counts as one)."""
    if all(type(v) is Decimal or type(v) is int or isinstance(v, Decimal) for v in values):
        return _exactly("multiply", *(Decimal(v) for v in values))  # type: ignore[arg-type]
    return simplest(reduce(lambda a, b: a * b, map(as_fraction, values)))


def total(*values: Exact | int) -> Exact:
    """The exact sum of ``values``."""
    if all(type(v) is Decimal or type(v) is int for v in values):
        return _exactly("add", *(Decimal(v) for v in values))  # type: ignore[arg-type]
    return simplest(sum(map(as_fraction, values), Fraction(0)))


def quotient(numerator: Exact, denominator: Exact) -> Exact:
    """``numerator / denominator`` exactly (a ``Decimal`` when the expansion ends)."""
    return simplest(as_fraction(numerator) / as_fraction(denominator))


def as_fraction(value: Exact | int) -> Fraction:
    """The value as a ``Fraction`` (exact for any finite ``Decimal``)."""
    return value if type(value) is Fraction else Fraction(value)


def simplest(value: Exact) -> Exact:
    """A ``Fraction`` whose decimal expansion ends, as that ``Decimal``; anything else as is.

    >>> simplest(Fraction(1, 8))
    Decimal('0.125')
    """
    if type(value) is not Fraction:
        return value
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return value
    digits = max(twos, fives)
    scaled = value.numerator * 10**digits // value.denominator  # exact: the expansion ends
    return Decimal(scaled).scaleb(-digits, CONTEXT)


def is_whole(value: Exact | int) -> bool:
    """Whether the value is a whole number."""
    return as_fraction(value).denominator == 1


def decimal_text(value: Exact | int, digits: int = 30) -> tuple[str, bool]:
    """Plain decimal text of an exact value and whether it is exact.

    A value whose expansion ends is written in full (``True``); any other is written to
    ``digits`` significant digits, rounded half-even (``False``).
    """
    settled = simplest(value) if isinstance(value, Fraction) else value
    if not isinstance(settled, Fraction):
        return format(Decimal(settled), "f"), True
    fraction = settled
    sign = "-" if fraction < 0 else ""
    fraction = abs(fraction)
    whole = fraction.numerator // fraction.denominator
    places = max(0, digits - (len(str(whole)) if whole else 0))
    if not whole:  # leading zeros after the point do not count as significant digits
        probe = fraction
        while probe < 1:
            probe *= 10
            places += 1
        places -= 1
    scaled = fraction * 10**places
    rounded = round(scaled)  # half-even, exact on a Fraction
    text = format(Decimal(rounded).scaleb(-places, CONTEXT), "f")
    return sign + text, False
