"""What a range's cells and words leave out (a fresh user's test, 2026-12-03): a maximum that
is only a floor was shown as the cap by ``assess`` and the batch (``compare`` said "at
least"); two ranges of one kind (China's fixed-term imprisonment, 6-36 months, and criminal
detention, 1-6 months) were one pair of CSV cells, the first, and the other lost."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from cli import EXIT_OK, app
from penalties import assess, csv_to_csv

runner = CliRunner()
GDPR = {"offender": "entity", "act": "83-5-a", "offence_date": "2019-05-01"}
CHINA = {"offender": "person", "offence_date": "2009-02-21", "illicit_profit": "50000"}


def _row(provision: str, case: dict[str, str]) -> dict[str, str]:
    text = ",".join(case) + "\n" + ",".join(case.values()) + "\n"
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(text), sink, provision))
    [row] = csv.DictReader(io.StringIO(sink.getvalue()))
    return row


def test_a_maximum_that_is_a_floor_says_at_least_everywhere() -> None:
    found = runner.invoke(app, ["assess", "gdpr-83", "--offender", "entity", "--act",
                                "83-5-a", "--offence-date", "2019-05-01", "--to", "USD"])
    assert found.exit_code == EXIT_OK, found.output
    assert "at least €20,000,000.00" in found.output
    [fine] = assess("gdpr-83", GDPR).to_dict()["principal"]
    assert fine["max_is_floor"] is True
    assert fine["max"]["amount"] == "20000000.00"
    row = _row("gdpr-83", GDPR)
    assert row["fine_max"] == "20000000.00"
    assert "the law's maximum is at least fine_max" in row["notes"]  # (it was reversed)
    assert "0.04 × turnover: not given" in row["notes"]


def test_a_maximum_with_every_term_is_no_floor() -> None:
    case = {**GDPR, "turnover": "1000000000 EUR"}
    [fine] = assess("gdpr-83", case).to_dict()["principal"]
    assert "max_is_floor" not in fine
    assert fine["max"]["amount"] == "40000000.00"
    assert "at least" not in _row("gdpr-83", case)["notes"]


def test_several_ranges_of_a_kind_are_spanned_by_the_cells_and_named() -> None:
    result = assess("cn-217", CHINA)
    prison = [(p.min_months, p.max_months) for p in result.principal
              if p.kind == "imprisonment"]
    assert prison == [(6, 36), (1, 6)]
    row = _row("cn-217", CHINA)
    assert (row["imprisonment_min_months"], row["imprisonment_max_months"]) == ("1", "36")
    assert "imprisonment: 2 ranges, the cells give their span" in row["notes"]
    assert "imprisonment 1 month to 6 months" in row["notes"]
    assert json.dumps(result.to_dict())  # the document is unchanged in shape


def test_a_figure_on_an_unconfirmed_value_keeps_its_mark_in_the_batch() -> None:
    """The CSV row of an Australian fine on the 2026 penalty unit (carried forward, [U])
    gave fine_max 181500.00 with no mark; assess says it probably understates the value."""
    case = {"offender": "person", "offence_date": "2026-08-01", "act": "248pg-1"}
    row = _row("au-248pg", case)
    assert row["fine_max"] == "181500.00"
    assert "[U] UNCONFIRMED AMOUNT" in row["notes"]
    earlier = _row("au-248pg", {**case, "offence_date": "2024-08-01"})
    assert "[U]" not in earlier["notes"]


def test_a_later_law_reaching_back_is_said_in_the_row() -> None:
    """A 2016 offence judged in 2019 under Art. 225 (more lenient, lex mitior): the CSV row
    named the 2018 law with no word of why."""
    case = {"offender": "person", "offence_date": "2016-06-01", "trial_date": "2019-01-01",
            "commercial_scale": "true", "times": "3"}
    row = _row("vn-225", case)
    assert row["provision"] == "vn/penal-code/225"
    assert "The later law is more lenient" in row["notes"]
    assert "lex mitior" in row["notes"]
    assert "The later law" not in _row("vn-225", {**case, "offence_date": "2018-06-01"})[
        "notes"]


def test_an_amount_in_another_currency_names_its_rate_in_its_row() -> None:
    """The CSV row of ``10000 USD`` under a VND law showed the converted figure in its
    reasons with no rate, date or source; one near a boundary lost its warning."""
    text = ("id,offender,offence_date,illicit_profit\nA,person,2018-03-19,10000 USD\n"
            "B,person,2018-03-19,2225.88255 USD\nC,person,2018-03-19,10001 USD\n"
            "D,person,2018-03-19,250000000\n")
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO(text), sink, "vn-225"))
    notes = {r["id"]: r["notes"] for r in csv.DictReader(io.StringIO(sink.getvalue()))}
    assert ("Input: illicit_profit: USD 10,000 = VND 224,630,000 at 22,463 VND per USD "
            "(IMF monthly end-of-period USD→VND, 2018-02") in notes["A"]
    assert "USD 10,001 = VND 224,652,463" in notes["C"]
    assert "It lies within the rate's own precision of VND 50,000,000" in notes["B"]
    assert "Input:" not in notes["D"]


def test_the_rule_between_principal_penalties_is_in_the_row() -> None:
    """India s.63 imposes imprisonment and a fine together; a CSV row of both cells could
    not say whether one or all apply."""
    row = _row("in-63", {"offender": "person", "offence_date": "2019-05-01"})
    assert "principal penalties, all of: imprisonment, fine" in row["notes"]
    assert "principal penalties, one or more: imprisonment, fine" in _row("cn-217", CHINA)[
        "notes"]
    assert "principal penalties" not in _row("gdpr-83", GDPR)["notes"]  # one kind


def test_a_batch_dates_the_input_rate_as_assess_does(tmp_path: Path) -> None:
    """``batch`` had no ``--input-rate-date``: a batch could not reproduce an ``assess``
    whose amount in another currency was converted at another date's rate."""
    import pandas

    from penalties import assess_frame, assess_many

    case = {"id": "A", "offender": "person", "offence_date": "2018-03-19",
            "illicit_profit": "2225.88255 USD"}
    day = date(2019, 6, 1)
    single = assess("vn-225", {k: v for k, v in case.items() if k != "id"},
                    input_rate_date=day)
    assert single.inputs[0].rate.asked_for == day
    [many] = assess_many([case], "vn-225", input_rate_date=day)
    assert many.assessment is not None
    assert many.assessment.to_dict() == single.to_dict()
    frame = assess_frame(pandas.DataFrame([case]), "vn-225", input_rate_date=day)
    assert frame["tier"].iloc[0] == single.tier.id  # type: ignore[union-attr]
    path = tmp_path / "cases.csv"
    path.write_text(",".join(case) + "\n" + ",".join(case.values()) + "\n", encoding="utf-8")
    for form in ("csv", "jsonl"):
        out = tmp_path / f"out.{form}"
        found = runner.invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", str(out),
                                    "--input-rate-date", "2019-06-01"])
        assert found.exit_code == EXIT_OK, found.output
        assert "asked for 2019-06-01" in out.read_text(encoding="utf-8")
    before = runner.invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", "-"])
    assert "asked for 2018-03-19" in before.output
