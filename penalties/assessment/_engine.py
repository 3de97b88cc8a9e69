"""The assessment engine: facts in, an :class:`~penalties.assessment._results.Assessment` out.

Steps, each recorded in the result:

1. the date that selects the law (the offence date; today, said plainly, when none is given)
   and the law in force then, following a provision's ``predecessor`` for earlier dates;
2. whether the offender can be liable at all on that date (e.g. Vietnamese commercial legal
   entities only for acts from 2018-01-01, Resolution 41/2017/QH14 Art. 2(1)(h));
3. history facts decided from the dates of earlier events by the version's history rules;
4. the most severe tier whose triggers fire, with every trigger that fired;
5. the principal and additional penalties, with bounds computed from the case (greater-of
   formulas, indexed units, per-item ranges), then modifiers and caps;
6. with a trial date and a lex mitior rule, the same facts under the law in force at the
   trial, and the more lenient of the two applied.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from penalties._errors import InvalidFacts, NoVersionInForce, shown
from penalties._facts import EVENT_DATES, HISTORY_DATES, Amount, Facts
from penalties.assessment._leniency import choose_lenient
from penalties.assessment._results import Assessment, PenaltyRange, TierResult, format_amount
from penalties.statutes._ranges import AmountContext, RangeSpec, scale
from penalties.statutes._statute import CompiledTier, CompiledVersion, Statute, cite
from penalties.statutes._triggers import Context
from rates.money import money

__all__ = ["Converter", "Resolver", "add_months", "assess_statute"]

#: Looks a provision up by id (the catalogue's ``get``).
Resolver = Callable[[str], Statute]
#: Converts an amount to a currency on a date: ``(amount, to, on) -> (value, explanation)``.
Converter = Callable[[Amount, str, date], tuple[Decimal, str]]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb).

    >>> add_months(date(2016, 2, 29), 12)
    datetime.date(2017, 2, 28)
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class _Law:
    statute: Statute
    version: CompiledVersion | None
    notes: tuple[str, ...]


def _law_on(statute: Statute, day: date, resolve: Resolver | None) -> _Law:
    """The provision and version in force on ``day``, following predecessors back in time."""
    first = statute.versions[0].effective_from
    if day < first and statute.model.predecessor and resolve is not None:
        earlier = _law_on(resolve(statute.model.predecessor), day, resolve)
        note = (f"The offence date {day.isoformat()} is before {statute.id} took effect "
                f"({first.isoformat()}); the law in force then was {earlier.statute.id}.")
        return _Law(earlier.statute, earlier.version, (note, *earlier.notes))
    return _Law(statute, statute.version_on(day), ())


def assess_statute(statute: Statute, facts: Facts, today: date | None = None,
                   resolve: Resolver | None = None,
                   convert: Converter | None = None) -> Assessment:
    """Assess ``facts`` under ``statute``; see the module docstring for the steps."""
    acts = statute.model.acts
    if facts.act is not None and acts and facts.act not in {a.id for a in acts}:
        # A misspelt act would otherwise meet no tier: "no tier applies", a wrong answer.
        raise InvalidFacts("act", f"{shown(facts.act)} is not an act of {statute.id}",
                           ", ".join(a.id for a in acts))
    if facts.offence_date is not None:
        day, basis = facts.offence_date, "offence_date"
    else:
        day, basis = today or date.today(), "today: no offence date was given"
    selecting = day
    notes: tuple[str, ...] = ()
    if statute.model.version_date == "action_date":
        if facts.action_date is not None:
            selecting = facts.action_date
            notes = (f"{statute.id} applies the version in force when the action was brought: "
                     f"{selecting.isoformat()}.",)
        else:
            notes = (f"{statute.id} applies the version in force when the action was brought; "
                     "no action_date was given, so the offence date selected it.",)
    subject = statute.subjects.get(facts.offender)
    if subject is not None and subject.liable_from is not None and day < subject.liable_from:
        # Not liable for acts before that date (said by _assess_under), whatever earlier
        # law covered others.
        at_offence = _Law(statute, None, ())
    else:
        at_offence = _law_on(statute, selecting, resolve)
        at_offence = _Law(at_offence.statute, at_offence.version, (*notes, *at_offence.notes))
    first = _assess_under(at_offence, facts, day, basis, statute, convert, resolve)
    if facts.trial_date is None or facts.trial_date == day:
        return first
    try:
        at_trial = _law_on(statute, facts.trial_date, resolve)
    except NoVersionInForce:
        return first
    same = (at_trial.statute.id == at_offence.statute.id
            and at_trial.version is at_offence.version)
    rule = at_trial.statute.model.lex_mitior
    if same or rule is None or at_trial.version is None:
        return first
    later = _assess_under(_Law(at_trial.statute, at_trial.version, ()), facts, day, basis,
                          statute, convert, resolve)
    return choose_lenient(first, later, facts.trial_date,
                          cite(rule.citation, at_trial.statute.model.article,
                               at_trial.statute.model.section_word),
                          rule.citation.confidence.value)


def _assess_under(law: _Law, facts: Facts, day: date, basis: str, asked: Statute,
                  convert: Converter | None, resolve: Resolver | None) -> Assessment:
    statute = law.statute
    subject = statute.subjects.get(facts.offender)
    if subject is None:
        allowed = ", ".join(s.value for s in statute.subjects)
        if statute is asked:
            raise InvalidFacts("offender", f"{statute.id} does not cover the offender kind "
                               f"{facts.offender.value!r}", allowed)
        version = law.version or statute.versions[0]
        note = (f"{statute.id} covers only {allowed}: a {facts.offender.value} bears no "
                "liability under it")
        return Assessment(version.provision, facts.offender, day, basis, liable=False,
                          tier=None, notes=(*law.notes, note), facts=facts.given())
    if subject.liable_from is not None and day < subject.liable_from:
        assert subject.liability_citation is not None
        ref = cite(subject.liability_citation, statute.model.article,
                   statute.model.section_word)
        note = (f"A {subject.label} bears no liability under {statute.id} for acts before "
                f"{subject.liable_from.isoformat()} ({ref}: "
                f"{subject.liability_citation.translation})")
        provision = (law.version or statute.versions[0]).provision
        return Assessment(provision, facts.offender, day, basis, liable=False, tier=None,
                          notes=(*law.notes, note), facts=facts.given())
    assert law.version is not None
    return _Run(statute, law.version, facts, day, basis, convert, resolve, law.notes).result()


class _Run:
    """One assessment under one version; holds derived facts while the triggers ask."""

    def __init__(self, statute: Statute, version: CompiledVersion, facts: Facts, day: date,
                 basis: str, convert: Converter | None, resolve: Resolver | None,
                 notes: tuple[str, ...]) -> None:
        self.statute = statute
        self.version = version
        self.facts = facts
        self.day = day
        self.basis = basis
        self.convert = convert
        self.resolve = resolve
        self.notes: list[str] = list(notes)
        self.flags: dict[str, tuple[bool, str | None]] = {}
        self.quantities: dict[str, Decimal | None] = {}
        self.amounts: dict[str, Decimal] = {}
        self.used = version.used_facts.get(facts.offender, frozenset())
        self.context = Context(self.flag, self.quantity, statute.currency, lambda: facts.act)

    def flag(self, name: str) -> tuple[bool, str | None]:
        if name not in self.flags:
            self.flags[name] = self._decide_flag(name)
        return self.flags[name]

    def _decide_flag(self, name: str) -> tuple[bool, str | None]:
        stated = getattr(self.facts, name)
        date_field = HISTORY_DATES.get(name)
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
            raise InvalidFacts(HISTORY_DATES[name], f"{self.statute.id} has no rule to decide "
                               f"from a date whether {name} counts for a {offender.value}",
                               f"give {name} = true or false instead")
        ref = cite(rule.citation, self.statute.model.article,
                   self.statute.model.section_word)
        date_field = HISTORY_DATES[name]
        if date_field in EVENT_DATES and completed >= self.day:
            return False, (f"{date_field} {completed.isoformat()} is not before the offence "
                           f"date {self.day.isoformat()}, so it is not an earlier event ({ref})")
        try:
            until: date | None = add_months(completed, rule.window_months)
        except ValueError:  # the window ends after 9999-12-31, the calendar's last day
            until = None
        counts = until is None or self.day <= until
        verb = "counts until" if counts else "stopped counting after"
        how = (f"{HISTORY_DATES[name].rsplit('_', 1)[-1]} {completed.isoformat()}; {verb} "
               f"{until.isoformat() if until else 'after 9999-12-31'}, {rule.window_months} "
               f"months after {rule.anchor}, {ref} [{rule.citation.confidence.value}]")
        return counts, how

    def quantity(self, name: str) -> Decimal | None:
        try:
            return self.quantities[name]
        except KeyError:
            pass
        value = getattr(self.facts, name)
        if value is None:
            found = None
        elif isinstance(value, Amount):
            found = self._in_statute_currency(name, value)
        else:
            found = Decimal(value)
        self.quantities[name] = found
        return found

    def _count(self, name: str) -> int | None:
        value = getattr(self.facts, name)
        return value if isinstance(value, int) else None

    def _in_statute_currency(self, name: str, value: Amount) -> Decimal:
        if value.currency is None or value.currency == self.statute.currency:
            return value.value
        if name not in self.amounts:
            if self.convert is None:
                raise InvalidFacts(name, f"the amount is in {value.currency} but "
                                   f"{self.statute.id} tests amounts in {self.statute.currency}",
                                   f"an amount in {self.statute.currency}")
            converted, how = self.convert(value, self.statute.currency, self.day)
            self.amounts[name] = converted
            self.notes.append(f"{name}: {how}")
        return self.amounts[name]

    def _ranges(self, specs: tuple[RangeSpec, ...]) -> tuple[PenaltyRange, ...]:
        if not self.version.modifiers and not self.version.caps and all(
                spec.static is not None for spec in specs):
            return tuple(spec.template for spec in specs)  # nothing depends on the case
        amounts = AmountContext(lambda n: self.quantity(n), self._count,
                                lambda: self.statute.unit_value(self.day), self.statute.currency)
        out = [spec.evaluate(amounts) for spec in specs]
        offender = self.facts.offender
        for modifier in self.version.modifiers:
            if modifier.subject not in (None, offender):
                continue
            why = f"× {modifier.factor:f}: {modifier.ref} ({modifier.translation})"
            if modifier.node is not None:
                reasons = modifier.node.evaluate(self.context)
                if reasons is None:
                    continue
                why += " because " + "; ".join(r.text for r in reasons)
            for i, item in enumerate(out):
                for bound in ("min", "max"):
                    if (item.kind, bound) in modifier.targets:
                        out[i] = scale(out[i], bound, modifier.factor, why)
        caps = self.version.caps or {}
        for i, item in enumerate(out):
            cap = caps.get((offender, item.kind))
            if cap and item.max is not None and item.max.amount > cap[0]:
                out[i] = replace(item, max=money(cap[0], self.statute.currency), basis=(
                    *item.basis, f"capped at {format_amount(cap[0], self.statute.currency)} "
                    f"({cap[1]})"))
        return tuple(out)

    def result(self) -> Assessment:
        tiers = self.version.tiers.get(self.facts.offender, ())
        met: list[tuple[CompiledTier, TierResult]] = []
        for tier in tiers:
            reasons = tier.node.evaluate(self.context)
            if reasons is not None:
                citation = tier.model.citation
                met.append((tier, TierResult(tier.model.id, tier.ref, tier.model.rank,
                                             citation.confidence.value, citation.quote,
                                             citation.translation, reasons)))
        given = self.facts.given()
        skip = ("offender", "offence_date", "trial_date")
        ignored = tuple(sorted(k for k in given if _fact_name(k) not in self.used
                               and k not in skip))
        not_given = tuple(f for f in self.version.used_sorted.get(self.facts.offender, ())
                          if _not_given(self.facts, f))
        provision = self.version.provision
        if not met:
            note = self.version.model.no_tier_note
            self.notes.append(f"No tier of {self.statute.id} applies to these facts"
                              + (f": {note}" if note else "."))
            return Assessment(provision, self.facts.offender, self.day, self.basis, True, None,
                              notes=tuple(self.notes), facts=given, ignored=ignored,
                              not_given=not_given, see_also=self._see_also())
        chosen, result = met[0]
        principal = self._ranges(chosen.principal)
        additional = self._ranges(chosen.additional)
        return Assessment(
            provision, self.facts.offender, self.day, self.basis, True, result,
            principal_rule=chosen.model.principal_rule, principal=principal,
            additional=additional, also_met=tuple(r for _, r in met[1:]),
            notes=(*self.notes, *chosen.notes), facts=given, ignored=ignored,
            not_given=not_given,
        )

    def _see_also(self) -> tuple[str, ...]:
        out = []
        for item in self.statute.model.see_also:
            if self.resolve is not None:
                try:
                    self.resolve(item.id).version_on(self.day)
                except NoVersionInForce:
                    continue
            out.append(f"{item.id}: {item.why}")
        return tuple(out)


def _fact_name(given: str) -> str:
    for flag, field in HISTORY_DATES.items():
        if given == field:
            return flag
    return "prior_conviction" if given == "prior_sentence" else given


def _not_given(facts: Facts, name: str) -> bool:
    if getattr(facts, name) is not None:
        return False
    return HISTORY_DATES.get(name) is None or getattr(facts, HISTORY_DATES[name]) is None
