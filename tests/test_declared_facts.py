"""A fact that a statute file declares (issue 11, item 8): a new jurisdiction with a new fact is
a new file, not new code. The fact is accepted from Python, as ``--fact NAME=VALUE`` and as a
batch column, and read and checked by the one reader, with the same error on every path."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_SOME_ROWS_FAILED, app
from penalties import Catalog, InvalidFacts, assess, assess_many, csv_to_csv

Writer = Callable[..., Path]
SEATS_ERROR = "seats: 20000 is out of range (allowed: 1 to 10000)"


@pytest.fixture
def seats_statute(write_statute: Writer, statute_data: dict[str, Any]) -> Path:
    """The test statute, with a tier for venues of 100 seats or more, on a fact ``seats``
    that the vocabulary lacks and the file declares."""
    statute_data["facts"] = [{
        "name": "seats", "kind": "count", "min": 1, "max": 10_000,
        "help": "Seats of the venue.", "description": "the number of seats of the venue"}]
    tier = statute_data["versions"][0]["tiers"][0]
    tier["when"] = {"any": [tier["when"]["any"][0],
                            {"quantity": "seats", "from": 100, "point": "b"}]}
    return write_statute(statute_data).parent


def _catalog(directory: Path) -> Catalog:
    return Catalog([directory], builtin=False, use_env=False)


def test_from_python(seats_statute: Path) -> None:
    catalog = _catalog(seats_statute)
    case = {"offender": "person", "offence_date": "2019-01-01"}
    assert assess("xx-1", {**case, "seats": 150}, catalog=catalog).tier is not None
    assert assess("xx-1", {**case, "seats": "99"}, catalog=catalog).tier is None
    with pytest.raises(InvalidFacts) as error:
        assess("xx-1", {**case, "seats": 20_000}, catalog=catalog)
    assert str(error.value).startswith(SEATS_ERROR)
    assert error.value.field == "seats"
    # The provision's vocabulary knows the fact, with its kind and description.
    fact = catalog.get("xx-1").vocabulary.facts["seats"]
    assert (fact.kind, fact.description) == ("count", "the number of seats of the venue")
    # Another catalogue, without the file, does not.
    with pytest.raises(InvalidFacts, match="seats"):
        assess("vn-225", {**case, "seats": 150})


def test_from_the_command_line(seats_statute: Path) -> None:
    runner = CliRunner()
    base = ["assess", "xx-1", "--offence-date", "2019-01-01", "--json"]
    # --statutes before or after the command.
    for args in (["--statutes", str(seats_statute), *base, "--fact", "seats=150"],
                 [*base, "--fact", "seats=150", "--statutes", str(seats_statute)]):
        result = runner.invoke(app, args)
        assert result.exit_code == EXIT_OK, result.stderr
        document = json.loads(result.stdout)
        assert document["tier"]["id"] == "1"
        assert document["facts"]["seats"] == 150
    result = runner.invoke(app, [*base, "--fact", "seats=20000", "--statutes", str(seats_statute)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert result.stderr.startswith(f"penalties: error: {SEATS_ERROR}")
    assert result.stderr.count("\n") == 1
    result = runner.invoke(app, [*base, "--fact", "seats", "--statutes", str(seats_statute)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "is not NAME=VALUE" in result.stderr
    result = runner.invoke(app, [*base, "--fact", "rooms=3", "--statutes", str(seats_statute)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "rooms" in result.stderr


def test_as_a_batch_column(seats_statute: Path) -> None:
    catalog = _catalog(seats_statute)
    text = ("id,offender,offence_date,seats\n"
            "a,person,2019-01-01,150\nb,person,2019-01-01,20000\nc,person,2019-01-01,99\n")
    results = list(assess_many(csv.DictReader(io.StringIO(text)), "xx-1", catalog=catalog))
    assert [r.assessment.tier.id if r.assessment and r.assessment.tier else None
            for r in results] == ["1", None, None]
    assert results[1].error is not None
    assert results[1].error.startswith(SEATS_ERROR)
    out = io.StringIO()
    errors = [e for _, chunk in csv_to_csv(io.StringIO(text), out, "xx-1", catalog=catalog)
              for e in chunk]
    assert [row for row, _ in errors] == [2]
    assert errors[0][1] == results[1].error


def test_as_a_batch_column_on_the_command_line(seats_statute: Path, tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("offender,offence_date,seats\nperson,2019-01-01,150\n"
                     "person,2019-01-01,20000\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(cases), "--provision", "xx-1", "-o",
                                      str(output), "--skip-invalid", "--statutes",
                                      str(seats_statute)])
    assert result.exit_code == EXIT_SOME_ROWS_FAILED
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["tier"]["id"] == "1"
    assert rows[1]["error"].startswith(SEATS_ERROR)


def test_help_lists_the_fact_option_and_h_works() -> None:
    result = CliRunner().invoke(app, ["assess", "-h"])
    assert result.exit_code == EXIT_OK
    assert "--fact" in result.stdout
    assert "NAME=VALUE" in result.stdout


def test_the_facts_document_gives_the_command_line_form_of_a_declared_fact(
        seats_statute: Path) -> None:
    """A fresh user's finding (2026-12-03): ``GET /facts`` said ``"option": "seats"`` for a
    declared fact, but the command line has no ``--seats``: it takes ``--fact seats=150``."""
    from fastapi.testclient import TestClient

    from penalties import web

    client = TestClient(web.create_app(catalog=_catalog(seats_statute)))
    document = client.get("/facts", params={"provision": "xx-1"}).json()
    options = {f["name"]: f["option"] for f in document["facts"]}
    assert options["seats"] == "fact seats=VALUE"
    assert options["offence_date"] == "offence-date"
