"""ECB euro foreign exchange reference rates, online, through the ECB data API.

One request per currency and calendar month::

    {base_url}/D.{CUR}.EUR.SP00.A?format=csvdata&startPeriod=YYYY-MM-01&endPeriod=YYYY-MM-DD

(base URL ``https://data-api.ecb.europa.eu/service/data/EXR``). The answer is SDMX CSV
with at least the columns ``TIME_PERIOD`` and ``OBS_VALUE`` (``FREQ``, ``CURRENCY`` are
checked when present); a 404 means no observation in that month. Every row must have as
many fields as the header, and a body whose last column is ``OBS_VALUE`` must end with a
line break: a body cut short never yields a shortened number. A month that ended before
yesterday (UTC) never changes, so its response never expires; the current month's expires
after an hour (the ECB publishes around 16:00 CET on TARGET working days). The lookup rule
is the daily one of :mod:`rates.lookback`: the last rate on or before the date, at most 14
days earlier. Pairs without EUR are crossed through EUR. The body is bounded like every
online source's (:mod:`rates.online._limits`); the CSV reader's field limit (128 KiB) and a
NUL byte are refused as not CSV.

What it carries (:data:`EcbSource.currencies`): the ECB's reference-rate currencies, today's
(:data:`REFERENCE_CURRENCIES`) and those it published and no longer does
(:data:`FORMER_CURRENCIES`), and EUR. Any other currency (VND...) is refused at once, with
no request, naming the sources that carry it (:func:`rates.sources.require_carried`).
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import ClassVar

from rates.errors import RateNotFound, shown
from rates.lookback import DAILY_LOOKBACK_DAYS, daily_note, daily_window_start
from rates.model import Rate, through_pivot
from rates.online.http import NEVER_EXPIRE, Fetched, HttpSource, today_utc

__all__ = ["FORMER_CURRENCIES", "REFERENCE_CURRENCIES", "EcbSource"]

#: The currencies of the ECB's euro foreign exchange reference rates today: the ECB's list
#: (ecb.europa.eu, "Euro foreign exchange reference rates"), 29 since the lev (BGN) gave
#: way to the euro on 2026-01-01; the same as the embedded snapshot's ECB history file.
REFERENCE_CURRENCIES = frozenset({
    "AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "GBP", "HKD", "HUF", "IDR", "ILS",
    "INR", "ISK", "JPY", "KRW", "MXN", "MYR", "NOK", "NZD", "PHP", "PLN", "RON", "SEK",
    "SGD", "THB", "TRY", "USD", "ZAR",
})

#: Currencies the ECB published reference rates for and no longer does, with the last day
#: of each (the ECB history file, eurofxref-hist): replaced by the euro, redenominated
#: (ROL by RON, TRL by TRY) or suspended (RUB, since 2022-03-02).
FORMER_CURRENCIES: dict[str, date] = {
    "BGN": date(2025, 12, 31), "CYP": date(2007, 12, 31), "EEK": date(2010, 12, 31),
    "HRK": date(2022, 12, 30), "LTL": date(2014, 12, 31), "LVL": date(2013, 12, 31),
    "MTL": date(2007, 12, 31), "ROL": date(2005, 6, 30), "RUB": date(2022, 3, 1),
    "SIT": date(2006, 12, 29), "SKK": date(2008, 12, 31), "TRL": date(2004, 12, 31),
}


def _months(start: date, end: date) -> list[tuple[date, date]]:
    """(first day, last day) of every calendar month from ``start`` to ``end``."""
    months = []
    first = start.replace(day=1)
    while first <= end:
        following = (first + timedelta(days=32)).replace(day=1)
        months.append((first, following - timedelta(days=1)))
        first = following
    return months


class EcbSource(HttpSource):
    """ECB daily reference rates (units per 1 EUR) from the ECB data API."""

    name = "ecb"
    title = "ECB euro foreign exchange reference rates (ECB data API)"
    description = (
        "Online. Daily reference rates of about 30 currencies against EUR, 1999 on, "
        "published around 16:00 CET on TARGET working days. No VND."
    )
    rate_type = "reference"
    series = "ECB daily reference rate"
    attribution = "Source: ECB statistics"
    default_base_url = "https://data-api.ecb.europa.eu/service/data/EXR"
    pivot = "EUR"
    #: Every currency the ECB has published a reference rate for, and EUR.
    currencies: ClassVar[frozenset[str]] = (
        REFERENCE_CURRENCIES | FORMER_CURRENCIES.keys() | {"EUR"}
    )
    currency_list = "the ECB's reference rates"

    def published(self, first: date, last: date) -> list[str]:
        """The currencies with reference rates in [first, last] (what ``rates.update``
        warms by default): today's, and former ones published until ``first`` at least."""
        del last  # every current currency has rates up to today
        former = [code for code, end in FORMER_CURRENCIES.items() if end >= first]
        return sorted(REFERENCE_CURRENCIES.union(former))

    def rate(self, base: str, quote: str, on: date) -> Rate:
        """base→quote for ``on``; crossed through EUR when neither is EUR. A currency the
        ECB never published is refused at once (no request)."""
        from rates.sources import require_carried

        require_carried(self, base, quote)
        return through_pivot("EUR", base, quote, lambda code: self._leg(code, on))

    def _leg(self, code: str, on: date) -> Rate:
        earliest = daily_window_start(on)
        best: tuple[date, str, Fetched] | None = None
        for first, last in _months(earliest, on):
            fetched = self._month(code, first, last)
            if fetched is None:
                continue
            for day, text in self._parse(fetched, code):
                if earliest <= day <= on and (best is None or day > best[0]):
                    best = (day, text, fetched)
        if best is None:
            raise RateNotFound(
                f"the ECB published no EUR→{code} rate between {earliest.isoformat()} and "
                f"{on.isoformat()} (look-back {DAILY_LOOKBACK_DAYS} days)"
            )
        day, text, fetched = best
        value = self.number(fetched, f"OBS_VALUE of {day.isoformat()}", text, text=True)
        return self.make_rate(
            fetched, "EUR", code, value, basis="daily", start=day, end=day, on=on,
            note=daily_note(day, on, "ECB"),
        )

    def _month(self, code: str, first: date, last: date) -> Fetched | None:
        settled = last < today_utc() - timedelta(days=1)
        return self.fetch(
            f"{self.base_url}/D.{code}.EUR.SP00.A",
            params={
                "format": "csvdata",
                "startPeriod": first.isoformat(),
                "endPeriod": last.isoformat(),
            },
            expire_after=NEVER_EXPIRE if settled else 3600,
            missing_ok=True,
            check=lambda fetched: self._parse(fetched, code),
        )

    def _parse(self, fetched: Fetched, code: str) -> list[tuple[date, str]]:
        """(day, rate text) of every daily observation of ``code`` in an SDMX CSV body."""
        body = self.text(fetched)
        if not body.strip():
            return []
        try:
            return self._rows(fetched, body, code)
        except csv.Error as error:
            raise self.bad(fetched, "body", f"not CSV ({error})") from None

    def _rows(self, fetched: Fetched, body: str, code: str) -> list[tuple[date, str]]:
        reader = csv.reader(io.StringIO(body, newline=""), strict=True)
        columns = next(reader, [])
        for needed in ("TIME_PERIOD", "OBS_VALUE"):
            if needed not in columns:
                raise self.bad(fetched, needed, "column missing from the CSV header")
        if columns[-1] == "OBS_VALUE" and not body.endswith(("\n", "\r")):
            raise self.bad(fetched, "body", "the last row has no line break: a cut body")
        found = []
        for cells in reader:
            if not cells:
                continue
            if len(cells) != len(columns):
                raise self.bad(
                    fetched, f"line {reader.line_num}",
                    f"{len(cells)} fields where the header has {len(columns)} (a row cut "
                    "short, or not SDMX CSV)",
                )
            row = dict(zip(columns, cells, strict=True))
            if row.get("FREQ", "D") != "D" or row.get("CURRENCY", code) != code:
                continue
            text = (row["OBS_VALUE"] or "").strip()
            if not text:
                continue  # no observation that day
            period = row["TIME_PERIOD"] or ""
            try:
                day = date.fromisoformat(period)
            except ValueError:
                raise self.bad(fetched, "TIME_PERIOD", f"{shown(period)} is not a date") from None
            self.number(fetched, f"OBS_VALUE of {period}", text, text=True)
            found.append((day, text))
        return found
