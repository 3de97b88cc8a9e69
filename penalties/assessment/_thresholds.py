"""Every boundary of a provision: the amounts and counts at which its tiers begin and end.

This answers "from what profit is a company liable under Art. 225?" straight from the data,
in the statute's own currency, with the clause and the inclusivity of each bound, and, with
``to=``, every amount also in another currency at one stated rate.

>>> from penalties import get_provision
>>> table = thresholds(get_provision("vn-225"))
>>> first = next(r for r in table if r.subject == "person" and r.fact == "illicit_profit")
>>> first.ref, first.words
('225(1)', 'from VND 50,000,000 to under VND 300,000,000')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, NotRequired, TypedDict

from penalties import _words as words
from penalties._documents import ConversionBlock
from penalties._errors import NoVersionInForce
from penalties._values import day_option
from penalties.assessment._conversion import convert_figure, rate_day, report_rate
from penalties.assessment._figures import Figure, FigureDocument, conversion_json
from penalties.statutes._compile_triggers import facts_of
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
)
from rates import lookback
from rates.exact import Exact

if TYPE_CHECKING:
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["BandKeys", "Threshold", "ThresholdDocument", "Thresholds", "ThresholdsDocument",
           "thresholds"]


class BandKeys(TypedDict, total=False):
    """The bounds of a band (amounts, or counts; null: none) with their inclusivity."""

    lower: FigureDocument | int | None
    lower_included: bool
    upper: FigureDocument | int | None
    upper_included: bool
    interval: str


class ThresholdDocument(BandKeys):
    """One trigger of one tier: a band of an amount or a count (its bounds, kind "band"), a
    true/false fact ("flag"), a choice ("value"), the act committed ("act", fact ``act``),
    any case of the provision ("always": the act it punishes, fact ``act``) or a trigger
    that must not hold ("none": one row for each of a "none of"); condition names what must
    also hold."""

    subject: str
    tier: str
    tier_ref: str
    ref: str
    fact: str
    kind: str
    words: str
    condition: str | None


class ThresholdsDocument(TypedDict):
    """Every boundary of one version of a provision (penalties thresholds --json)."""

    schema_version: Literal[1]
    provision: str
    version: str
    on: str | None
    currency: str
    thresholds: list[ThresholdDocument]
    conversion: NotRequired[ConversionBlock]


@dataclass(frozen=True, slots=True)
class Threshold:
    """One trigger of one tier: a band of a quantity, a true/false fact, a choice, the act
    committed, any case of the provision, or a trigger that must not hold (``kind``: band,
    flag, value, act, always, none).

    ``condition`` is ``None`` when the trigger selects the tier on its own, else it names
    what must also hold (e.g. a prior penalty for the second limb of Art. 225(4)(a)).
    ``low`` and ``high`` are the bounds of a money band as figures (with their converted
    amounts when the table was converted).
    """

    subject: str
    tier: str
    tier_ref: str
    ref: str
    fact: str
    kind: str
    words: str
    lower: Decimal | None = None
    lower_included: bool = True
    upper: Decimal | None = None
    upper_included: bool = False
    currency: str | None = None
    condition: str | None = None
    low: Figure | None = None
    high: Figure | None = None
    #: The triggers of ``condition``, for wording it in a locale (:mod:`penalties._text`).
    also: tuple[Node, ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> ThresholdDocument:
        """JSON-ready form; bounds are money objects for amounts, numbers for counts."""

        def bound(value: Decimal | None, figure: Figure | None) -> FigureDocument | int | None:
            if value is None:
                return None
            return figure.to_dict() if figure is not None else int(value)

        band: BandKeys = {}
        if self.kind == "band":
            lower = (self.lower, self.lower_included) if self.lower is not None else None
            upper = (self.upper, self.upper_included) if self.upper is not None else None
            band = {"lower": bound(self.lower, self.low), "lower_included": self.lower_included,
                    "upper": bound(self.upper, self.high),
                    "upper_included": self.upper_included,
                    "interval": words.interval(lower, upper)}
        return {"subject": self.subject, "tier": self.tier, "tier_ref": self.tier_ref,
                "ref": self.ref, "fact": self.fact, "kind": self.kind, "words": self.words,
                **band, "condition": self.condition}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The boundaries of one version of a provision (iterable over its rows): ``version``
    is its first day, ``on`` the date it was chosen for (``None``: none given, the latest
    version)."""

    statute: Statute
    version: date
    rows: tuple[Threshold, ...]
    rate: Rate | None = None
    on: date | None = None

    def __iter__(self) -> Iterator[Threshold]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def figures(self) -> dict[Exact, Figure]:
        """The bounds of the money bands as figures, by value (their converted amounts with
        them when the table was converted)."""
        return {f.exact: f for r in self.rows for f in (r.low, r.high) if f is not None}

    def to_dict(self) -> ThresholdsDocument:
        """The JSON document of ``penalties thresholds --json`` (``schema_version`` 1)."""
        out: ThresholdsDocument = {"schema_version": 1, "provision": self.statute.id,
                                   "version": self.version.isoformat(),
                                   "on": None if self.on is None else self.on.isoformat(),
                                   "currency": self.statute.currency,
                                   "thresholds": [r.to_dict() for r in self.rows]}
        if self.rate is not None:
            out["conversion"] = conversion_json(self.rate)
        return out


def thresholds(provision: str | Statute, on: date | None = None, to: str | None = None,
               rate_source: str | None = None, *, catalog: Catalog | None = None,
               rate_date: date | None = None) -> Thresholds:
    """The triggers of every tier of the version in force ``on`` (default: the latest) of
    ``provision`` (an id or alias of ``catalog``, as :func:`~penalties.assess` takes it, or
    a statute); with ``to``, every amount also in that currency at the rate for
    ``rate_date`` (default: ``on``, else today; a later law applied to an earlier offence
    is in force on a later day than the offence, whose rate an assessment uses). A date no
    version covers is :class:`~penalties.NoVersionInForce`, naming the predecessor or
    successor in force then, if the statute has one."""
    from penalties.statutes._catalog import default_catalog
    from rates.sources import check_source

    check_source(rate_source)  # refused even when nothing is converted
    on = day_option("on", on)  # text read, empty refused (it was the latest version)
    rate_date = rate_day(rate_date, to)  # refused without ``to``: it would seem used
    statute = provision if not isinstance(provision, str) else (
        catalog if catalog is not None else default_catalog()).get(provision)
    try:
        version = statute.version_on(on) if on is not None else statute.versions[-1]
    except NoVersionInForce as exc:  # say which law then was, as assess would choose it
        assert on is not None
        before = on < statute.versions[0].effective_from
        link = statute.model.predecessor if before else statute.model.successor
        if link is None:
            raise
        raise NoVersionInForce(statute.id, exc.on, f"{exc.coverage}; on that date: its "
                               f"{'predecessor' if before else 'successor'} {link}") from None
    rows: list[Threshold] = []
    for subject, tiers in version.tiers.items():
        for tier in reversed(tiers):
            _walk(tier.node, (subject.value, tier.model.id, tier.ref), statute.currency, (),
                  rows)
    day = rate_date if rate_date is not None else on if on is not None else lookback.today()
    rate = report_rate(statute.currency, to, day, rate_source) if to is not None else None
    if rate is not None:
        rows = [replace(r, low=convert_figure(r.low, rate), high=convert_figure(r.high, rate))
                for r in rows]
    return Thresholds(statute, version.effective_from, tuple(rows), rate, on)


def _walk(node: Node, where: tuple[str, str, str], currency: str, also: tuple[Node, ...],
          rows: list[Threshold]) -> None:
    ref = clause_of(node.ref)
    condition = " and ".join(words.node(n) for n in also) or None
    if isinstance(node, FlagNode):
        rows.append(Threshold(*where, ref, node.fact, "flag", "is true", condition=condition,
                              also=also))
    elif isinstance(node, ChoiceNode):
        rows.append(Threshold(*where, ref, node.fact, "value", f"is {node.value!r}",
                              condition=condition, also=also))
    elif isinstance(node, BandNode):
        low, up = node.lower, node.upper
        money = currency if node.money else None
        rows.append(Threshold(
            *where, ref, node.fact, "band", node.words,
            lower=low[0] if low else None, lower_included=low[1] if low else True,
            upper=up[0] if up else None, upper_included=up[1] if up else False,
            currency=money, condition=condition,
            low=Figure(low[0], currency) if low and money else None,
            high=Figure(up[0], currency) if up and money else None, also=also,
        ))
    elif isinstance(node, ActNode):
        rows.append(Threshold(*where, ref, "act", "act", f"is {node.act!r}: {node.words}",
                              condition=condition, also=also))
    elif isinstance(node, AlwaysNode):  # any case of the provision: the act it punishes
        said = f"any case ({node.label})" if node.label else "any case of the provision"
        rows.append(Threshold(*where, ref, "act", "always", said, condition=condition,
                              also=also))
    elif isinstance(node, NoneNode):  # each of its triggers must not hold: one row each
        for i, child in enumerate(node.children):
            others = tuple(c for j, c in enumerate(node.children) if j != i)
            rest = (*also, NoneNode(node.ref, None, others, " or ".join(
                words.node(c) for c in others))) if others else also  # worded as compiled
            said = "does not hold" if isinstance(child, FlagNode) else (
                f"does not hold: {words.node(child)}")
            rows.append(Threshold(*where, ref, ", ".join(sorted(facts_of(child))) or "act",
                                  "none", said, also=rest,
                                  condition=" and ".join(words.node(n) for n in rest) or None))
    elif isinstance(node, AnyNode):
        for child in node.children:
            _walk(child, where, currency, also, rows)
    elif isinstance(node, AllNode):
        for i, child in enumerate(node.children):
            others = tuple(c for j, c in enumerate(node.children) if j != i)
            _walk(child, where, currency, also + others, rows)
