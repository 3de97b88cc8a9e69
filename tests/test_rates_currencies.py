"""Currencies: every currency of a shipped rate series is known, with its ISO 4217 minor
unit, and converts; the codes py-moneyed lacks come from rates/currencies.toml."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from typer.testing import CliRunner

import rates
from rates import money as rates_money
from rates.money import check_currency, minor_unit, money, round_to_minor_unit
from rates.snapshot import DATA_DIR, SnapshotSource


def _shipped() -> dict[str, date]:
    """Every currency of every series of the embedded snapshot, with a day its series
    answers for (its last observation's)."""
    days: dict[str, date] = {}
    for dataset in SnapshotSource(DATA_DIR).info().datasets:
        for code, (_, last) in dataset.coverage.items():
            if dataset.basis == "annual":  # the last complete year answers for the next
                day = date(int(last) + 1, 6, 1)
            elif dataset.basis == "monthly":
                year, month = (int(part) for part in last.split("-"))
                day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            else:
                day = date.fromisoformat(last)
            days.setdefault(code, day)
        days.setdefault(dataset.base, date.fromisoformat(dataset.last))
    return days


SHIPPED = _shipped()


def test_the_shipped_series_hold_the_codes_of_the_issue() -> None:
    assert {"XCG", "CSJ", "VND", "EUR", "USD", "DEM"} <= set(SHIPPED)
    assert "ZWG" not in SHIPPED  # mislabelled upstream: dropped (rates._datasets.MISLABELLED)
    assert len(SHIPPED) > 170


def test_every_shipped_currency_is_known_has_a_minor_unit_and_converts(
    figures: Counter[str],
) -> None:
    for code, day in sorted(SHIPPED.items()):
        assert check_currency(code.lower()) == code
        digits = minor_unit(code)
        assert isinstance(digits, int)
        assert 0 <= digits <= 4, code
        target = "EUR" if code == "USD" else "USD"
        result = rates.convert(f"100 {code}", target, day)
        assert result.converted.currency.code == target
        assert result.rate.value > 0, code
        assert result.converted.amount == round_to_minor_unit(result.unrounded, target)
        figures["shipped currencies checked (known, minor unit, converted)"] += 1


@pytest.mark.parametrize(("code", "numeric", "digits"), [
    ("ZWG", "924", 2), ("XCG", "532", 2), ("CSJ", "203", 2), ("XAD", "396", 2)])
def test_the_added_currencies(code: str, numeric: str, digits: int) -> None:
    added = rates_money.added_currencies()[code]
    assert (added.numeric, added.minor_unit) == (numeric, digits)
    assert "ISO 4217" in added.source
    assert check_currency(code) == code
    assert minor_unit(code) == digits
    assert money(Decimal("1.5"), code).currency.code == code


def test_the_table_is_well_formed() -> None:
    table = rates_money.added_currencies()
    assert table
    for code, entry in table.items():
        assert entry.code == code
        assert check_currency(code) == code  # three letters, upper-case, now known
        assert len(entry.numeric) == 3
        assert entry.numeric.isdigit()
        assert entry.status in {"current", "historic"}
        assert entry.name
        assert entry.entities
        assert entry.source
        if entry.status == "historic":
            assert "withdrawn" in entry.note.lower()  # a withdrawn code says so
    assert rates_money.CURRENCIES_FILE.endswith("currencies.toml")


def test_numeric_codes_stay_with_their_current_holders() -> None:
    from moneyed import get_currency

    check_currency("ZWG")
    assert get_currency(iso="203").code == "CZK"  # not the withdrawn CSJ
    assert get_currency(iso="532").code == "XCG"  # ISO 4217 gave ANG's number to XCG
    assert get_currency(iso="924").code == "ZWG"


def test_rounding_knows_the_added_minor_units() -> None:
    assert round_to_minor_unit(Decimal("1.005"), "ZWG") == Decimal("1.01")
    assert round_to_minor_unit(Decimal("179.004"), "XCG") == Decimal("179.00")


def test_unknown_codes_are_still_refused() -> None:
    with pytest.raises(rates.UnknownCurrency):
        check_currency("ZZZ")


def test_the_table_is_read_on_first_need_only() -> None:
    code = ("import sys, rates, rates.money; print('tomllib' in sys.modules, "
            "'moneyed' in sys.modules); rates.money.check_currency('ZWG'); "
            "print('tomllib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.split() == ["False", "False", "True"]


def test_convert_zwg_on_the_command_line() -> None:
    """Issue 13: ``convert "100 ZWG" --to USD --on 2025-06-01`` said "unknown currency".
    ZWG is a currency; the IMF series labelled ZWG is of the currencies it replaced (6.7
    billion per USD in 2008, 3,266 in 2024 while the ZiG traded at 13.5 to 26), so it is not
    shipped, and the answer is "no series", never $0.03 for ZWG 100."""
    from cli import app

    result = CliRunner().invoke(app, ["convert", "100 ZWG", "--to", "USD", "--on",
                                      "2025-06-01", "--json"])
    assert result.exit_code == 3, result.output
    assert "it has no series for ZWG" in result.stderr
    assert "unknown currency" not in result.output
    assert minor_unit("ZWG") == 2  # known, with its minor unit
    for code, on in (("XCG", "2025-06-01"), ("CSJ", "1990-06-01")):
        done = CliRunner().invoke(app, ["convert", f"100 {code}", "--to", "USD", "--on", on])
        assert done.exit_code == 0, done.output


def test_money_in_an_added_currency_in_a_fresh_process() -> None:
    code = ("from decimal import Decimal; import rates.money as m; "
            "print(m.money(Decimal('1.5'), 'XCG').currency.numeric)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "532"


@pytest.mark.parametrize(("labelled", "values", "day", "quoted"), [
    ("UYW", "UYU", "2025-06-01", "40.2127875"),  # the peso, not the unidad previsional
    ("VED", "VEF", "2017-06-01", "9.25734444444167"),  # bolivares fuertes (2016), not VED
    ("HRD", "HRK", "1999-06-01", None),  # kuna (the dinar years rebased), not the dinar
])
def test_a_series_labelled_with_another_code_is_kept_under_the_code_of_its_values(
        labelled: str, values: str, day: str, quoted: str | None) -> None:
    """The IMF annual file labels Uruguay's pesos UYW, Venezuela's bolivares fuertes VED and
    Croatia's kuna HRD: shipped as labelled, `convert "100 UYW"` gave the peso's rate and
    UYU had none."""
    from rates._datasets import RELABELLED

    assert RELABELLED[labelled][0] == values
    assert labelled not in SHIPPED
    assert values in SHIPPED
    rate = rates.get_rate("USD", values, day)
    if quoted is not None:
        assert str(rate.value) == quoted
    with pytest.raises(rates.RateNotFound):
        rates.get_rate("USD", labelled, day)
