"""World Bank ``PA.NUS.FCRF``: official exchange rate, local currency units per US$,
period average (annual), republished from the IMF.

One request per country for its whole series, kept for 30 days (the World Development
Indicators are revised a few times a year)::

    {base_url}/country/{COUNTRY}/indicator/PA.NUS.FCRF?format=json&per_page=1000[&page=N]

(base URL ``https://api.worldbank.org/v2``). The body is ``[meta, observations]`` with
``meta.pages`` and observations ``{"countryiso3code", "date": "2018", "value": 22602.05}``
(``value`` may be null). The annual rule of :mod:`rates.lookback` picks the year. Anything
else (observations that are not a list, a page count that is not a small whole number, a
year that is not four ASCII digits) is a :class:`~rates.errors.BadPayload` naming the
place; at most :data:`MAX_PAGES` pages are read.

Which country for a currency: the ``countries`` argument first, then a few currency
unions (EUR → EMU, the World Bank's euro area; XOF → SN, XAF → CM, XCD → AG, members whose
rate is the union's), then the country the IMF annual file gives for the currency (package
data), for currencies still current in that file (a legacy currency such as DEM is not
asked: the World Bank reports such countries in euros). The API accepts ISO 3166 alpha-2
and alpha-3 codes. Those are what the source carries (:attr:`WorldBankSource.currencies`,
USD included): any other currency is refused at once, with no request, naming the sources
that carry it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, Unpack

from rates.errors import InvalidRate, RateNotFound, shown
from rates.lookback import ANNUAL_RULES, AnnualRule, annual_note, annual_years
from rates.model import Rate, through_pivot
from rates.online.http import Fetched, HttpOptions, HttpSource

__all__ = ["MAX_PAGES", "UNION_COUNTRIES", "WorldBankSource", "imf_countries"]

INDICATOR = "PA.NUS.FCRF"
#: The most pages of one series read (a series has about 65 years: one page).
MAX_PAGES = 50

#: Currencies of unions, asked through one member (or aggregate) the World Bank knows.
UNION_COUNTRIES = {"EUR": "EMU", "XOF": "SN", "XAF": "CM", "XCD": "AG"}


def imf_countries() -> dict[str, str]:
    """Currency → ISO 3166 alpha-2 country of the snapshot's IMF annual dataset, for the
    currencies still current there (see :meth:`rates.snapshot.SnapshotSource.countries`)."""
    from rates.snapshot import default_snapshot

    return default_snapshot().countries()


class WorldBankSource(HttpSource):
    """Annual averages per US$ from the World Bank API."""

    name = "worldbank"
    title = "World Bank, Official exchange rate (PA.NUS.FCRF)"
    description = (
        "Online. Annual averages, local currency per US$, most countries, 1960 on (VND from "
        "1983); the IMF's figures republished under CC BY 4.0."
    )
    rate_type = "official"
    series = "World Bank PA.NUS.FCRF annual average"
    attribution = (
        "The World Bank: World Development Indicators: Official exchange rate (LCU per US$, "
        "period average) (PA.NUS.FCRF), CC BY 4.0"
    )
    default_base_url = "https://api.worldbank.org/v2"
    #: (a Python caller adds a country for another currency with ``countries=``; the
    #: message, also the command line's, names no Python)
    currency_list = "the currencies the World Bank source has a country for"

    def __init__(
        self,
        *,
        countries: Mapping[str, str] | None = None,
        annual_rule: AnnualRule = "containing",
        **options: Unpack[HttpOptions],
    ) -> None:
        super().__init__(**options)
        if annual_rule not in ANNUAL_RULES:
            raise InvalidRate("annual_rule", annual_rule, ", ".join(ANNUAL_RULES))
        self.annual_rule: AnnualRule = annual_rule
        self._countries = dict(countries or {})
        self._carried: frozenset[str] | None = None

    @property
    def currencies(self) -> frozenset[str]:
        """Every currency with a country to ask (see :meth:`country`), and USD."""
        carried = self._carried
        if carried is None:
            carried = self._carried = frozenset(
                {"USD", *self._countries, *UNION_COUNTRIES, *imf_countries()}
            )
        return carried

    def country(self, code: str) -> str:
        """The country asked for ``code``'s rate (see the module docstring)."""
        found = self._countries.get(code) or UNION_COUNTRIES.get(code)
        if found is None:
            found = imf_countries().get(code)
        if found is None:
            raise RateNotFound(f"worldbank: no country known for {code}")
        return found

    def rate(self, base: str, quote: str, on: date) -> Rate:
        """base→quote for ``on``; crossed through USD when neither is USD. A currency
        without a country to ask is refused at once (no request)."""
        from rates.sources import require_carried

        require_carried(self, base, quote)
        return through_pivot("USD", base, quote, lambda code: self._leg(code, on))

    def _leg(self, code: str, on: date) -> Rate:
        country = self.country(code)
        series, fetched = self._series(country)
        preferred, previous = annual_years(on, self.annual_rule)
        for year in (preferred, previous):
            if year in series:
                return self.make_rate(
                    fetched, "USD", code, series[year], basis="annual",
                    start=date(year, 1, 1), end=date(year, 12, 31), on=on,
                    note=annual_note(year, on, self.annual_rule, year == previous)
                    + f"; World Bank country {country}",
                )
        years = sorted(series)
        covered = f"{years[0]} to {years[-1]}" if years else "no year"
        raise RateNotFound(
            f"worldbank: no {INDICATOR} value for {country} ({code}) in {preferred} or "
            f"{previous}; the series covers {covered}"
        )

    def _series(self, country: str) -> tuple[dict[int, Any], Fetched]:
        url = f"{self.base_url}/country/{country}/indicator/{INDICATOR}"
        series: dict[int, Any] = {}
        page, pages = 1, 1
        first: Fetched | None = None
        while page <= pages:
            params = {"format": "json", "per_page": "1000"}
            if page > 1:
                params["page"] = str(page)
            fetched = self.fetch(
                url, params=params, expire_after=timedelta(days=30),
                check=lambda fresh: self._page(fresh, country, {}),
            )
            assert fetched is not None
            first = first or fetched
            pages = self._page(fetched, country, series)
            page += 1
        assert first is not None
        return series, first

    def _page(self, fetched: Fetched, country: str, series: dict[int, Any]) -> int:
        """Read one page of observations into ``series``; the number of pages (at most
        :data:`MAX_PAGES`)."""
        payload = self.json(fetched)
        if isinstance(payload, list) and payload and isinstance(payload[0], dict):
            message = payload[0].get("message")
            if message:
                raise RateNotFound(f"worldbank: {country}: {shown(message)}")
        if not isinstance(payload, list) or len(payload) != 2 or not isinstance(payload[0], dict):
            raise self.bad(fetched, "body", "expected [meta, observations]")
        meta, rows = payload
        pages = meta.get("pages")
        text = str(pages) if isinstance(pages, int | str) and not isinstance(pages, bool) else ""
        if not (0 < len(text) <= 6 and text.isascii() and text.isdigit()):
            raise self.bad(fetched, "[0].pages", f"{shown(pages)} is not a page count")
        if rows is None:
            rows = []
        if not isinstance(rows, list):
            raise self.bad(fetched, "[1]", f"{shown(rows)} is not a list of observations")
        for index, row in enumerate(rows):
            where = f"[1][{index}]"
            if not isinstance(row, dict) or "date" not in row or "value" not in row:
                raise self.bad(fetched, where, "an observation without date or value")
            year = row["date"]
            if type(year) is int and 1000 <= year <= 9999:
                year = str(year)
            if not (isinstance(year, str) and len(year) == 4 and year.isascii()
                    and year.isdigit() and year != "0000"):
                raise self.bad(fetched, f"{where}.date", f"{shown(year)} is not a year")
            if row["value"] is None:
                continue
            series[int(year)] = self.number(fetched, f"{where}.value", row["value"])
        return min(int(text), MAX_PAGES)
