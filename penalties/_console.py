"""The terminal: :mod:`penalties._text` printed through rich, and a progress display.

The command line renders with these two functions only; neither computes or words
anything (the words are :mod:`penalties._words`', the lines :mod:`penalties._text`').

Tables never cut a word. A cell is broken into lines only at ordinary spaces (U+0020), so
a money figure, whose spaces are no-break ones (``10 850,02 €`` in ``fr_FR``, with U+202F
and U+00A0; ``250.000.000 ₫`` in ``vi_VN``), a clause or a fact's name is never split or
elided. The layout rule (:func:`renderables`): on a terminal of at least
:data:`LIST_BELOW` (60) columns, the tables of an answer are drawn as tables when each of
them fits with every column at least as wide as its widest word (a no-wrap column as its
widest cell); the columns are first given their full width, then the widest are narrowed
in turn, as rich does, but never below that floor. On a narrower terminal, or when one
table of the answer cannot fit so, every table of the answer is printed as a list: its
title, then each row's heading and one ``column: value`` line per filled cell, wrapped at
spaces. The plain lines of an answer are printed whole (the terminal folds them).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from penalties._text import Table, Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.measure import Measurement

__all__ = ["LIST_BELOW", "Cell", "fit", "listed", "progress", "renderables", "show", "wrap"]

#: Terminals narrower than this many columns get every table as a list.
LIST_BELOW = 60

#: A progress callback: (rows or steps done, bytes read or total steps).
Tick = Callable[[int, int | None], None]


def show(text: Text) -> None:
    """Print the lines and tables of ``text`` on stdout, laid out for the terminal's width
    (see :func:`renderables`)."""
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    for item in renderables(text, console.width):
        console.print(item, markup=False, emoji=False)


def renderables(text: Text, width: int) -> list[RenderableType]:
    """What :func:`show` prints for a terminal ``width`` columns wide: the plain lines as
    they are, the tables as rich tables whose columns :func:`fit`, or, below
    :data:`LIST_BELOW` columns or when a table does not fit, every table as lines
    (:func:`listed`)."""
    fitted = [fit(item, width) if width >= LIST_BELOW else None
              for item in text if isinstance(item, Table)]
    drawn = iter(fitted if all(widths is not None for widths in fitted) else [])
    out: list[RenderableType] = []
    for item in text:
        if isinstance(item, str):
            out.append(item)
        elif (widths := next(drawn, None)) is None:
            out += listed(item, width)
        else:
            out.append(_drawn(item, widths))
    return out


def _drawn(table: Table, widths: Sequence[int]) -> RenderableType:
    from rich.table import Table as RichTable
    from rich.text import Text as Plain

    drawn = (RichTable(title=Plain(table.title), title_justify="left") if table.title
             else RichTable())
    for name, width in zip(table.columns, widths, strict=True):
        wraps = name not in table.no_wrap
        drawn.add_column(Cell(name, wraps), width=width, no_wrap=not wraps)
    for row in table.rows:
        drawn.add_row(*(Cell(cell, name not in table.no_wrap)
                        for name, cell in zip(table.columns, row, strict=True)))
    return drawn


def _words(text: str) -> list[str]:
    return [word for line in text.split("\n") for word in line.split(" ") if word]


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _span(text: str, wraps: bool) -> tuple[int, int]:
    """The narrowest and the widest ``text`` can be: its widest word (its widest line when
    it does not wrap), and its widest line."""
    widest = max((_cells(line) for line in text.split("\n")), default=0)
    return (max((_cells(w) for w in _words(text)), default=0) if wraps else widest), widest


def fit(table: Table, width: int) -> list[int] | None:
    """The width of each column's content for ``table`` drawn in ``width`` columns (a box
    around the cells and a space either side of each), or ``None`` when the columns
    cannot each have their widest word (a no-wrap column its widest cell).

    Each column starts at its widest line; while the table is too wide, the widest columns
    that can wrap and are above their floor are narrowed together, down to the next
    widest, as rich narrows them (so a table that rich drew whole is drawn the same).
    """
    count = len(table.columns)
    spans = [[_span(name, name not in table.no_wrap)] for name in table.columns]
    for row in table.rows:
        for at, cell in enumerate(row):
            spans[at].append(_span(cell, table.columns[at] not in table.no_wrap))
    floors = [max(1, *(low for low, _ in column)) for column in spans]
    widths = [max(1, *(high for _, high in column)) for column in spans]
    room = width - 3 * count - 1
    if sum(floors) > room:
        return None
    wraps = [name not in table.no_wrap for name in table.columns]
    while (excess := sum(widths) - room) > 0:
        movable = [at for at in range(count) if wraps[at] and widths[at] > floors[at]]
        top = max(widths[at] for at in movable)
        second = max((w for at, w in enumerate(widths) if wraps[at] and w < top), default=0)
        most = [min(excess, top - max(second, floors[at])) if at in movable
                and widths[at] == top else 0 for at in range(count)]
        widths = _reduced(excess, most, widths)
    return widths


def _reduced(total: int, most: list[int], values: list[int]) -> list[int]:
    """``values`` less ``total`` shared evenly among those with a ``most`` (at most that
    much each), rounded as rich's ``ratio_reduce`` rounds."""
    shares = sum(1 for m in most if m)
    out = []
    for limit, value in zip(most, values, strict=True):
        if limit and shares:
            cut = min(limit, round(total / shares))
            total, shares = total - cut, shares - 1
            value -= cut
        out.append(value)
    return out


def wrap(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken only at ordinary spaces (a word
    wider than that stays whole on a line of its own), the first line after ``first``,
    the others after ``rest``; each line break of ``text`` starts a line after ``rest``."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = first if not out else rest
        start = len(line)
        for word in paragraph.split(" "):
            if not word:
                continue
            if len(line) > start and _cells(line) + 1 + _cells(word) > width:
                out.append(line)
                line, start = rest, len(rest)
            line += (" " if len(line) > start else "") + word
        out.append(line)
    return out


def listed(table: Table, width: int) -> list[str]:
    """``table`` as lines for a terminal ``width`` columns wide: its title (the first
    column's name when it has none), then for each row its heading (its first
    :attr:`~penalties._text.Table.heading` cells) and one ``column: value`` line per other
    cell that is not empty, each wrapped at spaces."""
    heading = max(1, table.heading)
    out = wrap(table.title or table.columns[0], width)
    for row in table.rows:
        out += wrap(" · ".join(cell for cell in row[:heading] if cell), width, "  ", "    ")
        for name, cell in zip(table.columns[heading:], row[heading:], strict=True):
            if cell:
                out += wrap(f"{name}: {cell}", width, "    ", "      ")
    return out


class Cell:
    """A table cell that rich wraps only at ordinary spaces (never inside a word, so never
    inside a money figure), or not at all."""

    def __init__(self, text: str, wraps: bool = True) -> None:
        self.text = text
        self.wraps = wraps

    def lines(self, width: int) -> list[str]:
        """The cell's lines in ``width`` cells."""
        return wrap(self.text, width) if self.wraps else self.text.split("\n")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement(*_span(self.text, self.wraps)).with_maximum(options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        for line in self.lines(options.max_width):
            yield Segment(line)
            yield Segment.line()


@contextmanager
def progress(size: int | None, what: str) -> Iterator[Tick]:
    """Progress on stderr when it is a terminal (nothing otherwise).

    With a ``size`` (the bytes of a batch's input file): a bar of the share read, the rows
    done and the time left, ticked with (rows done, bytes read). With ``what`` (a task's
    name): a bar ticked with (steps done, total steps). With neither: the rows done.
    """
    if not sys.stderr.isatty():
        yield lambda done, read: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    counted = TextColumn("{task.fields[rows]:,} rows")
    columns: tuple[ProgressColumn, ...] = (
        (BarColumn(), TaskProgressColumn(), counted, TimeRemainingColumn()) if size
        else (TextColumn(what), BarColumn(), TaskProgressColumn()) if what
        else (SpinnerColumn(), counted))
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what or "batch", total=size or None, rows=0)
        if what:
            yield lambda done, total: bar.update(task, completed=done, total=total)
        else:
            yield lambda done, read: bar.update(task, rows=done, completed=read)
