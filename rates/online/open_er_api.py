"""open.er-api.com (ExchangeRate-API, open access): the latest rates only, VND included.

``GET {base_url}/latest/{BASE}`` (base URL ``https://open.er-api.com/v6``) answers
``{"result": "success", "base_code": "USD", "time_last_update_unix": ...,
"time_next_update_unix": ..., "rates": {"VND": 26227.8, ...}}``. The rates are refreshed
once a day; a fetched response is kept until ``time_next_update_unix`` (the provider asks
clients not to call before it), an hour at first, and never more than a day ahead whatever
the server announces. Both times must be whole Unix seconds from 2000 to 9999 (anything
else is a :class:`~rates.errors.BadPayload`). There is no history: the answer is used
for dates from the day of its last update up to 14 days later, and any earlier date is
refused. The provider allows caching but not redistribution, and asks for attribution.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

from rates.errors import RateNotFound, shown
from rates.lookback import DAILY_LOOKBACK_DAYS, daily_note
from rates.model import Rate
from rates.online.http import Fetched, HttpSource

__all__ = ["OpenErApiSource"]

#: The Unix times a payload may give: 2000-01-01 to 9999-12-31 UTC.
EARLIEST_UNIX = 946_684_800
LATEST_UNIX = 253_402_300_799


class OpenErApiSource(HttpSource):
    """The latest daily rates of open.er-api.com for any base currency."""

    name = "open-er-api"
    title = "ExchangeRate-API open access (open.er-api.com)"
    description = (
        "Online. Latest rates only (refreshed daily) for ~160 currencies including VND; no "
        "history, no redistribution."
    )
    rate_type = "market"
    series = "open.er-api latest daily rate"
    attribution = "Rates By Exchange Rate API (https://www.exchangerate-api.com)"
    default_base_url = "https://open.er-api.com/v6"
    #: Not declared: the provider's list (~160 currencies, VND included) changes; the answer
    #: says whether it quotes a currency (see rates.sources).
    currencies: ClassVar[frozenset[str] | None] = None

    def warm_pair(self, code: str) -> tuple[str, str]:
        """One file per base currency: warm ``code``→USD (or USD→EUR)."""
        return (code, "EUR") if code == "USD" else (code, "USD")

    def rate(self, base: str, quote: str, on: date) -> Rate:
        """base→quote from the latest rates, if they may answer for ``on``."""
        fetched = self.fetch(
            f"{self.base_url}/latest/{base}",
            expire_after=timedelta(hours=1),
            check=lambda fresh: self._lookup(fresh, self._payload(fresh, base), quote, on),
        )
        assert fetched is not None
        payload = self._payload(fetched, base)
        following = self._stamp(fetched, payload, "time_next_update_unix")
        if following > datetime.now(UTC):
            self.keep_until(fetched, following)
        return self._lookup(fetched, payload, quote, on)

    def _payload(self, fetched: Fetched, base: str) -> dict[str, Any]:
        """The checked body: a success for ``base`` with its update times and rates."""
        payload = self.json(fetched)
        if not isinstance(payload, dict):
            raise self.bad(fetched, "body", "not a JSON object")
        if payload.get("result") != "success":
            problem = payload.get("error-type", payload.get("result"))
            if problem == "unsupported-code":
                raise RateNotFound(f"open-er-api does not quote {base}")
            raise self.bad(fetched, "result", f"{shown(problem)} instead of 'success'")
        if payload.get("base_code") != base:
            raise self.bad(fetched, "base_code", f"{shown(payload.get('base_code'))}, asked {base}")
        self._stamp(fetched, payload, "time_last_update_unix")
        self._stamp(fetched, payload, "time_next_update_unix")
        if not isinstance(payload.get("rates"), dict):
            raise self.bad(fetched, "rates", "missing, or not an object of rates")
        return payload

    def _lookup(self, fetched: Fetched, payload: dict[str, Any], quote: str, on: date) -> Rate:
        """base→quote from a checked body, if its rates may answer for ``on``."""
        base = str(payload["base_code"])
        rates = payload["rates"]
        day = self._stamp(fetched, payload, "time_last_update_unix").date()
        if on < day:
            raise RateNotFound(
                f"open-er-api serves only the latest rates (of {day.isoformat()}); it has "
                f"none for {on.isoformat()}"
            )
        if on - day > timedelta(days=DAILY_LOOKBACK_DAYS):
            raise RateNotFound(
                f"open-er-api's latest rates are of {day.isoformat()}, more than "
                f"{DAILY_LOOKBACK_DAYS} days before {on.isoformat()}"
            )
        if quote not in rates:
            raise RateNotFound(f"open-er-api has no {base}→{quote} rate")
        value = self.number(fetched, f"rates.{quote}", rates[quote])
        return self.make_rate(
            fetched, base, quote, value, basis="daily", start=day, end=day, on=on,
            note=daily_note(day, on, "open.er-api"),
        )

    def _stamp(self, fetched: Fetched, payload: dict[str, Any], field: str) -> datetime:
        """A Unix time of the payload: whole seconds from 2000 to 9999 (so never an
        overflow: 1e20, a negative number, NaN and text are refused naming the field)."""
        raw = payload.get(field)
        if isinstance(raw, bool) or not isinstance(raw, int) or not (
            EARLIEST_UNIX <= raw <= LATEST_UNIX
        ):
            raise self.bad(
                fetched, field, f"{shown(raw)} is not a Unix time (allowed: whole seconds "
                "from 2000 to 9999)",
            )
        return datetime.fromtimestamp(raw, UTC)
