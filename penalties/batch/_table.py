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
from penalties._values import Amount, plain_column, read_column
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
from penalties.batch._chunk import Chunk, class_csv, csv_cells
from penalties.batch._files import check_header, ragged_row
from penalties.batch._rows import Assessor, facts_from_row
from rates.errors import RateError

if TYPE_CHECKING:
    import pandas

    from penalties._vocabulary import Fact
    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["CHUNK_ROWS", "TableAssessor", "assess_frame", "csv_to_csv"]

#: Rows per chunk in ``penalties batch`` (memory stays bounded by one chunk).
CHUNK_ROWS = 10_000
#: Distinct texts remembered per column before the memory starts afresh.
MAX_TEXTS = 100_000
#: The code of a cell whose row must go the single row path. A column's codes are its own
#: numbering of what the law sees of a cell: 0 not given, a position p as p + 1, any other
#: token a number below this one.
_LONE = -1
_UNSEEN = object()


class _Day(NamedTuple):
    """What the law sees of an offence date cell, and the date itself."""

    basis: str
    key: tuple[Any, ...]
    text: str
    day: date


#: How a class's reasons are written for one of its rows: each sentence as it stands, or
#: its text before and after the figure, the column of the figure and its currency.
_ReasonPlan = list[tuple[str, int | None, str, str | None]]
#: Cells remembered per column of a kind that repeats (dates, flags, offenders, acts).
_REPEATING = frozenset({"date", "flag", "enum", "act"})


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
        self.currency = self.lens.currency
        self.grouped = self.currency is not None
        self.facts = [vocabulary.facts.get(name) for name in self.header]
        self.day_at = self.header.index("offence_date") if "offence_date" in header else None
        #: The code and payload of each text met, in the columns whose values repeat.
        self.texts: list[tuple[dict[str, int], dict[str, Any]] | None] = [
            ({}, {}) if fact is not None and fact.kind in _REPEATING else None
            for fact in self.facts]
        #: For each set of tokens met: the engine's answer of its key (the key of the first
        #: row with those tokens), the answer's cells, its reasons' plan, its bounds' number.
        self.known: dict[tuple[Any, ...], tuple[Assessment, tuple[tuple[str, ...], Any],
                                               _ReasonPlan, int]] = {}
        self.bounds: dict[tuple[Any, ...], int] = {}
        #: The numbering of the tokens that are not positions, per fact (see _Cell).
        self.numbers: dict[str, dict[Any, int]] = {name: {} for name in (*header, "offence_date")}
        self.said: dict[Any, int] = {}
        self.rated: dict[tuple[int, int], tuple[tuple[str, ...], str]] = {}
        self.rates: dict[str, dict[date, Any]] = {}

    # -- what the law sees of each cell ---------------------------------------------------

    def _column(self, at: int, column: Sequence[str]) -> tuple[list[int], list[Any]]:
        """What the law sees of each cell of a column: the number of its token (see
        :data:`_LONE`) and its payload (the figure of a position, the :class:`_Day` of a
        date). Read by the one reader, a column at once, each distinct text once where
        values repeat (dates, flags, offenders); tokens by the engine's own functions."""
        fact = self.facts[at]
        if fact is None:  # the id column
            return [0] * len(column), [None] * len(column)
        known = self.texts[at]
        if known is None:
            plain = plain_column(fact, column)
            return self._cells(fact, plain if plain is not None else read_column(fact, column))
        codes_of, payloads_of = known
        fresh = list(set(column).difference(codes_of))
        if len(codes_of) + len(fresh) > MAX_TEXTS:
            codes_of.clear()
            payloads_of.clear()
            fresh = list(set(column))
        codes, payloads = self._cells(fact, read_column(fact, fresh))
        codes_of.update(zip(fresh, codes, strict=True))
        payloads_of.update(zip(fresh, payloads, strict=True))
        return (list(map(codes_of.__getitem__, column)),
                list(map(payloads_of.__getitem__, column)))

    def _cells(self, fact: Fact, values: Sequence[object]) -> tuple[list[int], list[Any]]:
        """The codes and payloads of the values of one fact (read, or the error of a text
        that is not)."""
        if fact.name == "offence_date":
            days = [(_LONE, None) if isinstance(v, PenaltyError)
                    else self._day(given(fact, v)) for v in values]  # type: ignore[arg-type]
            return [c for c, _ in days], [d for _, d in days]
        places = self.lens.places(fact.name, fact.kind, values, self.currency)
        default = fact.default
        # A position p is p + 1 (the figure goes into the reasons); not given (or what not
        # giving it means, _facts.given) is 0; anything else is numbered by _other.
        codes = [0 if v is None or v == default else (p + 1 if p is not None
                 else self._other(fact, v)) for v, p in zip(values, places, strict=True)]
        payloads = [(v.value if type(v) is Amount else v) if p is not None else None
                    for v, p in zip(values, places, strict=True)]
        return codes, payloads

    def _other(self, fact: Fact, value: object) -> int:
        """The code of a value that is not a position: _LONE when the single row path must
        report it (an error) or the engine see it whole (a date compared with the offence
        date, an amount to convert), else its number in the column's numbering."""
        if fact.role in EXACT_ROLES or isinstance(value, PenaltyError) or (
                isinstance(value, Amount) and value.currency not in (None, self.currency)):
            return _LONE
        token = given(fact, value)  # the offender as an Offender
        numbers = self.numbers[fact.name]
        number = numbers.get(token)
        if number is None:
            number = numbers[token] = _LONE - 1 - len(numbers)
        return number

    def _day(self, value: date | None) -> tuple[int, _Day | None]:
        day = value if value is not None else self.assessor.today
        found = self.lens.day(day)
        if found.dated:
            return _LONE, None
        basis = "offence_date" if value is not None else TODAY_BASIS
        numbers = self.numbers["offence_date"]
        number = numbers.get((basis, found.key))
        if number is None:
            number = numbers[(basis, found.key)] = _LONE - 1 - len(numbers)
        return number, _Day(basis, ("day", found.key), day.isoformat(), day)

    # -- chunks ---------------------------------------------------------------------------

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
            for at, row in enumerate(rows):
                self._single(out, at, row)
            return out
        ragged = {at for at, row in enumerate(rows) if len(row) != width}
        even = [[""] * width if at in ragged else row for at, row in enumerate(rows)]
        columns = [self._column(i, column) for i, column in
                   enumerate(zip(*even, strict=True))]
        if self.day_at is None:
            code, day = self._day(None)
            columns.append(([code] * count, [day] * count))
        codes = [c for c, _ in columns]
        lone = set(ragged)
        for column in codes:
            if _LONE in column:
                lone.update(at for at, code in enumerate(column) if code == _LONE)
        groups: dict[tuple[int, ...], list[int]] = {}
        for at, key in enumerate(zip(*codes, strict=True)):
            if at in lone:
                self._single(out, at, rows[at])
                continue
            members = groups.get(key)
            if members is None:
                groups[key] = [at]
            else:
                members.append(at)
        payloads = [p for _, p in columns]
        for key, members in groups.items():
            self._group(out, key, members, rows, payloads)
        if out.errors:
            out.errors.sort()
        return out

    def _group(self, out: Chunk, tokens: tuple[Any, ...], members: list[int],
               rows: Sequence[Sequence[str]], columns: list[list[Any]]) -> None:
        """Rows with the same tokens: the engine's key of the first is the key of all (and
        of any later group with these tokens)."""
        assessor = self.assessor
        try:
            known = self.known.get(tokens)
            if known is None:
                facts = facts_from_row(dict(zip(self.header, rows[members[0]], strict=True)),
                                       assessor.vocabulary, assessor.reader)
                key, _ = self.lens.see(facts, assessor.today, assessor.rate_source)
                if key.day[0] != "day":
                    raise _Single
                if len(self.known) >= MAX_TEXTS:
                    self.known.clear()  # (the numbering stays: it grows with the tokens met)
                known = self.known[tokens] = self._template(key)
            template, cells, plan, amounts = known
        except (PenaltyError, RateError, _Single):
            for at in members:
                self._single(out, at, rows[at])
            return
        place = out.add_class(*cells)
        currency = template.provision.currency
        days = columns[self.day_at if self.day_at is not None else len(self.header)]
        rates = self._rates(currency)
        kept = []
        for at in members:
            day: _Day = days[at]
            rate = rates.get(day.day, _UNSEEN)
            if rate is _UNSEEN:
                rate = rates[day.day] = self._rate(currency, day.day)
            if rate is None:
                self._single(out, at, rows[at])
                continue
            ident = (amounts, rate[1])
            where = out.rate_places.get(ident)
            if where is None:
                where = self._rate_place(out, template, ident, rate[0])
            out.of_class[at] = place
            out.of_rate[at] = where
            out.days[at] = day.text
            kept.append(at)
        for at, text in zip(kept, _reasons(plan, columns, kept), strict=True):
            out.reasons[at] = text

    def _rate(self, currency: str, day: date) -> tuple[Rate | None, int] | None:
        """The rate of a day for results in ``currency`` and the number of what the cells
        say of it (rates of different days that read the same share it); ``None`` when the
        rate fails."""
        try:
            rate = self.assessor.rate(currency, day)
        except (PenaltyError, RateError):
            return None
        said = written(rate) if rate is not None else None
        number = self.said.get(said)
        if number is None:
            number = self.said[said] = len(self.said)
        return rate, number

    def _rates(self, currency: str) -> dict[date, Any]:
        """The rate of each offence date met, for results in ``currency`` (``None``: the
        rate fails, and the rows of that date go the single row path to say why)."""
        found = self.rates.get(currency)
        if found is None or len(found) > MAX_TEXTS:
            found = self.rates[currency] = {}
        return found

    def _template(self, key: Key) -> tuple[Assessment, tuple[tuple[str, ...], Any],
                                           _ReasonPlan, int]:
        """The engine's answer of a key, its cells, how its reasons take a row's figures,
        and the number of its money bounds (what its converted cells depend on)."""
        lens = self.lens
        template = lens.answers.get(key)
        if template is None:
            template = run(lens, key)
            lens.remember(key, template)
        bounds = _amounts(template)
        number = self.bounds.get(bounds)
        if number is None:
            if len(self.bounds) >= MAX_TEXTS:
                self.bounds.clear()
                self.rated.clear()
            number = self.bounds[bounds] = len(self.bounds)
        cells = class_cells(template)
        return template, (cells, class_csv(cells)), self._plan(template, key), number

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

    def _rate_place(self, out: Chunk, template: Assessment, ident: tuple[int, int],
                    rate: Rate | None) -> int:
        """Where the converted cells of a class at a rate are in the chunk: made once per
        set of money bounds and rate (classes with the same ranges share them)."""
        found = self.rated.get(ident)
        if found is None:
            cells = rate_cells(convert_result(template, rate))
            found = self.rated[ident] = (cells, csv_cells(cells))
        place = out.rate_places[ident] = out.add_converted(*found)
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


def _amounts(template: Assessment) -> tuple[Any, ...]:
    """What the converted cells of a class depend on: its money bounds, exactly."""
    return tuple((p.kind, p.low, p.high) for p in template.principal if p.is_money)


def _reasons(plan: _ReasonPlan, columns: list[list[Any]], rows: list[int]) -> list[str]:
    """The reasons of a class for each of some rows, with each row's figures (``columns``:
    the cells by column), sentence by sentence."""
    parts: list[list[str]] = []
    for text, at, tail, currency in plan:
        if at is None:
            parts.append([text] * len(rows))
            continue
        column = columns[at]
        head = f"{text}{currency} " if currency else text  # as words.amount writes it
        figures = words.numbers([column[row] for row in rows])
        parts.append([f"{head}{figure}{tail}" for figure in figures])
    if not parts:
        return [""] * len(rows)
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
