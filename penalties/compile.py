"""Turn a validated statute file into the structures the engine runs on, checking what single
fields cannot: references between tiers, overlapping or gapped bands, floors, golden cases.

Everything here runs once per file; the engine then does no validation per call.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from penalties.assessment import PenaltyRange, ProvisionRef
from penalties.errors import FieldProblem, InvalidFacts, NoVersionInForce, StatuteFileError
from penalties.facts import FACT_KINDS, Facts, Offender, PriorSentence
from penalties.schema import (
    MONEY_KINDS,
    AllOf,
    AnyOf,
    BandTest,
    Citation,
    FlagTest,
    HistoryRule,
    Penalty,
    StatuteFile,
    Subject,
    Tier,
    Trigger,
    Version,
)
from penalties.triggers import AllNode, AnyNode, BandNode, FlagNode, Node
from rates.money import money

__all__ = ["CompiledTier", "CompiledVersion", "Statute", "cite", "compile_statute"]

HistoryKey = tuple[str, Offender, PriorSentence | None]


def cite(citation: Citation, article: str) -> str:
    """Short reference: ``225(2)`` for the provision's own article, else with the instrument.

    >>> from penalties.schema import Citation
    >>> c = Citation(clause="3", article="35", quote="q", translation="t", source="s",
    ...              confidence="C")
    >>> cite(c, "225")
    '35(3)'
    """
    prefix = f"{citation.instrument} Art. " if citation.instrument else ""
    clause = f"({citation.clause})" if citation.clause else ""
    point = f"({citation.point})" if citation.point else ""
    return f"{prefix}{citation.article or article}{clause}{point}"


@dataclass(frozen=True, slots=True)
class CompiledTier:
    """A tier ready to run: its trigger tree and its penalties with floors applied."""

    model: Tier
    ref: str
    node: Node
    principal: tuple[PenaltyRange, ...]
    additional: tuple[PenaltyRange, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledVersion:
    """One dated version: tiers per subject (most severe first) and history rules."""

    model: Version
    provision: ProvisionRef
    tiers: dict[Offender, tuple[CompiledTier, ...]]
    history: dict[HistoryKey, HistoryRule]
    used_facts: dict[Offender, frozenset[str]]

    @property
    def effective_from(self) -> date:
        """First day in force."""
        return self.model.effective_from


@dataclass(frozen=True, slots=True)
class Statute:
    """A provision loaded from its file, with every version compiled."""

    model: StatuteFile
    path: str
    versions: tuple[CompiledVersion, ...]
    subjects: dict[Offender, Subject]

    @property
    def id(self) -> str:
        """Stable id, e.g. ``vn/penal-code/225``."""
        return self.model.id

    @property
    def currency(self) -> str:
        """ISO 4217 code of the amounts in the statute."""
        return self.model.currency

    def coverage(self) -> str:
        """The dates the versions cover, in words."""
        first = self.versions[0].effective_from.isoformat()
        last = self.versions[-1].provision.version_until
        return f"{first} to {last.isoformat()}" if last else f"{first} onwards"

    def version_on(self, day: date) -> CompiledVersion:
        """The version in force on ``day``; :class:`NoVersionInForce` if none is."""
        starts = [v.effective_from for v in self.versions]
        index = bisect.bisect_right(starts, day) - 1
        if index < 0:
            raise NoVersionInForce(self.id, day.isoformat(), self.coverage())
        return self.versions[index]


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
    if model.id.rsplit("/", 1)[-1] in model.aliases or model.id in model.aliases:
        problems.add("aliases", "an alias repeats the id")
    if len(set(model.aliases)) != len(model.aliases):
        problems.add("aliases", "aliases must be unique")
    starts = [v.effective_from for v in model.versions]
    for i in range(1, len(starts)):
        if starts[i] <= starts[i - 1]:
            problems.add(f"versions[{i}].effective_from",
                         f"{starts[i]} must be after the previous version's {starts[i - 1]}")
    versions: list[CompiledVersion] = []
    for i, version in enumerate(model.versions):
        until = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else None
        compiled = _Version(model, version, f"versions[{i}]", until, subjects, problems).build()
        if compiled is not None:
            versions.append(compiled)
    _check_cases(model, problems)
    if problems.items:
        raise StatuteFileError(path, problems.items)
    return Statute(model, path, tuple(versions), subjects)


def _check_cases(model: StatuteFile, problems: _Problems) -> None:
    tier_ids = {t.id for v in model.versions for t in v.tiers} | {"none"}
    for i, case in enumerate(model.cases):
        try:
            Facts.from_mapping(case.facts)
        except InvalidFacts as exc:
            problems.add(f"cases[{i}].facts.{exc.field}", str(exc))
        if case.tier not in tier_ids:
            known = ", ".join(sorted(tier_ids))
            problems.add(f"cases[{i}].tier", f"unknown tier {case.tier!r}; expected one of {known}")


@dataclass
class _Band:
    quantity: str
    lower: tuple[Decimal, bool] | None
    upper: tuple[Decimal, bool] | None
    tier: Tier
    location: str


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
        self.nodes: dict[str, Node] = {}
        self.floors = {(f.subject, f.kind): f for f in version.floors}

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
            node = self._node_for(tier.id, set())
            if node is None:
                continue
            compiled.setdefault(tier.subject, []).append(self._tier(tier, where, node))
            used.setdefault(tier.subject, set()).update(_facts_of(node))
        self._check_bands()
        history: dict[HistoryKey, HistoryRule] = {}
        for k, rule in enumerate(self.version.history):
            key = (rule.fact, rule.subject, rule.prior_sentence)
            if key in history:
                self.problems.add(f"{self.loc}.history[{k}]", "a rule for this fact, "
                                  "subject and prior_sentence is already given")
            history[key] = rule
        if len(self.problems.items) > before:
            return None
        ordered = {s: tuple(sorted(ts, key=lambda t: -t.model.rank)) for s, ts in compiled.items()}
        return CompiledVersion(self.version, self._provision(), ordered, history,
                               {s: frozenset(f) for s, f in used.items()})

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
                    self.problems.add(f"{where}.additional[{k}]",
                                      f"unknown additional group {group_id!r} (defined: {known})")
                elif group.subject != tier.subject:
                    self.problems.add(f"{where}.additional[{k}]",
                                      f"group {group_id!r} is for {group.subject.value}, "
                                      f"the tier for {tier.subject.value}")
        if len(self.groups) != len(self.version.additional):
            self.problems.add(f"{self.loc}.additional", "additional group ids must be unique")

    def _node_for(self, tier_id: str, visiting: set[str]) -> Node | None:
        if tier_id in self.nodes:
            return self.nodes[tier_id]
        j, tier = self.tiers[tier_id]
        if tier_id in visiting:
            self.problems.add(f"{self.loc}.tiers[{j}].when",
                              f"same_as forms a cycle through {tier_id!r}")
            return None
        visiting.add(tier_id)
        ref = cite(tier.citation, self.file.article)
        node = self._compile(tier.when, ref, f"{self.loc}.tiers[{j}].when", visiting)
        visiting.discard(tier_id)
        if node is not None:
            self.nodes[tier_id] = node
        return node

    def _compile(self, trigger: Trigger, ref: str, where: str, visiting: set[str]) -> Node | None:
        if not isinstance(trigger, AnyOf | AllOf | FlagTest | BandTest):
            if trigger.same_as not in self.tiers:
                known = ", ".join(sorted(self.tiers))
                self.problems.add(f"{where}.same_as",
                                  f"unknown tier {trigger.same_as!r} (tiers: {known})")
                return None
            return self._node_for(trigger.same_as, visiting)
        own = ref + (f"({trigger.point})" if trigger.point else "")
        own += f" [{trigger.label}]" if trigger.label else ""
        if isinstance(trigger, FlagTest):
            return FlagNode(own, trigger.label, trigger.fact)
        if isinstance(trigger, BandTest):
            is_money = FACT_KINDS[trigger.quantity] == "money"
            return BandNode(own, trigger.label, trigger.quantity, trigger.lower, trigger.upper,
                            is_money, self.file.currency)
        key = "any" if isinstance(trigger, AnyOf) else "all"
        items = trigger.any if isinstance(trigger, AnyOf) else trigger.all
        children = [self._compile(c, own, f"{where}.{key}[{k}]", visiting)
                    for k, c in enumerate(items)]
        if any(c is None for c in children):
            return None
        kids = tuple(c for c in children if c is not None)
        return (AnyNode if key == "any" else AllNode)(own, trigger.label, kids)

    def _range(self, penalty: Penalty, tier: Tier, ref: str, where: str,
               only_with: tuple[str, ...] | None = None) -> tuple[PenaltyRange, str | None]:
        floor = self.floors.get((tier.subject, penalty.kind))
        low_money, low_months, source, note = penalty.min, penalty.min_months, None, None
        if floor is not None:
            floor_ref = cite(floor.citation, self.file.article)
            low, floor_value = ((penalty.min, floor.min) if penalty.kind in MONEY_KINDS
                                else (penalty.min_months, floor.min_months))
            if low is not None and floor_value is not None and low < floor_value:
                self.problems.add(where, f"minimum {low} is below the general floor "
                                  f"{floor_value} of {floor_ref}")
            if low is None:
                low_money, low_months, source = floor.min, floor.min_months, floor_ref
                note = f"{ref} {penalty.kind.value}: the minimum comes from {floor_ref}"
        currency = self.file.currency
        return PenaltyRange(
            kind=penalty.kind.value, ref=ref,
            min=money(low_money, currency) if low_money is not None else None,
            max=money(penalty.max, currency) if penalty.max is not None else None,
            min_months=low_months, max_months=penalty.max_months, min_source=source,
            only_with_principal=only_with,
        ), note

    def _tier(self, tier: Tier, where: str, node: Node) -> CompiledTier:
        ref = cite(tier.citation, self.file.article)
        notes: list[str] = []
        principal = []
        for k, penalty in enumerate(tier.principal):
            built, note = self._range(penalty, tier, ref, f"{where}.principal[{k}]")
            principal.append(built)
            notes += [note] if note else []
        kinds = {p.kind for p in tier.principal}
        additional = []
        for group_id in tier.additional:
            group = self.groups.get(group_id)
            if group is None:
                continue
            group_ref = cite(group.citation, self.file.article)
            for penalty in group.penalties:
                allowed = kinds - set(penalty.unless_principal)
                if not allowed:
                    why = f" ({penalty.note})" if penalty.note else ""
                    notes.append(f"{group_ref} {penalty.kind.value} is not available: the "
                                 f"principal penalty of {ref} is a {penalty.kind.value}{why}")
                    continue
                only = None if allowed == kinds else tuple(sorted(k.value for k in allowed))
                built, note = self._range(penalty, tier, group_ref, f"{where}.additional", only)
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

    def _open_bands(self, trigger: Trigger, where: str,
                    seen: set[str]) -> list[tuple[BandTest, str]]:
        """Bands that select a tier on their own (reached through "or" only)."""
        if isinstance(trigger, BandTest):
            return [(trigger, where)]
        if isinstance(trigger, AnyOf):
            found = []
            for k, child in enumerate(trigger.any):
                found += self._open_bands(child, f"{where}.any[{k}]", seen)
            return found
        if isinstance(trigger, FlagTest | AllOf) or trigger.same_as in seen:
            return []
        target = self.tiers.get(trigger.same_as)
        if target is None:
            return []
        seen.add(trigger.same_as)
        return [(band, where) for band, _ in self._open_bands(target[1].when, where, seen)]


def _facts_of(node: Node) -> set[str]:
    if isinstance(node, FlagNode | BandNode):
        return {node.fact}
    if isinstance(node, AnyNode | AllNode):
        out: set[str] = set()
        for child in node.children:
            out |= _facts_of(child)
        return out
    return set()
