"""rates.online.worldbank against a local server serving World Bank API v2 JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession

from rates.errors import BadPayload, InvalidRate, RateNotFound
from rates.online.worldbank import WorldBankSource, imf_countries
from rates.session import RetryPolicy, build_session

# Real values (IMF = World Bank for this indicator), see the reference notes.
VND = {
    "2024": 24164.88583333334, "2023": 23787.31916666667, "2018": 22602.05,
    "2017": 22370.08666666667,
}
EMU = {"2018": 0.8467726671081108, "2017": 0.8852531733789}

#: The source's own logic, one request per attempt (retries: tests/test_rates_faults.py).
NO_RETRY = RetryPolicy(retries=0)


def observation(iso2: str, iso3: str, name: str, year: str, value: object) -> dict[str, object]:
    return {
        "indicator": {
            "id": "PA.NUS.FCRF",
            "value": "Official exchange rate (LCU per US$, period average)",
        },
        "country": {"id": iso2, "value": name},
        "countryiso3code": iso3,
        "date": year,
        "value": value,
        "unit": "",
        "obs_status": "",
        "decimal": 0,
    }


def body(
    rows: list[dict[str, object]], *, page: int = 1, pages: int = 1, total: int | None = None
) -> str:
    meta = {
        "page": page, "pages": pages, "per_page": 1000, "total": total or len(rows),
        "sourceid": "2", "sourcename": "World Development Indicators",
        "lastupdated": "2025-07-01",
    }
    return json.dumps([meta, rows])


def vnd_rows(extra: dict[str, object] | None = None) -> list[dict[str, object]]:
    values: dict[str, object] = {"2025": None, **VND, **(extra or {})}
    return [observation("VN", "VNM", "Viet Nam", y, v) for y, v in sorted(values.items())]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CachedSession]:
    with closing(build_session(tmp_path / "http.sqlite", retry=NO_RETRY)) as cached:
        yield cached


@pytest.fixture
def wb(httpserver: HTTPServer, session: CachedSession) -> WorldBankSource:
    return WorldBankSource(base_url=httpserver.url_for("/v2"), session=session)


def serve(server: HTTPServer, country: str, text: str, page: int = 1) -> None:
    query = {"format": "json", "per_page": "1000"}
    if page > 1:
        query["page"] = str(page)
    server.expect_request(
        f"/v2/country/{country}/indicator/PA.NUS.FCRF", query_string=query
    ).respond_with_data(text, content_type="application/json;charset=utf-8")


def test_known_figure(httpserver: HTTPServer, wb: WorldBankSource) -> None:
    serve(httpserver, "VN", body(vnd_rows()))
    rate = wb.rate("USD", "VND", date(2018, 3, 19))
    assert rate.value == Decimal("22602.05")
    assert (rate.source, rate.basis, rate.period) == ("worldbank", "annual", "2018")
    assert "World Bank country VN" in rate.note
    assert "CC BY 4.0" in rate.attribution
    assert wb.rate("VND", "USD", date(2017, 6, 1)).legs[0].value == Decimal("22370.08666666667")
    assert len(httpserver.log) == 1  # the whole series is one cached response


def test_null_value_falls_back_one_year(httpserver: HTTPServer, wb: WorldBankSource) -> None:
    serve(httpserver, "VN", body(vnd_rows()))
    rate = wb.rate("USD", "VND", date(2025, 5, 1))
    assert rate.period == "2024"
    assert "the 2025 average is not published" in rate.note
    with pytest.raises(RateNotFound, match="covers 2017 to 2024"):
        wb.rate("USD", "VND", date(2026, 5, 1))


def test_cross_through_usd_with_the_euro_area(httpserver: HTTPServer, wb: WorldBankSource) -> None:
    serve(httpserver, "VN", body(vnd_rows()))
    serve(
        httpserver,
        "EMU",
        body([observation("XC", "EMU", "Euro area", y, v) for y, v in EMU.items()]),
    )
    rate = wb.rate("EUR", "VND", date(2018, 3, 19))
    assert [leg.quote for leg in rate.legs] == ["EUR", "VND"]
    expected = Decimal("22602.05") / Decimal("0.8467726671081108")
    assert abs(rate.value - expected) < Decimal("1e-20")


def test_pages_are_followed(httpserver: HTTPServer, wb: WorldBankSource) -> None:
    rows = vnd_rows()
    serve(httpserver, "VN", body(rows[:2], pages=2, total=len(rows)))
    serve(httpserver, "VN", body(rows[2:], page=2, pages=2, total=len(rows)), page=2)
    assert wb.rate("USD", "VND", date(2024, 1, 1)).value == Decimal("24164.88583333334")
    assert len(httpserver.log) == 2


def test_country_mapping(wb: WorldBankSource) -> None:
    assert wb.country("VND") == "VN"
    assert wb.country("EUR") == "EMU"
    assert wb.country("XOF") == "SN"
    assert imf_countries()["THB"] == "TH"
    with pytest.raises(RateNotFound, match="no country known for DEM"):
        wb.country("DEM")  # legacy: the World Bank reports Germany in euros
    custom = WorldBankSource(countries={"DEM": "DEU"})
    assert custom.country("DEM") == "DEU"


def test_api_error_message_is_rate_not_found(
    httpserver: HTTPServer, session: CachedSession
) -> None:
    error = [{"message": [{"id": "120", "key": "Invalid value",
                           "value": "The provided parameter value is not valid"}]}]
    serve(httpserver, "ZZ", json.dumps(error))
    source = WorldBankSource(
        base_url=httpserver.url_for("/v2"), session=session, countries={"XAU": "ZZ"}
    )
    with pytest.raises(RateNotFound, match="Invalid value"):
        source.rate("USD", "XAU", date(2018, 1, 1))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("<html><head><title>Error</title></head></html>", "body"),
        ('{"page": 1}', "body"),
        (json.dumps([{"pages": "many"}, []]), "[0].pages"),
        (body([{"date": "2018"}]), "[1][0]"),
        (body([observation("VN", "VNM", "Viet Nam", "FY18", 22602.05)]), "[1][0].date"),
        (body([observation("VN", "VNM", "Viet Nam", "2018", "22602.05")]), "[1][0].value"),
        (body([observation("VN", "VNM", "Viet Nam", "2018", -1)]), "[1][0].value"),
        (body([observation("VN", "VNM", "Viet Nam", "2018", 0)]), "[1][0].value"),
    ],
)
def test_bad_payloads(httpserver: HTTPServer, wb: WorldBankSource, text: str, field: str) -> None:
    serve(httpserver, "VN", text)
    with pytest.raises(BadPayload) as error:
        wb.rate("USD", "VND", date(2018, 3, 19))
    assert error.value.field == field


def test_series_expire_after_thirty_days(
    httpserver: HTTPServer, wb: WorldBankSource, session: CachedSession
) -> None:
    serve(httpserver, "VN", body(vnd_rows()))
    wb.rate("USD", "VND", date(2018, 3, 19))
    (stored,) = session.cache.responses.values()
    assert stored.expires is not None
    remaining = stored.expires - stored.created_at
    assert timedelta(days=29) < remaining <= timedelta(days=30, seconds=5)


def test_strict_annual_rule(httpserver: HTTPServer, session: CachedSession) -> None:
    serve(httpserver, "VN", body(vnd_rows()))
    strict = WorldBankSource(
        base_url=httpserver.url_for("/v2"), session=session, annual_rule="completed"
    )
    assert strict.rate("USD", "VND", date(2018, 3, 19)).period == "2017"
    with pytest.raises(InvalidRate, match="annual_rule"):
        WorldBankSource(annual_rule="latest")  # type: ignore[arg-type]
