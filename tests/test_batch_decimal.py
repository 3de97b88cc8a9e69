"""The decimal mark of a batch file's amounts: a ``;``-separated file (a French or German
spreadsheet's export) writes ``1,5`` for one and a half; reading it as fifteen hundred, or
refusing ``250.000.000``, was a silent wrong number or a needless refusal."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_SOME_ROWS_FAILED, app
from penalties import InvalidInput, csv_to_csv
from penalties.batch._decimal import decimal_mark_of
from penalties.batch._files import read_cases
from rates.money import parse_amount, point_decimal

runner = CliRunner()
SEMICOLONS = ("id;offender;offence_date;illicit_profit;client\n"
              "A;entity;2018-03-19;250.000.000;1,5\n"
              "B;entity;2018-03-19;1,5;2,5\n"
              "C;entity;2018-03-19;1 500 000 000,50;x\n"
              "E;entity;2018-03-19;1,500;z\n")


def _profits(tmp_path: Path, text: str, *options: str) -> tuple[Any, list[tuple[str, str]]]:
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    found = runner.invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", str(out),
                                *options])
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if (
        out.exists()) else []
    return found, [(r["facts"]["illicit_profit"]["amount"], r["carried"]["client"])
                   for r in rows]


def test_a_semicolon_file_reads_amounts_with_a_decimal_comma(tmp_path: Path) -> None:
    found, profits = _profits(tmp_path, SEMICOLONS)
    assert found.exit_code == EXIT_OK, found.output
    assert profits == [("250000000", "1,5"), ("1.5", "2,5"), ("1500000000.50", "x"),
                       ("1.500", "z")]  # carried cells never change
    assert "read with a decimal comma" in found.output


def test_the_decimal_point_can_be_given_for_a_semicolon_file(tmp_path: Path) -> None:
    text = "id;offender;offence_date;illicit_profit;client\nE;entity;2018-03-19;1,500;z\n"
    found, profits = _profits(tmp_path, text, "--decimal-mark", ".")
    assert found.exit_code == EXIT_OK, found.output
    assert profits == [("1500", "z")]
    assert "decimal comma" not in found.output


def test_a_comma_separated_file_keeps_the_decimal_point(tmp_path: Path) -> None:
    text = 'id,offender,offence_date,illicit_profit,client\nE,entity,2018-03-19,"1,500",z\n'
    found, profits = _profits(tmp_path, text)
    assert found.exit_code == EXIT_OK, found.output
    assert profits == [("1500", "z")]


def test_the_columns_path_reads_the_same_as_the_rows_path() -> None:
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(SEMICOLONS), sink, "vn-225"))
    tiers = [line.split('","')[9] for line in sink.getvalue().splitlines()[1:]]
    rows = list(read_cases(io.StringIO(SEMICOLONS), "csv"))
    assert [r["illicit_profit"] for r in rows] == [
        "250000000", "1.5", "1500000000.50", "1.500"]
    assert tiers == ["4a", "", "4b", ""]


@pytest.mark.parametrize(("mark", "delimiter", "expected"), [
    (None, ";", ","), (None, ",", "."), (None, "\t", "."), ("comma", ",", ","),
    ("point", ";", "."), (" , ", "\t", ",")])
def test_the_decimal_mark_of_a_file(mark: str | None, delimiter: str, expected: str) -> None:
    assert decimal_mark_of(mark, delimiter) == expected


@pytest.mark.parametrize("mark", ["x", "", ";", "dot"])
def test_a_bad_decimal_mark_is_refused(mark: str) -> None:
    with pytest.raises(InvalidInput, match="is not a decimal mark"):
        decimal_mark_of(mark, ";")


def test_the_command_line_refuses_a_bad_mark_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(SEMICOLONS, encoding="utf-8")
    found = runner.invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", "-",
                                "--decimal-mark", "x"])
    assert found.exit_code == EXIT_BAD_INPUT
    assert found.output.strip().count("\n") == 0
    assert "--decimal-mark" in found.output


@pytest.mark.parametrize(("text", "expected"), [
    ("1,5", "1.5"), ("1.500.000", "1500000"), ("1 500,50", "1500.50"),
    ("1\u202f500,5 EUR", "1500.5 EUR"), ("VND 2.000,25", "2000.25 VND"),
    ("-3,5", "-3.5"), ("1500", "1500"), ("12 345 678", "12345678")])
def test_continental_amounts_are_given_in_the_readers_form(text: str, expected: str) -> None:
    assert point_decimal(text) == expected


@pytest.mark.parametrize("text", ["1,500.00", "1.50", "1.5000", "1 50", "1.500 000", "abc",
                                  "1,5,5", "", "0.500", "0.500.000", "012.500"])
def test_other_texts_are_left_as_written(text: str) -> None:
    assert point_decimal(text) is None


def test_what_the_comma_form_gives_is_what_the_reader_reads() -> None:
    assert parse_amount(point_decimal("1.234.567,891 usd") or "") == (
        parse_amount("1234567.891 USD"))


MIXED = ("id;offender;offence_date;illicit_profit;client\n"
         "A;entity;2018-03-19;60,000,000;p\n"
         "B;entity;2018-03-19;1,500;q\n"
         "C;entity;2018-03-19;1,500.00;r\n"
         "D;entity;2018-03-19;1,5,5;s\n")


def test_commas_between_digit_groups_in_a_decimal_comma_file_are_refused(
        tmp_path: Path) -> None:
    """60,000,000 was read as sixty million while 1,500 in the same file was one and a
    half: the two conventions at once, silently."""
    path = tmp_path / "cases.csv"
    path.write_text(MIXED, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stopped = runner.invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", str(out)])
    assert stopped.exit_code == EXIT_BAD_INPUT
    assert "row 1: illicit_profit: '60,000,000' has commas" in stopped.output
    found = runner.invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", str(out),
                                "--skip-invalid"])
    assert found.exit_code == EXIT_SOME_ROWS_FAILED  # rows in error, the others written
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    for ident, cell in (("A", "60,000,000"), ("C", "1,500.00")):
        error = rows[ident]["error"]
        assert "illicit_profit" in error, error
        assert f"{cell!r} has commas between groups of digits" in error
        assert "--decimal-mark ." in error
    assert rows["B"]["facts"]["illicit_profit"]["amount"] == "1.500"
    assert "groups of digits" not in rows["D"]["error"]  # unreadable: in its own words
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(MIXED), sink, "vn-225"))  # the columns path: the same rows
    lines = sink.getvalue().splitlines()[1:]
    assert ["groups of digits" in line for line in lines] == [True, False, True, False]
    cases = list(read_cases(io.StringIO(MIXED), "csv"))
    assert [type(c).__name__ for c in cases] == ["BadRow", "Case", "BadRow", "Case"]


def test_the_refusal_names_the_mark_given(tmp_path: Path) -> None:
    text = 'id,offender,offence_date,illicit_profit\nA,entity,2018-03-19,"60,000,000"\n'
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(text), sink, "vn-225", decimal_mark=","))
    assert "the decimal mark given is the comma" in sink.getvalue()


POINTS = ("id;offender;offence_date;illicit_profit;client\n"
          "A;entity;2018-03-19;12.5 EUR;p\n"
          "B;entity;2018-03-19;12.500 EUR;q\n"
          "C;entity;2018-03-19;300000000.000;r\n"
          "D;entity;2018-03-19;EUR 1.5;s\n"
          "E;entity;2018-03-19;1.500.000,5;t\n")


@pytest.mark.parametrize("mark", [None, ","])
def test_decimal_points_in_a_decimal_comma_file_are_refused(tmp_path: Path,
                                                            mark: str | None) -> None:
    """A fresh user's test (2026-12-03): in a ';' file, 12.5 EUR was read as twelve and a
    half while 12.500 EUR on the next row was twelve thousand five hundred (225(2), up to
    three years in prison): a dot read two ways in one file, silently, and so with
    --decimal-mark , given. An amount with a decimal point is a row in error naming
    --decimal-mark ., as one with commas between groups of digits is."""
    path = tmp_path / "cases.csv"
    path.write_text(POINTS, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    given = ["--decimal-mark", mark] if mark else []
    found = runner.invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", str(out),
                                "--skip-invalid", *given])
    assert found.exit_code == EXIT_SOME_ROWS_FAILED, found.output
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    for ident, cell in (("A", "12.5 EUR"), ("C", "300000000.000"), ("D", "EUR 1.5")):
        error = rows[ident]["error"]
        assert f"illicit_profit: {cell!r} has a decimal point" in error, error
        assert "--decimal-mark ." in error
    assert rows["B"]["facts"]["illicit_profit"]["amount"] == "12500"  # 12.500 the continental way
    assert rows["E"]["facts"]["illicit_profit"]["amount"] == "1500000.5"
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(POINTS), sink, "vn-225", decimal_mark=mark))  # the columns path
    lines = sink.getvalue().splitlines()[1:]
    assert ["has a decimal point" in line for line in lines] == [True, False, True, True, False]
    cases = list(read_cases(io.StringIO(POINTS), "csv", decimal_mark=mark))
    assert [type(c).__name__ for c in cases] == ["BadRow", "Case", "BadRow", "BadRow", "Case"]
    again = runner.invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", str(out),
                                "--decimal-mark", "."])  # the file's own mark: no error
    assert again.exit_code == EXIT_BAD_INPUT  # E, continental, is then not an amount
    assert "1.500.000,5" in again.output


def test_the_note_says_how_a_dot_is_read(tmp_path: Path) -> None:
    found, _ = _profits(tmp_path, SEMICOLONS)
    assert "1.500 is 1500" in found.output


def test_a_zero_before_a_dot_is_no_thousands(tmp_path: Path) -> None:
    """A reviewer's test (2026-12-03): ``0.500`` in a ';' file was read as five hundred
    (a group of thousands after a zero); it is a decimal point, so the row is in error."""
    text = "id;offender;offence_date;illicit_profit\nA;entity;2018-03-19;0.500\n"
    found, _ = _profits(tmp_path, text + "")  # stops at the invalid row
    assert found.exit_code == EXIT_BAD_INPUT
    assert "'0.500' has a decimal point" in found.output
