"""A tier map and a case's margins as text for people (what ``penalties map`` and
``penalties assess`` print); the phrases are :mod:`penalties._words`'."""

from __future__ import annotations

from typing import TYPE_CHECKING

from penalties import _words as words
from penalties._text import Table, Text

if TYPE_CHECKING:
    from decimal import Decimal

    from penalties.assessment._figures import Figure
    from penalties.assessment._map import Margin, Segment, TierMap

__all__ = ["margin_lines", "tier_map"]


def _end(value: Decimal, converted: Figure | None, currency: str | None, locale: str) -> str:
    if currency is None:
        return words.number(value)
    text = words.money(value, currency, locale, exact=True)
    if converted is not None:
        text += f" (≈ {words.figure(converted, locale)})"
    return text


def _interval(segment: Segment, currency: str | None, locale: str) -> str:
    low = _end(segment.low, segment.low_converted, currency, locale)
    if segment.high is None:
        return f"{low} or more" if segment.low_included else f"more than {low}"
    high = _end(segment.high, segment.high_converted, currency, locale)
    if segment.low == segment.high:
        return f"exactly {low}"
    start = "from" if segment.low_included else "above"
    end = "to" if segment.high_included else "below"
    return f"{start} {low} {end} {high}"


def tier_map(found: TierMap, locale: str) -> Text:
    """The segments of a tier map, lowest first: the interval with its inclusivity, the
    tier, and the principal penalties on it."""
    rows = []
    for segment in found.segments:
        result = segment.result
        tier = segment.tier or ("not liable" if not result.liable else "none")
        principal = words.joiner(result.principal_rule).join(
            words.range_line(p, locale) for p in result.principal) or "-"
        if segment.ranges_vary:
            principal += " (at a value inside; the ranges read the fact)"
        rows.append((_interval(segment, found.currency, locale), tier, principal))
    out: Text = [f"{found.provision}: {found.fact}, the other facts held; law in force on "
                 f"{found.offence_date.isoformat()}",
                 Table((found.fact, "tier", "principal penalties"), tuple(rows))]
    if found.rate is not None:
        out.append(f"Converted at {words.rate(found.rate)}. {found.rate.attribution}")
    return out


def margin_lines(margins: tuple[Margin, ...]) -> list[str]:
    """One line per fact: how much more reaches the next answer, how much less the
    previous one."""
    return [f"Margin: {' ; '.join(part for part in (m.up, m.down) if part)}"
            for m in margins if m.up or m.down]
