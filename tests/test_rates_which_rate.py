"""Which rate answers for a date (issue 13, items 1 and 2): the written rule of
:mod:`rates.lookback` end to end, past the end of the embedded snapshot, and honest labels.

The snapshot's ECB series ends on 2026-10-30, its IMF month-ends on 2025-10-31 and its IMF
annual averages with 2024. Every date is passed explicitly; "today" is
:func:`rates.lookback.today`, replaced where a default is tested.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from moneyed import Money
from typer.testing import CliRunner

import rates
from cli import app
from penalties import _text, assess, thresholds
from penalties.statutes._catalog import default_catalog
from rates import lookback
from rates.model import Rate
from rates.snapshot import SnapshotSource

runner = CliRunner()
LAST_ECB = date(2026, 10, 30)
ECB_USD = Decimal("1.1172")  # EUR→USD on 2026-10-30, the last ECB rate of the snapshot


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture
def on_2026_12_01(monkeypatch: pytest.MonkeyPatch) -> date:
    """Today is 2026-12-01, as for the user of the issue."""
    day = date(2026, 12, 1)
    monkeypatch.setattr(lookback, "today", lambda: day)
    return day


# -- the reproductions of the issue -----------------------------------------------------


def test_past_the_snapshot_the_last_ecb_rate_answers_stale_with_its_age() -> None:
    result = rates.convert("100 USD", "EUR", "2026-12-01")
    assert result.converted == Money("89.51", "EUR")  # was €92.39, the 2024 IMF average
    rate = result.rate
    assert [(leg.series, leg.period, leg.value) for leg in rate.legs] == [
        ("ECB daily reference rate", "2026-10-30", ECB_USD)]
    assert (rate.basis, rate.stale, rate.age_days, rate.rate_type) == (
        "daily", True, 32, "reference")
    assert rate.describe().endswith("asked for 2026-12-01; stale: 32 days old")
    assert "its data end on 2026-10-30" in rate.legs[0].note
    document = json.loads(json.dumps(result.to_dict()))["rate"]
    assert (document["stale"], document["age_days"]) == (True, 32)


def test_no_silent_jump_at_the_end_of_the_daily_window(figures: Counter[str]) -> None:
    # 2026-11-13 was 1.1172 USD per EUR and 2026-11-14 the 2024 average (1.0824): a 3% jump
    days = [LAST_ECB + timedelta(days=n) for n in range(120)]
    found = [rates.get_rate("EUR", "USD", day) for day in days]
    figures["which-rate: days past the end of the ECB series checked"] += len(days)
    assert {rate.value for rate in found} == {ECB_USD}
    assert {rate.basis for rate in found} == {"daily"}
    assert [rate.age_days for rate in found] == list(range(120))
    assert [rate.stale for rate in found] == [n > 14 for n in range(120)]


def test_new_years_eve_answers_like_the_day_before() -> None:
    # --on 2026-12-31 failed (the 2026 average is not published, nor 2025) while 2026-12-30
    # answered with the 2024 average
    eve = rates.convert("100 USD", "EUR", "2026-12-31")
    before = rates.convert("100 USD", "EUR", "2026-12-30")
    assert eve.rounded == before.rounded == Decimal("89.51")
    assert (eve.rate.age_days, before.rate.age_days) == (62, 61)


def test_vnd_past_the_snapshot_uses_the_last_month_end_not_the_2024_average() -> None:
    rate = rates.get_rate("USD", "VND", "2026-12-01")
    assert rate.value == Decimal("25093")  # October 2025; the 2024 average is 24,164.89
    assert (rate.basis, rate.period, rate.stale, rate.age_days) == (
        "monthly", "2025-10", True, 396)
    assert rate.rate_type == "official"


def test_today_by_default_is_the_same_answer(on_2026_12_01: date) -> None:
    assert rates.convert("100 USD", "EUR").rounded == Decimal("89.51")
    assert rates.get_rate("USD", "EUR").asked_for == on_2026_12_01
    assert rates.get_rate("USD", "VND").value == Decimal("25093")


def test_the_cli_past_the_snapshot() -> None:
    result = run("convert", "100 USD", "--to", "EUR", "--on", "2026-12-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("$100.00 = €89.51\n")
    assert "asked for 2026-12-01; stale: 32 days old; source snapshot" in result.stdout
    document = json.loads(run("convert", "100 USD", "--to", "EUR", "--on", "2026-12-01",
                              "--json").stdout)
    assert document["converted"] == {"amount": "89.51", "currency": "EUR"}
    assert (document["rate"]["stale"], document["rate"]["age_days"]) == (True, 32)
    assert run("convert", "100 USD", "--to", "EUR", "--on", "2026-12-31").exit_code == 0


def test_assess_and_thresholds_past_the_snapshot_say_the_rate_is_stale() -> None:
    day = date(2026, 12, 1)
    table = thresholds(default_catalog().get("vn-225"), day, "USD").to_dict()["conversion"]
    assert (table["stale"], table["age_days"], table["rate_type"]) == (True, 396, "official")
    assert table["details"]["legs"][0]["value"] == "25093"
    result = assess("vn-225", {"offender": "entity", "illicit_profit": "250000000",
                               "offence_date": day}, to="USD").to_dict()["conversion"]
    assert (result["stale"], result["age_days"], result["basis"]) == (True, 396, "monthly")
    assert result["mixed_bases"] is False
    assert result["label"] == "month-end official rate"


# -- the rule: finest within its look-back, then the last value of a finer series -------


def test_the_rule_at_the_edges_of_each_series(figures: Counter[str]) -> None:
    snapshot = SnapshotSource()
    cases = [
        # (pair, date, basis, period, stale)
        (("EUR", "USD"), "2026-11-13", "daily", "2026-10-30", False),  # 14 days: in reach
        (("EUR", "USD"), "2026-11-14", "daily", "2026-10-30", True),
        (("EUR", "USD"), "2040-01-01", "daily", "2026-10-30", True),
        (("USD", "VND"), "2025-11-30", "monthly", "2025-10", False),  # one month missing
        (("USD", "VND"), "2025-12-31", "monthly", "2025-10", True),
        (("USD", "KHR"), "2026-06-01", "annual", "2024", False),  # 2025 missing: one back
        (("USD", "KHR"), "2026-12-31", "annual", "2024", True),  # past the annual series
        (("USD", "RUB"), "2026-12-01", "annual", "2024", False),  # no ECB RUB since 2022
        (("USD", "DEM"), "1998-06-01", "annual", "1997", False),
        # rule 0: the euro replaced the mark on 1999-01-01 (Regulation (EC) No 2866/98)
        (("USD", "DEM"), "2000-06-01", "fixed", "1999-01-01", False),
    ]
    for (base, quote), on, basis, period, stale in cases:
        rate = snapshot.rate(base, quote, date.fromisoformat(on))
        leg = rate.legs[-1] if rate.legs else rate
        assert (leg.basis, leg.period, rate.stale) == (basis, period, stale), (base, quote, on)
    figures["which-rate: edge dates of the rule checked"] += len(cases)


def test_a_currency_whose_quotes_stopped_is_not_carried_forward() -> None:
    # only a currency still published at the end of a series gets its last value, stale
    with pytest.raises(rates.RateNotFound, match="1999-01-04 to 2005-06-30"):
        rates.get_rate("USD", "ROL", "2026-12-01")  # the new leu replaced it in 2005
    with pytest.raises(rates.RateNotFound, match="1999-01-04 to 2004-12-31"):
        rates.get_rate("USD", "TRL", "2027-06-01")  # the new lira, in 2005
    # a currency the euro replaced is not carried forward either: it has its fixed rate
    cyp = rates.get_rate("EUR", "CYP", "2026-12-01")
    assert (cyp.value, cyp.basis, cyp.stale) == (Decimal("0.585274"), "fixed", False)
    rub = rates.get_rate("USD", "RUB", "2026-12-01")  # ECB quotes suspended in 2022
    assert [leg.basis for leg in rub.legs or (rub,)] == ["annual"]


def test_choose_prefers_a_newer_stale_value_to_an_older_coarser_one() -> None:
    def leg(basis: str, end: date, stale: bool) -> Rate:
        start = end if basis == "daily" else end.replace(day=1, month=1 if basis == "annual"
                                                         else end.month)
        return Rate("USD", "XXX", Decimal(1), "t", "t", "t", "", basis,  # type: ignore[arg-type]
                    start, end, date(2026, 12, 1), stale=stale)

    daily = leg("daily", date(2026, 10, 30), True)
    monthly = leg("monthly", date(2025, 10, 31), True)
    annual = leg("annual", date(2024, 12, 31), False)
    newer_annual = leg("annual", date(2026, 12, 31), False)
    assert lookback.choose([daily, monthly, annual]) is daily
    assert lookback.choose([None, monthly, annual]) is monthly
    assert lookback.choose([daily, None, newer_annual]) is newer_annual
    fresh = leg("daily", date(2026, 11, 30), False)
    assert lookback.choose([fresh, monthly]) is fresh
    assert lookback.choose([None, None, None]) is None


def test_only_what_the_rule_needs_is_asked() -> None:
    asked: list[str] = []

    def candidates() -> Iterator[_Obs | None]:
        for name, value in (("daily", None), ("monthly", "fresh"), ("annual", "never")):
            asked.append(name)
            yield None if value is None else _Obs(value == "stale", date(2026, 1, 31))

    assert lookback.choose(candidates()) is not None
    assert asked == ["daily", "monthly"]


class _Obs:
    def __init__(self, stale: bool, end: date) -> None:
        self.stale, self.period_end = stale, end


# -- labels -------------------------------------------------------------------------------


def test_the_2018_vnd_rate_is_an_official_month_end_rate() -> None:
    rate = rates.get_rate("VND", "USD", "2018-03-19")
    usd_vnd = rate.legs[0]
    assert (usd_vnd.value, usd_vnd.basis, usd_vnd.rate_type) == (
        Decimal("22463"), "monthly", "official")
    assert "end-of-month value of 2018-02-28" in usd_vnd.note  # 19 March uses February's
    assert "the State Bank of Vietnam's central rate" in usd_vnd.note
    assert "month-end official rate" in rate.describe()
    data = rate.to_dict()
    assert (data["rate_type"], data["label"], data["age_days"]) == (
        "official", "month-end official rate", 19)


def test_ecb_rates_are_reference_rates() -> None:
    rate = rates.get_rate("EUR", "JPY", "2018-03-19")
    assert rate.rate_type == "reference"
    assert rate.label == "daily reference rate"
    assert rates.get_rate("USD", "JPY", "2018-03-19").rate_type == "reference"  # ECB cross


def test_a_cross_rate_that_mixes_bases_says_so() -> None:
    # VND→KHR: a February 2018 month-end crossed with a 2017 annual average
    rate = rates.get_rate("VND", "KHR", "2018-03-19")
    assert rate.mixed_bases
    assert [(leg.basis, leg.period) for leg in rate.legs] == [
        ("monthly", "2018-02"), ("annual", "2017")]
    text = rate.describe()
    assert "USD→VND, 2018-02, month-end official rate" in text
    assert "USD→KHR, 2017, annual average official rate" in text
    assert "mixed bases: month-end and annual average" in text
    eur_vnd = rates.get_rate("EUR", "VND", "2018-03-19")
    assert (eur_vnd.rate_type, eur_vnd.mixed_bases) == ("mixed", True)  # reference × official
    assert not rates.get_rate("USD", "JPY", "2018-03-19").mixed_bases


# -- the warning and rates info ------------------------------------------------------------


def test_the_stale_warning_says_how_old_and_how_to_refresh() -> None:
    stale_warning = _text.stale_warning
    line = stale_warning(rates.get_rate("USD", "EUR", "2026-12-01"))
    assert line == (
        "the rate USD→EUR is 32 days old on 2026-12-01 (ECB daily reference rate EUR→USD of "
        "2026-10-30, the last in the snapshot in use); refresh: penalties rates refresh "
        "(downloads the newest ECB and IMF files)")
    vnd = stale_warning(rates.get_rate("VND", "USD", "2026-12-01"))
    assert vnd is not None
    assert vnd.startswith("the rate VND→USD is 396 days old on 2026-12-01 (IMF monthly")
    assert vnd.endswith("refresh: penalties rates refresh (downloads the newest ECB and IMF "
                        "files)")
    assert "\n" not in vnd
    # a stale answer of an online source (an expired cache): ask that source again
    from dataclasses import replace

    online = replace(rates.get_rate("EUR", "USD", "2026-12-01"), source="ecb")
    assert stale_warning(online) == (
        "the rate EUR→USD is 32 days old on 2026-12-01 (ECB daily reference rate EUR→USD of "
        "2026-10-30); refresh: penalties rates update --source ecb --start 2026-12-01 --end "
        "2026-12-01 --currencies USD, then repeat with --source ecb,snapshot")
    market = replace(rates.get_rate("USD", "VND", "2026-12-01"), source="currency-api")
    assert (stale_warning(market) or "").endswith(
        "--currencies USD, then repeat with --source currency-api,snapshot (market rates, "
        "not official ones)")
    assert stale_warning(rates.get_rate("USD", "EUR", "2026-11-13")) is None
    assert stale_warning(None) is None


def test_rates_info_shows_each_series_last_observation_and_its_age(
    on_2026_12_01: date,
) -> None:
    info = rates.snapshot_info()
    assert info.as_of == on_2026_12_01
    assert [(d.last, d.age_days, d.stale) for d in info.datasets] == [
        ("2026-10-30", 32, True), ("2025-10-31", 396, True), ("2024-12-31", 700, False)]
    assert [d.rate_type for d in info.datasets] == ["reference", "official", "official"]
    within = rates.snapshot_info("2026-11-02")
    assert (within.datasets[0].age_days, within.datasets[0].stale) == (3, False)
    document = json.loads(run("rates", "info", "--json").stdout)
    assert document["as_of"] == "2026-12-01"
    assert [d["age_days"] for d in document["datasets"]] == [32, 396, 700]
    text = run("rates", "info").stdout
    assert "last observation: 2026-10-30, 32 days before 2026-12-01" in text
    assert "State Bank of Vietnam's central rate" in text
    shown = "\n".join(str(line) for line in _text.snapshot(document))
    assert "Which rate: a currency the euro replaced, from that day, at its irrevocably" in shown
    # the fixed rates are shown too (a reviewer's finding: rule 0 was not)
    assert "21 currencies the euro replaced" in shown
    assert "BGN 1.95583 from 2026-01-01" in shown
    assert {"currency": "DEM", "per_euro": "1.95583", "from": "1999-01-01",
            "act": "Council Regulation (EC) No 2866/98"} in document["fixed"]
