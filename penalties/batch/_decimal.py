"""The decimal mark of a CSV file's amounts: a point (``1500.50``) or a comma (``1 500,50``).

A spreadsheet that separates its fields with ``;`` (French, German, Vietnamese... settings)
writes its numbers with a decimal comma: there ``1,500`` is one and a half, not fifteen
hundred. So a file's amounts are read with a **comma** when its fields are separated by
``;`` and with a **point** otherwise, unless the decimal mark is given (``--decimal-mark``;
``decimal_mark`` in Python). The mark in force is said once when it is the comma.

With the comma, a cell of an amount column written the continental way (groups of three
digits separated by dots or spaces, a comma before the fraction, a currency code before or
after: ``1.500.000``, ``1 500,50 EUR``) is given to the one reader of values in the form it
reads (:func:`rates.money.point_decimal`): ``1.500`` is fifteen hundred there. A cell
that would be read the other way, with a decimal point (``1500.50``, ``12.5 EUR``) or with
commas between groups of digits (``60,000,000``, ``1,500.00``), is the other convention
in the same file (beside ``1.500`` read as fifteen hundred and ``1,500`` as one and a
half), so its row is in error, naming the column and ``--decimal-mark .``; any other cell
is read as written (an unreadable one is refused in its own words). Only the cells of
amount facts change: ``id``, counts, dates and carried columns are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from penalties._errors import InvalidInput
from penalties.batch._rows import BadRow
from rates.errors import InvalidAmount
from rates.money import parse_amount, point_decimal

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary
    from penalties.batch._header import Header
    from penalties.batch._sniff import Rows

__all__ = ["DECIMAL_MARKS", "CommaRows", "decimal_mark_of", "read_with_mark"]

#: The decimal marks an amount may be written with, and their names.
DECIMAL_MARKS = {".": "point", ",": "comma"}


def decimal_mark_of(given: str | None, delimiter: str) -> str:
    """The decimal mark of a file whose fields are separated by ``delimiter``: ``given``
    (``.``, ``,``, ``point`` or ``comma``), checked, or the comma for ``;`` and the point
    otherwise.

    >>> decimal_mark_of(None, ";"), decimal_mark_of(None, ","), decimal_mark_of("point", ";")
    (',', '.', '.')
    """
    if given is None:
        return "," if delimiter == ";" else "."
    found = {"point": ".", "comma": ","}.get(given.strip().lower(), given.strip())
    if found not in DECIMAL_MARKS:
        raise InvalidInput("--decimal-mark", f"{given!r} is not a decimal mark",
                           "'.' (point) or ',' (comma)")
    return found  # (a comma in a comma-separated file: in quoted cells)


class CommaRows:
    """The rows of a CSV reader, the cells of the amount columns (by place) written with a
    decimal comma given in the form the reader of values reads; ``line_num`` as the
    reader's."""

    def __init__(self, rows: Rows, columns: tuple[int, ...],
                 why: str = "its fields are separated by ';'") -> None:
        self.rows = rows
        self.columns = columns
        #: Why the file's amounts are read with a decimal comma, in words.
        self.why = why
        #: The number of the line read last.
        self.line_num = rows.line_num

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        try:
            cells = next(self.rows)
        finally:
            self.line_num = self.rows.line_num
        width = len(cells)
        for at in self.columns:
            if at < width:
                text = cells[at]
                if (converted := point_decimal(text)) is not None:
                    cells[at] = converted
                elif ("," in text or "." in text) and _readable(text):
                    cells[at] = _OtherMark(text)  # the other convention: refused below
        return cells

    def refused(self, names: Sequence[str], rows: Sequence[Sequence[str]]
                ) -> dict[int, BadRow]:
        """The rows (by place in ``rows``, as this reader gave them) with an amount written
        the other way (with a decimal point, or commas between groups of digits), each as a
        row in error naming its column.

        >>> import csv, io
        >>> text = "1,5\\n60,000,000\\n1.500\\n1.5\\n"
        >>> rows = CommaRows(csv.reader(io.StringIO(text), delimiter=";"), (0,))
        >>> read = list(rows)
        >>> read, {at: bad.error().field for at, bad in rows.refused(["fine"], read).items()}
        ([['1.5'], ['60,000,000'], ['1500'], ['1.5']], {1: 'fine', 3: 'fine'})
        """
        found: dict[int, BadRow] = {}
        ids_at = names.index("id") if "id" in names else None
        for place, cells in enumerate(rows):
            width = len(cells)
            for at in self.columns:
                if at < width and type(cell := cells[at]) is _OtherMark:
                    ident = cells[ids_at] if ids_at is not None and ids_at < width else None
                    written = ("commas between groups of digits" if "," in cell
                               else "a decimal point")
                    found[place] = BadRow(
                        f"{cell!r} has {written}, but this file's amounts are read with a "
                        f"decimal comma ({self.why})",
                        "an amount with a decimal comma (1 500,50 or 1.500,50), or "
                        "--decimal-mark . for a file written with decimal points",
                        field=names[at], ident=ident or None)
                    break
        return found


class _OtherMark(str):
    """The text of an amount cell that reads as an amount written the other way (a decimal
    point, commas between groups): left as written, and refused by
    :meth:`CommaRows.refused`."""

    __slots__ = ()


def _readable(text: str) -> bool:
    try:
        parse_amount(text)
    except (InvalidAmount, ValueError):
        return False
    return True


def read_with_mark(rows: Rows, header: Header, vocabulary: Vocabulary, given: str | None,
                   on_note: Callable[[str], None] | None = None) -> Rows:
    """``rows`` (a CSV reader, past ``header``) read with the decimal mark of the file
    (:func:`decimal_mark_of`); ``on_note`` is told once when that mark is the comma, not
    given, and the file has amount columns."""
    delimiter = getattr(getattr(rows, "dialect", None), "delimiter", ",")
    mark = decimal_mark_of(given, delimiter)
    names = header.names
    columns = tuple(at for at in header.read
                    if (fact := vocabulary.facts.get(names[at])) is not None
                    and fact.kind == "amount")
    if mark == "." or not columns:
        return rows
    if on_note is not None and given is None:
        on_note("amounts are read with a decimal comma, as the fields are separated by ';' "
                "(1 500,50 is 1500.50, 1.500 is 1500 and 1,5 is 1.5); --decimal-mark . reads "
                "them with a decimal point")
    return CommaRows(rows, columns, "its fields are separated by ';'" if given is None
                     else "the decimal mark given is the comma")
