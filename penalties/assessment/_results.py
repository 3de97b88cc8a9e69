"""What an assessment returns: immutable results that explain themselves and serialise to JSON.

Amounts are py-moneyed ``Money``; in JSON they become ``{"amount": "...", "currency": "..."}``
with the amount as a decimal string, never a float.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from rates.money import amount_text

if TYPE_CHECKING:
    from moneyed import Money

    from penalties._facts import Amount, Offender

__all__ = [
    "Assessment",
    "PenaltyRange",
    "ProvisionRef",
    "Reason",
    "TierResult",
    "format_amount",
]


def format_amount(amount: Decimal, currency: str) -> str:
    """Locale-neutral text for explanations: ``VND 300,000,000``.

    >>> format_amount(Decimal("300000000"), "VND")
    'VND 300,000,000'
    """
    return f"{currency} {amount:,f}"


def _money_json(value: Money | None) -> dict[str, str] | None:
    if value is None:
        return None
    return {"amount": amount_text(value.amount), "currency": value.currency.code}


@dataclass(frozen=True, slots=True)
class PenaltyRange:
    """One penalty with its range, as it applies to the case.

    Money kinds (``fine``) use ``min``/``max``; time kinds use ``min_months``/``max_months``.
    ``None`` for a maximum means the law sets none; ``only_with_principal`` lists the principal
    kinds this additional penalty can accompany (``None``: any).
    """

    kind: str
    ref: str
    min: Money | None = None
    max: Money | None = None
    min_months: int | None = None
    max_months: int | None = None
    min_source: str | None = None
    only_with_principal: tuple[str, ...] | None = None
    per: str | None = None
    per_count: int | None = None
    per_item_min: Money | None = None
    per_item_max: Money | None = None
    basis: tuple[str, ...] = ()

    @property
    def is_money(self) -> bool:
        """Whether this penalty is an amount of money."""
        return self.kind in ("fine", "statutory_damages")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {"kind": self.kind, "ref": self.ref}
        if self.is_money:
            out["min"] = _money_json(self.min)
            out["max"] = _money_json(self.max)
        else:
            out["min_months"] = self.min_months
            out["max_months"] = self.max_months
        if self.min_source:
            out["min_source"] = self.min_source
        if self.only_with_principal is not None:
            out["only_with_principal"] = list(self.only_with_principal)
        if self.per is not None:
            out["per_item"] = {"per": self.per, "count": self.per_count,
                               "min": _money_json(self.per_item_min),
                               "max": _money_json(self.per_item_max)}
        if self.basis:
            out["basis"] = list(self.basis)
        return out


@dataclass(frozen=True, slots=True)
class Reason:
    """One trigger that fired: which clause or point, which fact, and the figures compared.

    ``value`` is the figure from the case (empty for true/false facts), ``test`` the legal
    condition in words, ``interval`` the same band in interval notation, and ``rule`` how a
    derived fact was decided (e.g. the history window applied).
    """

    ref: str
    fact: str
    test: str
    figure: Decimal | None = None
    currency: str | None = None
    interval: str | None = None
    rule: str | None = None

    @property
    def value(self) -> str:
        """The figure as people read it: ``VND 400,000,000`` or ``2``; empty for flags."""
        if self.figure is None:
            return ""
        if self.currency:
            return format_amount(self.figure, self.currency)
        return f"{self.figure:,f}"

    @property
    def text(self) -> str:
        """One line for people, e.g. ``225(2)(c): illicit_profit VND 400,000,000 is ...``."""
        before, after = self.around()
        return before + self.value + after

    def around(self) -> tuple[str, str]:
        """:attr:`text` cut where the figure goes (``before + value + after``), so a batch
        can write another case's figure into the same sentence."""
        head = f"{self.ref}: {self.fact}"
        tail = f" {self.test} ({self.rule})" if self.rule else f" {self.test}"
        return (head + " " if self.figure is not None else head), tail

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; a money figure is ``{"amount", "currency"}``, a count a number."""
        out: dict[str, Any] = {"ref": self.ref, "fact": self.fact, "test": self.test,
                               "text": self.text}
        if self.figure is not None:
            out["value"] = (
                {"amount": amount_text(self.figure), "currency": self.currency}
                if self.currency
                else int(self.figure)
            )
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "instrument": self.instrument,
            "article": self.article,
            "title": self.title,
            "title_original": self.title_original,
            "currency": self.currency,
            "version": self.version.isoformat(),
            "version_until": self.version_until.isoformat() if self.version_until else None,
            "amended_by": self.amended_by,
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the provision puts at stake for the facts, and why.

    ``tier`` is ``None`` when no tier applies (``liable`` then says whether the offender could
    be liable at all). ``principal`` holds the principal penalties: with ``principal_rule``
    ``"one_of"`` the court picks exactly one, with ``"any_of"`` one or more; ``additional``
    holds optional, cumulative penalties. ``see_also`` names provisions to look at when no
    tier applies; ``law_choice`` explains which law was applied when the offence date and the
    trial date fall under different laws (lex mitior).
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; amounts are decimal strings."""
        return {
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
            "facts": {k: _fact_json(v, self.provision.currency) for k, v in self.facts.items()},
            "ignored_facts": list(self.ignored),
            "not_given": list(self.not_given),
            "see_also": list(self.see_also),
            "law_choice": list(self.law_choice),
        }

    def to_json(self, **kwargs: Any) -> str:  # noqa: ANN401 - passed to json.dumps
        """The JSON document (``ensure_ascii=False`` so Vietnamese quotes stay readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


def _fact_json(value: object, currency: str) -> object:
    from penalties._facts import Amount

    if isinstance(value, Amount):
        as_amount: Amount = value
        return as_amount.json(currency)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):  # offender, prior_sentence: plain text in JSON
        return value.value
    return value
