"""Every rule shape of the statute format, on small synthetic statutes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from penalties import Catalog, InvalidFacts, StatuteFileError, assess

Writer = Callable[..., Path]
CITE = {"clause": "1", "quote": "q", "translation": "t", "source": "s", "confidence": "C"}
#: How leniency is judged by the test statutes (a jurisdiction without general rules).
LENIENCY = {"order": ["tier", "imprisonment.max", "community_sentence.max", "fine.max",
                      "imprisonment.min", "community_sentence.min", "fine.min"],
            "citation": CITE}


def statute(**top: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "schema_version": 1, "id": "xx/shapes/1", "jurisdiction": "XX", "instrument": "Shapes",
        "article": "1", "language": "en", "currency": "USD",
        "title": {"original": "Shapes", "en": "Shapes"},
        "subjects": [{"kind": "person", "label": "individual"},
                     {"kind": "entity", "label": "organisation"}],
        "versions": [{"effective_from": "2000-01-01", "sources": [{"title": "s"}], "tiers": []}],
    }
    base.update(top)
    return base


def tier(id_: str, when: dict[str, Any], principal: list[dict[str, Any]], rank: int = 1,
         subject: str = "person", **extra: Any) -> dict[str, Any]:
    return {"id": id_, "subject": subject, "rank": rank, "when": when, "principal": principal,
            "citation": {**CITE, "clause": id_}, **extra}


def load(write: Writer, data: dict[str, Any], name: str = "s.toml") -> Catalog:
    from datetime import date

    def dates(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: dates(v) for k, v in value.items()}
        if isinstance(value, list):
            return [dates(v) for v in value]
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            return date.fromisoformat(value)
        return value

    path = write(dates(copy.deepcopy(data)), name)
    return Catalog([path.parent], builtin=False, use_env=False)


def run(catalog: Catalog, **facts: Any) -> Any:
    facts.setdefault("offence_date", "2020-06-01")
    facts.setdefault("offender", "person")
    return assess("xx/shapes/1", facts, catalog=catalog)


def test_greatest_of_with_facts(write_statute: Writer) -> None:
    data = statute()
    data["versions"][0]["tiers"] = [tier("1", {"always": True}, [{
        "kind": "fine", "max": {"greatest_of": [
            {"amount": 250000, "ref": "3571(b)(3)"},
            {"fact": "gross_gain", "times": 2, "ref": "3571(d)"},
            {"fact": "gross_loss", "times": 2, "ref": "3571(d)"}]}}])]
    catalog = load(write_statute, data)
    plain = run(catalog)
    assert plain.principal[0].max.amount == 250000
    assert "2 × gross_gain: not given" in plain.principal[0].basis[0]
    big = run(catalog, gross_gain="900000 USD")
    assert big.principal[0].max.amount == 1800000
    assert big.principal[0].basis == (
        "maximum: greatest of: USD 250,000 (3571(b)(3)); 2 × gross_gain USD 900,000 = "
        "USD 1,800,000 (3571(d)); 2 × gross_loss: not given (3571(d))",)
    with pytest.raises(InvalidFacts, match="gross_gain: the amount needs a currency"):
        run(catalog, gross_gain="900000")


def test_per_item_ranges_and_total_cap(write_statute: Writer) -> None:
    data = statute()
    data["versions"][0]["tiers"] = [tier("1", {"quantity": "works", "from": 1}, [{
        "kind": "statutory_damages", "min": 750, "max": 30000, "per": "works",
        "total_max": 100000}])]
    catalog = load(write_statute, data)
    result = run(catalog, works=3)
    damages = result.principal[0]
    assert (damages.min.amount, damages.max.amount) == (2250, 90000)
    assert (damages.per_item_min.amount, damages.per_item_max.amount, damages.per_count) == (
        750, 30000, 3)
    assert run(catalog, works=5).principal[0].max.amount == 100000
    assert run(catalog).tier is None


def test_units_valued_on_the_offence_date(write_statute: Writer) -> None:
    data = statute(units={"name": "penalty unit", "citation": CITE, "values": [
        {"effective_from": "2012-12-28", "amount": 170, "source": "a", "confidence": "S"},
        {"effective_from": "2023-01-01", "amount": 275, "source": "b", "confidence": "C"}]})
    data["versions"][0]["tiers"] = [tier("1", {"always": True}, [
        {"kind": "fine", "max": {"units": 550}}])]
    catalog = load(write_statute, data)
    assert run(catalog, offence_date="2022-12-31").principal[0].max.amount == 93500
    after = run(catalog, offence_date="2023-01-01").principal[0]
    assert after.max.amount == 151250
    assert "550 × penalty unit USD 275 (from 2023-01-01, [C] b)" in after.basis[0]


def test_derived_subject_with_modifiers_and_caps(write_statute: Writer) -> None:
    data = statute()
    data["subjects"][1].update(tiers_from="person", exclude_kinds=["imprisonment"])
    version = data["versions"][0]
    version["tiers"] = [
        tier("1", {"always": True}, [{"kind": "fine", "max": 300000},
                                     {"kind": "imprisonment", "max_months": 36}],
             principal_rule="any_of"),
        tier("2", {"fact": "organised"}, [{"kind": "fine", "max": 750000},
                                          {"kind": "imprisonment", "max_months": 84}],
             rank=2, principal_rule="any_of"),
    ]
    version["modifiers"] = [
        {"id": "legal-person", "subject": "entity", "factor": 5, "applies_to": ["fine.max"],
         "citation": CITE},
        {"id": "recidivism", "when": {"fact": "prior_conviction"}, "factor": 2,
         "applies_to": ["fine.max", "imprisonment.max"], "citation": CITE},
    ]
    version["caps"] = [{"subject": "entity", "kind": "fine", "max": 5000000, "citation": CITE}]
    catalog = load(write_statute, data)
    person = run(catalog, prior_conviction=True)
    assert [(p.kind, p.max.amount if p.max else p.max_months) for p in person.principal] == [
        ("fine", 600000), ("imprisonment", 72)]
    assert person.principal_rule == "any_of"
    entity = run(catalog, offender="entity", organised=True)
    assert [(p.kind, p.max.amount) for p in entity.principal] == [("fine", 3750000)]
    capped = run(catalog, offender="entity", organised=True, prior_conviction=True)
    assert capped.principal[0].max.amount == 5000000  # 7,500,000 capped
    assert "capped at" in capped.principal[0].basis[-1]


def test_none_and_act_triggers(write_statute: Writer) -> None:
    data = statute(acts=[{"id": "copying", "label": "copying a work"},
                         {"id": "import", "label": "importing copies"}])
    data["versions"][0]["tiers"] = [
        tier("ordinary", {"all": [{"act": "copying"},
                                  {"none": [{"fact": "willful"}, {"fact": "innocent"}]}]},
             [{"kind": "fine", "max": 100}], rank=1),
        tier("willful", {"all": [{"act": "copying"}, {"fact": "willful"}]},
             [{"kind": "fine", "max": 500}], rank=2),
        tier("innocent", {"all": [{"act": "copying"}, {"fact": "innocent"}]},
             [{"kind": "fine", "max": 20}], rank=0),
    ]
    catalog = load(write_statute, data)
    assert run(catalog, act="copying").tier.id == "ordinary"
    assert run(catalog, act="copying", willful=True).tier.id == "willful"
    assert run(catalog, act="copying", innocent=True).tier.id == "innocent"
    assert run(catalog, act="import").tier is None
    assert run(catalog).not_given == ("act",)


def test_unknown_act_in_a_trigger_is_a_file_error(write_statute: Writer) -> None:
    data = statute(acts=[{"id": "copying", "label": "copying"}])
    data["versions"][0]["tiers"] = [tier("1", {"act": "printing"}, [{"kind": "fine", "max": 1}])]
    with pytest.raises(StatuteFileError, match=r"when.act: unknown act 'printing' \(acts: "
                       r"copying\)"):
        load(write_statute, data).ids()


def test_history_window_on_a_judgment_date(write_statute: Writer) -> None:
    data = statute()
    version = data["versions"][0]
    version["tiers"] = [tier("1", {"always": True},
                             [{"kind": "statutory_damages", "min": 200, "max": 2500}])]
    version["modifiers"] = [{"id": "repeat", "when": {"fact": "prior_judgment"}, "factor": 3,
                             "applies_to": ["statutory_damages.max"], "citation": CITE}]
    version["history"] = [{"fact": "prior_judgment", "subject": "person", "window_months": 36,
                           "anchor": "a final judgment", "citation": CITE}]
    catalog = load(write_statute, data)
    within = run(catalog, prior_judgment_date="2017-06-01")
    assert within.principal[0].max.amount == 7500
    assert run(catalog, prior_judgment_date="2017-05-31").principal[0].max.amount == 2500
    later = run(catalog, prior_judgment_date="2020-07-01")  # entered after the violation
    assert later.principal[0].max.amount == 2500
    assert any("is not before the offence date" in note for note in later.notes)


def test_version_selected_by_the_action_date(write_statute: Writer) -> None:
    data = statute(version_date="action_date")
    data["versions"] = [
        {"effective_from": "1990-01-01", "sources": [{"title": "s"}],
         "tiers": [tier("1", {"always": True}, [{"kind": "fine", "max": 100}])]},
        {"effective_from": "2000-01-01", "sources": [{"title": "s"}],
         "tiers": [tier("1", {"always": True}, [{"kind": "fine", "max": 200}])]},
    ]
    catalog = load(write_statute, data)
    sued_later = run(catalog, offence_date="1999-06-01", action_date="2001-01-01")
    assert sued_later.principal[0].max.amount == 200
    assert "when the action was brought: 2001-01-01" in sued_later.notes[0]
    unknown = run(catalog, offence_date="1999-06-01")
    assert unknown.principal[0].max.amount == 100
    assert "no action_date was given" in unknown.notes[0]


def test_predecessor_and_lex_mitior(write_statute: Writer) -> None:
    old = statute(id="xx/old/1", repealed_on="2018-01-01", repealed_by="the new code")
    old["subjects"] = old["subjects"][:1]
    old["versions"][0]["tiers"] = [tier("1", {"fact": "commercial_scale"}, [
        {"kind": "fine", "max": 500}, {"kind": "community_sentence", "max_months": 24}])]
    new = statute(id="xx/shapes/1", predecessor="xx/old/1",
                  lex_mitior={"citation": {**CITE, "article": "7", "clause": "3"},
                              "leniency": LENIENCY})
    new["subjects"][1]["liable_from"] = "2018-01-01"
    new["subjects"][1]["liability_citation"] = CITE
    new["versions"][0]["effective_from"] = "2018-01-01"
    new["versions"][0]["tiers"] = [tier("1", {"fact": "commercial_scale"}, [
        {"kind": "fine", "max": 300}, {"kind": "community_sentence", "max_months": 36}])]
    load(write_statute, old, "a/old.toml")
    catalog = load(write_statute, new, "a/new.toml")
    before = run(catalog, commercial_scale=True, offence_date="2016-05-01")
    assert before.provision.id == "xx/old/1"
    assert "the law in force then was xx/old/1" in before.notes[0]
    tried = run(catalog, commercial_scale=True, offence_date="2016-05-01",
                trial_date="2019-01-01")
    assert tried.provision.id == "xx/old/1"  # 24 months < 36 months: the old law is lighter
    assert "not more lenient" in tried.law_choice[-1]
    entity = run(catalog, offender="entity", commercial_scale=True, offence_date="2016-05-01")
    assert entity.liable is False
    with pytest.raises(LookupError, match="repealed on 2018-01-01 by the new code"):
        assess("xx/old/1", {"offender": "person", "offence_date": "2019-01-01"},
               catalog=catalog)


def test_lex_mitior_picks_the_later_law_when_lighter(write_statute: Writer) -> None:
    old = statute(id="xx/old/1", repealed_on="2018-01-01")
    old["versions"][0]["tiers"] = [tier("1", {"fact": "organised"}, [
        {"kind": "imprisonment", "max_months": 60}])]
    new = statute(predecessor="xx/old/1", lex_mitior={"citation": CITE, "leniency": LENIENCY})
    new["versions"][0]["effective_from"] = "2018-01-01"
    new["versions"][0]["tiers"] = [tier("1", {"fact": "organised"}, [
        {"kind": "imprisonment", "max_months": 36}])]
    load(write_statute, old, "b/old.toml")
    catalog = load(write_statute, new, "b/new.toml")
    result = run(catalog, organised=True, offence_date="2016-05-01", trial_date="2019-01-01")
    assert result.provision.id == "xx/shapes/1"
    assert result.principal[0].max_months == 36
    assert "more lenient (the maximum imprisonment is lower)" in result.law_choice[-1]
