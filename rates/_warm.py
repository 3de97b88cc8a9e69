"""What the warm path of :func:`rates.convert` keeps: for each currency, target, date and
rounding mode, the answer of :func:`rates.get_rate` with what applying it needs.

A rate whose exact value is a ``Decimal`` (a published rate) is applied as
:meth:`rates.Rate.convert_checked` applies it: one exact product in the library's context
(:data:`rates.exact.CONTEXT`), rounded once (:func:`rates.money.round_exact`), and the
conversion holds that product as its exact result.

A rate that is a quotient ``P/Q`` (an inverse or a cross rate; a ``Fraction`` in lowest
terms) is applied with a decimal **bound** of it instead: ``P/Q`` rounded up (or down) to
``s = places + DIGITS + 1 + len(str(2Q))`` decimal places, where ``places`` is the
target's minor unit and :data:`DIGITS` the significant digits of an amount always served
on this path. The product is computed in a context of ``DIGITS`` digits more than the
bound has and trapped rounding, so any amount it serves has at most ``DIGITS + 1``
significant digits (a longer one is refused and takes the exact path). That product rounds
to the same result as the exact one, for these reasons. Write the amount ``v = n·10^-k``
with ``n < 10^(DIGITS+1)`` (for ``k < 0``, ``v ≤ 10^18`` itself is below that). The points
where a result's rounding changes are multiples of half a minor unit,
``b = j / (2·10^places)``; the exact result ``v·P/Q`` is either one of them or at least
``1 / (2·10^(places+k)·Q)`` away from every one (the difference is a non-zero integer over
that denominator; for ``k < 0``, ``1 / (2·10^places·Q)``). The bound differs from ``P/Q``
by less than ``10^-s``, so the product differs from the exact result by less than
``n·10^-k·10^-s``, which is less than that distance, and on the bound's side: it lies
between the exact result and the next point beyond it, and never crosses one. A rounding
mode that rounds a point as the values just above it (``ROUND_HALF_UP``, ``ROUND_DOWN``,
``ROUND_FLOOR``: half a cent goes up, a whole cent stays) then rounds the product of a
bound from above as the exact result; one that rounds a point as the values just below it
(``ROUND_HALF_DOWN``, ``ROUND_UP``, ``ROUND_CEILING``) rounds the product of a bound from
below as the exact result. ``ROUND_HALF_EVEN`` and ``ROUND_05UP`` are neither, and take
the exact path, as does a zero (a ``-0`` would keep its sign through a bound). The exact
result itself, a ``Fraction`` that costs more to build than all of this, is computed by
:func:`rates.exact.product` when the conversion's ``unrounded`` is first read
(:class:`rates.conversion.Conversion`). The property tests of ``tests/test_rates_warm.py``
check every mode against the exact path on amounts that land on, just below and just above
the points.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from fractions import Fraction
from functools import cache

from rates.exact import CONTEXT, as_fraction
from rates.model import Rate
from rates.money import QUANTIZING, minor_unit, minor_unit_quantum, round_exact

__all__ = ["DIGITS", "LIMIT", "PREPARED", "Entry", "bound", "entry", "forget", "generation",
           "keep"]

#: What applying a rate needs: the multiplier (the exact rate, or its bound), the
#: ``multiply`` of the context to compute the product in (``None``: the exact path,
#: :meth:`rates.Rate.convert_checked`), the ``quantize`` that rounds it with the rounding
#: mode (:data:`rates.money.QUANTIZING` with that mode), the target's minor unit as a
#: quantum, the rate, and whether the product is the exact result.
Entry = tuple[Decimal, "Callable[[Decimal, Decimal], Decimal] | None",
              "Callable[[Decimal, Decimal], Decimal]", Decimal, Rate, bool]

#: Significant digits of an amount always converted with a bound (one of DIGITS + 2 or more
#: takes the exact path): those of any amount up to 10^18 with its minor unit, and of a
#: result of Python's default decimal context.
DIGITS = 28

#: Rounding modes that round a point where the rounding changes as the values just above
#: it (served by a bound from above) and as those just below it (a bound from below).
_FROM_ABOVE = frozenset({ROUND_HALF_UP, ROUND_DOWN, ROUND_FLOOR})
_FROM_BELOW = frozenset({ROUND_HALF_DOWN, ROUND_UP, ROUND_CEILING})

_ZERO = Decimal(0)

#: Entries kept for one currency and target before they are forgotten at once.
LIMIT = 100_000

#: The kept entries of the default snapshot, by currency (with the rounding mode when it is
#: not the default: ``("USD", "ROUND_DOWN")``), then target (as given), then date (a date or
#: its text, as given). Choosing the default snapshot again
#: (:func:`rates.snapshot.reset_default_snapshot`) forgets them all.
PREPARED: dict[object, dict[str, dict[object, Entry]]] = {}
_GENERATION = [0]
_LOCK = threading.Lock()


def generation() -> int:
    """How many times the entries were forgotten: read before a rate is looked up, given to
    :func:`keep` after."""
    return _GENERATION[0]


def keep(currency: object, target: str, day: object, kept: Entry, since: int) -> None:
    """Keep an entry, unless the entries were forgotten since ``since`` (:func:`generation`):
    its rate may come from the snapshot that was the default before."""
    with _LOCK:
        if _GENERATION[0] != since:
            return
        days = PREPARED.setdefault(currency, {}).setdefault(target, {})
        if len(days) >= LIMIT:
            days.clear()
        days[day] = kept


def forget() -> None:
    """Forget every entry (the default snapshot is chosen again)."""
    with _LOCK:
        PREPARED.clear()
        _GENERATION[0] += 1


def entry(rate: Rate, rounding: str) -> Entry:
    """What applying ``rate`` with ``rounding`` needs (``rounding`` is checked)."""
    round_exact(Decimal(0), 0, rounding)  # raises InvalidRounding for an unknown mode
    exact = rate.exact
    quantize, quantum = _quantize_in(rounding), minor_unit_quantum(rate.quote)
    if type(exact) is Decimal:
        return exact, CONTEXT.multiply, quantize, quantum, rate, True
    multiplier: Decimal = _ZERO
    multiply: Callable[[Decimal, Decimal], Decimal] | None = None  # the exact path...
    if rounding in _FROM_ABOVE or rounding in _FROM_BELOW:  # ...unless a bound serves
        with suppress(ArithmeticError):  # (not a quotient of hundreds of digits)
            multiplier, multiply = bound(as_fraction(exact), minor_unit(rate.quote),
                                         upward=rounding in _FROM_ABOVE)
    return multiplier, multiply, quantize, quantum, rate, False


def bound(exact: Fraction, places: int, *, upward: bool
          ) -> tuple[Decimal, Callable[[Decimal, Decimal], Decimal]]:
    """The decimal bound of a positive quotient ``exact`` for results rounded to
    ``places`` decimals (see the module's text), and the ``multiply`` that serves any
    amount of :data:`DIGITS` significant digits and refuses (``decimal.Rounded``) one of
    more than ``DIGITS + 1``.

    >>> multiplier, multiply = bound(Fraction(1, 3), 2, upward=True)
    >>> multiplier
    Decimal('0.33333333333333333333333333333334')
    >>> multiply(Decimal(3), multiplier).quantize(Decimal("0.01"))
    Decimal('1.00')
    """
    shift = places + DIGITS + 1 + len(str(2 * exact.denominator))
    scaled = exact.numerator * 10**shift
    digits = -(-scaled // exact.denominator) if upward else scaled // exact.denominator
    return (Decimal(digits).scaleb(-shift, CONTEXT),
            _multiply_in(len(str(digits)) + DIGITS))


@cache
def _quantize_in(rounding: str) -> Callable[[Decimal, Decimal], Decimal]:
    """``quantize`` of :data:`rates.money.QUANTIZING` with ``rounding``: what
    :func:`rates.money.round_exact` does to a ``Decimal``."""
    context = QUANTIZING.copy()
    context.rounding = rounding
    return context.quantize


@cache
def _multiply_in(precision: int) -> Callable[[Decimal, Decimal], Decimal]:
    """``multiply`` of the library's context with ``precision`` digits: an amount whose
    product would need more is refused (a trapped ``Rounded``), not rounded."""
    context = CONTEXT.copy()
    context.prec = precision
    return context.multiply
