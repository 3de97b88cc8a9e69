"""fawazahmed0's currency-api: daily rates of ~200 currencies (VND included), 2024-03 on.

Each day is an immutable npm package, so a dated URL never expires::

    https://cdn.jsdelivr.net/npm/@fawazahmed0/currency-api@{date}/v1/currencies/{code}.json
    https://{date}.currency-api.pages.dev/v1/currencies/{code}.json      (fallback)

The fallback is the one the project documents for when jsDelivr fails (error or 404).
Templates may also use ``{version}``, the npm version form of the date (``2024.3.6``) that an
older README documented, instead of ``{date}``. The
body is ``{"date": "YYYY-MM-DD", "<code>": {"<quote>": rate, ...}}`` with lower-case codes:
units of quote per 1 unit of ``code``. History starts 2024-03-02 (jsDelivr). For a date
with no package yet, the previous days are tried, at most 14 days back. The data's sources
are not disclosed and no licence is stated: fine for recent figures, weak for audits.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import ClassVar, Unpack

from rates.errors import NotCached, RateNotFound, SourceUnavailable, shown
from rates.lookback import DAILY_LOOKBACK_DAYS, daily_note
from rates.model import Rate
from rates.online.http import NEVER_EXPIRE, Check, Fetched, HttpOptions, HttpSource

__all__ = ["FIRST_DATE", "CurrencyApiSource"]

#: The first date with a dated package.
FIRST_DATE = date(2024, 3, 2)

JSDELIVR = "https://cdn.jsdelivr.net/npm/@fawazahmed0/currency-api@{date}/v1/currencies/{code}.json"
CLOUDFLARE = "https://{date}.currency-api.pages.dev/v1/currencies/{code}.json"


class CurrencyApiSource(HttpSource):
    """Daily rates from currency-api; ``base_url`` and ``fallback_url`` are URL templates
    with ``{date}`` (YYYY-MM-DD) or ``{version}`` (YYYY.M.D) and ``{code}`` (lower-case)."""

    name = "currency-api"
    title = "fawazahmed0 currency-api (jsDelivr, Cloudflare fallback)"
    description = (
        "Online. Daily rates of ~200 currencies including VND, 2024-03-02 on only; sources "
        "undisclosed, no licence stated."
    )
    rate_type = "market"
    series = "currency-api daily rate"
    attribution = "Rates from fawazahmed0/exchange-api (currency-api); no licence stated"
    default_base_url = JSDELIVR
    #: Not declared: the files list every currency of the day (~200 of ISO 4217 and more),
    #: a list that changes; a currency is looked up in the file (see rates.sources).
    currencies: ClassVar[frozenset[str] | None] = None

    def __init__(self, *, fallback_url: str | None = None, **options: Unpack[HttpOptions]) -> None:
        super().__init__(**options)
        self.fallback_url = fallback_url or CLOUDFLARE

    def warm_pair(self, code: str) -> tuple[str, str]:
        """Each currency has its own file per day: warm ``code``→USD (or USD→EUR)."""
        return (code, "EUR") if code == "USD" else (code, "USD")

    def rate(self, base: str, quote: str, on: date) -> Rate:
        """base→quote from ``base``'s file of ``on``, or of the last day before it."""
        if on < FIRST_DATE:
            raise RateNotFound(
                f"currency-api has no rates before {FIRST_DATE.isoformat()} "
                f"(asked for {on.isoformat()})"
            )
        day = on
        oldest = max(FIRST_DATE, on - timedelta(days=DAILY_LOOKBACK_DAYS))
        while day >= oldest:
            read = partial(self._read, base=base, quote=quote, on=on, day=day)
            fetched = self._day(base, day, read)
            if fetched is not None:
                return read(fetched)
            day -= timedelta(days=1)
        raise RateNotFound(
            f"currency-api published no {base} rates between {oldest.isoformat()} and "
            f"{on.isoformat()}"
        )

    def _day(self, code: str, day: date, check: Check) -> Fetched | None:
        """The file of ``day`` from jsDelivr, else Cloudflare; None if neither has it.

        A mirror that fails, or answers with a body ``check`` refuses, is passed over. The
        first mirror gets half of what is left of the lookup's deadline, so that one that
        hangs leaves time for the other.
        """
        failure: SourceUnavailable | None = None
        for share, template in ((0.5, self.base_url), (1.0, self.fallback_url)):
            version = f"{day.year}.{day.month}.{day.day}"
            url = template.format(date=day.isoformat(), version=version, code=code.lower())
            try:
                fetched = self.fetch(
                    url, expire_after=NEVER_EXPIRE, missing_ok=True, check=check, share=share
                )
            except NotCached:
                raise
            except SourceUnavailable as error:
                failure = failure or error
                continue
            if fetched is not None:
                return fetched
        if failure is not None:
            raise failure
        return None

    def _read(self, fetched: Fetched, *, base: str, quote: str, on: date, day: date) -> Rate:
        """base→quote from the file of ``day`` (fetched for the date ``on``)."""
        payload = self.json(fetched)
        if not isinstance(payload, dict):
            raise self.bad(fetched, "body", "not a JSON object")
        published_text = payload.get("date")
        try:
            published = date.fromisoformat(str(published_text))
        except ValueError:
            raise self.bad(fetched, "date", f"{shown(published_text)} is not a date") from None
        if published > day:
            raise self.bad(
                fetched, "date", f"{published.isoformat()} is after the day asked for ({day})"
            )
        table = payload.get(base.lower())
        if not isinstance(table, dict):
            raise self.bad(fetched, base.lower(), "missing, or not an object of rates")
        if quote.lower() not in table:
            raise RateNotFound(
                f"currency-api has no {base}→{quote} rate on {published.isoformat()}"
            )
        value = self.number(fetched, f"{base.lower()}.{quote.lower()}", table[quote.lower()])
        return self.make_rate(
            fetched, base, quote, value, basis="daily", start=published, end=published, on=on,
            note=daily_note(published, on, "currency-api"),
        )
