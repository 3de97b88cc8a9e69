"""The irrevocably fixed rates of the currencies the euro replaced (rule 0 of
:mod:`rates.lookback`), read from ``rates/euro_fixed.toml``.

From the day a currency was replaced by the euro (the German mark on 1 January 1999, the
Bulgarian lev on 1 January 2026), the conversion rate fixed by Council Regulation (EC)
No 2866/98, Art. 1 (as amended for each later member) is the only rate between it and the
euro, and conversions between two such currencies go through the euro (Council Regulation
(EC) No 1103/97, Art. 4). The snapshot answers EUR→code with it on and after that day,
exactly as written (``1.95583``), never stale, before any published series: a 1998 annual
average of the mark crossed with the dollar would put 100 marks at 60.91 euros in June
2000 instead of 51.13.

>>> leg = fixed_leg("DEM", date(2000, 6, 1), "snapshot")
>>> leg.value, leg.basis, leg.period, leg.stale, leg.age_days
(Decimal('1.95583'), 'fixed', '1999-01-01', False, 0)
>>> fixed_leg("DEM", date(1998, 12, 31), "snapshot") is None
True
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from rates.errors import RateNotFound
from rates.model import Rate, cross

__all__ = ["FIXED_FILE", "Fixed", "fixed_leg", "fixed_rates", "through_fixed"]

#: The data file of the fixed rates (shipped with the package).
FIXED_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "euro_fixed.toml")

#: The series name every fixed rate carries.
SERIES = "euro conversion rate (Council Regulation (EC) No 2866/98)"


@dataclass(frozen=True, slots=True)
class Fixed:
    """One currency's fixed rate: units per euro, from the day it applies, the act."""

    code: str
    per_euro: Decimal
    start: date
    act: str


@cache
def _table() -> dict[str, object]:
    """:data:`FIXED_FILE` as read (once)."""
    with open(FIXED_FILE, "rb") as handle:
        return tomllib.load(handle)


@cache
def fixed_rates() -> dict[str, Fixed]:
    """Every fixed rate of :data:`FIXED_FILE`, by currency code."""
    return {code: Fixed(code, Decimal(entry["per_euro"]), entry["from"], entry["act"])
            for code, entry in _table().items() if isinstance(entry, dict)}


def _about() -> tuple[str, str]:
    """The file's source of every rate, and the rule of their use."""
    table = _table()
    return str(table["source"]), str(table["rule"])


def through_fixed(base: str, quote: str, on: date, source: str,
                  ask: Callable[[str, str], Rate]) -> Rate | None:
    """base→quote on ``on`` when either currency was replaced by the euro by then (rule 0
    of :mod:`rates.lookback`), else ``None``: each replaced currency at its fixed rate
    against the euro, and the other (when it was not replaced) at the euro rate that
    ``ask("EUR", other)`` gives, from whatever source answers (a replaced currency has no
    other rate: before 1999-01-04, when the euro had no published rate yet, the mark has
    none either). Every lookup answers through here (:func:`rates.get_rate`, the snapshot's
    and every online source's ``rate()``), so a market quote of the lev after 2026-01-01
    (the ECB looks back 14 days) never stands for its fixed rate."""
    fixed_base, fixed_quote = fixed_leg(base, on, source), fixed_leg(quote, on, source)
    if fixed_base is None and fixed_quote is None:
        return None
    try:
        eur_base = fixed_base if fixed_base is not None else (
            None if base == "EUR" else ask("EUR", base))
        eur_quote = fixed_quote if fixed_quote is not None else (
            None if quote == "EUR" else ask("EUR", quote))
    except RateNotFound as exc:  # say why the euro's rate was asked
        fixed = fixed_base or fixed_quote
        assert fixed is not None
        raise RateNotFound(f"{fixed.quote} is a fixed fraction of the euro from "
                           f"{fixed.period_start.isoformat()}, whose rate it takes: "
                           f"{exc}") from None
    if eur_base is None:
        assert eur_quote is not None
        return eur_quote
    return eur_base.inverse() if eur_quote is None else cross(eur_base, eur_quote)


def fixed_leg(code: str, on: date, source: str) -> Rate | None:
    """EUR→``code`` at its fixed rate when ``code`` was replaced by the euro on or before
    ``on`` (``source``: the id of the source answering), else ``None``."""
    fixed = fixed_rates().get(code)
    if fixed is None or on < fixed.start:
        return None
    cited, rule = _about()
    return Rate(
        base="EUR", quote=code, value=fixed.per_euro, source=source,
        source_name=f"{fixed.act}: 1 EUR = {fixed.per_euro} {code}", series=SERIES,
        attribution=f"Source: {cited}.", basis="fixed", period_start=fixed.start,
        period_end=fixed.start, asked_for=on, rate_type="official",
        note=(f"the rate fixed from {fixed.start.isoformat()} ({fixed.act}); {rule}"))
