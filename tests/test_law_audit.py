"""The legal audit of issue 14 and the rule shapes it needed, each point a regression test.

The built-in files' own golden cases carry the law (``penalties validate``); these tests pin
what the engine must do with it: which event's date selects a version (17 U.S.C. 504(c),
Berne Convention Implementation Act s13(b)), lex mitior from the earlier end of a
succession (Penal Code 2015 Art. 7(3), Resolution 41/2017/QH14 Art. 2(1)(b)), facts the
general part weighs within a range (Art. 52(1)(h)), and the shapes the new jurisdictions
brought: a value assumed when not given (a hybrid offence), day-fines, offenders the law
does not make liable, counts of earlier convictions, cumulative principal penalties.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import app
from penalties import Catalog, assess
from penalties._errors import InvalidFacts, NoVersionInForce, StatuteFileError
from penalties.statutes._loader import load_statute

runner = CliRunner()


def fine(result: Any, kind: str = "fine") -> tuple[Decimal | None, Decimal | None]:
    """The bounds of the first principal penalty of ``kind``."""
    item = next(p for p in result.principal if p.kind == kind)
    return (item.low.amount if item.low else None, item.high.amount if item.high else None)


# --- 1. 17 U.S.C. 504(c): the Berne amounts go by when the cause of action arose ------------

def test_a_1988_infringement_sued_in_1990_gets_the_1976_amounts() -> None:
    result = assess("us-504c", {"offender": "person", "works": 1,
                                "offence_date": date(1988, 6, 1),
                                "action_date": date(1990, 1, 15)})
    assert result.provision.version == date(1978, 1, 1)
    assert fine(result, "statutory_damages") == (Decimal(250), Decimal(10_000))
    willful = assess("us-504c", {"offender": "person", "works": 1, "willful": True,
                                 "offence_date": date(1988, 6, 1),
                                 "action_date": date(1990, 1, 15)})
    assert fine(willful, "statutory_damages")[1] == Decimal(50_000)
    assert "action_date" not in result.ignored  # it selected the version: not "unused"
    assert any("1989-03-01 does not apply" in n for n in result.notes)


def test_the_1999_amounts_go_by_the_action_date_whenever_the_infringement() -> None:
    result = assess("us-504c", {"offender": "person", "works": 1,
                                "offence_date": date(1988, 6, 1),
                                "action_date": date(2000, 1, 15)})
    assert result.provision.version == date(1999, 12, 9)
    assert fine(result, "statutory_damages") == (Decimal(750), Decimal(30_000))


def test_without_an_action_date_the_choice_it_would_change_is_said() -> None:
    """A fresh user's finding (2026-12-03): a 1999 infringement with no action date got the
    1989 amounts ($500 to $20,000) with ``not_given`` empty and no word that an action
    brought from 1999-12-09 takes the 1999 amounts ($750 to $30,000, Pub. L. 106-160 s. 4)."""
    result = assess("us-504c", {"offender": "person", "works": 1,
                                "offence_date": date(1999, 6, 1)})
    assert fine(result, "statutory_damages") == (Decimal(500), Decimal(20_000))
    assert "action_date" in result.not_given
    assert any("1999-12-09 does not apply" in n and "no action_date was given" in n
               for n in result.notes)
    # an infringement after the 1999 Act: no action date can change the version
    later = assess("us-504c", {"offender": "person", "works": 1,
                               "offence_date": date(2001, 6, 1)})
    assert fine(later, "statutory_damages") == (Decimal(750), Decimal(30_000))
    assert "action_date" not in later.not_given
    given = assess("us-504c", {"offender": "person", "works": 1,
                               "offence_date": date(1999, 6, 1),
                               "action_date": date(1999, 11, 1)})
    assert "action_date" not in given.not_given
    assert not any("no action_date was given" in n for n in given.notes)


# --- 2. Vietnam: Art. 170a tried after 2018 reaches Art. 225 --------------------------------

def test_an_organised_2016_offence_tried_in_2019_gets_the_lighter_225() -> None:
    facts = {"offender": "person", "organised": True, "commercial_scale": True,
             "offence_date": date(2016, 5, 1)}
    before = assess("vn/penal-code-1999/170a", facts)
    assert before.provision.id == "vn/penal-code-1999/170a"
    assert fine(before)[0] == Decimal(400_000_000)
    tried = assess("vn/penal-code-1999/170a", {**facts, "trial_date": date(2019, 3, 1)})
    assert tried.provision.id == "vn/penal-code/225"
    assert fine(tried)[0] == Decimal(300_000_000)
    assert any("more lenient" in line for line in tried.law_choice)
    assert "trial_date" not in tried.ignored


# --- 6. words that misled ----------------------------------------------------------------

def test_a_persons_prior_conviction_under_225_is_weighed_not_unused() -> None:
    result = assess("vn-225", {"offender": "person", "illicit_profit": 60_000_000,
                               "prior_conviction": True, "offence_date": date(2019, 1, 1)})
    assert "prior_conviction" not in result.ignored
    assert any("52(1)(h)" in n and "aggravating" in n for n in result.notes)


def test_times_under_225_2_b_says_each_act_must_meet_clause_1() -> None:
    result = assess("vn-225", {"offender": "person", "commercial_scale": True, "times": 2,
                               "offence_date": date(2019, 1, 1)})
    assert result.tier is not None
    assert result.tier.id == "2"
    assert any(r.fact == "times" and r.rule and "clause 1" in r.rule
               for r in result.tier.reasons)


def test_2319_without_copies_says_the_count_is_missing() -> None:
    args = ["assess", "us/18-usc/2319", "--offender", "person", "--retail-value", "5000",
            "--offence-date", "2020-01-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "No tier applies" in result.stdout
    assert "Not given (a tier may depend on them): copies" in result.stdout


def test_us_sections_and_the_gdpr_origin_read_as_the_law_does() -> None:
    shown = runner.invoke(app, ["assess", "us-504c", "--offender", "person",
                                "--offence-date", "2020-01-01"]).stdout
    assert "§ 504" in shown
    assert "Art. 504" not in shown
    gdpr = assess("eu/gdpr/83", {"offender": "entity", "offence_date": date(2020, 1, 1)})
    assert gdpr.provision.amended_by is None
    assert gdpr.provision.enacted_by
    assert "2016/679" in gdpr.provision.enacted_by


# --- the rule shapes ------------------------------------------------------------------------

CITATION = {"quote": "text", "translation": "text", "source": "test", "confidence": "C"}


def shaped(**changes: Any) -> dict[str, Any]:
    """A one-version statute with tiers given by ``changes`` (a test's own law)."""
    doc: dict[str, Any] = {
        "schema_version": 1, "id": "xx/shapes/1", "jurisdiction": "XX", "instrument": "Test",
        "article": "1", "language": "en", "currency": "EUR",
        "title": {"original": "Test", "en": "Test"},
        "subjects": [{"kind": "person", "label": "natural person"}],
        "versions": [{"effective_from": date(2010, 1, 1), "sources": [{"title": "test"}],
                      "tiers": []}],
    }
    doc.update(changes.pop("top", {}))
    doc["versions"][0].update(changes)
    return doc


def tier(id_: str, rank: int, when: dict[str, Any], principal: list[dict[str, Any]],
         **more: Any) -> dict[str, Any]:
    return {"id": id_, "subject": "person", "rank": rank, "when": when,
            "principal": principal, "citation": {**CITATION, "clause": id_}, **more}


Writer = Callable[..., Path]


def catalog_of(write_statute: Writer, doc: dict[str, Any]) -> Catalog:
    path = write_statute(doc, "xx/shapes.toml")
    return Catalog([path.parent], use_env=False)


def test_a_hybrid_offence_without_procedure_is_the_indictment_range_naming_the_summary_one(
        write_statute: Writer) -> None:
    doc = shaped(tiers=[
        tier("s", 1, {"fact": "procedure", "equals": "summary"},
             [{"kind": "imprisonment", "max_months": 6}]),
        tier("i", 2, {"fact": "procedure", "equals": "indictment"},
             [{"kind": "imprisonment", "max_months": 120}]),
    ])
    catalog = catalog_of(write_statute, doc)
    facts = {"offender": "person", "offence_date": date(2020, 1, 1)}
    result = assess("xx/shapes/1", facts, catalog=catalog)
    assert result.tier is not None
    assert result.tier.id == "i"
    assert any(r.rule == "procedure not given: taken as 'indictment'"
               for r in result.tier.reasons)
    assert any("with procedure 'summary': tier 1(s)" in n and "0 to 6 months" in n
               for n in result.notes), result.notes
    summary = assess("xx/shapes/1", {**facts, "procedure": "summary"}, catalog=catalog)
    assert summary.tier is not None
    assert summary.tier.id == "s"
    assert not any("procedure not given" in n for n in summary.notes)


def test_an_equals_test_names_a_value_the_fact_has(write_statute: Writer) -> None:
    doc = shaped(tiers=[tier("s", 1, {"fact": "procedure", "equals": "summery"},
                             [{"kind": "imprisonment", "max_months": 6}])])
    with pytest.raises(StatuteFileError, match=r"tiers\[0\]\.when\.equals.*'summery' is not "
                       r"a value of procedure \(summary, indictment\)"):
        load_statute(write_statute(doc))


def test_a_day_fine_runs_from_the_fewest_days_at_the_lowest_rate_to_the_most_at_the_highest(
        write_statute: Writer) -> None:
    day_fine = {"days_min": 5, "days_max": 360, "daily_min": 1, "daily_max": 30_000}
    doc = shaped(tiers=[tier("1", 1, {"always": True},
                             [{"kind": "fine", "day_fine": day_fine}])])
    result = assess("xx/shapes/1", {"offender": "person", "offence_date": date(2020, 1, 1)},
                    catalog=catalog_of(write_statute, doc))
    assert fine(result) == (Decimal(5), Decimal(10_800_000))
    assert any("5 to 360 daily units of EUR 1 to EUR 30,000" in line
               for p in result.principal for line in p.basis)


def test_a_daily_amount_in_units_divided_exactly(write_statute: Writer) -> None:
    """Código Penal art. 49 §1: a daily unit of 1/30 to 5 minimum wages; 10 to 360 days."""
    units = {"name": "minimum wage", "citation": {**CITATION, "clause": "u"},
             "values": [{"effective_from": date(2010, 1, 1), "amount": 1045, "source": "t",
                         "confidence": "C"}]}
    day_fine = {"days_min": 10, "days_max": 360, "daily_min": {"units": 1, "divided_by": 30},
                "daily_max": {"units": 5}}
    doc = shaped(top={"currency": "BRL", "units": units},
                 tiers=[tier("1", 1, {"always": True}, [{"kind": "fine", "day_fine": day_fine}])])
    result = assess("xx/shapes/1", {"offender": "person", "offence_date": date(2020, 1, 1)},
                    catalog=catalog_of(write_statute, doc))
    item = result.principal[0]
    assert item.low is not None
    assert item.high is not None
    assert item.low.exact * 3 == 1045  # 10 × 1045/30, exactly; shown rounded up: 348.34
    assert item.low.amount == Decimal("348.34")
    assert item.high.amount == Decimal(1_881_000)


@pytest.mark.parametrize(("change", "message"), [
    ({"min": 1}, "a day_fine sets both bounds"),
    ({"day_fine": {"days_min": 9, "days_max": 5, "daily_min": 1, "daily_max": 2}},
     "days_min 9 is above days_max 5"),
])
def test_a_day_fine_refuses_contradictions(write_statute: Writer, change: dict[str, Any],
                                           message: str) -> None:
    penalty = {"kind": "fine", "day_fine": {"days_min": 5, "days_max": 360, "daily_min": 1,
                                            "daily_max": 30_000}, **change}
    doc = shaped(tiers=[tier("1", 1, {"always": True}, [penalty])])
    with pytest.raises(StatuteFileError, match=message):
        load_statute(write_statute(doc))


def test_an_offender_the_law_does_not_make_liable(write_statute: Writer) -> None:
    subjects = [{"kind": "person", "label": "natural person"},
                {"kind": "entity", "label": "company", "liable": False,
                 "see": "an administrative fine (OWiG §30)",
                 "liability_citation": {**CITATION, "translation": "only natural persons act "
                                        "culpably"}}]
    doc = shaped(top={"subjects": subjects},
                 tiers=[tier("1", 1, {"always": True}, [{"kind": "fine", "max": 10}])])
    result = assess("xx/shapes/1", {"offender": "entity", "offence_date": date(2020, 1, 1)},
                    catalog=catalog_of(write_statute, doc))
    assert not result.liable
    assert result.tier is None
    assert any("bears no liability" in n and "OWiG §30" in n for n in result.notes)
    bad = copy.deepcopy(doc)
    bad["versions"][0]["tiers"].append({**tier("2", 2, {"always": True},
                                              [{"kind": "fine", "max": 10}]),
                                        "subject": "entity"})
    with pytest.raises(StatuteFileError, match="'entity' is not liable"):
        load_statute(write_statute(bad, "bad.toml"))


def test_counts_of_earlier_convictions_and_the_flag_answer_for_each_other(
        write_statute: Writer) -> None:
    rows = [tier("a", 1, {"quantity": "prior_convictions", "below": 1},
                 [{"kind": "fine", "max": 1}]),
            tier("b", 2, {"quantity": "prior_convictions", "from": 1, "below": 2},
                 [{"kind": "fine", "max": 2}]),
            tier("c", 3, {"quantity": "prior_convictions", "from": 2},
                 [{"kind": "fine", "max": 3}])]
    catalog = catalog_of(write_statute, shaped(tiers=rows))
    base = {"offender": "person", "offence_date": date(2020, 1, 1)}

    def row(**facts: Any) -> str:
        result = assess("xx/shapes/1", {**base, **facts}, catalog=catalog)
        assert result.tier is not None
        assert "prior_conviction" not in result.ignored
        return result.tier.id

    assert row() == "a"  # none proved
    assert row(prior_convictions=0) == "a"
    assert row(prior_conviction=True) == "b"  # at least one: taken as one, and said
    assert row(prior_convictions=1) == "b"
    assert row(prior_convictions=3) == "c"
    with pytest.raises(InvalidFacts, match="prior_convictions is 2 but prior_conviction is "
                       "false"):
        assess("xx/shapes/1", {**base, "prior_convictions": 2, "prior_conviction": False},
               catalog=catalog)


def test_each_of_the_principal_penalties_is_imposed_with_all_of(write_statute: Writer) -> None:
    both = tier("1", 1, {"always": True}, [{"kind": "imprisonment", "max_months": 12},
                                            {"kind": "fine", "max": 10}],
                principal_rule="all_of")
    folder = write_statute(shaped(tiers=[both]), "xx/shapes.toml").parent
    shown = runner.invoke(app, ["assess", "xx/shapes/1", "--offender", "person",
                                "--offence-date", "2020-01-01", "--statutes", str(folder)])
    assert "principal penalty (all of)" in shown.stdout, (shown.stdout, shown.stderr)


def test_a_golden_case_can_expect_no_version_in_force(write_statute: Writer) -> None:
    """The day before a first version is a boundary too (issue 14: helpers could not write
    it as a golden case)."""
    from penalties.statutes._golden import run_cases

    doc = shaped(tiers=[tier("1", 1, {"always": True}, [{"kind": "fine", "max": 10}])])
    doc["cases"] = [{"name": "before", "facts": {"offender": "person",
                                                 "offence_date": date(2009, 12, 31)},
                     "tier": "no-version"},
                    {"name": "wrong", "facts": {"offender": "person",
                                                "offence_date": date(2009, 12, 31)},
                     "tier": "1"}]
    outcomes = run_cases(load_statute(write_statute(doc)))
    assert outcomes[0].passed
    assert not outcomes[1].passed
    assert "no version in force on 2009-12-31" in outcomes[1].differences[0]


# --- 5. periods that answered "no version in force" ---------------------------------------

def test_2319_before_2008_answers_under_the_1992_text() -> None:
    """Pub. L. 102-561 (1992): (b)(1) up to 5 years for 10 or more copies of more than
    USD 2,500 within 180 days, for commercial advantage or private financial gain."""
    result = assess("us/18-usc/2319", {"offender": "person", "copies": 10,
                                       "retail_value": 2600, "commercial_advantage": True,
                                       "willful": True, "offence_date": date(1995, 1, 1)})
    assert result.tier is not None
    assert result.tier.ref == "2319(b)(1)"
    assert next(p for p in result.principal if p.kind == "imprisonment").max_months == 60


def test_decree_341_broadcasting_before_2026_answers_under_decree_131() -> None:
    result = assess("vn/decree-341-2025/broadcasting", {"offender": "person",
                                                        "offence_date": date(2020, 3, 1)})
    assert result.provision.id == "vn/decree-131-2013/broadcasting"
    assert fine(result) == (Decimal(70_000_000), Decimal(100_000_000))


def test_decree_131_arts_15_and_18_after_2026_say_no_successor_was_found() -> None:
    for article in ("15", "18"):
        with pytest.raises(NoVersionInForce, match="no successor provision for this act was "
                           "found"):
            assess(f"vn/decree-131-2013/{article}", {"offender": "person",
                                                     "offence_date": date(2026, 3, 1)})


def test_a_repealed_provision_keys_amounts_by_its_successors_boundaries() -> None:
    """An offence dated after Art. 170a's repeal answers under Art. 225 (its successor):
    amounts are told apart by 225's boundaries too, not only by 170a's, so two profits on
    two sides of VND 300,000,000 never share one cached answer."""
    catalog = Catalog(use_env=False)
    tiers = [assess("vn/penal-code-1999/170a", {"offender": "person", "illicit_profit": profit,
                                                "offence_date": date(2019, 1, 1)},
                    catalog=catalog).tier for profit in ("60000000", "400000000", "10000000")]
    assert [t.ref if t else None for t in tiers] == ["225(1)", "225(2)", None]


def test_an_offender_with_no_liability_is_shown_the_version_in_force() -> None:
    """A German company (no corporate criminal liability) on 2025-06-02 is told so under
    the version in force then (StGB §40 as amended in 2009), not the first one encoded."""
    result = assess("de/urhg/106", {"offender": "entity", "offence_date": date(2025, 6, 2)})
    assert not result.liable
    assert result.provision.version == date(2009, 7, 4)


def test_a_day_fines_basis_names_its_daily_bounds() -> None:
    result = assess("br/codigo-penal/184", {"offender": "person", "act": "1",
                                            "offence_date": date(2020, 6, 1)})
    basis = next(p for p in result.principal if p.kind == "fine").basis
    assert any(line.startswith("daily minimum: ") for line in basis)
    assert not any(line.startswith("minimum: ") for line in basis)


def test_the_screen_names_the_facts_not_given_when_a_tier_applies_too() -> None:
    """A fresh user's finding (2026-12-03): with a tier, the human output did not say that
    ``copies`` was not given, though ten copies turn 2319(b)(3) (up to 12 months) into
    (b)(1) (up to 60 months); ``--json`` listed it."""
    from typer.testing import CliRunner

    from cli import app

    found = CliRunner().invoke(app, ["assess", "us/18-usc/2319", "--offender", "person",
                                     "--retail-value", "5000", "--willful",
                                     "--commercial-advantage", "--offence-date", "2020-01-01"])
    assert found.exit_code == 0, found.output
    assert "Not given (the tier or the ranges may depend on them): copies" in found.output
