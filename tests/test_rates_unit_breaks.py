"""Changes of unit inside the IMF annual series (rates._unit_breaks): rescaled, left out with
their reason, and a build that refuses the next one.

The facts come from the redenominations themselves (1 ZMW = 1,000 ZMK from 1 January 2013,
1 GHS = 10,000 GHC from July 2007, 1 SDG = 100 SDD from January 2007, 1 TRY = 1,000,000
TRL from 1 January 2005) and the pegs of the years left out (the Iraqi dinar at USD 3.2169,
the Liberian dollar at par with the US dollar), not from the program's output.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import rates
from rates import _unit_breaks
from rates.build import BuildError, read_imf_annual
from rates.errors import RateNotFound
from rates.snapshot import default_snapshot

HEADER = "Date,Rate,Currency,Frequency,Source,Country code,Country\n"


def _usd(amount: str, on: str) -> Decimal:
    return rates.convert(amount, "USD", on).rounded


@pytest.mark.parametrize(("amount", "old_year", "new_year"), [
    ("100 ZMW", "1971-06-30", "1973-06-30"),  # 100 ZMW = 100,000 ZMK: about USD 140,000
    ("100 GHS", "1956-06-30", "1958-06-30"),  # 100 GHS = 1,000,000 GHC
    ("100 SDG", "1956-06-30", "1958-06-30"),  # 100 SDG = 10,000 SDD
    ("100 TRY", "1956-06-30", "1959-01-31"),  # 100 TRY = 100,000,000 TRL (2.80, then 9.02)
])
def test_years_in_an_old_unit_are_in_the_present_one(amount: str, old_year: str,
                                                     new_year: str) -> None:
    """Before the fix 100 ZMW was USD 140 in 1971 and USD 139,994 in 1973."""
    old, new = _usd(amount, old_year), _usd(amount, new_year)
    assert new / 4 < old < new * 4  # the same unit: at most the devaluations of those years


def test_zambia_before_1972_is_the_kwacha_of_1968_divided_by_1000() -> None:
    # 0.714 kwacha (of 1968) per USD, the parity of USD 1.40: 100 ZMW = 100,000 of them
    assert _usd("100 ZMW", "1971-06-30") == Decimal("139999.94")
    rate = rates.get_rate("USD", "ZMW", "1971-06-30")
    assert rate.value == Decimal("0.000714285999714286")  # the published digits, shifted


@pytest.mark.parametrize(("amount", "on", "years"), [
    ("100 IQD", "1985-06-30", "1971 to 2002"),
    ("100 LRD", "1980-06-30", "1974 to 1994"),
    ("100 LAK", "1978-06-30", "1957 to 1979"),
    ("100 UYU", "1955-06-30", "1950 to 1956"),
])
def test_years_in_no_stated_unit_have_no_rate_and_the_error_says_why(
        amount: str, on: str, years: str) -> None:
    """Before the fix 100 IQD was USD 0.05 in 1985, where the peg made it USD 321.69."""
    with pytest.raises(RateNotFound) as caught:
        rates.convert(amount, "USD", on)
    assert f"its years {years} are left out of the IMF series" in str(caught.value)


def test_the_mixed_turkish_average_of_1957_is_left_out() -> None:
    series = default_snapshot()._store.dated("imf-annual", "TRY", 4)
    assert "1957" not in series
    assert series["1956"][1] == "0.0000028000000018"


def test_the_manifest_states_each_correction() -> None:
    data = default_snapshot()._store.dataset("imf-annual")
    words = data["transformations"]
    for code in (*_unit_breaks.REBASED, *_unit_breaks.DROPPED):
        assert f"{code} " in words
    assert data["currencies"]["ZMW"]["rebased"]["factor"] == "0.001"
    assert data["currencies"]["IQD"]["dropped"] == {
        "first": "1971", "last": "2002", "why": _unit_breaks.DROPPED["IQD"][2]}


def test_factors_are_powers_of_ten_so_rescaling_is_exact() -> None:
    for through, factor, _ in _unit_breaks.REBASED.values():
        value = Decimal(factor)
        assert value == Decimal(1).scaleb(value.adjusted()), factor
        assert 1940 < through < 2025


def test_no_series_of_the_snapshot_jumps_a_hundredfold_without_a_reason() -> None:
    data = default_snapshot()._store.dataset("imf-annual")
    for code in data["currencies"]:
        rows = sorted((f"{year}-12-31", value[1]) for year, value in
                      default_snapshot()._store.dated("imf-annual", code, 4).items())
        _unit_breaks.check_jumps(code, rows, code)


def _annual(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "imf_exchangerates_A_ENDA_USD.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_the_build_refuses_a_new_change_of_unit(tmp_path: Path) -> None:
    path = _annual(tmp_path, "2020-12-31,3.5,QQQ,A,IMF,QQ,Q\n"
                             "2021-12-31,0.0035,QQQ,A,IMF,QQ,Q\n")
    with pytest.raises(BuildError) as caught:
        read_imf_annual(path)
    message = str(caught.value)
    assert "QQQ: 2021 (0.0035 per USD) is 0.001 times 2020 (3.5): a change of unit?" in message


def test_a_jump_of_less_than_a_hundredfold_is_built(tmp_path: Path) -> None:
    path = _annual(tmp_path, "2020-12-31,3.5,QQQ,A,IMF,QQ,Q\n"
                             "2021-12-31,346.5,QQQ,A,IMF,QQ,Q\n")
    assert read_imf_annual(path)[0]["QQQ"][1] == ("2021-12-31", "346.5")


def test_a_known_jump_is_built(tmp_path: Path) -> None:
    path = _annual(tmp_path, "1984-12-31,0.00313591,BOB,A,IMF,BO,Bolivia\n"
                             "1985-12-31,0.440029,BOB,A,IMF,BO,Bolivia\n")
    assert len(read_imf_annual(path)[0]["BOB"]) == 2


def test_the_build_rescales_and_leaves_out_as_stated(tmp_path: Path) -> None:
    path = _annual(tmp_path, "1956-12-31,2.8000000018,TRY,A,IMF,TR,Turkey\n"
                             "1957-12-31,0.2333364318166658,TRY,A,IMF,TR,Turkey\n"
                             "1958-12-31,0.000005493166666,TRY,A,IMF,TR,Turkey\n")
    assert read_imf_annual(path)[0]["TRY"] == [("1956-12-31", "0.0000028000000018"),
                                               ("1958-12-31", "0.000005493166666")]


def test_the_peg_years_of_the_iraqi_dinar_would_have_been_refused(tmp_path: Path) -> None:
    """Without DROPPED the build itself would have caught the IQD series."""
    path = _annual(tmp_path, "1970-12-31,0.357142999357143,QQQ,A,IMF,QQ,Q\n"
                             "1971-12-31,935.6178350052742,QQQ,A,IMF,QQ,Q\n")
    with pytest.raises(BuildError, match="2,620 times 1970"):
        read_imf_annual(path)


def test_a_date_outside_the_years_left_out_is_unchanged() -> None:
    assert rates.get_rate("USD", "IQD", date(1970, 6, 30)).value == Decimal(
        "0.357142999357143")
    assert rates.get_rate("USD", "IQD", date(2005, 6, 30)).period == "2004"
