"""A keyed source: the key reaches the server, never the cache file or a message."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession

from rates.errors import BadPayload, RateNotFound, SourceUnavailable
from rates.online.openexchangerates import OpenExchangeRatesSource
from rates.redaction import redact
from rates.session import SECRET_PARAMETERS, RetryPolicy, build_session

KEY = "s3cr3t-app-id-0123456789abcdef"
OTHER_KEY = "another-key-fedcba9876543210"

#: The source's own logic, one request per attempt (retries: tests/test_rates_faults.py).
NO_RETRY = RetryPolicy(retries=0)


def historical(day: str, rates: dict[str, object] | None = None) -> str:
    return json.dumps({
        "disclaimer": "Usage subject to terms: https://openexchangerates.org/terms",
        "license": "https://openexchangerates.org/license",
        "timestamp": 1521503999,
        "base": "USD",
        "rates": rates or {"EUR": 0.81303, "VND": 22780.5, "JPY": 106.383},
    })


@pytest.fixture
def cache_path(tmp_path: Path) -> Path:
    return tmp_path / "http.sqlite"


@pytest.fixture
def session(cache_path: Path) -> Iterator[CachedSession]:
    with closing(build_session(cache_path, retry=NO_RETRY)) as cached:
        yield cached


def oxr(server: HTTPServer, session: CachedSession, key: str = KEY) -> OpenExchangeRatesSource:
    return OpenExchangeRatesSource(app_id=key, base_url=server.url_for("/api"), session=session)


def raw_cache_bytes(path: Path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            data += candidate.read_bytes()
    return data


def test_key_reaches_the_server_but_not_the_cache_file(
    httpserver: HTTPServer, session: CachedSession, cache_path: Path
) -> None:
    httpserver.expect_request(
        "/api/historical/2018-03-19.json", query_string={"app_id": KEY}
    ).respond_with_data(historical("2018-03-19"), content_type="application/json")
    rate = oxr(httpserver, session).rate("USD", "VND", date(2018, 3, 19))
    assert rate.value == Decimal("22780.5")
    assert rate.source == "openexchangerates"
    assert httpserver.log[0][0].args["app_id"] == KEY

    with closing(session):  # close it: flush everything to disk before reading the file
        pass
    stored = raw_cache_bytes(cache_path)
    assert stored  # something was cached
    for form in (KEY, base64.b64encode(KEY.encode()).decode(), KEY.upper()):
        assert form.encode() not in stored
    with sqlite3.connect(cache_path) as db:
        rows = db.execute("SELECT value FROM responses").fetchall()
    assert len(rows) == 1
    value = rows[0][0]
    text = value.decode() if isinstance(value, bytes) else value
    document = json.loads(text)  # the JSON serializer: no pickle on disk
    assert "REDACTED" in json.dumps(document)
    assert KEY not in text


def test_the_key_is_not_part_of_the_cache_key(
    httpserver: HTTPServer, session: CachedSession
) -> None:
    httpserver.expect_request("/api/historical/2018-03-19.json").respond_with_data(
        historical("2018-03-19")
    )
    oxr(httpserver, session).rate("USD", "VND", date(2018, 3, 19))
    oxr(httpserver, session, OTHER_KEY).rate("USD", "JPY", date(2018, 3, 19))
    assert len(httpserver.log) == 1


def test_messages_never_show_the_key(httpserver: HTTPServer, session: CachedSession) -> None:
    httpserver.expect_request("/api/historical/2018-03-19.json").respond_with_data(
        "Unauthorized", status=401
    )
    source = oxr(httpserver, session)
    with pytest.raises(SourceUnavailable) as error:
        source.rate("USD", "VND", date(2018, 3, 19))
    assert KEY not in str(error.value)
    assert "app_id=REDACTED" in str(error.value)
    assert KEY not in repr(source)


def test_cross_through_usd_and_errors(httpserver: HTTPServer, session: CachedSession) -> None:
    httpserver.expect_request("/api/historical/2018-03-19.json").respond_with_data(
        historical("2018-03-19")
    )
    httpserver.expect_request("/api/historical/2018-03-20.json").respond_with_data(
        json.dumps({"base": "EUR", "rates": {}})
    )
    httpserver.expect_request("/api/historical/2018-03-21.json").respond_with_data(
        json.dumps({"error": True, "status": 404, "message": "not_available"}), status=404
    )
    source = oxr(httpserver, session)
    eur_vnd = source.rate("EUR", "VND", date(2018, 3, 19))
    assert [leg.quote for leg in eur_vnd.legs] == ["EUR", "VND"]
    with pytest.raises(RateNotFound, match="no USD→XAU rate"):
        source.rate("USD", "XAU", date(2018, 3, 19))
    with pytest.raises(BadPayload, match="base"):
        source.rate("USD", "VND", date(2018, 3, 20))
    with pytest.raises(RateNotFound, match="no rates for 2018-03-21"):
        source.rate("USD", "VND", date(2018, 3, 21))


def test_app_id_is_declared_secret() -> None:
    assert "app_id" in SECRET_PARAMETERS


def test_the_key_itself_is_a_secret_once_the_source_exists(session: CachedSession) -> None:
    key = "registered-when-built-0123456789"
    assert redact(f"/k/{key}/") == f"/k/{key}/"
    OpenExchangeRatesSource(app_id=key, session=session)
    assert redact(f"/k/{key}/ {key.upper()} token={key}") == "/k/REDACTED/ REDACTED token=REDACTED"
