"""Loading statute files: the built-in catalogue, user directories and every kind of bad file."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from penalties import (
    Catalog,
    InvalidFacts,
    StatuteFileError,
    UnknownProvision,
    assess,
    load_statute,
)
from penalties.statutes._catalog import ENV_VAR, _reset_default_catalog, builtin_directory

Writer = Callable[..., Path]


def problems(exc: StatuteFileError) -> dict[str, str]:
    return {p.location: p.message for p in exc.problems}


def test_builtin_catalogue_ids_and_aliases() -> None:
    catalog = Catalog(use_env=False)
    assert {"vn/penal-code/225", "vn/penal-code/226"} <= set(catalog.ids())
    assert catalog.get("VN-225").id == "vn/penal-code/225"
    assert catalog.get(" vn/penal-code/226 ").id == "vn/penal-code/226"
    assert len(catalog) == len(catalog.ids())


def test_unknown_provision_lists_the_known_ones() -> None:
    with pytest.raises(UnknownProvision, match=r"unknown provision 'vn-999' \(known: .*"
                       r"vn/penal-code/225, vn/penal-code/226") as info:
        Catalog(use_env=False).get("vn-999")
    assert isinstance(info.value, LookupError)


def test_a_valid_user_file_loads(write_statute: Writer, statute_data: dict[str, Any]) -> None:
    path = write_statute(statute_data)
    statute = load_statute(path)
    assert statute.id == "xx/test-code/1"
    catalog = Catalog([path.parent], use_env=False)
    result = assess("xx-1", {"offender": "entity", "organised": True,
                             "offence_date": "2020-01-01"}, catalog=catalog)
    assert result.tier is not None
    assert result.tier.id == "3"
    assert result.tier.reasons[0].ref == "1(2)(a)"


def test_env_var_adds_directories(write_statute: Writer, statute_data: dict[str, Any],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_statute(statute_data)
    monkeypatch.setenv(ENV_VAR, str(path.parent))
    _reset_default_catalog()
    try:
        assert assess("xx/test-code/1", {"offender": "person", "illicit_profit": 150,
                                         "offence_date": "2019-01-01"}).tier is not None
    finally:
        monkeypatch.delenv(ENV_VAR)
        _reset_default_catalog()


def test_duplicate_ids_name_both_files(write_statute: Writer,
                                       statute_data: dict[str, Any]) -> None:
    first = write_statute(statute_data, "a/one.toml")
    write_statute(statute_data, "a/two.toml")
    with pytest.raises(StatuteFileError, match=r"two\.toml: id: 'xx/test-code/1' is already "
                       r"defined by .*one\.toml"):
        Catalog([first.parent], builtin=False, use_env=False).ids()


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    keys: list[Any] = [int(k) if k.isdigit() else k for k in dotted.split(".")]
    target: Any = data
    for key in keys[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value


_DELETE = object()

# (path to change, new value, expected location, part of the expected message)
BAD_FIELDS = [
    ("currency", _DELETE, "currency", "required field is missing"),
    ("currency", "XYZ", "currency", "unknown currency code 'XYZ'"),
    ("currency", "vnd", "currency", "write the currency code in capitals"),
    ("id", "VN/Bad Id", "id", "String should match pattern"),
    ("colour", "red", "colour", "unknown field"),
    ("versions.0.tiers.0.rank", "high", "versions[0].tiers[0].rank", "valid integer"),
    ("versions.0.tiers.0.principal.0.min", "ten", "versions[0].tiers[0].principal[0].min",
     "expected an amount (TOML integer or decimal), a term table"),
    ("versions.0.tiers.0.principal.0.min", {"fact": "turnover", "amount": 5},
     "versions[0].tiers[0].principal[0].min", "exactly one of amount, fact or units"),
    ("versions.0.tiers.0.principal.0.max", {"fact": "times"},
     "versions[0].tiers[0].principal[0].max", "unknown money fact 'times'"),
    ("versions.0.tiers.0.principal.0.per", "turnover", "versions[0].tiers[0].principal[0].per",
     "per takes a count fact"),
    ("versions.0.tiers.0.principal.0.max", -5, "versions[0].tiers[0].principal[0].max",
     "non-negative"),
    ("versions.0.tiers.0.principal.0.max", _DELETE, "versions[0].tiers[0].principal[0]",
     "max is required (or no_maximum = true"),
    ("versions.0.tiers.0.principal.0.kind", "flogging", "versions[0].tiers[0].principal[0].kind",
     "Input should be 'fine'"),
    ("versions.0.tiers.1.principal.1.min", 5, "versions[0].tiers[1].principal[1]",
     "min does not apply to imprisonment"),
    ("versions.0.tiers.0.when.any.0.quantity", "profit",
     "versions[0].tiers[0].when.any[0].quantity", "unknown quantity 'profit'; expected one of"),
    ("versions.0.tiers.1.when.any.1.fact", "evil", "versions[0].tiers[1].when.any[1].fact",
     "unknown flag fact 'evil'"),
    ("versions.0.tiers.0.when.any.0.to", 150, "versions[0].tiers[0].when.any[0]",
     "give either 'to' (included) or 'below' (excluded), not both"),
    ("versions.0.tiers.0.when.any.0.below", 50, "versions[0].tiers[0].when.any[0]",
     "the band is empty"),
    ("versions.0.tiers.0.when", {"maybe": []}, "versions[0].tiers[0].when",
     "expected a trigger table with one of the keys"),
    ("versions.0.effective_from", "soon", "versions[0].effective_from", "valid date"),
    ("versions.0.sources", [], "versions[0].sources", "at least 1 item"),
]


@pytest.mark.parametrize(("field", "value", "location", "message"), BAD_FIELDS)
def test_bad_fields_name_file_path_and_expectation(
    write_statute: Writer, statute_data: dict[str, Any], field: str, value: Any,
    location: str, message: str,
) -> None:
    _set(statute_data, field, value)
    path = write_statute(statute_data)
    with pytest.raises(StatuteFileError) as info:
        load_statute(path)
    assert str(info.value).startswith(str(path))
    found = problems(info.value)
    assert location in found, found
    assert message in found[location]


CROSS_FIELD = [
    # overlapping bands: tier 1 includes 200, tier 2 starts at 200
    ("versions.0.tiers.0.when.any.0", {"quantity": "illicit_profit", "from": 100, "to": 200},
     "versions[0].tiers[1].when.any[0]", "overlap at 200"),
    # gap between 180 and 200
    ("versions.0.tiers.0.when.any.0", {"quantity": "illicit_profit", "from": 100, "below": 180},
     "versions[0].tiers[1].when.any[0]", "leave a gap between 180 and 200"),
    ("versions.0.tiers.2.when", {"same_as": "9"}, "versions[0].tiers[2].when.same_as",
     "unknown tier '9'"),
    ("versions.0.tiers.1.when", {"same_as": "3"}, "versions[0].tiers[1].when",
     "same_as forms a cycle"),
    ("versions.0.tiers.1.rank", 1, "versions[0].tiers[1].rank", "also the rank of tier '1'"),
    ("versions.0.tiers.1.id", "1", "versions[0].tiers[1].id", "tier id '1' is used twice"),
    ("versions.0.tiers.0.additional", ["9"], "versions[0].tiers[0].additional[0]",
     "unknown additional group '9'"),
    ("cases", [{"name": "c", "facts": {"offender": "alien"}, "tier": "1"}],
     "cases[0].facts.offender", "'alien' is not recognised"),
    ("cases", [{"name": "c", "facts": {"offender": "person"}, "tier": "7"}],
     "cases[0].tier", "unknown tier '7'"),
]


@pytest.mark.parametrize(("field", "value", "location", "message"), CROSS_FIELD)
def test_cross_field_rules(write_statute: Writer, statute_data: dict[str, Any], field: str,
                           value: Any, location: str, message: str) -> None:
    _set(statute_data, field, value)
    with pytest.raises(StatuteFileError) as info:
        load_statute(write_statute(statute_data))
    found = problems(info.value)
    assert location in found, found
    assert message in found[location]


def test_rising_band_must_not_select_a_milder_tier(write_statute: Writer,
                                                   statute_data: dict[str, Any]) -> None:
    tiers = statute_data["versions"][0]["tiers"]
    tiers[0]["rank"], tiers[1]["rank"] = 5, 2
    with pytest.raises(StatuteFileError, match="the higher band selects the less severe tier"):
        load_statute(write_statute(statute_data))


def test_versions_must_ascend(write_statute: Writer, statute_data: dict[str, Any]) -> None:
    statute_data["versions"].append(dict(statute_data["versions"][0]))
    with pytest.raises(StatuteFileError, match=r"versions\[1\].effective_from: 2018-01-01 must "
                       r"be after the previous version's 2018-01-01"):
        load_statute(write_statute(statute_data))


@pytest.mark.parametrize(("text", "message"), [
    ("id = ", "not valid TOML"),
    ("schema_version = 1\n[[versions]\n", "not valid TOML"),
    ("a = " + "[" * 5000 + "]" * 5000, "not valid TOML|nesting is too deep"),
])
def test_broken_toml(write_statute: Writer, text: str, message: str) -> None:
    with pytest.raises(StatuteFileError, match=message):
        load_statute(write_statute(text))


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.toml"
    bad.write_bytes("id = 'Tội'".encode("utf-16"))
    with pytest.raises(StatuteFileError, match="not UTF-8 text"):
        load_statute(bad)
    with pytest.raises(StatuteFileError, match="cannot read the file"):
        load_statute(tmp_path / "absent.toml")


def test_symlink_leading_outside_a_user_directory(tmp_path: Path, write_statute: Writer,
                                                  statute_data: dict[str, Any]) -> None:
    outside = write_statute(statute_data, "outside/secret.toml")
    inside = tmp_path / "inside"
    inside.mkdir()
    os.symlink(outside, inside / "link.toml")
    with pytest.raises(StatuteFileError, match="leads outside"):
        Catalog([inside], builtin=False, use_env=False).ids()


def test_history_rule_needs_the_prior_sentence_for_persons(
    write_statute: Writer, statute_data: dict[str, Any]
) -> None:
    version = statute_data["versions"][0]
    citation = {"article": "70", "clause": "2", "point": "a", "quote": "q", "translation": "t",
                "source": "s", "confidence": "C"}
    version["history"] = [
        {"fact": "prior_conviction", "subject": "person", "prior_sentence": "non_custodial",
         "window_months": 12, "anchor": "serving the sentence", "citation": citation},
        {"fact": "prior_conviction", "subject": "person",
         "prior_sentence": "prison_up_to_5_years",
         "window_months": 24, "anchor": "serving the sentence", "citation": citation},
    ]
    version["tiers"][0]["when"] = {"all": [version["tiers"][0]["when"],
                                           {"fact": "prior_conviction"}]}
    # Without the built-in statutes there is no Vietnamese general part: the file declares
    # the categories of a prior sentence itself.
    statute_data["facts"] = [{
        "name": "prior_sentence", "kind": "enum", "needs": "prior_conviction",
        "values": ["non_custodial", "prison_up_to_5_years"],
        "help": "The earlier sentence.", "description": "the principal penalty pronounced"}]
    catalog = Catalog([write_statute(statute_data).parent], builtin=False, use_env=False)
    facts = {"offender": "person", "illicit_profit": 150, "offence_date": "2020-01-01",
             "prior_conviction_completed": "2018-06-01"}
    with pytest.raises(InvalidFacts, match="prior_sentence: needed to decide"):
        assess("xx-1", facts, catalog=catalog)
    short = assess("xx-1", {**facts, "prior_sentence": "non_custodial"}, catalog=catalog)
    long = assess("xx-1", {**facts, "prior_sentence": "prison_up_to_5_years"}, catalog=catalog)
    assert short.tier is None
    assert long.tier is not None


def test_a_provision_without_a_history_rule_cannot_decide_from_a_date(
    write_statute: Writer, statute_data: dict[str, Any]
) -> None:
    tier = statute_data["versions"][0]["tiers"][0]
    tier["when"] = {"all": [tier["when"], {"fact": "prior_admin_penalty"}]}
    catalog = Catalog([write_statute(statute_data).parent], builtin=False, use_env=False)
    with pytest.raises(InvalidFacts, match="has no rule to decide from a date"):
        assess("xx-1", {"offender": "person", "illicit_profit": 150, "offence_date": "2020-01-01",
                        "prior_admin_penalty_completed": "2019-06-01"}, catalog=catalog)


def test_offender_kind_not_covered(write_statute: Writer, statute_data: dict[str, Any]) -> None:
    statute_data["subjects"] = statute_data["subjects"][:1]
    statute_data["versions"][0]["tiers"] = statute_data["versions"][0]["tiers"][:2]
    catalog = Catalog([write_statute(statute_data).parent], builtin=False, use_env=False)
    with pytest.raises(InvalidFacts, match=r"offender: xx/test-code/1 does not cover the "
                       r"offender kind 'entity' \(allowed: person\)"):
        assess("xx-1", {"offender": "entity"}, catalog=catalog)


def test_catalogue_loads_once_across_threads() -> None:
    catalog = Catalog(use_env=False)
    seen: list[int] = []

    def work() -> None:
        seen.append(id(catalog.get("vn-225")))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1


def test_builtin_directory_is_package_data() -> None:
    assert (builtin_directory() / "vn" / "penal-code" / "225.toml").is_file()


def test_a_byte_order_mark_is_skipped(tmp_path: Path, statute_data: dict[str, Any]) -> None:
    import tomli_w

    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + tomli_w.dumps(statute_data).encode("utf-8"))
    assert load_statute(path).id == statute_data["id"]
