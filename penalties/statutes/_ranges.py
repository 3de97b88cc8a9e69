"""Penalty ranges whose bounds are computed from the case.

Most bounds are fixed amounts, compiled once into a
:class:`~penalties.assessment._results.PenaltyRange`.
Others depend on the facts or the date: the greater of a fixed cap and a share of turnover
(GDPR Art. 83(5)), of a class amount and twice the gross gain (18 U.S.C. 3571(b), (d)), a
number of penalty units valued on the offence date (Crimes Act 1914 s.4AA), or a range per
work infringed (17 U.S.C. 504(c)). A :class:`RangeSpec` evaluates those per assessment and
records how each bound was reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import TYPE_CHECKING

from penalties.assessment._results import PenaltyRange, format_amount
from rates.money import money, round_to_minor_unit

if TYPE_CHECKING:
    from moneyed import Money

__all__ = ["AmountContext", "BoundSpec", "Formatter", "RangeSpec", "TermSpec", "scale"]

#: Formats an amount in a currency for people (default: ``VND 300,000,000``).
Formatter = Callable[[Decimal, str], str]


@dataclass(frozen=True, slots=True)
class AmountContext:
    """What a formula may ask: a money fact in the statute's currency (or ``None``), a count
    fact, and the value of one indexed unit on the relevant date with its description."""

    money_fact: Callable[[str], Decimal | None]
    count_fact: Callable[[str], int | None]
    unit_value: Callable[[], tuple[Decimal, str]]
    currency: str


@dataclass(frozen=True, slots=True)
class TermSpec:
    """One candidate amount: fixed, ``times`` × a money fact, or ``units`` × the unit value."""

    amount: Decimal | None
    fact: str | None
    times: Decimal
    units: Decimal | None
    ref: str | None

    def words(self, currency: str, fmt: Formatter = format_amount) -> str:
        """The term in words, without the case: ``2 × gross_gain (3571(d))``."""
        cite = f" ({self.ref})" if self.ref else ""
        if self.amount is not None:
            return f"{fmt(self.amount, currency)}{cite}"
        if self.units is not None:
            return f"{self.units:f} units{cite}"
        return f"{self.times:f} × {self.fact}{cite}"

    def evaluate(self, ctx: AmountContext) -> tuple[Decimal | None, str]:
        """The amount (``None`` when its fact is not given) and how it was reached."""
        cite = f" ({self.ref})" if self.ref else ""
        if self.amount is not None:
            return self.amount, f"{format_amount(self.amount, ctx.currency)}{cite}"
        if self.units is not None:
            value, described = ctx.unit_value()
            total = self.units * value
            return total, (f"{self.units:f} × {described} = "
                           f"{format_amount(total, ctx.currency)}{cite}")
        assert self.fact is not None
        base = ctx.money_fact(self.fact)
        if base is None:
            return None, f"{self.times:f} × {self.fact}: not given{cite}"
        total = self.times * base
        return total, (f"{self.times:f} × {self.fact} {format_amount(base, ctx.currency)} = "
                       f"{format_amount(total, ctx.currency)}{cite}")


@dataclass(frozen=True, slots=True)
class BoundSpec:
    """A bound: the greatest of its terms (a single fixed amount being the common case)."""

    terms: tuple[TermSpec, ...]

    @property
    def fixed(self) -> Decimal | None:
        """The amount when the bound is one fixed amount, else ``None``."""
        only = self.terms[0]
        return only.amount if len(self.terms) == 1 else None

    @property
    def facts(self) -> frozenset[str]:
        """Money facts the bound reads."""
        return frozenset(t.fact for t in self.terms if t.fact)

    def words(self, currency: str, fmt: Formatter = format_amount) -> str:
        """The bound in words, without the case."""
        if len(self.terms) == 1:
            return self.terms[0].words(currency, fmt)
        return "the greatest of " + ", ".join(t.words(currency, fmt) for t in self.terms)

    def evaluate(self, ctx: AmountContext) -> tuple[Decimal | None, str | None]:
        """The bound and, unless it is a plain fixed amount, how it was computed."""
        if self.fixed is not None:
            return self.fixed, None
        results = [t.evaluate(ctx) for t in self.terms]
        values = [v for v, _ in results if v is not None]
        if not values:
            return None, "; ".join(text for _, text in results)
        best = max(values)
        if len(self.terms) == 1:
            return best, results[0][1]
        return best, "greatest of: " + "; ".join(text for _, text in results)


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """A penalty with bounds to evaluate per case; ``static`` when nothing depends on it."""

    template: PenaltyRange
    low: BoundSpec | None = None
    high: BoundSpec | None = None
    per: str | None = None
    total_max: Decimal | None = None
    static: PenaltyRange | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        # The finished range when no bound depends on the case or the date, found once.
        dynamic = self.per or any(b is not None and b.fixed is None for b in (self.low, self.high))
        object.__setattr__(self, "static", None if dynamic else self.template)

    def words(self, currency: str, fmt: Formatter = format_amount) -> str:
        """The range in words as the statute writes it, e.g. ``fine: up to the greatest of
        USD 250,000 (3571(b)(3)), 2 × gross_gain (3571(d))``."""
        t = self.template
        kind = t.kind.replace("_", " ")
        if t.is_money:
            low = self.low.words(currency, fmt) if self.low else (
                fmt(t.min.amount, currency) if t.min else None)
            high = self.high.words(currency, fmt) if self.high else "no maximum"
        else:
            low = f"{t.min_months} months" if t.min_months is not None else None
            high = f"{t.max_months} months" if t.max_months is not None else "no maximum"
        text = f"{kind}: from {low} to {high}" if low else f"{kind}: up to {high}"
        if t.min_source:
            text += f" (minimum from {t.min_source})"
        if self.per:
            text += f", per {self.per.rstrip('s')}"
            if self.total_max is not None:
                text += f", in total at most {fmt(self.total_max, currency)}"
        if t.only_with_principal:
            text += f" (only with: {', '.join(t.only_with_principal)})"
        return f"{text} [{t.ref}]"

    def evaluate(self, ctx: AmountContext) -> PenaltyRange:
        """The range for this case, with the computation recorded in ``basis``."""
        if self.static is not None:
            return self.static
        notes: list[str] = []
        bounds: list[Decimal | None] = []
        for name, spec in (("minimum", self.low), ("maximum", self.high)):
            if spec is None:
                bounds.append(None)
                continue
            value, how = spec.evaluate(ctx)
            bounds.append(value)
            if how:
                notes.append(f"{name}: {how}")
        low, high = bounds
        # A computed bound is rounded once to the currency's minor unit, towards the inside
        # of the range: a maximum never exceeds what the formula allows, a minimum never
        # falls below it.
        if low is not None and self.low is not None and self.low.fixed is None:
            low = round_to_minor_unit(low, ctx.currency, ROUND_UP)
        if high is not None and self.high is not None and self.high.fixed is None:
            high = round_to_minor_unit(high, ctx.currency, ROUND_DOWN)
        if low is None and self.template.min is not None:
            low = self.template.min.amount  # a general-part floor
        result = self.template
        if self.per is not None:
            count = ctx.count_fact(self.per)
            if count is None:
                notes.append(f"per {self.per}: give {self.per} for the total")
            else:
                result = replace(result, per_item_min=_money(low, ctx), per_item_max=_money(
                    high, ctx), per_count=count)
                low = low * count if low is not None else None
                high = high * count if high is not None else None
                notes.append(f"× {count} {self.per}")
                if self.total_max is not None and high is not None and high > self.total_max:
                    high = self.total_max
                    notes.append(f"total capped at {format_amount(high, ctx.currency)}")
        return replace(result, min=_money(low, ctx), max=_money(high, ctx),
                       basis=(*result.basis, *notes))


def _money(value: Decimal | None, ctx: AmountContext) -> Money | None:
    return money(value, ctx.currency) if value is not None else None


def scale(item: PenaltyRange, bound: str, factor: Decimal, why: str) -> PenaltyRange:
    """Multiply one bound (``min`` or ``max``) of a range, noting why."""
    basis = (*item.basis, why)
    if item.is_money:
        current = item.min if bound == "min" else item.max
        if current is None:
            return item
        scaled = money(current.amount * factor, current.currency.code)
        per_item = item.per_item_min if bound == "min" else item.per_item_max
        per_scaled = (money(per_item.amount * factor, per_item.currency.code)
                      if per_item is not None else None)
        if bound == "min":
            return replace(item, min=scaled, per_item_min=per_scaled, basis=basis)
        return replace(item, max=scaled, per_item_max=per_scaled, basis=basis)
    months = item.min_months if bound == "min" else item.max_months
    if months is None:
        return item
    whole = int((Decimal(months) * factor).to_integral_value())
    if bound == "min":
        return replace(item, min_months=whole, basis=basis)
    return replace(item, max_months=whole, basis=basis)
