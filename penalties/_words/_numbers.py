"""Words for amounts, numbers and rates: exact amounts every digit, bands and intervals, a
rate and its provenance, an amount converted for the legal tests, a threshold, a reason's
figures for a locale (money for a locale itself is :mod:`penalties._words._locale`'s).
Part of :mod:`penalties._words`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from penalties._words._locale import DIGITS, exact_money, local_number, locale, money
from rates.exact import CONTEXT, Exact, decimal_text
from rates.money import minor_unit, round_exact
from rates.quoted import quoted

if TYPE_CHECKING:
    from penalties.assessment._figures import Figure, InputConversion
    from penalties.assessment._results import Reason
    from penalties.assessment._thresholds import Threshold
    from penalties.statutes._triggers import BandNode
    from rates.model import Rate

__all__ = ["DIGITS", "Bound", "Formatter", "amount", "band", "computed", "condition",
           "exact_money", "figure", "input_conversion", "interval", "local_number", "locale",
           "money", "months", "number", "numbers", "rate", "reason", "threshold"]

Bound = tuple[Decimal, bool]
#: Formats an amount in a currency for people (default: :func:`amount`).
Formatter = Callable[[Decimal, str], str]


def amount(value: Exact | int, currency: str) -> str:
    """An exact amount, locale-neutral, every digit: ``VND 49,999,999.72065``; a quotient
    whose decimals do not end shows 30 significant digits and "…"."""
    return f"{currency} {number(value)}"


def computed(value: Exact | int, currency: str) -> str:
    """An amount reached in a computation, for an explanation: :func:`amount` when its
    decimals end; else its digits cut (never rounded) four places past the currency's minor
    unit, "…" saying that more follow (``BRL 47.066666…`` for 1,412 / 30): the computation
    goes on with the exact value, and the figure shown in a result is rounded once, by its
    own rule.

    >>> from fractions import Fraction
    >>> computed(Fraction(1412, 30), "BRL"), computed(Decimal("20.5"), "EUR")
    ('BRL 47.066666…', 'EUR 20.5')
    """
    digits, exact = decimal_text(value, DIGITS)
    if exact:
        return amount(value, currency)
    whole, _, decimals = digits.partition(".")  # decimal_text's plain digits, cut as text
    return f"{currency} {Decimal(whole + '.' + decimals[:minor_unit(currency) + 4]):,f}…"


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
    """A duration: ``1 month``, ``6 months``, ``13.5 months``."""
    return f"{number(value)} month" + ("" if value == 1 else "s")


def band(lower: Bound | None, upper: Bound | None, is_money: bool, currency: str,
         show: Callable[[Decimal], str] | None = None) -> str:
    """A band in words, as the law words it; ``show`` formats its bounds (default: an
    amount in ``currency``, or a plain number).

    >>> band((Decimal(2500), False), None, True, "USD")
    'more than USD 2,500'
    >>> band((Decimal(500), False), (Decimal(2000), True), True, "RUB")
    'more than RUB 500 and up to RUB 2,000'
    """

    def shown(bound: Bound) -> str:
        if show is not None:
            return show(bound[0])
        return amount(bound[0], currency) if is_money else number(bound[0])

    if lower and upper:  # "from X to under Y" is the Vietnamese "từ X đến dưới Y"
        if lower[1]:
            high = f"to {shown(upper)}" if upper[1] else f"to under {shown(upper)}"
            return f"from {shown(lower)} {high}"
        high = f"and up to {shown(upper)}" if upper[1] else f"and under {shown(upper)}"
        return f"more than {shown(lower)} {high}"
    if lower:
        return f"{shown(lower)} or more" if lower[1] else f"more than {shown(lower)}"
    assert upper is not None
    return f"{shown(upper)} or less" if upper[1] else f"under {shown(upper)}"


def interval(lower: Bound | None, upper: Bound | None) -> str:
    """Interval notation: ``[50000000, 300000000)``; ``∞`` for no upper bound."""
    low = f"[{lower[0]:f}" if lower and lower[1] else (f"({lower[0]:f}" if lower else "[0")
    high = f"{upper[0]:f}]" if upper and upper[1] else (f"{upper[0]:f})" if upper else "∞)")
    return f"{low}, {high}"


#: A rate's quoted figure is shown whole up to RATE_DIGITS significant digits (a published
#: rate, a cross rate of two), else cut to RATE_SHOWN digits and "…".
RATE_DIGITS, RATE_SHOWN = 12, 8


def rate(value: Rate, locale: str | None = None) -> str:
    """``22,463 VND per USD (VND→USD derived from IMF monthly end-of-period USD→VND, 2018-02,
    month-end official rate; asked for 2018-03-19; source snapshot)``: the larger way round,
    with its provenance (basis and kind of each rate, its age when stale: see
    :meth:`rates.model.Rate.describe`), and each source of a chain that gave no rate before
    this one answered, and why. The figure is formatted for ``locale`` when one is given
    (``22.463 VND per USD`` in ``vi_VN``), else locale-neutral; it is the quoted value
    (:func:`rates.quoted.quoted`) whole when that is exact in at most
    :data:`RATE_DIGITS` significant digits (``27,649.7067 VND per EUR``, 22463 × 1.2309),
    else its first :data:`RATE_SHOWN` significant digits, cut, and "…"
    (``106.14184… JPY per USD``, 130.65 / 1.2309)."""
    said = quoted(value)
    figure, cut = said.value, not said.exact
    if cut or len(figure.normalize(CONTEXT).as_tuple().digits) > RATE_DIGITS:
        short = round_exact(figure, max(0, RATE_SHOWN - 1 - figure.adjusted()), ROUND_DOWN)
        cut = cut or short != figure  # (a long whole number loses no digit)
        figure = short.normalize(CONTEXT) if cut else figure
    digits = local_number(figure, locale) if locale else f"{figure:,f}"
    shown = f"{digits}{'…' if cut else ''} {said.unit}"
    passed = "".join(f"; {f.source} gave no rate first ({f.error}: {f.reason})"
                     for f in value.fallbacks)
    return f"{shown} ({value.describe()}; source {value.source}{passed})"


def input_conversion(item: InputConversion, locale: str | None = None) -> str:
    """``illicit_profit: USD 2,225.88255 = VND 49,999,999.72065 at 22,463 VND per USD
    (...); the legal tests use this exact figure``, and a warning when a boundary lies
    within the rate's precision; the figures for ``locale`` when one is given."""
    assert item.given.currency is not None

    def shown(value: Exact | int, currency: str) -> str:
        return exact_money(value, currency, locale) if locale else amount(value, currency)

    text = (f"{item.fact}: {shown(item.given.value, item.given.currency)} = "
            f"{shown(item.value, item.currency)} at {rate(item.rate, locale)}; the legal "
            "tests use this exact figure")
    refs: dict[Decimal, list[str]] = {}
    for boundary, ref in item.near:
        refs.setdefault(boundary, []).append(ref)
    for boundary, clauses in refs.items():
        text += (f". It lies within the rate's own precision of {shown(boundary, item.currency)}"
                 f" (a boundary of {' and '.join(clauses)}): a rate published with more digits "
                 "could fall on the other side of it")
    return text


def threshold(row: Threshold, locale: str | None = None) -> str:
    """A threshold as the law words it, its amounts formatted for ``locale`` with their
    converted amounts: ``from ₫50,000,000 (≈ $2,225.88) to under ₫300,000,000 (≈ ...)``."""
    if row.kind != "band":
        return row.words
    lower = (row.lower, row.lower_included) if row.lower is not None else None
    upper = (row.upper, row.upper_included) if row.upper is not None else None
    if row.low is None and row.high is None:  # a count: its digits in the locale
        return row.words if locale is None else band(
            lower, upper, False, "", lambda value: local_number(value, locale))
    figures = {f.exact: f for f in (row.low, row.high) if f is not None}
    return band(lower, upper, True, row.currency or "",
                lambda value: figure(figures[value], locale))


def condition(row: Threshold, currency: str, locale: str | None = None,
              figures: Mapping[Exact, Figure] | None = None) -> str:
    """What must also hold for a threshold (``""``: nothing), its bands' amounts (in
    ``currency``, the law's) and counts formatted for ``locale`` (:attr:`Threshold.condition
    <penalties.assessment._thresholds.Threshold>`, locale-neutral, without one); an amount
    among ``figures`` (the table's bounds, by value) is shown as that figure, with its
    converted amount when the table was converted."""
    from penalties._words._law import node

    if locale is None or not row.also:
        return row.condition or ""
    known = figures or {}

    def shown(found: BandNode) -> str:
        def one(value: Decimal) -> str:
            if found.money and value in known:
                return figure(known[value], locale)
            if found.money:
                return exact_money(value, currency, locale)
            return local_number(value, locale)

        return band(found.lower, found.upper, found.money, currency, one)

    return " and ".join(node(n, shown) for n in row.also)


def reason(item: Reason, locale: str | None = None) -> str:
    """:attr:`Reason.text <penalties.assessment._results.Reason.text>` with its figures
    formatted for ``locale`` (the text itself, locale-neutral, without one): the figure of
    the case, every digit, with its converted amount when the result was converted, and
    the bounds of a band (``illicit_profit 250.000.000 ₫ (≈ 11.129,41 US$) is from
    200.000.000 ₫ to under 300.000.000 ₫`` in ``vi_VN``). A test that is not a band this
    module worded keeps its words."""
    if locale is None or item.figure is None:
        return item.text
    currency = item.currency

    def shown(value: Exact | int) -> str:
        return exact_money(value, currency, locale) if currency else local_number(value, locale)

    head, tail = item.around()
    for lower, upper in _bounds(item.interval):
        if item.test == f"is {band(lower, upper, bool(currency), currency or '')}":
            tail = " is " + band(lower, upper, bool(currency), currency or "", shown) + tail[
                len(item.test) + 1:]
            break
    converted = f" (≈ {figure(item.converted, locale)})" if item.converted else ""
    return head + shown(item.figure) + converted + tail


#: What :func:`interval` writes: ``[50000000, 300000000)``, ``(2500, ∞)``.
_INTERVAL = re.compile(r"([\[(])([^,]+), ([^\])]+)([\])])")


def _bounds(text: str | None) -> list[tuple[Bound | None, Bound | None]]:
    """The bands :func:`interval` could have written as ``text`` (``[0`` is also "no lower
    bound"), none if it is not an interval."""
    found = _INTERVAL.fullmatch(text or "")
    if found is None:
        return []
    opening, low, high, closing = found.groups()
    upper = None if high == "∞" else (Decimal(high), closing == "]")
    lower = (Decimal(low), opening == "[")
    return [(lower, upper), (None, upper)] if lower[0] == 0 and lower[1] else [(lower, upper)]
