"""Batch files: cases in CSV or JSON Lines, one result per row in CSV or JSON Lines.

Input columns (CSV header, or keys of each JSON object) are ``id`` (optional, passed
through) and any fact of the vocabulary (:func:`~penalties.batch._rows.input_columns`);
blank means "not given".
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
from penalties.batch._cells import CSV_COLUMNS, row_cells
from penalties.batch._rows import BatchResult, input_columns

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary

__all__ = ["CSV_COLUMNS", "check_header", "ragged_row", "read_cases", "write_csv",
           "write_jsonl"]


def read_cases(stream: IO[str], kind: str, vocabulary: Vocabulary | None = None
               ) -> Iterator[dict[str, Any]]:
    """Cases from a CSV or JSON Lines stream, one mapping per row, lazily.

    A CSV header that :func:`check_header` refuses is an
    :class:`~penalties._errors.InvalidFacts` before any row is read. A JSON line that is not
    an object, or a CSV row with more or fewer fields than the header, becomes a row in
    error (its only keys ``__error__``, what was expected and ``id``).
    """
    if kind == "csv":
        reader = csv.reader(stream)
        header = next(reader, [])
        check_header(header, vocabulary)
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


def check_header(header: Sequence[str], vocabulary: Vocabulary | None = None) -> None:
    """Refuse a CSV header that is missing, has an unknown or repeated column (the facts
    of ``vocabulary``, default: the built-in one), or has no ``offender`` column."""
    if vocabulary is None:
        from penalties._vocabulary import builtin_vocabulary

        vocabulary = builtin_vocabulary()
    columns = input_columns(vocabulary)
    if not header:
        raise InvalidFacts("header", "the file is empty", "a header naming offender and "
                           "other facts, then one case per row")
    repeated = [c for at, c in enumerate(header) if c in header[:at]]
    if repeated:
        raise InvalidFacts(f"column {repeated[0]!r}", "appears twice in the header",
                           "each column once")
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise InvalidFacts(f"column {unknown[0]!r}", "unknown column in the header",
                           ", ".join(columns))
    if "offender" not in header:
        raise InvalidFacts("offender", "the header has no offender column",
                           "a header naming offender and other facts")


def write_csv(results: Iterable[BatchResult], stream: IO[str]) -> Iterator[BatchResult]:
    """Write each result as a CSV row (header first) and yield it on, for reporting."""
    writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for result in results:
        writer.writerow(row_cells(result))
        yield result


def write_jsonl(results: Iterable[BatchResult], stream: IO[str]) -> Iterator[BatchResult]:
    """Write each result as one JSON document per line and yield it on, for reporting."""
    for result in results:
        stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        yield result
