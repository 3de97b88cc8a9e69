"""A rate as people quote it: the larger way round, exact, with its unit, basis and date.

A :class:`~rates.model.Rate` holds a *multiplier*: units of ``quote`` for one unit of
``base`` (VND→USD is 0.0000445176…). People, publishers and spreadsheets quote the larger
way round: ``22463 VND per USD``. :func:`quoted` gives that figure, and is the one place
that says it, for the words on screen, the JSON documents and the batch cells alike:

* a published rate of 1 or more is its figure exactly as published (every digit it was
  published with, ``1.2309 USD per EUR``), and so is a published rate's inverse
  (VND→USD is quoted ``22463 VND per USD``);
* any other rate (a published figure below 1, a cross rate) is the exact value its
  published legs make, the larger way round, written in full (VND→EUR on 19 March 2018 is
  22463 × 1.2309 = ``27649.7067 VND per EUR``); a quotient whose decimals never end
  (``130.65 / 1.2309``) is written to its first :data:`~rates.model.PRECISION`
  significant digits, and :attr:`Quoted.exact` is then false.

The value is a :class:`~decimal.Decimal` and is written without exponent, thousands
separators or float (:attr:`Quoted.text`); a display may shorten it, from this value.

:func:`rate_date` is the one ISO date a rate is dated by: the end of the period it belongs
to (the day of a daily rate, the month's last day for a month-end value, the year's last day
for an annual average); :func:`basis_words` says which (:data:`rates.model.BASIS_WORDS`),
leg by leg for a cross rate whose legs differ, as :attr:`rates.model.Rate.label` does.
:func:`quoted_json` gathers them with the names the batch columns and the JSON
``conversion`` block share.

>>> from datetime import date
>>> usd_vnd = Rate("USD", "VND", Decimal("22463"), "snapshot", "IMF", "IMF monthly", "",
...                "monthly", date(2018, 2, 1), date(2018, 2, 28), date(2018, 3, 19))
>>> quoted(usd_vnd.inverse())
Quoted(value=Decimal('22463'), unit='VND per USD', exact=True)
>>> eur_usd = Rate("EUR", "USD", Decimal("1.2309"), "snapshot", "ECB", "ECB daily", "",
...                "daily", date(2018, 3, 19), date(2018, 3, 19), date(2018, 3, 19))
>>> quoted(usd_vnd.inverse().then(eur_usd.inverse())).text
'27649.7067'
>>> quoted_json(usd_vnd.inverse())["rate_date"], basis_words(eur_usd.then(usd_vnd))
('2018-02-28', 'daily and month-end')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from rates.exact import as_fraction, decimal_text, simplest
from rates.model import BASIS_WORDS, PRECISION, Rate

if TYPE_CHECKING:
    from fractions import Fraction

__all__ = ["Quoted", "basis_words", "quoted", "quoted_json", "rate_date"]

#: Most rates whose quoted figure is kept (far more than the distinct rates of a batch).
_MAX_KEPT = 4096


class Quoted(NamedTuple):
    """A rate as quoted: ``value`` units of one currency per unit of the other (``unit``,
    ``"VND per USD"``), the larger way round; ``exact`` is false when ``value`` is the first
    :data:`~rates.model.PRECISION` significant digits of a quotient that never ends."""

    value: Decimal
    unit: str
    exact: bool

    @property
    def text(self) -> str:
        """The value as plain decimal text: every digit, no exponent, no separators."""
        return format(self.value, "f")


_KEPT: dict[tuple[Any, ...], Quoted] = {}


def quoted(rate: Rate) -> Quoted:
    """``rate`` as quoted (see the module's docstring); computed once per distinct rate."""
    legs = rate.legs or (rate,)
    key = (rate.base, rate.quote, rate.exact,
           *((leg.base, leg.quote, leg.value.as_tuple()) for leg in legs))
    found = _KEPT.get(key)
    if found is None:
        if len(_KEPT) >= _MAX_KEPT:
            _KEPT.clear()
        found = _KEPT[key] = _quote(rate)
    return found


def _quote(rate: Rate) -> Quoted:
    exact: Fraction = as_fraction(rate.exact)
    per, of = rate.quote, rate.base
    if exact < 1:
        per, of, exact = of, per, 1 / exact
    unit = f"{per} per {of}"
    for leg in rate.legs or (rate,):  # a published figure, with its published digits
        if leg.base == of and leg.quote == per and as_fraction(leg.value) == exact:
            return Quoted(leg.value, unit, True)
    settled = simplest(exact)
    if isinstance(settled, Decimal):
        return Quoted(settled, unit, True)
    return Quoted(Decimal(decimal_text(exact, PRECISION)[0]), unit, False)


def rate_date(rate: Rate) -> date:
    """The date a rate is dated by: the end of its period (for a cross rate, of the latest
    of its legs' periods)."""
    return rate.period_end


def basis_words(rate: Rate) -> str:
    """What the rate is: ``daily``, ``month-end`` or ``annual average``
    (:data:`rates.model.BASIS_WORDS`); for a rate derived from legs of different bases,
    each leg's, in the legs' order, joined by ``and`` (``month-end and daily``)."""
    return " and ".join(dict.fromkeys(BASIS_WORDS[leg.basis] for leg in rate.legs or (rate,)))


def quoted_json(rate: Rate) -> dict[str, Any]:
    """The rate as quoted, with the names the batch columns use: ``rate_quoted`` (decimal
    text), ``rate_unit``, ``rate_quoted_exact``, ``rate_multiplier`` (units of ``quote`` per
    ``base``, the figure amounts are multiplied by), ``rate_basis`` (:func:`basis_words`),
    ``rate_date`` (:func:`rate_date`) and ``rate_period_start``, all dates in ISO 8601."""
    said = quoted(rate)
    return {
        "rate_quoted": said.text,
        "rate_unit": said.unit,
        "rate_quoted_exact": said.exact,
        "rate_multiplier": format(rate.value, "f"),
        "rate_basis": basis_words(rate),
        "rate_date": rate_date(rate).isoformat(),
        "rate_period_start": rate.period_start.isoformat(),
    }
