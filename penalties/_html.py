"""Results in a notebook: the command line's own text as HTML and as a rich renderable.

An :class:`~penalties.Assessment` and a :class:`~penalties.TierMap` show themselves in
Jupyter (``_repr_html_``) and in any rich console (``__rich__``) from the same
:data:`~penalties._text.Text` that ``penalties assess`` and ``penalties map`` print
(:mod:`penalties._text`, :mod:`penalties._text_map`), so a notebook says what the terminal
says, with the same words and figures:

* :func:`html` writes the plain lines as paragraphs (a blank line ends one; indentation and
  line breaks kept by ``white-space: pre-wrap``) and each table as a ``<table>`` with its
  title as ``<caption>`` and its column names in ``<thead>``. Every string is escaped:
  statute text, a user's statute file and the facts are data, never markup. No script, no
  external resource, no class names a page must know.
* :class:`Shown` is what :func:`penalties._console.show` prints, laid out for the width of
  the console it is printed on (:func:`penalties._console.renderables`: tables fitted, or a
  list on a narrow console); the plain lines are :class:`rich.text.Text`, so brackets and
  colons in them are never read as rich markup or emoji codes. Printed on a console with
  ``soft_wrap=True`` (as the command line's is), its lines are the command line's, one for
  one; on another console rich wraps the long plain lines at spaces.

The money figures follow :func:`locale`: the environment's, as the command line's default
(``PENALTIES_LOCALE``, else ``LC_MONETARY``/``LANG``; a bare C or POSIX environment means
``en_US``). rich is imported only when a result is shown through it; this module only when a
result is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING

from penalties._text import Table, Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType

__all__ = ["Shown", "html", "locale"]

#: The one style of the whole block: lines and cells keep their indentation and breaks.
_STYLE = "white-space: pre-wrap"


def locale() -> str:
    """The locale a result is shown in: the command line's default
    (:func:`penalties._words.locale` with no ``--locale``)."""
    from penalties import _words as words

    return words.locale(None)


def html(text: Text) -> str:
    r"""``text`` as one HTML fragment: a ``<div>`` of paragraphs and tables, every string
    escaped, no whitespace between tags (so ``pre-wrap`` adds no blank lines).

    >>> print(html(["a <b>", "", Table(("x",), (("1 & 2",),), "T")]).replace("><", ">\n<"))
    <div style="white-space: pre-wrap">
    <p>a &lt;b&gt;</p>
    <table>
    <caption>T</caption>
    <thead>
    <tr>
    <th>x</th>
    </tr>
    </thead>
    <tbody>
    <tr>
    <td>1 &amp; 2</td>
    </tr>
    </tbody>
    </table>
    </div>
    """
    parts: list[str] = []
    lines: list[str] = []

    def paragraph() -> None:
        if lines:
            parts.append("<p>" + escape("\n".join(lines)) + "</p>")
            lines.clear()

    for item in text:
        if isinstance(item, Table):
            paragraph()
            parts.append(_table(item))
        elif item.strip():
            lines.append(item)
        else:
            paragraph()
    paragraph()
    return f'<div style="{_STYLE}">{"".join(parts)}</div>'


def _table(table: Table) -> str:
    caption = f"<caption>{escape(table.title)}</caption>" if table.title else ""
    head = "".join(f"<th>{escape(name)}</th>" for name in table.columns)
    body = "".join(
        "<tr>" + "".join(_cell(name in table.no_wrap, cell)
                         for name, cell in zip(table.columns, row, strict=True)) + "</tr>"
        for row in table.rows)
    return (f"<table>{caption}<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _cell(no_wrap: bool, text: str) -> str:
    style = ' style="white-space: pre"' if no_wrap else ""
    return f"<td{style}>{escape(text)}</td>"


class Shown:
    """``text`` as rich prints it for the command line, for the width of the console it is
    printed on (see the module's docstring); built when printed, never printing itself."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def renderables(self, width: int) -> list[RenderableType]:
        """What the command line prints on a terminal ``width`` columns wide, the plain
        lines as :class:`rich.text.Text` (never markup)."""
        from rich.text import Text as Plain

        from penalties._console import renderables

        return [Plain(item) if isinstance(item, str) else item
                for item in renderables(self.text, width)]

    def __rich_console__(self, console: Console,
                         options: ConsoleOptions) -> Iterator[RenderableType]:
        yield from self.renderables(options.max_width)
