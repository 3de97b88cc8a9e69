"""The cells of a batch's CSV output, from results already computed and converted.

Nothing is converted or rounded here: an assessment's figures are rounded once when shown
(:mod:`rates.money`), converted ones come from the result's own rate
(:mod:`penalties.assessment._conversion`), and the words are :mod:`penalties._words`'.
Rows of one class share its cells, computed once.

A converted row states its one rate as a spreadsheet reads it (:func:`rate_said`, from
:func:`rates.quoted.quoted_json`, the same fields as the JSON ``conversion`` block):
``rate_quoted`` and ``rate_unit`` (``22463``, ``VND per USD``: the larger way round, as
published or exact from the published legs), ``rate_multiplier`` (the exact figure amounts
are multiplied by), ``rate_basis`` (``daily``, ``month-end``, ``annual average``),
``rate_date`` and ``rate_period_start`` (ISO dates: the period's end and start). Every
number is plain decimal text: no exponent, no thousands separators. What the cells say of
a rate is computed once per distinct rate, never per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from penalties import _words as words
from rates.exact import as_fraction
from rates.money import amount_text
from rates.quoted import quoted_json

if TYPE_CHECKING:
    from penalties.assessment._figures import PenaltyRange
    from penalties.assessment._results import Assessment, Reason
    from penalties.batch._rows import BatchResult
    from rates.model import Rate

__all__ = ["CSV_COLUMNS", "RATE_SAID", "class_cells", "rate_cells", "rate_said", "reasons_cell",
           "row_cells", "written"]

_MONEY_KINDS = ("fine", "statutory_damages")
_TIME_KINDS = ("community_sentence", "imprisonment", "suspension")

#: The columns that say what a converted row's rate is, in order. ``rate_quoted`` and
#: ``rate_unit`` give the rate as quoted (``22463``, ``VND per USD``); ``rate_multiplier`` is
#: the exact multiplier (``converted = amount × rate_multiplier``), the column called
#: ``rate`` before: renamed, not kept beside ``rate_quoted``, because a bare ``rate`` is read
#: as the quoted figure, and the rate columns change meaning in this release anyway
#: (``rate_basis``, ``rate_date``), so a reader of the old columns fails loudly instead of
#: reading 0.0000445 as 22463. ``rate_basis`` is ``daily``, ``month-end`` or ``annual
#: average`` (each leg's, joined by ``and``, for a cross rate whose legs differ);
#: ``rate_type`` what kind of rate it is (``official``, ``reference``, ``market``, ``mixed``:
#: :data:`rates.model.RATE_TYPES`);
#: ``rate_date`` is the end of the rate's period (the day, the month's last day, the year's
#: last day) and ``rate_period_start`` its start, both YYYY-MM-DD.
RATE_SAID: tuple[str, ...] = (
    "rate_quoted", "rate_unit", "rate_multiplier", "rate_source", "rate_basis", "rate_type",
    "rate_date", "rate_period_start", "rate_stale",
)
#: The columns of the CSV output, in order. Every number is plain decimal text (no exponent,
#: no thousands separators), every date YYYY-MM-DD, as a spreadsheet reads them.
#: ``offence_date_given`` is ``false`` when the row gave no offence date (it was assessed on
#: the batch's date, ``offence_date``); ``can_be_liable`` says whether the law can reach
#: this offender on that date at all, ``tier_applies`` whether a tier applies. They replace
#: the column ``liable``, which said the first and was read as the second: gone rather than
#: kept, so that a reader of it fails on the missing name instead of misreading it.
#: ``fine_max_kind`` (and each kind's ``_max_kind``) says what its maximum cell is, as an
#: empty cell cannot: ``limit`` (the law's maximum), ``floor`` (the law's maximum is at
#: least it: a term left out for want of its fact, GDPR Art. 83(5) without the turnover),
#: ``none`` (the law sets no maximum: the cell is empty), or empty when the row has no such
#: penalty (the JSON's ``max: null`` and ``max_is_floor``).
CSV_COLUMNS: tuple[str, ...] = (
    "row", "id", "provision", "version", "offender", "offence_date", "offence_date_given",
    "can_be_liable", "tier_applies", "tier", "tier_ref", "currency",
    *(f"{k}_{b}" for k in _MONEY_KINDS for b in ("min", "max")),
    *(f"{k}_{b}_months" for k in _TIME_KINDS for b in ("min", "max")),
    *(f"{k}_max_kind" for k in (*_MONEY_KINDS, *_TIME_KINDS)),
    "additional", "converted_currency",
    *(f"{k}_{b}_converted" for k in _MONEY_KINDS for b in ("min", "max")),
    *RATE_SAID, "reasons", "notes", "error",
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
    ranges: dict[str, list[PenaltyRange]] = {}
    for item in template.principal:
        ranges.setdefault(item.kind, []).append(item)
    by_kind = {name: _span(items) for name, items in ranges.items()}
    max_kinds = {name: _max_kind(items) for name, items in ranges.items()}
    # the law chosen between the offence's and the trial's, and why (its last line: the
    # others name the template's own dates, which the rows of a class do not share)
    notes = [*template.law_choice[-1:], *template.notes, *_qualified(ranges)]
    if len(template.principal) > 1:  # the cells of several kinds: which the court imposes
        notes.append(f"principal penalties, {words.principal_rule(template.principal_rule)}: "
                     + ", ".join(words.kind(k) for k in ranges))
    p = template.provision
    tier = template.tier
    return (p.id, p.version.isoformat(), template.offender.value,
            _yes(template.date_basis == "offence_date"), _yes(template.liable),
            _yes(tier is not None), tier.id if tier else "",
            tier.ref if tier else "", p.currency,
            *(v for k in _MONEY_KINDS for v in by_kind.get(k, ("", ""))),
            *(v for k in _TIME_KINDS for v in by_kind.get(k, ("", ""))),
            *(max_kinds.get(k, "") for k in (*_MONEY_KINDS, *_TIME_KINDS)),
            words.additional_cell(template.additional), " | ".join(notes), "")


def _span(items: list[PenaltyRange]) -> tuple[str, str]:
    """The cells of a kind's ranges: one range's ends, or the lowest minimum and the highest
    maximum of several (China's fixed-term imprisonment and criminal detention, 6-36 and 1-6
    months: 1 and 36; an end the law leaves open stays open)."""
    low, high = _ends(items)
    return (words.bound_cells(low)[0] if low is not None else "",
            words.bound_cells(high)[1] if high is not None else "")


def _max_kind(items: list[PenaltyRange]) -> str:
    """The ``_max_kind`` cell of a kind's ranges (:data:`CSV_COLUMNS`): ``none`` when a
    range has no maximum, ``floor`` when the highest is only a floor, else ``limit``."""
    high = _ends(items)[1]
    if high is None or (high.high if high.is_money else high.max_months) is None:
        return "none"
    return "floor" if high.high_is_floor else "limit"


def _ends(items: list[PenaltyRange]) -> tuple[PenaltyRange | None, PenaltyRange | None]:
    """The range of the lowest minimum and that of the highest maximum (``None``: an end
    the law leaves open in one of them); the cells and their conversions read these."""
    if len(items) == 1:
        return items[0], items[0]
    lows = [(end, item) for item in items if (end := _end(item, "low")) is not None]
    highs = [(end, item) for item in items if (end := _end(item, "high")) is not None]
    return (min(lows, key=itemgetter(0))[1] if len(lows) == len(items) else None,
            max(highs, key=itemgetter(0))[1] if len(highs) == len(items) else None)


def _end(item: PenaltyRange, which: str) -> Fraction | None:
    if item.is_money:
        figure = item.low if which == "low" else item.high
        return as_fraction(figure.exact) if figure is not None else None
    months = item.min_months if which == "low" else item.max_months
    return as_fraction(months) if months is not None else None


def _qualified(ranges: dict[str, list[PenaltyRange]]) -> list[str]:
    """What the cells of the ranges do not say by themselves: a maximum that is only a floor
    (a term left out for want of its fact), a figure that rests on an unconfirmed value
    ([U], as everywhere it decides a result), several ranges of a kind spanned by its
    cells."""
    notes = []
    for name, items in ranges.items():
        for item in items:
            if item.high_is_floor:
                notes.append(f"the law's maximum is at least {name}_max: {words.kind(name)} "
                             + "; ".join(item.basis))
            elif unconfirmed := [line for line in item.basis if "[U]" in line]:
                notes.append(f"{words.kind(name)} " + "; ".join(unconfirmed))
        if len(items) > 1:
            notes.append(f"{name}: {len(items)} ranges, the cells give their span: "
                         + "; ".join(f"{words.range_line(i)} [{i.ref}]" for i in items))
    return notes


def _yes(value: bool) -> str:
    return "true" if value else "false"


def rate_cells(converted: Assessment) -> tuple[str, ...]:
    """The cells from ``converted_currency`` to ``rate_stale`` of a converted result."""
    rate = converted.rate
    if rate is None:
        return _EMPTY_RATE
    amounts: dict[str, str] = {}
    ranges: dict[str, list[PenaltyRange]] = {}
    for item in converted.principal:
        if item.is_money:
            ranges.setdefault(item.kind, []).append(item)
    for name, items in ranges.items():  # the ranges of the cells (_span), converted
        low, high = _ends(items)
        for bound, figure in (("min", low.low if low else None),
                              ("max", high.high if high else None)):
            if figure is not None and figure.converted is not None:
                amounts[f"{name}_{bound}"] = amount_text(figure.converted.amount)
    return (rate.quote, *(amounts.get(f"{k}_{b}", "") for k in _MONEY_KINDS
                          for b in ("min", "max")), *rate_said(rate))


def rate_said(rate: Rate) -> tuple[str, ...]:
    """The cells of :data:`RATE_SAID`: what a rate is, as a spreadsheet reads it."""
    said = quoted_json(rate)
    return (said["rate_quoted"], said["rate_unit"], said["rate_multiplier"], rate.source,
            said["rate_basis"], rate.rate_type, said["rate_date"], said["rate_period_start"],
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
    notes = shared[tail]
    if found.inputs:  # the row's own amounts in another currency, with the rate of each
        notes = " | ".join(filter(None, (notes, *(
            "Input: " + words.input_conversion(item) for item in found.inputs))))
    return (result.row, result.id or "", *shared[:head], found.offence_date.isoformat(),
            *shared[head:tail], *rate_cells(found),
            reasons_cell(found.tier.reasons if found.tier else ()), notes, *shared[tail + 1:])


def written(rate: Rate) -> tuple[Any, ...]:
    """What a rate's CSV cells are made of (:func:`rate_said` and ``converted_currency``):
    its pair, multiplier, source, series (and so each leg's basis), basis, period and
    staleness. Rates asked for different days often are the same published value (a
    month-end, a weekend); their cells are the same, so they are shared, and made once
    (:func:`rate_cells`)."""
    return (rate.base, rate.quote, rate.value, rate.source, rate.series, rate.basis,
            rate.rate_type, rate.period_start, rate.period_end, rate.stale)

