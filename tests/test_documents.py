"""The ``--json`` documents and their published JSON Schemas (issue 15, item 5): every document
the command line prints, and every README example of one, is valid against the schema made
from the types its ``to_dict()`` is declared to return, and carries ``schema_version`` 1.

A document is checked with pydantic, strictly (no coercion), against the same types the
schema is made from, and also against the published JSON Schema itself with ``jsonschema``
when that package is installed (it is not a dependency of the project).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import penalties
from cli import app
from penalties import InvalidInput, PenaltyError
from penalties._documents import (
    DOCUMENTS,
    MarginChangeDocument,
    MarginDocument,
    document_adapter,
    result_schema,
)
from penalties.statutes._catalog import default_catalog
from rates.errors import RateError

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
NAMES = ("assess", "batch-row", "compare", "convert", "map", "thresholds")
#: The documents a command prints with --json, named as the command (batch rows are lines
#: of ``penalties batch``'s output).
PRINTED = ("assess", "compare", "convert", "map", "thresholds")
runner = CliRunner()


def _jsonschema() -> Any:
    """The ``jsonschema`` package, if it is installed."""
    if importlib.util.find_spec("jsonschema") is None:
        return None
    return importlib.import_module("jsonschema")


def _json_schema_validator(name: str) -> Any:
    jsonschema = _jsonschema()
    return None if jsonschema is None else jsonschema.Draft202012Validator(result_schema(name))


def check(name: str, document: object) -> None:
    """``document`` (as JSON gives it back) is valid against the schema ``name``."""
    document = json.loads(json.dumps(document, ensure_ascii=False))
    assert isinstance(document, dict)
    assert document["schema_version"] == 1
    document_adapter(name).validate_python(document, strict=True)
    validator = _json_schema_validator(name)
    if validator is not None:
        validator.validate(document)


def printed(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the schemas ----------------------------------------------------------------------


def test_every_document_has_a_schema() -> None:
    assert tuple(sorted(DOCUMENTS)) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_a_schema_is_json_schema_made_from_the_types(name: str) -> None:
    schema = result_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == DOCUMENTS[name]
    assert schema["description"]
    json.dumps(schema)  # plain JSON
    tops = [schema] if "properties" in schema else [
        schema["$defs"][ref["$ref"].rsplit("/", 1)[1]] for ref in schema["anyOf"]]
    for top in tops:
        assert top["properties"]["schema_version"] == {"const": 1, "type": "integer"}
        assert "schema_version" in top["required"]
        assert top["additionalProperties"] is False
    for part in schema.get("$defs", {}).values():
        assert part["additionalProperties"] is False, part["title"]
    jsonschema = _jsonschema()
    if jsonschema is not None:
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_assessment_schema_names_every_key_of_its_type() -> None:
    from penalties._documents import AssessmentDocument

    schema = result_schema("assess")
    assert list(schema["properties"]) == list(AssessmentDocument.__annotations__)
    assert "conversion" not in schema["required"]  # only when converted
    assert schema["properties"]["tier"]["anyOf"][1] == {"type": "null"}


def test_an_unknown_document_is_refused_with_the_names_allowed() -> None:
    with pytest.raises(InvalidInput, match=r"'nope' is not a document \(allowed: assess, "
                                           r"batch-row, compare, convert, map, thresholds\)"):
        result_schema("nope")


def test_a_schema_refuses_what_its_document_does_not_hold() -> None:
    document = printed("convert", "1000000000 VND", "--to", "USD", "--on", "2018-03-19")
    check("convert", document)
    for wrong in ({**document, "extra": 1}, {**document, "schema_version": 2},
                  {k: v for k, v in document.items() if k != "schema_version"},
                  {**document, "unrounded": 44517.65},
                  {**document, "converted": {"amount": "1", "currency": "USD", "x": 1}}):
        with pytest.raises(ValidationError):
            document_adapter("convert").validate_python(wrong, strict=True)


def test_making_no_schema_loads_no_validation_library() -> None:
    code = ("import sys, penalties, rates, penalties._documents, rates.model; "
            "print(sorted(m for m in ('pydantic', 'typing_extensions') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


# -- what the command line prints -----------------------------------------------------

ASSESSED = {
    "converted": ["vn/penal-code/225", "--offender", "entity", "--profit", "250000000",
                  "--offence-date", "2018-03-19", "--to", "USD"],
    "input-in-another-currency": ["vn-225", "--offender", "person", "--profit",
                                  "2225.88255 USD", "--offence-date", "2018-03-19"],
    "input-and-cross-rate": ["vn-225", "--offender", "person", "--profit", "2225.88255 USD",
                             "--offence-date", "2018-03-19", "--to", "EUR"],
    "unrounded": ["eu/gdpr/83", "--offender", "entity", "--turnover", "2000000000 USD",
                  "--act", "83-5-a", "--offence-date", "2019-05-01", "--to", "USD"],
    "no-tier": ["vn-225", "--profit", "1000", "--offence-date", "2018-03-19"],
    "not-liable": ["br/codigo-penal/184", "--offender", "entity", "--offence-date",
                   "2025-06-01"],
    "law-choice": ["vn-225", "--commercial-scale", "--times", "3", "--offence-date",
                   "2016-06-01", "--trial-date", "2019-01-01"],
    "ignored-facts": ["vn-225", "--organised", "--commercial-scale", "--prior-conviction",
                      "--prior-admin-penalty", "--offence-date", "2018-12-01"],
}


@pytest.mark.parametrize("case", ASSESSED)
def test_assess_prints_a_valid_document(case: str) -> None:
    args = ASSESSED[case]
    document = printed("assess", *args)
    check("assess", document)
    if "--to" in args:
        assert document["conversion"]["to"] == args[args.index("--to") + 1]


def test_the_cases_of_interest_are_what_they_say() -> None:
    assert printed("assess", *ASSESSED["input-in-another-currency"])["inputs"]
    assert printed("assess", *ASSESSED["no-tier"])["tier"] is None
    assert printed("assess", *ASSESSED["not-liable"])["liable"] is False
    assert printed("assess", *ASSESSED["law-choice"])["law_choice"]


@pytest.mark.parametrize("args", [
    ["--all", "--offender", "person", "--profit", "10000 USD", "--commercial-scale",
     "--professional", "--offence-date", "2025-06-02", "--to", "USD"],
    # with its currency: a bare amount would be read as VND, CNY, RUB... (refused)
    ["--all", "--offender", "entity", "--profit", "250000000 VND", "--offence-date",
     "2019-05-01"],
    ["vn-225", "fr/cpi/l335-2", "eu/gdpr/83", "--offender", "entity", "--profit", "250000000",
     "--commercial-scale", "--act", "83-5-a", "--offence-date", "2019-05-01", "--to", "USD"],
], ids=["all-to-USD", "all-in-their-currencies", "three"])
def test_compare_prints_a_valid_document(args: list[str]) -> None:
    document = printed("compare", *args)
    check("compare", document)
    assert document["results"]
    for result in document["results"]:
        assert result["schema_version"] == 1  # each is an assess document


@pytest.mark.parametrize("args", [["vn-225", "--in", "USD"], ["vn-225", "--on", "2018-03-19"],
                                  ["fr/cpi/l335-2", "--in", "VND"], ["eu/gdpr/83"]])
def test_thresholds_prints_a_valid_document(args: list[str]) -> None:
    check("thresholds", printed("thresholds", *args))


@pytest.mark.parametrize("args", [["1000000000 VND", "--to", "USD", "--on", "2018-03-19"],
                                  ["1000 JPY", "--to", "VND", "--on", "2018-03-19"],
                                  ["12.345 EUR", "--to", "EUR"]])
def test_convert_prints_a_valid_document(args: list[str]) -> None:
    check("convert", printed("convert", *args))


@pytest.mark.parametrize(("facts", "vary", "to"), [
    ({"offender": "entity", "offence_date": "2018-03-19"}, "illicit_profit", "USD"),
    ({"offender": "person", "offence_date": "2018-03-19", "organised": True}, "profit", None),
    ({"offender": "person", "offence_date": "2019-05-01"}, "times", None),
])
def test_a_tier_map_is_a_valid_document(facts: dict[str, Any], vary: str,
                                        to: str | None) -> None:
    check("map", penalties.tier_map("vn-225", facts, vary, to=to).to_dict())


def test_a_margin_is_what_its_type_says() -> None:
    result = penalties.assess("vn-225", {"offender": "person", "illicit_profit": "60000000",
                                         "offence_date": "2019-06-01"})
    found = penalties.margins(result, to="USD")
    assert found
    check("assess", result.to_dict(found))  # the document of assess --json, margins in
    for margin in found:
        document = margin.to_dict()
        assert set(document) == MarginDocument.__required_keys__
        assert document["changes"]
        for change in document["changes"]:
            assert set(change) == MarginChangeDocument.__required_keys__


# -- every shipped provision ------------------------------------------------------------


def test_every_golden_case_gives_a_valid_assessment() -> None:
    """The facts of every golden case of every shipped statute, in its currency and in
    USD: every shape of result the data has (per-item ranges, months from a factor,
    reasons with a rule, results with no tier or no liability)."""
    checked = 0
    for statute in default_catalog():
        for case in statute.model.cases:
            for to in (None, "USD"):
                try:
                    document = penalties.assess(statute, case.facts, to=to).to_dict()
                except (PenaltyError, RateError):
                    continue  # a date no version covers; no rate
                check("assess", document)
                checked += 1
    assert checked > 500


def test_every_provision_gives_valid_thresholds_and_maps() -> None:
    for statute in default_catalog():
        for version in statute.model.versions:
            check("thresholds", penalties.thresholds(statute, version.effective_from).to_dict())
        with contextlib.suppress(RateError):  # a currency the snapshot has no USD rate for
            check("thresholds", penalties.thresholds(statute, None, "USD").to_dict())
        facts = next(c.facts for c in statute.model.cases if c.tier not in ("no-version",))
        name = next(f.name for f in statute.vocabulary if f.kind == "amount")
        try:
            found = penalties.tier_map(statute, facts, name, to="USD")
        except (PenaltyError, RateError):
            continue
        check("map", found.to_dict())


# -- batch rows -------------------------------------------------------------------------

CASES = """id,offender,offence_date,illicit_profit,organised,times
A-1,entity,2018-03-19,250000000,,
A-2,person,2019-06-01,60000000,true,
A-4,entity,2024-11-05,1200000000,,2
"""


def _batch_rows(tmp_path: Path, cases: str, *extra: str) -> list[Any]:
    (tmp_path / "cases.csv").write_text(cases, encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = runner.invoke(app, ["batch", str(tmp_path / "cases.csv"), "--provision", "vn-225",
                                 "-o", str(out), *extra])
    assert result.exit_code in (0, 4), result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_a_batch_row_assessed_is_a_valid_document(tmp_path: Path) -> None:
    rows = _batch_rows(tmp_path, CASES, "--to", "USD")
    assert [row["id"] for row in rows] == ["A-1", "A-2", "A-4"]
    for row in rows:
        check("batch-row", row)


def test_a_batch_row_in_error_is_a_valid_document(tmp_path: Path) -> None:
    rows = _batch_rows(tmp_path, CASES + "A-3,person,2019-06-01,lots,,\n", "--skip-invalid")
    (error,) = [row for row in rows if "error" in row]
    assert error["id"] == "A-3"
    check("batch-row", error)


# -- the README ---------------------------------------------------------------------------


def _readme_documents(text: str) -> list[tuple[str, str, str]]:
    """Each ``console`` example of ``text`` whose command has ``--json``: the document's
    name, the command, and what the example shows it print."""
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.MULTILINE):
            command, _, output = chunk.removeprefix("$ ").partition("\n")
            words = shlex.split(command) if chunk.startswith("$ ") else []
            if "--json" in words and len(words) > 1 and words[1] in PRINTED:
                found.append((words[1], command, output))
    return found


def _readme_examples() -> list[Any]:
    found = [pytest.param(name, shown, id=command[:70])
             for name, command, shown in _readme_documents(README)]
    return found or [pytest.param("", "", marks=pytest.mark.skip(
        reason="the README shows no --json document"))]


@pytest.mark.parametrize(("name", "shown"), _readme_examples())
def test_every_readme_json_example_is_valid(name: str, shown: str) -> None:
    check(name, json.loads(shown))


def test_the_readme_examples_are_found() -> None:
    args = ["convert", "1000000000 VND", "--to", "USD", "--on", "2018-03-19", "--json"]
    shown = json.dumps(printed(*args[:-1]), ensure_ascii=False, indent=2)
    text = (f"```console\n$ penalties {shlex.join(args)}\n{shown}\n$ penalties list\nvn-225\n"
            "```\n```console\n$ penalties assess vn-225 --profit ten\npenalties: error\n```\n")
    [(name, command, output)] = _readme_documents(text)
    assert (name, command) == ("convert", f"penalties {shlex.join(args)}")
    check(name, json.loads(output))
