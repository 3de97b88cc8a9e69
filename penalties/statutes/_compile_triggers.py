"""Compiling the triggers of one version: ``same_as`` references, bounded trees, facts of
the right kind, and bands that neither overlap nor leave gaps.

Each trigger table is compiled once (a tier named by ``same_as`` many times is compiled
once and shared), so a hostile file costs what its text costs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from penalties import _words as words
from penalties._errors import FieldProblem, shown
from penalties._facts import Offender
from penalties._vocabulary import Vocabulary
from penalties.statutes._schema import (
    ActTest,
    AllOf,
    Always,
    AnyOf,
    BandTest,
    Citation,
    FlagTest,
    NoneOf,
    StatuteFile,
    Tier,
    Trigger,
    Version,
)
from penalties.statutes._triggers import (
    ActNode,
    AllNode,
    AlwaysNode,
    AnyNode,
    BandNode,
    ChoiceNode,
    FlagNode,
    Node,
    NoneNode,
    clause_of,
    grown,
)
from rates.exact import CONTEXT, total

__all__ = ["MAX_TRIGGER_DEPTH", "MAX_TRIGGER_NODES", "Problems", "Triggers", "band_bounds",
           "facts_of"]

#: Most levels of a tier's trigger tree, each ``same_as`` counting as one (built-in: 6).
MAX_TRIGGER_DEPTH = 32
#: Most tests in a tier's trigger tree with every ``same_as`` expanded (built-in: 21).
MAX_TRIGGER_NODES = 1_000


class Problems:
    """The problems found in a file, collected rather than raised one at a time."""

    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, location: str, message: str) -> None:
        """Record one problem at a field path."""
        self.items.append(FieldProblem(location, message))


def _whole(value: Decimal) -> bool:
    return value == _round(value, ROUND_FLOOR)


def _round(value: Decimal, rounding: str) -> Decimal:
    """``value`` to a whole number with ``rounding``, exactly (the library's context)."""
    return value.to_integral_value(rounding, CONTEXT)


@dataclass
class _Band:
    quantity: str
    lower: tuple[Decimal, bool] | None
    upper: tuple[Decimal, bool] | None
    tier: Tier
    location: str


class Triggers:
    """The triggers of one version, compiled on demand and once each."""

    def __init__(self, file: StatuteFile, version: Version, loc: str, vocabulary: Vocabulary,
                 problems: Problems, cite: Callable[[Citation], str]) -> None:
        self.file = file
        self.version = version
        self.loc = loc
        self.vocabulary = vocabulary
        self.problems = problems
        self.cite = cite
        self.tiers = {t.id: (j, t) for j, t in enumerate(version.tiers)}
        self.nodes: dict[str, Node | None] = {}  # None: failed, its problems already given
        self.acts = {a.id: a.label for a in file.acts}

    def node_for(self, tier_id: str, visiting: set[str], depth: int) -> Node | None:
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
        node = self.compile(tier.when, self.cite(tier.citation), f"{self.loc}.tiers[{j}].when",
                            visiting, depth)
        visiting.discard(tier_id)
        self.nodes[tier_id] = node
        return node

    def _kind(self, name: str, kinds: tuple[str, ...], where: str, what: str) -> bool:
        if self.vocabulary.kind(name) in kinds:
            return True
        known = sorted(n for k in kinds for n in self.vocabulary.names(k))
        self.problems.add(where, f"unknown {what} {shown(name)}; expected one of "
                          f"{', '.join(known)}")
        return False

    def compile(self, trigger: Trigger, ref: str, where: str, visiting: set[str],
                depth: int) -> Node | None:
        """Compile one trigger table (and what it contains)."""
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
            return self.node_for(trigger.same_as, visiting, depth + 1)
        if trigger.clause is not None:
            ref = f"{self.file.article}({trigger.clause})"
        own = ref + (f"({trigger.point})" if trigger.point else "")
        own += f" [{trigger.label}]" if trigger.label else ""
        if isinstance(trigger, FlagTest):
            if trigger.equals is not None:
                return self._choice(trigger.fact, trigger.equals, own, trigger.label, where)
            if not self._kind(trigger.fact, ("flag",), f"{where}.fact", "flag fact"):
                return None
            return FlagNode(own, trigger.label, trigger.fact)
        if isinstance(trigger, Always):
            return AlwaysNode(own, trigger.label)
        if isinstance(trigger, NoneOf):
            nodes = self.children(trigger.none, own, f"{where}.none", visiting, depth)
            if nodes is None:
                return None
            return NoneNode(own, trigger.label, nodes, " or ".join(words.node(c) for c in nodes))
        if isinstance(trigger, ActTest):
            if trigger.act not in self.acts:
                known = ", ".join(sorted(self.acts)) or "none declared"
                self.problems.add(f"{where}.act",
                                  f"unknown act {shown(trigger.act)} (acts: {known})")
                return None
            return ActNode(own, trigger.label, trigger.act, self.acts[trigger.act])
        if isinstance(trigger, BandTest):
            if not self._kind(trigger.quantity, ("amount", "count"), f"{where}.quantity",
                              "quantity"):
                return None
            is_money = self.vocabulary.kind(trigger.quantity) == "amount"
            return BandNode(own, trigger.label, trigger.quantity, trigger.lower, trigger.upper,
                            is_money, self.file.currency, trigger.note)
        if isinstance(trigger, AnyOf):
            kids = self.children(trigger.any, own, f"{where}.any", visiting, depth)
            return None if kids is None else AnyNode(own, trigger.label, kids)
        kids = self.children(trigger.all, own, f"{where}.all", visiting, depth)
        return None if kids is None else AllNode(own, trigger.label, kids)

    def _choice(self, fact: str, value: str, ref: str, label: str | None,
                where: str) -> Node | None:
        """An ``equals`` test: a fact with a list of values, and one of its values."""
        if not self._kind(fact, ("enum",), f"{where}.fact", "fact with a list of values"):
            return None
        allowed = self.vocabulary[fact].values
        if value not in allowed:
            self.problems.add(f"{where}.equals", f"{shown(value)} is not a value of {fact} "
                              f"({', '.join(allowed)})")
            return None
        return ChoiceNode(ref, label, fact, value)

    def children(self, items: list[Trigger], ref: str, where: str, visiting: set[str],
                 depth: int) -> tuple[Node, ...] | None:
        """The compiled children of an "any", "all" or "none" table, if the tree stays
        within :data:`MAX_TRIGGER_NODES` tests and :data:`MAX_TRIGGER_DEPTH` levels."""
        compiled = [self.compile(c, ref, f"{where}[{k}]", visiting, depth + 1)
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

    def check_bands(self) -> None:
        """Bands that select tiers on their own must tile each quantity: no overlap, no
        gap, and a higher band never selects a less severe tier."""
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
        if self.vocabulary.kind(quantity) == "count":  # whole numbers: "to 2", "from 3" tile
            last = (hi if hi_in else total(hi, -1)) if _whole(hi) else _round(hi, ROUND_FLOOR)
            first = (lo if lo_in else total(lo, 1)) if _whole(lo) else _round(lo, ROUND_CEILING)
            if first <= last:
                self.problems.add(b.location, f"{what} overlap at {first}")
            elif first > total(last, 1):
                self.problems.add(b.location, f"{what} leave a gap between {last} and {first}")
        elif hi > lo or (hi == lo and hi_in and lo_in):
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


def facts_of(node: Node) -> set[str]:
    """Every fact a trigger tree reads."""
    if isinstance(node, FlagNode | BandNode | ChoiceNode):
        return {node.fact}
    if isinstance(node, ActNode):
        return {"act"}
    if isinstance(node, AnyNode | AllNode | NoneNode):
        out: set[str] = set()
        for child in node.children:
            out |= facts_of(child)
        return out
    return set()


def band_bounds(node: Node, into: dict[str, set[tuple[Decimal, str]]]) -> None:
    """Add every bound of every band in a trigger tree to ``into``, by fact, with the
    clause of the band."""
    if isinstance(node, BandNode):
        ref = clause_of(node.ref)
        for bound in (node.lower, node.upper):
            if bound is not None:
                into.setdefault(node.fact, set()).add((bound[0], ref))
    elif isinstance(node, AnyNode | AllNode | NoneNode):
        for child in node.children:
            band_bounds(child, into)
