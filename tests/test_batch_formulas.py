"""``penalties batch --escape-formulas``: CSV cells a spreadsheet would run as formulas are
written behind an apostrophe, on both CSV writers (CSV to CSV by columns; JSON Lines to
CSV row by row), header included; without the option every cell is written as given."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from penalties.batch._formulas import FORMULA_STARTS, neutral

HOSTILE = ['=HYPERLINK("http://example.com","x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


def _csv_input(path: Path) -> Path:
    lines = [["id", "offender", "illicit_profit", "offence_date", "=evil"]]
    lines += [[cell, "entity", "250000000", "2018-03-19", cell] for cell in HOSTILE]
    lines += [["plain", "entity", "60000000", "2018-03-19", "note"]]
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(lines)
    return path


def _jsonl_input(path: Path) -> Path:
    path.write_text("".join(json.dumps({"id": cell, "offender": "entity",
                                        "illicit_profit": "250000000",
                                        "offence_date": "2018-03-19"}) + "\n"
                            for cell in HOSTILE))
    return path


def _run(source: Path, out: Path, *options: str) -> list[list[str]]:
    found = CliRunner().invoke(app, ["batch", str(source), "--provision", "vn-225", "-o",
                                     str(out), *options])
    assert found.exit_code == 0, found.output
    with out.open(newline="") as written:
        return list(csv.reader(written))


@pytest.mark.parametrize("make", [_csv_input, _jsonl_input])
def test_every_cell_that_begins_as_a_formula_is_neutralised(tmp_path: Path, make: object) -> None:
    source = make(tmp_path / ("in.csv" if make is _csv_input else "in.jsonl"))  # type: ignore[operator]
    plain = _run(source, tmp_path / "plain.csv")
    escaped = _run(source, tmp_path / "escaped.csv", "--escape-formulas")
    assert len(plain) == len(escaped)
    for before, after in zip(plain, escaped, strict=True):
        assert after == [neutral(cell) for cell in before]
        assert not any(cell.startswith(FORMULA_STARTS) for cell in after)
    ids = [row[1] for row in escaped[1:len(HOSTILE) + 1]]
    assert ids == ["'" + cell for cell in HOSTILE]
    assert [row[1] for row in plain[1:len(HOSTILE) + 1]] == HOSTILE  # as given without it
    if make is _csv_input:
        assert escaped[0][-1] == "'=evil"  # a carried column's name
        assert [row[-1] for row in escaped[1:len(HOSTILE) + 1]] == ["'" + c for c in HOSTILE]


def test_the_results_own_cells_never_begin_as_a_formula(tmp_path: Path) -> None:
    """The option changes only cells that begin as formulas: on ordinary cases (every
    tier, a conversion, rows in error) the output is the same with it and without it."""
    source = tmp_path / "in.csv"
    source.write_text("id,offender,illicit_profit,offence_date,times\n"
                      "1,entity,250000000,2018-03-19,\n2,person,60000000,2018-03-19,\n"
                      "3,entity,3000000000,2018-03-19,2\n4,entity,x,2018-03-19,\n"
                      "5,person,1,2018-03-19,\n")
    options = ["--to", "USD", "--skip-invalid"]
    found = CliRunner().invoke(app, ["batch", str(source), "--provision", "vn-225", "-o",
                                     str(tmp_path / "a.csv"), *options])
    assert found.exit_code == 4, found.output
    CliRunner().invoke(app, ["batch", str(source), "--provision", "vn-225", "-o",
                             str(tmp_path / "b.csv"), "--escape-formulas", *options])
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()


def test_with_a_json_lines_output_the_option_is_said_to_be_unused(tmp_path: Path) -> None:
    source = _jsonl_input(tmp_path / "in.jsonl")
    found = CliRunner().invoke(app, ["batch", str(source), "--provision", "vn-225", "-o",
                                     str(tmp_path / "out.jsonl"), "--escape-formulas"])
    assert found.exit_code == 0, found.output
    assert "--escape-formulas is not used" in found.output
    ids = [json.loads(line)["id"] for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert ids == HOSTILE
