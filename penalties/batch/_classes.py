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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from penalties._errors import PenaltyError
from penalties._facts import CURRENCY_REQUIRED, FACT_KINDS, HISTORY_DATES, Amount, Facts, Offender
from penalties.assessment._results import Reason
from penalties.statutes._triggers import AllNode, AnyNode, BandNode, Node, NoneNode

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment
    from penalties.statutes._statute import CompiledVersion, Statute

__all__ = [
    "MAX_CLASSES",
    "Classifier",
    "Plan",
    "figures_of",
    "plain_number",
    "position",
    "refigure",
    "with_figures",
]

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

    def boundaries(self, version: CompiledVersion) -> dict[str, list[Decimal]]:
        """The amounts at which some band of ``version`` starts or ends, by fact."""
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

    def day(self, text: str) -> date | None:
        """The date a text cell names in plain ``YYYY-MM-DD`` form, else ``None``."""
        text = text.strip()
        found = self.texts.get(text, _UNSEEN)
        if found is _UNSEEN:
            found = self.texts[text] = _plain_date(text)
        return found

    def context(self, day: date) -> tuple[CompiledVersion | None, tuple[str, ...]]:
        """The version in force on ``day`` (``None`` if the engine must decide) and the
        provisions pointed to that are in force then."""
        found = self.days.get(day)
        if found is None:
            found = self.days[day] = self._on(day)
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
        return self._key(day, offender, (given, offender, act, flags), value)

    def _key(self, day: date, offender: Offender, head: tuple[Any, ...],
             value: Callable[[str], Decimal | int | None]) -> tuple[Any, ...] | None:
        """The version and pointers of ``day``, then ``head``, then where each figure
        falls among the version's boundaries; ``None`` when the engine must decide (no
        version to stand for, or an offender not liable on that day)."""
        version, pointers = self.context(day)
        if version is None:
            return None
        subject = self.statute.subjects.get(offender)
        if subject is None or (subject.liable_from and day < subject.liable_from):
            return None
        parts: list[Any] = [id(version), pointers, *head]
        for fact, points in self.boundaries(version).items():
            figure = value(fact)
            parts.append(None if figure is None else position(points, figure))
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
        (the row is then read through ``Facts``, which also reports any error).

        This runs for every row of a batch file, so it reads the columns by kind, as the
        header's :class:`Plan` sorted them, and keys the class by what decides it: the
        version and pointers of the day, the offender, the flags, which amounts were given
        and where each falls among the boundaries. (Keys of text rows and of ``Facts`` have
        different shapes, so they never stand for each other's classes.)
        """
        if plan.other:
            return None
        for name in plan.blank:
            value = row[name]
            if value and (not isinstance(value, str) or value.strip()):
                return None
        offender = _OFFENDERS.get(str(row["offender"]).strip().lower())
        day = self.day(str(row["offence_date"]))
        if offender is None or day is None:
            return None
        figures: dict[str, Decimal] = {}
        present: list[bool] = []
        for name in plan.money:
            value = row[name]
            if type(value) is not str:
                return None
            value = value.strip()
            if value:
                number = plain_number(value, count=False)
                if number is None:
                    return None
                figures[name] = Decimal(number)
                present.append(True)
            else:
                present.append(False)
        for name in plan.counts:
            value = row[name]
            if type(value) is not str:
                return None
            value = value.strip()
            if not value or (name == "times" and value == "1"):
                present.append(False)
                continue
            number = plain_number(value, count=True)
            if number is None or (name == "times" and number < 1):
                return None
            figures[name] = Decimal(number)
            present.append(True)
        flags: list[bool | None] = list(plan.flag_defaults)
        for at, name, history in plan.flags:
            value = row[name]
            if type(value) is not str:
                return None
            lowered = value.strip().lower()
            if lowered in TRUE:
                flags[at] = True
            elif lowered not in FALSE:
                return None
            elif lowered and history:
                flags[at] = False
        key = self._key(day, offender, (offender, tuple(present), tuple(flags)),
                        lambda fact: figures.get(fact, _ONE if fact == "times" else None))
        return None if key is None else (key, figures)


@dataclass(frozen=True, slots=True)
class Plan:
    """How to read the columns of one header straight into a class key."""

    money: tuple[str, ...]
    counts: tuple[str, ...]
    flags: tuple[tuple[int, str, bool], ...]
    blank: tuple[str, ...]
    flag_defaults: tuple[bool | None, ...]
    other: bool

    @classmethod
    def of(cls, header: tuple[str, ...]) -> Plan:
        """The plan of a header; ``other`` when a row of it can never be read plainly."""
        places = {name: at for at, name in enumerate(_FLAG_ORDER)}
        return cls(
            money=tuple(n for n in header if n in _MONEY),
            counts=tuple(n for n in header if n in COUNTS or n == "times"),
            flags=tuple((places[n], n, n in HISTORY_DATES) for n in header if n in FLAGS),
            blank=tuple(n for n in header if n in FIELDS and n not in _MONEY and n not in COUNTS
                        and n not in FLAGS and n not in ("times", "offender", "offence_date")),
            flag_defaults=_FLAG_DEFAULTS,
            other=any(n not in FIELDS and n != "id" for n in header)
            or "offender" not in header or "offence_date" not in header,
        )


_UNSEEN = date.min


def plain_number(text: str, count: bool) -> int | None:
    """The whole number a stripped cell writes in plain form (ASCII digits, at most 7 of
    them for a count, 18 for an amount), else ``None``."""
    if text.isascii() and text.isdigit() and len(text) <= (7 if count else 18):
        return int(text)
    return None


def position(points: Sequence[Decimal | int], figure: Decimal | int) -> int:
    """Where ``figure`` falls among sorted boundaries: twice the number below it, plus one
    when it is on one (so values between the same two boundaries share a position)."""
    return bisect.bisect_left(points, figure) + bisect.bisect_right(points, figure)


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
