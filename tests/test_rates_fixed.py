"""The currencies the euro replaced, at their irrevocably fixed rates from the day they were
replaced (Council Regulation (EC) No 2866/98, Art. 1, as amended; conversions between two of
them through the euro: Regulation (EC) No 1103/97, Art. 4).

Expected figures are the regulation's rates and plain arithmetic: 100 / 1.95583 = 51.129...,
655.957 / 6.55957 = 100 exactly, 100 x 6.55957 / 1.95583 = 335.385...
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

import rates
from cli import app
from rates._fixed import fixed_rates
from rates.money import check_currency, minor_unit


@pytest.mark.parametrize(("amount", "to", "on", "expected"), [
    ("100 DEM", "EUR", "2000-06-01", "51.13"),      # a fresh user's finding: was 60.91
    ("100 EUR", "DEM", "1999-01-04", "195.58"),     # was 207.45
    ("655.957 FRF", "EUR", "1999-06-01", "100.00"),  # was 106.56
    ("100 BGN", "EUR", "2026-06-01", "51.13"),      # replaced on 2026-01-01
    ("100 DEM", "FRF", "2000-06-01", "335.39"),     # through the euro
    ("1 EUR", "ITL", "2001-12-31", "1936"),         # the lira has no minor unit
    ("340.750 GRD", "EUR", "2001-01-01", "1.00"),   # from its own first day
])
def test_a_replaced_currency_converts_at_its_fixed_rate(amount: str, to: str, on: str,
                                                         expected: str) -> None:
    done = rates.convert(amount, to, on)
    assert done.rounded == Decimal(expected)
    assert not done.rate.stale
    assert "fixed" in {leg.basis for leg in done.rate.legs or (done.rate,)}


def test_the_fixed_rate_is_exact_and_says_what_it_is() -> None:
    done = rates.convert("100 DEM", "EUR", "2000-06-01")
    assert done.unrounded == Fraction(100) / Fraction("1.95583")  # exactly
    [leg] = done.rate.legs
    assert (leg.base, leg.quote, leg.value, leg.basis, leg.rate_type) == (
        "EUR", "DEM", Decimal("1.95583"), "fixed", "official")
    assert leg.label == "irrevocably fixed official rate"
    assert "2866/98" in leg.source_name
    assert "2866/98" in leg.attribution
    document = json.loads(json.dumps(done.to_dict()))
    assert document["rate"]["legs"][0]["basis"] == "fixed"
    assert document["rate"]["stale"] is False


def test_before_it_was_replaced_a_currency_has_its_market_rates() -> None:
    for amount, on in (("100 DEM", "1998-06-01"), ("100 BGN", "2025-12-31"),
                       ("100 GRD", "2000-12-29")):
        done = rates.convert(amount, "EUR" if amount.endswith("BGN") else "USD", on)
        assert "fixed" not in {leg.basis for leg in done.rate.legs or (done.rate,)}, amount


def test_a_fixed_leg_crosses_with_the_rates_of_other_currencies() -> None:
    done = rates.convert("100 DEM", "USD", "2000-06-01")
    assert {leg.basis for leg in done.rate.legs} == {"fixed", "daily"}
    eur_usd = rates.get_rate("EUR", "USD", "2000-06-01").value
    assert done.rounded == (Decimal(100) / Decimal("1.95583") * eur_usd).quantize(Decimal("0.01"))


def test_every_fixed_currency_is_known_with_its_minor_unit() -> None:
    table = fixed_rates()
    assert len(table) == 21
    for code, fixed in table.items():
        assert check_currency(code) == code
        assert minor_unit(code) in (0, 2), code
        assert fixed.per_euro > 0
        assert fixed.start.month == 1
        assert fixed.start.day == 1
    assert table["BGN"].start == date(2026, 1, 1)
    assert table["DEM"].per_euro == Decimal("1.95583")


def test_the_command_line_shows_the_fixed_rate() -> None:
    found = CliRunner().invoke(app, ["convert", "100 DEM", "--to", "EUR", "--on", "2000-06-01"])
    assert found.exit_code == 0, found.output
    assert "€51.13" in found.output
    assert "1.95583 DEM per EUR" in found.output
    assert "stale" not in found.output


def test_before_the_euro_had_a_rate_a_replaced_currency_has_none() -> None:
    """A reviewer's finding (2026-12-03): from 1999-01-01 to 1999-01-03, before the ECB's
    first fixing, 100 DEM were $56.83 at the IMF's 1998 average, while EUR→USD had no
    rate: the mark is a fraction of the euro from 1999-01-01, so it has none either."""
    for pair in (("DEM", "USD"), ("DEM", "JPY"), ("EUR", "USD")):
        with pytest.raises(rates.RateNotFound) as raised:
            rates.get_rate(*pair, "1999-01-02")
        if pair[0] == "DEM":  # why the euro's rate was asked
            assert str(raised.value).startswith(
                "DEM is a fixed fraction of the euro from 1999-01-01, whose rate it takes: "
                "no rate for EUR→")
    assert rates.convert("100 DEM", "FRF", "1999-01-02").rounded == Decimal("335.39")


def test_a_cross_with_a_fixed_leg_is_dated_by_its_market_leg() -> None:
    """A reviewer's finding: ``rate_date`` (the period's end) was the date asked for, a
    Sunday, not the ECB's Friday fixing the market leg comes from."""
    done = rates.convert("100 DEM", "USD", "2000-06-04")  # a Sunday
    assert done.rate.period_end == date(2000, 6, 2)
    assert done.rate.age_days == 2  # the market leg's age; a fixed rate is never old
    # and it begins there: the fixed leg holds every day from 1999-01-01, so the cross was
    # dated 1999-01-01 to 2000-06-02, as if it belonged to 17 months
    assert done.rate.period_start == date(2000, 6, 2)
    assert done.rate.to_dict()["period_start"] == "2000-06-02"
    both = rates.get_rate("DEM", "FRF", "2000-06-04")  # two fixed legs: the fixed rates' day
    assert (both.period_start, both.period_end) == (date(1999, 1, 1), date(1999, 1, 1))


def test_every_source_converts_a_replaced_currency_at_its_fixed_rate(
        httpserver: HTTPServer, tmp_path: Path) -> None:
    """A reviewer's finding: the online ECB source looks back 14 days, so on 2023-01-10 it
    gave the kuna's market rate of 2022-12-30 (7.5365): 100,000 HRK were EUR 13,268.76, not
    13,272.28. Every source now answers through the fixed rates (rule 0)."""
    from contextlib import closing

    from rates.online.ecb import EcbSource
    from rates.session import RetryPolicy, build_session
    from tests.test_rates_online_ecb import sdmx_csv, serve_month

    serve_month(httpserver, "HRK", "2022-12", body=sdmx_csv("HRK", [("2022-12-30", "7.5365")]))
    serve_month(httpserver, "HRK", "2023-01", body="")
    serve_month(httpserver, "USD", "2023-01", body=sdmx_csv("USD", [("2023-01-10", "1.0737")]))
    serve_month(httpserver, "USD", "2022-12", body="")
    with closing(build_session(tmp_path / "cache.sqlite", retry=RetryPolicy(retries=0))) as s:
        ecb = EcbSource(base_url=httpserver.url_for("/service/data/EXR"), session=s)
        direct = ecb.rate("EUR", "HRK", date(2023, 1, 10))  # the source object itself too
        kuna = rates.convert("100000 HRK", "EUR", date(2023, 1, 10), source=ecb)
        dollars = rates.convert("100000 HRK", "USD", date(2023, 1, 10), source=ecb)
    assert (direct.value, direct.basis) == (Decimal("7.53450"), "fixed")
    assert kuna.rounded == Decimal("13272.28")
    assert [leg.basis for leg in kuna.rate.legs] == ["fixed"]
    assert dollars.unrounded == Fraction(100000) / Fraction("7.53450") * Fraction("1.0737")
    assert [leg.basis for leg in dollars.rate.legs] == ["fixed", "daily"]
