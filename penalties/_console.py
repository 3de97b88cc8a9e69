"""The terminal: :mod:`penalties._text` printed through rich, and a progress display.

The command line renders with these two functions only; neither computes or words
anything (the words are :mod:`penalties._words`', the lines :mod:`penalties._text`').
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from penalties._text import Text

__all__ = ["progress", "show"]

#: A progress callback: (rows or steps done, bytes read or total steps).
Tick = Callable[[int, int | None], None]


def show(text: Text) -> None:
    """Print the lines and tables of ``text`` on stdout (a table fitted to the terminal)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    for item in text:
        if isinstance(item, str):
            console.print(item, markup=False)
            continue
        table = Table(title=item.title, title_justify="left") if item.title else Table()
        for name in item.columns:
            table.add_column(name, no_wrap=name in item.no_wrap)
        for row in item.rows:
            table.add_row(*row)
        console.print(table)


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
