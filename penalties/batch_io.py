"""Batch files: cases in CSV or JSON Lines, one result per row in CSV or JSON Lines.

Input columns (CSV header, or keys of each JSON object) are ``id`` (optional, passed
through) and any fact (:data:`~penalties.batch.INPUT_COLUMNS`); blank means "not given".
The CSV output has these columns (:data:`CSV_COLUMNS`):

``row`` (1 = the first data row), ``id``, ``provision``, ``version``, ``offender``,
``offence_date``, ``liable``, ``tier``, ``tier_ref``, ``currency``, for each principal
penalty kind its ``_min`` and ``_max`` (money) or ``_min_months`` and ``_max_months``,
``additional`` (kinds and ranges), with a target currency the ``_converted`` amounts,
``converted_currency``, ``rate``, ``rate_source``, ``rate_basis``, ``rate_date`` and
``rate_stale``, then ``reasons``, ``notes`` and ``error``. JSON Lines output holds each
row's full JSON document (the one ``penalties assess --json`` prints) with ``row`` and ``id``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from penalties.batch import INPUT_COLUMNS, BatchResult
from penalties.errors import InvalidFacts
from rates.money import amount_text

if TYPE_CHECKING:
    from penalties.assessment import Assessment, PenaltyRange
    from rates.model import Rate

__all__ = ["CSV_COLUMNS", "read_cases", "write_csv", "write_jsonl"]

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
_CONVERTED = tuple(f"{k}_{b}" for k in _MONEY_KINDS for b in ("min", "max"))


def read_cases(stream: IO[str], kind: str) -> Iterator[dict[str, Any]]:
    """Cases from a CSV or JSON Lines stream, one mapping per row, lazily.

    A CSV header with an unknown column, or without ``offender``, is an
    :class:`~penalties.errors.InvalidFacts` before any row is read. A JSON line that is not
    an object becomes a row whose only key is ``__error__``.
    """
    if kind == "csv":
        reader = csv.DictReader(stream)
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in INPUT_COLUMNS]
        if unknown:
            raise InvalidFacts(f"column {unknown[0]!r}", "unknown column in the header",
                               ", ".join(INPUT_COLUMNS))
        if "offender" not in header:
            raise InvalidFacts("offender", "the header has no offender column",
                               "a header naming offender and other facts")
        yield from reader
        return
    for line in stream:
        if not line.strip():
            continue
        try:
            value = json.loads(line, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            yield {"__error__": f"not JSON: {exc.msg} at column {exc.colno}"}
            continue
        yield value if isinstance(value, dict) else {"__error__": "not a JSON object"}


def _bounds(item: PenaltyRange) -> tuple[str, str]:
    if item.is_money:
        return (amount_text(item.min.amount) if item.min else "",
                amount_text(item.max.amount) if item.max else "")
    return (str(item.min_months) if item.min_months is not None else "",
            str(item.max_months) if item.max_months is not None else "")


def _additional(items: Iterable[PenaltyRange]) -> str:
    parts = []
    for item in items:
        low, high = _bounds(item)
        unit = f" {item.max.currency.code}" if item.is_money and item.max else (
            "" if item.is_money else " months")
        parts.append(f"{item.kind} {low}-{high}{unit} [{item.ref}]")
    return "; ".join(parts)


class _Cells:
    """CSV cells of one class of rows, computed once; converted cells once per rate."""

    def __init__(self, template: Assessment) -> None:
        self.template = template
        by_kind: dict[str, tuple[str, str]] = {}
        self.money: dict[str, Any] = {}
        for item in template.principal:
            by_kind.setdefault(item.kind, _bounds(item))
            if item.is_money:
                self.money.setdefault(f"{item.kind}_min", item.min)
                self.money.setdefault(f"{item.kind}_max", item.max)
        p = template.provision
        tier = template.tier
        self.head = (p.id, p.version.isoformat(), template.offender.value)
        self.middle = (
            "true" if template.liable else "false", tier.id if tier else "",
            tier.ref if tier else "", p.currency,
            *(v for k in _MONEY_KINDS for v in by_kind.get(k, ("", ""))),
            *(v for k in _TIME_KINDS for v in by_kind.get(k, ("", ""))),
            _additional(template.additional),
        )
        self.notes = " | ".join(template.notes)
        self.converted: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def conversion(self, rate: Rate | None) -> tuple[str, ...]:
        if rate is None:
            return ("",) * (len(_CONVERTED) + 6)
        # Rates asked for different days often are the same published value (a month-end,
        # a weekend): the cells depend only on what is written, so they are shared.
        key = (rate.value, rate.quote, rate.source, rate.basis, rate.period_start,
               rate.period_end, rate.stale)
        found = self.converted.get(key)
        if found is None:
            values = []
            for name in _CONVERTED:
                money = self.money.get(name)
                values.append(amount_text(rate.convert(money).rounded) if money else "")
            found = (rate.quote, *values, amount_text(rate.value), rate.source, rate.basis,
                     rate.period, "true" if rate.stale else "false")
            self.converted[key] = found
        return found


def write_csv(results: Iterable[BatchResult], stream: IO[str]) -> Iterator[BatchResult]:
    """Write each result as a CSV row (header first) and yield it on, for reporting."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    cells: dict[int, _Cells] = {}
    empty = ("",) * (len(CSV_COLUMNS) - 3)
    for result in results:
        template = result.template
        if template is None:
            writer.writerow((result.row, result.id or "", *empty, result.error))
            yield result
            continue
        found = cells.get(id(template))
        if found is None:
            if len(cells) > 100_000:
                cells.clear()  # a bounded cache: constant memory on any input
            found = cells[id(template)] = _Cells(template)
        day = (template.offence_date.isoformat() if result.exact or result.source is None
               else _offence_date(result))
        reasons = " | ".join(r.text for r in result.reasons())
        writer.writerow((result.row, result.id or "", *found.head, day, *found.middle,
                         *found.conversion(result.rate), reasons, found.notes, ""))
        yield result


def _offence_date(result: BatchResult) -> str:
    source = result.source
    if isinstance(source, dict):
        return str(source.get("offence_date", "")).strip()
    date = getattr(source, "offence_date", None)
    return date.isoformat() if date else ""


def write_jsonl(results: Iterable[BatchResult], stream: IO[str]) -> Iterator[BatchResult]:
    """Write each result as one JSON document per line and yield it on, for reporting."""
    for result in results:
        stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        yield result
