"""Exact arithmetic owned by the library, one rounding at the end, and legal tests that never
turn on rounding (issue 11: each reproduction of the issue is a test here).

Expected figures come from the statutory texts and plain arithmetic: 17 U.S.C. 504(c)(2)
allows up to USD 150,000 per work when the infringement is willful; 18 U.S.C. 3571(d) a fine
of up to twice the gross gain; GDPR Art. 83(5) up to 4 % of the worldwide turnover; Art.
225(1) of the Vietnamese Penal Code starts at VND 50,000,000 of profit, 225(4)(a) for a
company at VND 200,000,000.
"""

from __future__ import annotations

import decimal
import io
import json
import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import ROUND_FLOOR, Context, Decimal, Inexact
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from moneyed import Money
from typer.testing import CliRunner

import rates
from cli import app
from penalties import StatuteFileError, assess, assess_many, csv_to_csv, get_provision, thresholds
from penalties.statutes._catalog import default_catalog
from penalties.statutes._loader import load_statute

runner = CliRunner()
D = "2018-03-19"
#: USD 2,225.88255 at the February 2018 month-end rate of 22,463 VND per USD.
UNDER_50_MILLION = "2225.88255 USD"


def documents() -> list[Any]:
    """Documents whose every digit must not depend on the caller's decimal context."""
    out: list[Any] = [
        assess("us/17-usc/504c", {"offender": "person", "works": 123457, "willful": True,
                                  "offence_date": "2019-03-19"}).to_dict(),
        assess("vn-225", {"offender": "person", "illicit_profit": UNDER_50_MILLION,
                          "offence_date": D}).to_dict(),
        assess("vn-225", {"offender": "entity", "illicit_profit": "250000000",
                          "offence_date": D}, to="USD").to_dict(),
        assess("eu/gdpr/83", {"offender": "entity", "turnover": "2000000000 USD",
                              "act": "83-5-a", "offence_date": "2019-05-01"}, to="USD").to_dict(),
        assess("us/18-usc/2319", {"offender": "person", "willful": True,
                                  "commercial_advantage": True, "copies": 5000,
                                  "retail_value": 1_000_000,
                                  "gross_gain": "123456789012.37 USD",
                                  "offence_date": "2020-01-01"}, to="EUR").to_dict(),
        assess("au/copyright-act-1968/248pg", {"offender": "entity", "act": "248pg-1",
                                               "offence_date": "2020-01-01"},
               to="JPY").to_dict(),
        thresholds(get_provision("vn-225"), date(2018, 3, 19), "USD").to_dict(),
        rates.convert("1000000000 VND", "USD", D).to_dict(),
        rates.convert("1234.5 EUR", "HUF", "2019-05-02").to_dict(),
        [r.to_dict() for r in assess_many(
            [{"offender": "entity", "illicit_profit": "250000000", "offence_date": D},
             {"offender": "person", "illicit_profit": "1000 EUR", "offence_date": D}],
            "vn-225", to="KWD")],
    ]
    sink = io.StringIO()
    list(csv_to_csv(io.StringIO("offender,illicit_profit,offence_date\nentity,250000000,"
                                f"{D}\nperson,60000000,{D}\n"), sink, "vn-225", to="USD"))
    out.append(sink.getvalue())
    return out


HOSTILE = {
    "six digits": Context(prec=6),
    "seven digits": Context(prec=7),
    "inexact trapped": Context(traps=[Inexact, decimal.InvalidOperation]),
    "clamp with a small Emax": Context(prec=28, Emax=20, Emin=-20, clamp=1),
    "rounding down": Context(rounding=ROUND_FLOOR, prec=9),
}


@pytest.fixture(scope="module")
def reference() -> list[Any]:
    with decimal.localcontext(Context()):
        return documents()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_callers_decimal_context_never_changes_a_digit(name: str,
                                                           reference: list[Any]) -> None:
    with decimal.localcontext(HOSTILE[name]):
        assert documents() == reference


def test_the_default_context_of_new_threads_changes_nothing(reference: list[Any],
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.setattr(decimal, "DefaultContext", Context(prec=5, clamp=1, Emax=12))
    found: list[Any] = []
    worker = threading.Thread(target=lambda: found.append(documents()))
    worker.start()
    worker.join(timeout=300)  # a hang guard
    assert found == [reference]


def test_a_product_of_exact_inputs_stays_exact() -> None:
    with decimal.localcontext(Context(prec=6)):
        result = assess("us/17-usc/504c", {"offender": "person", "works": 123457,
                                           "willful": True, "offence_date": "2019-03-19"})
    [damages] = result.principal
    assert damages.max == Money("18518550000", "USD")  # 123,457 × USD 150,000
    assert damages.min == Money("92592750", "USD")  # 123,457 × USD 750


def test_twice_the_gross_gain_is_not_rounded_on_the_way() -> None:
    """3571(d): up to twice the gross gain, 400,000.0099... here: rounded once, down (the
    maximum of a range is rounded inward), never first to 28 digits and then up."""
    gain = "200000.004999999999999999999999999 USD"
    result = assess("us/18-usc/2319", {"offender": "person", "willful": True,
                                       "commercial_advantage": True, "copies": 5000,
                                       "retail_value": 1_000_000, "gross_gain": gain,
                                       "offence_date": "2020-01-01"})
    fine = result.principal[0]
    assert fine.high is not None
    assert fine.high.exact == Decimal("400000.009999999999999999999999998")
    assert fine.max == Money("400000.00", "USD")
    assert result.to_dict()["principal"][0]["max"] == {
        "amount": "400000.00", "currency": "USD",
        "unrounded": "400000.009999999999999999999999998", "unrounded_exact": True}


def test_rounding_never_decides_liability() -> None:
    """USD 2,225.88255 is VND 49,999,999.72065, under the VND 50,000,000 of 225(1)."""
    result = assess("vn-225", {"offender": "person", "illicit_profit": UNDER_50_MILLION,
                               "offence_date": D})
    assert result.tier is None
    [conversion] = result.inputs
    assert conversion.value == Decimal("49999999.72065")
    assert "VND 49,999,999.72065" in conversion.text
    assert [b for b, _ in conversion.near] == [Decimal(50_000_000)] * 2  # 225(1) and 225(2)
    assert "within the rate's own precision of VND 50,000,000" in conversion.text
    document = result.to_dict()["inputs"][0]
    assert document["value"] == {"amount": "49999999.72065", "currency": "VND", "exact": True}
    assert document["near_boundaries"][0]["ref"] == "225(1)"


def test_a_figure_just_under_a_threshold_is_never_rounded_up_to_it() -> None:
    """An amount converting to VND 199,999,999.4999... (50 nines) is under the VND
    200,000,000 of 225(4)(a): rounding it to 50 digits, then half-up, would meet it."""
    scale = 10**50
    units = 199_999_999_5 * scale // 10 // 22463  # USD, in units of 10^-50: rounded down
    text = f"{units // scale}.{units % scale:050d}"
    result = assess("vn-225", {"offender": "entity", "illicit_profit": f"{text} USD",
                               "offence_date": D})
    [conversion] = result.inputs
    assert Decimal("199999999.4999999999999999999999999999999999999999999") < conversion.value
    assert conversion.value < Decimal("199999999.5")
    assert result.tier is None


def test_an_inverse_rate_is_compared_exactly() -> None:
    """VND 56,157,501 is a little more than USD 2,500 at 22,463 VND per USD: "more than
    $2,500" (2319(b)(1)) holds; VND 56,157,500 is exactly USD 2,500 and does not."""
    facts = {"offender": "person", "willful": True, "commercial_advantage": True,
             "copies": 10, "offence_date": D}
    above = assess("us/18-usc/2319", {**facts, "retail_value": "56157501 VND"})
    exactly = assess("us/18-usc/2319", {**facts, "retail_value": "56157500 VND"})
    assert above.tier is not None
    assert exactly.tier is not None
    assert above.tier.id == "b-1"
    assert exactly.tier.id != "b-1"
    assert exactly.inputs[0].value == 2500


def test_four_percent_of_two_billion_dollars_is_eighty_million_dollars() -> None:
    result = assess("eu/gdpr/83", {"offender": "entity", "turnover": "2000000000 USD",
                                   "act": "83-5-a", "offence_date": "2019-05-01"}, to="USD")
    maximum = result.to_dict()["principal"][0]["max"]
    assert maximum is not None
    assert maximum["converted"] == {"amount": "80000000.00", "currency": "USD"}
    assert maximum["amount"] == "71313959.70"  # EUR 71,313,959.7076..., rounded down once
    assert maximum["unrounded"].startswith("71313959.7076")


@pytest.mark.parametrize(("amount", "to"), [("1234.5 EUR", "HUF"), ("1234.5 EUR", "IQD"),
                                            ("1234.5 EUR", "KWD"), ("1234.5 EUR", "JPY")])
def test_the_screen_shows_the_digits_the_json_holds(amount: str, to: str) -> None:
    text = runner.invoke(app, ["convert", amount, "--to", to, "--on", "2019-05-02"])
    document = json.loads(runner.invoke(app, ["convert", amount, "--to", to, "--on",
                                              "2019-05-02", "--json"]).stdout)
    digits = document["converted"]["amount"]
    whole, _, fraction = digits.partition(".")
    assert f"{int(whole):,}" + (f".{fraction}" if fraction else "") in text.stdout


def test_the_table_shows_the_digits_the_json_holds() -> None:
    args = ["assess", "vn-225", "--offender", "entity", "--profit", "250000000",
            "--offence-date", D, "--to", "HUF"]
    document = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    shown = runner.invoke(app, args, env={"COLUMNS": "200"}).stdout
    for bound in ("min", "max"):
        converted = document["principal"][0][bound]["converted"]["amount"]
        whole, _, fraction = converted.partition(".")
        assert f"HUF\u00a0{int(whole):,}.{fraction}" in shown


def statute_with_modifiers(data: dict[str, Any], tmp_path: Path, factors: list[str],
                           months: int = 9) -> Path:
    import tomli_w

    tier = data["versions"][0]["tiers"][1]
    tier["principal"][1]["max_months"] = months
    citation = {"article": "9", "quote": "q", "translation": "t", "source": "s",
                "confidence": "C"}
    data["versions"][0]["modifiers"] = [
        {"id": f"m{n}", "factor": Decimal(f), "applies_to": ["imprisonment.max", "fine.max"],
         "citation": citation} for n, f in enumerate(factors)]
    path = tmp_path / "modifiers.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def test_months_from_a_modifier_are_exact(tmp_path: Path, statute_data: dict[str, Any]) -> None:
    from penalties import Catalog

    path = statute_with_modifiers(statute_data, tmp_path, ["1.5"])
    catalog = Catalog([path.parent], builtin=False, use_env=False)
    result = assess("xx-1", {"offender": "person", "organised": True,
                             "offence_date": "2020-01-01"}, catalog=catalog)
    prison = result.principal[1]
    assert prison.max_months == Decimal("13.5")  # 9 months × 1.5, never 14
    assert result.to_dict()["principal"][1]["max_months"] == "13.5"
    assert result.principal[0].max == Money("60", "VND")  # 40 × 1.5


def test_modifiers_that_multiply_beyond_the_limit_are_refused_when_the_file_loads(
        tmp_path: Path, statute_data: dict[str, Any]) -> None:
    path = statute_with_modifiers(statute_data, tmp_path, ["1000"] * 12)
    with pytest.raises(StatuteFileError, match=r"modifiers: the modifiers can multiply "
                       r"fine.max by 1e\+36 for a person; at most 1000 in all"):
        load_statute(path)


@pytest.fixture
def hostile_context() -> Iterator[Callable[[], None]]:
    """Run the rest of a test with a caller's context of 6 digits, Inexact trapped."""
    saved = decimal.getcontext()
    decimal.setcontext(Context(prec=6, traps=[Inexact]))
    yield lambda: None
    decimal.setcontext(saved)


def test_conversions_in_a_hostile_context_are_exact(hostile_context: Callable[[], None]) -> None:
    result = rates.convert("1000000000 VND", "USD", D)
    assert result.unrounded == Fraction(1_000_000_000, 22463)
    assert result.rounded == Decimal("44517.65")
    assert rates.convert("2225.88255 USD", "VND", D).unrounded == Decimal("49999999.72065")


@pytest.mark.parametrize("name", list(HOSTILE))
def test_warm_money_conversions_ignore_the_callers_context(name: str) -> None:
    from moneyed import Money

    work = [(Money(Decimal("1234.565"), base), quote, day) for base, quote in
            (("EUR", "USD"), ("USD", "EUR"), ("VND", "USD")) for day in (D, "2018-03-17")]
    with decimal.localcontext(Context()):
        expected = [rates.convert(*w).to_dict() for w in work]  # cold, then kept
    with decimal.localcontext(HOSTILE[name]):
        assert [rates.convert(*w).to_dict() for w in work] == expected


def test_an_unrounded_figure_whose_decimals_do_not_end_says_so() -> None:
    """A figure's ``unrounded`` is cut to 30 significant digits when its decimals never end
    (a /map in euros of a VND boundary): it said so nowhere, as if it were exact."""
    from fractions import Fraction

    from penalties.assessment._figures import Figure

    cut = Figure(Fraction(1, 3), "USD", "ROUND_DOWN").to_dict()
    assert cut["unrounded_exact"] is False
    assert cut["unrounded"] == "0.333333333333333333333333333333"
    whole = Figure(Decimal("1.005"), "USD", "ROUND_DOWN").to_dict()
    assert (whole["unrounded"], whole["unrounded_exact"]) == ("1.005", True)
    assert "unrounded" not in Figure(Decimal("1.00"), "USD", "ROUND_DOWN").to_dict()


def test_thresholds_take_a_provision_id_as_assess_does() -> None:
    """A fresh user's test (2026-12-03): ``thresholds("vn-225")`` raised AttributeError
    ('str' object has no attribute 'version_on'), while assess, tier_map and assess_many
    take an id or alias."""
    by_id = thresholds("vn-225", date(2018, 3, 19))
    assert by_id.to_dict() == thresholds(get_provision("vn-225"), date(2018, 3, 19)).to_dict()
    with pytest.raises(Exception, match="vn-999") as raised:
        thresholds("vn-999")
    assert type(raised.value).__name__ == "UnknownProvision"


def test_thresholds_convert_at_the_rate_date_given() -> None:
    """A reviewer's test (2026-12-03): under lex mitior the page shows the thresholds of the
    later law (in force on 2018-01-01) beside a result converted at the offence date's
    rate (2016-06-01); they were converted at the rate of the version's first day."""
    from fastapi.testclient import TestClient

    from penalties import web

    table = thresholds("vn-225", date(2018, 1, 1), "USD", rate_date=date(2016, 6, 1))
    assert table.rate is not None
    assert table.rate.asked_for == date(2016, 6, 1)
    assert thresholds("vn-225", date(2018, 1, 1), "USD").rate.asked_for == (  # type: ignore[union-attr]
        date(2018, 1, 1))
    found = TestClient(web.create_app()).get("/thresholds/vn-225", params={
        "on": "2018-01-01", "in": "USD", "rate_date": "2016-06-01"}).json()
    assert found["conversion"]["asked_for"] == "2016-06-01"


def test_thresholds_say_the_date_their_version_was_chosen_for() -> None:
    """A table of thresholds named the version's first day but not the date it was asked
    for: ``--on 2018-03-19`` and ``--on 2024-06-01`` gave the same document, and one made
    without a date (today) could not be told from either. It is ``on`` (``null``: no date,
    the latest version), in the JSON and in the first line."""
    table = thresholds("vn-225", date(2018, 3, 19))
    assert table.on == date(2018, 3, 19)
    assert table.to_dict()["on"] == "2018-03-19"
    assert table.to_dict() != thresholds("vn-225", date(2024, 6, 1)).to_dict()
    assert thresholds("vn-225").to_dict()["on"] is None
    out = CliRunner().invoke(app, ["thresholds", "vn-225", "--on", "2018-03-19"]).output
    assert out.splitlines()[0].endswith("(version in force on 2018-03-19: from 2018-01-01)")
    latest = CliRunner().invoke(app, ["thresholds", "vn-225", "--json"]).output
    assert json.loads(latest)["on"] == rates.lookback.today().isoformat()  # the CLI: today


def test_thresholds_list_the_tiers_an_act_or_the_provision_itself_triggers() -> None:
    """``thresholds gdpr-83`` printed its title and nothing else, and ``thresholds
    fr-l335-2`` only the aggravated tier: a tier triggered by the act committed (GDPR
    Art. 83(4)-(6)), by any case of the provision (the basic offence of L335-2) or by a
    "none of" (17 U.S.C. 504(c)(1): neither willful nor innocent) had no row, as if the
    provision had no such tier."""
    gdpr = thresholds("gdpr-83", date(2024, 1, 1))
    acts = {(r.tier_ref, r.words) for r in gdpr if r.kind == "act"}
    assert ("83(5)", "is '83-5-a': 83(5)(a): the basic principles for processing, including "
            "conditions for consent, under Articles 5, 6, 7 and 9") in acts
    assert {r.tier_ref for r in gdpr} >= {"83(4)", "83(5)", "83(6)"}
    assert all(r.fact == "act" for r in gdpr if r.kind == "act")
    basic = [r for r in thresholds("fr-l335-2", date(2024, 1, 1)) if r.kind == "always"]
    assert {r.subject for r in basic} == {"person", "entity"}
    assert all(r.fact == "act" and r.condition is None for r in basic)
    out = CliRunner().invoke(app, ["thresholds", "gdpr-83", "--on", "2024-01-01"]).output
    assert "83-5-a" in out
    # every tier of every version of every provision has its rows (ten provisions had
    # none at all: the Vietnamese decrees, UrhG §106, Korean Art. 136...)
    for statute in default_catalog():
        for version in statute.versions:
            table = thresholds(statute, version.effective_from)
            listed = {(r.subject, r.tier) for r in table}
            for subject, tiers in version.tiers.items():
                for tier in tiers:
                    assert (subject.value, tier.model.id) in listed, (statute.id, tier.ref)
    none = [r for r in thresholds("us-504c", date(2024, 1, 1)) if r.kind == "none"]
    assert {(r.fact, r.words, r.condition) for r in none if r.subject == "person"} == {
        ("willful", "does not hold", "none of (innocent)"),
        ("innocent", "does not hold", "none of (willful)")}


def test_a_bound_in_units_without_a_units_table_is_refused_when_the_file_loads(
        write_statute: Callable[..., Path]) -> None:
    """A fresh user's finding (2026-12-03): ``max = { units = 10 }`` in a file with no
    ``[units]`` passed ``validate``; a case reaching it then failed with "no version in
    force on 0001-01-01 (versions cover no indexed unit is defined)", exit 3, blaming the
    offence date. It is a statute-file error naming the bound."""
    import tomllib

    import penalties

    source = Path(penalties.__file__).parent / "data" / "br" / "codigo-penal" / "184.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    load_statute(write_statute(data, "br/codigo-penal/184.toml"))  # as shipped: it loads
    del data["units"]
    with pytest.raises(StatuteFileError, match=r"versions\[0\]\.tiers\[\d+\]\.principal\[\d\]\."
                       r"day_fine\.daily_min\.units: a bound in indexed units, and the file "
                       r"has no \[units\] table"):
        load_statute(write_statute(data, "br/codigo-penal/184.toml"))


@pytest.mark.parametrize(("first", "second", "problem"), [
    ({"to": 2}, {"from": 3}, None),                        # 1-2, then 3 or more: they tile
    ({"below": 3}, {"from": 3}, None),
    ({"to": 2}, {"above": 2}, None),
    ({"to": 2}, {"from": 4}, "leave a gap between 2 and 4"),  # 3 is in neither
    ({"to": 3}, {"from": 3}, "overlap at 3"),
])
def test_count_bands_tile_whole_numbers(write_statute: Callable[..., Path],
                                        statute_data: dict[str, Any], first: dict[str, int],
                                        second: dict[str, int], problem: str | None) -> None:
    """A fresh user's finding (2026-12-03): ``times`` "1 to 2" then "3 or more" was
    refused as "a gap between 2 and 3", though no count lies between them."""
    tiers = statute_data["versions"][0]["tiers"]
    tiers[0]["when"] = {"any": [{"quantity": "times", "from": 1, **first}]}
    tiers[1]["when"] = {"any": [{"quantity": "times", **second}]}
    path = write_statute(statute_data, "xx/test-code/1.toml")
    if problem is None:
        load_statute(path)
    else:
        with pytest.raises(StatuteFileError, match=problem):
            load_statute(path)
