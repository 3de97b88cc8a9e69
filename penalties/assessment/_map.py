"""The tier map of a fact: how the answer changes as one amount or count varies, the other
facts held fixed.

:func:`tier_map` asks the one engine (:func:`penalties.assess`) at each boundary the law in
force draws on the fact and once between each two, then joins neighbouring pieces that get
the same answer. A boundary keeps the inclusivity the text gives it: the engine's answer
*at* the boundary says which side it belongs to. Nothing here reads the law a second way:
a boundary is where a band of the version in force begins or ends
(:attr:`~penalties.statutes._statute.CompiledVersion.bounds`), and what applies on each
side is the engine's answer. A fact the law does not use, or that no boundary lies on, is
refused rather than mapped as one answer; when no tier applies anywhere, the map names the
facts not given that one may depend on (the engine's ``not_given``).

:func:`margins` (:mod:`penalties.assessment._margins`) reads a case's margins off its
maps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from penalties import _words as words
from penalties._errors import InvalidFacts
from penalties._facts import Facts
from penalties._facts import given as given_value
from penalties._values import Amount, day_option, read
from penalties.assessment._conversion import convert_figure, convert_result, rate_day, report_rate
from penalties.assessment._figures import Figure, InputConversion, conversion_json
from penalties.assessment._pieces import Piece, joined
from penalties.assessment._seen import AFTER_TODAY_NOTE
from rates.exact import Exact, quotient, total

if TYPE_CHECKING:
    from penalties._documents import SegmentDocument, TierMapDocument
    from penalties._html import Shown
    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import CompiledVersion, Statute
    from rates.model import Rate

__all__ = ["Segment", "TierMap", "tier_map"]

#: Most boundaries a map follows (the built-in files have at most a dozen per fact).
MAX_BOUNDARIES = 200


@dataclass(frozen=True, slots=True)
class Segment:
    """One interval of the fact with one answer: from ``low`` to ``high`` (``None``: no
    upper end), each end included or not as the law has it, in the statute's currency (or a
    count), the ends' ``converted`` twins when the map was converted, and the engine's answer
    at one value of it (``ranges_vary``: the ranges read the fact itself, and are those at
    that value, ``at``: the segment's lowest value, or one inside it when that is not
    its own; ``at_converted`` its twin)."""

    low: Decimal
    low_included: bool
    high: Decimal | None
    high_included: bool
    result: Assessment
    ranges_vary: bool = False
    low_converted: Figure | None = None
    high_converted: Figure | None = None
    #: When the ranges vary: the value of the fact whose answer the segment shows.
    at: Decimal | None = None
    at_converted: Figure | None = None

    @property
    def tier(self) -> str | None:
        """The tier's reference (``225(2)``), ``None`` when no tier applies."""
        return self.result.tier.ref if self.result.tier else None

    def contains(self, value: Exact | int) -> bool:
        """Whether ``value`` (in the statute's currency, or a count) lies in the segment."""
        low, high = self.low, self.high
        if value < low or (value == low and not self.low_included):
            return False
        return high is None or value < high or (value == high and self.high_included)

    def to_dict(self) -> SegmentDocument:
        """JSON-ready form: the ends (decimal strings) with their inclusivity and converted
        twins, the interval, the tier, the principal and additional penalties."""
        upper = None if self.high is None else (self.high, self.high_included)
        return {"low": str(self.low), "low_included": self.low_included,
                "high": None if self.high is None else str(self.high),
                "high_included": self.high_included,
                "low_converted": self.low_converted.to_dict() if self.low_converted else None,
                "high_converted": (self.high_converted.to_dict() if self.high_converted
                                   else None),
                "interval": words.interval((self.low, self.low_included), upper),
                "tier": self.result.tier.id if self.result.tier else None,
                "tier_ref": self.tier, "liable": self.result.liable,
                "ranges_vary": self.ranges_vary,
                "ranges_at": None if self.at is None else str(self.at),
                "principal": [p.to_dict() for p in self.result.principal],
                "additional": [p.to_dict() for p in self.result.additional]}


@dataclass(frozen=True, slots=True)
class TierMap:
    """The segments of one fact under one provision on one date, lowest first; ``currency``
    is the statute's for an amount, ``None`` for a count."""

    provision: str
    fact: str
    currency: str | None
    offence_date: date
    segments: tuple[Segment, ...]
    rate: Rate | None = None
    #: When no tier applies anywhere on the map: the facts a tier may depend on that were
    #: not given (the engine's :attr:`~penalties.Assessment.not_given`), else empty.
    not_given: tuple[str, ...] = ()
    #: The other facts given in another currency than the law's, as the engine converted
    #: them for every segment (:attr:`~penalties.Assessment.inputs`).
    inputs: tuple[InputConversion, ...] = ()
    #: The value the facts gave for the fact varied, as text: the map does not hold it (it
    #: shows every value), and says so; ``None`` when they gave none.
    not_held: str | None = None
    #: The notes about the date every segment shares (an offence date after today).
    notes: tuple[str, ...] = ()

    @property
    def untiered(self) -> bool:
        """Whether no tier applies anywhere on the map though the offender may be liable."""
        return _untiered(self.segments)

    def index_of(self, value: Exact | int) -> int:
        """The place of the segment ``value`` lies in."""
        return next(i for i, s in enumerate(self.segments) if s.contains(value))

    def to_dict(self) -> TierMapDocument:
        """The JSON document of ``penalties map --json`` (``schema_version`` 1)."""
        out: TierMapDocument = {"schema_version": 1, "provision": self.provision,
                                "fact": self.fact, "currency": self.currency,
                                "offence_date": self.offence_date.isoformat(),
                                "segments": [s.to_dict() for s in self.segments],
                                "not_given": list(self.not_given),
                                "inputs": [item.to_dict() for item in self.inputs]}
        if self.rate is not None:
            out["conversion"] = conversion_json(self.rate)
        if self.not_held is not None:
            out["not_held"] = self.not_held
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def _repr_html_(self) -> str:
        """The map in a notebook: what ``penalties map`` prints, as HTML in the
        environment's locale (:mod:`penalties._html`)."""
        from penalties._html import html, locale
        from penalties._text_map import tier_map as text

        return html(text(self, locale()))

    def __rich__(self) -> Shown:
        """The map as rich prints it for ``penalties map``, laid out for the console it is
        printed on."""
        from penalties._html import Shown, locale
        from penalties._text_map import tier_map as text

        return Shown(text(self, locale()))


def fact_named(statute: Statute, name: str) -> str:
    """An amount or count fact by its name or its option (``profit``: ``illicit_profit``)."""
    vocabulary = statute.vocabulary
    found = name if name in vocabulary else next(
        (f.name for f in vocabulary if f.option == name.replace("_", "-")), None)
    if found is None or vocabulary[found].kind not in ("amount", "count"):
        allowed = ", ".join(f.name for f in vocabulary if f.kind in ("amount", "count"))
        raise InvalidFacts("vary", f"{name!r} is not an amount or count fact", allowed)
    return found


def tier_map(provision: str | Statute, facts: Mapping[str, Any] | Facts,
             vary: str = "illicit_profit",
             *, catalog: Catalog | None = None, today: date | None = None, to: str | None = None,
             rate_date: date | None = None, rate_source: str | None = None,
             input_rate_date: date | None = None) -> TierMap:
    """The tier map of ``vary`` (a fact's name or option) for ``facts`` under ``provision``:
    every other fact held as given, the law in force on the offence date (or ``today``);
    with ``to``, every boundary and range also in that currency at one rate (for
    ``rate_date``, default the offence date). The arguments are those of
    :func:`penalties.assess`. A fact the law in force does not use for the offender (the
    engine's ``ignored``), or on which no boundary lies and no range reads it, is an
    :class:`~penalties.InvalidFacts` naming the facts that could be varied instead. When no
    tier applies anywhere on the map, :attr:`TierMap.not_given` names the facts the law may
    need that were not given (the engine's ``not_given``).

    >>> found = tier_map("vn-225", {"offender": "person", "offence_date": "2018-03-19"})
    >>> [(s.tier, str(s.low), s.low_included) for s in found.segments][:2]
    [(None, '0', True), ('225(1)', '50000000', True)]
    """
    from penalties._api import assess
    from penalties.assessment._conversion import input_rate_unused
    from penalties.statutes._catalog import default_catalog

    rate_date = rate_day(rate_date, to)  # refused without ``to``: it would seem used
    input_day = day_option("input_rate_date", input_rate_date)
    chosen = catalog if catalog is not None else default_catalog()
    statute = chosen.get(provision) if isinstance(provision, str) else provision
    name = fact_named(statute, vary)
    given = facts.given() if isinstance(facts, Facts) else facts  # as assess takes either
    fixed = {k: v for k, v in given.items() if k != name}
    fact = statute.vocabulary[name]
    money = fact.kind == "amount"
    lowest = Decimal(0) if money else Decimal(fact.low)
    currency = statute.currency

    def at(value: Decimal) -> Assessment:
        given: object = Amount(value, currency) if money else int(value)
        return assess(statute, {**fixed, name: given}, catalog=chosen, today=today,
                      rate_source=rate_source, input_rate_date=input_day)

    first = at(lowest)
    law = chosen.get(first.provision.id)
    currency = law.currency  # a predecessor in another currency: its own amounts
    version = law.version_on(first.provision.version)
    bounds = {b for b, _ in version.bounds.get(name, ())}
    if fact.kind == "count" and fact.flag is not None:
        # A count that stands for a flag when the flag is not given (the engine's rule:
        # the flag holds from one on): its answer may change there, so the map asks there.
        bounds.add(Decimal(1))
    _check_varied(law, version, first, name, bounds)
    points = sorted(b for b in bounds if b > lowest)
    if len(points) > MAX_BOUNDARIES:
        raise InvalidFacts("vary", f"{name} has {len(points)} boundaries under {law.id}",
                           f"at most {MAX_BOUNDARIES}")
    pieces: list[Piece] = []
    edges = [lowest, *points]
    for i, low in enumerate(edges):
        high = edges[i + 1] if i + 1 < len(edges) else None
        if i == 0 and lowest not in bounds:  # the lowest value is like those above it
            pieces.append((low, True, high, False, first))
            continue
        pieces.append((low, True, low, True, first if i == 0 else at(low)))  # the boundary
        inside = _inside(low, high, money)
        if inside is not None:
            pieces.append((low, False, high, False, at(inside)))
    rate = (report_rate(currency, to, first.offence_date if rate_date is None else rate_date,
                        rate_source)
            if to is not None and money else None)
    vary_ranges = name in version.exact_facts
    segments = tuple(_segment(piece, name if vary_ranges else None, currency, rate)
                     for piece in joined(pieces))
    held = given_value(fact, read(fact, given[name])) if name in given else None
    return TierMap(law.id, name, currency if money else None, first.offence_date, segments, rate,
                   _not_given(segments, name), first.inputs, None if held is None else str(held),
                   tuple(n for n in first.notes if n == AFTER_TODAY_NOTE or (
                       input_day is not None and n == input_rate_unused(input_day, currency))))


def _check_varied(law: Statute, version: CompiledVersion, first: Assessment, name: str,
                  bounds: set[Decimal]) -> None:
    """Refuse to vary a fact the map could say nothing about: one the engine says the law
    does not use for this offender (``ignored``), or one no boundary lies on and no range
    reads (the answer cannot change with it: the map would be one segment pretending)."""
    unused = name in first.ignored
    if not unused and (bounds or name in version.exact_facts):
        return
    vocabulary = law.vocabulary
    used = version.used_facts.get(first.offender, frozenset())
    drawn = set(version.bounds) | version.exact_facts | {
        f.name for f in vocabulary if f.flag is not None and f.flag in used}
    allowed = ", ".join(f.name for f in vocabulary if f.kind in ("amount", "count")
                        and f.name in drawn and (f.name in used or f.flag in used)
                        and f.name != name)
    why = "is not used by" if unused else "draws no boundary and no range reads it under"
    raise InvalidFacts("vary", f"{name} {why} {law.id} (offender {first.offender.value}, law "
                       f"in force on {first.offence_date.isoformat()}): the answer does not "
                       "vary with it", allowed or "none: no amount or count decides its tiers")


def _not_given(segments: tuple[Segment, ...], name: str) -> tuple[str, ...]:
    """When no tier applies anywhere on the map though the offender may be liable: the facts
    the engine says a tier may depend on that were not given, the varied one aside."""
    if not _untiered(segments):
        return ()
    found = dict.fromkeys(f for s in segments for f in s.result.not_given if f != name)
    return tuple(found)


def _untiered(segments: tuple[Segment, ...]) -> bool:
    """No tier on any segment, and liability on one at least (:attr:`TierMap.untiered`)."""
    return all(s.result.tier is None for s in segments) and any(
        s.result.liable for s in segments)


def _inside(low: Decimal, high: Decimal | None, money: bool) -> Decimal | None:
    """A value strictly between two boundaries (``None`` when two counts are adjacent)."""
    above = total(low, 1)  # exact, in the library's context, whatever the caller's
    assert isinstance(above, Decimal)
    if high is None:
        return above
    if money:
        middle = quotient(total(low, high), Decimal(2))  # halving a decimal ends: a Decimal
        assert isinstance(middle, Decimal)
        return middle
    return above if above < high else None


def _segment(piece: Piece, vary: str | None, currency: str, rate: Rate | None) -> Segment:
    """A joined piece as a segment; ``vary``: the fact varied, when the ranges read it (the
    segment then names the value its answer was asked at)."""
    low, low_in, high, high_in, result = piece
    held = result.facts.get(vary) if vary else None
    at = None if held is None else held.value if isinstance(held, Amount) else Decimal(held)
    if rate is None:
        return Segment(low, low_in, high, high_in, result, vary is not None, at=at)
    twin = convert_figure(Figure(low, currency), rate)
    high_twin = convert_figure(Figure(high, currency), rate) if high is not None else None
    at_twin = convert_figure(Figure(at, currency), rate) if at is not None else None
    return Segment(low, low_in, high, high_in, convert_result(result, rate), vary is not None,
                   twin.converted if twin else None, high_twin.converted if high_twin else None,
                   at, at_twin.converted if at_twin else None)

