"""A conversion in a notebook: :class:`~rates.model.Conversion` as an HTML table
(``_repr_html_``) and as a rich table (``__rich__``), in the money side's own words.

The money side never imports the law side (DESIGN.md), and the words ``penalties convert``
prints are the law side's (``penalties._text.conversion``, with its locale's money
formats), so a conversion shows here what it says of itself: the amounts as its JSON holds
them (:meth:`~rates.model.Conversion.to_dict`: every digit, no separators, the currency's
code), the rate as quoted (:func:`rates.quoted.quoted`, the larger way round) and as it
describes itself (:meth:`~rates.model.Rate.describe`: series, pair, period, basis and kind,
date asked for, staleness), the source that answered and each source of a chain that gave
no rate first, the rounding, and each attribution its rates' licences require. These are
locale-neutral, like the JSON. Every string is escaped in HTML, and is rich
:class:`~rich.text.Text` (never markup) in rich. rich is imported only when a conversion is
shown through it; this module only when a conversion is shown.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.table import Table

    from rates.model import Conversion, Rate

__all__ = ["html", "rich", "rows"]

#: The table's title (its caption in HTML).
TITLE = "Conversion"


def rows(result: Conversion) -> list[tuple[str, str]]:
    """What the conversion says of itself, one (name, value) pair a row: amount, converted,
    rate, what the rate is, source, each source asked first, rounding, unrounded result,
    attribution."""
    from rates.quoted import quoted

    doc = result.to_dict()
    rate = result.rate
    said = quoted(rate)
    digits = "first 50 significant digits"
    out = [("amount", f"{doc['amount']['amount']} {result.currency}"),
           ("converted", f"{doc['converted']['amount']} {result.target}"),
           ("rate", f"{said.text} {said.unit}" + ("" if said.exact else f" ({digits})")),
           ("rate is", rate.describe()), ("source", f"{rate.source} ({rate.source_name})")]
    out += [("asked first", f"{f.source}: {f.error}: {f.reason}") for f in rate.fallbacks]
    out += [("rounding", f"once, to the minor unit of {result.target} ({result.rounding})"),
            ("unrounded", doc["unrounded"] + ("" if doc["unrounded_exact"] else
                                              f" ({digits})"))]
    out += [("attribution", text) for text in dict.fromkeys(_attributions(rate)) if text]
    return out


def _attributions(rate: Rate) -> list[str]:
    return [rate.attribution, *(text for leg in rate.legs for text in _attributions(leg))]


def html(result: Conversion) -> str:
    """The conversion as an HTML table, one row a :func:`rows` pair, every string escaped.

    >>> import rates
    >>> text = html(rates.convert("1000000000 VND", "USD", on="2018-03-19"))
    >>> text.startswith('<table><caption>Conversion</caption><tbody><tr><th scope="row">')
    True
    >>> "<td>44517.65 USD</td>" in text, "<td>22463 VND per USD</td>" in text
    (True, True)
    """
    body = "".join(f'<tr><th scope="row">{escape(name)}</th><td>{escape(value)}</td></tr>'
                   for name, value in rows(result))
    return f"<table><caption>{TITLE}</caption><tbody>{body}</tbody></table>"


def rich(result: Conversion) -> Table:
    """The conversion as a rich table of the same rows (no header), fitted by rich to the
    console it is printed on."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(TITLE), title_justify="left", show_header=False)
    table.add_column(no_wrap=True)
    table.add_column()
    for name, value in rows(result):
        table.add_row(Text(name), Text(value))
    return table
