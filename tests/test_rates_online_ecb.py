"""rates.online.ecb against a local HTTP server serving ECB data API (SDMX CSV) payloads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession

from rates.errors import BadPayload, NotCached, RateNotFound, SourceUnavailable
from rates.online.ecb import EcbSource
from rates.session import RetryPolicy, build_session
from rates.snapshot import DATA_DIR

COLUMNS = (
    "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE,OBS_STATUS,"
    "OBS_CONF,OBS_PRE_BREAK,OBS_COM,TIME_FORMAT,BREAKS,COLLECTION,COMPILING_ORG,DISS_ORG,"
    "DOM_SER_IDS,PUBL_ECB,PUBL_MU,PUBL_PUBLIC,UNIT_INDEX_BASE,COMPILATION,COVERAGE,DECIMALS,"
    "NAT_TITLE,SOURCE_AGENCY,SOURCE_PUB,TITLE,TITLE_COMPL,UNIT,UNIT_MULT"
)
NAMES = {"USD": "US dollar", "JPY": "Japanese yen", "GBP": "UK pound sterling"}

#: The source's own logic, one request per attempt (retries: tests/test_rates_faults.py).
NO_RETRY = RetryPolicy(retries=0)


def ecb_rows(code: str, month: str) -> list[tuple[str, str]]:
    """The real published rates of a month, read from the snapshot's copy of ECB data."""
    data = Path(DATA_DIR) / "ecb"
    dates = (data / "dates.txt").read_text().splitlines()
    values = (data / f"{code}.txt").read_text().splitlines()
    offset = dates.index("1999-01-04")  # the big currencies start on the first day
    return [
        (day, values[i - offset])
        for i, day in enumerate(dates)
        if day.startswith(month) and values[i - offset]
    ]


def sdmx_csv(code: str, rows: list[tuple[str, str]]) -> str:
    name = NAMES.get(code, code)
    lines = [COLUMNS]
    for day, value in rows:
        lines.append(
            f"EXR.D.{code}.EUR.SP00.A,D,{code},EUR,SP00,A,{day},{value},A,F,,,P1D,,A,,,,,,,,,,"
            f'4,,4F0,,{name}/Euro,"ECB reference exchange rate, {name}/Euro, 2:15 pm (C.E.T.)",'
            f"{code},0"
        )
    return "\n".join(lines) + "\n"


def serve_month(server: HTTPServer, code: str, month: str, body: str | None = None) -> None:
    year, number = (int(part) for part in month.split("-"))
    last = (date(year + number // 12, number % 12 + 1, 1).toordinal() - 1)
    server.expect_request(
        f"/service/data/EXR/D.{code}.EUR.SP00.A",
        query_string={
            "format": "csvdata",
            "startPeriod": f"{month}-01",
            "endPeriod": date.fromordinal(last).isoformat(),
        },
    ).respond_with_data(
        body if body is not None else sdmx_csv(code, ecb_rows(code, month)),
        content_type="text/csv",
    )


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CachedSession]:
    with closing(build_session(tmp_path / "http.sqlite", retry=NO_RETRY)) as cached:
        yield cached


@pytest.fixture
def ecb(httpserver: HTTPServer, session: CachedSession) -> EcbSource:
    return EcbSource(base_url=httpserver.url_for("/service/data/EXR"), session=session)


def test_known_figure(httpserver: HTTPServer, ecb: EcbSource) -> None:
    serve_month(httpserver, "USD", "2018-03")
    rate = ecb.rate("EUR", "USD", date(2018, 3, 19))
    assert rate.value == Decimal("1.2309")
    assert (rate.source, rate.basis, rate.period) == ("ecb", "daily", "2018-03-19")
    assert rate.fetched_at is not None
    assert rate.fetched_at.tzinfo is not None
    assert not rate.stale
    assert rate.attribution == "Source: ECB statistics"
    assert len(httpserver.log) == 1


def test_window_across_months_and_no_future_day(httpserver: HTTPServer, ecb: EcbSource) -> None:
    serve_month(httpserver, "USD", "2018-03")
    serve_month(httpserver, "USD", "2018-04")  # holds 2018-04-03 on, after the date asked
    rate = ecb.rate("EUR", "USD", date(2018, 4, 2))  # Easter Monday
    assert (rate.period, rate.value) == ("2018-03-29", Decimal("1.2321"))
    assert "the last published on or before 2018-04-02" in rate.note
    assert len(httpserver.log) == 2


def test_second_lookup_is_a_cache_hit_that_never_expires(
    httpserver: HTTPServer, ecb: EcbSource, session: CachedSession
) -> None:
    serve_month(httpserver, "USD", "2018-03")
    first = ecb.rate("EUR", "USD", date(2018, 3, 19))
    second = ecb.rate("EUR", "USD", date(2018, 3, 20))
    assert (first.value, second.value) == (Decimal("1.2309"), Decimal("1.2276"))
    assert len(httpserver.log) == 1
    (stored,) = session.cache.responses.values()
    assert stored.expires is None  # a past month never changes


def test_cross_rate_through_eur(httpserver: HTTPServer, ecb: EcbSource) -> None:
    serve_month(httpserver, "USD", "2018-03")
    serve_month(httpserver, "JPY", "2018-03")
    rate = ecb.rate("USD", "JPY", date(2018, 3, 19))
    assert [leg.quote for leg in rate.legs] == ["USD", "JPY"]
    assert abs(rate.value - Decimal("130.65") / Decimal("1.2309")) < Decimal("1e-24")
    inverse = ecb.rate("USD", "EUR", date(2018, 3, 19))
    assert inverse.legs[0].value == Decimal("1.2309")


def test_no_data_is_rate_not_found(httpserver: HTTPServer, ecb: EcbSource) -> None:
    httpserver.expect_request("/service/data/EXR/D.USD.EUR.SP00.A").respond_with_data(
        "No results found.", status=404
    )
    with pytest.raises(RateNotFound, match="between 2030-01-01 and 2030-01-15"):
        ecb.rate("EUR", "USD", date(2030, 1, 15))


def test_empty_body_is_no_observation(httpserver: HTTPServer, ecb: EcbSource) -> None:
    serve_month(httpserver, "USD", "2018-03", body="")
    with pytest.raises(RateNotFound):
        ecb.rate("EUR", "USD", date(2018, 3, 19))


def test_missing_observation_value_is_skipped(httpserver: HTTPServer, ecb: EcbSource) -> None:
    rows = [("2018-03-16", "1.2301"), ("2018-03-19", "")]
    serve_month(httpserver, "USD", "2018-03", body=sdmx_csv("USD", rows))
    assert ecb.rate("EUR", "USD", date(2018, 3, 19)).period == "2018-03-16"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("<!DOCTYPE html><html><body>Service unavailable</body></html>", "body"),
        ("TIME_PERIOD,CURRENCY\n2018-03-19,USD\n", "OBS_VALUE"),
        (sdmx_csv("USD", [("2018-03-19", "abc")]), "OBS_VALUE of 2018-03-19"),
        (sdmx_csv("USD", [("2018-03-19", "0")]), "OBS_VALUE of 2018-03-19"),
        (sdmx_csv("USD", [("2018-03-19", "-1.2309")]), "OBS_VALUE of 2018-03-19"),
        (sdmx_csv("USD", [("2018-03-19", "NaN")]), "OBS_VALUE of 2018-03-19"),
        (sdmx_csv("USD", [("2018-03-19", "1e99")]), "OBS_VALUE of 2018-03-19"),
        (sdmx_csv("USD", [("19/03/2018", "1.2309")]), "TIME_PERIOD"),
        (sdmx_csv("USD", [("2018-03-19", "1.2309")])[:-150], "line 2"),  # a row cut short
        (sdmx_csv("USD", [("2018-03-19", "1.2309")])[:-40], "body"),  # inside quotes
        ("TIME_PERIOD,OBS_VALUE\n2018-03-19,1.23", "body"),  # 1.2309 cut: no line break
        ('{"USD": 1.2309}', "TIME_PERIOD"),  # JSON, not CSV
    ],
)
def test_bad_payloads_are_typed_errors(
    httpserver: HTTPServer, ecb: EcbSource, body: str, field: str
) -> None:
    serve_month(httpserver, "USD", "2018-03", body=body)
    with pytest.raises(BadPayload) as error:
        ecb.rate("EUR", "USD", date(2018, 3, 19))
    assert error.value.field == field
    assert isinstance(error.value, SourceUnavailable)
    assert isinstance(error.value, LookupError)  # data not available: CLI exit code 3


def test_server_error_with_nothing_cached(httpserver: HTTPServer, ecb: EcbSource) -> None:
    httpserver.expect_request("/service/data/EXR/D.USD.EUR.SP00.A").respond_with_data(
        "oops", status=500
    )
    with pytest.raises(SourceUnavailable, match="HTTP 500"):
        ecb.rate("EUR", "USD", date(2018, 3, 19))


def test_offline_mode_reads_only_the_cache(
    httpserver: HTTPServer, session: CachedSession
) -> None:
    url = httpserver.url_for("/service/data/EXR")
    serve_month(httpserver, "USD", "2018-03")
    EcbSource(base_url=url, session=session).rate("EUR", "USD", date(2018, 3, 19))
    offline = EcbSource(base_url=url, session=session, offline=True)
    assert offline.rate("EUR", "USD", date(2018, 3, 20)).value == Decimal("1.2276")
    with pytest.raises(NotCached, match="offline mode"):
        offline.rate("EUR", "JPY", date(2018, 3, 19))
    assert len(httpserver.log) == 1


def test_source_attributes() -> None:
    source = EcbSource()
    assert source.base_url == "https://data-api.ecb.europa.eu/service/data/EXR"
    assert source.online
    assert source.name == "ecb"
    assert source.warm_pair("USD") == ("EUR", "USD")
    assert source.warm_pair("EUR") == ("EUR", "USD")  # not EUR→EUR
    assert source.currency_list == "the ECB's reference rates"
    assert {"EUR", "USD", "JPY", "CYP", "BGN"} <= source.currencies
    assert "VND" not in source.currencies
    assert "BGN" not in source.published(date(2026, 1, 2), date(2026, 1, 5))  # the euro
    assert "EcbSource" in repr(source)


@pytest.mark.parametrize(("base", "quote"), [("USD", "VND"), ("EUR", "VND"), ("VND", "EUR")])
def test_vnd_is_refused_at_once_naming_the_sources_that_carry_it(
    httpserver: HTTPServer, ecb: EcbSource, figures: Counter[str], base: str, quote: str
) -> None:
    """Issue 13: the ECB does not publish VND; asking it was a request that failed."""
    with pytest.raises(RateNotFound) as error:
        ecb.rate(base, quote, date(2018, 3, 19))
    message = str(error.value)
    assert message.startswith("VND is not among the ECB's reference rates; sources that "
                              "carry it: snapshot (IMF monthly end-of-period, IMF annual "
                              "average), worldbank")
    for name in ("currency-api", "open-er-api"):
        assert name in message
    assert httpserver.log == []  # no request
    figures["lookups refused without a request (currency not carried)"] += 1


def test_a_chain_skips_the_ecb_for_vnd_without_a_request(
    httpserver: HTTPServer, ecb: EcbSource
) -> None:
    from rates.sources import ChainSource

    rate = ChainSource([ecb, "snapshot"]).rate("USD", "VND", date(2018, 3, 19))
    assert (rate.source, rate.value) == ("snapshot", Decimal("22463"))
    assert [(f.source, f.error, f.reason) for f in rate.fallbacks] == [
        ("ecb", "RateNotFound", "VND is not among the ECB's reference rates")]
    assert httpserver.log == []


def test_a_source_made_before_offline_mode_was_set_obeys_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PENALTIES_OFFLINE is read at each lookup: a long-lived process (a server, a notebook)
    that turns it on after a source was first used sends nothing out (was: the value at the
    source's creation, so a request left the machine)."""
    from rates.online.ecb import EcbSource

    monkeypatch.delenv("PENALTIES_OFFLINE", raising=False)
    source = EcbSource(cache_dir=tmp_path)
    assert source.offline is False
    monkeypatch.setenv("PENALTIES_OFFLINE", "1")
    assert source.offline is True
    assert EcbSource(cache_dir=tmp_path, offline=False).offline is False
