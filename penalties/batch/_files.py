"""Batch files: cases in CSV or JSON Lines, one result per row in CSV or JSON Lines.

Input columns (CSV header, or keys of each JSON object) are ``id`` (optional, passed
through) and any fact of the vocabulary (:func:`~penalties.batch._rows.input_columns`);
blank means "not given". A CSV header matches a fact's name whatever its case, spaces,
``_`` and ``-``, and its other columns are carried through to the output unchanged
(:mod:`penalties.batch._header`; refused with ``strict_columns``); its delimiter is
detected (``,``, ``;`` or tab: :mod:`penalties.batch._sniff`) unless given. The keys of a
JSON line are the facts' names exactly: any other key is a row in error.
The CSV output has these columns (:data:`CSV_COLUMNS`), then the carried ones:

``row`` (1 = the first data row), ``id``, ``provision``, ``version``, ``offender``,
``offence_date``, ``offence_date_given`` (``false``: the row gave none, and was assessed on
the batch's date), ``can_be_liable`` (whether the law can reach this offender on that date),
``tier_applies``, ``tier``, ``tier_ref``, ``currency``, for each principal penalty kind its
``_min`` and ``_max`` (money) or ``_min_months`` and ``_max_months``, each kind's
``_max_kind`` (``limit``, ``floor``: at least the maximum shown, ``none``: no maximum,
empty: no such penalty), ``additional`` (kinds and ranges), with a target currency
``converted_currency`` and the ``_converted`` amounts, the rate as quoted, ``rate_quoted``
and ``rate_unit`` (``22463``, ``VND per USD``: the larger way round, the published figure
exactly as published, or for an inverse or cross rate the exact value its published legs
make), ``rate_multiplier`` (the exact figure amounts are multiplied by: 0.0000445176… for
VND→USD), ``rate_source``, ``rate_basis`` (``daily``, ``month-end`` or ``annual average``;
each leg's, joined by ``and``, for a cross rate whose legs differ), ``rate_date`` (the end
of the rate's period: the day of a daily rate, the month's last day of a month-end value,
the year's last day of an annual average), ``rate_period_start`` and ``rate_stale``, then
``reasons``, ``notes`` and ``error``. Every number is plain decimal text (no exponent, no
thousands separators) and every date YYYY-MM-DD, as a spreadsheet reads them. The
multiplier's column was called ``rate``; it is renamed rather than kept, because a bare
``rate`` beside ``rate_quoted`` is read as the quoted figure, and ``rate_basis`` and
``rate_date`` change their values anyway: a reader of the old columns fails on the missing
name instead of misreading a figure. The column ``liable`` is gone for the same reason: it
said whether the offender *could* be liable on the date, and was read as "a tier applies"
(``can_be_liable`` and ``tier_applies`` say each). JSON Lines output holds each row's full
JSON document (the one ``penalties assess --json`` prints) with ``row`` and ``id`` (and
``carried``: the carried cells by column); its ``conversion`` block carries the same
``rate_*`` fields (:func:`rates.quoted.quoted_json`).

A line or row that cannot be read is a row in error (a
:class:`~penalties.batch._rows.BadRow`), never the end of the batch: a JSON line that is
not an object of values (nested too deeply, a number of more than :data:`MAX_DIGITS`
digits, ``NaN``, a key given twice, an array or object as a value, a line longer than
:data:`MAX_LINE` characters), a CSV row with more or fewer fields than the header, and,
in a file opened with the :data:`UNDECODABLE` error handler, a line or row holding bytes
that are not UTF-8. Only a CSV file the ``csv`` module cannot parse further (a field
longer than its ``field_size_limit``) ends the batch, with a ``csv.Error`` naming the line:
after it, where the next row starts cannot be told.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, Protocol

from penalties._errors import shown
from penalties.batch._cells import CSV_COLUMNS, row_cells
from penalties.batch._decimal import CommaRows, read_with_mark
from penalties.batch._formulas import neutral_cells
from penalties.batch._header import Header
from penalties.batch._jsonlines import MAX_DIGITS, case_of_line
from penalties.batch._rows import BadRow, BatchResult, refused_id
from penalties.batch._sniff import Peeked, Rows, open_csv

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary

__all__ = [
    "CSV_COLUMNS",
    "MAX_DIGITS",
    "MAX_LINE",
    "UNDECODABLE",
    "Cases",
    "Sink",
    "blank_line",
    "check_header",
    "ragged_row",
    "read_cases",
    "undecodable",
    "undecodable_mark",
    "undecodable_rows",
    "write_csv",
    "write_jsonl",
]

class Sink(Protocol):
    """Where a batch writes its results: a text stream, or anything with its ``write``."""

    def write(self, text: str, /) -> object:
        """Write ``text``."""


#: Longest JSON line read as a case, in characters (longer: a row in error, skipped).
MAX_LINE = 1_048_576
#: The error handler a batch reads its input with: a byte that is not UTF-8 becomes a lone
#: surrogate (U+DC80 to U+DCFF, as ``surrogateescape`` does) and is counted
#: (:func:`undecodable`), so that the row holding it is told apart (:func:`undecodable_rows`)
#: at no cost to a file that is all UTF-8.
UNDECODABLE = "penalties.batch.undecodable"
_UNDECODED = [0]
_UNDECODED_BYTE = re.compile(r"[\udc00-\udcff]")


def _undecoded(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    _UNDECODED[0] += 1
    return "".join(chr(0xDC00 + byte) for byte in error.object[error.start:error.end]), error.end


codecs.register_error(UNDECODABLE, _undecoded)


def undecodable() -> int:
    """How many stretches of bytes that are not UTF-8 the :data:`UNDECODABLE` handler has
    met in this process so far (a batch compares it before and after reading rows)."""
    return _UNDECODED[0]


def undecodable_mark(stream: IO[str] | Peeked) -> int:
    """What :func:`undecodable` is before the rows of ``stream`` are read: the count now,
    or -1 (every row is then looked at) when the lines already read to look at them
    (a :class:`~penalties.batch._sniff.Peeked` sample) hold bytes that are not UTF-8."""
    if isinstance(stream, Peeked) and not stream.sample.isascii() and _UNDECODED_BYTE.search(
            stream.sample):
        return -1
    return _UNDECODED[0]


def _undecoded_byte(text: str) -> tuple[int, int] | None:
    """The first byte that is not UTF-8 in a text read with :data:`UNDECODABLE`, and its
    place (0 = the first character), or ``None``."""
    found = None if text.isascii() else _UNDECODED_BYTE.search(text)
    return None if found is None else (ord(found.group()) - 0xDC00, found.start())


def undecodable_rows(header: Sequence[str], rows: Sequence[Sequence[str]]
                     ) -> dict[int, BadRow]:
    """The CSV rows (by place in ``rows``) holding bytes that are not UTF-8, each as a row
    in error naming the byte and its column."""
    found: dict[int, BadRow] = {}
    id_at = header.index("id") if "id" in header else None
    for at, cells in enumerate(rows):
        for place, cell in enumerate(cells):
            byte = _undecoded_byte(cell)
            if byte is not None:
                column = header[place] if place < len(header) else f"field {place + 1}"
                ident = (cells[id_at] if id_at is not None and id_at < len(cells) else None)
                kept = (ident if ident and id_at != place and refused_id(ident) is None
                        else None)  # the row's own id, when it is good text, goes with it
                found[at] = BadRow(f"not UTF-8 text: the byte 0x{byte[0]:02x}", "UTF-8 text",
                                   field=column if column.isprintable() else shown(column),
                                   ident=kept)
                break
    return found


class Cases(Iterator[dict[str, Any] | BadRow]):
    """The cases of a batch file, one mapping per row, read lazily; ``header`` is what the
    columns of a CSV file are (``None`` for JSON Lines)."""

    def __init__(self, rows: Iterator[dict[str, Any] | BadRow], header: Header | None
                 ) -> None:
        self.rows = rows
        self.header = header

    @property
    def carried(self) -> tuple[str, ...]:
        """The names of the carried columns in the CSV output."""
        return self.header.carried_names if self.header is not None else ()

    def __next__(self) -> dict[str, Any] | BadRow:
        return next(self.rows)


def read_cases(stream: IO[str] | Peeked, kind: str, vocabulary: Vocabulary | None = None, *,
               delimiter: str | None = None, strict_columns: bool = False,
               on_note: Callable[[str], None] | None = None,
               decimal_mark: str | None = None) -> Cases:
    """Cases from a CSV or JSON Lines stream, one mapping per row, lazily.

    A CSV file's header is read at the call: one that :func:`check_header` refuses is an
    :class:`~penalties._errors.InvalidFacts` before any row is read, and ``on_note`` is told
    once which columns are carried through. ``delimiter`` separates the CSV fields
    (``None``: detected from the first lines) and ``decimal_mark`` its amounts
    (:func:`~penalties.batch._decimal.decimal_mark_of`). A CSV row is a
    :class:`~penalties.batch._rows.Case` (its carried cells kept with it); a line or row that
    cannot be read (see the module's docstring) is a
    :class:`~penalties.batch._rows.BadRow`, which the batch turns into a row in error.
    """
    if kind != "csv":
        return Cases(_json_cases(stream, undecodable_mark(stream)), None)
    reader, source = open_csv(stream, delimiter, vocabulary)
    before = undecodable_mark(source)
    try:
        raw = next(reader, [])
    except csv.Error as exc:
        raise csv.Error(f"line {reader.line_num}: {exc}") from None
    header = check_header(raw, vocabulary, strict=strict_columns)
    if on_note is not None and header.note is not None:
        on_note(header.note)
    if vocabulary is None:
        from penalties._vocabulary import builtin_vocabulary

        vocabulary = builtin_vocabulary()
    rows = read_with_mark(reader, header, vocabulary, decimal_mark, on_note)
    return Cases(_csv_cases(rows, header, before), header)


def _json_cases(stream: IO[str] | Peeked, before: int) -> Iterator[dict[str, Any] | BadRow]:
    read, undecoded = stream.readline, _UNDECODED
    while line := read(MAX_LINE + 1):
        if len(line) > MAX_LINE and not line.endswith("\n"):
            while (rest := read(MAX_LINE)) and not rest.endswith("\n"):
                pass  # the rest of the line, never held whole
            yield BadRow(f"the line is longer than {MAX_LINE:,} characters",
                         f"lines of at most {MAX_LINE:,} characters")
            continue
        if line.strip():
            byte = _undecoded_byte(line) if undecoded[0] != before else None
            yield case_of_line(line) if byte is None else BadRow(
                f"not UTF-8 text: the byte 0x{byte[0]:02x} at column {byte[1] + 1}",
                "UTF-8 text")


def _csv_cases(reader: Rows, header: Header, before: int
               ) -> Iterator[dict[str, Any] | BadRow]:
    names, undecoded = header.names, _UNDECODED
    width = len(names)
    try:
        for cells in reader:
            if blank_line(cells):
                continue
            bad = undecodable_rows(names, [cells]) if undecoded[0] != before else None
            if not bad and isinstance(reader, CommaRows):
                bad = reader.refused(names, [cells])
            if bad:
                yield bad[0]
            else:
                yield header.row(cells) if len(cells) == width else ragged_row(names, cells)
    except csv.Error as exc:
        raise csv.Error(f"line {reader.line_num}: {exc}") from None


def blank_line(cells: Sequence[str]) -> bool:
    """Whether the fields of a CSV line make no row: none (an empty line, as
    ``csv.DictReader`` reads it) or one of white space only (a line of spaces or a tab, as
    a JSON Lines input reads it). A line of empty fields (``,,,``) is a row."""
    return not cells or (len(cells) == 1 and not cells[0].strip())


def ragged_row(header: Sequence[str], cells: Sequence[str]) -> BadRow:
    """The case of a CSV row with more or fewer fields than the header: an error (a
    missing or extra separator would shift every value after it), with its ``id`` if it
    has one."""
    ident = cells[header.index("id")] if "id" in header[:len(cells)] else None
    return BadRow(f"the row has {len(cells)} fields, the header {len(header)}",
                  "one field for each column of the header", ident=ident or None)


def check_header(header: Sequence[str], vocabulary: Vocabulary | None = None, *,
                 strict: bool = False) -> Header:
    """What the columns of a CSV header are (:class:`~penalties.batch._header.Header`), or
    an error: a header that is missing, names a column twice, has a column that looks like
    a misspelt fact (any column that is not a fact or ``id`` with ``strict``), or has no
    ``offender`` column (the facts of ``vocabulary``, default: the built-in one)."""
    return Header.of(header, vocabulary, strict=strict)


def write_csv(results: Iterable[BatchResult], stream: Sink, carried: Sequence[str] = (),
              *, escape_formulas: bool = False) -> Iterator[BatchResult]:
    """Write each result as a CSV row (header first) and yield it on, for reporting;
    ``carried`` names the carried columns written after the results' (each result's
    ``carried`` cells, or blanks for a row that could not be read). With
    ``escape_formulas``, a cell that a spreadsheet would run as a formula is written behind
    an apostrophe (:mod:`penalties.batch._formulas`)."""
    writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    write = ((lambda row: writer.writerow(neutral_cells(row))) if escape_formulas
             else writer.writerow)
    write((*CSV_COLUMNS, *carried))
    blank = ("",) * len(carried)
    for result in results:
        cells = result.carried
        write((*row_cells(result), *(
            (v for _, v in cells) if len(cells) == len(carried) else blank)))
        yield result


def write_jsonl(results: Iterable[BatchResult], stream: Sink) -> Iterator[BatchResult]:
    """Write each result as one JSON document per line and yield it on, for reporting."""
    for result in results:
        stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        yield result
