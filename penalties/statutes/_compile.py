"""Turn a validated statute file into the structures the engine runs on, checking what single
fields cannot: references between tiers, overlapping or gapped bands, floors, modifiers,
acts, units and golden cases.

Everything here runs once per file; the engine then does no validation per call.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from penalties._errors import FieldProblem, InvalidFacts, StatuteFileError, shown
from penalties._facts import FACT_KINDS, Facts, Offender
from penalties.assessment._results import PenaltyRange, ProvisionRef
from penalties.statutes._ranges import BoundSpec, RangeSpec, TermSpec
from penalties.statutes._schema import (
    MONEY_KINDS,
    ActTest,
    AllOf,
    Always,
    AnyOf,
    BandTest,
    Bound,
    Citation,
    FlagTest,
    GreatestOf,
    HistoryRule,
    NoneOf,
    Penalty,
    StatuteFile,
    Subject,
    Term,
    Tier,
    Trigger,
    Version,
)
from penalties.statutes._statute import (
    CompiledModifier,
    CompiledTier,
    CompiledVersion,
    HistoryKey,
    Statute,
    cite,
)
from penalties.statutes._triggers import (
    ActNode,
    AllNode,
    AlwaysNode,
    AnyNode,
    BandNode,
    FlagNode,
    Node,
    NoneNode,
    describe_node,
    grown,
)
from rates.money import money

__all__ = ["MAX_TRIGGER_DEPTH", "MAX_TRIGGER_NODES", "compile_statute"]

#: Most levels of a tier's trigger tree, each ``same_as`` counting as one (built-in: 6).
MAX_TRIGGER_DEPTH = 32
#: Most tests in a tier's trigger tree with every ``same_as`` expanded (built-in: 21).
MAX_TRIGGER_NODES = 1_000


class _Problems:
    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, location: str, message: str) -> None:
        self.items.append(FieldProblem(location, message))


def compile_statute(model: StatuteFile, path: str) -> Statute:
    """Check cross-field rules and compile; raise :class:`StatuteFileError` listing problems."""
    problems = _Problems()
    subjects: dict[Offender, Subject] = {}
    for i, subject in enumerate(model.subjects):
        if subject.kind in subjects:
            problems.add(f"subjects[{i}].kind", f"subject {subject.kind.value!r} is listed twice")
        subjects[subject.kind] = subject
    for i, subject in enumerate(model.subjects):
        if subject.tiers_from is not None and subject.tiers_from not in subjects:
            problems.add(f"subjects[{i}].tiers_from",
                         f"{subject.tiers_from.value!r} is not among the subjects")
    if model.id.rsplit("/", 1)[-1] in model.aliases or model.id in model.aliases:
        problems.add("aliases", "an alias repeats the id")
    if len(set(model.aliases)) != len(model.aliases):
        problems.add("aliases", "aliases must be unique")
    if len({a.id for a in model.acts}) != len(model.acts):
        problems.add("acts", "act ids must be unique")
    _check_units(model, problems)
    starts = [v.effective_from for v in model.versions]
    for i in range(1, len(starts)):
        if starts[i] <= starts[i - 1]:
            problems.add(f"versions[{i}].effective_from",
                         f"{starts[i]} must be after the previous version's {starts[i - 1]}")
    if model.repealed_on is not None and model.repealed_on <= starts[-1]:
        problems.add("repealed_on", f"{model.repealed_on} must be after the last version's "
                     f"effective_from {starts[-1]}")
    ends = [*starts[1:], model.repealed_on]
    versions: list[CompiledVersion] = []
    for i, version in enumerate(model.versions):
        end = ends[i]
        until = end - timedelta(days=1) if end is not None else None
        compiled = _Version(model, version, f"versions[{i}]", until, subjects, problems).build()
        if compiled is not None:
            versions.append(compiled)
    _check_cases(model, problems)
    if problems.items:
        raise StatuteFileError(path, problems.items)
    return Statute(model, path, tuple(versions), subjects)


def _check_units(model: StatuteFile, problems: _Problems) -> None:
    if model.units is None:
        return
    dates = [v.effective_from for v in model.units.values]
    if dates != sorted(set(dates)):
        problems.add("units.values", "unit values must have distinct dates in ascending order")


def _check_cases(model: StatuteFile, problems: _Problems) -> None:
    tier_ids = {t.id for v in model.versions for t in v.tiers} | {"none"}
    for i, case in enumerate(model.cases):
        try:
            Facts.from_mapping(case.facts)
        except InvalidFacts as exc:
            problems.add(f"cases[{i}].facts.{exc.field}", str(exc))
        if case.tier not in tier_ids:
            known = ", ".join(sorted(tier_ids))
            problems.add(f"cases[{i}].tier",
                         f"unknown tier {shown(case.tier)}; expected one of {known}")


@dataclass
class _Band:
    quantity: str
    lower: tuple[Decimal, bool] | None
    upper: tuple[Decimal, bool] | None
    tier: Tier
    location: str


def _bound(bound: Bound | None) -> BoundSpec | None:
    if bound is None:
        return None
    terms = bound.greatest_of if isinstance(bound, GreatestOf) else [
        bound if isinstance(bound, Term) else Term(amount=bound)]
    return BoundSpec(tuple(TermSpec(t.amount, t.fact, t.times, t.units, t.ref) for t in terms))


class _Version:
    """Compiles one version; problems are collected, not raised one at a time."""

    def __init__(self, model: StatuteFile, version: Version, loc: str, until: date | None,
                 subjects: dict[Offender, Subject], problems: _Problems) -> None:
        self.file = model
        self.version = version
        self.loc = loc
        self.until = until
        self.subjects = subjects
        self.problems = problems
        self.tiers = {t.id: (j, t) for j, t in enumerate(version.tiers)}
        self.groups = {g.id: g for g in version.additional}
        self.nodes: dict[str, Node | None] = {}  # None: failed, its problems already given
        self.floors = {(f.subject, f.kind): f for f in version.floors}
        self.acts = {a.id: a.label for a in model.acts}

    def _cite(self, citation: Citation) -> str:
        return cite(citation, self.file.article, self.file.section_word)

    def build(self) -> CompiledVersion | None:
        before = len(self.problems.items)
        self._check_ids()
        compiled: dict[Offender, list[CompiledTier]] = {}
        used: dict[Offender, set[str]] = {}
        for j, tier in enumerate(self.version.tiers):
            where = f"{self.loc}.tiers[{j}]"
            if tier.subject not in self.subjects:
                self.problems.add(f"{where}.subject",
                                  f"{tier.subject.value!r} is not in the file's subjects")
            node = self._node_for(tier.id, set(), 1)
            if node is None:
                continue
            for subject in self._subjects_using(tier.subject):
                built = self._tier(tier, where, node, self.subjects[subject])
                compiled.setdefault(subject, []).append(built)
                used.setdefault(subject, set()).update(_facts_of(node), _range_facts(built))
        self._check_bands()
        modifiers = self._modifiers()
        for modifier in modifiers:
            for subject in used:
                if modifier.node is not None and modifier.subject in (None, subject):
                    used[subject] |= _facts_of(modifier.node)
        history = self._history()
        caps = {(c.subject, c.kind.value): (
            c.max, f"{self._cite(c.citation)} [{c.citation.confidence.value}]")
            for c in self.version.caps}
        if len(self.problems.items) > before:
            return None
        ordered = {s: tuple(sorted(ts, key=lambda t: -t.model.rank)) for s, ts in compiled.items()}
        return CompiledVersion(self.version, self._provision(), ordered, history,
                               {s: frozenset(f) for s, f in used.items()}, modifiers, caps)

    def _subjects_using(self, subject: Offender) -> list[Offender]:
        derived = [s.kind for s in self.subjects.values() if s.tiers_from == subject]
        return [subject, *derived] if subject in self.subjects else []

    def _history(self) -> dict[HistoryKey, HistoryRule]:
        history: dict[HistoryKey, HistoryRule] = {}
        for k, rule in enumerate(self.version.history):
            key = (rule.fact, rule.subject, rule.prior_sentence)
            if key in history:
                self.problems.add(f"{self.loc}.history[{k}]", "a rule for this fact, "
                                  "subject and prior_sentence is already given")
            history[key] = rule
        return history

    def _modifiers(self) -> tuple[CompiledModifier, ...]:
        out = []
        for k, m in enumerate(self.version.modifiers):
            ref = self._cite(m.citation)
            node = None
            if m.when is not None:
                node = self._compile(m.when, ref, f"{self.loc}.modifiers[{k}].when", set(), 1)
                if node is None:
                    continue
            targets = frozenset(tuple(t.split(".", 1)) for t in m.applies_to)
            out.append(CompiledModifier(m.id, m.subject, node, m.factor, targets,  # type: ignore[arg-type]
                                        f"{ref} [{m.citation.confidence.value}]",
                                        m.citation.translation))
        return tuple(out)

    def _provision(self) -> ProvisionRef:
        f = self.file
        return ProvisionRef(
            id=f.id, instrument=f.instrument, article=f.article, title=f.title.en,
            title_original=f.title.original, currency=f.currency,
            version=self.version.effective_from, version_until=self.until,
            amended_by=self.version.amended_by,
            sources=tuple(s.url or s.title for s in self.version.sources),
        )

    def _check_ids(self) -> None:
        seen: set[str] = set()
        ranks: dict[tuple[Offender, int], str] = {}
        for j, tier in enumerate(self.version.tiers):
            where = f"{self.loc}.tiers[{j}]"
            if tier.id in seen:
                self.problems.add(f"{where}.id", f"tier id {tier.id!r} is used twice")
            seen.add(tier.id)
            other = ranks.setdefault((tier.subject, tier.rank), tier.id)
            if other != tier.id:
                self.problems.add(f"{where}.rank", f"rank {tier.rank} is also the rank of tier "
                                  f"{other!r} for the same subject; ranks order severity")
            for k, group_id in enumerate(tier.additional):
                group = self.groups.get(group_id)
                if group is None:
                    known = ", ".join(sorted(self.groups)) or "none defined"
                    self.problems.add(f"{where}.additional[{k}]", f"unknown additional group "
                                      f"{shown(group_id)} (defined: {known})")
                elif group.subject != tier.subject:
                    self.problems.add(f"{where}.additional[{k}]",
                                      f"group {shown(group_id)} is for {group.subject.value}, "
                                      f"the tier for {tier.subject.value}")
        if len(self.groups) != len(self.version.additional):
            self.problems.add(f"{self.loc}.additional", "additional group ids must be unique")

    def _node_for(self, tier_id: str, visiting: set[str], depth: int) -> Node | None:
        """The compiled trigger of a tier whose ``when`` sits ``depth`` levels down the
        tree being compiled (``same_as`` counting as a level)."""
        if tier_id in self.nodes:
            return self.nodes[tier_id]
        j, tier = self.tiers[tier_id]
        if tier_id in visiting:
            self.problems.add(f"{self.loc}.tiers[{j}].when",
                              f"same_as forms a cycle through {tier_id!r}")
            return None
        visiting.add(tier_id)
        ref = self._cite(tier.citation)
        node = self._compile(tier.when, ref, f"{self.loc}.tiers[{j}].when", visiting, depth)
        visiting.discard(tier_id)
        self.nodes[tier_id] = node
        return node

    def _compile(self, trigger: Trigger, ref: str, where: str, visiting: set[str],
                 depth: int) -> Node | None:
        if depth > MAX_TRIGGER_DEPTH:
            self.problems.add(where, f"triggers nest deeper than {MAX_TRIGGER_DEPTH} levels "
                              "(each same_as counting as one)")
            return None
        if not isinstance(trigger, AnyOf | AllOf | NoneOf | Always | FlagTest | BandTest | ActTest):
            if trigger.same_as not in self.tiers:
                known = ", ".join(sorted(self.tiers))
                self.problems.add(f"{where}.same_as",
                                  f"unknown tier {shown(trigger.same_as)} (tiers: {known})")
                return None
            return self._node_for(trigger.same_as, visiting, depth + 1)
        if trigger.clause is not None:
            ref = f"{self.file.article}({trigger.clause})"
        own = ref + (f"({trigger.point})" if trigger.point else "")
        own += f" [{trigger.label}]" if trigger.label else ""
        if isinstance(trigger, FlagTest):
            return FlagNode(own, trigger.label, trigger.fact)
        if isinstance(trigger, Always):
            return AlwaysNode(own, trigger.label)
        if isinstance(trigger, NoneOf):
            nodes = self._children(trigger.none, own, f"{where}.none", visiting, depth)
            if nodes is None:
                return None
            return NoneNode(own, trigger.label, nodes,
                            " or ".join(describe_node(c) for c in nodes))
        if isinstance(trigger, ActTest):
            if trigger.act not in self.acts:
                known = ", ".join(sorted(self.acts)) or "none declared"
                self.problems.add(f"{where}.act",
                                  f"unknown act {shown(trigger.act)} (acts: {known})")
                return None
            return ActNode(own, trigger.label, trigger.act, self.acts[trigger.act])
        if isinstance(trigger, BandTest):
            is_money = FACT_KINDS[trigger.quantity] == "money"
            return BandNode(own, trigger.label, trigger.quantity, trigger.lower, trigger.upper,
                            is_money, self.file.currency)
        if isinstance(trigger, AnyOf):
            kids = self._children(trigger.any, own, f"{where}.any", visiting, depth)
            return None if kids is None else AnyNode(own, trigger.label, kids)
        kids = self._children(trigger.all, own, f"{where}.all", visiting, depth)
        return None if kids is None else AllNode(own, trigger.label, kids)

    def _children(self, items: list[Trigger], ref: str, where: str, visiting: set[str],
                  depth: int) -> tuple[Node, ...] | None:
        compiled = [self._compile(c, ref, f"{where}[{k}]", visiting, depth + 1)
                    for k, c in enumerate(items)]
        if any(c is None for c in compiled):
            return None
        children = tuple(c for c in compiled if c is not None)
        size, height = grown(children)
        if size > MAX_TRIGGER_NODES or height > MAX_TRIGGER_DEPTH:
            self.problems.add(where, f"the trigger has {size:,} tests in {height} levels with "
                              f"same_as expanded; at most {MAX_TRIGGER_NODES:,} tests in "
                              f"{MAX_TRIGGER_DEPTH} levels are allowed")
            return None
        return children

    def _range(self, penalty: Penalty, subject: Offender, ref: str, where: str,
               only_with: tuple[str, ...] | None = None) -> tuple[RangeSpec, str | None]:
        floor = self.floors.get((subject, penalty.kind))
        low, high = _bound(penalty.min), _bound(penalty.max)
        low_months, source, note = penalty.min_months, None, None
        low_money = low.fixed if low is not None else None
        if penalty.kind in MONEY_KINDS and low is not None and low_money is None:
            low_money = None  # computed per case
        if floor is not None:
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
        template = PenaltyRange(
            kind=penalty.kind.value, ref=ref,
            min=money(low_money, currency) if low_money is not None else None,
            max=money(high_money, currency) if high_money is not None else None,
            min_months=low_months, max_months=penalty.max_months, min_source=source,
            only_with_principal=only_with, per=penalty.per,
        )
        return RangeSpec(template, low, high, penalty.per, penalty.total_max), note

    def _tier(self, tier: Tier, where: str, node: Node, subject: Subject) -> CompiledTier:
        ref = self._cite(tier.citation)
        excluded = set(subject.exclude_kinds) if subject.kind != tier.subject else set()
        notes: list[str] = []
        principal = []
        for k, penalty in enumerate(tier.principal):
            if penalty.kind in excluded:
                continue
            built, note = self._range(penalty, subject.kind, ref, f"{where}.principal[{k}]")
            principal.append(built)
            notes += [note] if note else []
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
        return CompiledTier(tier, ref, node, tuple(principal), tuple(additional), tuple(notes))

    def _check_bands(self) -> None:
        bands: dict[tuple[Offender, str], list[_Band]] = {}
        for j, tier in enumerate(self.version.tiers):
            where = f"{self.loc}.tiers[{j}].when"
            for band, location in self._open_bands(tier.when, where, set()):
                bands.setdefault((tier.subject, band.quantity), []).append(
                    _Band(band.quantity, band.lower, band.upper, tier, location))
        for (subject, quantity), items in bands.items():
            items.sort(key=lambda b: (b.lower[0] if b.lower else Decimal(-1),
                                      0 if (b.lower is None or b.lower[1]) else 1))
            for a, b in itertools.pairwise(items):
                self._check_pair(subject, quantity, a, b)

    def _check_pair(self, subject: Offender, quantity: str, a: _Band, b: _Band) -> None:
        what = f"{quantity} bands of tiers {a.tier.id!r} and {b.tier.id!r} ({subject.value})"
        if a.upper is None or b.lower is None:
            self.problems.add(b.location, f"{what} overlap")
            return
        (hi, hi_in), (lo, lo_in) = a.upper, b.lower
        if hi > lo or (hi == lo and hi_in and lo_in):
            self.problems.add(b.location, f"{what} overlap at {lo}")
        elif hi < lo or (hi == lo and not hi_in and not lo_in):
            self.problems.add(b.location, f"{what} leave a gap between {hi} and {lo}")
        if b.tier.rank < a.tier.rank:
            self.problems.add(b.location, f"{what}: the higher band selects the less severe tier")

    def _open_bands(self, trigger: Trigger, where: str, seen: set[str],
                    depth: int = 1) -> list[tuple[BandTest, str]]:
        """Bands that select a tier on their own (reached through "or" only); none below
        the deepest level allowed, which compiling the trigger reports."""
        if isinstance(trigger, BandTest):
            return [(trigger, where)]
        if depth > MAX_TRIGGER_DEPTH:
            return []
        if isinstance(trigger, AnyOf):
            found = []
            for k, child in enumerate(trigger.any):
                found += self._open_bands(child, f"{where}.any[{k}]", seen, depth + 1)
            return found
        if isinstance(trigger, FlagTest | AllOf | ActTest | NoneOf | Always):
            return []
        if trigger.same_as in seen:
            return []
        target = self.tiers.get(trigger.same_as)
        if target is None:
            return []
        seen.add(trigger.same_as)
        return [(band, where) for band, _ in self._open_bands(target[1].when, where, seen,
                                                              depth + 1)]


def _facts_of(node: Node) -> set[str]:
    if isinstance(node, FlagNode | BandNode):
        return {node.fact}
    if isinstance(node, ActNode):
        return {"act"}
    if isinstance(node, AnyNode | AllNode | NoneNode):
        out: set[str] = set()
        for child in node.children:
            out |= _facts_of(child)
        return out
    return set()


def _range_facts(tier: CompiledTier) -> set[str]:
    out: set[str] = set()
    for spec in (*tier.principal, *tier.additional):
        for bound in (spec.low, spec.high):
            if bound is not None:
                out |= bound.facts
        if spec.per:
            out.add(spec.per)
    return out
