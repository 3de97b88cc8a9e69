"""A chunk of batch results as CSV cells, each class's and each rate's cells shared.

:class:`Chunk` holds the results of one chunk of rows (:mod:`penalties.batch._table`):
the cells of each class of rows once, the converted cells of each class at each rate once,
and each row's own id, date, reasons and carried cells (the input's columns that are not
facts, written after the results'). It writes them as CSV text exactly as
:func:`~penalties.batch._files.write_csv` writes the same results row by row.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from penalties.batch._cells import CONVERTED, CSV_COLUMNS, DAY, REASONS
from penalties.batch._formulas import neutral_cells

__all__ = ["CLASS_COLUMNS", "RATE_COLUMNS", "Chunk", "class_csv", "csv_cells"]

#: The columns whose cells all rows of a class share.
CLASS_COLUMNS = (*CSV_COLUMNS[2:DAY], *CSV_COLUMNS[DAY + 1:CONVERTED],
                 *CSV_COLUMNS[REASONS + 1:])
#: The columns whose cells all rows of a class converted at one rate share.
RATE_COLUMNS = CSV_COLUMNS[CONVERTED:REASONS]
_HEAD = DAY - 2  # class cells before the offence date
_TAIL = len(CLASS_COLUMNS) - (len(CSV_COLUMNS) - REASONS - 1)  # class cells before notes


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
    #: Where the converted cells of each class at each rate are (made once per chunk).
    rate_places: dict[Any, int] = field(default_factory=dict)
    #: Each row's carried cells (none: the input carries no column).
    carried: list[tuple[str, ...]] = field(default_factory=list)

    def add_class(self, cells: tuple[str, ...], text: tuple[str, str, str] | None = None
                  ) -> int:
        """Keep the cells of a class (and their CSV text); return their place."""
        self.classes.append(cells)
        self.class_csv.append(text or class_csv(cells))
        return len(self.classes) - 1

    def add_converted(self, cells: tuple[str, ...], text: str | None = None) -> int:
        """Keep the cells of a class at a rate (and their CSV text); return their place."""
        self.converted.append(cells)
        self.converted_csv.append(text or csv_cells(cells))
        return len(self.converted) - 1

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Each row's cells, in :data:`~penalties.batch._files.CSV_COLUMNS` order."""
        classes, converted = self.classes, self.converted
        carried = self.carried or [()] * len(self.ids)
        for at, (ident, day, reasons, one, two, kept) in enumerate(zip(
                self.ids, self.days, self.reasons, self.of_class, self.of_rate, carried,
                strict=True)):
            cells = classes[one]
            yield (self.first + at, ident, *cells[:_HEAD], day, *cells[_HEAD:_TAIL],
                   *converted[two], reasons, *cells[_TAIL:], *kept)

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

    def csv(self, stop: int | None = None, *, escape_formulas: bool = False) -> str:
        """The rows as CSV text, as :func:`~penalties.batch._files.write_csv` writes them (every
        cell quoted); only the rows before row number ``stop`` when given; with
        ``escape_formulas``, each cell that begins as a formula behind an apostrophe
        (:mod:`penalties.batch._formulas`)."""
        count = len(self.ids) if stop is None else max(0, stop - self.first)
        if escape_formulas:  # cell by cell (the shared cells' text is not escaped)
            return "".join(csv_cells(neutral_cells(row)) + "\n"
                           for row in itertools.islice(self.rows(), count))
        classes, converted = self.class_csv, self.converted_csv
        q, qq = '"', '""'
        between = '","'
        kept = ([',"' + between.join([c.replace(q, qq) for c in cells]) + '"'
                 for cells in self.carried]
                if self.carried and self.carried[0] else [""] * len(self.ids))
        return "".join([
            f'"{number}","{ident.replace(q, qq)}",{classes[one][0]},"{day.replace(q, qq)}",'
            f'{classes[one][1]},{converted[two]},"{reasons.replace(q, qq)}",{classes[one][2]}'
            f'{carried}\n'
            for number, ident, day, reasons, one, two, carried in zip(
                range(self.first, self.first + count), self.ids, self.days, self.reasons,
                self.of_class, self.of_rate, kept, strict=False)])


def class_csv(cells: tuple[str, ...]) -> tuple[str, str, str]:
    """The CSV text of a class's cells, in the three stretches a row puts them."""
    return (csv_cells(cells[:_HEAD]), csv_cells(cells[_HEAD:_TAIL]), csv_cells(cells[_TAIL:]))


def csv_cells(cells: Iterable[Any]) -> str:
    """Cells as one line of CSV text, every cell quoted (as ``write_csv`` writes them)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="", quoting=csv.QUOTE_ALL).writerow(cells)
    return out.getvalue()
