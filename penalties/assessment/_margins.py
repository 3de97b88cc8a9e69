"""A case's margins: for each amount or count it gives, how far its figure is from the next
change of the answer above it and below it (:class:`MarginChange`), read off the fact's tier
map (:func:`penalties.assessment._map.tier_map`, the engine's answers).

A gap is exact, in the law's currency, from the figure the engine's tests used (an amount
given in another currency: its exact input conversion, never a second one), and converted
once at the result's one rate and at the input's, each rounded once when shown, **up**
(away from the figure: :data:`rates.money.MARGIN_ROUNDING`), so that a change of the amount shown
always reaches the target: a gap of USD 1,225.8825… is ≈ USD 1,225.89, never the USD
1,225.88 that falls short.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from penalties import _words as words
from penalties._errors import InvalidFacts
from penalties._values import Amount
from penalties.assessment._conversion import convert_figure, report_rate
from penalties.assessment._figures import SHOWN_DIGITS, Figure
from penalties.assessment._map import Segment, TierMap, tier_map
from rates.exact import Exact, as_fraction, decimal_text, product, total
from rates.money import MARGIN_ROUNDING, check_currency

if TYPE_CHECKING:
    from penalties._documents import MarginChangeDocument, MarginDocument
    from penalties.assessment._figures import InputConversion
    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from rates.model import Rate

__all__ = ["Margin", "MarginChange", "margins"]


@dataclass(frozen=True, slots=True)
class MarginChange:
    """The smallest change of a case's figure of one fact that changes the answer:
    ``direction`` ``"up"`` (a raise, to the next segment of the map) or ``"down"`` (a cut,
    to the previous one), to ``target``.

    ``gap`` is the distance from the figure to ``boundary`` (where ``target`` begins or the
    figure's own segment begins), exact, in the law's currency (``currency``; ``None`` for a
    count). When ``included`` (the boundary belongs to ``target``) a change of ``gap``
    suffices; otherwise it takes more than ``gap`` (any change, when ``gap`` is 0).
    ``converted`` is the gap at the result's one rate, in its other currency; ``as_given``
    the gap in the currency the fact was given in, at the rate of its input conversion
    (when it was given in another currency than the law's, and that is not ``converted``
    already). Both are rounded once when shown, up (see the module)."""

    direction: Literal["up", "down"]
    fact: str
    gap: Exact
    currency: str | None
    boundary: Decimal
    included: bool
    target: Segment
    converted: Figure | None = None
    as_given: Figure | None = None

    def text(self, locale: str | None = None) -> str:
        """The change in words, its figures for ``locale`` (locale-neutral without one):
        ``VND 50,000,000 (≈ USD 2,225.88) more illicit_profit reaches 225(2)``; ``more than
        ...`` when the boundary belongs to the figure's own side; ``any less ...`` on it
        (``fewer`` for a count)."""
        result = self.target.result
        reached = self.target.tier or ("not liable" if not result.liable else "no tier")
        fewer = "less" if self.currency is not None else "fewer"  # an amount, or a count
        head = (f"more {self.fact} reaches {reached}" if self.direction == "up"
                else f"{fewer} {self.fact} falls to {reached}")
        if not self.gap and not self.included:
            return f"any {head}"
        past = "" if self.included else "more than "
        return f"{past}{self._shown(locale)} {head}"

    def _shown(self, locale: str | None) -> str:
        """The gap, every digit, in the law's currency (or a count), with its twins."""
        gap, currency = self.gap, self.currency
        if currency is None:
            text = words.local_number(gap, locale) if locale else words.number(gap)
        else:
            text = words.exact_money(gap, currency, locale) if locale else words.amount(
                gap, currency)
        twins = [f"≈ {words.figure(self.converted, locale)}"] if self.converted else []
        if self.as_given is not None:
            twins.append(f"≈ {words.figure(self.as_given, locale)} at the input's rate")
        return text + (f" ({'; '.join(twins)})" if twins else "")


    def to_dict(self) -> MarginChangeDocument:
        """JSON-ready form: the gap as exact decimal text and, for money, as an amount of a
        result (rounded once, with its converted twin), the boundary, the target, the
        text (locale-neutral)."""
        digits, exact = decimal_text(self.gap, SHOWN_DIGITS)
        amount = (Figure(self.gap, self.currency, converted=self.converted).to_dict()
                  if self.currency is not None else None)
        target = self.target
        return {"direction": self.direction, "gap": digits, "gap_exact": exact,
                "currency": self.currency, "amount": amount,
                "as_given": self.as_given.to_dict(unrounded=False) if self.as_given else None,
                "boundary": decimal_text(self.boundary)[0],
                "boundary_included": self.included,
                "tier": target.result.tier.id if target.result.tier else None,
                "tier_ref": target.tier, "liable": target.result.liable,
                "text": self.text()}


@dataclass(frozen=True, slots=True)
class Margin:
    """How far a case's figure of one fact is from the next answer above it and the
    previous one below it: ``changes``, the raise first; :attr:`up` and :attr:`down` in
    words (``None`` where there is none)."""

    fact: str
    changes: tuple[MarginChange, ...]

    def _said(self, direction: str) -> str | None:
        return next((c.text() for c in self.changes if c.direction == direction), None)

    @property
    def up(self) -> str | None:
        """The smallest raise that changes the answer, in words (locale-neutral)."""
        return self._said("up")

    @property
    def down(self) -> str | None:
        """The smallest cut that changes the answer, in words (locale-neutral)."""
        return self._said("down")

    def line(self, locale: str | None = None) -> str:
        """Both changes in words, their figures for ``locale``, ``" ; "`` between."""
        return " ; ".join(c.text(locale) for c in self.changes)

    def to_dict(self) -> MarginDocument:
        """JSON-ready form: ``up`` and ``down`` in words, and each change structured."""
        return {"fact": self.fact, "up": self.up, "down": self.down,
                "changes": [c.to_dict() for c in self.changes]}


def margins(result: Assessment, *, catalog: Catalog | None = None, to: str | None = None,
            rate_source: str | None = None) -> tuple[Margin, ...]:
    """For each amount or count the case of ``result`` gives, how much more reaches the next
    answer and how much less the previous one: ``VND 50,000,000 more illicit_profit (≈ USD
    2,001.77) reaches 225(2)``.

    The figure of an amount given in another currency than the law's is the engine's own
    exact conversion of it (:attr:`Assessment.inputs
    <penalties.assessment._results.Assessment.inputs>`), and its gaps are also given in
    that currency at that conversion's rate. The gaps are converted at the result's one
    rate when it was converted (else, with ``to``, at the rate for its offence date); the
    other facts are held as the case gives them, amounts in another currency converted as
    the case's were (the same rate date)."""
    law_currency = result.provision.currency
    rate = result.rate
    if to is not None and (rate is None or rate.quote != check_currency(to)):
        rate = report_rate(law_currency, to, result.offence_date, rate_source)
    inputs = {item.fact: item for item in result.inputs}
    input_rate_date = next((item.rate.asked_for for item in result.inputs), None)
    out = []
    for name, value in result.facts.items():
        item = inputs.get(name)
        figure: Exact | int
        if name in ("offender", "offence_date") or name in result.ignored:
            continue
        if item is not None:
            figure = item.value  # the engine's exact conversion: the figure its tests used
        elif type(value) is int or (isinstance(value, Amount) and value.currency in (
                None, law_currency)):
            figure = value.value if isinstance(value, Amount) else value
        else:
            continue
        try:
            found = tier_map(result.provision.id, result.facts, name, catalog=catalog,
                             today=result.offence_date, rate_source=rate_source,
                             input_rate_date=input_rate_date)
        except InvalidFacts as exc:
            if exc.field != "vary":
                raise
            continue  # a fact the map cannot vary (see tier_map): no margin to give
        if len(found.segments) < 2:
            continue
        index = found.index_of(figure)
        changes = (_up(found, index, figure), _down(found, index, figure))
        out.append(Margin(name, tuple(_twins(c, rate, item) for c in changes if c)))
    return tuple(out)


def _twins(change: MarginChange, rate: Rate | None, item: InputConversion | None
           ) -> MarginChange:
    """``change`` with its gap converted once at ``rate`` and, for a fact given in another
    currency, at the inverse of its input conversion's rate (unless that is the same
    figure already)."""
    if change.currency is None:
        return change
    # rounded up, away from the figure: a change of the amount shown always suffices
    figure = Figure(change.gap, change.currency, MARGIN_ROUNDING)
    twin = convert_figure(figure, rate) if rate is not None else None
    given = convert_figure(figure, item.rate.inverse()) if item is not None else None
    converted = twin.converted if twin else None
    as_given = given.converted if given else None
    if converted is not None and as_given is not None and (
            converted.currency == as_given.currency
            and as_fraction(converted.exact) == as_fraction(as_given.exact)):
        as_given = None
    return replace(change, converted=converted, as_given=as_given)


def _difference(high: Exact | int, low: Exact | int) -> Exact:
    """``high - low`` exactly, in the library's context (never the caller's)."""
    return total(high, product(low, -1))


def _up(found: TierMap, index: int, value: Exact | int) -> MarginChange | None:
    """The smallest raise that changes the answer: to the next segment's low end (past it,
    when the end is excluded)."""
    if index + 1 >= len(found.segments):
        return None
    target = found.segments[index + 1]
    return MarginChange("up", found.fact, _difference(target.low, value), found.currency,
                        target.low, target.low_included, target)


def _down(found: TierMap, index: int, value: Exact | int) -> MarginChange | None:
    """The smallest cut that changes the answer: below this segment's low end (to it, when
    the end is excluded); any cut on an included low end."""
    if index == 0:
        return None
    here, target = found.segments[index], found.segments[index - 1]
    return MarginChange("down", found.fact, _difference(value, here.low), found.currency,
                        here.low, not here.low_included, target)
