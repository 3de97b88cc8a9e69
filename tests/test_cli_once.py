"""An option given twice is an error naming it (exit 2, one line), never the last value
silently: ``--profit 250000000 ... --profit 60000000`` assessed sixty million, and
``--fact illicit_profit=1`` beside ``--profit`` won over it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli import EXIT_BAD_INPUT, EXIT_OK, app

runner = CliRunner()
CASE = ["assess", "vn-225", "--offender", "entity", "--offence-date", "2018-03-19"]


@pytest.mark.parametrize(("args", "named"), [
    ([*CASE, "--profit", "250000000 VND", "--profit", "60000000 VND"], "--profit is given 2"),
    ([*CASE, "--profit", "250000000 VND", "--prior-conviction", "--no-prior-conviction"],
     "--prior-conviction / --no-prior-conviction is given 2"),
    ([*CASE, "--profit", "1 VND", "--to", "USD", "--to=EUR"], "--to is given 2"),
    (["convert", "100 USD", "--to", "EUR", "--on", "2018-03-19", "--on", "2019-03-19"],
     "--on is given 2"),
    (["rates", "update", "--source", "ecb", "--start", "2018-01-01", "--end", "2018-01-02",
      "--start", "2018-01-02"], "--start is given 2"),
    ([*CASE, "--fact", "illicit_profit=1", "--profit", "250000000 VND"],
     "illicit_profit is given twice (by --profit too)"),
    ([*CASE, "--profit", "250000000 VND", "--fact", "illicit_profit=1"],
     "illicit_profit is given twice (by --profit too)"),
    ([*CASE, "--fact", "illicit_profit=1", "--fact", "illicit_profit=2"],
     "illicit_profit is given twice (by --fact too)"),
])
def test_an_option_given_twice_is_refused_naming_it(args: list[str], named: str) -> None:
    found = runner.invoke(app, args)
    assert found.exit_code == EXIT_BAD_INPUT, found.output
    assert named in found.output
    assert found.output.strip().count("\n") == 0


def test_options_that_take_several_values_still_repeat() -> None:
    found = runner.invoke(app, [*CASE, "--fact", "illicit_profit=250000000", "--fact",
                                "times=2"])
    assert found.exit_code == EXIT_OK, found.output
    assert "225(4)(c)" in found.output


def test_a_value_given_for_the_fact_a_map_varies_is_said_not_held() -> None:
    """``map --vary profit --profit 123`` dropped the 123 without a word."""
    found = runner.invoke(app, ["map", "vn-225", "--vary", "profit", "--profit", "123",
                                "--offender", "entity", "--offence-date", "2018-03-19"])
    assert found.exit_code == EXIT_OK, found.output
    assert "the illicit_profit given (123) is not held" in found.output
    quiet = runner.invoke(app, ["map", "vn-225", "--vary", "profit", "--offender", "entity",
                                "--offence-date", "2018-03-19"])
    assert "is not held" not in quiet.output


def test_rate_options_that_change_nothing_are_said() -> None:
    """``--rate-date`` (with ``--to`` the law's own currency), ``--input-rate-date`` and
    ``--source`` were accepted and ignored without a word when nothing was converted."""
    found = runner.invoke(app, [*CASE, "--profit", "100000000", "--to", "VND", "--rate-date",
                                "2019-01-01", "--input-rate-date", "2017-01-01", "--source",
                                "ecb"])
    assert found.exit_code == EXIT_OK, found.output
    for option in ("--rate-date 2019-01-01", "--source ecb"):
        assert f"note: {option} is not used" in found.output
    assert "Note: The input rate date (2017-01-01) is not used" in found.output  # the result's
    assert "already in that currency" in found.output
    used = runner.invoke(app, [*CASE, "--profit", "100000 USD", "--to", "USD",
                               "--rate-date", "2018-03-19", "--input-rate-date", "2018-03-19"])
    assert used.exit_code == EXIT_OK, used.output
    assert "is not used" not in used.output
    compared = runner.invoke(app, ["compare", "vn-225", "cn-217", "--offender", "entity",
                                   "--profit", "100000000 VND", "--to", "VND", "--rate-date",
                                   "2019-01-01"])
    assert "--rate-date 2019-01-01 is not used" not in compared.output  # cn-217's is used


def test_a_mistyped_rate_source_is_refused_even_when_no_rate_is_needed() -> None:
    """``--source bogus`` (``"rate_source": "bogus"`` over HTTP) was accepted whenever no
    rate was needed: the mistake was never seen."""
    import io

    from penalties import assess, assess_many, csv_to_csv, get_provision, thresholds
    from rates.errors import UnknownSource

    found = runner.invoke(app, [*CASE, "--profit", "100000000", "--source", "ecbb"])
    assert found.exit_code != EXIT_OK
    assert "unknown rate source 'ecbb'" in found.output
    case = {"offender": "entity", "illicit_profit": "1"}
    with pytest.raises(UnknownSource):
        assess("vn-225", case, rate_source="ecb,snapshott")
    with pytest.raises(UnknownSource):
        list(assess_many([case], "vn-225", rate_source="bogus"))
    with pytest.raises(UnknownSource):
        list(csv_to_csv(io.StringIO("offender\nentity\n"), io.StringIO(), "vn-225",
                        rate_source="bogus"))
    with pytest.raises(UnknownSource):
        thresholds(get_provision("vn-225"), rate_source="bogus")
    assert assess("vn-225", case, rate_source="ecb,snapshot").tier is None  # known names


@pytest.mark.parametrize("args", [["--offence-date", ""], ["--trial-date", " "],
                                  ["--profit", ""], ["--fact", "damage="]])
def test_an_option_given_empty_is_refused(args: list[str]) -> None:
    """``--offence-date "$DAY"`` with ``DAY`` unset assessed at today's date, and an empty
    ``--trial-date`` dropped lex mitior, silently: an option given has a value."""
    found = runner.invoke(app, ["assess", "vn-225", "--offender", "person",
                                "--commercial-scale", "--times", "3", *args])
    assert found.exit_code == EXIT_BAD_INPUT, found.output
    option = args[0]
    assert f"{option}: " in found.output, found.output
    assert "is empty" in found.output
    assert found.output.strip().count("\n") == 0


@pytest.mark.parametrize("args", [
    ["convert", "100 USD", "--to", "EUR", "--on", ""],
    ["thresholds", "vn-225", "--on", " "],
    ["assess", "vn-225", "--offender", "entity", "--profit", "250000000", "--offence-date",
     "2018-03-19", "--to", "USD", "--rate-date", ""]])
def test_a_date_option_given_empty_is_refused(args: list[str]) -> None:
    """A reviewer's test (2026-12-03): ``--on ""`` and ``--rate-date ""`` were today's date,
    silently, while the HTTP API refused them."""
    found = runner.invoke(app, args)
    assert found.exit_code == EXIT_BAD_INPUT, found.output
    assert "is empty" in found.output
    assert found.output.strip().count("\n") == 0


def test_thresholds_take_a_rate_date_as_the_library_and_the_api_do() -> None:
    """A reviewer's test (2026-12-03): ``thresholds(rate_date=)`` and ``?rate_date=`` had no
    command-line option."""
    found = runner.invoke(app, ["thresholds", "vn-225", "--on", "2018-01-01", "--in", "USD",
                                "--rate-date", "2016-06-01", "--json"])
    assert found.exit_code == EXIT_OK, found.output
    assert '"asked_for": "2016-06-01"' in found.stdout
