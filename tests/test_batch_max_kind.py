"""The CSV output says what each maximum cell is (``fine_max_kind``...): an empty
``fine_max`` meant both "no fine" and "no maximum", and GDPR's "at least EUR 20 million"
was a plain ``fine_max`` with the floor only in the notes.

The facts are the statutes': GDPR Art. 83(5) sets "up to 20 000 000 EUR, or ... up to 4 %
of the total worldwide annual turnover ..., whichever is higher"; CDPA 1988 s.107(4)(b) "a
fine or imprisonment for a term not exceeding ten years or both" (no maximum fine); Penal
Code Art. 225 (Vietnam, 2017) fines an entity VND 300 million to 1 billion (225(5)(a)).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from penalties.batch._files import CSV_COLUMNS
from tests._cases import csv_of

runner = CliRunner()

KINDS = ("fine_max_kind", "statutory_damages_max_kind", "community_sentence_max_kind",
         "imprisonment_max_kind", "suspension_max_kind")


def _rows(tmp_path: Path, provision: str, cases: list[dict[str, str]]) -> list[dict[str, str]]:
    source = tmp_path / "cases.csv"
    source.write_text(csv_of(cases), encoding="utf-8")
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(source), "--provision", provision,
                                 "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))


def test_the_columns_are_there_in_order() -> None:
    at = CSV_COLUMNS.index("suspension_max_months") + 1
    assert CSV_COLUMNS[at:at + len(KINDS)] == KINDS


def test_a_maximum_that_is_only_a_floor_says_so(tmp_path: Path) -> None:
    rows = _rows(tmp_path, "gdpr-83", [
        {"id": "no turnover", "offender": "entity", "act": "83-5-a", "turnover": "",
         "offence_date": "2024-01-01"},
        {"id": "turnover", "offender": "entity", "act": "83-5-a",
         "turnover": "1000000000 EUR", "offence_date": "2024-01-01"}])
    assert [(r["fine_max"], r["fine_max_kind"]) for r in rows] == [
        ("20000000.00", "floor"), ("40000000.00", "limit")]


def test_no_maximum_is_not_no_fine(tmp_path: Path) -> None:
    rows = _rows(tmp_path, "uk-cdpa-107", [
        {"id": "1", "offender": "person", "act": "107-1-a", "procedure": "indictment",
         "offence_date": "2024-01-01"}])
    (row,) = rows
    assert (row["fine_max"], row["fine_max_kind"]) == ("", "none")
    assert (row["imprisonment_max_months"], row["imprisonment_max_kind"]) == ("120", "limit")
    assert row["statutory_damages_max_kind"] == row["suspension_max_kind"] == ""


def test_a_row_without_a_tier_has_no_kinds(tmp_path: Path) -> None:
    rows = _rows(tmp_path, "vn-225", [
        {"id": "1", "offender": "entity", "illicit_profit": "250000000",
         "offence_date": "2018-03-19"},
        {"id": "2", "offender": "person", "illicit_profit": "10000000",
         "offence_date": "2018-03-19"}])
    assert [r["fine_max_kind"] for r in rows] == ["limit", ""]
    assert all(rows[1][k] == "" for k in KINDS)
