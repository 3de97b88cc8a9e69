"""Many cases at once: streaming, in constant memory, with every row's provenance.

:func:`assess_many` takes an iterable of cases (``Facts`` or mappings, e.g. CSV rows) and
yields one :class:`BatchResult` per case, in order, never holding more than one case. A row
that cannot be read is a result with an ``error`` (its row number and the reason), never a
silent gap.

Rows that share everything the law looks at (offender, version, flags, the facts given, and
for each amount the same position among the statute's boundaries) get the same tier and
ranges, so the engine's answer for the first of them is reused for the others; only the
figures in the reasons differ. Rows the engine must see whole (history dates, trial or action
dates, amounts in another currency, computed bounds) always go through it. Rows whose values
are all in plain forms (digits, ``YYYY-MM-DD``, true/false) are classified straight from
their text; any other row is read through :class:`~penalties.facts.Facts` first.

>>> rows = [{"id": "a", "offender": "entity", "illicit_profit": "250000000",
...          "offence_date": "2018-03-19"},
...         {"id": "b", "offender": "person", "illicit_profit": "lots"}]
>>> [(r.row, r.tier_id, r.error) for r in assess_many(rows, "vn-225")]  # doctest: +ELLIPSIS
[(1, '4a', None), (2, None, "illicit_profit: not an amount this library can read...")]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

from penalties.assessment import Reason
from penalties.errors import InvalidFacts, PenaltyError
from penalties.facts import CURRENCY_REQUIRED, FACT_KINDS, HISTORY_DATES, Amount, Facts, Offender
from penalties.triggers import AllNode, AnyNode, BandNode, Node, NoneNode
from rates.errors import RateError

if TYPE_CHECKING:
    from penalties.assessment import Assessment, TierResult
    from penalties.catalog import Catalog
    from penalties.conversion import ConvertedAssessment
    from penalties.statute import CompiledVersion, Statute
    from rates.model import Rate

__all__ = ["INPUT_COLUMNS", "BatchResult", "assess_many", "facts_from_row"]

#: Columns a batch file may have: ``id`` (passed through) and every fact.
INPUT_COLUMNS: tuple[str, ...] = ("id", *(f.name for f in fields(Facts)))

_NAMES = tuple(f.name for f in fields(Facts))
_FIELDS = frozenset(_NAMES)
_TRUE = frozenset({"true", "1", "yes", "y"})
_FALSE = frozenset({"false", "0", "no", "n", ""})
_FLAGS = frozenset(n for n, k in FACT_KINDS.items() if k == "flag")
_FLAG_ORDER = tuple(sorted(_FLAGS))
_FLAG_DEFAULTS = tuple(None if f in HISTORY_DATES else False for f in _FLAG_ORDER)
_COUNTS = frozenset(n for n, k in FACT_KINDS.items() if k == "count")
_MONEY = frozenset(n for n, k in FACT_KINDS.items() if k == "money") - CURRENCY_REQUIRED
_OFFENDERS = {o.value: o for o in Offender}
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ONE = Decimal(1)


def facts_from_row(row: Mapping[str, Any]) -> Facts:
    """Facts from a row whose values may be text (CSV): blank means "not given", flags
    accept true/false/yes/no/1/0, counts are whole numbers. Unknown columns are an error."""
    if "__error__" in row:
        raise InvalidFacts("row", str(row["__error__"]), "one JSON object per line")
    values: dict[str, Any] = {}
    for name, raw in row.items():
        if name == "id":
            continue
        if name not in _FIELDS:
            raise InvalidFacts(name, "unknown column", ", ".join(INPUT_COLUMNS))
        if not isinstance(raw, str):
            if raw is not None:
                values[name] = raw
            continue
        text = raw.strip()
        if name in _FLAGS:
            lowered = text.lower()
            if lowered in _TRUE:
                values[name] = True
            elif lowered in _FALSE:
                if text or name not in HISTORY_DATES:
                    values[name] = False
            else:
                raise InvalidFacts(name, f"{raw!r} is not true or false", "true, false, yes, "
                                   "no, 1, 0 or blank")
        elif not text:
            continue
        elif name in _COUNTS or name == "times":
            if not text.isdigit():
                raise InvalidFacts(name, f"{raw!r} is not a whole number", "0, 1, 2, ...")
            values[name] = int(text)
        else:
            values[name] = text
    if "offender" not in values:
        raise InvalidFacts("offender", "missing", "person or entity")
    return Facts(**values)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One case of a batch: its row number, its id, and the assessment or the error.

    ``template`` is the assessment of the row's class (see the module docstring) and
    ``figures`` this row's amounts; the row's own :attr:`assessment` (its figures in the
    reasons) is built only when asked for.
    """

    row: int
    id: str | None
    source: Facts | Mapping[str, Any] | None = None
    template: Assessment | None = None
    exact: bool = True
    rate: Rate | None = None
    figures: Mapping[str, Decimal] | None = None
    error: str | None = None

    @property
    def assessment(self) -> Assessment | None:
        """The assessment of this case (``None`` for a row in error)."""
        if self.template is None or self.exact:
            return self.template
        facts = self._facts()
        tier = self.template.tier
        return replace(self.template, tier=self._tier(tier) if tier else None,
                       also_met=tuple(self._tier(t) for t in self.template.also_met),
                       facts=facts.given(),
                       offence_date=facts.offence_date or self.template.offence_date)

    def _facts(self) -> Facts:
        source = self.source
        return source if isinstance(source, Facts) else facts_from_row(source or {})

    def _tier(self, tier: TierResult) -> TierResult:
        return replace(tier, reasons=self.reasons(tier.reasons))

    def reasons(self, template: Iterable[Reason] | None = None) -> tuple[Reason, ...]:
        """The reasons of the tier that applied, with this row's figures."""
        if template is None:
            template = self.template.tier.reasons if self.template and self.template.tier \
                else ()
        if self.exact or not self.figures:
            return tuple(template)
        figures = self.figures
        return tuple(r if r.figure is None else Reason(
            r.ref, r.fact, r.test, figures.get(r.fact, r.figure), r.currency, r.interval, r.rule)
            for r in template)

    @property
    def conversion(self) -> ConvertedAssessment | None:
        """The assessment in the asked currency, at one rate (``None`` if not asked)."""
        from penalties.conversion import ConvertedAssessment
        from rates.money import DEFAULT_ROUNDING

        result = self.assessment
        if result is None or self.rate is None:
            return None
        return ConvertedAssessment(result, self.rate.quote, self.rate, DEFAULT_ROUNDING)

    @property
    def tier_id(self) -> str | None:
        """The tier that applied, if any."""
        return self.template.tier.id if self.template and self.template.tier else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the row, the id, and the assessment (converted when asked) or error."""
        out: dict[str, Any] = {"row": self.row, "id": self.id}
        conversion = self.conversion
        if self.error is not None:
            out["error"] = self.error
        elif conversion is not None:
            out.update(conversion.to_dict())
        elif self.assessment is not None:
            out.update(self.assessment.to_dict())
        return out


class _Memo:
    """Classes of rows the law cannot tell apart, and the engine's answer for each."""

    def __init__(self, statute: Statute, resolve: Callable[[str], Statute]) -> None:
        self.statute = statute
        self.resolve = resolve
        self.points: dict[int, dict[str, list[Decimal]]] = {}
        self.days: dict[date, tuple[CompiledVersion | None, tuple[str, ...]]] = {}
        self.texts: dict[str, date | None] = {}
        self.answers: dict[tuple[Any, ...], Assessment] = {}

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

    def plain(self, row: Mapping[str, Any], plan: _Plan
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
                if lowered in _TRUE:
                    flags[name] = True
                    given.add(name)
                elif lowered not in _FALSE:
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
class _Plan:
    """How to read the columns of one header straight into a class key."""

    columns: tuple[tuple[str, _Kind], ...]
    order: tuple[str, ...]
    always: frozenset[str]
    flag_defaults: tuple[tuple[str, bool | None], ...]
    other: bool

    @classmethod
    def of(cls, header: tuple[str, ...]) -> _Plan:
        columns: list[tuple[str, _Kind]] = []
        for name in header:
            if name == "id":
                continue
            if name in _MONEY:
                kind = _Kind.MONEY
            elif name in _FLAGS:
                kind = _Kind.HISTORY_FLAG if name in HISTORY_DATES else _Kind.FLAG
            elif name == "offender":
                kind = _Kind.OFFENDER
            elif name == "offence_date":
                kind = _Kind.DATE
            elif name in _COUNTS or name == "times":
                kind = _Kind.COUNT
            else:
                kind = _Kind.ONLY_BLANK
            columns.append((name, kind))
        return cls(tuple(columns), tuple(n for n in _NAMES if n in header),
                   frozenset({"offender", "offence_date"}),
                   tuple(zip(_FLAG_ORDER, _FLAG_DEFAULTS, strict=True)),
                   other=any(n not in _FIELDS and n != "id" for n in header))


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


def assess_many(cases: Iterable[Facts | Mapping[str, Any]], provision: str | Statute, *,
                catalog: Catalog | None = None, to: str | None = None,
                rate_date: date | None = None, rate_source: str | None = None,
                today: date | None = None) -> Iterator[BatchResult]:
    """Assess each case under ``provision``, lazily, in order.

    Args:
        cases: ``Facts``, or mappings of fact names to values (text is accepted, as in CSV;
            an ``id`` key is passed through).
        provision: an id or alias, or a loaded statute.
        to: also convert every result into this currency, one rate per rate date.
        rate_date: the date of that rate (default: each case's offence date).
        rate_source: the rate source (default: the embedded snapshot).
    """
    from penalties.api import get_provision
    from penalties.catalog import default_catalog
    from penalties.conversion import input_converter
    from penalties.engine import assess_statute

    chosen = catalog or default_catalog()
    statute = provision if not isinstance(provision, str) else get_provision(provision, chosen)
    convert = input_converter(rate_source)
    memo = _Memo(statute, chosen.get)
    rates_by_day: dict[date, Rate] = {}
    target = None
    if to is not None:
        from rates.money import check_currency

        target = check_currency(to)
    plans: dict[tuple[str, ...], _Plan] = {}
    for number, case in enumerate(cases, start=1):
        ident = None
        try:
            figures = None
            found = None
            if not isinstance(case, Facts):
                raw_id = case.get("id")
                ident = None if raw_id in (None, "") else str(raw_id)
                columns = tuple(case)
                plan = plans.get(columns)
                if plan is None:
                    plan = plans[columns] = _Plan.of(columns)
                found = memo.plain(case, plan)
            day: date | None
            if found is not None:
                plain_key, figures = found
                cached = memo.answers.get(plain_key)
                day = memo.texts[case["offence_date"].strip()]  # type: ignore[index]
                if cached is None:
                    facts = facts_from_row(case)  # type: ignore[arg-type]
                    cached = memo.answers[plain_key] = assess_statute(
                        statute, facts, today, resolve=chosen.get, convert=convert)
                    exact = True
                else:
                    exact = False
            else:
                facts = case if isinstance(case, Facts) else facts_from_row(case)
                key = memo.key(facts, facts.given())
                cached = memo.answers.get(key) if key is not None else None
                exact = cached is None
                if cached is None:
                    cached = assess_statute(statute, facts, today, resolve=chosen.get,
                                            convert=convert)
                    if key is not None:
                        memo.answers[key] = cached
                elif figures is None:
                    figures = _figures(facts)
                day = facts.offence_date or cached.offence_date
            rate = None
            if target is not None and target != cached.provision.currency:
                on = rate_date or day or cached.offence_date
                rate = rates_by_day.get(on)
                if rate is None:
                    import rates

                    rate = rates.get_rate(cached.provision.currency, target, on,
                                          source=rate_source)
                    rates_by_day[on] = rate
            yield BatchResult(number, ident, case, cached, exact, rate, figures)
        except (PenaltyError, RateError) as exc:
            yield BatchResult(number, ident, error=str(exc))


def _figures(facts: Facts) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for name, kind in FACT_KINDS.items():
        if kind in ("money", "count"):
            value = getattr(facts, name)
            if isinstance(value, Amount):
                out[name] = value.value
            elif value is not None:
                out[name] = Decimal(value)
    return out
