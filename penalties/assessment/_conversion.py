"""Amounts in other currencies: inputs converted for the legal tests, results for reporting.

Legal thresholds are tested in the statute's currency. An input amount given in another
currency (a profit in USD for a VND statute) is converted at the rate for the offence date,
rounded once to the statute currency's minor unit, and the explanation says so. A whole
assessment is reported in another currency with **one** rate, stated once with its
provenance; the legal figures stay in the statute's currency beside the converted ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from penalties.assessment._results import format_amount
from rates.money import amount_text

if TYPE_CHECKING:
    from moneyed import Money

    from penalties._facts import Amount
    from penalties.assessment._results import Assessment
    from rates.model import Rate

__all__ = ["ConvertedAssessment", "conversion_json", "convert_assessment", "input_converter",
           "with_converted"]


def input_converter(source: str | None = None,
                    on: date | None = None) -> Callable[[Amount, str, date], tuple[Any, str]]:
    """A converter for facts given in another currency (used by the engine).

    The rate is the one for ``on`` if given, else for the offence date the engine passes.
    """

    def convert(amount: Amount, to: str, day: date) -> tuple[Any, str]:
        import rates

        assert amount.currency is not None
        result = rates.convert(amount.value, to, on or day, source=source,
                               currency=amount.currency)
        shown = format_amount(result.rounded, to)
        how = (f"{format_amount(amount.value, amount.currency)} = {shown} at "
               f"{_rate_words(result.rate)}; the legal test uses {shown}")
        return result.rounded, how

    return convert


def _rate_words(rate: Rate) -> str:
    """``22,463 VND per USD (IMF monthly end-of-period, 2018-02; asked for 2018-03-19)``."""
    if rate.value >= 1:
        words = f"{_significant(rate.value):,f} {rate.quote} per {rate.base}"
    else:
        words = f"{_significant(1 / rate.value):,f} {rate.base} per {rate.quote}"
    return f"{words} ({rate.describe()}; source {rate.source}{', stale' if rate.stale else ''})"


def _significant(value: Decimal, digits: int = 8) -> Decimal:
    """``value`` to ``digits`` significant digits, without trailing zeros (for display)."""
    exponent = value.adjusted() - digits + 1
    return value.quantize(Decimal(1).scaleb(exponent)).normalize() if value else value


@dataclass(frozen=True, slots=True)
class ConvertedAssessment:
    """An assessment with every amount also shown in ``currency``, at one ``rate``."""

    assessment: Assessment
    currency: str
    rate: Rate
    rounding: str

    def converted(self, value: Money) -> Money:
        """``value`` (in the statute's currency) converted and rounded once."""
        return self.rate.convert(value, rounding=self.rounding).converted

    def describe(self) -> str:
        """The rate in words, with its provenance."""
        return _rate_words(self.rate)

    def conversion_json(self) -> dict[str, Any]:
        """The ``conversion`` block of the JSON document."""
        return conversion_json(self.rate, self.rounding)

    def to_dict(self) -> dict[str, Any]:
        """The assessment's JSON with ``converted`` beside every amount in the statute's
        currency, and the ``conversion`` block."""
        return with_converted(self.assessment.to_dict(), self.rate, self.rounding)


def conversion_json(rate: Rate, rounding: str) -> dict[str, Any]:
    """The ``conversion`` block of a JSON document: the rate once, with its provenance."""
    return {
        "from": rate.base,
        "to": rate.quote,
        "rate": amount_text(rate.value),
        "source": rate.source,
        "source_name": rate.source_name,
        "attribution": rate.attribution,
        "basis": rate.basis,
        "rate_date": rate.period,
        "period_start": rate.period_start.isoformat(),
        "period_end": rate.period_end.isoformat(),
        "asked_for": rate.asked_for.isoformat(),
        "stale": rate.stale,
        "rounding": rounding,
        "description": rate.describe(),
        "details": rate.to_dict(),
    }


def with_converted(document: dict[str, Any], rate: Rate, rounding: str) -> dict[str, Any]:
    """``document`` with ``converted`` beside every ``{"amount", "currency"}`` object in the
    rate's base currency, and a ``conversion`` block stating the rate once."""
    from moneyed import Money

    def walk(node: Any) -> Any:  # noqa: ANN401 - JSON
        if isinstance(node, dict):
            if set(node) == {"amount", "currency"} and node["currency"] == rate.base:
                converted = rate.convert(Money(node["amount"], rate.base),
                                         rounding=rounding).converted
                return {**node, "converted": {"amount": amount_text(converted.amount),
                                              "currency": rate.quote}}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    converted: dict[str, Any] = walk(document)
    converted["conversion"] = conversion_json(rate, rounding)
    return converted


def convert_assessment(assessment: Assessment, to: str, on: date | None = None,
                       source: str | None = None,
                       rounding: str | None = None) -> ConvertedAssessment:
    """Report ``assessment`` in currency ``to`` with one rate for ``on`` (default: the
    offence date the assessment used)."""
    import rates
    from rates.money import DEFAULT_ROUNDING, check_currency

    target = check_currency(to)
    rate = rates.get_rate(assessment.provision.currency, target, on or assessment.offence_date,
                          source=source)
    return ConvertedAssessment(assessment, target, rate, rounding or DEFAULT_ROUNDING)
