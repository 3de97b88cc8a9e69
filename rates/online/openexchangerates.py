"""Open Exchange Rates, historical end-of-day rates per US$: the example of a keyed source.

``GET {base_url}/historical/YYYY-MM-DD.json?app_id=KEY`` (base URL
``https://openexchangerates.org/api``) answers ``{"timestamp": ..., "base": "USD",
"rates": {"VND": 22750.5, ...}}``. The key travels as the ``app_id`` query parameter, which
is declared secret (left out of cache keys), and the key itself is registered as a secret
(:func:`rates.redaction.register_secret`): wherever a server sends it back (a redirect's
path, fragment or query, a header, a body) and in whatever encoding, it is redacted from
the cache file, the logs and error messages. Not registered by default (it needs the
user's key)::

    from rates import register_source
    from rates.online.openexchangerates import OpenExchangeRatesSource
    register_source(OpenExchangeRatesSource(app_id="..."))
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar, Unpack

from rates.errors import RateNotFound
from rates.lookback import daily_note
from rates.model import Rate, through_pivot
from rates.online.http import NEVER_EXPIRE, Fetched, HttpOptions, HttpSource, today_utc
from rates.redaction import redact, register_secret

__all__ = ["OpenExchangeRatesSource"]


class OpenExchangeRatesSource(HttpSource):
    """End-of-day rates per US$ from Open Exchange Rates (needs an ``app_id``)."""

    name = "openexchangerates"
    title = "Open Exchange Rates (historical, keyed)"
    description = "Online, needs an app_id. End-of-day rates per US$, 1999 on."
    rate_type = "market"
    series = "Open Exchange Rates end-of-day rate"
    attribution = "Exchange rates provided by Open Exchange Rates (https://openexchangerates.org)"
    default_base_url = "https://openexchangerates.org/api"
    secret_parameters = ("app_id",)
    #: Not declared: the provider's list changes; the answer says (see rates.sources).
    currencies: ClassVar[frozenset[str] | None] = None

    def __init__(self, *, app_id: str, **options: Unpack[HttpOptions]) -> None:
        register_secret(app_id)  # first: nothing may show it, even while being built
        super().__init__(**options)
        self._app_id = app_id

    def __repr__(self) -> str:  # never show the key
        return f"OpenExchangeRatesSource(base_url={redact(repr(self.base_url))}, app_id='REDACTED')"

    def rate(self, base: str, quote: str, on: date) -> Rate:
        """base→quote for ``on``; crossed through USD when neither is USD."""
        return through_pivot("USD", base, quote, lambda code: self._leg(code, on))

    def _leg(self, code: str, on: date) -> Rate:
        settled = on < today_utc() - timedelta(days=1)
        fetched = self.fetch(
            f"{self.base_url}/historical/{on.isoformat()}.json",
            params={"app_id": self._app_id},
            expire_after=NEVER_EXPIRE if settled else 3600,
            missing_ok=True,
            check=lambda fresh: self._read(fresh, code, on),
        )
        if fetched is None:
            raise RateNotFound(f"openexchangerates has no rates for {on.isoformat()}")
        return self._read(fetched, code, on)

    def _read(self, fetched: Fetched, code: str, on: date) -> Rate:
        """USD→``code`` from the end-of-day file of ``on``."""
        payload = self.json(fetched)
        if not isinstance(payload, dict) or payload.get("base") != "USD":
            raise self.bad(fetched, "base", "expected an object with base 'USD'")
        rates = payload.get("rates")
        if not isinstance(rates, dict):
            raise self.bad(fetched, "rates", "missing, or not an object of rates")
        if code not in rates:
            raise RateNotFound(f"openexchangerates has no USD→{code} rate on {on.isoformat()}")
        value = self.number(fetched, f"rates.{code}", rates[code])
        return self.make_rate(
            fetched, "USD", code, value, basis="daily", start=on, end=on, on=on,
            note=daily_note(on, on, "Open Exchange Rates"),
        )
