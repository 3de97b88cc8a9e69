"""The tier map of a fact (issue 15 item 1): the intervals of one amount or count with the
answer on each, boundaries exact and with the inclusivity the text gives them, and a case's
margins to the next and the previous change.

Expected boundaries come from the statutory text of each provision (Penal Code 2015
Art. 225(1)-(2): "from VND 50,000,000 to under VND 300,000,000", "VND 300,000,000 or more";
18 U.S.C. 2319(b)(1): "at least 10 copies"), not from the program's output; every segment
is also checked against a separate call of :func:`penalties.assess` inside it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import penalties
from penalties import InvalidFacts, tier_map
from penalties._text_map import margin_lines
from penalties._text_map import tier_map as map_text
from rates.exact import as_fraction


def test_225_profit_map_for_a_person_has_the_texts_boundaries() -> None:
    found = tier_map("vn-225", {"offender": "person", "offence_date": date(2018, 3, 19)},
                     "profit")
    assert found.fact == "illicit_profit"
    ends = [(s.low, s.low_included, s.high, s.high_included, s.tier) for s in found.segments]
    assert ends == [
        (Decimal(0), True, Decimal(50_000_000), False, None),
        (Decimal(50_000_000), True, Decimal(300_000_000), False, "225(1)"),
        (Decimal(300_000_000), True, None, False, "225(2)"),
    ]


@pytest.mark.parametrize(("provision", "facts", "vary"), [
    ("vn-225", {"offender": "entity", "offence_date": date(2018, 3, 19)}, "illicit_profit"),
    ("vn-225", {"offender": "person", "commercial_scale": True,
                "offence_date": date(2019, 1, 1)}, "times"),
    ("us/18-usc/2319", {"offender": "person", "willful": True, "commercial_advantage": True,
                        "retail_value": 5000, "offence_date": date(2020, 1, 1)}, "copies"),
])
def test_every_segment_agrees_with_assess_at_its_ends_and_inside(
        provision: str, facts: dict[str, object], vary: str) -> None:
    """The map is the engine's answer, segment by segment: at each included end, just
    inside each excluded one, and in the middle."""
    found = tier_map(provision, facts, vary)
    money = found.currency is not None
    step = Decimal("0.01") if money else Decimal(1)
    for segment in found.segments:
        probes = [segment.low if segment.low_included else segment.low + step]
        if segment.high is not None:
            probes.append(segment.high if segment.high_included else segment.high - step)
        for value in probes:
            given = f"{value} {found.currency}" if money else int(value)
            result = penalties.assess(provision, {**facts, found.fact: given})
            assert (result.tier.ref if result.tier else None) == segment.tier, (value, segment)


def test_a_count_map_starts_at_the_counts_own_lowest_value() -> None:
    found = tier_map("us/18-usc/2319", {"offender": "person", "willful": True,
                                        "commercial_advantage": True, "retail_value": 5000,
                                        "offence_date": date(2020, 1, 1)}, "copies")
    assert [(s.low, s.high, s.tier) for s in found.segments] == [
        (Decimal(0), Decimal(10), "2319(b)(3)"), (Decimal(10), None, "2319(b)(1)")]


def test_a_converted_map_states_its_rate_and_converts_each_end() -> None:
    found = tier_map("vn-225", {"offender": "person", "offence_date": date(2018, 3, 19)},
                     "illicit_profit", to="USD")
    assert found.rate is not None
    assert found.rate.quote == "USD"
    second = found.segments[1]
    assert second.low_converted is not None
    assert as_fraction(second.low_converted.exact) == (as_fraction(second.low)
                                                        * as_fraction(found.rate.exact))
    doc = found.to_dict()
    assert doc["conversion"]["to"] == "USD"
    assert doc["segments"][1]["interval"] == "[50000000, 300000000)"
    text = "\n".join(str(line) for line in map_text(found, "en_US"))
    assert "Converted at 22,463 VND per USD" in text


def test_a_formula_range_is_marked_as_varying_with_the_fact() -> None:
    found = tier_map("eu/gdpr/83", {"offender": "entity", "act": "83-5-a",
                                    "offence_date": date(2020, 1, 1)}, "turnover")
    assert all(s.ranges_vary for s in found.segments)


def test_a_map_whose_ranges_read_the_fact_says_at_which_value_and_how() -> None:
    """The map of GDPR turnover printed "fine no minimum to €20,000,000.00 (at a value
    inside; the ranges read the fact)" for every turnover: the maximum at a turnover of 0,
    with nothing to say which value that was, nor that above €500,000,000 the maximum is
    4 % of it (Art. 83(5)). It now says the value and the engine's computation there, and
    the JSON gives the value (``ranges_at``)."""
    found = tier_map("eu/gdpr/83", {"offender": "entity", "act": "83-5-a",
                                    "offence_date": date(2020, 1, 1)}, "turnover")
    [table] = [line for line in map_text(found, "en_US") if not isinstance(line, str)]
    [(_, _, cell)] = table.rows  # type: ignore[attr-defined]
    assert cell == ("at turnover €0.00 (the ranges read it): fine no minimum to "
                    "€20,000,000.00 [maximum: greatest of: EUR 20,000,000 (83(5)); 0.04 × "
                    "turnover EUR 0 = EUR 0.00 (83(5))]")
    assert found.segments[0].at == Decimal(0)
    converted = tier_map("eu/gdpr/83", {"offender": "entity", "act": "83-5-a",
                                        "offence_date": date(2020, 1, 1)}, "turnover", to="USD")
    assert converted.segments[0].at_converted is not None  # the value's twin, shown too
    assert found.to_dict()["segments"][0]["ranges_at"] == "0"
    plain = tier_map("vn-225", {"offender": "person", "offence_date": date(2018, 3, 19)})
    assert {s.to_dict()["ranges_at"] for s in plain.segments} == {None}


def test_varying_a_fact_that_is_not_an_amount_or_count_is_refused() -> None:
    with pytest.raises(InvalidFacts, match="'organised' is not an amount or count fact"):
        tier_map("vn-225", {"offender": "person"}, "organised")


def test_margins_say_how_far_the_case_is_from_the_next_and_previous_tier() -> None:
    """The issue's example: VND 250,000,000 of profit, a person, 2018-03-19: VND 50,000,000
    more reaches 225(2) ("VND 300,000,000 or more"); more than VND 200,000,000 less falls
    below 225(1)'s "from VND 50,000,000"."""
    result = penalties.assess("vn-225", {"offender": "person",
                                         "illicit_profit": "250000000",
                                         "offence_date": "2018-03-19"})
    [margin] = penalties.margins(result, to="USD")
    # 50,000,000 / 22,463 = 2,225.8825... and 200,000,000 / 22,463 = 8,903.5302...: rounded
    # up, so that a change of the dollars shown reaches the tier (rates.money)
    assert margin.up == ("VND 50,000,000 (≈ USD 2,225.89) more illicit_profit reaches 225(2)")
    assert margin.down == ("more than VND 200,000,000 (≈ USD 8,903.54) less illicit_profit "
                           "falls to no tier")
    assert margin_lines((margin,))[0].startswith("Margin: VND 50,000,000")


def test_on_an_included_boundary_any_cut_falls() -> None:
    result = penalties.assess("vn-225", {"offender": "person", "illicit_profit": "50000000",
                                         "offence_date": "2018-03-19"})
    [margin] = penalties.margins(result)
    assert margin.down == "any less illicit_profit falls to no tier"


def test_the_command_line_maps_charts_and_reports_margins(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import EXIT_BAD_INPUT, app

    runner = CliRunner()
    base = ["--offender", "person", "--offence-date", "2018-03-19"]
    shown = runner.invoke(app, ["map", "vn-225", *base, "--vary", "profit", "--to", "USD"])
    assert shown.exit_code == 0, shown.output
    assert "from ₫50,000,000" in shown.stdout
    assert "Converted at 22,463 VND per USD" in shown.stdout
    doc = json.loads(runner.invoke(app, ["map", "vn-225", *base, "--json"]).stdout)
    assert doc["schema_version"] == 1
    assert [s["tier"] for s in doc["segments"]] == [None, "1", "2"]
    assessed = runner.invoke(app, ["assess", "vn-225", *base, "--profit", "250000000",
                                   "--json"])
    [margin] = json.loads(assessed.stdout)["margins"]
    assert margin["up"] == "VND 50,000,000 more illicit_profit reaches 225(2)"
    wrong = runner.invoke(app, ["map", "vn-225", *base, "--vary", "organised"])
    assert wrong.exit_code == EXIT_BAD_INPUT
    assert "not an amount or count fact" in wrong.stderr
    pytest.importorskip("matplotlib")
    target = tmp_path / "chart.svg"
    drawn = runner.invoke(app, ["chart", "vn-225", *base, "--to", "USD", "-o", str(target)])
    assert drawn.exit_code == 0, drawn.output
    assert "225(2)" in target.read_text(encoding="utf-8")


def test_schema_prints_a_documents_schema_on_request() -> None:
    from typer.testing import CliRunner

    from cli import EXIT_BAD_INPUT, app

    runner = CliRunner()
    assess_schema = json.loads(runner.invoke(app, ["schema", "--output", "assess"]).stdout)
    assert "margins" in assess_schema["properties"]
    assert "tiers" in json.dumps(json.loads(runner.invoke(app, ["schema"]).stdout))
    assert runner.invoke(app, ["schema", "--output", "nope"]).exit_code == EXIT_BAD_INPUT


def test_a_value_given_for_the_fact_varied_is_said_not_held() -> None:
    """A fresh user's finding (2026-12-03): over HTTP (and in Python) a map dropped the
    value given for the fact it varies without a word; the command line said so on
    stderr, from the document's own ``not_held`` now."""
    from fastapi.testclient import TestClient

    from penalties import web

    facts = {"offender": "person", "illicit_profit": "60000000", "offence_date": "2018-03-19"}
    found = tier_map("vn-225", facts)
    assert found.not_held == "60000000"
    assert found.to_dict()["not_held"] == "60000000"
    in_usd = tier_map("vn-225", {**facts, "illicit_profit": "10000 USD"})
    assert in_usd.not_held == "10000 USD"
    without = tier_map("vn-225", {"offender": "person", "offence_date": "2018-03-19"})
    assert without.not_held is None
    assert "not_held" not in without.to_dict()
    answer = TestClient(web.create_app()).post("/map", json={"provision": "vn-225",
                                                             "facts": facts})
    assert answer.status_code == 200, answer.text
    assert answer.json()["not_held"] == "60000000"
