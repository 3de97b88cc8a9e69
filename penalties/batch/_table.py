"""Batches by columns: a chunk of rows is sorted into the classes the law cannot tell apart,
and each class is assessed, converted and turned into CSV cells once.

This is how ``penalties batch`` goes from CSV to CSV and how a DataFrame is assessed
(:mod:`penalties.batch._streams`). It writes the same rows, byte for byte, as
:func:`~penalties.batch._rows.assess_many` followed by
:func:`~penalties.batch._files.write_csv`.

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

The columns that are not facts are carried through (:mod:`penalties.batch._header`): each
row's cells of them are copied to the output as they are, blank for a row that could not
be read (too few or too many cells, bytes that are not UTF-8), and a row whose carried cell
cannot be copied (a NUL, a lone surrogate) is a row in error, as on the single row path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from penalties._errors import PenaltyError
from penalties.assessment._conversion import convert_result
from penalties.assessment._engine import run
from penalties.assessment._seen import Key
from penalties.batch._cells import (
    CONVERTED,
    DAY,
    REASONS,
    class_cells,
    rate_cells,
    row_cells,
    written,
)
from penalties.batch._chunk import Chunk, class_csv, csv_cells
from penalties.batch._columns import LONE, MAX_TEXTS, Columns, Day
from penalties.batch._files import check_header, ragged_row
from penalties.batch._reasons import ReasonPlan, reason_plan, reasons
from penalties.batch._rows import LONE_SURROGATE, Assessor, BadRow, facts_from_row, refused_id
from rates.errors import RateError

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._statute import Statute
    from rates.model import Rate

__all__ = ["TableAssessor"]

_UNSEEN = object()


class TableAssessor:
    """Assesses chunks of rows that share one header; the tokens, answers, rates and cells
    found are kept for the next chunk of the same batch."""

    def __init__(self, header: Sequence[str], provision: str | Statute, *,
                 catalog: Catalog | None = None, to: str | None = None,
                 rate_date: date | None = None, rate_source: str | None = None,
                 today: date | None = None,
                 on_stale: Callable[[Rate], None] | None = None, strict_columns: bool = False,
                 assessor: Assessor | None = None, input_rate_date: date | None = None
                 ) -> None:
        self.assessor = assessor or Assessor(provision, catalog=catalog, to=to,
                                             rate_date=rate_date, rate_source=rate_source,
                                             today=today, on_stale=on_stale,
                                             input_rate_date=input_rate_date)
        vocabulary = self.assessor.vocabulary
        #: What each column is: its fact (or ``id``) or a column carried through.
        self.layout = check_header(header, vocabulary, strict=strict_columns)
        self.header = self.layout.names
        self.lens = self.assessor.lens
        #: Rows can be grouped when the provision and the laws it reaches back to share one
        #: currency (else a bare amount's currency depends on the row's date).
        self.currency = self.lens.currency
        self.grouped = self.currency is not None
        self.columns = Columns(self.header, vocabulary, self.lens, self.assessor.today)
        names = self.header
        self.day_at = names.index("offence_date") if "offence_date" in names else None
        #: For each set of tokens met: the engine's answer of its key (the key of the first
        #: row with those tokens), the answer's cells, its reasons' plan, its bounds' number.
        self.known: dict[tuple[Any, ...], tuple[Assessment, tuple[tuple[str, ...], Any],
                                               ReasonPlan, int]] = {}
        self.bounds: dict[tuple[Any, ...], int] = {}
        self.said: dict[Any, int] = {}
        self.rated: dict[tuple[int, int], tuple[tuple[str, ...], str]] = {}
        self.rates: dict[str, dict[date, Any]] = {}
        #: The rows of the chunk being assessed that could not be read.
        self.bad: Mapping[int, BadRow] = {}

    # -- chunks ---------------------------------------------------------------------------

    def chunk(self, rows: Sequence[Sequence[str]], first: int,
              bad: Mapping[int, BadRow] | None = None) -> Chunk:
        """The results of ``rows`` (cells in the header's order), the first being row
        number ``first``; the rows of ``bad`` (by place in ``rows``) could not be read and
        are rows in error, as is a row whose id cannot be copied to the output."""
        header, width, count = self.header, len(self.header), len(rows)
        ids_at = header.index("id") if "id" in header else None
        ids = ([row[ids_at] if len(row) > ids_at else "" for row in rows]
               if ids_at is not None else [""] * count)
        out = Chunk(first, ids, [""] * count, [""] * count, [0] * count, [0] * count)
        if not rows:
            return out
        self.bad = bad or {}
        if self.layout.carried:
            self._carry(out, rows)
        if not self.grouped:
            for at, row in enumerate(rows):
                self._single(out, at, row)
            return out
        ragged = {at for at, row in enumerate(rows) if len(row) != width}
        ragged.update(self.bad)
        if ids_at is not None:
            ragged.update(_refused_ids(ids))
        even = [[""] * width if at in ragged else row for at, row in enumerate(rows)]
        columns = [self.columns.column(i, column) for i, column in
                   enumerate(zip(*even, strict=True))]
        if self.day_at is None:
            code, day = self.columns.day(None)
            columns.append(([code] * count, [day] * count))
        codes = [c for c, _ in columns]
        lone = set(ragged)
        for column in codes:
            if LONE in column:
                lone.update(at for at, code in enumerate(column) if code == LONE)
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
                facts = facts_from_row(self.layout.case(rows[members[0]]),
                                       assessor.vocabulary, assessor.reader)
                key, _ = self.lens.see(facts, assessor.today, assessor.rate_source,
                                       assessor.input_rate_date)
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
            day: Day = days[at]
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
        for at, text in zip(kept, reasons(plan, columns, kept), strict=True):
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
                                           ReasonPlan, int]:
        """The engine's answer of a key, its cells, how its reasons take a row's figures,
        and the number of its money bounds (what its converted cells depend on)."""
        lens = self.lens
        template = lens.answers.get(key)
        if template is None:
            template = run(lens, key)
            lens.remember(key, template)
        if template.inputs:
            self.assessor.converted_inputs = True
        bounds = _amounts(template)
        number = self.bounds.get(bounds)
        if number is None:
            if len(self.bounds) >= MAX_TEXTS:
                self.bounds.clear()
                self.rated.clear()
            number = self.bounds[bounds] = len(self.bounds)
        cells = class_cells(template)
        return template, (cells, class_csv(cells)), reason_plan(template, key, self.header), number

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
        case: Mapping[str, str] | None = self.bad.get(at) if self.bad else None
        if case is None:
            case = (self.layout.case(row) if len(row) == len(header)
                    else ragged_row(header, row))
        result = self.assessor.one(number, case)
        cells = row_cells(result)
        out.ids[at] = cells[1]  # the id as the single row path copies it (none if refused)
        out.of_class[at] = out.add_class((*cells[2:DAY], *cells[DAY + 1:CONVERTED],
                                          *cells[REASONS + 1:]))
        out.of_rate[at] = out.add_converted(cells[CONVERTED:REASONS])
        out.days[at] = cells[DAY]
        out.reasons[at] = cells[REASONS]
        if result.error is not None:
            out.errors.append((number, result.error))


    def _carry(self, out: Chunk, rows: Sequence[Sequence[str]]) -> None:
        """Each row's carried cells (blank for a row that cannot be read); a row whose
        carried cell cannot be copied becomes a row in error (:attr:`bad`)."""
        layout = self.layout
        width, places = len(self.header), layout.carried
        refused = layout.refused(rows)
        if refused:
            self.bad = {**refused, **self.bad}
        bad, blank = self.bad, ("",) * len(places)
        out.carried = [blank if len(row) != width or at in bad else
                       tuple([row[place] for place in places]) for at, row in enumerate(rows)]


def _refused_ids(ids: list[str]) -> list[int]:
    """The places of the ids that cannot be copied to the output (see
    :func:`~penalties.batch._rows.refused_id`), looked for one by one only when the chunk's
    ids hold a NUL or a non-ASCII character."""
    joined = "".join(ids)
    if "\x00" not in joined and (joined.isascii() or not LONE_SURROGATE.search(joined)):
        return []
    return [at for at, ident in enumerate(ids) if refused_id(ident) is not None]


class _Single(Exception):
    """A group whose rows must each go the single row path."""


def _amounts(template: Assessment) -> tuple[Any, ...]:
    """What the converted cells of a class depend on: its money bounds, exactly."""
    return tuple((p.kind, p.low, p.high) for p in template.principal if p.is_money)
