"""rates.online.open_er_api against a local server; the cache behaviour of "latest" URLs:
hits, expiry at the provider's next update, stale-if-error on HTTP 500 and on timeouts, and
offline mode."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession
from werkzeug import Request, Response

from rates.errors import BadPayload, NotCached, RateNotFound, SourceUnavailable
from rates.online.open_er_api import OpenErApiSource
from rates.session import RetryPolicy, build_session

UPDATED = datetime(2026, 11, 28, 0, 2, 31, tzinfo=UTC)

#: The source's own logic, one request per attempt (retries: tests/test_rates_faults.py).
NO_RETRY = RetryPolicy(retries=0)


def payload(
    *,
    updated: datetime = UPDATED,
    following: datetime | None = None,
    base: str = "USD",
    rates: dict[str, object] | None = None,
) -> str:
    following = following or updated + timedelta(days=1)
    return json.dumps({
        "result": "success",
        "provider": "https://www.exchangerate-api.com",
        "documentation": "https://www.exchangerate-api.com/docs/free",
        "terms_of_use": "https://www.exchangerate-api.com/terms",
        "time_last_update_unix": int(updated.timestamp()),
        "time_last_update_utc": format_datetime(updated),
        "time_next_update_unix": int(following.timestamp()),
        "time_next_update_utc": format_datetime(following),
        "time_eol_unix": 0,
        "base_code": base,
        "rates": rates or {"USD": 1, "EUR": 0.865608, "VND": 26227.808625, "JPY": 155.9},
    })


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CachedSession]:
    with closing(build_session(tmp_path / "http.sqlite", retry=NO_RETRY)) as cached:
        yield cached


#: The client's timeout where an answer is expected: far above any normal run, so that a
#: busy machine never turns an answer into a timeout. Tests of a timeout pass their own
#: short one, against a server held until the test releases it.
ANSWER_TIMEOUT = 30.0
SHORT_TIMEOUT = 0.3


def source(server: HTTPServer, session: CachedSession, **options: object) -> OpenErApiSource:
    settings: dict[str, object] = {"timeout": ANSWER_TIMEOUT, **options}
    return OpenErApiSource(
        base_url=server.url_for("/v6"), session=session, **settings  # type: ignore[arg-type]
    )


def test_latest_rate(httpserver: HTTPServer, session: CachedSession) -> None:
    httpserver.expect_request("/v6/latest/USD").respond_with_data(payload())
    api = source(httpserver, session)
    rate = api.rate("USD", "VND", date(2026, 11, 28))
    assert rate.value == Decimal("26227.808625")
    assert (rate.source, rate.basis, rate.period) == ("open-er-api", "daily", "2026-11-28")
    assert rate.attribution.startswith("Rates By Exchange Rate API")
    later = api.rate("USD", "EUR", date(2026, 12, 5))  # within 14 days of the update
    assert later.period == "2026-11-28"
    assert later.asked_for == date(2026, 12, 5)
    assert len(httpserver.log) == 1  # a cache hit


def test_cache_keeps_the_response_until_the_next_update(
    httpserver: HTTPServer, session: CachedSession
) -> None:
    following = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=20)
    httpserver.expect_request("/v6/latest/USD").respond_with_data(
        payload(updated=following - timedelta(days=1), following=following)
    )
    source(httpserver, session).rate("USD", "VND", (following - timedelta(days=1)).date())
    (stored,) = session.cache.responses.values()
    assert stored.expires == following


def test_no_history(httpserver: HTTPServer, session: CachedSession) -> None:
    httpserver.expect_request("/v6/latest/USD").respond_with_data(payload())
    api = source(httpserver, session)
    with pytest.raises(RateNotFound, match="only the latest rates"):
        api.rate("USD", "VND", date(2018, 3, 19))
    with pytest.raises(RateNotFound, match="more than 14 days before 2026-12-13"):
        api.rate("USD", "VND", date(2026, 12, 13))
    with pytest.raises(RateNotFound, match="no USD→XAU rate"):
        api.rate("USD", "XAU", date(2026, 11, 28))


def test_expiry_then_stale_if_error_then_refresh(
    httpserver: HTTPServer, session: CachedSession
) -> None:
    now = datetime.now(UTC)
    today = now.date()
    expires: list[datetime] = []

    def soon(request: Request) -> Response:
        # The provider's next update, a few seconds after the answer is sent (not after the
        # test started: a busy machine may take long to get here).
        following = datetime.now(UTC) + timedelta(seconds=2)
        expires.append(following)
        return Response(payload(updated=now - timedelta(hours=1), following=following))

    httpserver.expect_oneshot_request("/v6/latest/USD").respond_with_handler(soon)
    api = source(httpserver, session)
    fresh = api.rate("USD", "VND", today)
    assert not fresh.stale
    # Wait until the provider's next update time has passed: the entry is then expired.
    time.sleep(max(0.0, (expires[0] - datetime.now(UTC)).total_seconds()) + 0.2)

    # HTTP 500: the expired response is served, and the rate says so
    httpserver.expect_oneshot_request("/v6/latest/USD").respond_with_data("oops", status=500)
    stale = api.rate("USD", "VND", today)
    assert stale.stale
    assert stale.value == fresh.value
    assert "served from an expired cache" in stale.note
    assert stale.fetched_at
    assert fresh.fetched_at
    assert abs(stale.fetched_at - fresh.fetched_at) < timedelta(seconds=1)

    # a timeout: the same
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(120)  # held until the client has timed out (a hang guard)
        return Response(payload(), content_type="application/json")

    httpserver.expect_oneshot_request("/v6/latest/USD").respond_with_handler(slow)
    assert source(httpserver, session, timeout=SHORT_TIMEOUT).rate("USD", "VND", today).stale
    release.set()  # let the (single-threaded) test server go on
    deadline = time.monotonic() + 120  # a hang guard: the loop ends with the count
    while len(httpserver.log) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)  # the slow request is logged once its handler returns

    # offline: the expired entry is still an answer, flagged stale; nothing is requested
    requests_before = len(httpserver.log)
    assert source(httpserver, session, offline=True).rate("USD", "VND", today).stale
    assert len(httpserver.log) == requests_before

    # the source is back: a fresh answer replaces the stale one
    httpserver.expect_oneshot_request("/v6/latest/USD").respond_with_data(
        payload(updated=now, following=now + timedelta(days=1), rates={"VND": 26300})
    )
    refreshed = api.rate("USD", "VND", today)
    assert not refreshed.stale
    assert refreshed.value == 26300
    assert len(httpserver.log) == 4


def test_timeout_with_nothing_cached(httpserver: HTTPServer, session: CachedSession) -> None:
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(120)  # held until the client has timed out (a hang guard)
        return Response(payload())

    httpserver.expect_request("/v6/latest/USD").respond_with_handler(slow)
    try:
        with pytest.raises(SourceUnavailable, match=r"no answer within 0\.3 s"):
            source(httpserver, session, timeout=SHORT_TIMEOUT).rate("USD", "VND",
                                                                   date(2026, 11, 28))
    finally:
        release.set()


def test_connection_refused(session: CachedSession) -> None:
    api = OpenErApiSource(base_url="http://127.0.0.1:9/v6", session=session, timeout=0.5)
    with pytest.raises(SourceUnavailable, match="request failed"):
        api.rate("USD", "VND", date(2026, 11, 28))


def test_offline_and_not_cached(httpserver: HTTPServer, session: CachedSession) -> None:
    with pytest.raises(NotCached):
        source(httpserver, session, offline=True).rate("USD", "VND", date(2026, 11, 28))
    assert httpserver.log == []


def test_unsupported_base(httpserver: HTTPServer, session: CachedSession) -> None:
    httpserver.expect_request("/v6/latest/XAU").respond_with_data(
        json.dumps({"result": "error", "error-type": "unsupported-code"})
    )
    with pytest.raises(RateNotFound, match="does not quote XAU"):
        source(httpserver, session).rate("XAU", "USD", date(2026, 11, 28))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("<!DOCTYPE html><title>429 Too Many Requests</title>", "body"),
        (json.dumps({"result": "error", "error-type": "quota-reached"}), "result"),
        (payload(base="EUR"), "base_code"),
        (payload(rates={"VND": "26227"}), "rates.VND"),
        (payload(rates={"VND": -1}), "rates.VND"),
        (payload(rates={"VND": 1e300}), "rates.VND"),
        (payload().replace('"rates": {', '"rates_": {'), "rates"),
        (payload().replace('"time_last_update_unix": ', '"time_last_update_unix": -'),
         "time_last_update_unix"),
        ("null", "body"),
    ],
)
def test_bad_payloads(
    httpserver: HTTPServer, session: CachedSession, text: str, field: str
) -> None:
    httpserver.expect_request("/v6/latest/USD").respond_with_data(text)
    with pytest.raises(BadPayload) as error:
        source(httpserver, session).rate("USD", "VND", date(2026, 11, 28))
    assert error.value.field == field


def test_defaults() -> None:
    api = OpenErApiSource()
    assert api.base_url == "https://open.er-api.com/v6"
    assert api.warm_pair("VND") == ("VND", "USD")
    assert api.warm_pair("USD") == ("USD", "EUR")
