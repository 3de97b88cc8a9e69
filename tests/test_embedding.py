"""What an embedding application meets (an adversarial review, 2026-12-03): errors and
facts that cross a process boundary, pairs of ``convert_many``, and the library's
arguments given in the types an application holds (a datetime, a list, ``Facts``)."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import penalties
import rates
from penalties import Facts, assess, thresholds, tier_map

FACTS = {"offender": "entity", "illicit_profit": "250000000", "offence_date": "2018-03-19"}


def _raised(call: Callable[[], object]) -> BaseException:
    with pytest.raises((penalties.PenaltyError, rates.RateError)) as caught:
        call()
    return caught.value


def _bad_statute(tmp_path: Path) -> object:
    path = tmp_path / "xx" / "act" / "1.toml"
    path.parent.mkdir(parents=True)
    path.write_text("schema_version = 1\nid = 1\n", encoding="utf-8")
    return penalties.load_statute(path)


CALLS: dict[str, Callable[[Path], object]] = {
    "UnknownProvision": lambda _: penalties.get_provision("nowhere/1"),
    "NoVersionInForce": lambda _: assess("vn-225", {**FACTS, "offender": "person",
                                                     "offence_date": "1980-01-01"}),
    "InvalidDate": lambda _: rates.convert("1 EUR", "USD", "19/03/2018"),
    "CurrencyMismatch": lambda _: rates.convert("1 EUR", "USD", "2018-03-19", currency="VND"),
    "InvalidRounding": lambda _: rates.convert("1 EUR", "USD", "2018-03-19", rounding="X"),
    "UnknownSource": lambda _: rates.get_rate("EUR", "USD", "2018-03-19", source="nowhere"),
    "UnknownCurrency": lambda _: rates.convert("1 EUR", "XYZ", "2018-03-19"),
    "StatuteFileError": _bad_statute,
    "InvalidFacts": lambda _: assess("vn-225", {**FACTS, "times": "x"}),
    "InvalidInput": lambda _: thresholds("vn-225", ""),
}


@pytest.mark.parametrize("kind", list(CALLS))
def test_every_error_survives_pickling_and_copying(kind: str, tmp_path: Path) -> None:
    """Seven kinds could be pickled but not unpickled (``__init__() missing arguments``): a
    worker's ``NoVersionInForce`` reached its parent as a ``BrokenProcessPool``, and an
    ``UnknownCurrency`` came back with its message inside its message."""
    error = _raised(lambda: CALLS[kind](tmp_path))
    assert type(error).__name__ == kind
    error.add_note("in a worker")
    for back in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(back) is type(error)
        assert str(back) == str(error)
        assert back.__dict__ == error.__dict__
        assert back.__notes__ == ["in a worker"]  # type: ignore[attr-defined]


def test_facts_survive_pickling_and_copying() -> None:
    facts = Facts(offender="entity", illicit_profit=250_000_000, offence_date=date(2018, 3, 19))
    for back in (pickle.loads(pickle.dumps(facts)), copy.copy(facts), copy.deepcopy(facts)):
        assert back.given() == facts.given()
        assert assess("vn-225", back).tier.ref == "225(4)(a)"  # type: ignore[union-attr]


def test_a_pair_without_a_date_converts_at_the_date_of_the_call() -> None:
    """``("5 EUR", None)`` (a nullable date column zipped in) was converted at today's rate,
    not at ``on``; the library's own ``Amount`` tuple was read as an (amount, date) pair."""
    [done] = rates.convert_many([("5 EUR", None)], "USD", "2018-03-19")
    assert (done.rounded, done.rate.period) == (Decimal("6.15"), "2018-03-19")
    with pytest.raises(rates.InvalidAmount, match="item 1"):
        list(rates.convert_many([("5 EUR", "2019-01-02", "x")], "USD", "2018-03-19"))
    with pytest.raises(rates.InvalidAmount, match="expected text, int, Decimal or Money"):
        list(rates.convert_many([penalties.Amount(Decimal(5), "EUR")], "USD", "2018-03-19"))


def test_a_datetime_argument_is_its_date() -> None:
    """``today=datetime(...)`` and ``thresholds(..., datetime(...))`` raised a TypeError
    from inside the statute (comparing a datetime with a date), though a datetime offence
    date is read as its date."""
    noon = datetime(2018, 3, 19, 12)
    facts = {"offender": "entity", "illicit_profit": "250000000"}
    assert assess("vn-225", facts, today=noon).offence_date == date(2018, 3, 19)
    assert thresholds("vn-225", noon).version == thresholds("vn-225", date(2018, 3, 19)).version
    with pytest.raises(penalties.InvalidInput, match=r"^today: 20180319 is not a date"):
        assess("vn-225", facts, today=20180319)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", [["USD"], {"USD"}, 840, None])
def test_a_currency_that_is_not_text_is_an_unknown_currency(code: object) -> None:
    """A list raised ``TypeError: unhashable type`` from the cache of currency codes."""
    with pytest.raises(rates.UnknownCurrency):
        rates.convert("1 EUR", code, "2018-03-19")  # type: ignore[arg-type]
    if code is not None:  # (no "to": nothing converted)
        with pytest.raises(rates.UnknownCurrency):
            assess("vn-225", FACTS, to=code)  # type: ignore[arg-type]


def test_a_tier_map_takes_facts_as_assess_does() -> None:
    facts = Facts(offender="entity", offence_date=date(2018, 3, 19))
    assert tier_map("vn-225", facts).to_dict() == tier_map(
        "vn-225", {"offender": "entity", "offence_date": "2018-03-19"}).to_dict()


def test_an_error_holding_a_third_partys_error_pickles_too() -> None:
    """A reviewer's finding (2026-12-03): ``SourceFailed`` keeps the exception a source
    raised, which may not pickle; a ``PlottingUnavailable`` (an ImportError) lost its
    ``msg``."""
    import threading

    from penalties._chart import PlottingUnavailable
    from rates.errors import SourceFailed

    class ThirdParty(Exception):
        def __init__(self, code: int, text: str) -> None:
            super().__init__(text)
            self.code = code

    held = ThirdParty(1, "x")
    held.lock = threading.Lock()  # type: ignore[attr-defined]
    for raised in (ThirdParty(1, "x"), held):
        error = SourceFailed("mine", raised)
        back = pickle.loads(pickle.dumps(error))
        assert str(back) == str(error)
        assert "x" in str(back.error)
    plotting = PlottingUnavailable("install the plot extra")
    back = pickle.loads(pickle.dumps(plotting))
    assert (back.msg, str(back)) == ("install the plot extra", "install the plot extra")
