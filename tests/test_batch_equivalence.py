"""A batch can never answer a row otherwise than ``assess`` does (issue 11): values are read
by the one reader with one set of limits, rows are grouped by the engine's own key, and
rates are looked up per currency, date and source."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

from cli import EXIT_BAD_INPUT, EXIT_OK, app
from penalties import Catalog, Facts, InvalidFacts, assess, assess_many, csv_to_csv
from tests._cases import csv_of

runner = CliRunner()
TOO_MANY = "times: 5000000 is out of range (allowed: 1 to 1000000)"
ROW = {"offender": "person", "organised": "true", "commercial_scale": "true",
       "offence_date": "2019-01-01"}


def test_a_count_out_of_range_is_refused_after_one_in_range() -> None:
    """After a row with times=900000, a row with times=5000000 was accepted by the fast
    path (tier 225(2)); alone, it is an error."""
    rows = [{**ROW, "times": "900000"}, {**ROW, "times": "5000000"}]
    results = list(assess_many(rows, "vn-225"))
    assert results[0].tier_id == "2"
    assert results[1].error == TOO_MANY
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(csv_of(rows)), sink, "vn-225"))
    written = list(csv.DictReader(io.StringIO(sink.getvalue())))
    assert (written[0]["tier"], written[1]["tier"], written[1]["error"]) == ("2", "", TOO_MANY)


def test_the_same_error_in_every_path(tmp_path: Path) -> None:
    """Python (a number or text), Facts, a batch row, a table chunk, JSON Lines and the
    command line: one reader, one limit, one message."""
    messages = set()
    for value in (5_000_000, "5000000"):
        with pytest.raises(InvalidFacts) as caught:
            assess("vn-225", {**ROW, "times": value})
        messages.add(str(caught.value))
        with pytest.raises(InvalidFacts) as caught:
            Facts(offender="person", times=value)
        messages.add(str(caught.value))
    messages.add(str(next(assess_many([{**ROW, "times": "5000000"}], "vn-225")).error))
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({**ROW, "times": 5_000_000}) + "\n", encoding="utf-8")
    out = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o", "-",
                              "--output-format", "jsonl", "--skip-invalid"])
    messages.add(json.loads(out.stdout)["error"])
    cli = runner.invoke(app, ["assess", "vn-225", "--times", "5000000"])
    assert cli.exit_code == EXIT_BAD_INPUT
    messages.add(cli.stderr.removeprefix("penalties: error: ").strip())
    assert messages == {TOO_MANY}


@pytest.fixture
def two_currencies(tmp_path: Path, make_statute: Callable[[], dict[str, Any]]) -> Catalog:
    """An old law in GBP, repealed by a new one in EUR that reaches back (lex mitior) and
    is lighter: rows on one offence date, with and without a trial date, fall under laws in
    two currencies."""
    citation = {"clause": "1", "quote": "q", "translation": "t", "source": "s",
                "confidence": "C"}
    old = make_statute()
    old.update(id="xx/old/1", aliases=["xx-old"], currency="GBP",
               repealed_on=date(2018, 1, 1))
    old["versions"][0]["effective_from"] = date(2010, 1, 1)
    new = make_statute()
    new.update(id="xx/new/1", aliases=["xx-new"], currency="EUR", predecessor="xx/old/1",
               lex_mitior={"citation": citation, "leniency": {
                   "order": ["tier", "imprisonment.max", "fine.max"], "citation": citation}})
    new["versions"][0]["tiers"][1]["principal"][1]["max_months"] = 12
    for data, name in ((old, "old.toml"), (new, "new.toml")):
        (tmp_path / name).write_text(tomli_w.dumps(data), encoding="utf-8")
    return Catalog([tmp_path], builtin=False, use_env=False)


def test_rates_are_per_currency_not_per_date(two_currencies: Catalog) -> None:
    """Two rows on one offence date whose law is in different currencies get each their
    own rate (the batch cache was keyed by the date only)."""
    rows: list[dict[str, Any]] = [
        {"offender": "person", "organised": "true", "offence_date": "2016-05-01",
         "trial_date": "2019-01-01"},
        {"offender": "person", "organised": "true", "offence_date": "2016-05-01"},
    ]
    results = list(assess_many(rows, "xx-new", catalog=two_currencies, to="USD"))
    currencies = []
    for result in results:
        found = result.assessment
        assert found is not None
        assert found.rate is not None
        assert found.rate.base == found.provision.currency
        currencies.append(found.provision.currency)
        document = result.to_dict()
        assert document["conversion"]["from"] == document["provision"]["currency"]
    assert currencies == ["EUR", "GBP"]
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(csv_of(rows)), sink, "xx-new", catalog=two_currencies,
                    to="USD"))
    written = list(csv.DictReader(io.StringIO(sink.getvalue())))
    assert [(w["currency"], w["error"]) for w in written] == [("EUR", ""), ("GBP", "")]
    assert written[0]["rate_multiplier"] != written[1]["rate_multiplier"]


def test_the_command_line_converts_each_law_at_its_own_rate(two_currencies: Catalog,
                                                             tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(r) for r in (
        {"offender": "person", "organised": True, "offence_date": "2016-05-01",
         "trial_date": "2019-01-01"},
        {"offender": "person", "organised": True, "offence_date": "2016-05-01"})) + "\n",
        encoding="utf-8")
    statutes = str(tmp_path)
    for output in ("out.jsonl", "out.csv"):
        done = runner.invoke(app, ["batch", str(cases), "--provision", "xx-new", "--to", "USD",
                                   "-o", str(tmp_path / output), "--statutes", statutes])
        assert done.exit_code == EXIT_OK, done.stderr
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [(x["provision"]["currency"], x["conversion"]["from"]) for x in lines] == [
        ("EUR", "EUR"), ("GBP", "GBP")]
