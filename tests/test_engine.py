"""The engine against Articles 225 and 226: every boundary, trigger, history rule and date."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from penalties import (
    Facts,
    InvalidFacts,
    NoVersionInForce,
    assess,
)
from penalties.assessment._law import add_months

D = "2018-03-19"
M = 1_000_000  # one million dong, to keep the tables readable
DM = Decimal(M)


def tier_of(provision: str, **facts: Any) -> str | None:
    facts.setdefault("offence_date", D)
    result = assess(provision, facts)
    return result.tier.id if result.tier else None


# (quantity, amount, expected tier) for natural persons; written from the statute text
# (legal-sources.md §1.2-1.3), not from the data files.
PERSON_225 = [
    ("illicit_profit", 50 * M - 1, None), ("illicit_profit", 50 * M, "1"),
    ("illicit_profit", 50 * M + 1, "1"), ("illicit_profit", 300 * M - 1, "1"),
    ("illicit_profit", 300 * M, "2"), ("illicit_profit", 300 * M + 1, "2"),
    ("damage", 100 * M - 1, None), ("damage", 100 * M, "1"), ("damage", 100 * M + 1, "1"),
    ("damage", 500 * M - 1, "1"), ("damage", 500 * M, "2"), ("damage", 500 * M + 1, "2"),
    ("goods_value", 100 * M - 1, None), ("goods_value", 100 * M, "1"),
    ("goods_value", 100 * M + 1, "1"), ("goods_value", 500 * M - 1, "1"),
    ("goods_value", 500 * M, "2"), ("goods_value", 500 * M + 1, "2"),
]
PERSON_226 = [
    ("illicit_profit", 100 * M - 1, None), ("illicit_profit", 100 * M, "1"),
    ("illicit_profit", 100 * M + 1, "1"), ("illicit_profit", 300 * M - 1, "1"),
    ("illicit_profit", 300 * M, "2"), ("illicit_profit", 300 * M + 1, "2"),
    ("damage", 200 * M - 1, None), ("damage", 200 * M, "1"), ("damage", 200 * M + 1, "1"),
    ("damage", 500 * M - 1, "1"), ("damage", 500 * M, "2"), ("damage", 500 * M + 1, "2"),
    ("goods_value", 200 * M - 1, None), ("goods_value", 200 * M, "1"),
    ("goods_value", 200 * M + 1, "1"), ("goods_value", 500 * M - 1, "1"),
    ("goods_value", 500 * M, "2"), ("goods_value", 500 * M + 1, "2"),
]
# Commercial legal entities without history: the first limb of 4(a), then 4(b). Same
# thresholds in both articles.
ENTITY = [
    ("illicit_profit", 200 * M - 1, None), ("illicit_profit", 200 * M, "4a"),
    ("illicit_profit", 200 * M + 1, "4a"), ("illicit_profit", 300 * M - 1, "4a"),
    ("illicit_profit", 300 * M, "4b"), ("illicit_profit", 300 * M + 1, "4b"),
    ("damage", 300 * M - 1, None), ("damage", 300 * M, "4a"), ("damage", 300 * M + 1, "4a"),
    ("damage", 500 * M - 1, "4a"), ("damage", 500 * M, "4b"), ("damage", 500 * M + 1, "4b"),
    ("goods_value", 300 * M - 1, None), ("goods_value", 300 * M, "4a"),
    ("goods_value", 300 * M + 1, "4a"), ("goods_value", 500 * M - 1, "4a"),
    ("goods_value", 500 * M, "4b"), ("goods_value", 500 * M + 1, "4b"),
]
# Second limb of 4(a): lower bands count only with a live prior penalty.
ENTITY_WITH_HISTORY = [
    ("illicit_profit", 100 * M - 1, None), ("illicit_profit", 100 * M, "4a"),
    ("illicit_profit", 200 * M - 1, "4a"), ("damage", 100 * M - 1, None),
    ("damage", 100 * M, "4a"), ("damage", 300 * M - 1, "4a"),
    ("goods_value", 100 * M - 1, None), ("goods_value", 100 * M, "4a"),
    ("goods_value", 300 * M - 1, "4a"),
]


@pytest.mark.parametrize(("quantity", "amount", "expected"), PERSON_225)
def test_225_person_boundaries(quantity: str, amount: int, expected: str | None) -> None:
    assert tier_of("vn/penal-code/225", offender="person", **{quantity: amount}) == expected


@pytest.mark.parametrize(("quantity", "amount", "expected"), PERSON_226)
def test_226_person_boundaries(quantity: str, amount: int, expected: str | None) -> None:
    assert tier_of("vn/penal-code/226", offender="person", **{quantity: amount}) == expected


@pytest.mark.parametrize("provision", ["vn/penal-code/225", "vn/penal-code/226"])
@pytest.mark.parametrize(("quantity", "amount", "expected"), ENTITY)
def test_entity_boundaries(provision: str, quantity: str, amount: int,
                           expected: str | None) -> None:
    assert tier_of(provision, offender="entity", **{quantity: amount}) == expected


@pytest.mark.parametrize("provision", ["vn/penal-code/225", "vn/penal-code/226"])
@pytest.mark.parametrize("history", ["prior_admin_penalty", "prior_conviction"])
@pytest.mark.parametrize(("quantity", "amount", "expected"), ENTITY_WITH_HISTORY)
def test_entity_second_limb(provision: str, history: str, quantity: str, amount: int,
                            expected: str | None) -> None:
    assert tier_of(provision, offender="entity", **{quantity: amount, history: True}) == expected
    # Without the history the same amount selects nothing.
    assert tier_of(provision, offender="entity", **{quantity: amount}) is None


@pytest.mark.parametrize("provision", ["vn-225", "vn-226"])
@pytest.mark.parametrize(("facts", "person", "entity", "point"), [
    ({"organised": True}, "2", "4b", "(2)(a)"),
    ({"times": 2}, "2", "4b", "(2)(b)"),
    ({}, "1", "4a", ""),
])
def test_boolean_and_count_triggers(provision: str, facts: dict[str, Any], person: str,
                                    entity: str, point: str) -> None:
    on_scale = {"commercial_scale": True, **facts}
    assert tier_of(provision, offender="person", **on_scale) == person
    result = assess(provision, {"offender": "entity", "offence_date": D, **on_scale})
    assert result.tier is not None
    assert result.tier.id == entity
    assert result.tier.reasons[-1].ref.startswith(provision[-3:] + point)


@pytest.mark.parametrize("provision", ["vn-225", "vn-226"])
@pytest.mark.parametrize("offender", ["person", "entity"])
@pytest.mark.parametrize("facts", [{"organised": True}, {"times": 5}])
def test_aggravating_circumstances_need_the_basic_elements(provision: str, offender: str,
                                                            facts: dict[str, Any]) -> None:
    # Clause 2 aggravates the offence of clause 1: organised or repeated conduct without any
    # element of the offence is not the offence (doctrine of constituent elements, [S]).
    assert tier_of(provision, offender=offender, **facts) is None


def test_once_is_not_a_clause_2_circumstance() -> None:
    assert tier_of("vn-225", offender="person", times=1) is None


def test_most_severe_tier_wins_and_lesser_ones_are_reported() -> None:
    result = assess("vn-225", {"offender": "person", "illicit_profit": 60 * M,
                               "organised": True, "offence_date": D})  # organised + element
    assert result.tier is not None
    assert result.tier.id == "2"
    assert [t.id for t in result.also_met] == ["1"]


def test_every_fired_trigger_is_reported_with_figures() -> None:
    result = assess("vn-225", {"offender": "person", "illicit_profit": 400 * M, "times": 3,
                               "goods_value": 600 * M, "offence_date": D})
    assert result.tier is not None
    reasons = {r.ref: r for r in result.tier.reasons}
    assert list(reasons) == ["225(2) [elements of clause 1]", "225(2)(b)", "225(2)(c)",
                             "225(2)(đ)"]
    profit = reasons["225(2)(c)"]
    assert profit.text == ("225(2)(c): illicit_profit VND 400,000,000 is VND 300,000,000 or more")
    assert profit.to_dict()["value"] == {"amount": "400000000", "currency": "VND"}
    assert profit.interval == "[300000000, ∞)"
    assert reasons["225(2)(b)"].to_dict()["value"] == 3


def test_principal_alternatives_and_additional_penalties_for_persons() -> None:
    result = assess("vn-225", {"offender": "person", "damage": 100 * M, "offence_date": D})
    fine, reform = result.principal
    assert fine.min is not None
    assert fine.max is not None
    assert (fine.kind, fine.min.amount, fine.max.amount) == ("fine", 50 * DM, 300 * DM)
    assert (reform.kind, reform.min_months, reform.max_months) == ("community_sentence", 6, 36)
    assert reform.min_source == "36(1) [C]"  # "up to 03 years": the floor comes from Art. 36
    extra_fine, ban = result.additional
    # Art. 32(2)(e): a fine is additional only when the principal penalty is not a fine.
    assert extra_fine.only_with_principal == ("community_sentence",)
    assert (ban.kind, ban.min_months, ban.max_months) == ("occupation_ban", 12, 60)


def test_entity_additional_fine_is_dropped_when_the_only_principal_is_a_fine() -> None:
    result = assess("vn-225", {"offender": "entity", "illicit_profit": 250 * M,
                               "offence_date": D})
    assert [p.kind for p in result.additional] == ["business_ban", "capital_raising_ban"]
    assert any("33(2)(c)" in note for note in result.notes)


def test_entity_suspension_and_additional_fine_with_it() -> None:
    result = assess("vn-226", {"offender": "entity", "organised": True,
                               "commercial_scale": True, "offence_date": D})
    assert [(p.kind, p.min_months, p.max_months) for p in result.principal][1] == (
        "suspension", 6, 24)
    fine = result.additional[0]
    assert fine.min is not None
    assert fine.max is not None
    assert (fine.kind, fine.min.amount, fine.max.amount) == ("fine", 100 * DM, 500 * DM)
    assert fine.only_with_principal == ("suspension",)


# --- dates ------------------------------------------------------------------------------


def test_entities_are_not_liable_for_acts_before_2018() -> None:
    result = assess("vn-225", {"offender": "entity", "illicit_profit": 5000 * M,
                               "offence_date": "2017-12-31"})
    assert result.liable is False
    assert result.tier is None
    assert "Resolution No. 41/2017/QH14 Art. 2(1)(h)" in result.notes[0]
    assert assess("vn-225", {"offender": "entity", "illicit_profit": 5000 * M,
                             "offence_date": "2018-01-01"}).tier is not None


def test_before_2018_the_1999_code_applies_and_before_2010_nothing_is_encoded() -> None:
    earlier = assess("vn-225", {"offender": "person", "commercial_scale": True,
                                "offence_date": "2017-12-31"})
    assert earlier.provision.id == "vn/penal-code-1999/170a"
    with pytest.raises(NoVersionInForce, match=r"vn/penal-code-1999/170a: no version in force "
                       r"on 2009-12-31 \(versions cover 2010-01-01 to 2017-12-31\)") as info:
        assess("vn-225", {"offender": "person", "offence_date": "2009-12-31"})
    assert isinstance(info.value, LookupError)


def test_without_an_offence_date_today_is_used_and_said() -> None:
    result = assess("vn-225", {"offender": "person", "organised": True},
                    today=date(2026, 11, 28))
    assert result.offence_date == date(2026, 11, 28)
    assert result.date_basis.startswith("today")


# --- history ----------------------------------------------------------------------------


@pytest.mark.parametrize(("completed", "offence", "counts"), [
    ("2017-03-10", "2018-03-10", True),   # last day of the 1-year window
    ("2017-03-10", "2018-03-11", False),  # one day later
    ("2018-01-31", "2019-01-31", True),
    ("2018-06-01", "2018-06-01", True),
])
def test_administrative_penalty_counts_for_one_year(completed: str, offence: str,
                                                    counts: bool) -> None:
    result = assess("vn-225", {"offender": "entity", "illicit_profit": 150 * M,
                               "prior_admin_penalty_completed": completed,
                               "offence_date": offence})
    assert (result.tier is not None) is counts
    if counts:
        assert result.tier is not None
        assert "Violations No. 15/2012/QH13 Art. 7(1) [S]" in result.tier.reasons[1].text
    else:
        assert any("stopped counting" in n for n in result.notes)


@pytest.mark.parametrize(("completed", "offence", "counts"), [
    ("2018-05-20", "2020-05-20", True),   # Art. 89: 2 years
    ("2018-05-20", "2020-05-21", False),
])
def test_entity_conviction_counts_until_expunged(completed: str, offence: str,
                                                 counts: bool) -> None:
    result = assess("vn-226", {"offender": "entity", "goods_value": 150 * M,
                               "prior_conviction_completed": completed,
                               "offence_date": offence})
    assert (result.tier is not None) is counts


def test_a_true_flag_contradicted_by_its_date_is_an_error() -> None:
    with pytest.raises(InvalidFacts, match="contradictory facts: prior_admin_penalty is true"):
        assess("vn-225", {"offender": "entity", "illicit_profit": 150 * M,
                          "prior_admin_penalty": True,
                          "prior_admin_penalty_completed": "2010-01-01", "offence_date": D})


def test_a_true_flag_contradicted_by_its_date_is_an_error_whatever_the_tier_reads() -> None:
    """A fresh user's test (2026-12-03): with damage of VND 59,641,786 the entity's tiers
    never asked for the flag, so ``assess`` and batch answered "no tier" while the command
    line (its margins asked) refused the same facts. Facts that contradict each other under
    the provision's history rule are an error on every path."""
    from penalties import assess_many

    facts = {"offender": "entity", "damage": "59641786", "prior_admin_penalty": True,
             "prior_admin_penalty_completed": "2015-01-01", "offence_date": "2019-06-30"}
    with pytest.raises(InvalidFacts, match="contradictory facts: prior_admin_penalty is true"):
        assess("vn-225", facts)
    [row] = assess_many([facts], "vn-225")
    assert "contradictory facts: prior_admin_penalty is true" in str(row.error)
    assert assess("vn-225", {**facts, "prior_admin_penalty_completed": "2019-01-01"}).liable


def test_the_check_of_a_flag_against_its_date_asks_for_nothing_else() -> None:
    """A reviewer's test (2026-12-03): the check above asked a person with a prior
    conviction and its completion date for ``prior_sentence`` (the rule's category) under
    Art. 225, where no tier reads the flag; the case had been answered."""
    facts = {"offender": "person", "illicit_profit": "10000000", "prior_conviction": True,
             "prior_conviction_completed": "2015-01-01", "offence_date": "2019-06-30"}
    assert assess("vn-225", facts).tier is None


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2018, 1, 31), 1) == date(2018, 2, 28)
    assert add_months(date(2018, 11, 30), 14) == date(2020, 1, 30)


# --- facts the provision does not use / needs --------------------------------------------


def test_ignored_and_missing_facts_are_named() -> None:
    result = assess("vn-225", {"offender": "person", "illicit_profit": 60 * M,
                               "prior_admin_penalty": True, "offence_date": D})
    assert result.ignored == ("prior_admin_penalty",)
    assert result.not_given == ("damage", "goods_value")


def test_amount_in_another_currency_is_converted_at_the_offence_date() -> None:
    result = assess("vn-225", {"offender": "person", "illicit_profit": "10000 USD",
                               "offence_date": D})
    # 10,000 USD at the February 2018 month-end rate of 22,463 VND per USD
    assert result.tier is not None
    assert result.tier.id == "1"  # VND 224,630,000 is under the 300,000,000 of clause 2
    assert result.tier.reasons[0].figure == Decimal("224630000")
    assert result.inputs[0].text.startswith(
        "illicit_profit: USD 10,000 = VND 224,630,000 at 22,463 VND per USD (IMF monthly "
        "end-of-period")
    assert result.inputs[0].text.endswith("the legal tests use this exact figure")
    on_purpose = assess("vn-225", {"offender": "person", "illicit_profit": "10000 USD",
                                   "offence_date": D}, input_rate_date=date(2012, 6, 30))
    assert on_purpose.tier is not None
    figure = on_purpose.tier.reasons[0].figure
    assert figure is not None
    assert figure < Decimal("224630000")


def test_an_unknown_rate_source_for_an_amount_in_another_currency_is_an_error() -> None:
    from rates.errors import UnknownSource

    with pytest.raises(UnknownSource, match="unknown rate source 'nowhere'"):
        assess("vn-225", {"offender": "person", "illicit_profit": "10000 USD",
                          "offence_date": D}, rate_source="nowhere")


def test_a_facts_object_is_accepted_as_is() -> None:
    facts = Facts(offender="person", organised=True, offence_date=D)
    assert assess("vn-225", facts).liable


# --- output -----------------------------------------------------------------------------


def test_json_document_shape() -> None:
    result = assess("vn/penal-code/225", {"offender": "entity", "illicit_profit": "250000000",
                                          "offence_date": D})
    doc = json.loads(result.to_json())
    assert doc["provision"]["id"] == "vn/penal-code/225"
    assert doc["provision"]["version"] == "2018-01-01"
    assert doc["offender"] == "entity"
    assert doc["tier"]["id"] == "4a"
    assert doc["tier"]["reasons"][0]["ref"] == "225(4)(a)"
    assert doc["principal"] == [{
        "kind": "fine", "ref": "225(4)(a)",
        "min": {"amount": "300000000", "currency": "VND"},
        "max": {"amount": "1000000000", "currency": "VND"},
    }]
    assert doc["additional"][0] == {"kind": "business_ban", "ref": "225(4)(c)",
                                    "min_months": 12, "max_months": 36}
    assert doc["facts"]["illicit_profit"] == {"amount": "250000000", "currency": "VND"}


def test_no_tier_says_administrative_sanctions_may_apply() -> None:
    result = assess("vn-225", {"offender": "person", "illicit_profit": 10 * M,
                               "offence_date": D})
    doc = result.to_dict()
    assert doc["tier"] is None
    assert doc["principal"] == []
    assert "administrative sanctions may apply" in doc["notes"][-1]


def test_an_act_the_provision_does_not_name_is_refused_not_ignored() -> None:
    from penalties import InvalidFacts

    facts = {"offender": "entity", "act": "83-5a", "offence_date": "2019-01-01"}
    with pytest.raises(InvalidFacts, match=r"act: '83-5a' is not an act of eu/gdpr/83 "
                       r"\(allowed: 83-4-a, .*83-5-a"):
        assess("eu/gdpr/83", facts)
    assert assess("eu/gdpr/83", {**facts, "act": "83-5-a"}).tier is not None
    ignored = assess("vn-225", {"offender": "entity", "act": "anything",
                                "illicit_profit": "250000000", "offence_date": "2019-01-01"})
    assert "act" in ignored.ignored  # a provision without acts does not read it
