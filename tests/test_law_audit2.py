"""Second legal audit of issue 14's new provisions: references that tell the ranges apart
(China Art. 217 and its judicial interpretations), a summary-only offence given as tried on
indictment (UK CDPA s.107(5)), and ranges printed twice (Russia УК РФ Art. 146(2)).

The law itself is in each file's golden cases (``penalties validate``); these tests pin what
the output must let a reader see.
"""

from __future__ import annotations

from datetime import date

import pytest

import penalties
from penalties import assess

__all__: list[str] = []

AUDITED = ("cn/criminal-law/217", "ru/criminal-code/146", "uk/cdpa-1988/107",
           "ph/ip-code/217", "in/copyright-act/63", "br/codigo-penal/184")


# --- China Art. 217: each penalty range has its own reference -------------------------------

def test_every_version_of_art_217_names_its_two_ranges_apart() -> None:
    statute = penalties.get_provision("cn/criminal-law/217")
    for version in statute.versions:
        for subject, tiers in version.tiers.items():
            refs = [tier.ref for tier in tiers]
            assert len(set(refs)) == len(refs), (version.effective_from, subject, refs)


@pytest.mark.parametrize(("day", "first", "second"), [
    (date(2000, 6, 1), "Fa Shi [1998] No. 30 Art. 2(1)", "Fa Shi [1998] No. 30 Art. 2(2)"),
    (date(2006, 1, 1), "Fa Shi [2004] No. 19 Art. 5(1)", "Fa Shi [2004] No. 19 Art. 5(2)"),
    (date(2022, 1, 1), "Fa Shi [2004] No. 19 Art. 5(1)", "Fa Shi [2004] No. 19 Art. 5(2)"),
    (date(2025, 6, 1), "Fa Shi [2025] No. 5 Art. 13(1)", "Fa Shi [2025] No. 5 Art. 13(3)"),
])
def test_a_person_s_tier_names_the_range_and_the_article_that_sets_its_figures(
        day: date, first: str, second: str) -> None:
    high = assess("cn-217", {"offender": "person", "illicit_profit": 1_000_000,
                             "offence_date": day})
    assert high.tier is not None
    assert high.tier.ref.startswith("217(second range; ")
    assert second in high.tier.ref
    first_case = assess("cn-217", {"offender": "person", "illicit_profit": 60_000,
                                   "offence_date": day})
    assert first_case.tier is not None
    assert first_case.tier.ref.startswith("217(first range; ")
    assert first in first_case.tier.ref


def test_the_margins_of_art_217_say_which_range_is_reached() -> None:
    result = assess("cn-217", {"offender": "person", "illicit_profit": 100_000,
                               "offence_date": date(2022, 1, 1)})
    (margin,) = [m for m in penalties.margins(result) if m.fact == "illicit_profit"]
    assert margin.up is not None
    assert "reaches 217(second range; " in margin.up
    high = assess("cn-217", {"offender": "person", "illicit_profit": 300_000,
                             "offence_date": date(2022, 1, 1)})
    (down,) = [m for m in penalties.margins(high) if m.fact == "illicit_profit"]
    assert down.down is not None
    assert "falls to 217(first range; " in down.down


def test_a_unit_s_tier_names_art_220_and_the_range_of_its_persons_in_charge() -> None:
    result = assess("cn-217", {"offender": "entity", "illicit_profit": 300_000,
                               "offence_date": date(2025, 6, 1)})
    assert result.tier is not None
    assert result.tier.id == "u2"
    assert result.tier.ref == "220(217 second range; Fa Shi [2025] No. 5 Arts. 13(3), 26)"
    first = assess("cn-217", {"offender": "entity", "illicit_profit": 30_000,
                              "offence_date": date(2025, 6, 1)})
    assert first.tier is not None
    assert first.tier.ref == "220(217 first range; Fa Shi [2025] No. 5 Arts. 13(1), 26)"
    assert any("依照本解释规定的定罪量刑标准" in note for note in first.notes)


# --- UK s.107(5): a summary-only offence given as tried on indictment ----------------------

@pytest.mark.parametrize("act", ["107-1-c", "107-1-d", "107-2", "107-3"])
def test_a_summary_only_act_on_indictment_says_the_procedure_is_not_used(act: str) -> None:
    result = assess("uk/cdpa-1988/107", {"offender": "person", "act": act,
                                         "procedure": "indictment",
                                         "offence_date": date(2025, 6, 1)})
    assert result.tier is not None
    assert result.tier.id == "5"
    assert any("SUMMARY ONLY" in note and "'indictment'" in note for note in result.notes)


def test_an_either_way_act_carries_no_summary_only_note() -> None:
    result = assess("uk/cdpa-1988/107", {"offender": "person", "act": "107-1-a",
                                         "procedure": "indictment",
                                         "offence_date": date(2025, 6, 1)})
    assert result.tier is not None
    assert result.tier.id == "4-indictment"
    assert not any("SUMMARY ONLY" in note for note in result.notes)


# --- no range printed twice ----------------------------------------------------------------

def test_russia_part_2_shows_each_range_once() -> None:
    result = assess("ru/criminal-code/146", {"offender": "person", "goods_value": 2_000_000,
                                             "offence_date": date(2025, 6, 1)})
    assert result.tier is not None
    assert result.tier.id == "2"
    rows = [(p.kind, p.low, p.high, p.min_months, p.max_months) for p in result.principal]
    assert len(rows) == len(set(rows)), rows
    assert [p.kind for p in result.principal] == ["fine", "community_sentence", "imprisonment"]
    assert len(result.notes) == len(set(result.notes)), result.notes


@pytest.mark.parametrize("provision", AUDITED)
def test_no_tier_of_the_audited_files_lists_the_same_penalty_twice(provision: str) -> None:
    statute = penalties.get_provision(provision)
    for version in statute.versions:
        for tier in version.model.tiers:
            rows = [(p.kind, p.min, p.max, p.min_months, p.max_months, p.no_maximum)
                    for p in tier.principal]
            assert len(rows) == len(set(rows)), (provision, version.effective_from, tier.id)
