"""Exchange rates that say where they come from, and amounts converted with them.

A :class:`Rate` is the number of units of ``quote`` paid for one unit of ``base`` on a
date, as a :class:`~decimal.Decimal`, together with its provenance: which source answered,
which published series the number belongs to, its basis (daily, monthly or annual), the
period it belongs to, the date asked for, when it was fetched and whether it came from a
stale cache. Inverse and cross rates keep every published rate they were computed from in
``legs``; their exact value is the rational number those rates make (:attr:`Rate.exact`),
and :attr:`Rate.value` shows it with :data:`PRECISION` significant digits.

>>> from datetime import date
>>> usd = Rate("EUR", "USD", Decimal("1.2309"), source="snapshot",
...            source_name="ECB euro foreign exchange reference rates",
...            series="ECB daily reference rate", attribution="Source: ECB statistics",
...            basis="daily", period_start=date(2018, 3, 19), period_end=date(2018, 3, 19),
...            asked_for=date(2018, 3, 19), rate_type="reference")
>>> usd.describe()
'ECB daily reference rate EUR→USD, 2018-03-19, asked for 2018-03-19'
>>> usd.label, usd.age_days, usd.stale
('daily reference rate', 0, False)
>>> usd.inverse().value
Decimal('0.81241368104638882118774880168982045657648874807052')
>>> usd.convert("1000 EUR").converted
Money('1230.90', 'USD')

A rate answered by a chain of sources (:class:`rates.sources.ChainSource`) lists in
``fallbacks`` the sources asked before, each with why it gave no rate (:class:`Fallback`).

A :class:`~rates.conversion.Conversion` (:mod:`rates.conversion`) keeps the amount
converted, the exact result, the result rounded once to the target currency's ISO 4217
minor unit (:func:`rates.money.round_exact`), the rounding mode and the rate.

The JSON forms are typed: :class:`ConversionDocument` (``penalties convert --json``, with its
``schema_version``), :class:`RateDocument`, :class:`FallbackDocument` and
:class:`MoneyDocument` are the declared types of the ``to_dict`` methods, so the type checker
holds every document to its type, and the JSON Schemas published for the command line are
generated from these same types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Context, Decimal
from fractions import Fraction
from typing import Literal, TypedDict

from rates.conversion import PRECISION, Conversion, conversion
from rates.errors import CurrencyMismatch, InvalidRate
from rates.exact import Exact, as_fraction, product, simplest
from rates.money import (
    DEFAULT_ROUNDING,
    MAX_AMOUNT,
    ROUNDING_MODES,
    amount_text,
    minor_unit,
    parse_amount,
    round_exact,
)

__all__ = [
    "BASES",
    "BASIS_WORDS",
    "PRECISION",
    "RATE_TYPES",
    "ROUNDING_MODES",
    "Basis",
    "Conversion",
    "ConversionDocument",
    "Fallback",
    "FallbackDocument",
    "MoneyDocument",
    "Rate",
    "RateDocument",
    "RateType",
    "coarsest",
    "cross",
    "identity",
    "through_pivot",
]

#: The basis of a rate: a rate fixed by law for every day from its start (the euro's
#: conversion rates of the currencies it replaced, :mod:`rates._fixed`), a daily fixing, a
#: monthly value or an annual value.
Basis = Literal["fixed", "daily", "monthly", "annual"]

#: Every basis, finest first.
BASES: tuple[Basis, ...] = ("fixed", "daily", "monthly", "annual")
_RANK = {basis: rank for rank, basis in enumerate(BASES)}

#: What each basis is, in words: the library's monthly series are end-of-period values and
#: its annual ones averages (:mod:`rates.lookback`).
BASIS_WORDS: dict[str, str] = {"fixed": "irrevocably fixed", "daily": "daily",
                               "monthly": "month-end", "annual": "annual average"}

#: What kind of rate a value is, as its publisher says: ``"official"`` (set or published by
#: the authorities as the official rate: the IMF's series, the State Bank of Vietnam's
#: central rate), ``"reference"`` (published for information, not a rate of market
#: transactions: the ECB's euro reference rates), ``"market"`` (rates at which currencies
#: trade), ``"mixed"`` (a cross rate of legs of different kinds) or ``"unstated"`` (the
#: source does not say).
RateType = Literal["official", "reference", "market", "mixed", "unstated"]

#: Every kind of rate, with its words.
RATE_TYPES: dict[str, str] = {
    "official": "official rate",
    "reference": "reference rate",
    "market": "market rate",
    "mixed": "rate of mixed kinds",
    "unstated": "rate of a kind the source does not state",
}

_CONTEXT = Context(prec=PRECISION)


class MoneyDocument(TypedDict):
    """An amount: its decimal text (no exponent, no separators) and its currency, as in
    {"amount": "300000000", "currency": "VND"}."""

    amount: str
    currency: str


class FallbackDocument(TypedDict):
    """A source of a chain that gave no rate before another answered, and why."""

    source: str
    error: str
    reason: str


class RateDocument(TypedDict):
    """A rate with its provenance: value is units of quote per unit of base, as decimal
    text; dates are ISO 8601; legs are the published rates a derived (inverse or cross) rate
    was computed from, fallbacks the sources asked before the one that answered."""

    base: str
    quote: str
    value: str
    source: str
    source_name: str
    series: str
    attribution: str
    basis: Basis
    period: str
    period_start: str
    period_end: str
    asked_for: str
    fetched_at: str | None
    stale: bool
    age_days: int
    rate_type: RateType
    mixed_bases: bool
    label: str
    note: str
    description: str
    legs: list[RateDocument]
    fallbacks: list[FallbackDocument]


class ConversionDocument(TypedDict):
    """An amount converted with one rate (penalties convert --json): the amount, the result
    rounded once to the target currency's minor unit, the exact result (unrounded_exact:
    false when its decimals do not end and its first 50 significant digits are shown), the
    rounding mode and the rate."""

    schema_version: Literal[1]
    amount: MoneyDocument
    converted: MoneyDocument
    unrounded: str
    unrounded_exact: bool
    rounding: str
    rate: RateDocument


def coarsest(*bases: Basis) -> Basis:
    """The coarsest of some bases (a cross rate is only as fine as its coarsest leg).

    >>> coarsest("daily", "annual", "monthly")
    'annual'
    """
    return max(bases, key=_RANK.__getitem__)


@dataclass(frozen=True, slots=True)
class Fallback:
    """A source of a chain that gave no rate before another one answered: its name, the
    kind of error (``"BadPayload"``, ``"RateNotFound"``, ``"DeadlineExceeded"``...) and the
    error's message."""

    source: str
    error: str
    reason: str

    def to_dict(self) -> FallbackDocument:
        """JSON-ready: ``{"source", "error", "reason"}``."""
        return {"source": self.source, "error": self.error, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Rate:
    """Units of ``quote`` per one unit of ``base``, with provenance.

    ``source`` is the id of the source that answered (``"snapshot"``, ``"ecb"``...),
    ``source_name`` its human name, ``series`` the published series the number belongs to
    (``"IMF monthly end-of-period"``), ``attribution`` the text its licence requires.
    ``period_start``/``period_end`` is the period the value belongs to: one day for a daily
    rate, a calendar month for a monthly one, a calendar year for an annual one; ``note``
    says which lookup rule picked it. ``legs`` is empty for a published rate and holds the
    published rates a derived (inverse or cross) rate was computed from. ``fallbacks``
    lists the sources of a chain asked before the one that answered, and why each gave no
    rate (not compared: a rate is the same whichever way it was found).

    ``rate_type`` says what kind of rate the publisher gives (:data:`RATE_TYPES`; a derived
    rate: its legs' kind, or ``"mixed"``). ``stale`` is true when the observation is older
    than its basis allows (the source's series has ended: :mod:`rates.lookback`) or came
    from an expired cache; :attr:`age_days` says how old it is, :attr:`mixed_bases` whether
    a cross rate's legs differ in basis, and :attr:`label` what it is in a few words.
    """

    base: str
    quote: str
    value: Decimal
    source: str
    source_name: str
    series: str
    attribution: str
    basis: Basis
    period_start: date
    period_end: date
    asked_for: date
    fetched_at: datetime | None = None
    stale: bool = False
    legs: tuple[Rate, ...] = ()
    note: str = ""
    #: The exact value: ``value`` itself for a published rate, the rational number its legs
    #: make for a derived one (set by :meth:`inverse` and :meth:`then`).
    exact: Exact = Decimal(0)
    fallbacks: tuple[Fallback, ...] = field(default=(), compare=False)
    rate_type: RateType = "unstated"

    def __post_init__(self) -> None:
        value = self.value
        if type(value) is not Decimal or not value.is_finite() or value <= 0:
            raise InvalidRate("value", value, "a finite Decimal greater than zero")
        if not self.legs:
            object.__setattr__(self, "exact", value)
        elif not self.exact:
            raise InvalidRate("exact", self.exact, "the exact value of a derived rate")
        if self.basis not in _RANK:
            raise InvalidRate("basis", self.basis, ", ".join(BASES))
        if self.rate_type not in RATE_TYPES:
            raise InvalidRate("rate_type", self.rate_type, ", ".join(RATE_TYPES))
        if self.period_end < self.period_start:
            raise InvalidRate(
                "period_end", self.period_end, f"a date on or after {self.period_start}"
            )

    @property
    def published(self) -> bool:
        """True for a rate as its publisher gave it, False for an inverse or cross rate."""
        return not self.legs

    @property
    def precision(self) -> Fraction:
        """The relative precision of the rate: for each published rate it is made of, half a
        unit of its last published digit divided by its value, summed (0.5 / 22463 for
        22,463 VND per USD). A converted amount is known to within this share of itself; a
        currency's rate to itself is exact (0)."""
        if self.base == self.quote:
            return Fraction(0)
        return sum((_half_unit(leg.value) for leg in (self.legs or (self,))), Fraction(0))

    @property
    def period(self) -> str:
        """The period as text: ``2018-03-19``, ``2018-02``, ``2018`` or ``start/end``.

        >>> identity("VND", date(2018, 3, 19)).period
        '2018-03-19'
        """
        start, end = self.period_start, self.period_end
        if start == end:
            return start.isoformat()
        if start.day == 1 and _last_day(end) and start.year == end.year:
            if start.month == end.month:
                return start.isoformat()[:7]
            if start.month == 1 and end.month == 12:
                return str(start.year)
        return f"{start.isoformat()}/{end.isoformat()}"

    @property
    def age_days(self) -> int:
        """Days from the end of the observation's period to the date asked for (0 on the
        day); for a derived rate, the age of its oldest leg."""
        if self.legs:
            return max(leg.age_days for leg in self.legs)
        if self.basis == "fixed":  # fixed by law for every day from its start: never old
            return 0
        return max(0, self.asked_for.toordinal() - self.period_end.toordinal())

    @property
    def mixed_bases(self) -> bool:
        """True for a derived rate whose legs have different bases (a month-end value crossed
        with an annual average)."""
        return len({leg.basis for leg in self.legs}) > 1

    @property
    def label(self) -> str:
        """What the rate is, in a few words: its basis and kind (``"month-end official
        rate"``; a derived rate of mixed bases: ``"month-end and annual average official
        rate"``)."""
        bases = dict.fromkeys(leg.basis for leg in self.legs or (self,))
        return f"{' and '.join(BASIS_WORDS[b] for b in bases)} {RATE_TYPES[self.rate_type]}"

    def describe(self) -> str:
        """One line saying what the rate is: series, pair, period, basis and kind, the date
        asked for, and its age when stale; a derived rate names each leg so, and says when
        their bases differ."""
        if self.published:
            return (f"{self.series} {self.base}→{self.quote}, {self.period}{_kind(self)}, "
                    f"asked for {self.asked_for.isoformat()}{_staleness(self)}")
        legs = "; ".join(
            f"{leg.series} {leg.base}→{leg.quote}, {leg.period}{_kind(leg)}" for leg in self.legs
        )
        mixed = ""
        if self.mixed_bases:
            kinds = dict.fromkeys(BASIS_WORDS[leg.basis] for leg in self.legs)
            mixed = f"; mixed bases: {' and '.join(kinds)}"
        return (f"{self.base}→{self.quote} derived from {legs}{mixed}; "
                f"asked for {self.asked_for.isoformat()}{_staleness(self)}")

    def inverse(self) -> Rate:
        """Units of ``base`` per unit of ``quote``: ``1 / value`` with 50 digits.

        The inverse of an inverse is the original rate, exactly.
        """
        legs = self.legs
        if len(legs) == 1 and legs[0].base == self.quote and legs[0].quote == self.base:
            return legs[0]
        return _derived(
            self.quote,
            self.base,
            simplest(1 / as_fraction(self.exact)),
            legs or (self,),
            f"inverse of {self.base}→{self.quote}",
        )

    def then(self, other: Rate) -> Rate:
        """Chain this rate (A→P) with ``other`` (P→B) into A→B: the product of both."""
        if other.base != self.quote:
            raise CurrencyMismatch(other.base, self.quote)
        return _derived(
            self.base,
            other.quote,
            product(self.exact, other.exact),
            (self.legs or (self,)) + (other.legs or (other,)),
            f"cross via {self.quote}",
        )

    def convert(self, amount: object, rounding: str = DEFAULT_ROUNDING) -> Conversion:
        """Convert an amount of ``base`` with this rate and round once, at the end.

        ``amount`` is a py-moneyed ``Money``, a ``Decimal``, a ``Fraction`` (an exact result),
        an ``int`` or text such as
        ``"1000000000 VND"`` (see :func:`rates.money.parse_amount`); if it names a currency it
        must be ``base``. The result is rounded to the ISO 4217 minor unit of ``quote`` with
        ``rounding`` (default ``ROUND_HALF_UP``). Use one rate for a whole set of amounts to
        report them all with the same provenance.

        >>> rate = identity("USD", date(2018, 3, 19))
        >>> rate.convert("12.345").converted
        Money('12.35', 'USD')
        >>> rate.convert("12.345", rounding="ROUND_HALF_EVEN").converted
        Money('12.34', 'USD')
        """
        value: Exact
        if type(amount) is Decimal and amount.is_finite() and 0 < amount <= MAX_AMOUNT:
            value = amount  # the common case of a batch: already an exact, checked amount
        elif type(amount) is Fraction and 0 <= amount <= MAX_AMOUNT:
            value = simplest(amount)  # an exact result of another conversion
        else:
            value, currency = parse_amount(amount)
            if currency is not None and currency != self.base:
                raise CurrencyMismatch(currency, self.base)
        return self.convert_checked(value, rounding)

    def convert_checked(self, value: Exact, rounding: str = DEFAULT_ROUNDING) -> Conversion:
        """:meth:`convert` for an amount already read and checked (by
        :func:`rates.money.parse_amount`), or an exact result of the library: the hot path of
        batch and API conversions. The product is exact; it is rounded once."""
        unrounded = product(value, self.exact)
        rounded = round_exact(unrounded, minor_unit(self.quote), rounding)
        return conversion(value, self.base, self, unrounded, rounded, rounding)

    def to_dict(self) -> RateDocument:
        """A JSON-ready dict: decimals as strings, dates in ISO 8601, legs nested."""
        return {
            "base": self.base,
            "quote": self.quote,
            "value": amount_text(self.value),
            "source": self.source,
            "source_name": self.source_name,
            "series": self.series,
            "attribution": self.attribution,
            "basis": self.basis,
            "period": self.period,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "asked_for": self.asked_for.isoformat(),
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "stale": self.stale,
            "age_days": self.age_days,
            "rate_type": self.rate_type,
            "mixed_bases": self.mixed_bases,
            "label": self.label,
            "note": self.note,
            "description": self.describe(),
            "legs": [leg.to_dict() for leg in self.legs],
            "fallbacks": [fallback.to_dict() for fallback in self.fallbacks],
        }


_ONE = Decimal(1)


def _half_unit(value: Decimal) -> Fraction:
    """Half a unit of the last digit of ``value``, relative to ``value``."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # a rate is finite
    return Fraction(1, 2) * Fraction(10) ** exponent / as_fraction(value)


def _last_day(day: date) -> bool:
    return (day.month == 12 and day.day == 31) or (
        day.month != 12 and date(day.year, day.month + 1, 1).toordinal() - day.toordinal() == 1
    )


def _kind(rate: Rate) -> str:
    """``, month-end official rate`` when the series' name does not already say it."""
    label = rate.label
    return "" if rate.base == rate.quote or label in rate.series.lower() else f", {label}"


def _staleness(rate: Rate) -> str:
    if not rate.stale:
        return ""
    age = rate.age_days
    sep = ", " if rate.published else "; "
    return f"{sep}stale: {age} days old" if age else f"{sep}stale"


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _derived(base: str, quote: str, exact: Exact, legs: tuple[Rate, ...], how: str) -> Rate:
    sources = _unique([leg.source for leg in legs])
    kinds = list(dict.fromkeys(leg.rate_type for leg in legs))
    fetched = [leg.fetched_at for leg in legs if leg.fetched_at is not None]
    shown = exact if isinstance(exact, Decimal) else _CONTEXT.divide(
        Decimal(exact.numerator), Decimal(exact.denominator))
    # a fixed leg holds every day from its first: the period is the other legs' (the fixed
    # rates' first day when every leg is fixed)
    dated = [leg for leg in legs if leg.basis != "fixed"] or list(legs)
    return Rate(
        base=base,
        quote=quote,
        value=shown,
        exact=exact,
        source="+".join(sources),
        source_name=" + ".join(_unique([leg.source_name for leg in legs])),
        series=" × ".join(_unique([leg.series for leg in legs])),
        attribution="\n".join(_unique([leg.attribution for leg in legs])),
        basis=coarsest(*(leg.basis for leg in legs)),
        period_start=min(leg.period_start for leg in dated),
        period_end=max(leg.period_end for leg in dated),
        asked_for=legs[0].asked_for,
        fetched_at=min(fetched) if fetched else None,
        stale=any(leg.stale for leg in legs),
        legs=legs,
        note=how,
        fallbacks=tuple(fallback for leg in legs for fallback in leg.fallbacks),
        rate_type=kinds[0] if len(kinds) == 1 else "mixed",
    )


def cross(pivot_to_base: Rate, pivot_to_quote: Rate) -> Rate:
    """The rate base→quote from two rates quoted against the same pivot P.

    ``pivot_to_base`` is P→A and ``pivot_to_quote`` is P→B; the result A→B is
    ``(P→B) / (P→A)`` with 50 significant digits, its basis the coarser of the two, its
    period the union (a fixed leg's aside: it holds on every day of the other's), stale if
    either is stale, and both legs kept.

    >>> d = date(2018, 3, 19)
    >>> def ecb(quote, text):
    ...     return Rate("EUR", quote, Decimal(text), "snapshot", "ECB", "ECB daily", "",
    ...                 "daily", d, d, d)
    >>> cross(ecb("USD", "1.2309"), ecb("JPY", "130.65")).value
    Decimal('106.14184742871069948817938094077504265171825493541')
    """
    if pivot_to_base.base != pivot_to_quote.base:
        raise CurrencyMismatch(pivot_to_quote.base, pivot_to_base.base)
    return pivot_to_base.inverse().then(pivot_to_quote)


def identity(currency: str, on: date) -> Rate:
    """The rate of a currency to itself (exactly 1), for conversions that change nothing."""
    return Rate(
        base=currency,
        quote=currency,
        value=_ONE,
        source="identity",
        source_name="same currency",
        series="same currency",
        attribution="",
        basis="daily",
        period_start=on,
        period_end=on,
        asked_for=on,
        note="no conversion: the amount is already in this currency",
    )


def through_pivot(pivot: str, base: str, quote: str, leg: Callable[[str], Rate]) -> Rate:
    """base→quote from a source that publishes pivot→X rates; ``leg(X)`` returns pivot→X.

    A pair containing the pivot needs one leg (inverted if the pivot is the quote); any
    other pair is the :func:`cross` of two legs.
    """
    if base == pivot:
        return leg(quote)
    if quote == pivot:
        return leg(base).inverse()
    return cross(leg(base), leg(quote))
