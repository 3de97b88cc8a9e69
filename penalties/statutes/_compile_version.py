"""Compile one version of a statute file: its tiers and their triggers, penalty ranges and
floors, additional groups, modifiers (and how far together they may multiply a bound),
caps and history rules (the file's own and its jurisdiction's general ones). Called by
:func:`penalties.statutes._compile.compile_statute` for each version.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import cast

from penalties import _words as words
from penalties._errors import shown
from penalties._facts import Offender
from penalties._vocabulary import Vocabulary
from penalties.assessment._figures import PenaltyRange
from penalties.assessment._results import ProvisionRef
from penalties.statutes._compile_ids import check_ids
from penalties.statutes._compile_triggers import (
    Problems,
    Triggers,
    band_bounds,
    facts_of,
)
from penalties.statutes._general import General
from penalties.statutes._ranges import BoundSpec, RangeSpec, TermSpec, maximum, minimum
from penalties.statutes._schema import (
    MONEY_KINDS,
    Bound,
    Citation,
    GreatestOf,
    HistoryRule,
    Penalty,
    StatuteFile,
    Subject,
    Term,
    Tier,
    Version,
)
from penalties.statutes._statute import (
    CompiledModifier,
    CompiledTier,
    CompiledVersion,
    HistoryKey,
    cite,
)
from penalties.statutes._triggers import Node
from rates.exact import product

__all__ = ["MAX_FACTOR", "VersionCompiler"]

#: The most the modifiers of one version may multiply a bound by, all together (the
#: built-in files: 20, French legal persons in recidivism, Code pénal 131-38 and 132-10).
MAX_FACTOR = 1000



def _bound(bound: Bound | None) -> BoundSpec | None:
    if bound is None:
        return None
    terms = bound.greatest_of if isinstance(bound, GreatestOf) else [
        bound if isinstance(bound, Term) else Term(amount=bound)]
    return BoundSpec(tuple(TermSpec(t.amount, t.fact, t.times, t.units, t.ref, t.divided_by)
                           for t in terms))


class VersionCompiler:
    """Compiles one version; problems are collected, not raised one at a time."""

    def __init__(self, model: StatuteFile, version: Version, loc: str, until: date | None,
                 subjects: dict[Offender, Subject], problems: Problems,
                 vocabulary: Vocabulary, general: General | None) -> None:
        self.file = model
        self.version = version
        self.loc = loc
        self.until = until
        self.subjects = subjects
        self.problems = problems
        self.vocabulary = vocabulary
        self.general = general
        self.groups = {g.id: g for g in version.additional}
        self.floors = {(f.subject, f.kind): f for f in version.floors}
        self.triggers = Triggers(model, version, loc, vocabulary, problems, self._cite)

    def _cite(self, citation: Citation) -> str:
        return cite(citation, self.file.article, self.file.section_word)

    def build(self) -> CompiledVersion | None:
        before = len(self.problems.items)
        check_ids(self.version, self.loc, self.groups, self.subjects, self.problems)
        compiled: dict[Offender, list[CompiledTier]] = {}
        used: dict[Offender, set[str]] = {}
        for j, tier in enumerate(self.version.tiers):
            where = f"{self.loc}.tiers[{j}]"
            if tier.subject not in self.subjects:
                self.problems.add(f"{where}.subject",
                                  f"{tier.subject.value!r} is not in the file's subjects")
            elif not self.subjects[tier.subject].liable:
                self.problems.add(f"{where}.subject", f"{tier.subject.value!r} is not liable "
                                  "under this provision (liable = false): it takes no tiers")
            node = self.triggers.node_for(tier.id, set(), 1)
            if node is None:
                continue
            for subject in self._subjects_using(tier.subject):
                built = self._tier(tier, where, node, self.subjects[subject])
                compiled.setdefault(subject, []).append(built)
                used.setdefault(subject, set()).update(facts_of(node), *(
                    spec.facts for spec in (*built.principal, *built.additional)))
        self.triggers.check_bands()
        modifiers = self._modifiers()
        for modifier in modifiers:
            for subject in used:
                if modifier.node is not None and modifier.subject in (None, subject):
                    used[subject] |= facts_of(modifier.node)
        history = self._history()
        caps = {(c.subject, c.kind.value): (
            c.max, f"{self._cite(c.citation)} [{c.citation.confidence.value}]")
            for c in self.version.caps}
        if len(self.problems.items) > before:
            return None
        ordered = {s: tuple(sorted(ts, key=lambda t: -t.model.rank)) for s, ts in compiled.items()}
        found: dict[str, set[tuple[Decimal, str]]] = {}
        for node in [*(t.node for ts in ordered.values() for t in ts),
                     *(m.node for m in modifiers if m.node is not None)]:
            band_bounds(node, found)
        bounds = {fact: tuple(sorted(pairs)) for fact, pairs in found.items()}
        exact = frozenset().union(*(spec.facts for ts in ordered.values() for t in ts
                                    for spec in (*t.principal, *t.additional)))
        return CompiledVersion(self.version, self._provision(), ordered, history,
                               {s: frozenset(f) for s, f in used.items()}, modifiers, caps,
                               bounds, exact)

    def _history(self) -> dict[HistoryKey, HistoryRule]:
        history: dict[HistoryKey, HistoryRule] = {}
        general = (self.general.history_for(self.file.id, self.version.effective_from)
                   if self.general else [])
        rules = [(f"{self.loc}.history[{k}]", r) for k, r in enumerate(self.version.history)]
        rules += [(f"{self.general.path}: history[{k}]" if self.general else "", r)
                  for k, r in enumerate(general)]
        decided = self.vocabulary.decided()
        sentence = self.vocabulary.facts.get("prior_sentence")
        for where, rule in rules:
            if rule.fact not in decided:
                self.problems.add(f"{where}.fact", f"{shown(rule.fact)} is not a history flag; "
                                  f"expected one of {', '.join(sorted(decided))}")
            if rule.prior_sentence is not None and (
                    sentence is None or rule.prior_sentence not in sentence.values):
                allowed = ", ".join(sentence.values) if sentence else "none declared"
                self.problems.add(f"{where}.prior_sentence", f"unknown category "
                                  f"{shown(rule.prior_sentence)} (allowed: {allowed})")
            key = (rule.fact, rule.subject, rule.prior_sentence)
            if key in history:
                self.problems.add(where, "a rule for this fact, subject and prior_sentence is "
                                  "already given (by the file or by the general rules)")
            history[key] = rule
        return history

    def _modifiers(self) -> tuple[CompiledModifier, ...]:
        out = []
        for k, m in enumerate(self.version.modifiers):
            ref = self._cite(m.citation)
            node = None
            if m.when is not None:
                node = self.triggers.compile(m.when, ref, f"{self.loc}.modifiers[{k}].when",
                                             set(), 1)
                if node is None:
                    continue
            targets = frozenset(tuple(t.split(".", 1)) for t in m.applies_to)
            out.append(CompiledModifier(m.id, m.subject, node, m.factor, targets,  # type: ignore[arg-type]
                                        f"{ref} [{m.citation.confidence.value}]",
                                        m.citation.translation))
        for subject in self.subjects:
            combined: dict[tuple[str, str], Fraction] = {}
            for compiled in out:
                if compiled.subject in (None, subject):
                    for target in compiled.targets:
                        combined[target] = (combined.get(target, Fraction(1))
                                            * Fraction(compiled.factor))
            for (kind, bound), factor in sorted(combined.items()):
                if factor > MAX_FACTOR:
                    self.problems.add(f"{self.loc}.modifiers", f"the modifiers can multiply "
                                      f"{kind}.{bound} by {float(factor):.3g} for a "
                                      f"{subject.value}; at most {MAX_FACTOR} in all")
        return tuple(out)

    def _subjects_using(self, subject: Offender) -> list[Offender]:
        derived = [s.kind for s in self.subjects.values() if s.tiers_from == subject]
        return [subject, *derived] if subject in self.subjects else []

    def _provision(self) -> ProvisionRef:
        f = self.file
        return ProvisionRef(
            id=f.id, instrument=f.instrument, article=f.article, title=f.title.en,
            title_original=f.title.original, currency=f.currency,
            version=self.version.effective_from, version_until=self.until,
            amended_by=self.version.amended_by,
            sources=tuple(s.url or s.title for s in self.version.sources),
            section_word=f.section_word, enacted_by=self.version.enacted_by,
        )

    def _range(self, penalty: Penalty, subject: Offender, ref: str, where: str,
               only_with: tuple[str, ...] | None = None) -> tuple[RangeSpec, str | None]:
        floor = self.floors.get((subject, penalty.kind))
        day_fine = penalty.day_fine
        low, high = ((_bound(day_fine.daily_min), _bound(day_fine.daily_max)) if day_fine
                     else (_bound(penalty.min), _bound(penalty.max)))
        days = (day_fine.days_min, day_fine.days_max) if day_fine else None
        low_months, source, note = penalty.min_months, None, None
        low_money = low.fixed if low is not None else None
        if penalty.kind in MONEY_KINDS and low is not None and low_money is None:
            low_money = None  # computed per case
        if floor is not None and days is None:
            floor_ref = f"{self._cite(floor.citation)} [{floor.citation.confidence.value}]"
            own_low, floor_value = ((low_money, floor.min) if penalty.kind in MONEY_KINDS
                                    else (penalty.min_months, floor.min_months))
            if own_low is not None and floor_value is not None and own_low < floor_value:
                self.problems.add(where, f"minimum {own_low} is below the general floor "
                                  f"{floor_value} of {floor_ref}")
            if penalty.min is None and penalty.min_months is None:
                low_money, low_months, source = floor.min, floor.min_months, floor_ref
                note = f"{ref} {penalty.kind.value}: the minimum comes from {floor_ref}"
        currency = self.file.currency
        high_money = high.fixed if high is not None else None
        if days is not None:  # the template shows the range; each case computes it
            # exactly, in the library's context (a product of decimals is a decimal)
            low_money = (cast(Decimal, product(low_money, days[0])) if low_money is not None
                         else None)
            high_money = (cast(Decimal, product(high_money, days[1])) if high_money is not None
                          else None)
        self._check_range_facts(penalty, low, high, where)
        template = PenaltyRange(
            kind=penalty.kind.value, ref=ref,
            low=minimum(low_money, currency) if low_money is not None else None,
            high=maximum(high_money, currency) if high_money is not None else None,
            min_months=low_months, max_months=penalty.max_months, min_source=source,
            only_with_principal=only_with, per=penalty.per,
        )
        return RangeSpec(template, low, high, penalty.per, penalty.total_max, days), note

    def _check_range_facts(self, penalty: Penalty, low: BoundSpec | None,
                           high: BoundSpec | None, where: str) -> None:
        """A formula reads amount facts; ``per`` names a count fact."""
        amounts = self.vocabulary.names("amount")
        for name, spec in (("min", low), ("max", high)):
            for fact in sorted(spec.facts if spec else ()):
                if fact not in amounts:
                    self.problems.add(f"{where}.{name}", f"unknown money fact {shown(fact)}; "
                                      f"expected one of {', '.join(sorted(amounts))}")
        counts = self.vocabulary.names("count")
        if penalty.per is not None and penalty.per not in counts:
            self.problems.add(f"{where}.per", f"per takes a count fact ({', '.join(counts)})"
                              " on a money penalty")

    def _tier(self, tier: Tier, where: str, node: Node, subject: Subject) -> CompiledTier:
        ref = self._cite(tier.citation)
        excluded = set(subject.exclude_kinds) if subject.kind != tier.subject else set()
        notes: list[str] = [f"{ref}: {tier.citation.note}"] if tier.citation.note else []
        principal = []
        for k, penalty in enumerate(tier.principal):
            if penalty.kind in excluded:
                continue
            built, note = self._range(penalty, subject.kind, ref, f"{where}.principal[{k}]")
            principal.append(built)
            notes += [note] if note else []
            notes += [_penalty_note(ref, penalty)] if penalty.note else []
        kinds = {p.kind for p in tier.principal if p.kind not in excluded}
        additional = []
        for group_id in tier.additional:
            group = self.groups.get(group_id)
            if group is None:
                continue
            group_ref = self._cite(group.citation)
            for penalty in group.penalties:
                allowed = kinds - set(penalty.unless_principal)
                if penalty.kind in excluded:
                    continue
                if not allowed:
                    why = f" ({penalty.note})" if penalty.note else ""
                    notes.append(f"{group_ref} {penalty.kind.value} is not available: the "
                                 f"principal penalty of {ref} is a {penalty.kind.value}{why}")
                    continue
                only = None if allowed == kinds else tuple(sorted(k.value for k in allowed))
                built, note = self._range(penalty, subject.kind, group_ref,
                                          f"{where}.additional", only)
                additional.append(built)
                notes += [note] if note else []
                notes += [_penalty_note(group_ref, penalty)] if penalty.note else []
        return CompiledTier(tier, ref, node, tuple(principal), tuple(additional), tuple(notes))


def _penalty_note(ref: str, penalty: Penalty) -> str:
    """A penalty's own note, as the result says it (``146(2) fine: or the wage or other
    income ... for up to 18 months``): what a row of the table cannot show (which of two
    terms of imprisonment it is, an alternative the format does not encode)."""
    return f"{ref} {words.kind(penalty.kind.value)}: {penalty.note}"
