"""One assessment under one law, from what the law sees of the case (a
:class:`~penalties.assessment._seen.Key`): the facts it asks for, history decided from dates,
amounts converted exactly, the tier, the ranges, modifiers and caps.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from penalties import _words as words
from penalties._errors import InvalidFacts
from penalties._values import Amount
from penalties.assessment._figures import InputConversion, PenaltyRange
from penalties.assessment._law import Day, Law, add_months
from penalties.assessment._results import Assessment, TierResult
from penalties.assessment._seen import Key, Lens
from penalties.statutes._ranges import AmountContext, RangeSpec, forwards, maximum, minimum, scale
from penalties.statutes._statute import CompiledTier, cite
from penalties.statutes._triggers import Context
from rates.exact import Exact, as_fraction, product

__all__ = ["Run"]


class Run:
    """One assessment under one law; holds derived facts while the triggers ask."""

    def __init__(self, lens: Lens, law: Law, key: Key, values: dict[str, Any], day: Day,
                 when: date | None) -> None:
        assert law.version is not None
        self.law = law
        self.lens = lens
        self.statute = law.statute
        self.version = law.version
        self.key = key
        self.values = values
        self.day = day
        self.when = when
        self.notes: list[str] = list(law.notes)
        self.flags: dict[str, tuple[bool, str | None]] = {}
        self.quantities: dict[str, Exact | int | None] = {}
        self.inputs: list[InputConversion] = []
        self.vocabulary = lens.statute.vocabulary
        self.used = self.version.used_facts.get(key.offender, frozenset())
        self.context = Context(self.flag, self.quantity, self.statute.currency,
                               lambda: values.get("act"), self.choice)
        #: Facts not given whose value was assumed (a hybrid offence tried on indictment).
        self.assumed: dict[str, str] = {}

    # -- the facts, as the triggers and formulas ask for them -----------------------------

    def flag(self, name: str) -> tuple[bool, str | None]:
        if name not in self.flags:
            self.flags[name] = self._decide_flag(name)
        return self.flags[name]

    def choice(self, name: str) -> tuple[str | None, str | None]:
        """The value of a fact with a list of values; when not given, the vocabulary's
        assumed value (noted, and the other values' answers named in the result)."""
        stated = self.values.get(name)
        if stated is not None:
            return stated, None
        assumed = self.vocabulary[name].assumed
        if assumed is None:
            return None, None
        self.assumed[name] = assumed
        return assumed, f"{name} not given: taken as {assumed!r}"

    def _counted(self, name: str) -> str | None:
        """The count fact that ``name`` (a flag) says is at least one, when only the count
        was given (``prior_convictions`` for ``prior_conviction``)."""
        for fact in self.vocabulary:
            if fact.flag == name and self.values.get(fact.name) is not None:
                return fact.name
        return None

    def _decide_flag(self, name: str) -> tuple[bool, str | None]:
        stated = self.values.get(name)
        date_field = self.vocabulary[name].decided_by
        completed = self.values.get(date_field) if date_field else None
        if stated is None and completed is None:
            count = self._counted(name)
            if count is not None:
                number = self.values[count]
                return number >= 1, f"{count} is {number}"
        if completed is None:
            return bool(stated), None
        assert date_field is not None
        assert self.when is not None  # a case with a history date is keyed by its dates
        counts, how = self._history(name, date_field, completed, self.when)
        if stated is True and not counts:
            raise InvalidFacts(name, f"contradictory facts: {name} is true but {how}",
                               f"{name} or {date_field}, in agreement")
        if not counts:
            self.notes.append(f"{name} does not count: {how}")
        return counts, how

    def _history(self, name: str, date_field: str, completed: date, day: date
                 ) -> tuple[bool, str]:
        offender = self.key.offender
        rules = self.version.history
        rule = rules.get((name, offender, None))
        if rule is None:
            sentence = self.values.get("prior_sentence")
            if sentence is None and any(k[0] == name and k[1] == offender for k in rules):
                allowed = self.vocabulary["prior_sentence"].allowed
                raise InvalidFacts("prior_sentence", "needed to decide from the completion date "
                                   f"whether the earlier conviction still counts for a "
                                   f"{offender.value}", allowed)
            rule = rules.get((name, offender, sentence))
        if rule is None:
            raise InvalidFacts(date_field, f"{self.statute.id} has no rule to decide "
                               f"from a date whether {name} counts for a {offender.value}",
                               f"give {name} = true or false instead")
        ref = cite(rule.citation, self.statute.model.article, self.statute.model.section_word)
        if self.vocabulary[date_field].event and completed >= day:
            return False, (f"{date_field} {completed.isoformat()} is not before the offence "
                           f"date {day.isoformat()}, so it is not an earlier event ({ref})")
        try:
            until: date | None = add_months(completed, rule.window_months)
        except ValueError:  # the window ends after 9999-12-31, the calendar's last day
            until = None
        counts = until is None or day <= until
        verb = "counts until" if counts else "stopped counting after"
        how = (f"{date_field.rsplit('_', 1)[-1]} {completed.isoformat()}; {verb} "
               f"{until.isoformat() if until else 'after 9999-12-31'}, {rule.window_months} "
               f"months after {rule.anchor}, {ref} [{rule.citation.confidence.value}]")
        return counts, how

    def quantity(self, name: str) -> Exact | int | None:
        """An amount in the law's currency, exactly, or a count; ``None`` if not given."""
        try:
            return self.quantities[name]
        except KeyError:
            pass
        token = self.values.get(name)
        fact = self.vocabulary[name]
        found: Exact | int | None
        if token is None and fact.flag is not None and (
                self.values.get(fact.flag) is not None
                or self.values.get(self.vocabulary[fact.flag].decided_by or "") is not None):
            counts, _ = self.flag(fact.flag)
            found = 1 if counts else 0
            self.notes.append(f"{name} not given: {fact.flag} {'true' if counts else 'false'} "
                              f"taken as {found} (give {name} for the exact number)")
        elif token is None:
            found = fact.default if fact.kind == "count" else None  # type: ignore[assignment]
        elif type(token) is tuple:  # a position among the boundaries
            found = self.lens.representative(
                name, self.statute.currency if fact.kind == "amount" else None, token[1])
        elif isinstance(token, Amount):
            found = self._in_law_currency(name, token)
        else:
            found = token
        self.quantities[name] = found
        return found

    def _used(self) -> frozenset[str]:
        """The facts this law reads: its tiers' and ranges' facts, a flag and the count it
        stands for as one, and the action date when it selects the version."""
        used = set(self.used)
        for fact in self.vocabulary:
            if fact.flag and (fact.name in used or fact.flag in used):
                used |= {fact.name, fact.flag}
        model = self.statute.model
        if model.version_date == "action_date" or any(
                v.model.selected_by == "action_date" for v in self.statute.versions):
            used.add("action_date")
        return frozenset(used)

    def _count(self, name: str) -> int | None:
        found = self.quantity(name)
        return found if isinstance(found, int) else None

    def _in_law_currency(self, name: str, given: Amount) -> Exact:
        currency = self.statute.currency
        if given.currency is None or given.currency == currency:
            return given.value
        import rates

        on = self.key.rate_date or self.when
        assert on is not None  # a case converted at its offence date is keyed by it
        rate = rates.get_rate(given.currency, currency, on, source=self.key.rate_source)
        value = product(given.value, rate.exact)
        exact, margin = as_fraction(value), as_fraction(value) * rate.precision
        near = tuple((b, ref) for b, ref in self.version.bounds.get(name, ())
                     if abs(exact - as_fraction(b)) <= margin)
        self.inputs.append(InputConversion(name, given, currency, value, rate, near))
        return value

    # -- ranges, modifiers, caps ----------------------------------------------------------

    def _ranges(self, specs: tuple[RangeSpec, ...], tier: str) -> tuple[PenaltyRange, ...]:
        if not self.version.modifiers and not self.version.caps and all(
                spec.static is not None for spec in specs):
            return tuple(spec.template for spec in specs)  # nothing depends on the case
        amounts = AmountContext(self.quantity, self._count, self._unit,  # type: ignore[arg-type]
                                self.statute.currency)
        out = [spec.evaluate(amounts) for spec in specs]
        offender = self.key.offender
        for modifier in self.version.modifiers:
            if modifier.subject not in (None, offender):
                continue
            why = f"{words.factor(modifier.factor)}: {modifier.ref} ({modifier.translation})"
            if modifier.node is not None:
                reasons = modifier.node.evaluate(self.context)
                if reasons is None:
                    continue
                why += " because " + "; ".join(r.text for r in reasons)
            for i, item in enumerate(out):
                bounds = [b for b in ("min", "max") if (item.kind, b) in modifier.targets]
                if bounds:
                    out[i] = scale(item, bounds, modifier.factor, why)
        for item in out:  # before the caps, which bind both ends and would hide it
            forwards(item, self.statute.path, tier)
        caps = self.version.caps or {}
        currency = self.statute.currency
        for i, item in enumerate(out):
            cap = caps.get((offender, item.kind))
            if cap and item.high is not None and item.high.exact > cap[0]:
                item = out[i] = replace(item, high=maximum(cap[0], currency), basis=(
                    *item.basis, f"capped at {words.amount(cap[0], currency)} ({cap[1]})"))
            if cap and item.low is not None and item.low.exact > cap[0]:  # binds it too
                out[i] = replace(item, low=minimum(cap[0], currency), basis=(
                    *item.basis, f"minimum capped at {words.amount(cap[0], currency)} "
                    f"({cap[1]})"))
        return tuple(out)

    def _unit(self) -> tuple[Any, str]:
        found = self.day.units.get(self.statute.id)
        if found is None:
            return self.statute.unit_value(self.when or date.min)  # raises: no unit defined
        if isinstance(found, Exception):
            raise found
        return found

    # -- the answer -----------------------------------------------------------------------

    def _name_alternatives(self) -> None:
        """For each fact whose value was assumed, what each other value would give (a hybrid
        offence: the indictment range shown, the summary one named)."""
        for name, assumed in sorted(self.assumed.items()):
            for value in self.vocabulary[name].values:
                if value == assumed:
                    continue
                other = Run(self.lens, self.law, self.key, {**self.values, name: value},
                            self.day, self.when).result()
                self.notes.append(f"{name} not given: the answer is for {name} {assumed!r}; "
                                  f"with {name} {value!r}: {words.summary(other)}")

    def result(self) -> Assessment:
        offender = self.key.offender
        for name, stated in self.values.items():  # a true flag and the date deciding it
            if stated is True and (self.values.get(self.vocabulary[name].decided_by or "")
                                   is not None) and any(k[:2] == (name, offender)
                                                        for k in self.version.history):
                try:  # they agree, whether a tier reads the flag here or not
                    self.flag(name)
                except InvalidFacts as exc:  # a fact the rule needs: asked for if read
                    if exc.field == name:
                        raise
        tiers = self.version.tiers.get(offender, ())
        met: list[tuple[CompiledTier, TierResult]] = []
        for tier in tiers:
            reasons = tier.node.evaluate(self.context)
            if reasons is not None:
                citation = tier.model.citation
                met.append((tier, TierResult(tier.model.id, tier.ref, tier.model.rank,
                                             citation.confidence.value, citation.quote,
                                             citation.translation, reasons)))
        given = self.values
        decided = self.vocabulary.decided()
        dates = {d: f for f, d in decided.items()}
        skip = ("offender", "offence_date", "trial_date")
        needs = {f.name: f.needs for f in self.vocabulary if f.needs}
        used = self._used()
        weighed = {item.fact: item for item in self.statute.sentencing
                   if item.subject in (None, offender) and item.fact not in used}
        for name in sorted(weighed.keys() & given.keys()):
            item = weighed[name]
            ref = cite(item.citation, self.statute.model.article,
                       self.statute.model.section_word)
            self.notes.append(f"{name}: no tier of {self.statute.id} depends on it, but "
                              f"{item.effect} ({ref} [{item.citation.confidence.value}])")
        ignored = tuple(sorted(k for k in given if k not in skip and k not in weighed and dates.get(
            k, needs.get(k, k)) not in used))
        for name in self.used:  # every fact that decides: asked once, for its conversion
            if self.vocabulary.kind(name) in ("amount", "count"):
                self.quantity(name)
        # Facts whose absence leaves them unknown (no default), and no date decides them.
        not_given = tuple(f for f in self.version.used_sorted.get(offender, ())
                          if f not in given and decided.get(f) not in given
                          and self.vocabulary[f].default is None)
        not_given += tuple(f for f in self.law.unknown if f not in given and f not in not_given)
        provision = self.version.provision
        day = self.when or date.min
        if not met:
            self._name_alternatives()
            note = self.version.model.no_tier_note
            self.notes.append(f"No tier of {self.statute.id} applies to these facts"
                              + (f": {note}" if note else "."))
            return Assessment(provision, offender, day, self.key.basis, True, None,
                              notes=tuple(self.notes), ignored=ignored, not_given=not_given,
                              see_also=self.day.pointers, inputs=tuple(self.inputs))
        chosen, result = met[0]
        principal = self._ranges(chosen.principal, chosen.model.id)
        additional = self._ranges(chosen.additional, chosen.model.id)
        self._name_alternatives()
        return Assessment(
            provision, offender, day, self.key.basis, True, result,
            principal_rule=chosen.model.principal_rule, principal=principal,
            additional=additional, also_met=tuple(r for _, r in met[1:]),
            notes=(*self.notes, *chosen.notes), ignored=ignored, not_given=not_given,
            inputs=tuple(self.inputs),
        )

