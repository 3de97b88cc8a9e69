"""The cells of a batch's CSV output, from results already computed and converted.

Nothing is converted or rounded here: an assessment's figures are rounded once when shown
(:mod:`rates.money`), converted ones come from the result's own rate
(:mod:`penalties.assessment._conversion`), and the words are :mod:`penalties._words`'.
Rows of one class share its cells, computed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from penalties import _words as words
from rates.money import amount_text

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment, Reason
    from penalties.batch._rows import BatchResult
    from rates.model import Rate

__all__ = ["CSV_COLUMNS", "class_cells", "rate_cells", "reasons_cell", "row_cells", "written"]

_MONEY_KINDS = ("fine", "statutory_damages")
_TIME_KINDS = ("community_sentence", "imprisonment", "suspension")

#: The columns of the CSV output, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "row", "id", "provision", "version", "offender", "offence_date", "liable", "tier",
    "tier_ref", "currency",
    *(f"{k}_{b}" for k in _MONEY_KINDS for b in ("min", "max")),
    *(f"{k}_{b}_months" for k in _TIME_KINDS for b in ("min", "max")),
    "additional", "converted_currency",
    *(f"{k}_{b}_converted" for k in _MONEY_KINDS for b in ("min", "max")),
    "rate", "rate_source", "rate_basis", "rate_date", "rate_stale", "reasons", "notes", "error",
)
#: Where the offence date, the converted cells and the reasons are in a row.
DAY = CSV_COLUMNS.index("offence_date")
CONVERTED = CSV_COLUMNS.index("converted_currency")
REASONS = CSV_COLUMNS.index("reasons")
_EMPTY_RATE = ("",) * (REASONS - CONVERTED)
_EMPTY = ("",) * (len(CSV_COLUMNS) - 3)


def class_cells(template: Assessment) -> tuple[str, ...]:
    """The cells every row of a class shares, with the rate's and the row's own left out:
    from ``provision`` to ``additional`` (but ``offence_date``), then ``notes`` and
    ``error``."""
    by_kind: dict[str, tuple[str, str]] = {}
    for item in template.principal:
        by_kind.setdefault(item.kind, words.bound_cells(item))
    p = template.provision
    tier = template.tier
    return (p.id, p.version.isoformat(), template.offender.value,
            "true" if template.liable else "false", tier.id if tier else "",
            tier.ref if tier else "", p.currency,
            *(v for k in _MONEY_KINDS for v in by_kind.get(k, ("", ""))),
            *(v for k in _TIME_KINDS for v in by_kind.get(k, ("", ""))),
            words.additional_cell(template.additional), " | ".join(template.notes), "")


def rate_cells(converted: Assessment) -> tuple[str, ...]:
    """The cells from ``converted_currency`` to ``rate_stale`` of a converted result."""
    rate = converted.rate
    if rate is None:
        return _EMPTY_RATE
    amounts: dict[str, str] = {}
    for item in converted.principal:
        if item.is_money:
            for bound, figure in (("min", item.low), ("max", item.high)):
                key = f"{item.kind}_{bound}"
                if key not in amounts and figure is not None and figure.converted is not None:
                    amounts[key] = amount_text(figure.converted.amount)
    return (rate.quote, *(amounts.get(f"{k}_{b}", "") for k in _MONEY_KINDS
                          for b in ("min", "max")),
            amount_text(rate.value), rate.source, rate.basis, rate.period,
            "true" if rate.stale else "false")


def reasons_cell(reasons: Sequence[Reason]) -> str:
    """The ``reasons`` cell."""
    return " | ".join(r.text for r in reasons)


def row_cells(result: BatchResult) -> tuple[Any, ...]:
    """One CSV row (:data:`CSV_COLUMNS`) for ``result``."""
    found = result.assessment
    if found is None:
        return (result.row, result.id or "", *_EMPTY, result.error)
    shared = class_cells(found)
    head = DAY - 2
    tail = len(shared) - 2
    return (result.row, result.id or "", *shared[:head], found.offence_date.isoformat(),
            *shared[head:tail], *rate_cells(found),
            reasons_cell(found.tier.reasons if found.tier else ()), *shared[tail:])


def written(rate: Rate) -> tuple[Any, ...]:
    """What the CSV cells say of a rate. Rates asked for different days often are the same
    published value (a month-end, a weekend); their cells are the same, so they are shared."""
    return (rate.value, rate.quote, rate.source, rate.basis, rate.period_start,
            rate.period_end, rate.stale)

