"""rates.snapshot: offline lookups in the embedded ECB and IMF data."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rates.errors import InvalidRate, RateNotFound
from rates.model import Rate
from rates.snapshot import DATA_DIR, SnapshotSource, default_snapshot

S = SnapshotSource()


def rate(base: str, quote: str, on: str) -> Rate:
    return S.rate(base, quote, date.fromisoformat(on))


# -- ECB daily ------------------------------------------------------------------------


def test_known_ecb_figure() -> None:
    found = rate("EUR", "USD", "2018-03-19")
    assert found.value == Decimal("1.2309")
    assert (found.basis, found.period, found.source) == ("daily", "2018-03-19", "snapshot")
    assert found.series == "ECB daily reference rate"
    assert found.attribution == "Source: ECB statistics"
    assert found.published
    assert found.fetched_at is None
    assert not found.stale


@pytest.mark.parametrize(
    ("on", "published", "value"),
    [
        ("2018-03-17", "2018-03-16", "1.2301"),  # Saturday
        ("2018-03-18", "2018-03-16", "1.2301"),  # Sunday
        ("2018-03-30", "2018-03-29", "1.2321"),  # Good Friday (TARGET holiday)
        ("2018-04-01", "2018-03-29", "1.2321"),  # Easter Sunday
        ("2018-04-02", "2018-03-29", "1.2321"),  # Easter Monday (TARGET holiday)
        ("2018-04-03", "2018-04-03", "1.2308"),
        ("2018-12-25", "2018-12-24", "1.1408"),  # Christmas
        ("2019-01-01", "2018-12-31", "1.145"),  # New Year's Day
    ],
)
def test_weekends_and_holidays_use_the_last_published_day(
    on: str, published: str, value: str
) -> None:
    found = rate("EUR", "USD", on)
    assert found.period == published
    assert found.value == Decimal(value)
    assert found.asked_for == date.fromisoformat(on)
    if on != published:
        assert f"the last published on or before {on}" in found.note


def test_inverse_and_ecb_crosses() -> None:
    usd_eur = rate("USD", "EUR", "2018-03-19")
    assert usd_eur.legs[0].value == Decimal("1.2309")
    usd_jpy = rate("USD", "JPY", "2018-03-19")
    assert [leg.quote for leg in usd_jpy.legs] == ["USD", "JPY"]
    assert usd_jpy.basis == "daily"
    assert abs(usd_jpy.value - Decimal("130.65") / Decimal("1.2309")) < Decimal("1e-24")


def test_the_look_back_window_is_fourteen_days() -> None:
    # ISK was not quoted by the ECB from 2008-12-10 until 2018-02-01
    assert rate("EUR", "ISK", "2008-12-23").period == "2008-12-09"
    bridged = rate("EUR", "ISK", "2008-12-24")  # 15 days: the daily series cannot answer
    assert bridged.basis == "annual"
    assert [leg.series for leg in bridged.legs] == [
        "ECB daily reference rate",
        "IMF annual average",
    ]
    assert bridged.legs[1].period == "2007"  # the last complete year


def test_ecb_coverage_bounds() -> None:
    assert rate("EUR", "USD", "1999-01-04").period == "1999-01-04"
    with pytest.raises(RateNotFound) as error:  # no ECB rate yet, no complete euro year
        rate("EUR", "USD", "1999-01-03")
    message = str(error.value)
    assert "ECB daily reference rate 1999-01-04 to 2026-10-30" in message
    assert "IMF annual average 1999 to 2024" in message
    last = rate("EUR", "USD", "2026-11-13")  # 14 days later: still within the look-back
    assert (last.period, last.stale, last.age_days) == ("2026-10-30", False, 14)
    after = rate("EUR", "USD", "2026-11-14")  # past the end: the last rate, stale
    assert (after.basis, after.period, after.value) == ("daily", "2026-10-30", last.value)
    assert (after.stale, after.age_days) == (True, 15)
    assert "its data end on 2026-10-30" in after.note
    years = rate("EUR", "USD", "2027-01-01")  # never the 2024 average while it exists
    assert (years.period, years.stale, years.age_days) == ("2026-10-30", True, 63)


# -- IMF monthly end of period (VND) ----------------------------------------------------


def test_vnd_uses_the_last_month_end_on_or_before_the_date() -> None:
    found = rate("USD", "VND", "2018-03-19")
    assert found.value == Decimal("22463")
    assert (found.basis, found.period) == ("monthly", "2018-02")
    assert found.describe() == (
        "IMF monthly end-of-period USD→VND, 2018-02, month-end official rate, "
        "asked for 2018-03-19")
    assert "end-of-month value of 2018-02-28" in found.note
    assert found.attribution.startswith("Source: International Monetary Fund")


@pytest.mark.parametrize(
    ("on", "period", "value"),
    [
        ("2018-03-30", "2018-02", "22463"),  # the March value lies on 31 March
        ("2018-03-31", "2018-03", "22458"),
        ("2018-04-01", "2018-03", "22458"),
        ("2010-01-31", "2010-01", "17941"),  # first month
        ("2025-10-31", "2025-10", "25093"),  # last month
        ("2025-08-31", "2025-07", "25240"),  # 2025-08 is missing in the source
        ("2025-09-15", "2025-07", "25240"),
        ("2025-12-30", "2025-10", "25093"),  # 2025-11 not published: one month back
    ],
)
def test_monthly_lookups(on: str, period: str, value: str) -> None:
    found = rate("USD", "VND", on)
    assert (found.basis, found.period, found.value) == ("monthly", period, Decimal(value))
    assert not found.stale
    assert found.rate_type == "official"
    assert "the State Bank of Vietnam's central rate" in found.note


def test_missing_month_is_stated() -> None:
    assert "2025-08 is missing from the source" in rate("USD", "VND", "2025-09-15").note


def test_monthly_falls_back_to_annual_before_it_and_stays_monthly_after_it() -> None:
    early = rate("USD", "VND", "2010-01-15")  # no month-end value on or before
    assert (early.basis, early.period) == ("annual", "2009")  # the last complete year
    # past the end of the monthly series, its last month-end (stale) rather than the older
    # 2024 average
    for on, age in (("2025-12-31", 61), ("2026-06-01", 213), ("2027-01-01", 427)):
        late = rate("USD", "VND", on)
        assert (late.basis, late.period, late.value) == ("monthly", "2025-10", Decimal("25093"))
        assert (late.stale, late.age_days) == (True, age)
    with pytest.raises(RateNotFound) as error:  # before both series
        rate("USD", "VND", "1980-01-01")
    assert "IMF monthly end-of-period 2010-01 to 2025-10" in str(error.value)
    assert "IMF annual average 1983 to 2024" in str(error.value)


# -- IMF annual averages ----------------------------------------------------------------


def test_annual_values_are_kept_as_published() -> None:
    text = (Path(DATA_DIR) / "imf-annual" / "VND.txt").read_text()
    assert "2018-12-31,22602.05\n" in text
    assert "2023-12-31,23787.31916666667\n" in text  # full precision, no float round trip


def test_annual_average_of_the_last_complete_year() -> None:
    found = rate("USD", "KHR", "2018-03-19")  # never an average that includes later days
    assert (found.basis, found.period, found.value) == (
        "annual", "2017", Decimal("4050.579985919098")
    )
    assert "last complete year" in found.note
    assert rate("USD", "KHR", "2018-12-31").period == "2018"  # the year has ended
    vnd_2009 = rate("VND", "USD", "2009-06-01")
    assert vnd_2009.legs[0].period == "2008"


def test_annual_falls_back_one_year_only() -> None:
    assert rate("USD", "VND", "1984-06-01").period == "1983"
    assert rate("USD", "VND", "1985-06-01").period == "1983"  # 1984 missing: one year back
    with pytest.raises(RateNotFound, match="1983 to 2024"):
        rate("USD", "VND", "1986-06-01")  # neither 1985 nor 1984


def test_containing_annual_rule_is_opt_in() -> None:
    containing = SnapshotSource(annual_rule="containing")
    found = containing.rate("USD", "KHR", date(2018, 3, 19))
    assert (found.period, found.value) == ("2018", Decimal("4051.16690028162"))
    assert "also covers days after the date" in found.note
    with pytest.raises(InvalidRate, match="annual_rule"):
        SnapshotSource(annual_rule="nearest")  # type: ignore[arg-type]


# -- legacy currencies ------------------------------------------------------------------


def test_legacy_currencies_for_their_dates() -> None:
    dem = rate("USD", "DEM", "1995-06-01")
    assert (dem.value, dem.basis, dem.period) == (Decimal("1.62279416666667"), "annual", "1994")
    dem_frf = rate("DEM", "FRF", "1991-07-01")
    assert dem_frf.basis == "annual"
    assert abs(dem_frf.value - Decimal("5.445275") / Decimal("1.61573333333333")) < Decimal(
        "1e-25"
    )
    cyp = rate("EUR", "CYP", "2005-06-01")
    assert (cyp.basis, cyp.period) == ("daily", "2005-06-01")
    assert rate("EUR", "CYP", "2007-12-31").period == "2007-12-31"  # last ECB quote
    fixed = rate("EUR", "CYP", "2008-01-05")  # the euro replaced it on 2008-01-01
    assert (fixed.value, fixed.basis, fixed.period, fixed.age_days) == (
        Decimal("0.585274"), "fixed", "2008-01-01", 0)
    after = rate("USD", "CYP", "2008-03-01")  # the ECB's dollar and the fixed rate
    assert [leg.basis for leg in after.legs] == ["daily", "fixed"]
    assert rate("EUR", "ROL", "2003-05-05").basis == "daily"
    assert rate("EUR", "TRL", "2004-12-31").period == "2004-12-31"


def test_dem_after_the_euro_is_its_fixed_rate() -> None:
    """From 1999-01-01 the mark is 1/1.95583 euro (Council Regulation (EC) No 2866/98,
    Art. 1), never the IMF's 1998 average crossed with the dollar; before, its averages."""
    assert rate("USD", "DEM", "1998-12-30").period == "1997"  # the last complete year
    for day in ("1999-06-01", "2000-06-01", "2001-06-01", "2026-06-01"):
        found = rate("USD", "DEM", day)
        assert [(leg.quote, leg.basis) for leg in found.legs] == [("USD", "daily"),
                                                                  ("DEM", "fixed")]
        assert found.legs[1].value == Decimal("1.95583")


# -- cross rates through USD ------------------------------------------------------------


def test_eur_to_vnd_crosses_ecb_and_imf_through_usd() -> None:
    found = rate("EUR", "VND", "2018-03-19")
    assert found.value == Decimal("1.2309") * Decimal("22463")
    assert [(leg.base, leg.quote, leg.series) for leg in found.legs] == [
        ("EUR", "USD", "ECB daily reference rate"),
        ("USD", "VND", "IMF monthly end-of-period"),
    ]
    assert found.basis == "monthly"  # the coarser leg
    assert (found.period_start, found.period_end) == (date(2018, 2, 1), date(2018, 3, 19))
    assert found.attribution.splitlines()[0] == "Source: ECB statistics"
    assert len(found.attribution.splitlines()) == 2


def test_currency_outside_the_snapshot() -> None:
    with pytest.raises(RateNotFound, match="no series for XAU"):
        rate("USD", "XAU", "2018-03-19")


def test_same_currency_is_identity() -> None:
    assert rate("VND", "VND", "2018-03-19").value == 1


def test_vnd_round_trip_within_one_minor_unit() -> None:
    vnd_eur = rate("VND", "EUR", "2018-03-19")
    eur_vnd = rate("EUR", "VND", "2018-03-19")
    there = vnd_eur.convert("1000000000 VND").rounded
    back = eur_vnd.convert(there).rounded
    assert abs(back - 1_000_000_000) <= eur_vnd.value / 200 + 1


# -- never a future rate ----------------------------------------------------------------

PAIRS = [
    ("EUR", "USD"), ("USD", "VND"), ("EUR", "VND"), ("JPY", "VND"), ("USD", "KHR"),
    ("GBP", "ISK"), ("USD", "DEM"), ("EUR", "CYP"), ("THB", "USD"),
]
#: The last day of each series of the embedded snapshot.
LAST = {"daily": date(2026, 10, 30), "monthly": date(2025, 10, 31),
        "annual": date(2024, 12, 31)}


@settings(max_examples=300, deadline=None)
@given(
    pair=st.sampled_from(PAIRS),
    on=st.dates(min_value=date(1980, 1, 1), max_value=date(2027, 12, 31)),
)
def test_never_a_future_rate_never_beyond_the_window(pair: tuple[str, str], on: date) -> None:
    try:
        found = S.rate(*pair, on)
    except RateNotFound:
        return
    assert found.asked_for == on
    assert found.stale == any(leg.stale for leg in found.legs or (found,))
    for leg in found.legs or (found,):
        assert leg.period_start <= on
        if leg.basis == "fixed":  # fixed by law from its first day: never old
            assert leg.age_days == 0
            continue
        assert leg.age_days == max(0, (on - leg.period_end).days)
        if leg.stale:  # only past the end of its series, with the series' last value
            assert on > LAST[leg.basis]
            assert leg.period_end <= LAST[leg.basis]
            continue
        if leg.basis == "daily":
            assert leg.period_start == leg.period_end
            assert timedelta(0) <= on - leg.period_end <= timedelta(days=14)
        elif leg.basis == "monthly":
            assert leg.period_end <= on  # the end-of-month observation is not after the date
            months = (on.year * 12 + on.month) - (leg.period_end.year * 12 + leg.period_end.month)
            assert months <= 2
        else:
            assert leg.period_end <= on  # a complete year, never one still running
            assert on.year - leg.period_start.year in (0, 1, 2)


# -- loading, memo, threads -------------------------------------------------------------


def test_lookups_are_memoised() -> None:
    fresh = SnapshotSource()
    first = fresh.rate("EUR", "USD", date(2018, 3, 19))
    assert fresh.rate("EUR", "USD", date(2018, 3, 19)) is first


def test_first_load_is_thread_safe() -> None:
    fresh = SnapshotSource()
    days = [date(2018, 1, 1) + timedelta(days=n) for n in range(60)]
    results: dict[int, list[Decimal]] = {}

    def work(index: int) -> None:
        results[index] = [fresh.rate("JPY", "VND", day).value for day in days]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert all(values == results[0] for values in results.values())


def test_default_snapshot_is_shared() -> None:
    assert default_snapshot() is default_snapshot()


# -- information --------------------------------------------------------------------------


def test_info_lists_datasets_finest_first_with_attributions_and_hashes() -> None:
    info = S.info()
    assert [d.id for d in info.datasets] == ["ecb-daily", "imf-monthly", "imf-annual"]
    assert [d.basis for d in info.datasets] == ["daily", "monthly", "annual"]
    assert info.attributions == (
        "Source: ECB statistics",
        "Source: International Monetary Fund (Exchange Rates dataset), via "
        "codeforIATI/imf-exchangerates. The monthly file is a VND-only subset of the "
        "upstream file.",
        # the annual file is the whole upstream file: its attribution says no subset
        "Source: International Monetary Fund (Exchange Rates dataset), via "
        "codeforIATI/imf-exchangerates.",
    )
    ecb, monthly, annual = info.datasets
    assert ecb.input_sha256 == "73db21584dd46cebf5cd6df75ebb6de7afcdeebff52f54d5046ca8e459c0fbb3"
    assert monthly.input_sha256 == (
        "afc0461b55fc57a1712e3a73addb64cfd8a96dd5514a282e437ca9d99ba2d3e0"
    )
    assert annual.input_sha256 == (
        "30cab73d7d89e1b3ec8d7d65f22ca6e511954ab9d63a4f658822ef27553d9506"
    )
    assert monthly.coverage == {"VND": ("2010-01", "2025-10")}
    assert ecb.coverage["CYP"] == ("1999-01-04", "2007-12-31")
    assert annual.coverage["DEM"] == ("1950", "1998")
    assert "USD" not in annual.coverage
    data = info.to_dict()
    assert data["daily_lookback_days"] == 14
    assert [d["rate_type"] for d in data["datasets"]] == ["reference", "official", "official"]
    assert data["datasets"][1]["coverage"] == {"VND": {"first": "2010-01", "last": "2025-10"}}
    assert "14 days" in data["datasets"][0]["rule"]


def test_countries_for_current_currencies() -> None:
    countries = S.countries()
    assert countries["VND"] == "VN"
    assert countries["JPY"] == "JP"
    assert "DEM" not in countries  # legacy
    assert "EUR" not in countries  # the IMF file's euro area code U2 is not a country
    assert "USD" not in countries


def test_attribution_property() -> None:
    assert S.attribution.splitlines()[0] == "Source: ECB statistics"


def test_data_files_are_what_the_manifest_says() -> None:
    manifest = (Path(DATA_DIR) / "manifest.json").read_bytes()
    assert hashlib.sha256(manifest).hexdigest()  # readable
    ecb_dates = (Path(DATA_DIR) / "ecb" / "dates.txt").read_text().splitlines()
    assert ecb_dates == sorted(ecb_dates)
    assert ecb_dates[0] == "1999-01-04"
    assert ecb_dates[-1] == "2026-10-30"


def test_an_annual_rate_is_not_attributed_to_the_monthly_subset() -> None:
    """The IMF annual file is the whole upstream file; only the monthly one is a VND-only
    subset, and only its rates say so."""
    import rates

    annual = rates.get_rate("USD", "KHR", date(2018, 3, 19))
    assert annual.basis == "annual"
    assert "monthly" not in annual.attribution
    monthly = rates.get_rate("USD", "VND", date(2018, 3, 19))
    assert "VND-only subset" in monthly.attribution
