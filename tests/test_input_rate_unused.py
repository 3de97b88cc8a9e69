"""An ``input_rate_date`` that converts nothing is said, on the result.

``assess(..., input_rate_date=...)`` with every amount in the law's own currency ignored it
without a word in Python, in the HTTP API and in ``penalties map``: a profit meant in
dollars but written without its currency (``10000``) was read as VND 10,000, and the date
given for its rate seemed to have been used. The command line's ``assess`` and ``compare``
printed a note of their own; the result now says it, once, for every interface.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

import penalties
from cli import app

FACTS = {"offender": "person", "illicit_profit": "10000", "offence_date": "2018-03-19"}
NOTE = ("The input rate date (2018-03-01) is not used: no amount is given in another "
        "currency than VND.")


def test_assess_says_its_input_rate_date_converted_nothing() -> None:
    result = penalties.assess("vn-225", FACTS, input_rate_date="2018-03-01")
    assert result.notes[-1] == NOTE
    assert result.to_dict()["notes"][-1] == NOTE
    assert NOTE not in penalties.assess("vn-225", FACTS).notes
    used = penalties.assess("vn-225", {**FACTS, "illicit_profit": "10000 USD"},
                            input_rate_date="2018-03-01")
    assert used.inputs[0].rate.asked_for.isoformat() == "2018-03-01"
    assert NOTE not in used.notes


def test_compare_says_it_for_each_law_whose_currency_the_amount_is_in() -> None:
    facts = {**FACTS, "illicit_profit": "10000 USD"}
    vn, us = penalties.compare(["vn-225", "us/18-usc/2319"], facts,
                               input_rate_date="2018-03-01")
    assert vn.inputs
    assert not any("input rate date" in note for note in vn.notes)
    assert us.notes[-1] == NOTE.replace("VND", "USD")


def test_the_map_says_it() -> None:
    found = penalties.tier_map("vn-225", {"offender": "person", "offence_date": "2018-03-19"},
                               "illicit_profit", input_rate_date="2018-03-01")
    assert NOTE in found.notes
    assert NOTE in found.to_dict()["notes"]
    plain = penalties.tier_map("vn-225", {"offender": "person", "offence_date": "2018-03-19"},
                               "illicit_profit")
    assert NOTE not in plain.notes


def test_the_command_line_says_it_once() -> None:
    result = CliRunner().invoke(app, ["assess", "vn-225", "--profit", "10000",
                                      "--offence-date", "2018-03-19",
                                      "--input-rate-date", "2018-03-01"])
    assert result.exit_code == 0
    assert result.output.count("input rate date") + result.output.count(
        "--input-rate-date") == 1
    assert f"Note: {NOTE}" in result.stdout


def test_the_http_api_says_it() -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from penalties.web import create_app

    answer = TestClient(create_app()).post("/assess", json={
        "provision": "vn-225", "facts": FACTS, "input_rate_date": "2018-03-01"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["notes"][-1] == NOTE


@pytest.mark.parametrize("output", ["out.csv", "out.jsonl"])
def test_a_batch_says_it_once_when_no_row_used_it(tmp_path: Path, output: str) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("offender,illicit_profit,offence_date\n"
                     + "entity,250000000,2018-03-19\n" * 3, encoding="utf-8")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(plain.read_text(encoding="utf-8") + "entity,10000 USD,2018-03-19\n",
                     encoding="utf-8")
    said = ("penalties: note: --input-rate-date 2018-03-01 is not used: no case gives an "
            "amount in another currency than VND")
    for cases, count in ((plain, 1), (mixed, 0)):
        result = CliRunner().invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                                          str(tmp_path / output),
                                          "--input-rate-date", "2018-03-01"])
        assert result.exit_code == 0, result.output
        assert result.stderr.count(said) == count


def test_csv_to_csv_tells_on_note() -> None:
    from penalties.batch._streams import csv_to_csv

    notes: list[str] = []
    text = "offender,illicit_profit,offence_date\nentity,250000000,2018-03-19\n"
    list(csv_to_csv(io.StringIO(text), io.StringIO(), "vn-225", input_rate_date="2018-03-01",
                    on_note=notes.append))
    assert notes == ["--input-rate-date 2018-03-01 is not used: no case gives an amount in "
                     "another currency than VND"]
