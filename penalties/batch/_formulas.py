"""CSV cells a spreadsheet would run as formulas, neutralised (``--escape-formulas``).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula
to Excel, LibreOffice Calc and Google Sheets when a CSV file is opened there, quoting
notwithstanding: ``=HYPERLINK(...)`` in a case's ``id`` or in a carried column of an
untrusted case file becomes a link, or worse (OWASP, "CSV Injection"). With the option,
every such cell of a CSV output, the header's included, is written with an apostrophe
before it, which those programs show as text and never evaluate; the rest of the cell is
kept as it was, so nothing is lost (drop the first ``'`` to read the value back). Without
it, cells are written exactly as given (the default: a CSV output is data first).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["FORMULA_STARTS", "neutral", "neutral_cells"]

#: The first characters that make a cell a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(cell: object) -> object:
    """``cell`` with ``'`` before it when it is text that begins as a formula.

    >>> neutral("=HYPERLINK(\\"http://example.com\\")"), neutral("-1"), neutral("A-1"), neutral(7)
    ('\\'=HYPERLINK("http://example.com")', "'-1", 'A-1', 7)
    """
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def neutral_cells(cells: Iterable[object]) -> list[object]:
    """Every cell of a row through :func:`neutral`."""
    return [neutral(cell) for cell in cells]
