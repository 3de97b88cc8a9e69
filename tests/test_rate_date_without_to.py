"""``rate_date`` without ``to`` is refused by every interface, by one rule
(:func:`penalties.assessment._conversion.rate_day`).

Session of 2026-12-03 (sixth): the HTTP API refused it and the command line noted it, but
``penalties.assess``, ``compare``, ``tier_map``, ``thresholds``, the batch functions and
``penalties batch --rate-date`` accepted it and ignored it without a word: a conversion
date that seemed to have been used when nothing was converted.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

import penalties
from cli import EXIT_BAD_INPUT, app
from penalties import InvalidInput

CASE = {"offender": "entity", "illicit_profit": "250000000", "offence_date": "2018-03-19"}
CSV = "offender,illicit_profit,offence_date\nentity,250000000,2018-03-19\n"
runner = CliRunner()


def _batch(**options: Any) -> None:
    sink = io.StringIO()
    for _ in penalties.csv_to_csv(io.StringIO(CSV), sink, "vn-225", **options):
        pass


CALLS: dict[str, Callable[..., object]] = {
    "assess": lambda **o: penalties.assess("vn-225", CASE, **o),
    "compare": lambda **o: penalties.compare(["vn-225"], CASE, **o),
    "tier_map": lambda **o: penalties.tier_map("vn-225", CASE, "illicit_profit", **o),
    "thresholds": lambda **o: penalties.thresholds("vn-225", **o),
    "assess_many": lambda **o: list(penalties.assess_many([CASE], "vn-225", **o)),
    "csv_to_csv": _batch,
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_the_library_refuses_a_rate_date_with_nothing_to_convert(name: str) -> None:
    with pytest.raises(InvalidInput, match=r"^rate_date: is given but nothing is converted "
                       r"\(give to\)") as info:
        CALLS[name](rate_date="2019-01-02")
    assert info.value.field == "rate_date"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_with_to_the_rate_date_chooses_the_rate(name: str) -> None:
    CALLS[name](rate_date="2019-01-02", to="USD")  # accepted


def test_the_rate_date_is_the_rate_s_date() -> None:
    found = penalties.assess("vn-225", CASE, to="USD", rate_date="2019-01-02")
    assert found.rate is not None
    assert found.rate.asked_for.isoformat() == "2019-01-02"


@pytest.mark.parametrize("args", [
    ["assess", "vn-225", "--offender", "entity", "--profit", "250000000"],
    ["compare", "vn-225", "cn-217", "--offender", "entity", "--profit", "250000000 VND"],
    ["map", "vn-225", "--vary", "profit", "--offender", "entity"],
    ["thresholds", "vn-225"],
])
def test_the_command_line_refuses_it_naming_its_options(args: list[str]) -> None:
    found = runner.invoke(app, [*args, "--rate-date", "2019-01-02"])
    assert found.exit_code == EXIT_BAD_INPUT, found.output
    expected = "--in" if args[0] == "thresholds" else "--to"
    assert found.output.strip() == (
        f"penalties: error: --rate-date: is given but nothing is converted (give {expected}) "
        f"(allowed: --rate-date together with {expected}, or neither)")


def test_penalties_batch_refuses_it_before_reading_a_row(tmp_path: Any) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CSV, encoding="utf-8")
    out = tmp_path / "out.csv"
    found = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o", str(out),
                                "--rate-date", "2019-01-02"])
    assert found.exit_code == EXIT_BAD_INPUT, found.output
    assert "--rate-date: is given but nothing is converted (give --to)" in found.output
    assert not out.exists()
