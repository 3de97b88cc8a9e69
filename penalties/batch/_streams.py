"""The batch by columns on a CSV stream (:func:`csv_to_csv`, what ``penalties batch`` runs
from CSV to CSV) and on a pandas DataFrame (:func:`assess_frame`, e.g. on each partition of
a Dask DataFrame): chunks of rows given to :class:`~penalties.batch._table.TableAssessor`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice
from typing import IO, TYPE_CHECKING

from penalties.batch._cells import CSV_COLUMNS
from penalties.batch._chunk import csv_cells
from penalties.batch._files import Sink, undecodable, undecodable_rows
from penalties.batch._table import TableAssessor

if TYPE_CHECKING:
    import pandas

    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["CHUNK_ROWS", "assess_frame", "csv_to_csv"]

#: Rows per chunk in ``penalties batch`` (memory stays bounded by one chunk).
CHUNK_ROWS = 10_000


def csv_to_csv(source: IO[str], sink: Sink, provision: str | Statute, *,
               catalog: Catalog | None = None, to: str | None = None,
               rate_date: date | None = None, rate_source: str | None = None,
               stop_at_error: bool = False, chunk_rows: int = CHUNK_ROWS,
               today: date | None = None, on_stale: Callable[[Rate], None] | None = None
               ) -> Iterator[tuple[int, list[tuple[int, str]]]]:
    """Assess a CSV stream of cases into a CSV stream of results, chunk by chunk; yield the
    number of rows written so far and the rows in error of each chunk. ``today`` is the
    date of rows that give no offence date (default: the day the batch starts), as for
    :func:`~penalties.batch._rows.assess_many`; ``on_stale`` is told each stale rate used
    (once per currency, date and source).

    The header is checked as :func:`~penalties.batch._files.read_cases` checks it, and
    rows are read as it reads them (from a stream opened with its error handler, a row
    holding bytes that are not UTF-8 is a row in error). With ``stop_at_error``, the rows
    after the first row in error are not written and the iteration ends there. A file the
    ``csv`` module cannot parse further raises ``csv.Error`` naming the line, after the
    rows before it are written.
    """
    reader, before = csv.reader(source), undecodable()
    try:
        header = next(reader, [])
        table = TableAssessor(header, provision, catalog=catalog, to=to, rate_date=rate_date,
                              rate_source=rate_source, today=today, on_stale=on_stale)
        sink.write(csv_cells(CSV_COLUMNS) + "\n")
        done = 0
        for rows in _chunks(reader, chunk_rows):
            bad = undecodable_rows(header, rows) if undecodable() != before else None
            chunk = table.chunk(rows, done + 1, bad)
            errors = chunk.errors
            if errors and stop_at_error:
                sink.write(chunk.csv(stop=errors[0][0]))
                yield errors[0][0] - 1, errors[:1]
                return
            sink.write(chunk.csv())
            done += len(chunk)
            yield done, errors
    except csv.Error as exc:
        raise csv.Error(f"line {reader.line_num}: {exc}") from None


def _chunks(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    """``rows`` in lists of about ``size``, blank lines skipped (as ``csv.DictReader``
    does)."""
    while True:
        batch: list[list[str]] = []
        try:
            batch.extend(islice(rows, size))
        except csv.Error:  # the rows read before the error are written first, as row by row
            yield [row for row in batch if row]
            raise
        if not batch:
            return
        yield [row for row in batch if row]


def assess_frame(frame: pandas.DataFrame, provision: str | Statute, *,
                 catalog: Catalog | None = None, to: str | None = None,
                 rate_date: date | None = None, rate_source: str | None = None,
                 first_row: int = 1, today: date | None = None) -> pandas.DataFrame:
    """Assess each row of a pandas DataFrame of cases; one row of results per case.

    Columns are fact names (and ``id``), as in a batch CSV file; values are read as text
    and missing values are blank. The result has the input's index and the columns of
    :data:`~penalties.batch._files.CSV_COLUMNS`, all text but ``row``, which counts from
    ``first_row``. Rows in error have their reason in ``error``; they are never dropped.

    It keeps no state between calls, so it runs unchanged on each partition of a Dask
    DataFrame (see the README). Pass ``today`` (the date of rows that give no offence date)
    when partitions may run on different days: each call's default is its own today.
    """
    import pandas

    header = [str(name) for name in frame.columns]
    table = TableAssessor(header, provision, catalog=catalog, to=to, rate_date=rate_date,
                          rate_source=rate_source, today=today)
    columns = [[_text(value) for value in frame[name].tolist()] for name in frame.columns]
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    chunk = table.chunk(rows, first_row)
    return pandas.DataFrame(chunk.columns(), index=frame.index, columns=list(CSV_COLUMNS))


def _text(value: object) -> str:
    import pandas

    if value is None or value is pandas.NA or value is pandas.NaT or (
            isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pandas.Timestamp):
        return str(value.date().isoformat())
    return str(value)
