"""Golden cases a statute author cannot rely on are refused, or said, before they are run.

``penalties validate`` accepted a case without an offence date (judged under the version in
force on the day it is run: it passes today and fails the day a new version takes effect),
two cases of one name (a failure is reported by name: which one failed?) and a file with no
case at all (reported as ``0 golden cases``, like any other count).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from penalties import StatuteFileError, load_statute

Writer = Callable[..., Path]
CASE = {"name": "profit 150", "facts": {"offender": "person", "illicit_profit": "150",
                                        "offence_date": "2020-01-01"}, "tier": "1"}


def problems(exc: StatuteFileError) -> dict[str, str]:
    return {p.location: p.message for p in exc.problems}


def test_a_golden_case_without_offence_date_is_refused(write_statute: Writer,
                                                       statute_data: dict[str, Any]) -> None:
    undated = {**CASE, "name": "undated", "facts": {"offender": "person",
                                                   "illicit_profit": "150"}}
    statute_data["cases"] = [CASE, undated]
    with pytest.raises(StatuteFileError) as info:
        load_statute(write_statute(statute_data))
    found = problems(info.value)
    assert list(found) == ["cases[1].facts.offence_date"]
    assert found["cases[1].facts.offence_date"].startswith(
        "is not given: the case would be judged under the version in force on the day it is "
        "run")
    result = CliRunner().invoke(app, ["validate", str(write_statute(statute_data))])
    assert result.exit_code == 2
    assert "cases[1].facts.offence_date: is not given" in result.output


def test_two_golden_cases_of_one_name_are_refused(write_statute: Writer,
                                                  statute_data: dict[str, Any]) -> None:
    other = {**CASE, "facts": {**CASE["facts"], "illicit_profit": "250"}, "tier": "2"}
    statute_data["cases"] = [CASE, other]
    with pytest.raises(StatuteFileError) as info:
        load_statute(write_statute(statute_data))
    assert problems(info.value) == {"cases[1].name": "'profit 150' is already the name of "
                                    "cases[0]; each golden case needs a name of its own"}
    statute_data["cases"] = [CASE, {**other, "name": "profit 250"}]
    assert len(load_statute(write_statute(statute_data)).model.cases) == 2


def test_validate_says_a_file_has_no_golden_case(write_statute: Writer,
                                                 statute_data: dict[str, Any]) -> None:
    path = write_statute(statute_data)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stdout == (f"ok   {path} (xx/test-code/1, no golden case: nothing checks it "
                             "against the law's text)\n")
    statute_data["cases"] = [CASE]
    one = write_statute(statute_data, "one.toml")
    result = CliRunner().invoke(app, ["validate", str(one)])
    assert result.stdout.endswith("(xx/test-code/1, 1 golden case)\n")
    report = json.loads(CliRunner().invoke(app, ["validate", str(path), "--json"]).stdout)
    assert report["files"][0]["cases"] == 0
