"""The options that mean one thing have one name across commands: ``thresholds`` takes
``--offence-date`` and ``--to`` as ``assess`` and ``map`` do (``--on`` and ``--in`` stay)."""

from __future__ import annotations

from typer.testing import CliRunner

from cli import EXIT_OK, app

runner = CliRunner()


def test_thresholds_takes_the_names_assess_uses() -> None:
    ours = runner.invoke(app, ["thresholds", "vn-225", "--offence-date", "2018-03-19",
                               "--to", "USD", "--json"])
    old = runner.invoke(app, ["thresholds", "vn-225", "--on", "2018-03-19", "--in", "USD",
                              "--json"])
    assert ours.exit_code == EXIT_OK, ours.output
    assert ours.output == old.output
    assert '"USD"' in ours.output
