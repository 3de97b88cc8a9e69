"""Words for people: amounts, bands, ranges, rates and rules, in one place.

The engine's explanations, the command line and the batch files all word things here, so
a band reads the same everywhere ("from VND 50,000,000 to under VND 300,000,000"), and the
screen shows the digits the JSON holds: an amount of a result is rounded once
(:mod:`rates.money`) and then shown with exactly its currency's ISO 4217 minor-unit digits,
in any locale. Explanations are locale-neutral (``VND 300,000,000``); :func:`money` formats
for a CLDR locale (``300.000.000 ₫`` in ``vi_VN``).

>>> band((Decimal(50), True), (Decimal(300), False), True, "VND")
'from VND 50 to under VND 300'
>>> amount(Decimal("49999999.72065"), "VND")
'VND 49,999,999.72065'
>>> money(Decimal("383662.07"), "HUF", "en_US")
'HUF383,662.07'
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING, Any

from rates.exact import CONTEXT, Exact, decimal_text
from rates.money import minor_unit, round_exact

if TYPE_CHECKING:
    from penalties.assessment._figures import Figure, InputConversion, PenaltyRange
    from penalties.assessment._results import Assessment
    from penalties.assessment._thresholds import Threshold
    from penalties.statutes._ranges import BoundSpec, RangeSpec, TermSpec
    from penalties.statutes._triggers import Node
    from rates.model import Rate

__all__ = [
    "additional_cell",
    "amount",
    "band",
    "bound_cells",
    "figure",
    "input_conversion",
    "interval",
    "joiner",
    "kind",
    "locale",
    "money",
    "months",
    "node",
    "number",
    "numbers",
    "outline",
    "principal_rule",
    "range_ends",
    "range_line",
    "range_name",
    "range_spec",
    "rate",
    "summary",
    "threshold",
]

Bound = tuple[Decimal, bool]
#: Formats an amount in a currency for people (default: :func:`amount`).
Formatter = Callable[[Decimal, str], str]
#: Significant digits of an exact figure whose decimals do not end (then followed by "…").
DIGITS = 30


def amount(value: Exact | int, currency: str) -> str:
    """An exact amount, locale-neutral, every digit: ``VND 49,999,999.72065``; a quotient
    whose decimals do not end shows 30 significant digits and "…"."""
    return f"{currency} {number(value)}"


def numbers(values: Iterable[Exact | int]) -> list[str]:
    """:func:`number` of many values (a batch column of figures)."""
    return [f"{v:,f}" if type(v) is Decimal else f"{v:,}" if type(v) is int else number(v)
            for v in values]


def number(value: Exact | int) -> str:
    """An exact number with thousands separators: ``1,000,000``; ``2.5``; ``0.3333…``."""
    if type(value) is Decimal:
        return f"{value:,f}"
    if isinstance(value, int):
        return f"{value:,}"
    digits, exact = decimal_text(value, DIGITS)
    return f"{Decimal(digits):,f}" + ("" if exact else "…")


def money(value: Decimal, currency: str, locale: str, exact: bool = False) -> str:
    """A rounded amount formatted for a CLDR locale, with exactly the currency's ISO 4217
    minor-unit digits (never the locale's own number of digits); ``exact``: with every
    digit it has, if it has more (an amount someone typed)."""
    from babel.numbers import format_currency

    digits = minor_unit(currency)
    exponent = value.as_tuple().exponent
    if exact and isinstance(exponent, int):
        digits = max(digits, -exponent)
    return str(format_currency(value, currency, format=_pattern(locale, digits),
                               locale=locale, currency_digits=False))


@cache
def _pattern(locale: str, digits: int) -> Any:  # noqa: ANN401 - a babel NumberPattern
    from babel import Locale

    pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return pattern


def figure(value: Figure, locale: str | None = None) -> str:
    """A figure of a result as shown: rounded once, in ``locale`` (default: locale-neutral),
    with its converted amount when the result was converted: ``₫300,000,000 (≈ $13,355.30)``."""

    def one(f: Figure) -> str:
        return money(f.amount, f.currency, locale) if locale else amount(f.amount, f.currency)

    text = one(value)
    if value.converted is not None:
        text += f" (≈ {one(value.converted)})"
    return text


def months(value: Exact | int) -> str:
    """A duration: ``6 months``, ``13.5 months``."""
    return f"{number(value)} months"


def band(lower: Bound | None, upper: Bound | None, is_money: bool, currency: str,
         show: Callable[[Decimal], str] | None = None) -> str:
    """A band in words, as the law words it; ``show`` formats its bounds (default: an
    amount in ``currency``, or a plain number).

    >>> band((Decimal(2500), False), None, True, "USD")
    'more than USD 2,500'
    """

    def shown(bound: Bound) -> str:
        if show is not None:
            return show(bound[0])
        return amount(bound[0], currency) if is_money else number(bound[0])

    if lower and upper:
        low = f"from {shown(lower)}" if lower[1] else f"more than {shown(lower)}"
        high = f"to {shown(upper)}" if upper[1] else f"to under {shown(upper)}"
        return f"{low} {high}"
    if lower:
        return f"{shown(lower)} or more" if lower[1] else f"more than {shown(lower)}"
    assert upper is not None
    return f"{shown(upper)} or less" if upper[1] else f"under {shown(upper)}"


def interval(lower: Bound | None, upper: Bound | None) -> str:
    """Interval notation: ``[50000000, 300000000)``; ``∞`` for no upper bound."""
    low = f"[{lower[0]:f}" if lower and lower[1] else (f"({lower[0]:f}" if lower else "[0")
    high = f"{upper[0]:f}]" if upper and upper[1] else (f"{upper[0]:f})" if upper else "∞)")
    return f"{low}, {high}"


def principal_rule(rule: str) -> str:
    """``one_of`` → "one of" (the court picks exactly one), ``any_of`` → "one or more"."""
    return "one of" if rule == "one_of" else "one or more"


def joiner(rule: str) -> str:
    """How principal penalties are joined in one line: " or " / " and/or "."""
    return " or " if rule == "one_of" else " and/or "


def kind(name: str) -> str:
    """A penalty kind for people: ``community sentence``."""
    return name.replace("_", " ")


def range_ends(item: PenaltyRange, locale: str | None = None) -> tuple[str, str]:
    """The two ends of a range as people read them (with the converted amounts)."""
    if item.is_money:
        low = figure(item.low, locale) if item.low else "no minimum"
        high = figure(item.high, locale) if item.high else "no maximum"
    else:
        low = months(item.min_months) if item.min_months is not None else "no minimum"
        high = months(item.max_months) if item.max_months is not None else "no maximum"
    if item.min_source:
        low += f" ({item.min_source})"
    return low, high


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
    """The ``additional`` cell of a batch row: ``occupation_ban 12-60 months [225(3)]``."""
    parts = []
    for item in items:
        low, high = bound_cells(item)
        unit = f" {item.high.currency}" if item.is_money and item.high else (
            "" if item.is_money else " months")
        parts.append(f"{item.kind} {low}-{high}{unit} [{item.ref}]")
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


def rate(value: Rate) -> str:
    """``22,463 VND per USD (IMF monthly end-of-period USD→VND, 2018-02; asked for
    2018-03-19; source snapshot)``: the larger way round, with its provenance."""
    if value.value >= 1:
        shown = f"{_significant(value.value):,f} {value.quote} per {value.base}"
    else:
        inverse = Fraction(1) / Fraction(value.exact)
        shown = (f"{_significant(Decimal(decimal_text(inverse, 50)[0])):,f} {value.base} "
                 f"per {value.quote}")
    stale = ", stale" if value.stale else ""
    return f"{shown} ({value.describe()}; source {value.source}{stale})"


def _significant(value: Decimal, digits: int = 8) -> Decimal:
    """``value`` to ``digits`` significant digits, without trailing zeros (for display)."""
    if not value:
        return value
    places = max(0, digits - 1 - value.adjusted())
    return round_exact(value, places, ROUND_HALF_EVEN).normalize(CONTEXT)


def input_conversion(item: InputConversion) -> str:
    """``illicit_profit: USD 2,225.88255 = VND 49,999,999.72065 at 22,463 VND per USD
    (...); the legal tests use this exact figure``, and a warning when a boundary lies
    within the rate's precision."""
    assert item.given.currency is not None
    text = (f"{item.fact}: {amount(item.given.value, item.given.currency)} = "
            f"{amount(item.value, item.currency)} at {rate(item.rate)}; the legal tests use "
            "this exact figure")
    refs: dict[Decimal, list[str]] = {}
    for boundary, ref in item.near:
        refs.setdefault(boundary, []).append(ref)
    for boundary, clauses in refs.items():
        text += (f". It lies within the rate's own precision of {amount(boundary, item.currency)}"
                 f" (a boundary of {' and '.join(clauses)}): a rate published with more digits "
                 "could fall on the other side of it")
    return text


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



def node(trigger: Node) -> str:
    """A trigger tree in words, for explanations and thresholds:
    ``(organised or times 2 or more)``."""
    from penalties.statutes import _triggers as t

    if isinstance(trigger, t.FlagNode):
        return trigger.fact
    if isinstance(trigger, t.BandNode):
        return f"{trigger.fact} {trigger.words}"
    if isinstance(trigger, t.ActNode):
        return f"act {trigger.act!r}"
    if isinstance(trigger, t.AlwaysNode):
        return trigger.label or "the act itself"
    if isinstance(trigger, t.NoneNode):
        return f"none of ({trigger.words})"
    assert isinstance(trigger, t.AnyNode | t.AllNode)
    word = " or " if isinstance(trigger, t.AnyNode) else " and "
    return "(" + word.join(node(c) for c in trigger.children) + ")"


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


def locale(name: str | None) -> str:
    """The CLDR locale for money: ``name``, else ``PENALTIES_LOCALE``, else the
    environment's LC_MONETARY/LANG; a bare C or POSIX environment means en_US. An unknown
    locale is an :class:`~penalties._errors.InvalidInput`."""
    import os

    from babel import Locale, UnknownLocaleError, default_locale

    from penalties._errors import InvalidInput

    chosen = name or os.environ.get("PENALTIES_LOCALE") or default_locale("LC_MONETARY")
    if not chosen or chosen in ("C", "POSIX", "en_US_POSIX"):
        chosen = "en_US"
    try:
        Locale.parse(chosen)
    except (UnknownLocaleError, ValueError):
        raise InvalidInput("--locale", f"unknown locale {chosen!r}",
                           "a CLDR locale such as en_US, fr_FR or vi_VN") from None
    return chosen


def threshold(row: Threshold, locale: str | None = None) -> str:
    """A threshold as the law words it, its amounts formatted for ``locale`` with their
    converted amounts: ``from ₫50,000,000 (≈ $2,225.88) to under ₫300,000,000 (≈ ...)``."""
    if row.kind != "band" or (row.low is None and row.high is None):
        return row.words
    figures = {f.exact: f for f in (row.low, row.high) if f is not None}
    lower = (row.lower, row.lower_included) if row.lower is not None else None
    upper = (row.upper, row.upper_included) if row.upper is not None else None
    return band(lower, upper, True, row.currency or "",
                lambda value: figure(figures[value], locale))
