"""Words for people: amounts, bands, ranges, rates and rules, in one place (the words for
numbers, amounts and rates in :mod:`~penalties._words._numbers`, for the law's rules in
:mod:`~penalties._words._law`).

The engine's explanations, the command line and the batch files all word things here, so
a band reads the same everywhere ("from VND 50,000,000 to under VND 300,000,000"), and the
screen shows the digits the JSON holds: an amount of a result is rounded once
(:mod:`rates.money`) and then shown with exactly its currency's ISO 4217 minor-unit digits,
in any locale. Explanations are locale-neutral (``VND 300,000,000``), as the results and
their JSON hold them; :func:`money` formats for a CLDR locale (``300.000.000 ₫`` in
``vi_VN``), and on screen :func:`reason`, :func:`input_conversion` and :func:`rate` word a
reason, an input's conversion and a rate with their figures in the reader's locale.

>>> from decimal import Decimal
>>> band((Decimal(50), True), (Decimal(300), False), True, "VND")
'from VND 50 to under VND 300'
>>> amount(Decimal("49999999.72065"), "VND")
'VND 49,999,999.72065'
>>> money(Decimal("383662.07"), "HUF", "en_US") == "HUF\xa0383,662.07"
True
"""

from penalties._words._law import (
    additional_cell,
    bound,
    bound_cells,
    evaluated,
    factor,
    golden_cases,
    highest,
    joiner,
    kind,
    node,
    origin,
    outline,
    principal_rule,
    range_ends,
    range_line,
    range_name,
    range_spec,
    summary,
    term,
)
from penalties._words._numbers import (
    amount,
    band,
    computed,
    condition,
    exact_money,
    figure,
    input_conversion,
    interval,
    local_number,
    locale,
    money,
    months,
    number,
    numbers,
    rate,
    reason,
    threshold,
)

__all__ = [
    "additional_cell",
    "amount",
    "band",
    "bound",
    "bound_cells",
    "computed",
    "condition",
    "evaluated",
    "exact_money",
    "factor",
    "figure",
    "golden_cases",
    "highest",
    "input_conversion",
    "interval",
    "joiner",
    "kind",
    "local_number",
    "locale",
    "money",
    "months",
    "node",
    "number",
    "numbers",
    "origin",
    "outline",
    "principal_rule",
    "range_ends",
    "range_line",
    "range_name",
    "range_spec",
    "rate",
    "reason",
    "summary",
    "term",
    "threshold",
]
