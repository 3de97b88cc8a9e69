"""An amount written with an exponent is refused saying so, with its digits.

``2.5E+08`` is how a spreadsheet shows a figure it has rounded; the file's own number may
be 249,999,999.99, under the VND 250,000,000 of a boundary. It was refused as "not an
amount this library can read unambiguously", which did not say what to write instead.
A JSON number is a program's, read exactly as written.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

import penalties
import rates
from cli import app
from rates.money import parse_amount

SAID = "written with an exponent, as a spreadsheet shows a rounded figure; write the amount's"


@pytest.mark.parametrize(("text", "digits"), [
    ("2.5e8", "(2.5e8 is 250000000)"), ("2.5E+08 VND", "(2.5E+08 is 250000000)"),
    ("USD 1.5e-3", "(1.5e-3 is 0.0015)"), ("1e99", "digits:"),
])
def test_every_interface_says_an_exponent_and_its_digits(text: str, digits: str) -> None:
    with pytest.raises(rates.InvalidAmount, match=f"^{SAID} own digits") as info:
        parse_amount(text)
    assert digits in f"{info.value}"
    with pytest.raises(penalties.InvalidFacts, match=rf"^illicit_profit: {SAID}"):
        penalties.assess("vn-225", {"offender": "entity", "illicit_profit": text,
                                    "offence_date": "2018-03-19"})
    result = CliRunner().invoke(app, ["assess", "vn-225", "--profit", text])
    assert result.exit_code == 2
    assert SAID in result.output
    assert digits in result.output


def test_a_batch_row_says_it_and_a_json_number_is_read() -> None:
    from penalties.batch._streams import csv_to_csv

    out = io.StringIO()
    text = "offender,illicit_profit,offence_date\nentity,2.5E+08,2018-03-19\n"
    list(csv_to_csv(io.StringIO(text), out, "vn-225"))
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert SAID in row["error"]
    assert "(2.5E+08 is 250000000)" in row["error"]
    jsonl = json.loads('{"offender": "entity", "illicit_profit": 2.5e8, '
                       '"offence_date": "2018-03-19"}', parse_float=Decimal)
    assert penalties.assess("vn-225", jsonl).tier.id == "4a"  # type: ignore[union-attr]


def test_other_unreadable_text_keeps_its_words() -> None:
    with pytest.raises(rates.InvalidAmount, match="not an amount this library can read "
                       "unambiguously"):
        parse_amount("2.5e")
