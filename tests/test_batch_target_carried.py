"""A batch's ``--to`` that its rate source does not carry is refused once, at the call.

Session of 2026-12-03 (sixth): ``penalties batch ... --to XAU`` read the file and failed on
its first row ("row 1: no rate for VND→XAU..."), or with ``--skip-invalid`` wrote the same
error on every row: the embedded snapshot did not say what it carries, so the check the
online sources get (:func:`rates.sources.require_carried`) did nothing for it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import penalties
from cli import EXIT_NO_DATA, app
from penalties.batch._rows import Assessor
from rates.errors import RateNotFound
from rates.sources import get_source

CSV = "offender,illicit_profit,offence_date\nentity,250000000,2018-03-19\n"
runner = CliRunner()


def test_the_snapshot_says_what_it_carries() -> None:
    snapshot = get_source("snapshot")
    carried = snapshot.currencies  # type: ignore[attr-defined]
    info = snapshot.info()  # type: ignore[attr-defined]
    for dataset in info.datasets:
        assert dataset.base in carried
        assert set(dataset.coverage) <= carried
    assert {"EUR", "USD", "VND", "DEM", "FRF"} <= carried  # DEM, FRF: the euro's fixed rates
    assert "XAU" not in carried


def test_a_target_the_snapshot_lacks_is_refused_before_any_row() -> None:
    with pytest.raises(RateNotFound, match=r"^XAU is not among the embedded snapshot's "
                       r"series; sources that carry it: none registered"):
        Assessor("vn-225", to="XAU")
    with pytest.raises(RateNotFound):
        list(penalties.assess_many(iter([]), "vn-225", to="XAU"))


def test_the_law_s_own_currency_needs_no_rate_from_any_source() -> None:
    Assessor("vn-225", to="VND", rate_source="ecb")  # nothing to convert


def test_penalties_batch_says_it_once(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CSV * 3, encoding="utf-8")
    out = tmp_path / "out.csv"
    found = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o", str(out),
                                "--to", "XAU", "--skip-invalid"])
    assert found.exit_code == EXIT_NO_DATA, found.output
    assert found.output.strip().count("\n") == 0
    assert "row " not in found.output
    assert "XAU is not among the embedded snapshot's series" in found.output
    assert not out.exists()


def test_a_target_the_ecb_lacks_names_the_sources_that_carry_it() -> None:
    with pytest.raises(RateNotFound, match=r"^VND is not among the ECB's reference rates; "
                       r"sources that carry it: snapshot \(IMF monthly"):
        Assessor("us-1204", to="VND", rate_source="ecb")
