"""Rates a spreadsheet can read (issue 13, item 7): the batch cells (CSV and JSON Lines)
and the JSON documents give the rate as quoted (``22463``, ``VND per USD``) beside the
exact multiplier, ``rate_date`` always as YYYY-MM-DD (the end of the rate's period) with
``rate_basis`` saying what it is, and no number with an exponent or separators."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

import rates
from cli import app
from penalties import assess_many, csv_to_csv
from penalties.batch._files import CSV_COLUMNS, write_csv
from rates.exact import decimal_text
from rates.model import cross as cross_rate
from tests._cases import csv_of

runner = CliRunner()
DAY = "2018-03-19"
#: A number as a spreadsheet reads it: digits, at most one point; no exponent, no separators.
PLAIN = re.compile(r"\d+(\.\d+)?")
#: A cell a spreadsheet would read as a number written with an exponent.
EXPONENT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+")
NUMBERS = ("rate_quoted", "rate_multiplier",
           *(c for c in CSV_COLUMNS if c.endswith(("_converted", "_min", "_max"))))
RATE_FIELDS = ("rate_quoted", "rate_unit", "rate_multiplier", "rate_basis", "rate_date",
               "rate_period_start")


def vnd_rows(*days: str) -> list[dict[str, str]]:
    """Cases of vn-225 (amounts in VND), two classes of rows on each day."""
    return [{"id": f"{kind}-{day}", "offender": kind, "illicit_profit": profit,
             "offence_date": day}
            for day in days for kind, profit in (("entity", "250000000"),
                                                 ("person", "60000000"))]


def batch(tmp_path: Path, rows: list[dict[str, str]], provision: str, *options: str,
          output: str = "csv") -> list[dict[str, Any]]:
    """The rows ``penalties batch`` writes (CSV rows as dicts, or JSON Lines documents)."""
    cases = tmp_path / "cases.csv"
    cases.write_text(csv_of(rows), encoding="utf-8")
    done = runner.invoke(app, ["batch", str(cases), "--provision", provision, "-o", "-",
                               "--output-format", output, *options])
    assert done.exit_code == 0, done.output
    if output == "csv":
        found = list(csv.DictReader(io.StringIO(done.stdout)))
        assert tuple(found[0]) == CSV_COLUMNS
        return found
    return [json.loads(line) for line in done.stdout.splitlines()]


def spreadsheet_cells(rows: list[dict[str, Any]], figures: Counter[str]) -> None:
    """Every number is plain decimal text, every rate date YYYY-MM-DD, no cell an exponent."""
    for row in rows:
        for column, cell in row.items():
            assert not EXPONENT.fullmatch(cell), (column, cell)
            if cell and column in NUMBERS:
                assert PLAIN.fullmatch(cell), (column, cell)
        for column in ("rate_date", "rate_period_start"):
            assert date.fromisoformat(row[column]).isoformat() == row[column]
        figures["batch cells checked for a spreadsheet (no exponent, plain numbers)"] += len(row)


def test_vnd_rows_to_usd_quote_the_published_rate(tmp_path: Path,
                                                  figures: Counter[str]) -> None:
    """The reproduction: 2018-03-19 rows in VND converted to USD said ``rate``
    0.0000445176… (4.30496E-05 in a spreadsheet) and ``rate_date`` 2018-02."""
    rows = batch(tmp_path, vnd_rows(DAY, "2018-03-20"), "vn-225", "--to", "USD")
    assert len(rows) == 4
    for row in rows:
        assert (row["rate_quoted"], row["rate_unit"], row["rate_basis"], row["rate_date"],
                row["rate_period_start"], row["rate_source"], row["rate_stale"]) == (
            "22463", "VND per USD", "month-end", "2018-02-28", "2018-02-01", "snapshot",
            "false")
        assert row["rate_type"] == "official"  # the IMF's (the central bank's), not a market rate
        multiplier = Decimal(row["rate_multiplier"])
        assert row["rate_multiplier"].startswith("0.0000445176512487201")
        assert abs(Fraction(multiplier) * 22463 - 1) < Fraction(1, 10**45)
    assert rows[0]["fine_max_converted"] == "44517.65"
    spreadsheet_cells(rows, figures)
    # the row-by-row path writes the same cells as the batch by columns
    single = io.StringIO()
    list(write_csv(assess_many(vnd_rows(DAY, "2018-03-20"), "vn-225", to="USD"), single))
    assert list(csv.DictReader(io.StringIO(single.getvalue()))) == rows


def test_an_annual_average_is_dated_by_the_years_last_day(tmp_path: Path,
                                                          figures: Counter[str]) -> None:
    """Before the IMF monthly VND series (2010), a 2009 rate date takes the 2008 average:
    ``rate_date`` 2008-12-31, not ``2008``."""
    rows = batch(tmp_path, vnd_rows(DAY), "vn-225", "--to", "USD",
                 "--rate-date", "2009-06-01")
    published = rates.get_rate("USD", "VND", date(2009, 6, 1)).value
    assert format(published, "f") == "16302.25"
    for row in rows:
        assert (row["rate_quoted"], row["rate_unit"], row["rate_basis"], row["rate_date"],
                row["rate_period_start"]) == (
            "16302.25", "VND per USD", "annual average", "2008-12-31", "2008-01-01")
    spreadsheet_cells(rows, figures)


@pytest.fixture
def eur_statutes(tmp_path: Path, make_statute: Callable[[], dict[str, Any]]) -> Path:
    """A directory holding one small statute whose amounts are in euros (``xx-eur``)."""
    data = make_statute()
    data.update(id="xx/eur/1", aliases=["xx-eur"], currency="EUR")
    folder = tmp_path / "statutes"
    folder.mkdir()
    (folder / "eur.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return folder


def test_an_ecb_daily_rate_is_dated_by_its_day(tmp_path: Path, eur_statutes: Path,
                                               figures: Counter[str]) -> None:
    """A Sunday takes Friday's ECB reference rate: ``rate_date`` is that Friday."""
    cases = [{"offender": "person", "illicit_profit": "150", "offence_date": day}
             for day in ("2018-03-18", DAY)]
    rows = batch(tmp_path, cases, "xx-eur", "--to", "USD", "--statutes", str(eur_statutes))
    assert [(r["rate_quoted"], r["rate_unit"], r["rate_basis"], r["rate_date"],
             r["rate_period_start"], r["rate_multiplier"]) for r in rows] == [
        ("1.2301", "USD per EUR", "daily", "2018-03-16", "2018-03-16", "1.2301"),
        ("1.2309", "USD per EUR", "daily", DAY, DAY, "1.2309")]
    spreadsheet_cells(rows, figures)
    # a published figure below 1 (0.8… GBP per EUR) is quoted the larger way round, exactly
    # from the published figure: its first 50 significant digits, the quotient never ends
    rows = batch(tmp_path, cases[1:], "xx-eur", "--to", "GBP", "--statutes", str(eur_statutes))
    published = rates.get_rate("EUR", "GBP", date(2018, 3, 19)).value
    assert published < 1
    assert rows[0]["rate_multiplier"] == format(published, "f")
    assert (rows[0]["rate_unit"], rows[0]["rate_basis"]) == ("EUR per GBP", "daily")
    assert rows[0]["rate_quoted"] == decimal_text(1 / Fraction(published), 50)[0]
    spreadsheet_cells(rows, figures)


def test_a_cross_rate_is_quoted_exactly_from_its_legs(tmp_path: Path,
                                                      figures: Counter[str]) -> None:
    """VND→EUR on 2018-03-19 is the February month-end 22,463 VND per USD times the ECB's
    1.2309 USD per EUR: 27649.7067 VND per EUR exactly, and its basis names both legs."""
    rows = batch(tmp_path, vnd_rows(DAY), "vn-225", "--to", "EUR")
    for row in rows:
        assert (row["rate_quoted"], row["rate_unit"], row["rate_basis"], row["rate_date"],
                row["rate_period_start"]) == (
            "27649.7067", "VND per EUR", "month-end and daily", DAY, "2018-02-01")
        assert Decimal(row["rate_quoted"]) == Decimal(22463) * Decimal("1.2309")
    spreadsheet_cells(rows, figures)


def test_json_lines_rows_carry_the_same_rate(tmp_path: Path) -> None:
    """Each JSON Lines document's ``conversion`` block has the CSV's rate fields, with the
    same values; a quotient that never ends says it is not exact."""
    for to, exact in (("USD", True), ("EUR", True), ("JPY", False)):
        cells = batch(tmp_path, vnd_rows(DAY), "vn-225", "--to", to)
        documents = batch(tmp_path, vnd_rows(DAY), "vn-225", "--to", to, output="jsonl")
        assert len(documents) == len(cells) == 2
        for row, document in zip(cells, documents, strict=True):
            conversion = document["conversion"]
            assert {k: conversion[k] for k in RATE_FIELDS} == {k: row[k] for k in RATE_FIELDS}
            assert conversion["rate_quoted_exact"] is exact
            assert conversion["rate"] == row["rate_multiplier"]  # kept in JSON as it was
    assert cells[0]["rate_unit"] == "VND per JPY"
    assert not EXPONENT.fullmatch(cells[0]["rate_quoted"])


def test_the_json_document_gives_the_rate_as_quoted() -> None:
    """``penalties assess --json`` and ``thresholds --json``: the same fields."""
    expected = {"rate_quoted": "22463", "rate_unit": "VND per USD", "rate_quoted_exact": True,
                "rate_basis": "month-end", "rate_date": "2018-02-28",
                "rate_period_start": "2018-02-01"}
    for command in (["assess", "vn-225", "--offender", "entity", "--profit", "250000000",
                     "--offence-date", DAY, "--to", "USD", "--json"],
                    ["thresholds", "vn-225", "--on", DAY, "--in", "USD", "--json"]):
        done = runner.invoke(app, command)
        assert done.exit_code == 0, done.output
        conversion = json.loads(done.stdout)["conversion"]
        assert {k: conversion.get(k) for k in expected} == expected


def _rate(base: str, quote: str, value: str, basis: str = "daily",
          start: date = date(2018, 3, 19), end: date = date(2018, 3, 19)) -> rates.Rate:
    return rates.Rate(base, quote, Decimal(value), "test", "test", f"test {basis}", "",
                      basis, start, end, date(2018, 3, 19))  # type: ignore[arg-type]


def test_quoted_is_the_larger_way_round_as_published() -> None:
    from rates.quoted import Quoted, basis_words, quoted, quoted_json, rate_date

    usd_vnd = _rate("USD", "VND", "22463", "monthly", date(2018, 2, 1), date(2018, 2, 28))
    assert quoted(usd_vnd) == quoted(usd_vnd.inverse()) == Quoted(Decimal(22463),
                                                                  "VND per USD", True)
    # the published digits are kept, trailing zeros too (the inverse's exact value has none)
    khr = _rate("USD", "KHR", "4050.50", "annual", date(2017, 1, 1), date(2017, 12, 31))
    assert quoted(khr.inverse()).text == "4050.50"
    # a cross rate of legs on either side of the pivot: a product, exact
    eur_usd = _rate("EUR", "USD", "1.2309")
    cross = usd_vnd.inverse().then(eur_usd.inverse())
    assert quoted(cross) == Quoted(Decimal("27649.7067"), "VND per EUR", True)
    assert basis_words(cross) == "month-end and daily"
    assert (rate_date(cross), cross.period_start) == (date(2018, 3, 19), date(2018, 2, 1))
    # a quotient that never ends: 50 significant digits, no exponent, not exact
    jpy = cross_rate(eur_usd, _rate("EUR", "JPY", "130.65"))
    said = quoted(jpy)
    assert said.unit == "JPY per USD"
    assert not said.exact
    assert said.text == decimal_text(Fraction("130.65") / Fraction("1.2309"), 50)[0]
    tiny = quoted(_rate("KWD", "VND", "74000").inverse())
    assert (tiny.text, tiny.unit) == ("74000", "VND per KWD")
    assert quoted_json(_rate("KWD", "VND", "74000").inverse())["rate_multiplier"] == (
        "0.000013513513513513513513513513513513513513513513513514")
    annual = _rate("USD", "VND", "16302.25", "annual", date(2008, 1, 1), date(2008, 12, 31))
    assert (basis_words(annual), quoted_json(annual)["rate_date"]) == ("annual average",
                                                                      "2008-12-31")


def test_the_screen_shows_the_same_quoted_value_and_marks_a_cut() -> None:
    """The words on screen show the quoted value, from the same value and unit: every digit
    when it is exact and short (VND per EUR on 2018-03-19 is 22463 × 1.2309 = 27649.7067;
    it was shown rounded as 27,649.707, so that 12,000.50 EUR times the rate shown was not
    the VND the legal tests used), else its first 8 significant digits, cut, with "…"."""
    from penalties import _words as words
    from rates.quoted import quoted

    for base, quote in (("VND", "USD"), ("VND", "EUR"), ("VND", "JPY"), ("EUR", "GBP"),
                        ("USD", "JPY")):
        rate = rates.get_rate(base, quote, date(2018, 3, 19))
        said = quoted(rate)
        shown = words.rate(rate).split(" (")[0]
        figure, unit = shown.split(" ", 1)
        assert unit == said.unit
        if said.exact and len(said.value.as_tuple().digits) <= 12:
            assert Decimal(figure.replace(",", "")) == said.value, (base, quote)
        else:
            assert figure.endswith("…"), (base, quote, figure)
            digits = max(0, 8 - 1 - said.value.adjusted())
            cut = said.value.quantize(Decimal(1).scaleb(-digits), ROUND_DOWN)
            assert Decimal(figure[:-1].replace(",", "")) == cut, (base, quote)
    assert words.rate(rates.get_rate("VND", "EUR", date(2018, 3, 19))).startswith(
        "27,649.7067 VND per EUR (")


def test_an_input_conversion_is_checkable_from_the_rate_it_shows() -> None:
    """The input line says the legal tests use its exact figure: the rate it shows times the
    amount given is that figure."""
    from penalties import _words as words
    from penalties import assess

    result = assess("vn-225", {"offender": "entity", "illicit_profit": "12000.50 EUR",
                               "offence_date": "2018-03-19"})
    [given] = result.inputs
    line = words.input_conversion(given)
    assert " at 27,649.7067 VND per EUR (" in line
    assert Decimal("12000.50") * Decimal("27649.7067") == given.value


def test_the_rate_cells_are_made_once_per_rate_not_per_row(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """600 rows on three days of one month-end and two classes: the rate's cells are made
    a handful of times (per rate and class), never per row."""
    from rates.quoted import quoted_json as made

    calls = Counter[str]()

    def counted(rate: rates.Rate) -> dict[str, Any]:
        calls[rate.period] += 1
        return made(rate)

    monkeypatch.setattr("penalties.batch._cells.quoted_json", counted)
    rows = vnd_rows("2018-03-19", "2018-03-20", "2018-03-21") * 100
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(csv_of(rows)), sink, "vn-225", to="USD"))
    written = list(csv.DictReader(io.StringIO(sink.getvalue())))
    assert len(written) == 600
    assert {r["rate_quoted"] for r in written} == {"22463"}
    assert sum(calls.values()) <= 12


def test_a_batch_says_once_that_a_rate_is_stale(tmp_path: Path) -> None:
    """`penalties batch --to USD` wrote `rate_stale` true and said nothing on stderr, while
    `convert` and `assess` print one warning line with the refresh hint."""
    rows = [{"id": f"N-{day}", "offender": "entity", "illicit_profit": "250000000",
             "offence_date": f"2026-11-{day:02d}"} for day in range(20, 30)]
    cases = tmp_path / "cases.csv"
    cases.write_text(csv_of([*rows, *vnd_rows(DAY)]), encoding="utf-8")
    for output in ("out.csv", "out.jsonl"):  # by columns, row by row
        done = CliRunner().invoke(app, ["batch", str(cases), "--provision", "vn-225", "--to",
                                        "USD", "-o", str(tmp_path / output)])
        assert done.exit_code == 0, done.output
        [line] = done.stderr.splitlines()  # ten dates, one observation: one line
        assert line == ("penalties: warning: the rate VND→USD is 385 days old on 2026-11-20 "
                        "(IMF monthly end-of-period USD→VND of 2025-10, the last in the "
                        "snapshot in use); refresh: penalties rates refresh (downloads the "
                        "newest ECB and IMF files)")


def test_the_additional_cell_says_what_a_penalty_may_only_accompany() -> None:
    """A fresh user's test (2026-12-03): the cell read ``fine 20000000-200000000 VND
    [225(3)]`` where the command line says the fine goes only with imprisonment."""
    sink = io.StringIO()
    cases = "offender,offence_date,commercial_scale,times\nperson,2019-01-01,true,3\n"
    list(csv_to_csv(io.StringIO(cases), sink, "vn-225"))
    [row] = list(csv.DictReader(io.StringIO(sink.getvalue())))
    assert "fine 20000000-200000000 VND (only with imprisonment) [225(3)]" in row["additional"]


@pytest.mark.parametrize(("published", "shown"), [
    ("1.50000000000000", "1.50000000000000 USD per EUR ("),  # trailing zeros lose nothing
    ("12345678901234", "12,345,678,901,234 USD per EUR (")])  # nor a long whole number
def test_a_rate_that_loses_no_digit_has_no_ellipsis(published: str, shown: str) -> None:
    """A reviewer's test (2026-12-03): "…" was put after exact rates that lost nothing."""
    from penalties import _words as words

    rate = rates.Rate("EUR", "USD", Decimal(published), "snapshot", "ECB", "ECB daily", "",
                      "daily", date(2018, 3, 19), date(2018, 3, 19), date(2018, 3, 19))
    assert words.rate(rate).startswith(shown)
