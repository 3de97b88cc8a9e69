"""A tier map and a case's margins as text for people (what ``penalties map`` and
``penalties assess`` print); the phrases are :mod:`penalties._words`' (an interval of the
map is worded as any band, by :func:`penalties._words.band`), the figures for the reader's
locale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from penalties import _words as words
from penalties._text import Table, Text

if TYPE_CHECKING:
    from decimal import Decimal

    from penalties.assessment._figures import Figure
    from penalties.assessment._map import Segment, TierMap
    from penalties.assessment._margins import Margin

__all__ = ["margin_lines", "tier_map", "unanswered"]


def _end(value: Decimal, converted: Figure | None, currency: str | None, locale: str) -> str:
    """An end of an interval: every digit, in the law's currency (or a count), with its
    converted twin when the map was converted."""
    if currency is None:
        return words.local_number(value, locale)
    text = words.exact_money(value, currency, locale)
    if converted is not None:
        text += f" (≈ {words.figure(converted, locale)})"
    return text


def _interval(segment: Segment, currency: str | None, locale: str) -> str:
    """A segment's interval in the words of a band (``from ₫50,000,000 to under
    ₫300,000,000``); one value alone: ``exactly ...``."""
    ends = {segment.low: segment.low_converted}
    if segment.high is not None:
        if segment.high == segment.low:
            return f"exactly {_end(segment.low, segment.low_converted, currency, locale)}"
        ends[segment.high] = segment.high_converted
    upper = None if segment.high is None else (segment.high, segment.high_included)
    return words.band((segment.low, segment.low_included), upper, currency is not None,
                      currency or "", lambda value: _end(value, ends[value], currency, locale))


def unanswered(found: TierMap) -> str | None:
    """When no tier applies anywhere on the map: that, and the facts a tier may depend on
    that were not given (as ``penalties assess`` says them); else ``None``."""
    if not found.untiered:
        return None
    text = f"No tier applies anywhere on this map of {found.fact}."
    if found.not_given:
        text += f" Not given (a tier may depend on them): {', '.join(found.not_given)}"
    return text


def tier_map(found: TierMap, locale: str) -> Text:
    """The segments of a tier map, lowest first: the interval with its inclusivity, the
    tier, and the principal penalties on it; when no tier applies anywhere, the facts not
    given that one may depend on."""
    rows = []
    for segment in found.segments:
        result = segment.result
        tier = segment.tier or ("not liable" if not result.liable else "none")
        value = segment.at if segment.ranges_vary else None  # the ranges reckoned there
        principal = words.joiner(result.principal_rule).join(  # each with its reckoning
            words.range_line(p, locale) + (f" [{'; '.join(p.basis)}]" if value is not None
                                           and p.basis else "") for p in result.principal) or "-"
        if value is not None:
            at = _end(value, segment.at_converted, found.currency, locale)
            principal = f"at {found.fact} {at} (the ranges read it): {principal}"
        rows.append((_interval(segment, found.currency, locale), tier, principal))
    out: Text = [f"{found.provision}: {found.fact}, the other facts held; law in force on "
                 f"{found.offence_date.isoformat()}",
                 Table((found.fact, "tier", "principal penalties"), tuple(rows))]
    if (missing := unanswered(found)) is not None:
        out.append(missing)
    out += [f"Note: {note}" for note in found.notes]
    out += [f"Input: {words.input_conversion(item, locale)}" for item in found.inputs]
    if found.rate is not None:
        out.append(f"Converted at {words.rate(found.rate, locale)}. {found.rate.attribution}")
    return out


def margin_lines(margins: tuple[Margin, ...], locale: str | None = None) -> list[str]:
    """One line per fact: how much more reaches the next answer, how much less the
    previous one, the figures for ``locale`` (locale-neutral without one)."""
    return [f"Margin: {m.line(locale)}" for m in margins if m.changes]
