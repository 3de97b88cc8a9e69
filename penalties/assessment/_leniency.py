"""Lex mitior: when the law changed between the offence and the trial, apply the more lenient.

Vietnam Penal Code Art. 7(3) and Resolution 41/2017/QH14 Art. 2(1)(b): a later provision that
abolishes an offence or a penalty, or provides a lighter penalty, applies to offences
committed before it took effect. Leniency is judged here, in this order, on: whether any tier
applies at all; the maximum custodial term (imprisonment, then non-custodial reform or other
community sentence); the maximum fine; then the same minima. This ordering is our reading of
"a lighter penalty" and is reported with every choice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from penalties.assessment._results import Assessment, PenaltyRange

__all__ = ["choose_lenient", "severity"]

_NO_MAXIMUM = Decimal("Infinity")


def _largest(items: list[PenaltyRange], kind: str, bound: str) -> Decimal:
    values: list[Decimal] = []
    for item in items:
        if item.kind != kind:
            continue
        if item.is_money:
            value = getattr(item, bound)
            values.append(value.amount if value is not None else (
                _NO_MAXIMUM if bound == "max" else Decimal(0)))
        else:
            months = getattr(item, f"{bound}_months")
            values.append(Decimal(months) if months is not None else (
                _NO_MAXIMUM if bound == "max" else Decimal(0)))
    return max(values, default=Decimal(0))


def severity(result: Assessment) -> tuple[Decimal, ...]:
    """A key that orders assessments from the most lenient (smallest) to the most severe."""
    if not result.liable or result.tier is None:
        return (Decimal(0),)
    items = list(result.principal)
    return (
        Decimal(1),
        _largest(items, "imprisonment", "max"),
        _largest(items, "community_sentence", "max"),
        _largest(items, "fine", "max"),
        _largest(items, "imprisonment", "min"),
        _largest(items, "community_sentence", "min"),
        _largest(items, "fine", "min"),
    )


_CRITERIA = ("whether any tier applies", "the maximum imprisonment",
             "the maximum community sentence", "the maximum fine", "the minimum imprisonment",
             "the minimum community sentence", "the minimum fine")


def _summary(result: Assessment) -> str:
    if not result.liable:
        return "no liability"
    if result.tier is None:
        return "no tier applies"
    parts = []
    for item in result.principal:
        if item.is_money:
            low = f"{item.min.amount:,f}" if item.min else "0"
            high = f"{item.max.amount:,f}" if item.max else "no maximum"
            unit = item.max.currency.code if item.max else (
                item.min.currency.code if item.min else "")
            parts.append(f"{item.kind.replace('_', ' ')} {unit} {low} to {high}")
        else:
            low = f"{item.min_months}" if item.min_months is not None else "0"
            high = f"{item.max_months}" if item.max_months is not None else "no maximum"
            parts.append(f"{item.kind.replace('_', ' ')} {low} to {high} months")
    return f"tier {result.tier.ref}: " + ", ".join(parts)


def _deciding(first: tuple[Decimal, ...], later: tuple[Decimal, ...]) -> str:
    for name, a, b in zip(_CRITERIA, first, later, strict=False):
        if a != b:
            return name
    return "nothing"


def choose_lenient(at_offence: Assessment, at_trial: Assessment, trial_date: date,
                   rule: str, confidence: str) -> Assessment:
    """Return the more lenient assessment, with ``law_choice`` saying which and why.

    On a tie, or when the fines are in different currencies and nothing else differs, the
    law in force at the offence date applies (the general rule, e.g. Art. 7(1)).
    """
    first = at_offence.provision
    later = at_trial.provision
    lines = [
        f"Offence on {at_offence.offence_date.isoformat()}: {first.id} (version from "
        f"{first.version.isoformat()}) was in force; {_summary(at_offence)}.",
        f"Trial on {trial_date.isoformat()}: {later.id} (version from "
        f"{later.version.isoformat()}) is in force; {_summary(at_trial)}.",
    ]
    comparable = first.currency == later.currency
    key_first, key_later = severity(at_offence), severity(at_trial)
    if not comparable:
        key_first, key_later = key_first[:3], key_later[:3]
    deciding = _deciding(key_first, key_later)
    if key_later < key_first:
        lines.append(f"The later law is more lenient ({deciding} is lower) and applies to the "
                     f"earlier offence ({rule} [{confidence}], lex mitior).")
        return replace(at_trial, law_choice=tuple(lines))
    why = "they are equal" if deciding == "nothing" else f"{deciding} is not lower"
    lines.append(f"The later law is not more lenient ({why}), so the law at the offence date "
                 f"applies ({rule} [{confidence}] only lets a more lenient later law reach "
                 "back).")
    return replace(at_offence, law_choice=tuple(lines))
