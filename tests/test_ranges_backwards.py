"""A statute file whose modifiers or caps make a range backwards, or whose modifiers repeat.

A fresh user's test (2026-12-03) wrote files that ``validate`` passed and ``assess`` then
answered from: a cap of 10 under a tier's minimum of 50 printed "fine 50 to 10", a ×5 on
``fine.min`` printed 100 to 40. A cap binds both ends of a range; a modifier that lifts a
minimum above its maximum makes no range a law sets, so the file is at fault, and the
answer says so instead of printing it. Two modifiers of the same factor and citation
printed one "× 2" line for a maximum multiplied by 4.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

from cli import app
from penalties import Catalog, StatuteFileError, assess
from penalties.statutes._loader import load_statute

CITATION = {"article": "9", "quote": "q", "translation": "t", "source": "s",
            "confidence": "C"}
ORGANISED = {"offender": "person", "organised": True, "offence_date": "2020-01-01"}


def _written(data: dict[str, Any], tmp_path: Path) -> Catalog:
    path = tmp_path / "statute.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return Catalog([tmp_path], builtin=False, use_env=False)


def _modifier(ident: str, factor: str, *targets: str, **more: Any) -> dict[str, Any]:
    return {"id": ident, "factor": int(factor), "applies_to": list(targets),
            "citation": CITATION, **more}


def test_a_cap_under_the_minimum_binds_the_minimum_too(tmp_path: Path,
                                                       statute_data: dict[str, Any]) -> None:
    """A cap of 10 under a tier's minimum of 20 printed "fine 20 to 10". No fine may exceed
    the cap, the least one neither: the range is 10 to 10, and its basis says so. (A
    reviewer's test: a per-count total cap is reached by large counts only, so calling the
    file at fault would blame a valid file for one case.)"""
    statute_data["versions"][0]["caps"] = [{"subject": "person", "kind": "fine", "max": 10,
                                            "citation": CITATION}]
    catalog = _written(statute_data, tmp_path)
    [fine, _] = assess("xx-1", ORGANISED, catalog=catalog).principal
    assert (fine.low.exact, fine.high.exact) == (10, 10)  # type: ignore[union-attr]
    assert "minimum capped at VND 10 (9 [C])" in fine.basis
    found = CliRunner().invoke(app, ["assess", "xx-1", "--offender", "person", "--organised",
                                     "--offence-date", "2020-01-01", "--statutes",
                                     str(tmp_path)])
    assert found.exit_code == 0, found.output


def test_a_total_cap_under_count_times_the_least_binds_the_minimum(
        tmp_path: Path, statute_data: dict[str, Any]) -> None:
    tier = statute_data["versions"][0]["tiers"][1]
    tier["principal"] = [{"kind": "fine", "min": 20, "max": 40, "per": "times",
                          "total_max": 100}]
    result = assess("xx-1", {**ORGANISED, "times": 10}, catalog=_written(statute_data,
                                                                          tmp_path))
    [fine] = result.principal
    assert (fine.low.exact, fine.high.exact) == (100, 100)  # type: ignore[union-attr]
    assert "total minimum capped at VND 100" in fine.basis


@pytest.mark.parametrize(("target", "factor", "low", "high"), [
    ("fine.min", "5", "VND 100", "VND 40"),
    ("imprisonment.min", "10", "60 months", "36 months")])
def test_a_modifier_that_lifts_a_minimum_above_its_maximum_is_the_files_error(
        tmp_path: Path, statute_data: dict[str, Any], target: str, factor: str, low: str,
        high: str) -> None:
    statute_data["versions"][0]["modifiers"] = [
        _modifier("m", factor, target, when={"fact": "organised"})]
    catalog = _written(statute_data, tmp_path)
    with pytest.raises(StatuteFileError, match=f"minimum {low} is above its maximum {high}"):
        assess("xx-1", ORGANISED, catalog=catalog)
    calm = assess("xx-1", {**ORGANISED, "organised": False, "illicit_profit": "250"},
                  catalog=catalog)  # the modifier does not apply: the range stands
    assert calm.tier is not None


def test_two_modifiers_of_one_factor_and_citation_are_both_said(
        tmp_path: Path, statute_data: dict[str, Any]) -> None:
    statute_data["versions"][0]["modifiers"] = [
        _modifier("a", "2", "fine.max"), _modifier("b", "2", "fine.max")]
    result = assess("xx-1", ORGANISED, catalog=_written(statute_data, tmp_path))
    fine = result.principal[0]
    assert fine.high is not None
    assert fine.high.exact == 160  # 40 × 2 × 2
    assert sum(line.startswith("× 2: ") for line in fine.basis) == 2


def test_one_modifier_on_both_bounds_is_said_once(tmp_path: Path,
                                                  statute_data: dict[str, Any]) -> None:
    statute_data["versions"][0]["modifiers"] = [_modifier("a", "2", "fine.min", "fine.max")]
    result = assess("xx-1", ORGANISED, catalog=_written(statute_data, tmp_path))
    fine = result.principal[0]
    assert (fine.low.exact, fine.high.exact) == (40, 80)  # type: ignore[union-attr]
    assert sum(line.startswith("× 2: ") for line in fine.basis) == 1


def test_a_modifier_id_used_twice_is_refused_when_the_file_loads(
        tmp_path: Path, statute_data: dict[str, Any]) -> None:
    statute_data["versions"][0]["modifiers"] = [
        _modifier("a", "2", "fine.max"), _modifier("a", "3", "fine.max")]
    path = tmp_path / "statute.toml"
    path.write_text(tomli_w.dumps(statute_data), encoding="utf-8")
    with pytest.raises(StatuteFileError, match=r"modifiers\[1\]\.id: modifier id 'a' is "
                       "used twice"):
        load_statute(path)


@pytest.mark.parametrize("table", ["modifiers", "caps"])
def test_a_modifier_or_cap_for_a_subject_the_file_lacks_is_refused(
        tmp_path: Path, statute_data: dict[str, Any], table: str) -> None:
    statute_data["subjects"] = statute_data["subjects"][:1]  # persons only
    statute_data["versions"][0]["tiers"] = statute_data["versions"][0]["tiers"][:2]
    statute_data["versions"][0][table] = [
        _modifier("a", "2", "fine.max", subject="entity") if table == "modifiers" else
        {"subject": "entity", "kind": "fine", "max": 100, "citation": CITATION}]
    path = tmp_path / "statute.toml"
    path.write_text(tomli_w.dumps(statute_data), encoding="utf-8")
    with pytest.raises(StatuteFileError, match=rf"{table}\[0\]\.subject: 'entity' is not in "
                       "the file's subjects"):
        load_statute(path)


def test_a_minimum_above_a_maximum_that_is_only_a_floor_is_no_error(
        tmp_path: Path, statute_data: dict[str, Any]) -> None:
    """A maximum left at one of its terms for want of the other's fact is only a floor of
    the law's (``high_is_floor``): a minimum above it is no backwards range."""
    tier = statute_data["versions"][0]["tiers"][1]
    tier["principal"] = [{"kind": "fine", "min": {"fact": "illicit_profit", "times": 2},
                          "max": {"greatest_of": [{"amount": 10},
                                                  {"fact": "damage", "times": 3}]}}]
    result = assess("xx-1", {**ORGANISED, "illicit_profit": "250"},
                    catalog=_written(statute_data, tmp_path))
    [fine] = result.principal
    assert fine.high_is_floor
    assert (fine.low.exact, fine.high.exact) == (500, 10)  # type: ignore[union-attr]


def test_a_cap_does_not_hide_a_modifier_that_makes_a_range_backwards(
        tmp_path: Path, statute_data: dict[str, Any]) -> None:
    """A reviewer's test (2026-12-03): with a cap of 30, a ×5 on ``fine.min`` (100 against a
    maximum of 40) printed "fine 30 to 30", since the cap bound both ends first."""
    statute_data["versions"][0]["modifiers"] = [
        _modifier("m", "5", "fine.min", when={"fact": "organised"})]
    statute_data["versions"][0]["caps"] = [{"subject": "person", "kind": "fine", "max": 30,
                                            "citation": CITATION}]
    with pytest.raises(StatuteFileError, match="minimum VND 100 is above its maximum VND 40"):
        assess("xx-1", ORGANISED, catalog=_written(statute_data, tmp_path))
