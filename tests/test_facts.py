"""Facts: what is accepted, and the errors that name the field and what is allowed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from moneyed import Money

from penalties import Amount, Facts, InvalidFacts, Offender, UnsupportedCurrency


def make(**kwargs: Any) -> Facts:
    kwargs.setdefault("offender", "person")
    return Facts(**kwargs)


@pytest.mark.parametrize(("given", "expected"), [
    (250_000_000, Amount(Decimal(250_000_000), None)),
    (Decimal("1.5"), Amount(Decimal("1.5"), None)),
    ("250,000,000", Amount(Decimal(250_000_000), None)),
    ("250_000_000", Amount(Decimal(250_000_000), None)),
    ("250000000 VND", Amount(Decimal(250_000_000), "VND")),
    ("250000000VND", Amount(Decimal(250_000_000), "VND")),
    ("VND 250000000", Amount(Decimal(250_000_000), "VND")),
    ("usd 1,234.50", Amount(Decimal("1234.50"), "USD")),
    (Money("10", "EUR"), Amount(Decimal(10), "EUR")),
])
def test_amount_forms(given: object, expected: Amount) -> None:
    assert make(illicit_profit=given).illicit_profit == expected


@pytest.mark.parametrize(("given", "message"), [
    (-1, "negative amounts are not allowed"),
    ("-5 VND", "negative amounts are not allowed"),
    (1.5, "floats are not accepted"),
    ("250.000.000", "not an amount this library can read unambiguously"),
    ("1,5", "not an amount this library can read unambiguously"),
    ("abc", "not an amount this library can read unambiguously"),
    ("1e9", r"written with an exponent, .* own digits \(1e9 is 1000000000\)"),
    ("٢٥٠", "write numbers and dates in ASCII digits 0-9"),  # Arabic-Indic digits
    (True, "a boolean is not an amount"),
    (10**19, r"exceeds 10\^18"),
])
def test_bad_amounts_name_the_field(given: object, message: str) -> None:
    with pytest.raises(InvalidFacts, match=message) as info:
        make(damage=given)
    assert info.value.field == "damage"
    assert "allowed:" in str(info.value)


def test_unknown_currency_is_its_own_error() -> None:
    with pytest.raises(UnsupportedCurrency, match="goods_value: unknown currency code") as info:
        make(goods_value="100 XYZ")
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("value", "message"), [
    ("2018-02-30", "not a real calendar date"),
    ("19/03/2018", "is not a date"),
    (20180319, "is not a date"),
])
def test_bad_dates(value: object, message: str) -> None:
    with pytest.raises(InvalidFacts, match=message) as info:
        make(offence_date=value)
    assert info.value.field == "offence_date"


def test_dates_as_text_or_date() -> None:
    assert make(offence_date="2018-03-19").offence_date == date(2018, 3, 19)
    assert make(offence_date=date(2018, 3, 19)).offence_date == date(2018, 3, 19)


@pytest.mark.parametrize("offender", ["person", "ENTITY", " entity "])
def test_offender_is_case_insensitive(offender: str) -> None:
    assert make(offender=offender).offender in set(Offender)


def test_unknown_offender_lists_the_allowed_kinds() -> None:
    with pytest.raises(InvalidFacts, match=r"offender: 'company' is not recognised "
                       r"\(allowed: person, entity\)"):
        make(offender="company")


@pytest.mark.parametrize("times", [0, -1, 1.5, True, "x", "٢", "2.0", 1_000_001, "1000001"])
def test_times_must_be_a_positive_whole_number(times: object) -> None:
    with pytest.raises(InvalidFacts, match="times"):
        make(times=times)


def test_one_reader_for_python_text_and_files() -> None:
    """Python facts are read as batch cells and options are: text counts and flags, and
    blank for "not given"."""
    facts = make(times="2", organised="yes", commercial_scale="0", damage="  ")
    assert (facts.times, facts.organised, facts.commercial_scale, facts.damage) == (
        2, True, False, None)
    assert make(times="1").given() == {**make().given(), "times": 1}  # a count said is kept


def test_flags_must_be_true_or_false() -> None:
    with pytest.raises(InvalidFacts, match="organised: 'maybe' is not true or false"):
        make(organised="maybe")
    with pytest.raises(InvalidFacts, match="organised: 2 is not true or false"):
        make(organised=2)
    assert make(organised=1).organised is True  # the number 1, as the text "1"


def test_contradictory_history() -> None:
    with pytest.raises(InvalidFacts, match="contradictory facts: prior_conviction is false"):
        make(prior_conviction=False, prior_conviction_completed="2017-01-01")
    with pytest.raises(InvalidFacts, match="prior_sentence"):
        make(prior_conviction=False, prior_sentence="non_custodial")


def test_from_mapping_rejects_unknown_and_missing_keys() -> None:
    with pytest.raises(InvalidFacts, match="profit: unknown fact"):
        Facts.from_mapping({"offender": "person", "profit": 1})
    with pytest.raises(InvalidFacts, match="offender: missing"):
        Facts.from_mapping({})


def test_given_lists_only_what_was_said() -> None:
    facts = make(organised=True, times=1, commercial_scale=False)
    assert facts.given() == {"offender": Offender.PERSON, "organised": True, "times": 1}


@pytest.mark.parametrize("given", [None, [("offender", "entity")], "offender=entity"])
def test_facts_that_are_not_a_mapping_are_a_typed_error(given: object) -> None:
    from penalties import assess

    with pytest.raises(InvalidFacts, match=r"facts: .* is not a mapping of facts"):
        assess("vn-225", given)  # type: ignore[arg-type]


def test_one_case_is_one_document_whatever_the_order_its_facts_came_in() -> None:
    """A fresh user's test (2026-12-03): ``margins`` and ``facts`` followed the order the
    caller gave the facts in, so ``POST /assess`` and ``assess --json`` wrote two documents
    (and two orders of ``Margin:`` lines) for one US 2319 case."""
    import json

    from penalties import assess, margins

    one = {"offender": "person", "copies": 10, "retail_value": "3000",
           "offence_date": "2019-01-01"}
    other = dict(reversed(list(one.items())))
    documents = []
    for facts in (one, other):
        result = assess("us-2319", facts)
        documents.append(json.dumps(result.to_dict(margins(result))))
    assert documents[0] == documents[1]
    assert list(Facts(**other).given()) == list(Facts(**one).given())


def test_a_completion_after_the_offence_and_after_today_is_refused() -> None:
    """A fresh user's test (2026-12-03): ``prior_conviction_completed`` 2030-01-10 for an
    offence of 2019 was taken, and put an entity into 225(4)(a). A completion after the
    offence can be a fact (the sentence was still being served); one after today as well
    cannot."""
    from penalties import assess

    facts = {"offender": "entity", "goods_value": "299999999",
             "prior_conviction_completed": "2030-01-10", "offence_date": "2019-03-10"}
    with pytest.raises(InvalidFacts, match=r"prior_conviction_completed: 2030-01-10 is after "
                       "the offence date and after today"):
        assess("vn-225", facts)
    still_serving = assess("vn-225", {**facts, "prior_conviction_completed": "2020-01-10"})
    assert still_serving.tier is not None  # served until after the offence: it counts
    assert assess("vn-225", {**facts, "offence_date": "9999-12-31",  # a case to come
                             "prior_conviction_completed": "9999-06-01"}).tier is not None
