"""Batches by columns: a chunk of rows is sorted into the classes the law cannot tell apart,
and each class is assessed, converted and turned into CSV cells once.

This is how ``penalties batch`` goes from CSV to CSV, and the function to run inside
dataframe tools (:func:`assess_frame`, e.g. on each partition of a Dask DataFrame). It
writes the same rows, byte for byte, as :func:`~penalties.batch._rows.assess_many` followed
by :func:`~penalties.batch._files.write_csv`.

Each distinct text of a column is read once by the one reader of values and turned into
what the law sees of it by the engine's own functions (:meth:`Lens.token
<penalties.assessment._seen.Lens.token>`, :meth:`Lens.day
<penalties.assessment._seen.Lens.day>`): the rows of a group share every such token, so
they share the engine's key (:class:`~penalties.assessment._seen.Key`), and the answer of
the key is the engine's (:func:`~penalties.assessment._engine.run`), for every row of the
group, with its own date and figures. A row the engine must see whole (a trial, action or
history date, an amount to convert, a date no law covers, a value that cannot be read, a
row with too few or too many cells) goes the single row path, so its result or error is
that path's, word for word.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import islice
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from penalties import _words as words
from penalties._errors import PenaltyError
from penalties._facts import given
from penalties._values import Amount
from penalties.assessment._conversion import convert_result
from penalties.assessment._engine import run
from penalties.assessment._seen import EXACT_ROLES, TODAY_BASIS, Key
from penalties.batch._cells import (
    CONVERTED,
    CSV_COLUMNS,
    DAY,
    REASONS,
    class_cells,
    rate_cells,
    row_cells,
    written,
)
from penalties.batch._chunk import Chunk, csv_cells
from penalties.batch._files import check_header, ragged_row
from penalties.batch._rows import Assessor, facts_from_row
from rates.errors import RateError
from rates.exact import Exact

if TYPE_CHECKING:
    import pandas

    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["CHUNK_ROWS", "TableAssessor", "assess_frame", "csv_to_csv"]

#: Rows per chunk in ``penalties batch`` (memory stays bounded by one chunk).
CHUNK_ROWS = 10_000
#: Distinct texts remembered per column before the memory starts afresh.
MAX_TEXTS = 100_000
#: A cell whose row must go the single row path.
_LONE = object()


class _Cell(NamedTuple):
    """What the law sees of one cell: the fact, its token in the engine's key, and the
    figure to write into the reasons when the token is a position."""

    name: str
    token: Any
    figure: Exact | int | None


class _Day(NamedTuple):
    """What the law sees of an offence date cell, and the date itself."""

    basis: str
    key: tuple[Any, ...]
    text: str
    day: date


#: How a class's reasons are written for one of its rows: each sentence as it stands, or
#: its text before and after the figure, the column of the figure and its currency.
_ReasonPlan = list[tuple[str, int | None, str, str | None]]


class TableAssessor:
    """Assesses chunks of rows that share one header; the tokens, answers, rates and cells
    found are kept for the next chunk of the same batch."""

    def __init__(self, header: Sequence[str], provision: str | Statute, *,
                 catalog: Catalog | None = None, to: str | None = None,
                 rate_date: date | None = None, rate_source: str | None = None,
                 today: date | None = None) -> None:
        self.assessor = Assessor(provision, catalog=catalog, to=to, rate_date=rate_date,
                                 rate_source=rate_source, today=today)
        vocabulary = self.assessor.vocabulary
        check_header(header, vocabulary)
        self.header = tuple(header)
        self.lens = self.assessor.lens
        #: Rows can be grouped when the provision and the laws it reaches back to share one
        #: currency (else a bare amount's currency depends on the row's date).
        self.grouped = self.lens.currency is not None
        self.facts = [vocabulary.facts.get(name) for name in self.header]
        self.day_at = self.header.index("offence_date") if "offence_date" in header else None
        self.texts: list[dict[str, Any]] = [{} for _ in self.header]
        self.templates: dict[Key, tuple[Assessment, tuple[str, ...], _ReasonPlan]] = {}
        self.rated: dict[tuple[int, Any], tuple[str, ...]] = {}

    # -- what the law sees of each cell ---------------------------------------------------

    def _token(self, at: int, text: str) -> Any:  # noqa: ANN401 - a _Cell, a _Day or _LONE
        """What the law sees of one cell, by the engine's own functions (remembered per
        text)."""
        known = self.texts[at]
        try:
            return known[text]
        except KeyError:
            if len(known) >= MAX_TEXTS:
                known.clear()
            found = known[text] = self._read(at, text)
            return found

    def _read(self, at: int, text: str) -> Any:  # noqa: ANN401
        fact = self.facts[at]
        if fact is None:  # the id column
            return None
        try:
            value = given(fact, self.assessor.reader(fact, text))
        except PenaltyError:
            return _LONE
        if fact.name == "offence_date":
            return self._day(value)  # type: ignore[arg-type]
        if value is None:
            return None
        if fact.role in EXACT_ROLES:
            return _LONE
        token = self.lens.token(fact.name, fact.kind, value, self.lens.currency)
        if isinstance(token, Amount) and token.currency not in (None, self.lens.currency):
            return _LONE  # converted at the row's own rate: the engine sees it whole
        if type(token) is tuple:  # a position: the row's own figure goes into the reasons
            figure = value.value if isinstance(value, Amount) else value
            return _Cell(fact.name, token, figure)  # type: ignore[arg-type]  # a count
        return _Cell(fact.name, token, None)

    def _day(self, value: date | None) -> Any:  # noqa: ANN401 - a _Day or _LONE
        day = value if value is not None else self.assessor.today
        found = self.lens.day(day)
        if found.dated:
            return _LONE
        return _Day("offence_date" if value is not None else TODAY_BASIS, ("day", found.key),
                    day.isoformat(), day)

    # -- chunks ---------------------------------------------------------------------------

    def chunk(self, rows: Sequence[Sequence[str]], first: int) -> Chunk:
        """The results of ``rows`` (cells in the header's order), the first being row
        number ``first``."""
        header, width, count = self.header, len(self.header), len(rows)
        ids_at = header.index("id") if "id" in header else None
        ids = ([row[ids_at] if len(row) > ids_at else "" for row in rows]
               if ids_at is not None else [""] * count)
        out = Chunk(first, ids, [""] * count, [""] * count, [0] * count, [0] * count)
        groups: dict[tuple[Any, ...], list[int]] = {}
        today = self._day(None)  # the date of rows without one
        for at, row in enumerate(rows):
            if not self.grouped or len(row) != width:
                self._single(out, at, row)
                continue
            cells = [self._token(i, text) for i, text in enumerate(row)]
            day = cells[self.day_at] if self.day_at is not None else today
            if _LONE in cells or day is _LONE:
                self._single(out, at, row)
                continue
            key = (day.basis, day.key, *((c.name, c.token) for c in cells if type(c) is _Cell))
            members = groups.get(key)
            if members is None:
                groups[key] = [at]
            else:
                members.append(at)
        for members in groups.values():
            self._group(out, members, rows)
        if out.errors:
            out.errors.sort()
        return out

    def _group(self, out: Chunk, members: list[int], rows: Sequence[Sequence[str]]) -> None:
        """Rows with the same tokens: the engine's key of the first is the key of all."""
        assessor = self.assessor
        try:
            facts = facts_from_row(dict(zip(self.header, rows[members[0]], strict=True)),
                                   assessor.vocabulary, assessor.reader)
            key, _ = self.lens.see(facts, assessor.today, assessor.rate_source)
            if key.day[0] != "day":
                raise _Single
            template, cells, plan = self._template(key)
        except (PenaltyError, RateError, _Single):
            for at in members:
                self._single(out, at, rows[at])
            return
        place = out.add_class(cells)
        currency = template.provision.currency
        for at in members:
            row = rows[at]
            day = (self._token(self.day_at, row[self.day_at]) if self.day_at is not None
                   else self._day(None))
            try:
                rate = assessor.rate(currency, day.day)
            except (PenaltyError, RateError):
                self._single(out, at, row)
                continue
            out.of_class[at] = place
            out.of_rate[at] = self._rate_place(out, template, rate)
            out.days[at] = day.text
            out.reasons[at] = self._reasons(plan, row)

    def _template(self, key: Key) -> tuple[Assessment, tuple[str, ...], _ReasonPlan]:
        """The engine's answer of a key, its cells and how its reasons take a row's
        figures."""
        found = self.templates.get(key)
        if found is None:
            lens = self.lens
            template = lens.answers.get(key)
            if template is None:
                template = run(lens, key)
                lens.remember(key, template)
            if len(self.templates) >= MAX_TEXTS:
                self.templates.clear()
                self.rated.clear()
            found = self.templates[key] = (template, class_cells(template),
                                           self._plan(template, key))
        return found

    def _plan(self, template: Assessment, key: Key) -> _ReasonPlan:
        tokens = dict(key.tokens)
        places = {name: at for at, name in enumerate(self.header)}
        plan: _ReasonPlan = []
        for reason in template.tier.reasons if template.tier else ():
            at = places.get(reason.fact)
            if reason.figure is None or at is None or type(tokens.get(reason.fact)) is not tuple:
                plan.append((reason.text, None, "", None))
                continue
            head, tail = reason.around()
            plan.append((head, at, tail, reason.currency))
        return plan

    def _reasons(self, plan: _ReasonPlan, row: Sequence[str]) -> str:
        parts = []
        for text, at, tail, currency in plan:
            if at is None:
                parts.append(text)
                continue
            figure = self._token(at, row[at]).figure
            shown = words.amount(figure, currency) if currency else words.number(figure)
            parts.append(f"{text}{shown}{tail}")
        return " | ".join(parts)

    def _rate_place(self, out: Chunk, template: Assessment, rate: Rate | None) -> int:
        ident = (id(template), written(rate) if rate is not None else None)
        place = out.rate_places.get(ident)
        if place is None:
            cells = self.rated.get(ident)
            if cells is None:
                cells = self.rated[ident] = rate_cells(convert_result(template, rate))
            place = out.rate_places[ident] = out.add_converted(cells)
        return place

    def _single(self, out: Chunk, at: int, row: Sequence[str]) -> None:
        header = self.header
        number = out.first + at
        case = (dict(zip(header, row, strict=True)) if len(row) == len(header)
                else ragged_row(header, row))
        result = self.assessor.one(number, case)
        cells = row_cells(result)
        out.of_class[at] = out.add_class((*cells[2:DAY], *cells[DAY + 1:CONVERTED],
                                          *cells[REASONS + 1:]))
        out.of_rate[at] = out.add_converted(cells[CONVERTED:REASONS])
        out.days[at] = cells[DAY]
        out.reasons[at] = cells[REASONS]
        if result.error is not None:
            out.errors.append((number, result.error))


class _Single(Exception):
    """A group whose rows must each go the single row path."""


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
    sink.write(csv_cells(CSV_COLUMNS) + "\n")
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
