"""The assessment engine: facts in, an :class:`~penalties.assessment.Assessment` out.

Steps, each recorded in the result:

1. the date that selects the law (the offence date; today, said plainly, when none is given);
2. whether the offender can be liable at all on that date (e.g. Vietnamese commercial legal
   entities only for acts from 2018-01-01, Resolution 41/2017/QH14 Art. 2(1)(h));
3. the version in force on that date;
4. history facts decided from completion dates by the version's history rules;
5. the most severe tier whose triggers fire, with every trigger that fired;
6. the principal alternatives and the additional penalties, with citations and floors.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from penalties.assessment import Assessment, TierResult
from penalties.compile import CompiledTier, CompiledVersion, Statute, cite
from penalties.errors import InvalidFacts
from penalties.facts import Amount, Facts
from penalties.triggers import Context

__all__ = ["add_months", "assess_statute"]

_HISTORY_FIELDS = {
    "prior_admin_penalty": "prior_admin_penalty_completed",
    "prior_conviction": "prior_conviction_completed",
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb).

    >>> add_months(date(2016, 2, 29), 12)
    datetime.date(2017, 2, 28)
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def assess_statute(statute: Statute, facts: Facts, today: date | None = None) -> Assessment:
    """Assess ``facts`` under ``statute``; see the module docstring for the steps."""
    if facts.offence_date is not None:
        day, basis = facts.offence_date, "offence_date"
    else:
        day, basis = today or date.today(), "today: no offence date was given"
    subject = statute.subjects.get(facts.offender)
    if subject is None:
        allowed = ", ".join(s.value for s in statute.subjects)
        raise InvalidFacts("offender", f"{statute.id} does not cover the offender kind "
                           f"{facts.offender.value!r}", allowed)
    version = statute.version_on(day) if subject.liable_from is None or day >= subject.liable_from \
        else None
    if version is None:
        return _not_liable(statute, facts, day, basis)
    return _Run(statute, version, facts, day, basis).result()


def _not_liable(statute: Statute, facts: Facts, day: date, basis: str) -> Assessment:
    subject = statute.subjects[facts.offender]
    assert subject.liable_from is not None
    assert subject.liability_citation is not None
    ref = cite(subject.liability_citation, statute.model.article)
    note = (f"A {subject.label} bears no liability under {statute.id} for acts before "
            f"{subject.liable_from.isoformat()} ({ref}: {subject.liability_citation.translation})")
    # The provision as first in force is the one that would have applied.
    first = statute.versions[0]
    return Assessment(first.provision, facts.offender, day, basis, liable=False, tier=None,
                      notes=(note,), facts=facts.given())


class _Run:
    """One assessment; holds the derived facts while the trigger tree asks for them."""

    def __init__(self, statute: Statute, version: CompiledVersion, facts: Facts, day: date,
                 basis: str) -> None:
        self.statute = statute
        self.version = version
        self.facts = facts
        self.day = day
        self.basis = basis
        self.notes: list[str] = []
        self.flags: dict[str, tuple[bool, str | None]] = {}
        self.used = version.used_facts.get(facts.offender, frozenset())

    def flag(self, name: str) -> tuple[bool, str | None]:
        if name not in self.flags:
            self.flags[name] = self._decide_flag(name)
        return self.flags[name]

    def _decide_flag(self, name: str) -> tuple[bool, str | None]:
        stated = getattr(self.facts, name)
        date_field = _HISTORY_FIELDS.get(name)
        completed = getattr(self.facts, date_field) if date_field else None
        if completed is None:
            return bool(stated), None
        counts, how = self._history(name, completed)
        if stated is True and not counts:
            raise InvalidFacts(name, f"contradictory facts: {name} is true but {how}",
                               f"{name} or {date_field}, in agreement")
        if not counts:
            self.notes.append(f"{name} does not count: {how}")
        return counts, how

    def _history(self, name: str, completed: date) -> tuple[bool, str]:
        offender = self.facts.offender
        rules = self.version.history
        rule = rules.get((name, offender, None))
        if rule is None:
            sentence = self.facts.prior_sentence
            if sentence is None and any(k[0] == name and k[1] == offender for k in rules):
                raise InvalidFacts("prior_sentence", "needed to decide from the completion date "
                                   f"whether the earlier conviction still counts for a "
                                   f"{offender.value}", "non_custodial, prison_up_to_5_years, "
                                   "prison_5_to_15_years, prison_over_15_years")
            rule = rules.get((name, offender, sentence))
        if rule is None:
            raise InvalidFacts(_HISTORY_FIELDS[name], f"{self.statute.id} has no rule to decide "
                               f"from a date whether {name} counts for a {offender.value}",
                               f"give {name} = true or false instead")
        until = add_months(completed, rule.window_months)
        ref = cite(rule.citation, self.statute.model.article)
        verb = "counts until" if self.day <= until else "stopped counting after"
        how = (f"completed {completed.isoformat()}; {verb} {until.isoformat()}, "
               f"{rule.window_months} months after {rule.anchor}, {ref} "
               f"[{rule.citation.confidence.value}]")
        return self.day <= until, how

    def quantity(self, name: str) -> Decimal | None:
        value = getattr(self.facts, name)
        if value is None:
            return None
        if isinstance(value, Amount):
            return self._in_statute_currency(name, value)
        return Decimal(value)

    def _in_statute_currency(self, name: str, value: Amount) -> Decimal:
        if value.currency is None or value.currency == self.statute.currency:
            return value.value
        raise InvalidFacts(name, f"the amount is in {value.currency} but {self.statute.id} tests "
                           f"amounts in {self.statute.currency}",
                           f"an amount in {self.statute.currency}")

    def result(self) -> Assessment:
        context = Context(self.flag, self.quantity, self.statute.currency)
        tiers = self.version.tiers.get(self.facts.offender, ())
        met: list[tuple[CompiledTier, TierResult]] = []
        for tier in tiers:
            reasons = tier.node.evaluate(context)
            if reasons is not None:
                citation = tier.model.citation
                met.append((tier, TierResult(tier.model.id, tier.ref, tier.model.rank,
                                             citation.confidence.value, citation.quote,
                                             citation.translation, reasons)))
        given = self.facts.given()
        ignored = tuple(sorted(k for k in given if _fact_name(k) not in self.used
                               and k not in ("offender", "offence_date")))
        not_given = tuple(sorted(f for f in self.used if _not_given(self.facts, f)))
        provision = self.version.provision
        if not met:
            note = self.version.model.no_tier_note
            self.notes.append(f"No tier of {self.statute.id} applies to these facts"
                              + (f": {note}" if note else "."))
            return Assessment(provision, self.facts.offender, self.day, self.basis, True, None,
                              notes=tuple(self.notes), facts=given, ignored=ignored,
                              not_given=not_given)
        chosen, result = met[0]
        return Assessment(
            provision, self.facts.offender, self.day, self.basis, True, result,
            principal=chosen.principal, additional=chosen.additional,
            also_met=tuple(r for _, r in met[1:]), notes=(*self.notes, *chosen.notes),
            facts=given, ignored=ignored, not_given=not_given,
        )


def _fact_name(given: str) -> str:
    for flag, field in _HISTORY_FIELDS.items():
        if given == field:
            return flag
    return "prior_conviction" if given == "prior_sentence" else given


def _not_given(facts: Facts, name: str) -> bool:
    if getattr(facts, name) is not None:
        return False
    return _HISTORY_FIELDS.get(name) is None or getattr(facts, _HISTORY_FIELDS[name]) is None

