"""The command line: every command, its JSON, its one-line errors and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import EXIT_BAD_INPUT, EXIT_NO_DATA, app

runner = CliRunner()
ENTITY_2018 = ["assess", "vn/penal-code/225", "--offender", "entity", "--profit", "250000000",
               "--offence-date", "2018-03-19"]


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("penalties ")


def test_list_human_and_json() -> None:
    listed = run("list").stdout
    assert "vn/decree-341-2025/broadcasting  (vn-d341-broadcasting)  VND  " in listed
    assert "\n    Infringement of copyright and related rights\n" in listed  # titles whole
    rows = json.loads(run("list", "--json").stdout)
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids)
    assert {"vn/penal-code/225", "vn/penal-code/226"} <= set(ids)
    assert next(r for r in rows if r["id"] == "vn/penal-code/225")["coverage"] == (
        "2018-01-01 onwards")


def test_list_names_a_broken_statute_file_and_lists_the_rest(tmp_path: Path) -> None:
    """Issue 12: one broken user file made `penalties list` fail entirely."""
    (tmp_path / "broken.toml").write_text('id = "xx/broken/1"\nnonsense = 1\n',
                                          encoding="utf-8")
    for args in (["list"], ["list", "--json"]):
        result = run(*args, "--statutes", str(tmp_path))
        assert result.exit_code == EXIT_BAD_INPUT
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("penalties: error: not loaded: ")
        assert "broken.toml" in lines[0]
        assert "nonsense: unknown field" in lines[0]
        assert "vn/penal-code/225" in result.stdout  # the rest is listed
    assert "vn/penal-code/225" in {r["id"] for r in json.loads(result.stdout)}


def test_show() -> None:
    result = run("show", "vn-226")
    assert result.exit_code == 0
    assert "226(1)" in result.stdout
    assert "from VND 100,000,000 to under VND 300,000,000" in result.stdout
    doc = json.loads(run("show", "vn-226", "--json").stdout)
    assert doc["id"] == "vn/penal-code/226"
    assert doc["versions"][0]["tiers"][0]["when"]["any"][1]["from"] == "100000000"


def test_assess_human() -> None:
    result = run(*ENTITY_2018)
    assert result.exit_code == 0
    out = result.stdout
    assert "Tier 225(4)(a)" in out
    assert "illicit_profit ₫250,000,000 is from ₫200,000,000 to under" in out  # --locale
    assert "₫300,000,000" in out
    assert "₫1,000,000,000" in out
    assert "business ban" in out


def test_assess_json_is_one_document_with_the_documented_keys() -> None:
    result = run(*ENTITY_2018, "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["provision"] == doc["provision"] | {"id": "vn/penal-code/225",
                                                   "version": "2018-01-01"}
    assert doc["offender"] == "entity"
    assert doc["tier"]["id"] == "4a"
    assert doc["tier"]["reasons"]
    assert doc["principal"][0]["kind"] == "fine"
    assert doc["principal"][0]["min"] == {"amount": "300000000", "currency": "VND"}
    assert {a["kind"] for a in doc["additional"]} == {"business_ban", "capital_raising_ban"}


@pytest.mark.parametrize("profit", ["250,000,000 VND", "250000000VND", "VND 250000000",
                                    "250_000_000"])
def test_amount_forms(profit: str) -> None:
    args = [*ENTITY_2018[:5], profit, *ENTITY_2018[6:], "--json"]
    assert json.loads(run(*args).stdout)["tier"]["id"] == "4a"


def test_all_fact_options() -> None:
    result = run("assess", "vn-225", "--offender", "entity", "--damage", "150000000",
                 "--goods-value", "1", "--times", "1", "--prior-admin-penalty-completed",
                 "2018-01-01", "--no-prior-conviction", "--offence-date", "2018-12-01", "--json")
    doc = json.loads(result.stdout)
    assert doc["tier"]["id"] == "4a"
    result = run("assess", "vn-225", "--organised", "--commercial-scale", "--prior-conviction",
                 "--prior-admin-penalty", "--offence-date", "2018-12-01", "--json")
    doc = json.loads(result.stdout)
    # A person's earlier conviction is weighed within the range (Art. 52(1)(h)): said, not
    # called unused (issue 14).
    assert doc["ignored_facts"] == ["prior_admin_penalty"]
    assert any("prior_conviction: no tier" in n and "52(1)(h)" in n for n in doc["notes"])


def test_no_tier_exits_zero_and_says_so() -> None:
    result = run("assess", "vn-225", "--profit", "1000", "--offence-date", "2018-03-19")
    assert result.exit_code == 0
    assert "No tier applies" in result.stdout
    assert "administrative sanctions may apply" in result.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["assess", "vn-225", "--profit", "-5"], EXIT_BAD_INPUT, "negative amounts"),
    (["assess", "vn-225", "--profit", "12 XYZ"], EXIT_BAD_INPUT, "unknown currency code"),
    (["assess", "vn-225", "--profit", "ten"], EXIT_BAD_INPUT, "illicit_profit"),
    (["assess", "vn-225", "--offence-date", "2018-02-30"], EXIT_BAD_INPUT,
     "not a real calendar date"),
    (["assess", "vn-225", "--offender", "robot"], EXIT_BAD_INPUT, "allowed: person, entity"),
    (["assess", "vn-225", "--times", "0"], EXIT_BAD_INPUT, "times"),
    (["assess", "vn-999"], EXIT_NO_DATA, "unknown provision 'vn-999'"),
    (["show", "nope"], EXIT_NO_DATA, "unknown provision"),
    (["assess", "vn-225", "--offence-date", "2009-06-01"], EXIT_NO_DATA,
     "no version in force on 2009-06-01"),
])
def test_errors_are_one_line_with_documented_codes(args: list[str], code: int,
                                                   message: str) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("penalties: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_schema() -> None:
    doc = json.loads(run("schema").stdout)
    assert doc["title"] == "StatuteFile"


def test_validate_builtin_files_and_bad_ones(tmp_path: Path,
                                             write_statute: Callable[..., Path],
                                             statute_data: dict[str, Any]) -> None:
    from penalties.statutes._catalog import builtin_directory

    result = run("validate", str(builtin_directory()))
    assert result.exit_code == 0
    assert "ok" in result.stdout
    assert "golden cases" in result.stdout
    statute_data["currency"] = "XYZ"
    bad = write_statute(statute_data)
    result = run("validate", str(bad))
    assert result.exit_code == EXIT_BAD_INPUT
    assert "currency: unknown currency code 'XYZ'" in result.stderr
    report = json.loads(run("validate", str(bad), "--json").stdout)
    assert report["ok"] is False
    result = run("validate", str(tmp_path / "missing.toml"))
    assert result.exit_code == EXIT_BAD_INPUT
    assert "no such file or directory" in result.stderr


def test_user_statutes_option(write_statute: Callable[..., Path],
                              statute_data: dict[str, Any]) -> None:
    path = write_statute(statute_data)
    result = run("--statutes", str(path.parent), "assess", "xx-1", "--organised",
                 "--offence-date", "2019-01-01", "--json")
    assert json.loads(result.stdout)["tier"]["id"] == "2"


def test_console_script_runs_the_readme_example() -> None:
    exe = shutil.which("penalties", path=str(Path(sys.executable).parent))
    assert exe, "the console script is installed next to the interpreter"
    out = subprocess.run([exe, *ENTITY_2018[:-2], "--offence-date", "2018-03-19", "--json"],
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["tier"]["id"] == "4a"
    bad = subprocess.run([exe, "assess", "vn-225", "--profit", "x"], capture_output=True,
                         text=True, check=False)
    assert bad.returncode == EXIT_BAD_INPUT
    assert bad.stderr.count("\n") == 1


@pytest.mark.parametrize(("locale", "shown"), [
    ("vi_VN", "300.000.000\xa0₫"),
    ("fr_FR", "300\u202f000\u202f000\xa0₫"),
    ("en_US", "₫300,000,000"),
])
def test_money_is_formatted_for_the_locale(locale: str, shown: str) -> None:
    result = run(*ENTITY_2018, "--locale", locale)
    assert shown in result.stdout


def test_locale_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    assert "300.000.000\xa0₫" in run(*ENTITY_2018).stdout


def test_unknown_locale() -> None:
    result = run(*ENTITY_2018, "--locale", "xx_YY")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "unknown locale 'xx_YY'" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["assess", "vn-225", "--foo"], "No such option: --foo"),
    (["bogus"], "No such command 'bogus' (see 'penalties --help')"),
    (["assess", "vn-225", "--times", "x"], "times: 'x' is not a whole number (allowed: 1 to"),
    (["assess", "vn-225", "--times", "5000000"], "times: 5000000 is out of range (allowed: 1 "),
    (["assess"], "Missing argument 'ID'"),
])
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == EXIT_BAD_INPUT
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


def test_no_arguments_prints_help() -> None:
    result = run()
    assert result.exit_code == 0
    assert "Usage: penalties" in result.stdout



def test_compare_two_provisions() -> None:
    result = run("compare", "vn-225", "vn-226", "--offender", "entity", "--profit", "250000000",
                 "--offence-date", "2018-03-19")
    assert result.exit_code == 0
    assert "225(4)(a)" in result.stdout
    assert "226(4)(a)" in result.stdout
    doc = json.loads(run("compare", "vn-225", "vn-226", "--offender", "entity", "--profit",
                         "250000000", "--offence-date", "2018-03-19", "--json").stdout)
    maxima = [r["principal"][0]["max"]["amount"] for r in doc["results"]]
    assert maxima == ["2000000000", "1000000000"]  # ranked by the highest fine (issue 14)
    assert doc["unanswered"] == []
    assert doc["order"].startswith("by the highest principal fine")


def test_compare_needs_known_provisions() -> None:
    result = run("compare", "vn-225", "nope")
    assert result.exit_code == EXIT_NO_DATA


def test_compare_that_no_provision_answers_exits_3_after_saying_why() -> None:
    """A fresh user's finding (2026-12-03): when no provision could answer (an offence of
    1990, before every version), compare printed its "No answer" lines and exited 0, where
    assess exits 3 for the same facts: a script could not tell it from an answer."""
    for extra in ((), ("--json",)):
        result = run("compare", "vn-225", "fr-l335-2", "--profit", "1", "--offence-date",
                     "1990-01-01", *extra)
        assert result.exit_code == EXIT_NO_DATA, result.output
        assert "no version in force" in result.stdout
    some = run("compare", "gdpr-83", "fr-l335-2", "--profit", "1", "--offence-date",
               "2010-01-01", "--json")  # one answers (L335-2), one does not (GDPR: 2018)
    assert some.exit_code == 0, some.output
    found = json.loads(some.stdout)
    assert (len(found["results"]), len(found["unanswered"])) == (1, 1)


def test_compare_all_answers_from_the_files_that_load_and_names_the_others(
        tmp_path: Path) -> None:
    """A fresh user's finding (2026-12-03): with one broken statute file in --statutes,
    ``compare --all`` refused to answer at all (exit 2), while the HTTP API answered from
    the rest of the catalogue, as the README promises ("the rest stays usable")."""
    broken = tmp_path / "yy" / "act" / "1.toml"
    broken.parent.mkdir(parents=True)
    broken.write_text('schema_version = 1\nid = "yy/act/1"\ncurrency = "XYZ"\n',
                      encoding="utf-8")
    result = run("--statutes", str(tmp_path), "compare", "--all", "--profit", "1 USD",
                 "--offence-date", "2020-01-01", "--json")
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    found = json.loads(result.stdout)
    assert "vn/penal-code/225" in [r["provision"]["id"] for r in found["results"]]
    assert "not loaded: " in result.stderr
    assert "1.toml" in result.stderr


def test_convert_help_says_what_on_chooses() -> None:
    """A fresh user's finding (2026-12-03): ``convert --help`` said ``--on`` chose "the
    version in force", which a conversion has none of."""
    shown = " ".join(run("convert", "--help").stdout.split())
    assert "The date whose rate converts the amount (default: today)." in shown
    assert "version in force" not in shown


def test_thresholds_lists_every_boundary() -> None:
    result = run("thresholds", "vn-225", "--on", "2018-03-19")
    assert result.exit_code == 0
    assert "from ₫50,000,000 to" in result.stdout
    doc = json.loads(run("thresholds", "vn-225", "--on", "2018-03-19", "--json").stdout)
    lowest = next(r for r in doc["thresholds"]
                  if r["subject"] == "person" and r["fact"] == "illicit_profit")
    assert lowest["lower"] == {"amount": "50000000", "currency": "VND"}
    assert lowest["interval"] == "[50000000, 300000000)"
    assert run("thresholds", "vn-225", "--on", "2017-01-01").exit_code == EXIT_NO_DATA
    assert run("thresholds", "vn-225", "--on", "01/01/2019").exit_code == EXIT_BAD_INPUT


def test_convert_command() -> None:
    result = run("convert", "1000000000 VND", "--to", "USD", "--on", "2018-03-19")
    assert result.exit_code == 0
    assert "₫1,000,000,000 = $44,517.65" in result.stdout
    assert "22,463 VND per USD" in result.stdout
    assert "IMF monthly end-of-period" in result.stdout
    assert "Source: International Monetary Fund" in result.stdout
    doc = json.loads(run("convert", "1000000000 VND", "--to", "usd", "--on", "2018-03-19",
                         "--json").stdout)
    assert doc["converted"] == {"amount": "44517.65", "currency": "USD"}
    assert doc["rate"]["basis"] == "monthly"


@pytest.mark.parametrize(("args", "code", "message"), [
    (["convert", "1000 XYZ", "--to", "USD"], EXIT_BAD_INPUT, "unknown currency code 'XYZ'"),
    (["convert", "1000 VND", "--to", "USD", "--on", "1970-01-01"], EXIT_NO_DATA, "no rate"),
    (["convert", "ten VND", "--to", "USD"], EXIT_BAD_INPUT, "accepted forms"),
    (["convert", "10 VND", "--to", "USD", "--source", "nope"], EXIT_NO_DATA,
     "unknown rate source 'nope' (known: snapshot"),
])
def test_convert_errors(args: list[str], code: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_assess_to_usd_json_has_converted_amounts_and_one_conversion() -> None:
    doc = json.loads(run(*ENTITY_2018, "--to", "USD", "--json").stdout)
    assert doc["principal"][0]["max"] == {
        "amount": "1000000000", "currency": "VND",
        "converted": {"amount": "44517.65", "currency": "USD"}}
    conversion = doc["conversion"]
    assert conversion["rate"].startswith("0.0000445176512487201")
    assert (conversion["source"], conversion["basis"], conversion["rate_date"],
            conversion["stale"]) == ("snapshot", "monthly", "2018-02-28", False)


def test_assess_to_usd_human() -> None:
    out = run(*ENTITY_2018, "--to", "USD").stdout
    assert "₫1,000,000,000 (≈" in out
    assert "$44,517.65)" in out
    assert "Converted at 22,463 VND per USD" in out


def test_rate_date_and_input_rate_date() -> None:
    doc = json.loads(run(*ENTITY_2018, "--to", "USD", "--rate-date", "2019-06-30",
                         "--json").stdout)
    assert doc["conversion"]["rate_date"] == "2019-06-30"
    at_offence = json.loads(run("assess", "vn-225", "--profit", "2400 USD", "--offence-date",
                                "2018-03-19", "--json").stdout)
    assert at_offence["tier"]["id"] == "1"  # USD 2,400 at 22,463 is VND 53,911,200
    doc = json.loads(run("assess", "vn-225", "--profit", "2400 USD", "--offence-date",
                         "2018-03-19", "--input-rate-date", "2011-01-01", "--json").stdout)
    assert doc["tier"] is None  # at the December 2010 rate it is under VND 50,000,000
    assert "2010-12" in doc["inputs"][0]["text"]


def test_compare_in_one_currency() -> None:
    doc = json.loads(run("compare", "vn-225", "fr/cpi/l335-2", "--offender", "entity",
                         "--profit", "250000000", "--offence-date", "2019-05-01", "--to", "EUR",
                         "--json").stdout)
    by_id = {r["provision"]["id"]: r for r in doc["results"]}
    vn, fr = by_id["vn/penal-code/225"], by_id["fr/cpi/l335-2"]
    assert [r["provision"]["id"] for r in doc["results"]] == ["fr/cpi/l335-2",
                                                             "vn/penal-code/225"]
    assert vn["conversion"]["to"] == "EUR"
    assert "conversion" not in fr  # already in euros
    assert fr["principal"][0]["max"]["currency"] == "EUR"


def test_rates_commands(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = json.loads(run("rates", "sources", "--json").stdout)
    assert next(s["name"] for s in sources) == "snapshot"
    assert {s["name"] for s in sources} >= {"ecb", "currency-api", "worldbank", "open-er-api"}
    info = json.loads(run("rates", "info", "--json").stdout)
    assert any(d["attribution"] == "Source: ECB statistics" for d in info["datasets"])
    assert "ECB euro foreign exchange reference rates" in run("rates", "info").stdout
    monkeypatch.setenv("PENALTIES_CACHE_DIR", str(tmp_path))
    result = run("rates", "clear")
    assert result.exit_code == 0
    assert "cleared" in result.stderr


def test_unexpected_errors_exit_1_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    import penalties._api

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(penalties._api, "assess", broken)
    result = run("assess", "vn-225")
    assert result.exit_code == 1
    assert "unexpected RuntimeError: disk on fire" in result.stderr
    assert "please report it" in result.stderr
    assert "Traceback" not in result.stderr


def test_unexpected_errors_while_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    import cli

    def broken(*args: Any, **kwargs: Any) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(cli, "_show", broken)
    result = run("assess", "vn-225", "--organised", "--offence-date", "2019-01-01")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1


def test_rates_update_and_its_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run("rates", "update", "--source", "snapshot", "--start", "2018-03-01",
                 "--end", "2018-03-02")
    assert result.exit_code == 0
    assert "snapshot is offline: nothing to fetch" in result.stderr
    result = run("rates", "update", "--source", "ecb", "--start", "2018-03-02",
                 "--end", "2018-03-01")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "end: '2018-03-01' is before start 2018-03-02 (allowed: a day on or after" in (
        result.stderr)
    result = run("rates", "update", "--source", "nope", "--start", "2018-03-01",
                 "--end", "2018-03-02")
    assert result.exit_code == EXIT_NO_DATA
    assert "unknown rate source 'nope'" in result.stderr
    import rates

    def offline(*args: Any, **kwargs: Any) -> rates.UpdateReport:
        return rates.UpdateReport("ecb", 4, 1, 1, ("2018-03-02 USD: no answer", "..."))

    monkeypatch.setattr(rates, "update", offline)
    result = run("rates", "update", "--source", "ecb", "--start", "2018-03-01",
                 "--end", "2018-03-02", "--currencies", "USD,JPY")
    assert result.exit_code == EXIT_NO_DATA  # failures are not a success
    assert result.stderr == ("penalties: ecb: 1 of 4 lookups answered, 1 without a rate for "
                             "their day, 2 failed (the first: 2018-03-02 USD: no answer)\n")


def test_thresholds_in_another_currency() -> None:
    out = run("thresholds", "vn-225", "--on", "2018-03-19", "--in", "USD").stdout
    assert "$2,225.88)" in out
    assert "Converted at 22,463 VND per USD" in out
    doc = json.loads(run("thresholds", "vn-225", "--on", "2018-03-19", "--in", "USD",
                         "--json").stdout)
    first = next(r for r in doc["thresholds"] if r["fact"] == "illicit_profit")
    assert first["lower"]["converted"] == {"amount": "2225.88", "currency": "USD"}
    assert doc["conversion"]["rate_date"] == "2018-02-28"


def test_show_every_builtin_provision() -> None:
    ids = [r["id"] for r in json.loads(run("list", "--json").stdout)]
    for provision in ids:
        result = run("show", provision)
        assert result.exit_code == 0, (provision, result.stderr)
        assert provision in result.stdout


def test_convert_shows_the_amount_given_with_every_digit() -> None:
    first = run("convert", "0.125 USD", "--to", "USD").stdout.splitlines()[0]
    assert first == "$0.125 = $0.13"  # not "$0.12 = $0.13"
    first = run("convert", "100 EUR", "--to", "USD", "--on", "2018-03-19").stdout.splitlines()[0]
    assert first == "€100.00 = $123.09"


def test_h_is_help_everywhere() -> None:
    for args in (["-h"], ["assess", "-h"], ["rates", "-h"], ["rates", "info", "-h"]):
        result = run(*args)
        assert result.exit_code == 0, args
        assert "Usage:" in result.stdout


@pytest.mark.parametrize("args", [
    ["convert", "1000", "--to", "USD", "--on", "2019-01-01"],
    ["convert", "1000 XAU", "--to", "USD", "--on", "2019-01-01"],
])
def test_messages_name_no_python_function(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code in (EXIT_BAD_INPUT, EXIT_NO_DATA)
    assert result.stderr.count("\n") == 1
    for python in ("currency=", "()", "rates.", "penalties."):
        assert python not in result.stderr, python


class _BrokenSource:
    """A registered source whose answers are never rates (as a hostile server's)."""

    name, title, online, description = "broken-test", "broken", True, "always a bad payload"

    def rate(self, base: str, quote: str, on: Any) -> Any:
        from rates.errors import BadPayload

        raise BadPayload(self.name, "https://example.invalid/rates", "rates.VND",
                         "'lots' is not a number")


def test_a_chain_says_which_source_answered_and_why_the_ones_before_did_not() -> None:
    """Issue 12: a chain falls through any failure of a source, and every output says so."""
    from rates.sources import register_source, unregister_source

    register_source(_BrokenSource())
    try:
        said = run("convert", "100 USD", "--to", "EUR", "--on", "2019-01-02", "--source",
                   "broken-test,snapshot")
        assert said.exit_code == 0, said.output
        assert ("source snapshot; broken-test gave no rate first (BadPayload: rate source "
                "'broken-test' is unavailable: bad payload at rates.VND: 'lots' is not a "
                "number") in said.stdout
        document = json.loads(run(*ENTITY_2018, "--to", "USD", "--source",
                                  "broken-test,snapshot", "--json").stdout)
    finally:
        unregister_source("broken-test")
    assert document["conversion"]["source"] == "snapshot"
    assert [f["source"] for f in document["conversion"]["fallbacks"]] == ["broken-test"]
    assert document["conversion"]["fallbacks"][0]["error"] == "BadPayload"


class _WarningSource(_BrokenSource):
    """A source that warns about its cache, then answers nothing."""

    name = "warning-test"

    def rate(self, base: str, quote: str, on: Any) -> Any:
        import warnings

        from rates.errors import CacheWarning

        warnings.warn(CacheWarning("the HTTP cache x.sqlite cannot be written (disk full): "
                                   "caching in memory"), stacklevel=2)
        return super().rate(base, quote, on)


@pytest.mark.filterwarnings("always::rates.errors.CacheWarning")  # as on a command line
def test_a_library_warning_is_one_line() -> None:
    """A cache warning came out in Python's format (a source path, then a line of code)."""
    from rates.sources import register_source, unregister_source

    register_source(_WarningSource())
    try:
        said = run("convert", "100 USD", "--to", "EUR", "--on", "2019-01-02", "--source",
                   "warning-test,snapshot")
    finally:
        unregister_source("warning-test")
    assert said.exit_code == 0, said.output
    assert said.stderr.splitlines() == ["penalties: warning: the HTTP cache x.sqlite cannot be "
                                        "written (disk full): caching in memory"]


def test_rates_update_asks_for_what_the_source_publishes(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """Issue 13: `rates update --source ecb` asked for VND by default (10 of 10 failed)."""
    import rates

    asked: list[object] = []

    def recorded(source: str, start: str, end: str, currencies: object,
                 **kwargs: Any) -> rates.UpdateReport:
        asked.append(currencies)
        return rates.UpdateReport(source, 1, 1, 0, ())

    monkeypatch.setattr(rates, "update", recorded)
    assert run("rates", "update", "--source", "ecb", "--start", "2018-03-01", "--end",
               "2018-03-01").exit_code == 0
    assert run("rates", "update", "--source", "ecb", "--start", "2018-03-01", "--end",
               "2018-03-01", "--currencies", "USD, JPY").exit_code == 0
    assert asked == [None, ["USD", "JPY"]]  # None: the currencies the source publishes
    monkeypatch.undo()
    refused = run("rates", "update", "--source", "ecb", "--start", "2018-03-01", "--end",
                  "2018-03-01", "--currencies", "VND")
    assert refused.exit_code == EXIT_NO_DATA
    assert "VND is not among the ECB's reference rates; sources that carry it: " in (
        refused.stderr)


def test_a_stale_rate_is_one_warning_line_with_a_refresh_hint() -> None:
    """Issue 13: past the snapshot the last ECB rate answers, stale, and the command line
    says how old it is and how to refresh; within the look-back it says nothing."""
    late = run("convert", "100 USD", "--to", "EUR", "--on", "2026-12-01")
    assert late.exit_code == 0
    assert late.stdout.startswith("$100.00 = €89.51\n")
    assert late.stderr == (
        "penalties: warning: the rate USD→EUR is 32 days old on 2026-12-01 (ECB daily "
        "reference rate EUR→USD of 2026-10-30, the last in the snapshot in use); refresh: "
        "penalties rates refresh (downloads the newest ECB and IMF files)\n")
    assert run("convert", "100 USD", "--to", "EUR", "--on", "2026-11-13").stderr == ""
    document = json.loads(run("convert", "100 USD", "--to", "EUR", "--on", "2026-12-01",
                              "--json").stdout)
    assert (document["rate"]["stale"], document["rate"]["age_days"]) == (True, 32)
    said = run("assess", "vn-225", "--offender", "entity", "--profit", "250000000",
               "--offence-date", "2026-12-01", "--to", "USD")
    assert said.stderr.startswith("penalties: warning: the rate VND→USD is 396 days old on "
                                  "2026-12-01 (IMF monthly end-of-period USD→VND of 2025-10")


def test_a_cross_rate_conversion_says_each_source_once() -> None:
    """A fresh user's finding (2026-12-03): each ``Source:`` line was printed twice (the
    cross rate's attribution holds its legs' lines, then each leg's was added)."""
    found = CliRunner().invoke(app, ["convert", "100 EUR", "--to", "VND", "--on", "2018-03-19"])
    assert found.exit_code == 0, found.output
    sources = [line for line in found.output.splitlines() if line.startswith("Source:")]
    assert len(sources) == 2
    assert len(set(sources)) == 2
