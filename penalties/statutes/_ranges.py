"""Penalty ranges whose bounds are computed from the case, exactly.

Most bounds are fixed amounts, compiled once into a
:class:`~penalties.assessment._results.PenaltyRange`. Others depend on the facts or the date:
the greater of a fixed cap and a share of turnover (GDPR Art. 83(5)), of a class amount and
twice the gross gain (18 U.S.C. 3571(b), (d)), a number of penalty units valued on the
offence date (Crimes Act 1914 s.4AA), or a range per work infringed (17 U.S.C. 504(c)). A
:class:`RangeSpec` evaluates those per assessment, exactly (:mod:`rates.exact`), and records
how each bound was reached. Nothing is rounded here: a bound is rounded once when it is
shown, inward (:mod:`rates.money`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from penalties import _words as words
from penalties._errors import FieldProblem, StatuteFileError
from penalties.assessment._figures import Figure, PenaltyRange
from rates.exact import Exact, product, quotient
from rates.money import MAXIMUM_ROUNDING, MINIMUM_ROUNDING

__all__ = [
    "AmountContext",
    "BoundSpec",
    "RangeSpec",
    "TermSpec",
    "forwards",
    "maximum",
    "minimum",
    "scale",
]


def minimum(value: Exact, currency: str) -> Figure:
    """The minimum of a range: rounded up when shown."""
    return Figure(value, currency, MINIMUM_ROUNDING)


def maximum(value: Exact, currency: str) -> Figure:
    """The maximum of a range: rounded down when shown."""
    return Figure(value, currency, MAXIMUM_ROUNDING)


@dataclass(frozen=True, slots=True)
class AmountContext:
    """What a formula may ask: a money fact in the statute's currency, exactly (or
    ``None``), a count fact, and the value of one indexed unit on the relevant date with its
    description."""

    money_fact: Callable[[str], Exact | None]
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
    divided_by: int | None = None

    def evaluate(self, ctx: AmountContext) -> tuple[Exact | None, str]:
        """The amount (``None`` when its fact is not given) and how it was reached."""
        currency = ctx.currency
        if self.amount is not None:
            return self.amount, words.evaluated(self.amount, currency, self.ref)
        if self.units is not None:
            value, described = ctx.unit_value()
            total: Exact = product(self.units, value)
            if self.divided_by is not None:
                total = quotient(total, Decimal(self.divided_by))  # exact: 1/30 stays 1/30
                described = f"{described}, divided by {self.divided_by}"
            return total, words.evaluated(total, currency, self.ref, self.units, described)
        assert self.fact is not None
        base = ctx.money_fact(self.fact)
        if base is None:
            return None, words.evaluated(None, currency, self.ref, self.times, self.fact)
        total = product(self.times, base)
        return total, words.evaluated(total, currency, self.ref, self.times,
                                      f"{self.fact} {words.computed(base, currency)}")


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

    def evaluate(self, ctx: AmountContext) -> tuple[Exact | None, str | None, bool]:
        """The bound; unless it is a plain fixed amount, how it was computed; and whether a
        term was left out for want of its fact while another gave the bound (then the
        law's bound is at least this one)."""
        if self.fixed is not None:
            return self.fixed, None, False
        results = [t.evaluate(ctx) for t in self.terms]
        values = [v for v, _ in results if v is not None]
        if not values:
            return None, "; ".join(text for _, text in results), False
        best = max(values)
        if len(self.terms) == 1:
            return best, results[0][1], False
        return (best, "greatest of: " + "; ".join(text for _, text in results),
                len(values) < len(results))


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """A penalty with bounds to evaluate per case; ``static`` when nothing depends on it."""

    template: PenaltyRange
    low: BoundSpec | None = None
    high: BoundSpec | None = None
    per: str | None = None
    total_max: Decimal | None = None
    #: A day-fine's fewest and most daily units: ``low`` and ``high`` are then the daily
    #: amounts (StGB §40; Código Penal art. 49).
    days: tuple[int, int] | None = None
    static: PenaltyRange | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        # The finished range when no bound depends on the case or the date, found once.
        dynamic = self.per or self.days or any(b is not None and b.fixed is None
                                               for b in (self.low, self.high))
        object.__setattr__(self, "static", None if dynamic else self.template)

    @property
    def facts(self) -> frozenset[str]:
        """The facts the range reads exactly (money facts of formulas, the ``per`` count)."""
        found = frozenset().union(*(b.facts for b in (self.low, self.high) if b is not None))
        return found | ({self.per} if self.per else set())

    def evaluate(self, ctx: AmountContext) -> PenaltyRange:
        """The range for this case, exactly, with the computation recorded in ``basis``."""
        if self.static is not None:
            return self.static
        notes: list[str] = []
        bounds: list[Exact | None] = []
        high_floor = False
        names = ("daily minimum", "daily maximum") if self.days else ("minimum", "maximum")
        for name, spec in zip(names, (self.low, self.high), strict=True):
            if spec is None:
                bounds.append(None)
                continue
            value, how, omitted = spec.evaluate(ctx)
            bounds.append(value)
            if spec is self.high:
                high_floor = omitted
            if how:
                notes.append(f"{name}: {how}")
        low, high = bounds
        if low is None and self.template.low is not None:
            low = self.template.low.exact  # a general-part floor
        result = self.template
        currency = ctx.currency
        if self.days is not None and low is not None and high is not None:
            fewest, most = self.days
            notes.append(f"day-fine: {fewest} to {most} daily units of "
                         f"{words.computed(low, currency)} to {words.computed(high, currency)}")
            low, high = product(low, Decimal(fewest)), product(high, Decimal(most))
        if self.per is not None:
            count = ctx.count_fact(self.per)
            if count is None:
                notes.append(f"per {self.per}: give {self.per} for the total")
            else:
                result = replace(result, per_count=count,
                                 per_low=minimum(low, currency) if low is not None else None,
                                 per_high=maximum(high, currency) if high is not None else None)
                low = product(low, Decimal(count)) if low is not None else None
                high = product(high, Decimal(count)) if high is not None else None
                notes.append(f"× {count} {self.per}")
                if self.total_max is not None and high is not None and high > self.total_max:
                    high, high_floor = self.total_max, False  # the cap is the maximum
                    notes.append(f"total capped at {words.computed(high, currency)}")
                if self.total_max is not None and low is not None and low > self.total_max:
                    low = self.total_max  # no total exceeds the cap, the least one neither
                    notes.append(f"total minimum capped at {words.computed(low, currency)}")
        return replace(result, low=minimum(low, currency) if low is not None else None,
                       high=maximum(high, currency) if high is not None else None,
                       high_is_floor=high_floor and high is not None,
                       basis=(*result.basis, *notes))


def scale(item: PenaltyRange, bounds: Sequence[str], factor: Decimal, why: str
          ) -> PenaltyRange:
    """Multiply bounds (``min``, ``max``) of a range exactly, noting why once: an amount, or
    a number of months (9 months × 1.5 is 13.5 months, never rounded). Both bounds scaled
    for one reason are said once (``fine × 2: 2(2)``, not once per bound); two modifiers
    are two lines, even when they read alike."""
    scaled = item
    for bound in bounds:
        scaled = _scaled(scaled, bound, factor)
    return scaled if scaled is item else replace(scaled, basis=(*item.basis, why))


def _scaled(item: PenaltyRange, bound: str, factor: Decimal) -> PenaltyRange:
    if item.is_money:
        current = item.low if bound == "min" else item.high
        if current is None:
            return item
        scaled = current._replace(exact=product(current.exact, factor))
        per_item = item.per_low if bound == "min" else item.per_high
        per_scaled = (per_item._replace(exact=product(per_item.exact, factor))
                      if per_item is not None else None)
        if bound == "min":
            return replace(item, low=scaled, per_low=per_scaled)
        return replace(item, high=scaled, per_high=per_scaled)
    months = item.min_months if bound == "min" else item.max_months
    if months is None:
        return item
    scaled_months = product(months, factor)
    if bound == "min":
        return replace(item, min_months=scaled_months)
    return replace(item, max_months=scaled_months)


def forwards(item: PenaltyRange, path: str, tier: str) -> None:
    """Raise :class:`~penalties.StatuteFileError` for a range of tier ``tier`` of the file
    at ``path`` whose minimum is above its maximum once its formulas and modifiers are
    applied (a cap binds both ends, so it never does this): no range a law sets, so the
    file is at fault (a factor on a minimum alone), and the answer says so rather than
    print it."""
    if item.high_is_floor:  # the law's maximum is at least the one shown: no verdict
        return
    if item.is_money:
        if item.low is None or item.high is None or item.low.exact <= item.high.exact:
            return
        low, high = (words.computed(f.exact, f.currency) for f in (item.low, item.high))
    else:
        if item.min_months is None or item.max_months is None or (
                item.min_months <= item.max_months):
            return
        low, high = (words.months(m) for m in (item.min_months, item.max_months))
    raise StatuteFileError(path, [FieldProblem(
        f"{item.kind} of tier {tier}", f"for this case its minimum {low} is above its maximum "
        f"{high} ({'; '.join(item.basis) or 'as written'}): a modifier or formula of the "
        "file makes the range backwards")])
