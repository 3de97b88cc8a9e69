"""A result in another currency: every amount converted once, at one rate, with its
provenance.

The legal figures stay in the statute's currency; :func:`convert_result` gives every
figure of a result its ``converted`` twin (``figure × rate``, exactly, rounded once when
shown, by the same rule as the figure itself) and records the one rate on the result.
Renderers (text, JSON, batch files) format these figures; none converts anything.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from penalties._errors import InvalidInput
from penalties._values import day_option
from penalties.assessment._figures import Figure, PenaltyRange
from penalties.assessment._results import Assessment, Reason, TierResult
from rates.exact import product
from rates.money import DEFAULT_ROUNDING, check_currency

if TYPE_CHECKING:
    from rates.model import Rate

__all__ = ["convert_assessment", "convert_figure", "convert_result", "input_rate_unused",
           "rate_day", "report_rate"]


def rate_day(value: object, to: object, name: str = "rate_date",
             to_name: str = "to") -> date | None:
    """The date of the rate that reports a result in another currency, as every interface
    reads it (the library's ``rate_date=``, the command line's ``--rate-date``, a request's
    ``rate_date``, a batch's): read as :func:`~penalties._values.day_option` reads a date,
    and refused when nothing is to be converted (``to`` not given). Accepted and unused,
    it would seem to have chosen the rate of a conversion that never happened."""
    day = day_option(name, value)
    if day is not None and to is None:
        raise InvalidInput(name, f"is given but nothing is converted (give {to_name})",
                           f"{name} together with {to_name}, or neither")
    return day  # type: ignore[no-any-return]


def input_rate_unused(day: date, currency: str) -> str:
    """The note of a result whose ``input_rate_date`` converted nothing: no amount of the
    case is in another currency than the law's (an amount meant in dollars but written
    without its currency is read in the law's own: this says so)."""
    return (f"The input rate date ({day.isoformat()}) is not used: no amount is given in "
            f"another currency than {currency}.")


def report_rate(currency: str, to: str, on: date, source: str | None = None) -> Rate | None:
    """The one rate that reports amounts of ``currency`` in ``to`` for ``on`` (``None``
    when ``to`` is the same currency: nothing to convert); ``on`` as text is read as the
    option ``rate_date`` is (empty text is refused)."""
    import rates

    on = day_option("rate_date", on)

    target = check_currency(to)
    if target == currency:
        return None
    return rates.get_rate(currency, target, on, source=source)


def convert_figure(figure: Figure | None, rate: Rate) -> Figure | None:
    """``figure`` with its converted twin at ``rate`` (rounded, when shown, as it is)."""
    if figure is None or figure.currency != rate.base:
        return figure
    return figure._replace(converted=Figure(product(figure.exact, rate.exact), rate.quote,
                                            figure.rounding))


def _range(item: PenaltyRange, rate: Rate) -> PenaltyRange:
    if not item.is_money:
        return item
    return replace(item, low=convert_figure(item.low, rate), high=convert_figure(item.high, rate),
                   per_low=convert_figure(item.per_low, rate),
                   per_high=convert_figure(item.per_high, rate))


def _reasons(tier: TierResult, rate: Rate) -> TierResult:
    def one(reason: Reason) -> Reason:
        if reason.figure is None or reason.currency != rate.base:
            return reason
        figure = Figure(reason.figure, reason.currency, DEFAULT_ROUNDING)  # type: ignore[arg-type]
        return replace(reason, converted=convert_figure(figure, rate).converted)  # type: ignore[union-attr]

    return replace(tier, reasons=tuple(one(r) for r in tier.reasons))


def convert_result(assessment: Assessment, rate: Rate | None) -> Assessment:
    """``assessment`` with every amount also in ``rate.quote``, at ``rate`` (unchanged for
    ``None``)."""
    if rate is None:
        return assessment
    return replace(
        assessment,
        principal=tuple(_range(p, rate) for p in assessment.principal),
        additional=tuple(_range(p, rate) for p in assessment.additional),
        tier=_reasons(assessment.tier, rate) if assessment.tier else None,
        also_met=tuple(_reasons(t, rate) for t in assessment.also_met),
        rate=rate)


def convert_assessment(assessment: Assessment, to: str, on: date | None = None,
                       source: str | None = None) -> Assessment:
    """``assessment`` reported in currency ``to`` with one rate for ``on`` (default: the
    offence date the assessment used)."""
    on = day_option("on", on)  # named as the caller named it (report_rate says rate_date)
    rate = report_rate(assessment.provision.currency, to,
                       assessment.offence_date if on is None else on, source)
    return convert_result(assessment, rate)
