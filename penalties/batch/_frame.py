"""The batch on a pandas DataFrame (:func:`assess_frame`, e.g. on each partition of a Dask
DataFrame), with the dtypes ``pandas.read_csv`` gives by default.

Each cell becomes the text a CSV file would hold, and is then read by the one reader of
values like any CSV cell (:mod:`penalties.batch._table`). The rules, by what pandas holds:

- ``None``, ``NaN``, ``pandas.NA`` and ``NaT`` are "not given" (a blank cell);
- booleans (Python's or numpy's) are ``true`` or ``false``; integers (any integer dtype)
  their digits;
- a float that is a whole number, such as the ``3.0`` of a count column with blanks, is
  that whole number (``3``); any other float is written as Python writes it (``3.5``),
  so a count says ``times: '3.5' is not a whole number``;
- money is never read from a float: a float in an amount column is taken only when it is a
  whole number below 2**53, where every whole number is exactly a float (so it is the
  number of the file); any other (``1234.56``, ``1e20``) makes its row a row in error that
  says to read the column as text (``dtype=str``), because the float may not be the
  figure the file holds;
- a ``Timestamp``, ``datetime`` or ``datetime64`` is its date (YYYY-MM-DD), as the reader
  takes the date of a ``datetime`` (:func:`rates.dates.parse_date`); one with a time zone
  is refused, as it names a different day in different places (its row says so); a
  ``date`` its ISO form; a ``Decimal`` its plain digits;
- anything else is ``str(value)``.

The columns carried through (those that are not facts: :mod:`penalties.batch._header`) are
copied to the result as they are, with their dtype, after the result columns.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from penalties.batch._cells import CSV_COLUMNS
from penalties.batch._rows import BadRow, refused_id
from penalties.batch._table import TableAssessor
from rates.dates import parse_date
from rates.errors import InvalidDate

if TYPE_CHECKING:
    import pandas

    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute

__all__ = ["EXACT_FLOATS", "assess_frame", "cell_text"]

#: Whole numbers below this are each exactly a float (2**53): a float amount is taken only
#: when it is a whole number below it.
EXACT_FLOATS = 2**53


def assess_frame(frame: pandas.DataFrame, provision: str | Statute, *,
                 catalog: Catalog | None = None, to: str | None = None,
                 rate_date: date | None = None, rate_source: str | None = None,
                 first_row: int = 1, today: date | None = None,
                 strict_columns: bool = False, input_rate_date: date | None = None
                 ) -> pandas.DataFrame:
    """Assess each row of a pandas DataFrame of cases; one row of results per case.

    Columns are fact names (and ``id``), matched as a batch CSV header is (whatever their
    case, spaces, ``_`` and ``-``); the cells may have any dtype ``pandas.read_csv`` gives
    (see the module's docstring: ``3.0`` counts 3, ``NaN`` is not given, money is never a
    float). Other columns are carried through, unchanged, after the result columns (with
    ``strict_columns``, refused). The result has the input's index and the columns of
    :data:`~penalties.batch._files.CSV_COLUMNS`, all text but ``row``, which counts from
    ``first_row``. Rows in error have their reason in ``error``; they are never dropped.

    It keeps no state between calls, so it runs unchanged on each partition of a Dask
    DataFrame (see the README). Pass ``today`` (the date of rows that give no offence date)
    when partitions may run on different days: each call's default is its own today.
    """
    import pandas

    header = [str(name) for name in frame.columns]
    table = TableAssessor(header, provision, catalog=catalog, to=to, rate_date=rate_date,
                          rate_source=rate_source, today=today, strict_columns=strict_columns,
                          input_rate_date=input_rate_date)
    layout, vocabulary = table.layout, table.assessor.vocabulary
    count = len(frame)
    bad: dict[int, BadRow] = {}
    columns: list[list[str]] = []
    ids = layout.names.index("id") if "id" in layout.names else None
    for at, name in enumerate(layout.names):
        if at in layout.carried:
            columns.append([""] * count)
            continue
        kind = vocabulary[name].kind if name in vocabulary else None
        column = []
        for place, value in enumerate(frame.iloc[:, at].tolist()):
            text = cell_text(value)
            if kind == "amount" and isinstance(text, float):
                bad.setdefault(place, BadRow(
                    f"{text!r} is a float: money is never read from a float, which may not be "
                    "the figure the file holds", "the column read as text (pandas.read_csv"
                    "(..., dtype=str)), or whole numbers", field=name))
                text = ""
            column.append(text if isinstance(text, str) else repr(text))
        columns.append(column)
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    if ids is not None:
        for place, row in bad.items():
            ident = rows[place][ids]
            row.ident = ident if ident and refused_id(ident) is None else None
    chunk = table.chunk(rows, first_row, bad)
    result = pandas.DataFrame(chunk.columns(), index=frame.index, columns=list(CSV_COLUMNS))
    for at, name in zip(layout.carried, layout.carried_names, strict=True):
        result[name] = frame.iloc[:, at].array
    return result


def cell_text(value: object) -> str | float:
    """The text of a DataFrame cell (see the module's docstring), or the float itself when
    it is not a whole number below :data:`EXACT_FLOATS` (what an amount refuses)."""
    import pandas

    if value is None or value is pandas.NA or value is pandas.NaT:
        return ""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind.__module__ == "numpy":  # a numpy scalar (numpy itself is pandas' to import)
        if kind.__name__ == "datetime64":
            value = pandas.Timestamp(value)
            if value is pandas.NaT:
                return ""
        elif hasattr(value, "item"):
            value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer() and abs(value) < EXACT_FLOATS:
            return str(int(value))
        return value
    if isinstance(value, datetime):  # its date, as every date is read (a zoned one refused)
        try:
            return parse_date(value, "").isoformat()
        except InvalidDate:  # the reader refuses the text, naming the column
            return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return "" if value.is_nan() else f"{value:f}"
    return str(value)
