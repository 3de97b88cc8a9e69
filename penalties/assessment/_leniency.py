"""Lex mitior: when the law changed between the offence and the trial, apply the more lenient.

Vietnam Penal Code Art. 7(3) and Resolution 41/2017/QH14 Art. 2(1)(b): a later provision that
abolishes an offence or a penalty, or provides a lighter penalty, applies to offences
committed before it took effect. How "lighter" is judged is data: the leniency order of the
provision, or of its jurisdiction's general rules (``data/vn/general.toml``), a list of
criteria compared in turn (whether any tier applies, then e.g. the maximum imprisonment),
the first that differs deciding. It is reported with every choice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from penalties import _words as words
from penalties.assessment._figures import PenaltyRange
from penalties.assessment._results import Assessment
from rates.exact import Exact

if TYPE_CHECKING:
    from penalties.assessment._results import ProvisionRef
    from penalties.statutes._schema import Leniency

__all__ = ["choose_lenient", "severity"]

_NO_MAXIMUM = Decimal("Infinity")
_MONEY = ("fine", "statutory_damages")


def _largest(items: tuple[PenaltyRange, ...], kind: str, bound: str) -> Exact | int:
    values: list[Exact | int] = []
    for item in items:
        if item.kind != kind:
            continue
        if item.is_money:
            figure = item.low if bound == "min" else item.high
            values.append(figure.exact if figure is not None else (
                _NO_MAXIMUM if bound == "max" else Decimal(0)))
        else:
            months = item.min_months if bound == "min" else item.max_months
            values.append(months if months is not None else (
                _NO_MAXIMUM if bound == "max" else Decimal(0)))
    return max(values, default=Decimal(0))


def severity(result: Assessment, order: list[str]) -> tuple[Exact | int, ...]:
    """A key that orders assessments from the most lenient (smallest) to the most severe,
    criterion by criterion in ``order`` (``tier`` first: no tier is the most lenient)."""
    applies = result.liable and result.tier is not None
    key: list[Exact | int] = []
    for criterion in order:
        if criterion == "tier":
            key.append(Decimal(1) if applies else Decimal(0))
            continue
        kind, bound = criterion.split(".")
        key.append(_largest(result.principal, kind, bound) if applies else Decimal(0))
    return tuple(key)


def _words(criterion: str) -> str:
    if criterion == "tier":
        return "whether any tier applies"
    kind, bound = criterion.split(".")
    return f"the {'maximum' if bound == 'max' else 'minimum'} {words.kind(kind)}"


def _in_force(provision: ProvisionRef, day: date, tense: str) -> str:
    """``vn/penal-code/225 (version from 2018-01-01) was in force``, or, for a day before
    the version's start (an offence before the provision existed, judged by its
    transitional rules), ``before vn/penal-code/225 (in force from 2018-01-01)``."""
    start = provision.version.isoformat()
    if day < provision.version:
        return f"before {provision.id} (in force from {start})"
    return f"{provision.id} (version from {start}) {tense} in force"


def choose_lenient(at_offence: Assessment, at_trial: Assessment, trial_date: date,
                   rule: str, confidence: str, leniency: Leniency) -> Assessment:
    """Return the more lenient assessment, with ``law_choice`` saying which and why.

    On a tie the law in force at the offence date applies (the general rule, e.g. Art.
    7(1)); money criteria are skipped when the two laws are in different currencies.
    """
    first = at_offence.provision
    later = at_trial.provision
    lines = [
        f"Offence on {at_offence.offence_date.isoformat()}: "
        f"{_in_force(first, at_offence.offence_date, 'was')}; {words.summary(at_offence)}.",
        f"Trial on {trial_date.isoformat()}: {_in_force(later, trial_date, 'is')}; "
        f"{words.summary(at_trial)}.",
    ]
    order = [c for c in leniency.order if first.currency == later.currency
             or c.split(".")[0] not in _MONEY]
    key_first, key_later = severity(at_offence, order), severity(at_trial, order)
    deciding = next((_words(c) for c, a, b in zip(order, key_first, key_later, strict=True)
                     if a != b), "nothing")
    if key_later < key_first:
        lines.append(f"The later law is more lenient ({deciding} is lower) and applies to the "
                     f"earlier offence ({rule} [{confidence}], lex mitior).")
        return replace(at_trial, law_choice=tuple(lines))
    why = "they are equal" if deciding == "nothing" else f"{deciding} is not lower"
    lines.append(f"The later law is not more lenient ({why}), so the law at the offence date "
                 f"applies ({rule} [{confidence}] only lets a more lenient later law reach "
                 "back).")
    return replace(at_offence, law_choice=tuple(lines))
