"""Batch files: cases in CSV or JSON Lines, one result per row in CSV or JSON Lines.

Input columns (CSV header, or keys of each JSON object) are ``id`` (optional, passed
through) and any fact (:data:`~penalties.batch._rows.INPUT_COLUMNS`); blank means "not given".
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
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from penalties._errors import InvalidFacts
from penalties.batch._rows import INPUT_COLUMNS, BatchResult
from rates.money import amount_text

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment, PenaltyRange
    from rates.model import Rate

__all__ = [
    "CSV_COLUMNS",
    "ClassCells",
    "RowCells",
    "check_header",
    "ragged_row",
    "read_cases",
    "write_csv",
    "write_jsonl",
    "written",
]

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

    A CSV header that :func:`check_header` refuses is an
    :class:`~penalties._errors.InvalidFacts` before any row is read. A JSON line that is not
    an object, or a CSV row with more or fewer fields than the header, becomes a row in
    error (its only keys ``__error__``, what was expected and ``id``).
    """
    if kind == "csv":
        reader = csv.reader(stream)
        header = next(reader, [])
        check_header(header)
        width = len(header)
        for cells in reader:
            if cells:  # a blank line is no row (as csv.DictReader reads it)
                yield (dict(zip(header, cells, strict=True)) if len(cells) == width
                       else ragged_row(header, cells))
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


def ragged_row(header: Sequence[str], cells: Sequence[str]) -> dict[str, Any]:
    """The case of a CSV row with more or fewer fields than the header: an error (a
    missing or extra separator would shift every value after it), with its ``id`` if it
    has one."""
    named = {"id": cells[header.index("id")]} if "id" in header[:len(cells)] else {}
    return {**named, "__error__": f"the row has {len(cells)} fields, the header "
            f"{len(header)}", "__expected__": "one field for each column of the header"}


def check_header(header: Sequence[str]) -> None:
    """Refuse a CSV header that is missing, has an unknown or repeated column, or has no
    ``offender`` column."""
    if not header:
        raise InvalidFacts("header", "the file is empty", "a header naming offender and "
                           "other facts, then one case per row")
    repeated = [c for at, c in enumerate(header) if c in header[:at]]
    if repeated:
        raise InvalidFacts(f"column {repeated[0]!r}", "appears twice in the header",
                           "each column once")
    unknown = [c for c in header if c not in INPUT_COLUMNS]
    if unknown:
        raise InvalidFacts(f"column {unknown[0]!r}", "unknown column in the header",
                           ", ".join(INPUT_COLUMNS))
    if "offender" not in header:
        raise InvalidFacts("offender", "the header has no offender column",
                           "a header naming offender and other facts")


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


class ClassCells:
    """CSV cells of one class of rows, computed once; converted cells once per rate and
    set of amounts (classes with the same ranges share them)."""

    def __init__(self, template: Assessment,
                 converted: dict[tuple[Any, ...], tuple[str, ...]]) -> None:
        self.template = template
        by_kind: dict[str, tuple[str, str]] = {}
        money: dict[str, Any] = {}
        for item in template.principal:
            by_kind.setdefault(item.kind, _bounds(item))
            if item.is_money:
                money.setdefault(f"{item.kind}_min", item.min)
                money.setdefault(f"{item.kind}_max", item.max)
        self.money = tuple(money.get(name) for name in _CONVERTED)
        self.amounts = tuple((m.amount, m.currency.code) if m else None for m in self.money)
        self.converted = converted
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

    def conversion(self, rate: Rate | None) -> tuple[str, ...]:
        """The cells from ``converted_currency`` to ``rate_stale``."""
        if rate is None:
            return ("",) * (len(_CONVERTED) + 6)
        key = (self.amounts, written(rate))
        found = self.converted.get(key)
        if found is None:
            values = (amount_text(rate.convert(m).rounded) if m else "" for m in self.money)
            found = (rate.quote, *values, amount_text(rate.value), rate.source, rate.basis,
                     rate.period, "true" if rate.stale else "false")
            self.converted[key] = found
        return found


class RowCells:
    """The CSV cells of results; each class's cells are made once (a bounded cache)."""

    def __init__(self) -> None:
        self.cells: dict[int, ClassCells] = {}
        self.converted: dict[tuple[Any, ...], tuple[str, ...]] = {}

    def of(self, template: Assessment) -> ClassCells:
        """The cells shared by every row of ``template``'s class."""
        found = self.cells.get(id(template))
        if found is None:
            if len(self.cells) > 20_000 or len(self.converted) > 200_000:
                self.cells.clear()  # constant memory on any input
                self.converted.clear()
            found = self.cells[id(template)] = ClassCells(template, self.converted)
        return found

    def row(self, result: BatchResult) -> tuple[Any, ...]:
        """One CSV row (:data:`CSV_COLUMNS`) for ``result``."""
        template = result.template
        if template is None:
            return (result.row, result.id or "", *_EMPTY, result.error)
        found = self.of(template)
        day = (template.offence_date.isoformat() if result.exact or result.source is None
               else _offence_date(result))
        reasons = " | ".join(r.text for r in result.reasons())
        return (result.row, result.id or "", *found.head, day, *found.middle,
                *found.conversion(result.rate), reasons, found.notes, "")


_EMPTY = ("",) * (len(CSV_COLUMNS) - 3)


def written(rate: Rate) -> tuple[Any, ...]:
    """What the CSV cells say of a rate. Rates asked for different days often are the same
    published value (a month-end, a weekend); their cells are the same, so they are shared."""
    return (rate.value, rate.quote, rate.source, rate.basis, rate.period_start,
            rate.period_end, rate.stale)


def write_csv(results: Iterable[BatchResult], stream: IO[str]) -> Iterator[BatchResult]:
    """Write each result as a CSV row (header first) and yield it on, for reporting."""
    writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    cells = RowCells()
    for result in results:
        writer.writerow(cells.row(result))
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
