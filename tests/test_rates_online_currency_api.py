"""rates.online.currency_api against a local server: jsDelivr, then the Cloudflare fallback."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession

from rates.errors import BadPayload, NotCached, RateNotFound, SourceUnavailable
from rates.online.currency_api import CurrencyApiSource
from rates.session import RetryPolicy, build_session

JSDELIVR = "/npm/@fawazahmed0/currency-api@{date}/v1/currencies/{code}.json"
CLOUDFLARE = "/cloudflare/{date}/v1/currencies/{code}.json"

#: The source's own logic, one request per attempt (retries: tests/test_rates_faults.py).
NO_RETRY = RetryPolicy(retries=0)


def payload(day: str, base: str = "vnd", **rates: object) -> str:
    """The shape currscript.js generates: lower-case codes, floats with ~8 decimals."""
    table = rates or {"usd": 0.00004053, "eur": 0.00003728, "jpy": 0.00605671}
    return json.dumps({"date": day, base: table})


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CachedSession]:
    with closing(build_session(tmp_path / "http.sqlite", retry=NO_RETRY)) as cached:
        yield cached


@pytest.fixture
def api(httpserver: HTTPServer, session: CachedSession) -> CurrencyApiSource:
    return CurrencyApiSource(
        base_url=httpserver.url_for(JSDELIVR),
        fallback_url=httpserver.url_for(CLOUDFLARE),
        session=session,
    )


def primary(day: str, code: str = "vnd") -> str:
    return JSDELIVR.format(date=day, code=code)


def fallback(day: str, code: str = "vnd") -> str:
    return CLOUDFLARE.format(date=day, code=code)


def test_dated_file_from_jsdelivr(httpserver: HTTPServer, api: CurrencyApiSource) -> None:
    httpserver.expect_request(primary("2024-03-06")).respond_with_data(
        payload("2024-03-06"), content_type="application/json"
    )
    rate = api.rate("VND", "USD", date(2024, 3, 6))
    assert rate.value == Decimal("0.00004053")  # the JSON text, not a float round trip
    assert (rate.source, rate.basis, rate.period) == ("currency-api", "daily", "2024-03-06")
    assert rate.base == "VND"
    assert rate.quote == "USD"
    again = api.rate("VND", "EUR", date(2024, 3, 6))  # same file: from the cache
    assert again.value == Decimal("0.00003728")
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("status", [404, 500, 503])
def test_cloudflare_fallback_when_jsdelivr_fails(
    httpserver: HTTPServer, api: CurrencyApiSource, status: int
) -> None:
    httpserver.expect_request(primary("2024-03-06")).respond_with_data("", status=status)
    httpserver.expect_request(fallback("2024-03-06")).respond_with_data(
        payload("2024-03-06", usd=0.0000406), content_type="application/json"
    )
    rate = api.rate("VND", "USD", date(2024, 3, 6))
    assert rate.value == Decimal("0.0000406")
    assert [entry[0].path for entry in httpserver.log] == [
        primary("2024-03-06"), fallback("2024-03-06")
    ]


def test_steps_back_to_the_last_published_day(
    httpserver: HTTPServer, api: CurrencyApiSource
) -> None:
    httpserver.expect_request(primary("2024-03-07")).respond_with_data("", status=404)
    httpserver.expect_request(fallback("2024-03-07")).respond_with_data("", status=404)
    httpserver.expect_request(primary("2024-03-06")).respond_with_data(
        payload("2024-03-06"), content_type="application/json"
    )
    rate = api.rate("VND", "USD", date(2024, 3, 7))
    assert rate.period == "2024-03-06"
    assert rate.asked_for == date(2024, 3, 7)
    assert "the last published on or before 2024-03-07" in rate.note


def test_nothing_before_the_first_package(httpserver: HTTPServer, api: CurrencyApiSource) -> None:
    with pytest.raises(RateNotFound, match="no rates before 2024-03-02"):
        api.rate("VND", "USD", date(2018, 3, 19))
    assert httpserver.log == []


def test_look_back_is_bounded(httpserver: HTTPServer, api: CurrencyApiSource) -> None:
    httpserver.expect_request(re.compile(r"/.*")).respond_with_data("", status=404)
    with pytest.raises(RateNotFound, match="between 2024-03-02 and 2024-03-05"):
        api.rate("VND", "USD", date(2024, 3, 5))
    assert len(httpserver.log) == 8  # 4 days x 2 mirrors


def test_both_mirrors_down(httpserver: HTTPServer, api: CurrencyApiSource) -> None:
    httpserver.expect_request(primary("2024-03-06")).respond_with_data("", status=502)
    httpserver.expect_request(fallback("2024-03-06")).respond_with_data("", status=503)
    with pytest.raises(SourceUnavailable, match="HTTP 502"):
        api.rate("VND", "USD", date(2024, 3, 6))


def test_quote_missing_is_rate_not_found(httpserver: HTTPServer, api: CurrencyApiSource) -> None:
    httpserver.expect_request(primary("2024-03-06")).respond_with_data(
        payload("2024-03-06", usd=0.00004), content_type="application/json"
    )
    with pytest.raises(RateNotFound, match="no VND→KWD rate on 2024-03-06"):
        api.rate("VND", "KWD", date(2024, 3, 6))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("<html><body>jsDelivr error</body></html>", "body"),
        ('{"date": "2024-03-06", "vnd": {"usd": NaN}}', "vnd.usd"),
        ('{"date": "2024-03-06", "vnd": {"usd": Infinity}}', "vnd.usd"),
        ('{"date": "2024-03-06", "vnd": {"usd": -Infinity}}', "vnd.usd"),
        ('{"date": "2024-03-06", "vnd": {"usd": "0.00004"}}', "vnd.usd"),
        ('{"date": "2024-03-06", "vnd": {"usd": -0.00004}}', "vnd.usd"),
        ('{"date": "2024-03-06", "vnd": {"usd": 0}}', "vnd.usd"),
        ('{"date": "2024-03-06", "vnd": {"usd": true}}', "vnd.usd"),
        ('{"date": "2024-03-06", "vnd": {"usd": null}}', "vnd.usd"),
        ('{"date": "2024-03-06", "eur": {"usd": 1.08}}', "vnd"),
        ('{"date": "2024-03-07", "vnd": {"usd": 0.00004}}', "date"),
        ('{"date": "yesterday", "vnd": {"usd": 0.00004}}', "date"),
        ('["not", "an", "object"]', "body"),
        ('{"date": "2024-03-06", "vnd": {"usd": 0.0000', "body"),
    ],
)
def test_bad_payloads(
    httpserver: HTTPServer, api: CurrencyApiSource, body: str, field: str
) -> None:
    httpserver.expect_request(primary("2024-03-06")).respond_with_data(body)
    with pytest.raises(BadPayload) as error:
        api.rate("VND", "USD", date(2024, 3, 6))
    assert error.value.field == field


def test_offline(httpserver: HTTPServer, session: CachedSession) -> None:
    httpserver.expect_request(primary("2024-03-06")).respond_with_data(payload("2024-03-06"))
    base, spare = httpserver.url_for(JSDELIVR), httpserver.url_for(CLOUDFLARE)
    CurrencyApiSource(session=session, base_url=base, fallback_url=spare).rate(
        "VND", "USD", date(2024, 3, 6)
    )
    offline = CurrencyApiSource(session=session, base_url=base, fallback_url=spare, offline=True)
    assert offline.rate("VND", "USD", date(2024, 3, 6)).value == Decimal("0.00004053")
    with pytest.raises(NotCached):  # offline, a missing day is not skipped: it may exist
        offline.rate("VND", "USD", date(2024, 3, 7))
    assert len(httpserver.log) == 1


def test_npm_version_form_of_the_date(httpserver: HTTPServer, session: CachedSession) -> None:
    httpserver.expect_request(
        "/npm/@fawazahmed0/currency-api@2024.3.6/v1/currencies/usd.json"
    ).respond_with_data(payload("2024-03-06", base="usd", vnd=24650.5))
    npm_version = "/npm/@fawazahmed0/currency-api@{version}/v1/currencies/{code}.json"
    api = CurrencyApiSource(
        base_url=httpserver.url_for(npm_version),
        fallback_url=httpserver.url_for(CLOUDFLARE),
        session=session,
    )
    assert api.rate("USD", "VND", date(2024, 3, 6)).value == Decimal("24650.5")


def test_defaults_and_warm_pair() -> None:
    source = CurrencyApiSource()
    assert source.base_url.startswith("https://cdn.jsdelivr.net/npm/@fawazahmed0/currency-api@")
    assert source.fallback_url == "https://{date}.currency-api.pages.dev/v1/currencies/{code}.json"
    assert source.warm_pair("VND") == ("VND", "USD")
    assert source.warm_pair("USD") == ("USD", "EUR")


def test_daily_market_vnd_rates_say_they_are_market_rates(
    httpserver: HTTPServer, api: CurrencyApiSource
) -> None:
    """Issue 13 item 4: `--source currency-api` gives daily VND rates, and every result says
    they are market rates (not the IMF's official central rate)."""
    httpserver.expect_request(primary("2024-03-06")).respond_with_data(
        payload("2024-03-06"), content_type="application/json"
    )
    rate = api.rate("VND", "USD", date(2024, 3, 6))
    assert (rate.rate_type, rate.label) == ("market", "daily market rate")
    assert "daily market rate" in rate.describe()
    assert rate.to_dict()["rate_type"] == "market"
    inverse = rate.inverse()
    assert (inverse.rate_type, inverse.to_dict()["rate_type"]) == ("market", "market")
