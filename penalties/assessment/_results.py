"""What an assessment returns: immutable results that explain themselves and serialise to JSON.

The amounts in them are :mod:`penalties.assessment._figures`' (exact figures rounded once
when shown, ranges, conversions); this module holds what says which law, clause and facts
gave them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, cast

from penalties import _words as words
from penalties.assessment._figures import (
    SHOWN_DIGITS,
    Figure,
    FigureDocument,
    InputConversion,
    PenaltyRange,
    conversion_json,
)
from rates.exact import Exact, decimal_text, is_whole

if TYPE_CHECKING:
    from collections.abc import Sequence

    from penalties._documents import AssessmentDocument, FactValue
    from penalties._facts import Offender
    from penalties._html import Shown
    from penalties.assessment._margins import Margin
    from rates.model import MoneyDocument, Rate

__all__ = ["Assessment", "ProvisionDocument", "ProvisionRef", "Reason", "ReasonDocument",
           "ReasonMoney", "TierDocument", "TierResult"]


class ProvisionDocument(TypedDict):
    """Which provision and which of its versions was applied (dates ISO 8601;
    version_until null: in force with no end)."""

    id: str
    instrument: str
    article: str
    section_word: str
    title: str
    title_original: str
    currency: str
    version: str
    version_until: str | None
    amended_by: str | None
    enacted_by: str | None
    sources: list[str]


class ReasonMoney(TypedDict):
    """The amount of the case a test compared, exactly, in the law's currency; exact is
    false when its decimals do not end and 30 significant digits are shown."""

    amount: str
    currency: str
    exact: NotRequired[bool]
    converted: NotRequired[FigureDocument]


class ReasonDocument(TypedDict):
    """A trigger that fired: the clause, the fact, the test in words and, but for a
    true/false fact, the figure compared (an amount, or a count: a number, or its exact
    decimal text); interval is the band in interval notation, rule how a derived fact was
    decided."""

    ref: str
    fact: str
    test: str
    text: str
    value: NotRequired[ReasonMoney | int | str]
    interval: NotRequired[str]
    rule: NotRequired[str]


class TierDocument(TypedDict):
    """A tier whose triggers fired, with the text of its clause and each reason."""

    id: str
    ref: str
    rank: int
    confidence: str
    quote: str
    translation: str
    reasons: list[ReasonDocument]


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

    def to_dict(self) -> ReasonDocument:
        """JSON-ready form; a money figure is ``{"amount", "currency"}`` with the exact
        amount (``exact``: false when its decimals do not end and 30 significant digits are
        shown), a count a number."""
        out: ReasonDocument = {"ref": self.ref, "fact": self.fact, "test": self.test,
                               "text": self.text}
        if self.figure is not None:
            if self.currency:
                digits, exact = decimal_text(self.figure, SHOWN_DIGITS)
                value: ReasonMoney = {"amount": digits, "currency": self.currency}
                if not exact:
                    value["exact"] = False
                if self.converted is not None:
                    value["converted"] = self.converted.to_dict(unrounded=False)
                out["value"] = value
            else:
                out["value"] = (int(self.figure) if is_whole(self.figure)
                                else decimal_text(self.figure, SHOWN_DIGITS)[0])
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

    def to_dict(self) -> TierDocument:
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
    enacted_by: str | None = None

    def to_dict(self) -> ProvisionDocument:
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
            "enacted_by": self.enacted_by,
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the provision puts at stake for the facts, and why.

    ``tier`` is ``None`` when no tier applies (``liable`` then says whether the offender could
    be liable at all). ``principal`` holds the principal penalties: with ``principal_rule``
    ``"one_of"`` the court picks exactly one, with ``"any_of"`` one or more, with ``"all_of"``
    each of them; ``additional`` holds optional, cumulative penalties. ``inputs`` lists the
    amounts given in another currency and their exact conversions; ``see_also`` names provisions
    to look at when no tier applies; ``law_choice`` explains which law was applied when the
    offence date and the trial date fall under different laws (lex mitior). ``rate`` is the one
    rate every ``converted`` figure of the result was converted at (``None``: not converted).
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

    def to_dict(self, margins: Sequence[Margin] | None = None) -> AssessmentDocument:
        """The JSON document of ``penalties assess --json`` (``schema_version`` 1: its
        type, :class:`~penalties._documents.AssessmentDocument`, is its published schema);
        amounts are decimal strings. With ``margins`` (:func:`penalties.margins`' answer
        for this result), the document has them under ``margins``, as ``penalties assess
        --json`` and ``POST /assess`` answer."""
        out: AssessmentDocument = {
            "schema_version": 1,
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
        if margins is not None:
            out["margins"] = [m.to_dict() for m in margins]
        return out

    def to_json(self, **kwargs: Any) -> str:  # noqa: ANN401 - passed to json.dumps
        """The JSON document (``ensure_ascii=False`` so Vietnamese quotes stay readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def _repr_html_(self) -> str:
        """The assessment in a notebook: what ``penalties assess`` prints (without the
        margins, :func:`penalties.margins`' answer), as HTML in the environment's locale
        (:mod:`penalties._html`)."""
        from penalties._html import html, locale
        from penalties._text import assessment

        return html(assessment(self, locale()))

    def __rich__(self) -> Shown:
        """The assessment as rich prints it for ``penalties assess`` (as
        :meth:`_repr_html_`), laid out for the console it is printed on."""
        from penalties._html import Shown, locale
        from penalties._text import assessment

        return Shown(assessment(self, locale()))


def _fact_json(value: object, currency: str) -> FactValue:
    from penalties._values import Amount

    if isinstance(value, Amount):
        return cast("MoneyDocument", value.json(currency))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):  # offender: plain text in JSON
        return value.value
    if isinstance(value, bool | int | str):
        return value
    raise TypeError(f"no JSON form for the fact value {value!r}")
