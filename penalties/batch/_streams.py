"""The batch by columns on a CSV stream (:func:`csv_to_csv`, what ``penalties batch`` runs
from CSV to CSV) and on a pandas DataFrame (:func:`~penalties.batch._frame.assess_frame`,
e.g. on each partition of a Dask DataFrame): chunks of rows given to
:class:`~penalties.batch._table.TableAssessor`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date
from itertools import islice
from typing import IO, TYPE_CHECKING

from penalties.batch._cells import CSV_COLUMNS
from penalties.batch._chunk import csv_cells
from penalties.batch._decimal import CommaRows, read_with_mark
from penalties.batch._files import Sink, blank_line, undecodable, undecodable_mark, undecodable_rows
from penalties.batch._formulas import neutral_cells
from penalties.batch._frame import assess_frame
from penalties.batch._rows import Assessor
from penalties.batch._sniff import Peeked, open_csv
from penalties.batch._table import TableAssessor

if TYPE_CHECKING:
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["CHUNK_ROWS", "assess_frame", "csv_to_csv"]

#: Rows per chunk in ``penalties batch`` (memory stays bounded by one chunk).
CHUNK_ROWS = 10_000


def csv_to_csv(source: IO[str] | Peeked, sink: Sink, provision: str | Statute, *,
               catalog: Catalog | None = None, to: str | None = None,
               rate_date: date | None = None, rate_source: str | None = None,
               stop_at_error: bool = False, chunk_rows: int = CHUNK_ROWS,
               today: date | None = None, on_stale: Callable[[Rate], None] | None = None,
               delimiter: str | None = None, strict_columns: bool = False,
               input_rate_date: date | None = None,
               on_note: Callable[[str], None] | None = None, decimal_mark: str | None = None,
               escape_formulas: bool = False
               ) -> Iterator[tuple[int, list[tuple[int, str]]]]:
    """Assess a CSV stream of cases into a CSV stream of results, chunk by chunk; yield the
    number of rows written so far and the rows in error of each chunk. ``today`` is the
    date of rows that give no offence date (default: the day the batch starts), as for
    :func:`~penalties.batch._rows.assess_many`; ``on_stale`` is told each stale rate used
    (once per currency, date and source).

    The header is checked as :func:`~penalties.batch._files.read_cases` checks it (with
    ``strict_columns``, a column that is not a fact is refused; without, it is carried
    through, after the result columns, and ``on_note`` is told so once), and rows are read
    as it reads them, their fields separated by ``delimiter`` (``None``: detected from the
    first lines; from a stream opened with its error handler, a row holding bytes that are
    not UTF-8 is a row in error), their amounts written with ``decimal_mark``
    (:func:`~penalties.batch._decimal.decimal_mark_of`). With ``stop_at_error``, the rows
    after the first row in error are not written and the iteration ends there. With
    ``escape_formulas``, a cell that a spreadsheet would run as a formula is written behind
    an apostrophe (:mod:`penalties.batch._formulas`). A file the
    ``csv`` module cannot parse further raises ``csv.Error`` naming the line, after the rows
    before it are written.
    """
    assessor = Assessor(provision, catalog=catalog, to=to, rate_date=rate_date,
                        rate_source=rate_source, today=today, on_stale=on_stale,
                        input_rate_date=input_rate_date)
    reader, read_from = open_csv(source, delimiter, assessor.vocabulary)
    before = undecodable_mark(read_from)
    try:
        header = next(reader, [])
        table = TableAssessor(header, provision, assessor=assessor,
                              strict_columns=strict_columns)
        layout = table.layout
        if on_note is not None and layout.note is not None:
            on_note(layout.note)
        rows = read_with_mark(reader, layout, assessor.vocabulary, decimal_mark, on_note)
        names = (*CSV_COLUMNS, *layout.carried_names)
        sink.write(csv_cells(neutral_cells(names) if escape_formulas else names) + "\n")
        done = 0
        for chunk_of in _chunks(rows, chunk_rows):
            bad = (undecodable_rows(table.header, chunk_of) if undecodable() != before
                   else None)
            if isinstance(rows, CommaRows) and (grouped := rows.refused(table.header,
                                                                        chunk_of)):
                bad = {**grouped, **(bad or {})}
            chunk = table.chunk(chunk_of, done + 1, bad)
            errors = chunk.errors
            if errors and stop_at_error:
                sink.write(chunk.csv(stop=errors[0][0], escape_formulas=escape_formulas))
                yield errors[0][0] - 1, errors[:1]
                return
            sink.write(chunk.csv(escape_formulas=escape_formulas))
            done += len(chunk)
            yield done, errors
        unused = assessor.unused_input_rate()
        if on_note is not None and unused is not None:
            on_note(unused)
    except csv.Error as exc:
        raise csv.Error(f"line {reader.line_num}: {exc}") from None


def _chunks(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    """``rows`` in lists of about ``size``, blank lines skipped
    (:func:`~penalties.batch._files.blank_line`)."""
    while True:
        batch: list[list[str]] = []
        try:
            batch.extend(islice(rows, size))
        except csv.Error:  # the rows read before the error are written first, as row by row
            yield [row for row in batch if not blank_line(row)]
            raise
        if not batch:
            return
        yield [row for row in batch if not blank_line(row)]
