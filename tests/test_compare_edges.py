"""``penalties.compare_all`` and ``penalties compare`` at their edges: the caller's errors
said once (a bad or rateless target currency, no provisions, a misspelt fact), each
provision compared once, the reason of a row with no tier, errors of the facts told apart
by their kind (never by their message), and fines ranked when they share a currency."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import penalties
from cli import EXIT_BAD_INPUT, EXIT_NO_DATA, EXIT_OK, app
from penalties import Catalog, InvalidFacts, InvalidInput, compare_all
from penalties._facts import Facts
from penalties._text import comparison
from rates.errors import RateNotFound, UnknownCurrency

runner = CliRunner()
Writer = Callable[..., Path]
PERSON = {"offender": "person", "illicit_profit": "10000 USD", "offence_date": "2025-06-02"}
FACTS = ["--offender", "person", "--profit", "10000 USD", "--offence-date", "2025-06-02"]
TWO = ["vn-225", "fr/cpi/l335-2"]


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def raised(call: Callable[[], object]) -> BaseException:
    """What ``call`` raises (it must raise)."""
    with pytest.raises(Exception) as caught:  # noqa: PT011 - any: compared by the caller
        call()
    return caught.value


def ids(found: penalties.Comparison) -> list[str]:
    return [r.provision.id for r in found.results]


@pytest.fixture
def other_catalog(write_statute: Writer, statute_data: dict[str, Any]) -> Catalog:
    """The built-in provisions and ``xx-1``, a test statute with amounts in gold (XAU: a
    currency code that no rate source here carries) and a fact ``seats`` of its own."""
    statute_data["currency"] = "XAU"
    statute_data["facts"] = [{"name": "seats", "kind": "count", "min": 1, "max": 10_000,
                              "help": "Seats.", "description": "the number of seats"}]
    return Catalog([write_statute(statute_data).parent], use_env=False)


# -- 1. the target currency is the caller's: said once, as assess says it -----------------


@pytest.mark.parametrize("to", ["BTC", "EURO", "", " USD", "U$D"])
def test_a_target_that_is_not_a_currency_is_raised_once(to: str) -> None:
    error = raised(lambda: compare_all(PERSON, TWO, to=to))
    alone = raised(lambda: penalties.assess("vn-225", PERSON, to=to))
    assert isinstance(error, UnknownCurrency)
    assert (type(error), str(error)) == (type(alone), str(alone))


def test_a_target_with_no_rate_is_raised_once() -> None:
    for provisions in (TWO, None):  # named, or the whole catalogue
        with pytest.raises(RateNotFound, match=r"→XAU "):
            compare_all(PERSON, provisions, to="XAU")


@pytest.mark.parametrize(("to", "code"), [("BTC", EXIT_BAD_INPUT), ("EURO", EXIT_BAD_INPUT),
                                          ("XAU", EXIT_NO_DATA)])
def test_the_command_says_a_bad_target_once_with_the_code_of_assess(to: str, code: int) -> None:
    alone = run("assess", "vn-225", *FACTS, "--to", to)
    assert alone.exit_code == code
    for args in (["compare", *TWO], ["compare", "--all"]):
        for as_json in ([], ["--json"]):
            result = run(*args, *FACTS, "--to", to, *as_json)
            assert result.exit_code == code
            assert result.stdout == ""
            [line] = result.stderr.splitlines()
            assert line.startswith("penalties: error: ")
            assert repr(to) in line if code == EXIT_BAD_INPUT else f"→{to} " in line
            if args[1] == "vn-225":  # the first provision's error: assess's own
                assert result.stderr == alone.stderr


def test_a_lowercase_target_is_the_currency_it_names() -> None:
    assert compare_all(PERSON, TWO, to="usd").to_dict() == compare_all(PERSON, TWO,
                                                                      to="USD").to_dict()


def test_a_rate_missing_for_one_provisions_currency_is_its_row(other_catalog: Catalog) -> None:
    facts = {"offender": "person", "organised": True, "offence_date": "2025-06-02"}
    for other in ("vn-225", "us/17-usc/504c"):  # converted into USD, or in USD already
        found = compare_all(facts, ["xx-1", other], catalog=other_catalog, to="USD")
        assert ids(found) == [penalties.get_provision(other).id]
        [row] = found.unanswered
        assert row.provision == "xx/test-code/1"  # by its id, as the rows are
        assert "XAU" in row.reason
    # Alone, nothing can be given in USD: the error is the comparison's, as assess's.
    error = raised(lambda: compare_all(facts, ["xx-1"], catalog=other_catalog, to="USD"))
    alone = raised(lambda: penalties.assess("xx-1", facts, catalog=other_catalog, to="USD"))
    assert isinstance(error, RateNotFound)
    assert str(error) == str(alone)


# -- 2. what provisions may be ---------------------------------------------------------------


def test_one_provision_alone_is_a_list_of_one() -> None:
    expected = compare_all(PERSON, ["vn-225"]).to_dict()
    assert compare_all(PERSON, "vn-225").to_dict() == expected
    assert compare_all(PERSON, penalties.get_provision("vn-225")).to_dict() == expected
    assert compare_all(PERSON, iter(["vn-225"])).to_dict() == expected


@pytest.mark.parametrize("empty", [[], (), iter([])])
def test_no_provisions_is_an_error_naming_provisions(empty: Any) -> None:
    with pytest.raises(InvalidInput, match=r"^provisions: ") as caught:
        compare_all(PERSON, empty)
    assert caught.value.field == "provisions"


@pytest.mark.parametrize("bad", [5, [5], {"vn-225": 1}, b"vn-225", [None]])
def test_provisions_that_are_not_provisions_are_an_error(bad: Any) -> None:
    with pytest.raises(InvalidInput, match=r"^provisions: ") as caught:
        compare_all(PERSON, bad)
    assert caught.value.field == "provisions"


def test_the_command_without_provisions_says_so_in_one_line() -> None:
    result = run("compare", *FACTS)
    assert result.exit_code == EXIT_BAD_INPUT
    assert len(result.stderr.splitlines()) == 1
    assert "--all" in result.stderr


# -- 3. each provision once ----------------------------------------------------------------


@pytest.mark.parametrize("day", ["2025-06-02", "2016-06-02"])  # its own law, a predecessor's
def test_a_provision_named_twice_is_compared_once(day: str) -> None:
    facts = {**PERSON, "offence_date": day}
    once = compare_all(facts, ["vn-225", "fr/cpi/l335-2"]).to_dict()
    for twice in (["vn-225", "vn-225", "fr/cpi/l335-2"],
                  ["vn-225", "fr/cpi/l335-2", "vn/penal-code/225", "fr-l335-2"]):
        assert compare_all(facts, twice).to_dict() == once


def test_an_unanswered_provision_named_twice_is_one_row() -> None:
    found = compare_all(PERSON, ["vn-131", "vn-225", "vn-131", "vn/penal-code-1999/131"])
    assert [u.provision for u in found.unanswered] == ["vn/penal-code-1999/131"]
    assert found.unanswered[0].reason.startswith("no version in force on 2025-06-02")


def test_the_command_lists_a_provision_named_twice_once() -> None:
    import json

    result = run("compare", "vn-225", "vn-225", "vn-226", *FACTS, "--json")
    assert result.exit_code == EXIT_OK
    document = json.loads(result.stdout)
    assert [r["provision"]["id"] for r in document["results"]] == ["vn/penal-code/226",
                                                                    "vn/penal-code/225"]
    assert document["unanswered"] == []


# -- 4. a row with no tier says why, in assess's words -------------------------------------


@pytest.mark.parametrize(("facts", "quiet"), [
    ({"offender": "person", "illicit_profit": "10000 EUR", "offence_date": "2025-01-01"},
     "de/urhg/108a"),
    ({"offender": "person", "professional": True, "offence_date": "2025-01-01"},
     "de/urhg/106"),
])
def test_a_row_with_no_tier_gives_the_reason_assess_gives(facts: dict[str, Any],
                                                          quiet: str) -> None:
    from penalties import _text

    found = compare_all(facts, ["de/urhg/106", "de/urhg/108a"])
    [row] = [r for r in found.results if r.tier is None]
    assert row.provision.id == quiet
    said = [line for line in _text.assessment(penalties.assess(quiet, facts), "en_US")
            if isinstance(line, str) and line.startswith(("Note: ", "See also: "))]
    assert any(line.startswith("See also: ") for line in said)
    lines = comparison(found, "en_US")
    for line in said:
        assert f"{quiet}: {line}" in lines


def test_the_command_prints_the_reason_of_a_row_with_no_tier() -> None:
    result = run("compare", "de/urhg/106", "de/urhg/108a", "--offender", "person",
                 "--profit", "10000 EUR", "--offence-date", "2025-01-01")
    assert result.exit_code == EXIT_OK
    assert "de/urhg/108a: See also: de/urhg/106: " in result.stdout
    assert "de/urhg/108a: Note: No tier of de/urhg/108a applies to these facts: " in (
        result.stdout)


# -- 5. errors of the facts told apart by kind ---------------------------------------------


def test_each_error_of_the_facts_says_its_kind() -> None:
    day = {"offence_date": "2025-06-02"}
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: penalties.assess("gdpr-83", {"offender": "entity", "act": "83-5a", **day}),
         "unknown_act"),
        (lambda: penalties.assess("ph-217", {"offender": "entity", **day}),
         "offender_not_covered"),
        (lambda: penalties.assess("vn-225", {"offender": "person", "sats": 1, **day}),
         "unknown_fact"),
        (lambda: penalties.assess("vn-225", {"offender": "person", "illicit_profit": "lots",
                                             **day}), "value"),
    ]
    for call, kind in cases:
        error = raised(call)
        assert isinstance(error, InvalidFacts)
        assert error.kind == kind


def test_an_unknown_fact_of_a_facts_object_says_its_kind(other_catalog: Catalog) -> None:
    theirs = Facts.from_mapping({"offender": "person", "seats": 150},
                                other_catalog.get("xx-1").vocabulary)
    error = raised(lambda: penalties.assess("vn-225", theirs, catalog=other_catalog))
    assert isinstance(error, InvalidFacts)
    assert error.kind == "unknown_fact"
    assert str(error).startswith("seats: unknown fact for vn/penal-code/225 (allowed: ")


def test_the_message_of_an_error_of_the_facts_is_unchanged() -> None:
    error = InvalidFacts("act", "'x' is not an act of y", "a, b", kind="unknown_act")
    assert str(error) == "act: 'x' is not an act of y (allowed: a, b)"
    assert InvalidFacts("act", "bad").kind == "value"


def test_an_error_of_the_facts_survives_pickle_and_copy() -> None:
    error = InvalidFacts("offender", "x does not cover it", "person",
                         kind="offender_not_covered")
    error.add_note("a note")
    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(again) is InvalidFacts
        assert (str(again), again.field, again.problem, again.allowed, again.kind,
                again.__notes__) == (str(error), "offender", "x does not cover it", "person",
                                     "offender_not_covered", ["a note"])


def test_compare_reads_the_kind_not_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import penalties._api

    def failing(kind: str, text: str) -> Callable[..., object]:
        def assess(*args: object, **kwargs: object) -> object:
            raise InvalidFacts("offender", text, kind=kind)  # type: ignore[arg-type]
        return assess

    # A value wrong in itself, whatever its message says: the caller's, raised.
    monkeypatch.setattr(penalties._api, "assess",
                        failing("value", "vn/x does not cover the offender kind 'entity'"))
    with pytest.raises(InvalidFacts, match="does not cover"):
        compare_all(PERSON, TWO)
    # The provision's, whatever its message says: a row each.
    monkeypatch.setattr(penalties._api, "assess", failing("offender_not_covered", "no"))
    found = compare_all(PERSON, TWO)
    assert [(u.provision, u.reason) for u in found.unanswered] == [
        ("vn/penal-code/225", "offender: no"), ("fr/cpi/l335-2", "offender: no")]


def test_the_provisions_own_errors_are_rows() -> None:
    found = compare_all({"offender": "entity", "offence_date": "2025-06-02"},
                        ["ph-217", "vn-225"])
    assert ids(found) == ["vn/penal-code/225"]
    assert [u.provision for u in found.unanswered] == ["ph/ip-code/217"]
    assert "does not cover the offender kind 'entity'" in found.unanswered[0].reason


def test_a_fact_of_one_compared_provision_is_a_row_of_the_others(
        other_catalog: Catalog) -> None:
    facts = {"offender": "person", "seats": 150, "organised": True,
             "offence_date": "2025-06-02"}
    found = compare_all(facts, ["xx-1", "vn-225"], catalog=other_catalog)
    assert ids(found) == ["xx/test-code/1"]
    [row] = found.unanswered
    assert row.provision == "vn/penal-code/225"
    assert row.reason.startswith("seats: unknown fact")


def test_a_fact_no_compared_provision_knows_is_raised_once(other_catalog: Catalog) -> None:
    facts = {"offender": "person", "sats": 150, "offence_date": "2025-06-02"}
    for provisions in (["xx-1", "vn-225"], ["vn-225"]):
        with pytest.raises(InvalidFacts, match=r"^sats: unknown fact") as caught:
            compare_all(facts, provisions, catalog=other_catalog)
        assert caught.value.kind == "unknown_fact"


def test_the_command_compares_with_a_fact_of_one_provision(other_catalog: Catalog,
                                                           tmp_path: Path) -> None:
    result = run("--statutes", str(tmp_path), "compare", "xx-1", "vn-225", "--fact",
                 "seats=150", "--organised", "--offence-date", "2025-06-02")
    assert result.exit_code == EXIT_OK, result.stderr
    assert "xx/test-code/1" in result.stdout
    assert "No answer from vn/penal-code/225: seats: unknown fact" in result.stdout


# -- 6. fines ranked when they share a currency --------------------------------------------


def test_fines_in_one_currency_are_ranked_beside_a_row_with_no_tier() -> None:
    """A provision with no tier (in EUR) puts no fine at stake: the two in VND are still
    ranked by their fines, and no line says the fines were not ranked."""
    facts = {"offender": "person", "illicit_profit": "10000 EUR", "offence_date": "2025-01-01"}
    alone = compare_all(facts, ["vn-225", "vn-226"])
    found = compare_all(facts, ["vn-225", "vn-226", "de/urhg/108a"])
    assert ids(alone) == ["vn/penal-code/226", "vn/penal-code/225"]  # 500 and 300 million
    assert ids(found) == [*ids(alone), "de/urhg/108a"]
    assert not any("not ranked" in str(line) for line in comparison(found, "en_US"))


def test_fines_in_several_currencies_and_no_target_say_so_once() -> None:
    result = run("compare", *TWO, *FACTS)
    assert result.exit_code == EXIT_OK
    said = [line for line in result.stdout.splitlines() if "not ranked" in line]
    assert said == ["The provisions use EUR, VND: the fines are not ranked across currencies; "
                    "add --to CUR to compare them in one currency."]
    assert "not ranked" not in run("compare", *TWO, *FACTS, "--to", "USD").stdout


# -- one amount, one reading ------------------------------------------------------------------


def test_an_amount_without_currency_read_in_two_currencies_is_refused() -> None:
    """VND 250,000,000 is about USD 10,000 (Art. 225(1)); CNY 250,000,000 is about USD 35
    million (Art. 217's second range): a bare 250000000 would be two different cases."""
    facts = {"offender": "person", "illicit_profit": "250000000", "offence_date": "2025-06-02"}
    error = raised(lambda: compare_all(facts, ["vn-225", "cn-217"], to="USD"))
    assert isinstance(error, InvalidFacts)
    assert error.field == "illicit_profit"
    assert "CNY, VND" in str(error)
    found = run("compare", "vn-225", "cn-217", "--offender", "person", "--profit",
                "250000000", "--offence-date", "2025-06-02", "--to", "USD")
    assert found.exit_code == EXIT_BAD_INPUT
    given = compare_all({**facts, "illicit_profit": "250000000 VND"}, ["vn-225", "cn-217"],
                        to="USD")
    assert len(given.results) == 2


def test_an_amount_without_currency_that_one_currency_reads_is_fine() -> None:
    """Only provisions that read the fact count: GDPR does not read illicit_profit."""
    facts = {"offender": "entity", "illicit_profit": "250000000", "act": "83-5-a",
             "offence_date": "2019-05-01"}
    found = compare_all(facts, ["vn-225", "eu/gdpr/83"], to="USD")
    assert {r.provision.id for r in found.results} >= {"vn/penal-code/225"}


def test_a_maximum_that_is_only_a_floor_or_per_work_says_so() -> None:
    """GDPR Art. 83(5): EUR 20 million "or ... up to 4 % of the total worldwide annual
    turnover ..., whichever is higher": without the turnover, EUR 20 million is a floor of
    the maximum; 18 U.S.C. 3571(d) likewise with the gain; 17 U.S.C. 504(c) awards
    statutory damages per work."""
    found = runner.invoke(app, [
        "compare", "eu/gdpr/83", "us-2319", "us/17-usc/504c", "--offender", "entity", "--act",
        "83-5-a", "--willful", "--commercial-advantage", "--copies", "20", "--retail-value",
        "5000", "--offence-date", "2019-05-01", "--to", "USD"],
        env={"COLUMNS": "200", "PENALTIES_LOCALE": "en_US"})
    assert found.exit_code == EXIT_OK
    assert "at least €20,000,000.00 (≈ $22,436,000.00)" in found.stdout
    assert "at least $500,000.00" in found.stdout
    assert "$150,000.00 per work (statutory damages)" in found.stdout


def test_an_amount_in_another_currency_is_shown_converted_with_its_warning() -> None:
    """USD 2,225.88255 at 22,463 VND per USD is VND 49,999,999.72065: under Art. 225(1)'s
    VND 50,000,000 by less than the rate's own precision; compare says so, as assess does."""
    found = runner.invoke(app, [
        "compare", "vn-225", "vn-226", "--offender", "person", "--profit", "2225.88255 USD",
        "--offence-date", "2018-03-19"], env={"COLUMNS": "200", "PENALTIES_LOCALE": "en_US"})
    assert found.exit_code == EXIT_OK
    lines = [line for line in found.stdout.splitlines() if line.startswith("Input (")]
    assert len(lines) == 2
    assert lines[0].startswith("Input (vn/penal-code/225): illicit_profit: $2,225.88255 = "
                               "₫49,999,999.72065 at 22,463 VND per USD")
    assert "It lies within the rate's own precision of ₫50,000,000" in lines[0]


def test_the_law_in_force_at_trial_is_not_sent_back_to_itself() -> None:
    """An organised 2016 offence (Penal Code 1999 Art. 170a) tried in 2019: the later Art.
    225 is not more lenient here, so 170a applies (Resolution 41/2017/QH14 Art. 2(1)(b));
    asked by alias in either order, the row is 170a's and 225 points to it, never 170a to
    itself."""
    facts = {"offender": "person", "illicit_profit": "300000000", "times": 3,
             "offence_date": "2016-06-01", "trial_date": "2019-01-01"}
    for order in (["vn-225", "vn-170a"], ["vn-170a", "vn-225"]):
        found = compare_all(facts, order)
        assert ids(found) == ["vn/penal-code-1999/170a"]
        [row] = found.unanswered
        assert row.provision == "vn/penal-code/225"
        assert row.reason == ("the law in force for these facts is vn/penal-code-1999/170a, "
                              "listed")
