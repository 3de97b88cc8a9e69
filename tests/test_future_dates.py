"""An offence date after today is said (session of 2026-12-03, third): the law applied is
the version known now to be in force on that date, which a later amendment may change, and
a mistyped year (2081 for 2018) would otherwise pass unremarked. "Today" is the one the
assessment uses (``today=``; a batch pins its own once)."""

from __future__ import annotations

import csv
import io
from datetime import date

from typer.testing import CliRunner

from cli import app
from penalties import assess, assess_many
from penalties.batch._streams import csv_to_csv

FACTS = {"offender": "entity", "illicit_profit": "250000000"}
TODAY = date(2026, 12, 3)


def _said(notes: tuple[str, ...] | list[str] | str) -> bool:
    return "after today" in " ".join(notes) if not isinstance(notes, str) else (
        "after today" in notes)


def test_an_offence_after_today_is_said_and_one_before_or_on_it_is_not() -> None:
    later = assess("vn-225", {**FACTS, "offence_date": "2027-01-01"}, today=TODAY)
    assert _said(later.notes)
    assert later.date_basis == "offence_date"
    assert "after today" in " ".join(later.to_dict()["notes"])
    for day in ("2026-12-03", "2026-12-02"):
        assert not _said(assess("vn-225", {**FACTS, "offence_date": day}, today=TODAY).notes)
    # the same facts and date, on a later "today": no longer after it
    assert not _said(assess("vn-225", {**FACTS, "offence_date": "2027-01-01"},
                            today=date(2027, 1, 1)).notes)
    # a case without an offence date is dated today: never after it
    assert not _said(assess("vn-225", FACTS, today=TODAY).notes)


def test_a_batch_says_it_of_each_row_after_its_one_today() -> None:
    rows = [{**FACTS, "offence_date": day} for day in ("2026-12-02", "2027-01-01",
                                                        "2026-12-03", "2027-06-30")]
    found = [r.assessment for r in assess_many(rows, "vn-225", today=TODAY)]
    assert [_said(a.notes) for a in found if a] == [False, True, False, True]
    text = "offender,illicit_profit,offence_date\n" + "".join(
        f"entity,250000000,{r['offence_date']}\n" for r in rows)
    out = io.StringIO()
    list(csv_to_csv(io.StringIO(text), out, "vn-225", today=TODAY))
    assert [_said(r["notes"]) for r in csv.DictReader(io.StringIO(out.getvalue()))] == [
        False, True, False, True]


def test_the_command_line_says_it() -> None:
    found = CliRunner().invoke(app, ["assess", "vn-225", "--offender", "entity", "--profit",
                                     "250000000", "--offence-date", "2099-03-19"])
    assert found.exit_code == 0, found.output
    assert "after today" in found.output


def test_maps_and_comparisons_say_it_too() -> None:
    """A reviewer's finding (2026-12-03): tier maps (Python, ``penalties map``, ``POST
    /map``) and the human output of ``penalties compare`` did not say it."""
    from fastapi.testclient import TestClient

    from penalties import tier_map, web

    later = {"offender": "entity", "offence_date": "2099-03-19"}
    found = tier_map("vn-225", later)
    assert _said(found.notes)
    assert _said(found.to_dict()["notes"])
    assert "notes" not in tier_map("vn-225", {**later, "offence_date": "2018-03-19"}).to_dict()
    answer = TestClient(web.create_app()).post("/map", json={"provision": "vn-225",
                                                             "facts": later})
    assert _said(answer.json()["notes"])
    for command in (["map", "vn-225"], ["compare", "vn-225", "vn-226"]):
        shown = CliRunner().invoke(app, [*command, "--offender", "entity", "--offence-date",
                                         "2099-03-19"])
        assert shown.exit_code == 0, shown.output
        assert shown.output.count("after today") == 1, shown.output


def test_the_law_says_why_first_and_the_date_after() -> None:
    """A reviewer's finding (2026-12-03): with the note first, ``penalties compare`` showed
    "not liable: The offence date is after today..." and lost the reason (OWiG § 30: no
    corporate criminal liability)."""
    found = assess("de-urhg-106", {"offender": "entity", "offence_date": "2099-03-19"})
    assert not found.liable
    assert "OWiG" in found.notes[0]
    assert _said(found.notes[-1])
    shown = CliRunner().invoke(app, ["compare", "de-urhg-106", "vn-225", "--offender",
                                     "entity", "--offence-date", "2099-03-19"])
    assert "de/urhg/106: not liable: A legal person" in shown.output
    assert shown.output.count("after today") == 1
