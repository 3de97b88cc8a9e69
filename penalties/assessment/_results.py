"""What an assessment returns: immutable results that explain themselves and serialise to JSON.

Every amount of a result is a :class:`Figure`: its exact value (computed exactly, never
rounded on the way), its currency and how it is rounded once when shown (inward for the
bounds of a range, half-up otherwise: :mod:`rates.money`), and, when the result was
converted, the same amount in the other currency at the result's one rate. In JSON an
amount is ``{"amount": "...", "currency": "..."}`` with the rounded amount as a decimal
string, never a float; ``unrounded`` holds the exact value when rounding changed it, and
``converted`` the amount in the other currency.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from penalties import _words as words
from rates.exact import Exact, decimal_text, is_whole
from rates.money import (
    DEFAULT_ROUNDING,
    MAXIMUM_ROUNDING,
    MINIMUM_ROUNDING,
    amount_text,
    money_json,
    round_to_minor_unit,
)

if TYPE_CHECKING:
    from moneyed import Money

    from penalties._facts import Offender
    from penalties._values import Amount
    from rates.model import Rate

__all__ = [
    "Assessment",
    "Figure",
    "InputConversion",
    "PenaltyRange",
    "ProvisionRef",
    "Reason",
    "TierResult",
    "months_json",
]

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

    def to_dict(self, unrounded: bool = True) -> dict[str, Any]:
        """``{"amount", "currency"}``, with ``unrounded`` if rounding changed the amount
        (the exact value, or 30 significant digits when its decimals do not end; not for a
        converted amount, whose rate the document states) and ``converted`` when the result
        was converted."""
        rounded = self.amount
        out: dict[str, Any] = money_json(rounded, self.currency)
        if unrounded and rounded != self.exact:
            out["unrounded"] = decimal_text(self.exact, SHOWN_DIGITS)[0]
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {"kind": self.kind, "ref": self.ref}
        if self.is_money:
            out["min"] = self.low.to_dict() if self.low else None
            out["max"] = self.high.to_dict() if self.high else None
        else:
            out["min_months"] = months_json(self.min_months)
            out["max_months"] = months_json(self.max_months)
        if self.min_source:
            out["min_source"] = self.min_source
        if self.only_with_principal is not None:
            out["only_with_principal"] = list(self.only_with_principal)
        if self.per is not None:
            out["per_item"] = {"per": self.per, "count": self.per_count,
                               "min": self.per_low.to_dict() if self.per_low else None,
                               "max": self.per_high.to_dict() if self.per_high else None}
        if self.basis:
            out["basis"] = list(self.basis)
        return out


@dataclass(frozen=True, slots=True)
class Reason:
    """One trigger that fired: which clause or point, which fact, and the figures compared.

    ``figure`` is the figure of the case the law compared, exactly (an amount in the
    statute's currency, or a count; ``None`` for true/false facts), ``test`` the legal
    condition in words, ``interval`` the same band in interval notation, ``rule`` how a
    derived fact was decided (e.g. the history window applied), ``converted`` the figure in
    the currency the result was converted to.
    """

    ref: str
    fact: str
    test: str
    figure: Exact | int | None = None
    currency: str | None = None
    interval: str | None = None
    rule: str | None = None
    converted: Figure | None = None

    @property
    def value(self) -> str:
        """The figure as people read it: ``VND 400,000,000`` or ``2``; empty for flags."""
        if self.figure is None:
            return ""
        if self.currency:
            return words.amount(self.figure, self.currency)
        return words.number(self.figure)

    @property
    def text(self) -> str:
        """One line for people, e.g. ``225(2)(c): illicit_profit VND 400,000,000 is ...``."""
        head, tail = self.around()
        return head + self.value + tail

    def around(self) -> tuple[str, str]:
        """:attr:`text` cut where the figure goes (``head + value + tail``), so a batch can
        write another case's figure into the same sentence."""
        head = f"{self.ref}: {self.fact}" + (" " if self.figure is not None else "")
        return head, (f" {self.test} ({self.rule})" if self.rule else f" {self.test}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; a money figure is ``{"amount", "currency"}`` with the exact
        amount (``exact``: false when its decimals do not end and 30 significant digits are
        shown), a count a number."""
        out: dict[str, Any] = {"ref": self.ref, "fact": self.fact, "test": self.test,
                               "text": self.text}
        if self.figure is not None:
            if self.currency:
                digits, exact = decimal_text(self.figure, SHOWN_DIGITS)
                value: dict[str, Any] = {"amount": digits, "currency": self.currency}
                if not exact:
                    value["exact"] = False
                if self.converted is not None:
                    value["converted"] = self.converted.to_dict(unrounded=False)
                out["value"] = value
            else:
                out["value"] = int(self.figure) if is_whole(self.figure) else str(self.figure)
        if self.interval:
            out["interval"] = self.interval
        if self.rule:
            out["rule"] = self.rule
        return out


@dataclass(frozen=True, slots=True)
class TierResult:
    """A tier whose triggers fired, with each reason."""

    id: str
    ref: str
    rank: int
    confidence: str
    quote: str
    translation: str
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "ref": self.ref,
            "rank": self.rank,
            "confidence": self.confidence,
            "quote": self.quote,
            "translation": self.translation,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class ProvisionRef:
    """Which provision and which of its versions was applied."""

    id: str
    instrument: str
    article: str
    title: str
    title_original: str
    currency: str
    version: date
    version_until: date | None
    amended_by: str | None
    sources: tuple[str, ...]
    section_word: str = "Art."

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "instrument": self.instrument,
            "article": self.article,
            "section_word": self.section_word,
            "title": self.title,
            "title_original": self.title_original,
            "currency": self.currency,
            "version": self.version.isoformat(),
            "version_until": self.version_until.isoformat() if self.version_until else None,
            "amended_by": self.amended_by,
            "sources": list(self.sources),
        }


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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        digits, exact = decimal_text(self.value, SHOWN_DIGITS)
        assert self.given.currency is not None
        return {
            "fact": self.fact,
            "given": money_json(self.given.value, self.given.currency),
            "value": {"amount": digits, "currency": self.currency, "exact": exact},
            "rate": self.rate.to_dict(),
            "near_boundaries": [{"amount": amount_text(b), "currency": self.currency,
                                 "ref": ref} for b, ref in self.near],
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the provision puts at stake for the facts, and why.

    ``tier`` is ``None`` when no tier applies (``liable`` then says whether the offender could
    be liable at all). ``principal`` holds the principal penalties: with ``principal_rule``
    ``"one_of"`` the court picks exactly one, with ``"any_of"`` one or more; ``additional``
    holds optional, cumulative penalties. ``inputs`` lists the amounts given in another
    currency and their exact conversions; ``see_also`` names provisions to look at when no
    tier applies; ``law_choice`` explains which law was applied when the offence date and the
    trial date fall under different laws (lex mitior). ``rate`` is the one rate every
    ``converted`` figure of the result was converted at (``None``: not converted).
    """

    provision: ProvisionRef
    offender: Offender
    offence_date: date
    date_basis: str
    liable: bool
    tier: TierResult | None
    principal_rule: str = "one_of"
    principal: tuple[PenaltyRange, ...] = ()
    additional: tuple[PenaltyRange, ...] = ()
    also_met: tuple[TierResult, ...] = ()
    notes: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()
    not_given: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    law_choice: tuple[str, ...] = ()
    inputs: tuple[InputConversion, ...] = ()
    rate: Rate | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; amounts are decimal strings."""
        out = {
            "provision": self.provision.to_dict(),
            "offender": self.offender.value,
            "offence_date": self.offence_date.isoformat(),
            "date_basis": self.date_basis,
            "liable": self.liable,
            "tier": self.tier.to_dict() if self.tier else None,
            "principal_rule": self.principal_rule,
            "principal": [p.to_dict() for p in self.principal],
            "additional": [p.to_dict() for p in self.additional],
            "also_met": [t.to_dict() for t in self.also_met],
            "notes": list(self.notes),
            "inputs": [i.to_dict() for i in self.inputs],
            "facts": {k: _fact_json(v, self.provision.currency) for k, v in self.facts.items()},
            "ignored_facts": list(self.ignored),
            "not_given": list(self.not_given),
            "see_also": list(self.see_also),
            "law_choice": list(self.law_choice),
        }
        if self.rate is not None:
            out["conversion"] = conversion_json(self.rate)
        return out

    def to_json(self, **kwargs: Any) -> str:  # noqa: ANN401 - passed to json.dumps
        """The JSON document (``ensure_ascii=False`` so Vietnamese quotes stay readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


def conversion_json(rate: Rate) -> dict[str, Any]:
    """The ``conversion`` block of a JSON document: the rate once, with its provenance."""
    return {
        "from": rate.base,
        "to": rate.quote,
        "rate": amount_text(rate.value),
        "source": rate.source,
        "source_name": rate.source_name,
        "attribution": rate.attribution,
        "basis": rate.basis,
        "rate_date": rate.period,
        "period_start": rate.period_start.isoformat(),
        "period_end": rate.period_end.isoformat(),
        "asked_for": rate.asked_for.isoformat(),
        "stale": rate.stale,
        "rounding": {"minimum": MINIMUM_ROUNDING, "maximum": MAXIMUM_ROUNDING,
                     "other": DEFAULT_ROUNDING},
        "description": rate.describe(),
        "details": rate.to_dict(),
    }


def _fact_json(value: object, currency: str) -> object:
    from penalties._values import Amount

    if isinstance(value, Amount):
        as_amount: Amount = value
        return as_amount.json(currency)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):  # offender: plain text in JSON
        return value.value
    return value
