"""Classes of cases the law cannot tell apart, so the engine's answer for one serves all.

Two cases are in the same class when they agree on everything a provision's version looks
at: the version in force on the offence date (and the provisions it points to on that
date), the offender, the act, every flag, which facts were given, and, for each amount or
count, its position among the boundaries of the version's bands (below, on, or between
them). Such cases fire the same triggers and get the same tier, ranges and notes; only
the figures in the reasons differ. Cases the engine must see whole (history dates, trial or
action dates, amounts in another currency, computed bounds, dates before the provision's
first version) have no class.

The key is derived from the statute's own trigger trees, so it holds for any statute file;
the test suite checks, on generated cases, that a class's answer equals each case's own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from penalties.assessment import Reason
from penalties.errors import PenaltyError
from penalties.facts import CURRENCY_REQUIRED, FACT_KINDS, HISTORY_DATES, Amount, Facts, Offender
from penalties.triggers import AllNode, AnyNode, BandNode, Node, NoneNode

if TYPE_CHECKING:
    from penalties.assessment import Assessment
    from penalties.statute import CompiledVersion, Statute

__all__ = ["MAX_CLASSES", "Classifier", "Plan", "figures_of", "refigure", "with_figures"]

NAMES = tuple(f.name for f in fields(Facts))
FIELDS = frozenset(NAMES)
TRUE = frozenset({"true", "1", "yes", "y"})
FALSE = frozenset({"false", "0", "no", "n", ""})
FLAGS = frozenset(n for n, k in FACT_KINDS.items() if k == "flag")
COUNTS = frozenset(n for n, k in FACT_KINDS.items() if k == "count")
_FLAG_ORDER = tuple(sorted(FLAGS))
_FLAG_DEFAULTS = tuple(None if f in HISTORY_DATES else False for f in _FLAG_ORDER)
_MONEY = frozenset(n for n, k in FACT_KINDS.items() if k == "money") - CURRENCY_REQUIRED
_OFFENDERS = {o.value: o for o in Offender}
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ONE = Decimal(1)


class Classifier:
    """The classes of one statute's cases, and the engine's answer for each."""

    def __init__(self, statute: Statute, resolve: Callable[[str], Statute]) -> None:
        self.statute = statute
        self.resolve = resolve
        self.points: dict[int, dict[str, list[Decimal]]] = {}
        self.days: dict[date, tuple[CompiledVersion | None, tuple[str, ...]]] = {}
        self.texts: dict[str, date | None] = {}
        self.answers: dict[tuple[Any, ...], Assessment] = {}

    def remember(self, key: tuple[Any, ...], answer: Assessment) -> Assessment:
        """Keep ``answer`` for its class (forgetting all once there are too many)."""
        if len(self.answers) >= MAX_CLASSES:
            self.answers.clear()
        self.answers[key] = answer
        return answer

    def _boundaries(self, version: CompiledVersion) -> dict[str, list[Decimal]]:
        found = self.points.get(id(version))
        if found is None:
            collected: dict[str, set[Decimal]] = {}
            for tiers in version.tiers.values():
                for tier in tiers:
                    _collect(tier.node, collected)
            for modifier in version.modifiers:
                if modifier.node is not None:
                    _collect(modifier.node, collected)
            found = {fact: sorted(values) for fact, values in collected.items()}
            self.points[id(version)] = found
        return found

    def _on(self, day: date) -> tuple[CompiledVersion | None, tuple[str, ...]]:
        """The version on ``day`` (``None`` if the engine must decide) and the provisions to
        point to that are in force then (they differ by date)."""
        statute = self.statute
        if statute.model.version_date != "offence_date" or (
                statute.model.predecessor and day < statute.versions[0].effective_from):
            return None, ()
        try:
            version: CompiledVersion | None = statute.version_on(day)
        except PenaltyError:
            return None, ()
        if version is not None and _dynamic(version):
            version = None
        pointers = []
        for item in statute.model.see_also:
            try:
                self.resolve(item.id).version_on(day)
            except PenaltyError:
                continue
            pointers.append(item.id)
        return version, tuple(pointers)

    def _compose(self, day: date, offender: Offender, given: tuple[str, ...], act: str | None,
                 flags: tuple[bool | None, ...],
                 value: Callable[[str], Decimal | int | None]) -> tuple[Any, ...] | None:
        if day not in self.days:
            self.days[day] = self._on(day)
        version, pointers = self.days[day]
        if version is None:
            return None
        subject = self.statute.subjects.get(offender)
        if subject is None or (subject.liable_from and day < subject.liable_from):
            return None
        parts: list[Any] = [id(version), pointers, given, offender, act, flags]
        for fact, points in self._boundaries(version).items():
            figure = value(fact)
            if figure is None:
                parts.append(None)
                continue
            at = bisect.bisect_left(points, figure)
            parts.append(2 * at + (1 if at < len(points) and points[at] == figure else 0))
        return tuple(parts)

    def key(self, facts: Facts, given: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The class of a row read as ``Facts``, or ``None`` when the engine must see it."""
        day = facts.offence_date
        if (day is None or facts.trial_date or facts.action_date
                or any(getattr(facts, d) is not None for d in HISTORY_DATES.values())):
            return None
        currency = self.statute.currency

        def value(fact: str) -> Decimal | int | None:
            found = getattr(facts, fact)
            if isinstance(found, Amount):
                if found.currency not in (None, currency) or fact in CURRENCY_REQUIRED:
                    raise _NotPlain
                return found.value
            return found  # type: ignore[no-any-return]

        flags = tuple(getattr(facts, f) for f in _FLAG_ORDER)
        try:
            return self._compose(day, facts.offender, tuple(given), facts.act, flags, value)
        except _NotPlain:
            return None

    def plain(self, row: Mapping[str, Any], plan: Plan
              ) -> tuple[tuple[Any, ...], dict[str, Decimal]] | None:
        """The class and figures of a text row whose values are all plain, else ``None``
        (the row is then read through ``Facts``, which also reports any error)."""
        if plan.other:
            return None
        figures: dict[str, Decimal] = {}
        flags = dict(plan.flag_defaults)
        given = set(plan.always)
        offender = day = None
        for name, kind in plan.columns:
            raw = row[name]
            if not isinstance(raw, str):
                return None
            text = raw.strip()
            if kind is _Kind.MONEY:
                if text:
                    if not _PLAIN_AMOUNT.fullmatch(text):
                        return None
                    figures[name] = Decimal(text)
                    given.add(name)
            elif kind is _Kind.FLAG or kind is _Kind.HISTORY_FLAG:
                lowered = text.lower()
                if lowered in TRUE:
                    flags[name] = True
                    given.add(name)
                elif lowered not in FALSE:
                    return None
                elif text and kind is _Kind.HISTORY_FLAG:
                    flags[name] = False
                    given.add(name)
            elif kind is _Kind.OFFENDER:
                offender = _OFFENDERS.get(text.lower())
                if offender is None:
                    return None
            elif kind is _Kind.DATE:
                day = self.texts.get(text, _UNSEEN)
                if day is _UNSEEN:
                    day = self.texts[text] = _plain_date(text)
                if day is None:
                    return None
            elif kind is _Kind.COUNT:
                if text:
                    if not text.isdigit() or len(text) > 7:
                        return None
                    count = int(text)
                    if name == "times" and count <= 1:
                        if count == 0:
                            return None
                        continue
                    figures[name] = Decimal(count)
                    given.add(name)
            elif text:  # a column that needs Facts when it holds a value
                return None
        if offender is None or day is None:
            return None
        names = tuple(n for n in plan.order if n in given)
        key = self._compose(day, offender, names, None, tuple(flags.values()),
                            lambda fact: figures.get(fact, _ONE if fact == "times" else None))
        return None if key is None else (key, figures)


class _Kind(Enum):
    MONEY = 1
    FLAG = 2
    HISTORY_FLAG = 3
    OFFENDER = 4
    DATE = 5
    COUNT = 6
    ONLY_BLANK = 7


@dataclass(frozen=True, slots=True)
class Plan:
    """How to read the columns of one header straight into a class key."""

    columns: tuple[tuple[str, _Kind], ...]
    order: tuple[str, ...]
    always: frozenset[str]
    flag_defaults: tuple[tuple[str, bool | None], ...]
    other: bool

    @classmethod
    def of(cls, header: tuple[str, ...]) -> Plan:
        columns: list[tuple[str, _Kind]] = []
        for name in header:
            if name == "id":
                continue
            if name in _MONEY:
                kind = _Kind.MONEY
            elif name in FLAGS:
                kind = _Kind.HISTORY_FLAG if name in HISTORY_DATES else _Kind.FLAG
            elif name == "offender":
                kind = _Kind.OFFENDER
            elif name == "offence_date":
                kind = _Kind.DATE
            elif name in COUNTS or name == "times":
                kind = _Kind.COUNT
            else:
                kind = _Kind.ONLY_BLANK
            columns.append((name, kind))
        return cls(tuple(columns), tuple(n for n in NAMES if n in header),
                   frozenset({"offender", "offence_date"}),
                   tuple(zip(_FLAG_ORDER, _FLAG_DEFAULTS, strict=True)),
                   other=any(n not in FIELDS and n != "id" for n in header))


_UNSEEN = date.min


def _plain_date(text: str) -> date | None:
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class _NotPlain(Exception):
    """A value the class key cannot stand for (another currency): use the engine."""


def _collect(node: Node, into: dict[str, set[Decimal]]) -> None:
    if isinstance(node, BandNode):
        for bound in (node.lower, node.upper):
            if bound is not None:
                into.setdefault(node.fact, set()).add(bound[0])
    elif isinstance(node, AnyNode | AllNode | NoneNode):
        for child in node.children:
            _collect(child, into)


def _dynamic(version: CompiledVersion) -> bool:
    """Whether some range of the version depends on the case beyond its tier."""
    for tiers in version.tiers.values():
        for tier in tiers:
            if any(spec.static is None for spec in (*tier.principal, *tier.additional)):
                return True
    return bool(version.modifiers)


#: How many classes a classifier remembers before it starts afresh (constant memory).
MAX_CLASSES = 100_000


def figures_of(facts: Facts) -> dict[str, Decimal]:
    """The amounts and counts of ``facts`` (as the reasons show them)."""
    out: dict[str, Decimal] = {}
    for name, kind in FACT_KINDS.items():
        if kind in ("money", "count"):
            value = getattr(facts, name)
            if isinstance(value, Amount):
                out[name] = value.value
            elif value is not None:
                out[name] = Decimal(value)
    return out


def refigure(reasons: tuple[Reason, ...], figures: Mapping[str, Decimal]) -> tuple[Reason, ...]:
    """The class's reasons with this case's figures."""
    return tuple(r if r.figure is None else Reason(
        r.ref, r.fact, r.test, figures.get(r.fact, r.figure), r.currency, r.interval, r.rule)
        for r in reasons)


def with_figures(template: Assessment, figures: Mapping[str, Decimal], given: dict[str, Any],
                 offence_date: date | None) -> Assessment:
    """The class's assessment for one case: its facts, its date and its figures."""
    tier = template.tier
    return replace(
        template,
        tier=replace(tier, reasons=refigure(tier.reasons, figures)) if tier else None,
        also_met=tuple(replace(t, reasons=refigure(t.reasons, figures))
                       for t in template.also_met),
        facts=given, offence_date=offence_date or template.offence_date)
