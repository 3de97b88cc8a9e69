"""Words for the law's rules: penalty ranges and their kinds, "one of" and "one or more",
a range as the statute writes it, a trigger tree, an assessment in one line. Part of
:mod:`penalties._words`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from penalties._words._numbers import Formatter, amount, computed, figure, months, number
from rates.exact import Exact, decimal_text

if TYPE_CHECKING:
    from penalties.assessment._figures import PenaltyRange
    from penalties.assessment._results import Assessment
    from penalties.statutes._ranges import BoundSpec, RangeSpec, TermSpec
    from penalties.statutes._triggers import BandNode, Node

__all__ = ["additional_cell", "bound", "bound_cells", "evaluated", "factor", "golden_cases",
           "joiner", "kind", "node", "origin", "outline", "principal_rule", "range_ends",
           "range_line", "range_name", "range_spec", "summary", "term"]



def principal_rule(rule: str) -> str:
    """``one_of`` → "one of" (the court picks exactly one), ``any_of`` → "one or more",
    ``all_of`` → "all of" (each is imposed)."""
    return {"one_of": "one of", "all_of": "all of"}.get(rule, "one or more")


def joiner(rule: str) -> str:
    """How principal penalties are joined in one line: " or " / " and/or " / " and "."""
    return {"one_of": " or ", "all_of": " and "}.get(rule, " and/or ")


def origin(amended_by: str | None, enacted_by: str | None) -> str:
    """Where a version's text comes from, after its dates: ``, amended by Law 12/2017/QH14``
    or ``, enacted by Regulation (EU) 2016/679``; empty when the file does not say."""
    if enacted_by:
        return f", enacted by {enacted_by}"
    return f", amended by {amended_by}" if amended_by else ""


def kind(name: str) -> str:
    """A penalty kind for people: ``community sentence``."""
    return name.replace("_", " ")


def range_ends(item: PenaltyRange, locale: str | None = None) -> tuple[str, str]:
    """The two ends of a range as people read them (with the converted amounts); a maximum
    that is the greatest of the terms that could be computed is ``at least`` it (GDPR's
    share of a turnover not given, 18 U.S.C. 3571(d)'s twice the gain)."""
    if item.is_money:
        low = figure(item.low, locale) if item.low else "no minimum"
        high = figure(item.high, locale) if item.high else "no maximum"
        if item.high_is_floor:
            high = f"at least {high}"
    else:
        low = months(item.min_months) if item.min_months is not None else "no minimum"
        high = months(item.max_months) if item.max_months is not None else "no maximum"
    if item.min_source:
        low += f" ({item.min_source})"
    return low, high


def highest(item: PenaltyRange, locale: str | None = None) -> str:
    """A money range's maximum as a comparison shows it, with what qualifies it: ``at
    least`` when a term of it could not be computed (a fact not given: GDPR's share of a
    turnover, 18 U.S.C. 3571(d)'s twice the gain), ``per work`` when it is per item with no
    count given, the kind when it is not a fine (``statutory damages``)."""
    high = range_ends(item, locale)[1]
    if item.per and item.per_count is None:
        high += f" per {item.per.rstrip('s')}"
    return high if item.kind == "fine" else f"{high} ({kind(item.kind)})"


def range_name(item: PenaltyRange) -> str:
    """The first cell of a range's row: its kind and conditions."""
    name = kind(item.kind)
    if item.only_with_principal:
        name += f" (only with {', '.join(item.only_with_principal)})"
    if item.per:
        name += f" (per {item.per.rstrip('s')}" + (
            f", × {item.per_count})" if item.per_count is not None else ")")
    return name


def range_line(item: PenaltyRange, locale: str | None = None) -> str:
    """A range on one line: ``fine ₫300,000,000 to ₫1,000,000,000``."""
    low, high = range_ends(item, locale)
    return f"{kind(item.kind)} {low} to {high}"


def bound_cells(item: PenaltyRange) -> tuple[str, str]:
    """The two ends of a range as batch cells: the rounded amounts or the months."""
    if item.is_money:
        return (format(item.low.amount, "f") if item.low else "",
                format(item.high.amount, "f") if item.high else "")
    return (decimal_text(item.min_months)[0] if item.min_months is not None else "",
            decimal_text(item.max_months)[0] if item.max_months is not None else "")


def additional_cell(items: Iterable[PenaltyRange]) -> str:
    """The ``additional`` cell of a batch row: ``occupation_ban 12-60 months [225(3)]``,
    with the principal penalties a penalty may only accompany (``fine 20000000-200000000
    VND (only with imprisonment) [225(3)]``)."""
    parts = []
    for item in items:
        low, high = bound_cells(item)
        unit = f" {item.high.currency}" if item.is_money and item.high else (
            "" if item.is_money else " months")
        only = (f" (only with {', '.join(item.only_with_principal)})"
                if item.only_with_principal else "")
        parts.append(f"{item.kind} {low}-{high}{unit}{only} [{item.ref}]")
    return "; ".join(parts)


def summary(result: Assessment) -> str:
    """An assessment in one line, for the law-choice explanation: ``tier 225(2): fine VND
    300,000,000 to 1,000,000,000, imprisonment 6 to 36 months``."""
    if not result.liable:
        return "no liability"
    if result.tier is None:
        return "no tier applies"
    parts = []
    for item in result.principal:
        if item.is_money:
            shown = item.high or item.low
            low = number(item.low.amount) if item.low else "0"
            high = number(item.high.amount) if item.high else "no maximum"
            unit = shown.currency if shown else ""
            parts.append(f"{kind(item.kind)} {unit} {low} to {high}")
        else:
            low = number(item.min_months) if item.min_months is not None else "0"
            high = number(item.max_months) if item.max_months is not None else "no maximum"
            parts.append(f"{kind(item.kind)} {low} to {high} months")
    return f"tier {result.tier.ref}: " + ", ".join(parts)


def factor(value: Decimal) -> str:
    """A modifier's multiplier: ``× 1.5``."""
    return f"× {value:f}"


def evaluated(total: Exact | None, currency: str, ref: str | None,
              times: Decimal | None = None, what: str = "") -> str:
    """A term of a bound as computed for a case: ``EUR 20,000,000 (83(5))``; ``0.04 ×
    turnover EUR 1,782,848,992.690319… = EUR 71,313,959.707612… (83(5))``; ``2 × gross_gain:
    not given (3571(d))``; a figure whose decimals do not end is cut after a few more digits
    than its currency's (:func:`~penalties._words._numbers.computed`)."""
    cite = f" ({ref})" if ref else ""
    if times is None:
        assert total is not None
        return f"{computed(total, currency)}{cite}"
    if total is None:
        return f"{times:f} × {what}: not given{cite}"
    return f"{times:f} × {what} = {computed(total, currency)}{cite}"


def term(spec: TermSpec, currency: str, fmt: Formatter = amount) -> str:
    """A term of a bound in words, without the case: ``2 × gross_gain (3571(d))``."""
    cite = f" ({spec.ref})" if spec.ref else ""
    if spec.amount is not None:
        return f"{fmt(spec.amount, currency)}{cite}"
    if spec.units is not None:
        return f"{spec.units:f} units{cite}"
    return f"{spec.times:f} × {spec.fact}{cite}"


def bound(spec: BoundSpec, currency: str, fmt: Formatter = amount) -> str:
    """A bound in words, without the case."""
    if len(spec.terms) == 1:
        return term(spec.terms[0], currency, fmt)
    return "the greatest of " + ", ".join(term(t, currency, fmt) for t in spec.terms)


def range_spec(spec: RangeSpec, currency: str, fmt: Formatter = amount) -> str:
    """A range in words as the statute writes it, e.g. ``fine: up to the greatest of
    USD 250,000 (3571(b)(3)), 2 × gross_gain (3571(d))``."""
    t = spec.template
    if t.is_money:
        low = bound(spec.low, currency, fmt) if spec.low else (
            fmt(t.low.amount, currency) if t.low else None)
        high = bound(spec.high, currency, fmt) if spec.high else "no maximum"
    else:
        low = months(t.min_months) if t.min_months is not None else None
        high = months(t.max_months) if t.max_months is not None else "no maximum"
    text = f"{kind(t.kind)}: from {low} to {high}" if low else f"{kind(t.kind)}: up to {high}"
    if t.min_source:
        text += f" (minimum from {t.min_source})"
    if spec.per:
        text += f", per {spec.per.rstrip('s')}"
        if spec.total_max is not None:
            text += f", in total at most {fmt(spec.total_max, currency)}"
    if t.only_with_principal:
        text += f" (only with: {', '.join(t.only_with_principal)})"
    return f"{text} [{t.ref}]"


def node(trigger: Node, bands: Callable[[BandNode], str] | None = None) -> str:
    """A trigger tree in words, for explanations and thresholds:
    ``(organised or times 2 or more)``; ``bands`` words a band (default: as the law words
    it, locale-neutral: :attr:`BandNode.words <penalties.statutes._triggers.BandNode>`)."""
    from penalties.statutes import _triggers as t

    if isinstance(trigger, t.FlagNode):
        return trigger.fact
    if isinstance(trigger, t.ChoiceNode):
        return f"{trigger.fact} {trigger.value}"
    if isinstance(trigger, t.BandNode):
        return f"{trigger.fact} {trigger.words if bands is None else bands(trigger)}"
    if isinstance(trigger, t.ActNode):
        return f"act {trigger.act!r}"
    if isinstance(trigger, t.AlwaysNode):
        return trigger.label or "the act itself"
    if isinstance(trigger, t.NoneNode):  # (its words, from its triggers', each worded here)
        return "none of (" + " or ".join(node(c, bands) for c in trigger.children) + ")"
    assert isinstance(trigger, t.AnyNode | t.AllNode)
    word = " or " if isinstance(trigger, t.AnyNode) else " and "
    return "(" + word.join(node(c, bands) for c in trigger.children) + ")"


def outline(trigger: Node, indent: str = "") -> list[str]:
    """A trigger tree as indented lines, for ``penalties show``."""
    from penalties.statutes import _triggers as t

    if isinstance(trigger, t.AnyNode | t.AllNode | t.NoneNode):
        word = {t.AnyNode: "any of", t.AllNode: "all of", t.NoneNode: "none of"}[type(trigger)]
        lines = [f"{indent}{word}:"]
        for child in trigger.children:
            lines += outline(child, indent + "  ")
        return lines
    return [f"{indent}{trigger.ref}: {node(trigger)}"]


def golden_cases(count: int) -> str:
    """How many golden cases a statute file carries, for ``penalties validate``: none is
    said as what it means (nothing checks the file against the law's text).

    >>> golden_cases(1), golden_cases(22)
    ('1 golden case', '22 golden cases')
    """
    if count == 0:
        return "no golden case: nothing checks it against the law's text"
    return f"{count} golden case{'' if count == 1 else 's'}"
