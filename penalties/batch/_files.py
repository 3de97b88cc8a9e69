"""Batch files: cases in CSV or JSON Lines, one result per row in CSV or JSON Lines.

Input columns (CSV header, or keys of each JSON object) are ``id`` (optional, passed
through) and any fact of the vocabulary (:func:`~penalties.batch._rows.input_columns`);
blank means "not given".
The CSV output has these columns (:data:`CSV_COLUMNS`):

``row`` (1 = the first data row), ``id``, ``provision``, ``version``, ``offender``,
``offence_date``, ``liable``, ``tier``, ``tier_ref``, ``currency``, for each principal
penalty kind its ``_min`` and ``_max`` (money) or ``_min_months`` and ``_max_months``,
``additional`` (kinds and ranges), with a target currency ``converted_currency`` and the
``_converted`` amounts, the rate as quoted, ``rate_quoted`` and ``rate_unit`` (``22463``,
``VND per USD``: the larger way round, the published figure exactly as published, or for an
inverse or cross rate the exact value its published legs make), ``rate_multiplier`` (the
exact figure amounts are multiplied by: 0.0000445176… for VND→USD), ``rate_source``,
``rate_basis`` (``daily``, ``month-end`` or ``annual average``; each leg's, joined by
``and``, for a cross rate whose legs differ), ``rate_date`` (the end of the rate's period:
the day of a daily rate, the month's last day of a month-end value, the year's last day of
an annual average), ``rate_period_start`` and ``rate_stale``, then ``reasons``, ``notes``
and ``error``. Every number is plain decimal text (no exponent, no thousands separators)
and every date YYYY-MM-DD, as a spreadsheet reads them. The multiplier's column was called
``rate``; it is renamed rather than kept, because a bare ``rate`` beside ``rate_quoted`` is
read as the quoted figure, and ``rate_basis`` and ``rate_date`` change their values anyway:
a reader of the old columns fails on the missing name instead of misreading a figure.
JSON Lines output holds each row's full JSON document (the one ``penalties assess --json``
prints) with ``row`` and ``id``; its ``conversion`` block carries the same ``rate_*``
fields (:func:`rates.quoted.quoted_json`).

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
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any, Protocol

from penalties._errors import InvalidFacts, shown
from penalties.batch._cells import CSV_COLUMNS, row_cells
from penalties.batch._rows import BadRow, BatchResult, input_columns, refused_id

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary

__all__ = ["CSV_COLUMNS", "MAX_DIGITS", "MAX_LINE", "UNDECODABLE", "Sink", "check_header",
           "ragged_row", "read_cases", "undecodable", "undecodable_rows", "write_csv",
           "write_jsonl"]

class Sink(Protocol):
    """Where a batch writes its results: a text stream, or anything with its ``write``."""

    def write(self, text: str, /) -> object:
        """Write ``text``."""


#: Longest JSON line read as a case, in characters (longer: a row in error, skipped).
MAX_LINE = 1_048_576
#: Most digits of a JSON number (an amount has at most 18 before its decimal point).
MAX_DIGITS = 100
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


def read_cases(stream: IO[str], kind: str, vocabulary: Vocabulary | None = None
               ) -> Iterator[dict[str, Any] | BadRow]:
    """Cases from a CSV or JSON Lines stream, one mapping per row, lazily.

    A CSV header that :func:`check_header` refuses is an
    :class:`~penalties._errors.InvalidFacts` before any row is read. A line or row that
    cannot be read (see the module's docstring) is a :class:`~penalties.batch._rows.BadRow`,
    which the batch turns into a row in error.
    """
    return _csv_cases(stream, vocabulary) if kind == "csv" else _json_cases(stream)


def _json_cases(stream: IO[str]) -> Iterator[dict[str, Any] | BadRow]:
    before, read, undecoded = _UNDECODED[0], stream.readline, _UNDECODED
    while line := read(MAX_LINE + 1):
        if len(line) > MAX_LINE and not line.endswith("\n"):
            while (rest := read(MAX_LINE)) and not rest.endswith("\n"):
                pass  # the rest of the line, never held whole
            yield BadRow(f"the line is longer than {MAX_LINE:,} characters",
                         f"lines of at most {MAX_LINE:,} characters")
            continue
        if line.strip():
            byte = _undecoded_byte(line) if undecoded[0] != before else None
            yield _case(line) if byte is None else BadRow(
                f"not UTF-8 text: the byte 0x{byte[0]:02x} at column {byte[1] + 1}",
                "UTF-8 text")


def _csv_cases(stream: IO[str], vocabulary: Vocabulary | None
               ) -> Iterator[dict[str, Any] | BadRow]:
    reader, before, undecoded = csv.reader(stream), _UNDECODED[0], _UNDECODED
    try:
        header = next(reader, [])
        check_header(header, vocabulary)
        width = len(header)
        for cells in reader:
            if not cells:  # a blank line is no row (as csv.DictReader reads it)
                continue
            if undecoded[0] != before and (bad := undecodable_rows(header, [cells])):
                yield bad[0]
            else:
                yield (dict(zip(header, cells, strict=True)) if len(cells) == width
                       else ragged_row(header, cells))
    except csv.Error as exc:
        raise csv.Error(f"line {reader.line_num}: {exc}") from None


class _Refused(Exception):
    """A JSON line refused while it is parsed (a hook of :func:`json.loads` raised it)."""

    def __init__(self, row: BadRow) -> None:
        super().__init__(row.problem)
        self.row = row


_VALUES = "text, a number, true, false or null"


def _number(text: str, kind: type[int] | type[Decimal] = int) -> int | Decimal:
    if len(text) > MAX_DIGITS:
        raise _Refused(BadRow(f"a number of {len(text):,} characters",
                              f"numbers of at most {MAX_DIGITS} characters"))
    return kind(text)


def _decimal(text: str) -> int | Decimal:
    return _number(text, Decimal)


def _constant(text: str) -> Any:  # noqa: ANN401 - json.loads's hook
    raise _Refused(BadRow(f"{text} is not a JSON number", _VALUES))


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        keys = [key for key, _ in pairs]
        twice = next(key for at, key in enumerate(keys) if key in keys[:at])
        raise _Refused(BadRow(f"the key {shown(twice)} appears twice", "each key once"))
    for key, value in pairs:
        if type(value) is list or type(value) is dict:
            kind = "an array" if type(value) is list else "an object"
            raise _Refused(BadRow(f"{kind} is not a value", _VALUES,
                                  field=key if key.isprintable() else shown(key)))
    return found


#: The JSON parsers of a line: as fast as JSON parses, and with every hook (made once: a
#: decoder made per line would cost more than parsing the line).
_PARSE = json.JSONDecoder(parse_float=_decimal, parse_constant=_constant).decode
_CHECK = json.JSONDecoder(parse_float=_decimal, parse_int=_number, parse_constant=_constant,
                          object_pairs_hook=_object).decode


def _case(line: str) -> dict[str, Any] | BadRow:
    """The case of one JSON line, or why it is not one.

    A line is parsed as JSON usually is (in C); only a line that might hold a nested value
    or a key given twice (a ``[``, a second ``{``, more colons than keys) or a huge number
    (an error of the fast parse) is parsed again with the hooks that say what is wrong.
    """
    try:
        value = _PARSE(line)
    except json.JSONDecodeError as exc:
        return BadRow(f"not JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return BadRow("not JSON this program can read: nested too deeply")
    except _Refused as exc:
        return exc.row
    except ValueError:  # an integer too long for int() (sys.int_max_str_digits)
        found = _checked(line)
        return found if found is not None else BadRow("not JSON this program can read: a "
                                                      "number too long")
    if type(value) is not dict:
        return BadRow("not a JSON object")
    if "[" in line or line.count("{") > 1 or line.count(":") > len(value):
        found = _checked(line)
        if found is not None:
            return found
    ident = value.get("id")
    if type(ident) is bool:
        return BadRow(f"{str(ident).lower()} is not an id", "text or a number", field="id")
    return value


def _checked(line: str) -> BadRow | None:
    """What is wrong with a JSON line that parses, seen by the hooks (every number's
    length, every object's keys and values), or ``None``."""
    try:
        _CHECK(line)
    except _Refused as exc:
        return exc.row
    except (ValueError, RecursionError):
        return None
    return None


def ragged_row(header: Sequence[str], cells: Sequence[str]) -> BadRow:
    """The case of a CSV row with more or fewer fields than the header: an error (a
    missing or extra separator would shift every value after it), with its ``id`` if it
    has one."""
    ident = cells[header.index("id")] if "id" in header[:len(cells)] else None
    return BadRow(f"the row has {len(cells)} fields, the header {len(header)}",
                  "one field for each column of the header", ident=ident or None)


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


def write_csv(results: Iterable[BatchResult], stream: Sink) -> Iterator[BatchResult]:
    """Write each result as a CSV row (header first) and yield it on, for reporting."""
    writer = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for result in results:
        writer.writerow(row_cells(result))
        yield result


def write_jsonl(results: Iterable[BatchResult], stream: Sink) -> Iterator[BatchResult]:
    """Write each result as one JSON document per line and yield it on, for reporting."""
    for result in results:
        stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        yield result
