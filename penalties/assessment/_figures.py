"""The amounts of a result: exact figures rounded once when shown, penalty ranges, the
conversions of the amounts given, and the one rate a converted result states.

Every amount of a result is a :class:`Figure`: its exact value (computed exactly, never
rounded on the way), its currency and how it is rounded once when shown (inward for the
bounds of a range, half-up otherwise: :mod:`rates.money`), and, when the result was
converted, the same amount in the other currency at the result's one rate. In JSON an
amount is ``{"amount": "...", "currency": "..."}`` with the rounded amount as a decimal
string, never a float; ``unrounded`` holds the exact value when rounding changed it, and
``converted`` the amount in the other currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple, NotRequired, TypedDict, cast

from penalties import _words as words
from rates.exact import Exact, decimal_text, is_whole
from rates.model import MoneyDocument, RateDocument
from rates.money import (
    DEFAULT_ROUNDING,
    MAXIMUM_ROUNDING,
    MINIMUM_ROUNDING,
    amount_text,
    money_json,
    round_to_minor_unit,
)
from rates.quoted import quoted_json

if TYPE_CHECKING:
    from moneyed import Money

    from penalties._documents import ConversionBlock, QuotedFields
    from penalties._values import Amount
    from rates.model import Rate

__all__ = ["SHOWN_DIGITS", "ExactValue", "Figure", "FigureDocument", "InputConversion",
           "InputDocument", "NearBoundary", "PenaltyDocument", "PenaltyRange", "PerItemDocument",
           "conversion_json", "months_json"]


class FigureDocument(TypedDict):
    """An amount of a result, as decimal text rounded once to its currency's minor unit;
    unrounded is the exact value when rounding changed it (unrounded_exact: false when its
    decimals do not end and its first 30 significant digits are shown), converted the same
    amount at the document's one rate (its conversion block)."""

    amount: str
    currency: str
    unrounded: NotRequired[str]
    unrounded_exact: NotRequired[bool]
    converted: NotRequired[FigureDocument]


class PerItemDocument(TypedDict):
    """A range per item (per names the item), and the case's number of items."""

    per: str
    count: int | None
    min: FigureDocument | None
    max: FigureDocument | None


class PenaltyDocument(TypedDict):
    """A penalty and its range: min and max for money (fine, statutory_damages), min_months
    and max_months for the others (a number, or exact decimal text); a null maximum: the law
    sets none. only_with_principal lists the principal kinds an additional penalty can
    accompany, per_item a range per item; max_is_floor: true when the maximum is the
    greatest of the terms that could be computed, one left out for want of its fact (the
    law's maximum is at least max)."""

    kind: str
    ref: str
    min: NotRequired[FigureDocument | None]
    max: NotRequired[FigureDocument | None]
    max_is_floor: NotRequired[bool]
    min_months: NotRequired[int | str | None]
    max_months: NotRequired[int | str | None]
    min_source: NotRequired[str]
    only_with_principal: NotRequired[list[str]]
    per_item: NotRequired[PerItemDocument]
    basis: NotRequired[list[str]]


class ExactValue(TypedDict):
    """An exact amount, and whether its decimal text is complete."""

    amount: str
    currency: str
    exact: bool


class NearBoundary(TypedDict):
    """A boundary of the provision within the rate's own precision of a converted input."""

    amount: str
    currency: str
    ref: str


class InputDocument(TypedDict):
    """An amount given in another currency than the law's, converted exactly for the legal
    tests, with the rate and the boundaries a rate published with one more digit could put
    on the other side."""

    fact: str
    given: MoneyDocument
    value: ExactValue
    rate: RateDocument
    near_boundaries: list[NearBoundary]
    text: str

#: Significant digits shown of an exact figure whose decimals do not end.
SHOWN_DIGITS = 30


class Figure(NamedTuple):
    """An amount of a result: exact, in ``currency``, rounded once with ``rounding`` when
    shown; ``converted`` is the same amount in the currency the result was converted to."""

    exact: Exact
    currency: str
    rounding: str = DEFAULT_ROUNDING
    converted: Figure | None = None

    @property
    def amount(self) -> Decimal:
        """The amount rounded once to the currency's minor unit (the digits shown)."""
        return round_to_minor_unit(self.exact, self.currency, self.rounding)

    @property
    def money(self) -> Money:
        """:attr:`amount` as py-moneyed ``Money``."""
        from rates.money import money

        return money(self.amount, self.currency)

    def to_dict(self, unrounded: bool = True) -> FigureDocument:
        """``{"amount", "currency"}``, with ``unrounded`` if rounding changed the amount
        (the exact value, or 30 significant digits when its decimals do not end, then
        ``unrounded_exact`` is false; not for a converted amount, whose rate the document
        states) and ``converted`` when the result was converted."""
        rounded = self.amount
        out = cast("FigureDocument", money_json(rounded, self.currency))
        if unrounded and rounded != self.exact:
            out["unrounded"], out["unrounded_exact"] = decimal_text(self.exact, SHOWN_DIGITS)
        if self.converted is not None:
            out["converted"] = self.converted.to_dict(unrounded=False)
        return out


def months_json(value: Exact | int | None) -> int | str | None:
    """A number of months in JSON: an integer when whole, else its exact decimal text
    (``"13.5"``, from a modifier's factor)."""
    if value is None:
        return None
    return int(value) if is_whole(value) else decimal_text(value)[0]


@dataclass(frozen=True, slots=True)
class PenaltyRange:
    """One penalty with its range, as it applies to the case.

    Money kinds (``fine``, ``statutory_damages``) use ``low``/``high`` (exact figures; the
    rounded ``Money`` as :attr:`min`/:attr:`max`); time kinds use ``min_months`` /
    ``max_months`` (exact: 13.5 months after a factor of 1.5 on 9). ``None`` for a maximum
    means the law sets none; ``only_with_principal`` lists the principal kinds this
    additional penalty can accompany (``None``: any).
    """

    kind: str
    ref: str
    low: Figure | None = None
    high: Figure | None = None
    min_months: Exact | int | None = None
    max_months: Exact | int | None = None
    min_source: str | None = None
    only_with_principal: tuple[str, ...] | None = None
    per: str | None = None
    per_count: int | None = None
    per_low: Figure | None = None
    per_high: Figure | None = None
    basis: tuple[str, ...] = ()
    #: The maximum is the greatest of the terms that could be computed, one left out for
    #: want of its fact (GDPR Art. 83(5) without the turnover): the law's is at least it.
    high_is_floor: bool = False

    @property
    def is_money(self) -> bool:
        """Whether this penalty is an amount of money."""
        return self.kind in ("fine", "statutory_damages")

    @property
    def min(self) -> Money | None:
        """The minimum, rounded up to the minor unit, as ``Money``."""
        return self.low.money if self.low is not None else None

    @property
    def max(self) -> Money | None:
        """The maximum, rounded down to the minor unit, as ``Money``."""
        return self.high.money if self.high is not None else None

    @property
    def per_item_min(self) -> Money | None:
        """The minimum per item (``per``), as ``Money``."""
        return self.per_low.money if self.per_low is not None else None

    @property
    def per_item_max(self) -> Money | None:
        """The maximum per item (``per``), as ``Money``."""
        return self.per_high.money if self.per_high is not None else None

    def figures(self) -> tuple[Figure | None, ...]:
        """Every money figure of the range (to convert them all at once)."""
        return (self.low, self.high, self.per_low, self.per_high)

    def to_dict(self) -> PenaltyDocument:
        """JSON-ready form."""
        out: PenaltyDocument = {"kind": self.kind, "ref": self.ref}
        if self.is_money:
            out["min"] = self.low.to_dict() if self.low else None
            out["max"] = self.high.to_dict() if self.high else None
            if self.high_is_floor:
                out["max_is_floor"] = True
        else:
            out["min_months"] = months_json(self.min_months)
            out["max_months"] = months_json(self.max_months)
        if self.min_source:
            out["min_source"] = self.min_source
        if self.only_with_principal is not None:
            out["only_with_principal"] = list(self.only_with_principal)
        if self.per is not None:
            per_item: PerItemDocument = {
                "per": self.per, "count": self.per_count,
                "min": self.per_low.to_dict() if self.per_low else None,
                "max": self.per_high.to_dict() if self.per_high else None}
            out["per_item"] = per_item
        if self.basis:
            out["basis"] = list(self.basis)
        return out


@dataclass(frozen=True, slots=True)
class InputConversion:
    """An amount given in another currency than the law's, converted for the legal tests.

    ``value`` is ``given × rate`` exactly, in ``currency`` (the law's): the tests compare it
    with the thresholds without rounding. ``near`` lists the boundaries of the provision
    (amount and clause) that lie within the rate's own precision of it
    (:attr:`rates.model.Rate.precision`): a rate published with one more digit could fall
    on the other side of them.
    """

    fact: str
    given: Amount
    currency: str
    value: Exact
    rate: Rate
    near: tuple[tuple[Decimal, str], ...] = ()

    @property
    def text(self) -> str:
        """The conversion in words (see :func:`penalties._words.input_conversion`)."""
        return words.input_conversion(self)

    def to_dict(self) -> InputDocument:
        """JSON-ready form."""
        digits, exact = decimal_text(self.value, SHOWN_DIGITS)
        assert self.given.currency is not None
        return {
            "fact": self.fact,
            "given": cast("MoneyDocument", money_json(self.given.value, self.given.currency)),
            "value": {"amount": digits, "currency": self.currency, "exact": exact},
            "rate": self.rate.to_dict(),
            "near_boundaries": [{"amount": amount_text(b), "currency": self.currency,
                                 "ref": ref} for b, ref in self.near],
            "text": self.text,
        }


def conversion_json(rate: Rate) -> ConversionBlock:
    """The ``conversion`` block of a JSON document: the rate once, with its provenance: its
    basis and kind (``rate_type``: official, reference, market, or mixed for a cross rate of
    legs of different kinds; ``mixed_bases`` when its legs' bases differ), its age in days
    and whether it is stale (older than its basis allows: the source's series has ended,
    see :mod:`rates.lookback`, or an expired cache)."""
    return {
        "from": rate.base,
        "to": rate.quote,
        "rate": amount_text(rate.value),
        **cast("QuotedFields", quoted_json(rate)),
        "source": rate.source,
        "source_name": rate.source_name,
        "attribution": rate.attribution,
        "basis": rate.basis,
        "period_start": rate.period_start.isoformat(),
        "period_end": rate.period_end.isoformat(),
        "asked_for": rate.asked_for.isoformat(),
        "stale": rate.stale,
        "age_days": rate.age_days,
        "rate_type": rate.rate_type,
        "mixed_bases": rate.mixed_bases,
        "label": rate.label,
        "fallbacks": [fallback.to_dict() for fallback in rate.fallbacks],
        "rounding": {"minimum": MINIMUM_ROUNDING, "maximum": MAXIMUM_ROUNDING,
                     "other": DEFAULT_ROUNDING},
        "description": rate.describe(),
        "details": rate.to_dict(),
    }
