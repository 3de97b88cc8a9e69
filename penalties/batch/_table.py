"""Batches by columns: a chunk of rows is sorted into classes, and each class is assessed,
converted and turned into CSV cells once.

This is how ``penalties batch`` goes from CSV to CSV, and the function to run inside
dataframe tools (:func:`assess_frame`, e.g. on each partition of a Dask DataFrame). It
writes the same rows, byte for byte, as :func:`~penalties.batch._rows.assess_many` followed by
:func:`~penalties.batch._files.write_csv`; the test suite checks this on generated files.

Rows whose text says the same thing to the law fall in one group: the same offender, flags
and other text, a date with the same versions in force, and for each amount or count the
same position among the boundaries of every version of the provision (a finer split than
one version needs, so the class of a group's first row is the class of all its rows). The
first row of a group is classified and assessed as a single row would be; if it has a class,
the other rows take that result with their own dates, rates and figures. Every other row
(a group without a class, a value not in plain form, a rate that fails, a row with too few
or too many cells) goes the single row path, so its result or error is that path's, word
for word.
"""

from __future__ import annotations

import csv
import io
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

from penalties._errors import PenaltyError
from penalties.batch._classes import COUNTS, plain_number, position
from penalties.batch._files import (
    CSV_COLUMNS,
    ClassCells,
    RowCells,
    check_header,
    ragged_row,
    written,
)
from penalties.batch._rows import Assessor
from rates.errors import RateError

if TYPE_CHECKING:
    import pandas

    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = [
    "CHUNK_ROWS",
    "CLASS_COLUMNS",
    "RATE_COLUMNS",
    "Chunk",
    "TableAssessor",
    "assess_frame",
    "csv_to_csv",
]

#: Rows per chunk in ``penalties batch`` (memory stays bounded by one chunk).
CHUNK_ROWS = 10_000

_DAY = CSV_COLUMNS.index("offence_date")
_CONVERTED = CSV_COLUMNS.index("converted_currency")
_REASONS = CSV_COLUMNS.index("reasons")
#: The columns whose cells all rows of a class share.
CLASS_COLUMNS = (*CSV_COLUMNS[2:_DAY], *CSV_COLUMNS[_DAY + 1:_CONVERTED],
                 *CSV_COLUMNS[_REASONS + 1:])
#: The columns whose cells all rows of a class converted at one rate share.
RATE_COLUMNS = CSV_COLUMNS[_CONVERTED:_REASONS]
_HEAD = _DAY - 2  # class cells before the offence date
_TAIL = len(CLASS_COLUMNS) - (len(CSV_COLUMNS) - _REASONS - 1)  # class cells before notes
# A column whose every value is blank or plain digits (then read without further checks).
_PLAIN_MONEY = re.compile(r"(?:[0-9]{1,18})?(?:\n(?:[0-9]{1,18})?)*")
_PLAIN_COUNTS = re.compile(r"(?:[0-9]{1,7})?(?:\n(?:[0-9]{1,7})?)*")
_PLAIN_TIMES = re.compile(r"(?:[1-9][0-9]{0,6})?(?:\n(?:[1-9][0-9]{0,6})?)*")


@dataclass
class Chunk:
    """The results of one chunk of rows, as CSV cells.

    Rows of a class share its cells (``classes``); rows of a class converted at one rate
    share those cells (``converted``); each row has its id, date and reasons and the
    places of its shared cells. A row that went the single row path has its own places.
    """

    first: int
    ids: list[str]
    days: list[str]
    reasons: list[str]
    of_class: list[int]
    of_rate: list[int]
    classes: list[tuple[str, ...]] = field(default_factory=list)
    converted: list[tuple[str, ...]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    #: The same shared cells as CSV text: a class's in three stretches (before the date,
    #: between the date and the converted cells, after the reasons), a rate's in one.
    class_csv: list[tuple[str, str, str]] = field(default_factory=list)
    converted_csv: list[str] = field(default_factory=list)

    def add_class(self, cells: tuple[str, ...], text: tuple[str, str, str] | None = None
                  ) -> int:
        """Keep the cells of a class (and their CSV text); return their place."""
        self.classes.append(cells)
        self.class_csv.append(text or _class_csv(cells))
        return len(self.classes) - 1

    def add_converted(self, cells: tuple[str, ...], text: str | None = None) -> int:
        """Keep the cells of a class at a rate (and their CSV text); return their place."""
        self.converted.append(cells)
        self.converted_csv.append(text or _csv_cells(cells))
        return len(self.converted) - 1

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Each row's cells, in :data:`~penalties.batch._files.CSV_COLUMNS` order."""
        classes, converted = self.classes, self.converted
        for at, (ident, day, reasons, one, two) in enumerate(zip(
                self.ids, self.days, self.reasons, self.of_class, self.of_rate, strict=True)):
            cells = classes[one]
            yield (self.first + at, ident, *cells[:_HEAD], day, *cells[_HEAD:_TAIL],
                   *converted[two], reasons, *cells[_TAIL:])

    def columns(self) -> dict[str, list[Any]]:
        """The cells by column, in :data:`~penalties.batch._files.CSV_COLUMNS` order."""
        out: dict[str, list[Any]] = {
            "row": list(range(self.first, self.first + len(self.ids))), "id": self.ids,
            "offence_date": self.days, "reasons": self.reasons}
        for names, shared, index in ((CLASS_COLUMNS, self.classes, self.of_class),
                                     (RATE_COLUMNS, self.converted, self.of_rate)):
            for at, name in enumerate(names):
                values = [cells[at] for cells in shared]
                out[name] = [values[place] for place in index]
        return {name: out[name] for name in CSV_COLUMNS}

    def csv(self, stop: int | None = None) -> str:
        """The rows as CSV text, as :func:`~penalties.batch._files.write_csv` writes them (every
        cell quoted); only the rows before row number ``stop`` when given."""
        count = len(self.ids) if stop is None else max(0, stop - self.first)
        classes, converted = self.class_csv, self.converted_csv
        q, qq = '"', '""'
        return "".join([
            f'"{number}","{ident.replace(q, qq)}",{classes[one][0]},"{day.replace(q, qq)}",'
            f'{classes[one][1]},{converted[two]},"{reasons.replace(q, qq)}",{classes[one][2]}\n'
            for number, ident, day, reasons, one, two in zip(
                range(self.first, self.first + count), self.ids, self.days, self.reasons,
                self.of_class, self.of_rate, strict=False)])


def _class_csv(cells: tuple[str, ...]) -> tuple[str, str, str]:
    return (_csv_cells(cells[:_HEAD]), _csv_cells(cells[_HEAD:_TAIL]),
            _csv_cells(cells[_TAIL:]))


def _csv_cells(cells: Iterable[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="", quoting=csv.QUOTE_ALL).writerow(cells)
    return out.getvalue()


class TableAssessor:
    """Assesses chunks of rows that share one header; the classes, rates and cells found
    are kept for the next chunk of the same batch."""

    def __init__(self, header: Sequence[str], provision: str | Statute, *,
                 catalog: Catalog | None = None, to: str | None = None,
                 rate_date: date | None = None, rate_source: str | None = None,
                 today: date | None = None) -> None:
        check_header(header)
        self.header = tuple(header)
        self.assessor = Assessor(provision, catalog=catalog, to=to, rate_date=rate_date,
                                 rate_source=rate_source, today=today)
        self.cells = RowCells()
        self.plan = self.assessor.plan(self.header)
        #: Whether rows can be grouped at all (else every row goes the single row path);
        #: check_header has refused repeated columns already.
        self.grouped = not self.plan.other
        statute = self.assessor.statute
        points: dict[str, set[int]] = {}
        for version in statute.versions:
            for fact, values in self.assessor.memo.boundaries(version).items():
                points.setdefault(fact, set()).update(_doubled(v) for v in values)
        self.points = {name: sorted(points.get(name, ()))
                       for name in (*self.plan.money, *self.plan.counts)}
        self.liable_from = tuple(s.liable_from for s in statute.subjects.values()
                                 if s.liable_from)
        self.date_at = self.header.index("offence_date") if self.grouped else -1
        self.day_codes: dict[tuple[Any, ...], int] = {}
        self.date_codes: dict[str, object] = {}
        self.rate_places: dict[tuple[Any, ...] | None, int] = {}
        #: The rates met so far, one per value written (see :func:`written`).
        self.rates: list[Rate | None] = []
        self.days: dict[str, dict[str, tuple[str, int]]] = {}
        self.known: dict[tuple[Any, ...], _Known] = {}
        self.converted: dict[tuple[Any, int], tuple[tuple[str, ...], str]] = {}

    def chunk(self, rows: Sequence[Sequence[str]], first: int) -> Chunk:
        """The results of ``rows`` (cells in the header's order), the first being row
        number ``first``."""
        header, width, count = self.header, len(self.header), len(rows)
        ids_at = header.index("id") if "id" in header else None
        ids = ([row[ids_at] if len(row) > ids_at else "" for row in rows]
               if ids_at is not None else [""] * count)
        out = Chunk(first, ids, [""] * count, [""] * count, [0] * count, [0] * count)
        if not rows:
            return out
        if not self.grouped:
            for at in range(count):
                self._single(out, at, rows[at])
            return out
        ragged = {at for at, row in enumerate(rows) if len(row) != width}
        even = rows
        if ragged:  # such rows go the single row path, which reads them as they are
            blank = [""] * width
            even = [blank if at in ragged else row for at, row in enumerate(rows)]
        columns = list(zip(*even, strict=True))
        codes = [self._codes(name, column) for name, column in zip(header, columns,
                                                                    strict=True)
                 if name != "id"]
        groups: dict[tuple[Any, ...], list[int]] = {}
        for at, key in enumerate(zip(*codes, strict=True)):
            members = groups.get(key)
            if members is None:
                groups[key] = [at]
            else:
                members.append(at)
        for at in ragged:
            self._single(out, at, rows[at])
        chunk_days: dict[str, dict[str, tuple[str, int]]] = {}
        for key, members in groups.items():
            if ragged:
                members = [at for at in members if at not in ragged]
                if not members:
                    continue
            self._group(out, key, members, rows, columns, chunk_days)
        if out.errors:
            out.errors.sort()
        return out

    def _codes(self, name: str, column: Sequence[str]) -> Sequence[object]:
        """What the law sees of each value of a column; a value the fast path cannot read
        gets a code of its own (its row is then a group of one)."""
        if name == "offence_date":
            codes = self.date_codes
            if len(codes) > 100_000:
                codes.clear()
            for text in set(column).difference(codes):
                codes[text] = self._day_code(text)
            return list(map(codes.__getitem__, column))
        points = self.points.get(name)
        if points is None:
            return column
        times = name == "times"
        count = times or name in COUNTS
        joined = "\n".join(column)
        plain = _PLAIN_TIMES if times else _PLAIN_COUNTS if count else _PLAIN_MONEY
        if joined.count("\n") == len(column) - 1 and plain.fullmatch(joined):
            if times:
                column = ["" if v == "1" else v for v in column]
            return [bisect_left(points, d := 2 * int(v)) + bisect_right(points, d) if v
                    else -1 for v in column]
        return [_position(value, points, count, times) for value in column]

    def _day_code(self, text: str) -> object:
        """What the law sees of a date: the versions in force that day and whether each
        kind of offender was liable yet."""
        memo = self.assessor.memo
        day = memo.day(text)
        if day is None:
            return object()
        version, pointers = memo.context(day)
        if version is None:
            return object()
        key = (id(version), pointers, tuple(day < start for start in self.liable_from))
        return self.day_codes.setdefault(key, len(self.day_codes))

    def _days(self, currency: str, texts: Sequence[str]) -> dict[str, tuple[str, int]]:
        """For each plain date text of a column: the date as the output writes it and the
        place of its rate in :attr:`rates` (-1: the rate fails)."""
        known = self.days.get(currency)
        if known is None or len(known) > 100_000:
            known = self.days[currency] = {}
        assessor = self.assessor
        for text in set(texts).difference(known):
            day = assessor.memo.day(text)
            if day is None:
                continue
            try:
                rate = assessor.rate(currency, day)
            except (PenaltyError, RateError):
                known[text] = (day.isoformat(), -1)
                continue
            key = written(rate) if rate is not None else None
            place = self.rate_places.get(key, -1)
            if place < 0:
                place = self.rate_places[key] = len(self.rates)
                self.rates.append(rate)
            known[text] = (day.isoformat(), place)
        return known

    def _converted(self, cells: ClassCells, rate: int) -> tuple[tuple[str, ...], str]:
        """The cells of a class at a rate, and their CSV text (made once per set of
        amounts and rate)."""
        key = (cells.amounts, rate)
        found = self.converted.get(key)
        if found is None:
            if len(self.converted) > 100_000:
                self.converted.clear()
            values = cells.conversion(self.rates[rate])
            found = self.converted[key] = (values, _csv_cells(values))
        return found

    def _group(self, out: Chunk, key: tuple[Any, ...], members: list[int],
               rows: Sequence[Sequence[str]], columns: list[tuple[str, ...]],
               chunk_days: dict[str, dict[str, tuple[str, int]]]) -> None:
        start = members[0]
        known = self.known.get(key)
        exact = False
        if known is None:
            assessor = self.assessor
            head = dict(zip(self.header, rows[start], strict=True))
            found = assessor.memo.plain(head, self.plan)
            try:
                if found is None:
                    raise _Single
                template, exact = assessor.template(found[0], head)
            except (PenaltyError, RateError, _Single):
                for at in members:
                    self._single(out, at, rows[at])
                return
            if len(self.known) > 50_000:
                self.known.clear()  # constant memory on any input
            known = self.known[key] = _Known.of(template, self.cells.of(template), self.header)
        template, cells = known.template, known.cells
        place = out.add_class(known.row, known.text)
        currency = template.provision.currency
        dates = columns[self.date_at]
        of_day = chunk_days.get(currency)
        if of_day is None:
            of_day = chunk_days[currency] = self._days(currency, dates)
        days = [of_day[dates[at]] for at in members]
        converted: dict[int, int] = {}
        of_class, of_rate, written_days = out.of_class, out.of_rate, out.days
        lone = []
        for at, (day, rate) in zip(members, days, strict=True):
            if rate < 0:
                lone.append(at)
                continue
            where = converted.get(rate)
            if where is None:
                where = converted[rate] = out.add_converted(*self._converted(cells, rate))
            of_class[at] = place
            of_rate[at] = where
            written_days[at] = day
        reasons = _reasons(known.reasons, members, columns)
        for at, text in zip(members, reasons, strict=True):
            out.reasons[at] = text
        if exact:  # the class was made from its first row: those reasons are its own
            out.reasons[start] = " | ".join(
                r.text for r in (template.tier.reasons if template.tier else ()))
        for at in lone:
            self._single(out, at, rows[at])

    def _single(self, out: Chunk, at: int, row: Sequence[str]) -> None:
        header = self.header
        number = out.first + at
        case = (dict(zip(header, row, strict=True)) if len(row) == len(header)
                else ragged_row(header, row))
        result = self.assessor.one(number, case)
        cells = self.cells.row(result)
        out.of_class[at] = out.add_class((*cells[2:_DAY], *cells[_DAY + 1:_CONVERTED],
                                          *cells[_REASONS + 1:]))
        out.of_rate[at] = out.add_converted(cells[_CONVERTED:_REASONS])
        out.days[at] = cells[_DAY]
        out.reasons[at] = cells[_REASONS]
        if result.error is not None:
            out.errors.append((number, result.error))


class _Single(Exception):
    """A group whose rows must each go the single row path."""


def _doubled(value: Decimal) -> int:
    """``2 × value`` for a whole boundary, an odd number between its neighbours otherwise:
    whole amounts compare with doubled boundaries as they compare with the boundaries."""
    whole = int(value)
    return 2 * whole if whole == value else 2 * (whole if value > 0 else whole - 1) + 1


def _position(value: str, points: list[int], count: bool, times: bool) -> object:
    """The position of one value among the boundaries (as the fast path in
    :meth:`TableAssessor._codes` computes it), -1 when blank, or a code of its own when it
    is not in the plain form :meth:`~penalties.batch._classes.Classifier.plain` reads."""
    text = value.strip()
    if not text or (times and text == "1"):
        return -1
    number = plain_number(text, count)
    if number is None or (times and number < 1):
        return object()
    return position(points, 2 * number)


#: How a class's reasons are written for one of its rows: each sentence as it stands, or
#: its text before and after the figure, the column of the figure, the text when the row
#: gives no figure, and the values that mean "no figure".
_ReasonPlan = list[tuple[str, int | None, str, str, tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class _Known:
    """A class met in an earlier group: its assessment, its cells (and their CSV text) and
    how its reasons are written."""

    template: Assessment
    cells: ClassCells
    row: tuple[str, ...]
    text: tuple[str, str, str]
    reasons: _ReasonPlan

    @classmethod
    def of(cls, template: Assessment, cells: ClassCells, header: tuple[str, ...]) -> _Known:
        row = (*cells.head, *cells.middle, cells.notes, "")
        return cls(template, cells, row, _class_csv(row), _reason_plan(template, header))


def _reason_plan(template: Assessment, header: tuple[str, ...]) -> _ReasonPlan:
    places = {name: at for at, name in enumerate(header)}
    plan: _ReasonPlan = []
    for reason in template.tier.reasons if template.tier else ():
        at = places.get(reason.fact)
        if reason.figure is None or at is None:
            plan.append((reason.text, None, "", "", ()))
            continue
        before, after = reason.around()
        before += f"{reason.currency} " if reason.currency else ""
        absent = ("", "1") if reason.fact == "times" else ("",)
        plan.append((before, at, after, reason.text, absent))
    return plan


def _reasons(plan: _ReasonPlan, members: list[int], columns: list[tuple[str, ...]]
             ) -> list[str]:
    """The reasons of a class for each of its rows: the class's sentences with each row's
    figures, as :func:`~penalties.batch._classes.refigure` writes them."""
    parts: list[list[str]] = []
    for before, at, after, default, absent in plan:
        if at is None:
            parts.append([before] * len(members))
            continue
        column = columns[at]
        parts.append([default if (v := column[m].strip()) in absent
                      else f"{before}{int(v):,}{after}" for m in members])
    if not parts:
        return [""] * len(members)
    if len(parts) == 1:
        return parts[0]
    return [" | ".join(texts) for texts in zip(*parts, strict=True)]


def csv_to_csv(source: IO[str], sink: IO[str], provision: str | Statute, *,
               catalog: Catalog | None = None, to: str | None = None,
               rate_date: date | None = None, rate_source: str | None = None,
               stop_at_error: bool = False, chunk_rows: int = CHUNK_ROWS,
               today: date | None = None) -> Iterator[tuple[int, list[tuple[int, str]]]]:
    """Assess a CSV stream of cases into a CSV stream of results, chunk by chunk; yield the
    number of rows written so far and the rows in error of each chunk. ``today`` is the
    date of rows that give no offence date (default: the day the batch starts), as for
    :func:`~penalties.batch._rows.assess_many`.

    The header is checked as :func:`~penalties.batch._files.read_cases` checks it. With
    ``stop_at_error``, the rows after the first row in error are not written and the
    iteration ends there.
    """
    reader = csv.reader(source)
    header = next(reader, [])
    table = TableAssessor(header, provision, catalog=catalog, to=to, rate_date=rate_date,
                          rate_source=rate_source, today=today)
    sink.write(_csv_cells(CSV_COLUMNS) + "\n")
    done = 0
    for rows in _chunks(reader, chunk_rows):
        chunk = table.chunk(rows, done + 1)
        errors = chunk.errors
        if errors and stop_at_error:
            sink.write(chunk.csv(stop=errors[0][0]))
            yield errors[0][0] - 1, errors[:1]
            return
        sink.write(chunk.csv())
        done += len(chunk)
        yield done, errors


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
