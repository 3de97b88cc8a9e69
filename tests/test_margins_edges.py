"""Edges of a case's margins and of the tier map's text.

A margin is measured from the figure the engine's legal tests used: an amount given in
another currency than the law's is the engine's own exact input conversion (never converted
a second time), its gaps worded in the law's currency, every digit, and in the currency the
amount was given in at that conversion's rate. On screen the figures follow ``--locale`` as
the rest of the output does; converted gaps are at the result's one stated rate and rounded
once by the rule of every converted figure (half-up, :mod:`rates.money`). The JSON keeps its
English text and adds each change structured.

Expected figures come from the statutory text and the snapshot's published rates: Penal
Code 2015 Art. 225(4)(a) "from VND 200,000,000 to under VND 300,000,000", 225(2)(c) "VND
300,000,000 or more"; 22,463 VND per USD (IMF, 2018-02), 22,159 (2016-12), 23,065
(2019-05); 18 U.S.C. 2319(b)(1) "more than $2,500", 2319(b)(2) "a second or subsequent
offense".
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import ROUND_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

import penalties
from cli import EXIT_BAD_INPUT, app
from penalties import InvalidFacts, tier_map
from penalties import _words as words
from penalties._documents import document_adapter
from penalties._text import Table
from penalties._text_map import margin_lines
from penalties._text_map import tier_map as map_text

runner = CliRunner()
ENTITY_USD = ("assess", "vn-225", "--offender", "entity", "--profit", "10000 USD",
              "--offence-date", "2018-03-19")
PERSON = ("--offender", "person", "--offence-date", "2018-03-19")
#: 18 U.S.C. 2319 with a tier's other facts given.
WILFUL = {"offender": "person", "willful": True, "commercial_advantage": True, "copies": 20,
          "offence_date": "2020-01-01"}


def invoke(*args: str) -> tuple[int, str, str]:
    found = runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1",
                                               "TERM": "dumb", "PENALTIES_LOCALE": "en_US"})
    return found.exit_code, found.stdout, found.stderr


def margin_line(stdout: str) -> str:
    [line] = [line for line in stdout.splitlines() if line.startswith("Margin: ")]
    return line


def rounded_up(value: Fraction, places: int = 2) -> Decimal:
    """``value`` rounded up, away from zero (a margin's converted gap: a change of that much
    always suffices), computed here from first principles."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_UP)


# -- 1. an amount given in another currency -------------------------------------------------


def test_an_amount_in_another_currency_has_margins_from_its_exact_conversion() -> None:
    """USD 10,000 at 22,463 is VND 224,630,000: 225(4)(a). VND 75,370,000 more reaches
    225(4)(b) (300,000,000 included); more than VND 24,630,000 less falls below
    200,000,000."""
    code, out, _ = invoke(*ENTITY_USD, "--json")
    assert code == 0
    document = json.loads(out)
    [margin] = document["margins"]
    assert margin["fact"] == "illicit_profit"
    up, down = margin["changes"]
    assert (up["direction"], up["gap"], up["currency"], up["tier_ref"],
            up["boundary"], up["boundary_included"]) == (
        "up", "75370000", "VND", "225(4)(b)", "300000000", True)
    assert (down["direction"], down["gap"], down["tier_ref"], down["boundary"],
            down["boundary_included"]) == ("down", "24630000", None, "200000000", False)
    # The gap in the currency given, at the input's own rate (stated in `inputs`).
    assert document["inputs"][0]["rate"]["value"] == "22463"
    assert up["as_given"] == {"amount": str(rounded_up(Fraction(75_370_000, 22_463))),
                              "currency": "USD"}
    assert margin["up"] == ("VND 75,370,000 (≈ USD 3,355.30 at the input's rate) more "
                            "illicit_profit reaches 225(4)(b)")
    assert margin["down"].startswith("more than VND 24,630,000 (≈ USD 1,096.47 at the ")
    document_adapter("assess").validate_python(document, strict=True)


def test_the_figure_is_the_engines_conversion_at_the_input_rate_date() -> None:
    """With --input-rate-date 2017-01-15 the engine converts at 22,159 (2016-12): USD
    10,000 is VND 221,590,000, so VND 78,410,000 more reaches 225(4)(b). A second
    conversion at the offence date would say 75,370,000. The other amount given in USD
    (damage) is held as the engine converted it, at the same date."""
    code, out, _ = invoke(*ENTITY_USD, "--damage", "20000 USD", "--input-rate-date",
                          "2017-01-15", "--json")
    assert code == 0
    document = json.loads(out)
    gaps = {m["fact"]: m["changes"][0]["gap"] for m in document["margins"]}
    assert gaps == {"illicit_profit": "78410000", "damage": str(500_000_000 - 443_180_000)}


def test_with_to_in_the_currency_given_the_gap_is_converted_once() -> None:
    code, out, _ = invoke(*ENTITY_USD, "--to", "USD")
    assert code == 0
    assert margin_line(out) == (
        "Margin: ₫75,370,000 (≈ $3,355.30) more illicit_profit reaches 225(4)(b) ; more "
        "than ₫24,630,000 (≈ $1,096.47) less illicit_profit falls to no tier")


def test_a_quotient_figure_keeps_every_digit_and_converts_back() -> None:
    """RUB per USD is a cross of two ECB rates: the converted amount's decimals do not end;
    the gap is exact (30 significant digits and "…" in words, gap_exact false)."""
    result = penalties.assess("ru/criminal-code/146", {
        "offender": "person", "goods_value": "1000 USD", "offence_date": "2020-01-01"})
    [margin] = penalties.margins(result)
    [change] = margin.changes
    [item] = result.inputs
    assert Fraction(change.gap) == Fraction(change.boundary) - Fraction(item.value)
    document = change.to_dict()
    assert document["gap_exact"] is False
    assert document["as_given"] is not None
    assert document["as_given"]["currency"] == "USD"
    assert "…" in change.text()


# -- 2. locale, one rate, one rounding ----------------------------------------------------------


@pytest.mark.parametrize(("locale", "shown"), [
    ("fr_FR", "50\u202f000\u202f000\xa0₫ (≈ 2\u202f225,89\xa0$US)"),
    ("vi_VN", "50.000.000\xa0₫ (≈ 2.225,89\xa0US$)"),
])
def test_the_margin_line_follows_the_locale(locale: str, shown: str) -> None:
    code, out, _ = invoke("assess", "vn-225", *PERSON, "--profit", "250000000", "--to", "USD",
                          "--locale", locale)
    assert code == 0
    line = margin_line(out)
    assert line.startswith(f"Margin: {shown} more illicit_profit reaches 225(2)"), line
    # the same words as the rest of the output for the same figure
    assert words.exact_money(Decimal(50_000_000), "VND", locale) in line


def test_margin_lines_without_a_locale_are_the_json_text() -> None:
    result = penalties.assess("vn-225", {"offender": "person", "illicit_profit": "250000000",
                                         "offence_date": "2018-03-19"}, to="USD")
    found = penalties.margins(result)
    assert margin_lines(found) == [f"Margin: {found[0].up} ; {found[0].down}"]
    assert margin_lines(found, "en_US")[0].startswith("Margin: ₫50,000,000 (≈ $2,225.89)")


def test_the_gaps_are_converted_at_the_results_one_rate() -> None:
    """--rate-date 2019-06-01: the result is converted at 23,065 (2019-05), and so are its
    margins: VND 50,000,000 is USD 2,167.80 (rounded up), not 2,225.89 at the offence date."""
    code, out, _ = invoke("assess", "vn-225", *PERSON, "--profit", "250000000", "--to", "USD",
                          "--rate-date", "2019-06-01")
    assert code == 0
    assert "Converted at 23,065 VND per USD" in out
    expected = rounded_up(Fraction(50_000_000, 23_065))
    assert margin_line(out).startswith(f"Margin: ₫50,000,000 (≈ ${expected:,})")
    result = penalties.assess("vn-225", {"offender": "person", "illicit_profit": "250000000",
                                         "offence_date": "2018-03-19"}, to="USD",
                              rate_date=date(2019, 6, 1))
    [margin] = penalties.margins(result)
    [up, _] = margin.changes
    assert up.converted is not None
    assert up.converted.amount == expected
    assert up.to_dict()["amount"] == {"amount": "50000000", "currency": "VND",
                                      "converted": {"amount": str(expected), "currency": "USD"}}


def test_margins_ignore_the_callers_decimal_context() -> None:
    result = penalties.assess("vn-225", {"offender": "person", "illicit_profit": "250000001",
                                         "offence_date": "2018-03-19"})
    with localcontext() as ctx:
        ctx.prec = 3
        [margin] = penalties.margins(result)
    assert margin.up == "VND 49,999,999 more illicit_profit reaches 225(2)"
    assert margin.changes[1].gap == Decimal(200_000_001)


def test_on_an_excluded_boundary_any_raise_reaches_and_the_json_says_so() -> None:
    """$2,500 exactly is not "more than $2,500" (2319(b)(1)): any raise reaches it."""
    result = penalties.assess("us/18-usc/2319", {**WILFUL, "retail_value": "2500"})
    [margin] = (m for m in penalties.margins(result) if m.fact == "retail_value")
    assert margin.up == "any more retail_value reaches 2319(b)(1)"
    up = margin.changes[0].to_dict()
    assert (up["gap"], up["boundary"], up["boundary_included"]) == ("0", "2500", False)


def test_a_count_margin_is_a_number_in_the_locale() -> None:
    result = penalties.assess("us/18-usc/2319", {**WILFUL, "copies": 1234,
                                                 "retail_value": "5000"})
    [margin] = (m for m in penalties.margins(result) if m.fact == "copies")
    [down] = margin.changes
    assert down.to_dict()["currency"] is None
    assert down.to_dict()["amount"] is None
    assert down.text("fr_FR") == "more than 1\u202f224 fewer copies falls to 2319(b)(3)"


# -- 3. one wording of a range -------------------------------------------------------------


def test_the_maps_intervals_are_worded_as_bands() -> None:
    found = tier_map("vn-225", {"offender": "person", "offence_date": date(2018, 3, 19)},
                     "illicit_profit")
    text = "\n".join(str(line) for line in map_text(found, "en_US"))
    cells = [words.band((s.low, s.low_included),
                        None if s.high is None else (s.high, s.high_included), True, "VND",
                        lambda v: words.exact_money(v, "VND", "en_US"))
             for s in found.segments]
    assert cells[1] == "from ₫50,000,000 to under ₫300,000,000"
    table = map_text(found, "en_US")[1]
    assert isinstance(table, Table)
    assert [row[0] for row in table.rows] == cells
    assert " below " not in text
    assert "above" not in text


# -- 4. a map that cannot answer ------------------------------------------------------------


def test_a_map_where_no_tier_applies_names_the_facts_not_given(tmp_path: Path) -> None:
    args = ("us/18-usc/2319", "--vary", "retail_value", "--offender", "person",
            "--offence-date", "2020-01-01")
    code, out, _ = invoke("map", *args)
    assert code == 0
    assert "No tier applies anywhere on this map of retail_value." in out
    assert re.search(r"Not given \(a tier may depend on them\): [^\n]*\bcopies\b", out)
    code, out, _ = invoke("map", *args, "--json")
    not_given = json.loads(out)["not_given"]
    assert "copies" in not_given
    assert "retail_value" not in not_given
    assessed = penalties.assess("us/18-usc/2319", {"offender": "person",
                                                   "retail_value": "100",
                                                   "offence_date": "2020-01-01"})
    assert set(not_given) == set(assessed.not_given)  # what assess says is missing
    pytest.importorskip("matplotlib")
    target = tmp_path / "chart.svg"
    code, _, _ = invoke("chart", *args, "-o", str(target))
    assert code == 0
    svg = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", target.read_text(encoding="utf-8")))
    assert "No tier applies anywhere on this map of retail_value" in svg
    assert "copies" in svg


def test_a_map_with_a_tier_says_nothing_of_missing_facts() -> None:
    found = tier_map("vn-225", {"offender": "person", "offence_date": date(2018, 3, 19)},
                     "illicit_profit")
    assert found.not_given == ()
    assert found.to_dict()["not_given"] == []
    assert not any("No tier applies anywhere" in str(line) for line in map_text(found, "en_US"))


def test_varying_a_fact_the_provision_does_not_use_is_an_error() -> None:
    with pytest.raises(InvalidFacts, match=r"copies is not used by vn/penal-code/225") as info:
        tier_map("vn-225", {"offender": "person", "offence_date": date(2018, 3, 19)},
                 "copies")
    assert info.value.field == "vary"
    assert info.value.allowed is not None
    assert "illicit_profit" in info.value.allowed
    code, out, err = invoke("map", "vn-225", *PERSON, "--vary", "copies")
    assert code == EXIT_BAD_INPUT
    assert out == ""
    assert "copies is not used by vn/penal-code/225" in err
    code, _, err = invoke("chart", "vn-225", *PERSON, "--vary", "copies", "-o", "x.svg")
    assert code == EXIT_BAD_INPUT
    assert "copies is not used by vn/penal-code/225" in err


def test_a_count_that_stands_for_a_flag_is_mapped_where_the_flag_begins() -> None:
    """prior_convictions stands for prior_conviction (one or more): from one on, 2319(b)(2)
    (a second or subsequent offense) applies, not 2319(b)(1)."""
    found = tier_map("us/18-usc/2319", {**WILFUL, "retail_value": "5000"},
                     "prior_convictions")
    assert [(s.low, s.low_included, s.tier) for s in found.segments] == [
        (Decimal(0), True, "2319(b)(1)"), (Decimal(1), True, "2319(b)(2)")]


def test_a_gap_smaller_than_a_cent_is_a_cent_never_zero() -> None:
    """USD 2,225.88255 at 22,463 is VND 49,999,999.72065 (no tier): VND 0.27935 more reaches
    225(1); in USD that is 0.0000124...: rounded up to one cent (a change of that much
    suffices), never ``$0.00``."""
    code, out, _ = invoke("assess", "vn-225", *PERSON, "--profit", "2225.88255 USD")
    assert code == 0
    line = margin_line(out)
    assert "₫0.27935 (≈ $0.01 at the input's rate) more illicit_profit reaches 225(1)" in line
    assert "$0.00" not in line


def test_adding_the_converted_gap_shown_reaches_the_tier() -> None:
    """USD 1,000 at 22,463 is VND 22,463,000; VND 27,537,000 more reaches 225(1)'s VND
    50,000,000, i.e. USD 1,225.8825…: shown ≈ USD 1,225.89 (up), because USD 2,225.88
    (USD 1,225.88 more) is VND 49,999,942.44, still no tier."""
    code, out, _ = invoke("assess", "vn-225", *PERSON, "--profit", "1000 USD")
    assert code == 0
    assert ("₫27,537,000 (≈ $1,225.89 at the input's rate) more illicit_profit reaches 225(1)"
            in margin_line(out))
    reached = penalties.assess("vn-225", {"offender": "person", "illicit_profit": "2225.89 USD",
                                          "offence_date": "2018-03-19"})
    short = penalties.assess("vn-225", {"offender": "person", "illicit_profit": "2225.88 USD",
                                        "offence_date": "2018-03-19"})
    assert reached.tier is not None
    assert reached.tier.ref == "225(1)"
    assert short.tier is None


def test_a_map_says_how_a_held_amount_in_another_currency_was_converted() -> None:
    """USD 13,355.30 of goods at 22,463 VND per USD is VND 300,000,103.90, within the rate's
    precision of Art. 225(4)(b)'s VND 300,000,000 for an entity: the map says it, and its
    input rate date is the one assess takes."""
    args = ("map", "vn-225", "--vary", "profit", "--offender", "entity", "--goods-value",
            "13355.30 USD", "--offence-date", "2018-03-19")
    code, out, _ = invoke(*args)
    assert code == 0
    assert ("Input: goods_value: $13,355.30 = ₫300,000,103.90 at 22,463 VND per USD" in out)
    assert "It lies within the rate's own precision of ₫300,000,000" in out
    code, out, _ = invoke(*args, "--json", "--input-rate-date", "2019-06-01")
    assert code == 0
    document = json.loads(out)
    document_adapter("map").validate_python(document, strict=True)
    [item] = document["inputs"]
    assert item["fact"] == "goods_value"
    assert item["rate"]["asked_for"] == "2019-06-01"
