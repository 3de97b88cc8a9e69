"""rates.sources: the registry, user sources and chains."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import pytest
from pytest_httpserver import HTTPServer

from rates._fixed import fixed_rates
from rates.errors import (
    BadPayload,
    InvalidAmount,
    InvalidDate,
    RateNotFound,
    SourceExists,
    SourceUnavailable,
    UnknownCurrency,
    UnknownSource,
)
from rates.model import Rate
from rates.online.ecb import EcbSource
from rates.snapshot import DATA_DIR, SnapshotSource, default_snapshot
from rates.sources import (
    ChainSource,
    Source,
    _reset,
    get_source,
    list_sources,
    register_source,
    source_names,
    unregister_source,
)

DAY = date(2018, 3, 19)


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    _reset()
    yield
    _reset()


@dataclass
class FixedSource:
    """A user source: one fixed rate, or an error."""

    name: str = "fixed"
    title: str = "Fixed test rates"
    online: bool = False
    description: str = "Always the same."
    error: Exception | None = None
    calls: list[tuple[str, str, date]] = field(default_factory=list)

    def rate(self, base: str, quote: str, on: date) -> Rate:
        self.calls.append((base, quote, on))
        if self.error is not None:
            raise self.error
        return Rate(base, quote, Decimal("2"), self.name, self.title, "fixed", "", "daily",
                    on, on, on, note="fixed")


def test_builtin_names_and_lazy_instances() -> None:
    assert source_names() == ["snapshot", "ecb", "currency-api", "worldbank", "open-er-api"]
    assert get_source() is default_snapshot()
    assert get_source("snapshot") is default_snapshot()
    assert get_source("ecb") is get_source("ecb")
    sources = list_sources()
    assert [s.name for s in sources] == source_names()
    assert [s.online for s in sources] == [False, True, True, True, True]
    assert all(isinstance(s, Source) for s in sources)
    assert all(s.title and s.description for s in sources)


def test_options_build_a_fresh_instance() -> None:
    offline = get_source("ecb", offline=True, base_url="http://127.0.0.1:1/x")
    assert isinstance(offline, EcbSource)
    assert offline.offline
    assert offline is not get_source("ecb")
    chain = get_source("ecb,snapshot", offline=True, cache_dir="/nonexistent")
    assert isinstance(chain, ChainSource)
    ecb, snapshot = chain.sources
    assert isinstance(ecb, EcbSource)
    assert ecb.offline
    assert snapshot is default_snapshot()
    strict = get_source("snapshot", annual_rule="completed")
    assert isinstance(strict, SnapshotSource)
    assert strict.annual_rule == "completed"


def test_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(UnknownSource) as error:
        get_source("fixer")
    assert str(error.value) == (
        "unknown rate source 'fixer' (known: snapshot, ecb, currency-api, worldbank, "
        "open-er-api)"
    )
    assert isinstance(error.value, LookupError)


def test_register_a_user_source() -> None:
    mine = register_source(FixedSource())
    assert get_source("fixed") is mine
    assert source_names()[-1] == "fixed"
    with pytest.raises(SourceExists, match="already registered"):
        register_source(FixedSource())
    with pytest.raises(SourceExists):
        register_source(FixedSource(name="ecb"))
    replacement = register_source(FixedSource(name="ecb"), replace=True)
    assert get_source("ecb") is replacement
    with pytest.raises(TypeError, match="no options"):
        get_source("fixed", offline=True)
    unregister_source("fixed")
    with pytest.raises(UnknownSource):
        get_source("fixed")
    with pytest.raises(UnknownSource):
        unregister_source("fixed")


def test_register_under_another_name_and_bad_names() -> None:
    register_source(FixedSource(), name="house-rates")
    assert get_source("house-rates").name == "fixed"
    with pytest.raises(UnknownSource):
        register_source(FixedSource(), name="a,b")


def test_builtin_can_be_removed_and_restored() -> None:
    unregister_source("worldbank")
    assert "worldbank" not in source_names()
    with pytest.raises(UnknownSource):
        get_source("worldbank")
    register_source(FixedSource(name="worldbank"))
    assert get_source("worldbank").title == "Fixed test rates"


def test_a_source_object_is_used_as_is() -> None:
    mine = FixedSource()
    assert get_source(mine) is mine


def test_chain_first_answer_wins_and_says_why() -> None:
    down = FixedSource(name="down", error=SourceUnavailable("down", "http://x", "HTTP 500"))
    empty = FixedSource(name="empty", error=RateNotFound("nothing here"))
    garbage = FixedSource(name="garbage", error=BadPayload("garbage", "http://y", "rates", "NaN"))
    chain = ChainSource([down, empty, garbage, FixedSource()])
    rate = chain.rate("USD", "VND", DAY)
    assert rate.source == "fixed"
    assert rate.note.startswith("fixed (answered by fixed after down: ")
    assert "empty: nothing here" in rate.note
    assert "garbage: " in rate.note
    assert [(f.source, f.error) for f in rate.fallbacks] == [
        ("down", "SourceUnavailable"), ("empty", "RateNotFound"), ("garbage", "BadPayload")]
    assert rate.fallbacks[1].reason == "nothing here"
    assert chain.name == "down,empty,garbage,fixed"
    assert chain.title == "first of: down, empty, garbage, fixed"
    assert not chain.online


def test_chain_without_an_answer() -> None:
    chain = ChainSource([FixedSource(name="a", error=RateNotFound("no A")),
                         FixedSource(name="b", error=RateNotFound("no B"))])
    with pytest.raises(RateNotFound, match="no source in the chain a,b has a rate for USD→VND"):
        chain.rate("USD", "VND", DAY)


def test_chain_does_not_hide_bad_input() -> None:
    """The chain's own input is checked before any source is asked."""
    first = FixedSource()
    chain = ChainSource([first, FixedSource(name="b")])
    with pytest.raises(UnknownCurrency):
        chain.rate("USD", "XYZ", DAY)
    with pytest.raises(InvalidDate):
        chain.rate("USD", "VND", "2018-02-30")  # type: ignore[arg-type]
    assert first.calls == []


def test_chain_falls_through_any_failure_of_a_source() -> None:
    """Any error of a source, typed or not, passes to the next one; the rate lists why."""
    class Broken:
        name, title, online, description = "broken", "Broken", False, "A buggy plug-in."

        def rate(self, base: str, quote: str, on: date) -> Rate:
            table: dict[str, Rate] = {}
            return table["x"]  # a KeyError: a bug in the source

    class Liar(Broken):
        name = "liar"

        def rate(self, base: str, quote: str, on: date) -> Rate:
            return "1.5"  # type: ignore[return-value]

    odd = FixedSource(name="odd", error=InvalidAmount("x", "bad"))
    chain = ChainSource([Broken(), Liar(), odd, FixedSource()])
    rate = chain.rate("USD", "VND", DAY)
    assert rate.source == "fixed"
    assert [(f.source, f.error) for f in rate.fallbacks] == [
        ("broken", "SourceFailed"), ("liar", "SourceFailed"), ("odd", "InvalidAmount")]
    assert "failed unexpectedly (KeyError: \"'x'\")" in rate.fallbacks[0].reason
    assert "returned str, not a Rate" in rate.fallbacks[1].reason
    assert rate.to_dict()["fallbacks"][2] == {
        "source": "odd", "error": "InvalidAmount", "reason": str(odd.error)}
    plain = FixedSource().rate("USD", "VND", DAY)
    assert replace(rate, note=plain.note) == plain  # fallbacks are not compared
    assert hash(replace(rate, note=plain.note)) == hash(plain)
    with pytest.raises(RateNotFound, match=r"broken: rate source 'broken' failed unexpectedly"):
        ChainSource([Broken()]).rate("USD", "VND", DAY)


def test_chain_by_names_with_the_snapshot_as_fallback() -> None:
    down = FixedSource(name="down", online=True,
                       error=SourceUnavailable("down", "http://x", "timeout"))
    register_source(down)
    chain = get_source("down, snapshot")
    assert isinstance(chain, ChainSource)
    assert chain.online
    rate = chain.rate("EUR", "USD", DAY)
    assert rate.source == "snapshot"
    assert rate.value == Decimal("1.2309")
    assert "after down: rate source 'down' is unavailable: timeout" in rate.note


def test_empty_chain_is_refused() -> None:
    with pytest.raises(UnknownSource):
        ChainSource([])


# -- what a source carries ------------------------------------------------------------------


@dataclass
class Carrying(FixedSource):
    """A user source that declares the currencies it carries."""

    currencies: object = frozenset({"USD", "EUR"})


def test_sources_declare_what_they_carry() -> None:
    from rates.online.ecb import FORMER_CURRENCIES, REFERENCE_CURRENCIES
    from rates.online.worldbank import WorldBankSource
    from rates.sources import carried

    embedded = SnapshotSource(DATA_DIR).info().datasets
    (ecb_data,) = [dataset for dataset in embedded if dataset.id == "ecb-daily"]
    assert carried(get_source("ecb")) == frozenset(ecb_data.coverage) | {"EUR"}  # all seen
    current = {code for code, (_, last) in ecb_data.coverage.items() if last == ecb_data.last}
    assert current == REFERENCE_CURRENCIES
    assert {code: day.isoformat() for code, day in FORMER_CURRENCIES.items()} == {
        code: last for code, (_, last) in ecb_data.coverage.items() if last != ecb_data.last}
    assert len(REFERENCE_CURRENCIES) == 29
    worldbank = carried(WorldBankSource(countries={"DEM": "DEU"}))
    assert worldbank is not None
    assert {"VND", "USD", "EUR", "XOF", "DEM"} <= worldbank
    assert "DEM" not in (carried(get_source("worldbank")) or ())  # legacy: asked in euros
    for unknown in ("currency-api", "open-er-api"):
        assert carried(get_source(unknown)) is None  # not declared: asked
    snapshot = carried(get_source("snapshot"))  # every series' currencies, and the euro's
    assert snapshot == ({code for dataset in embedded for code in dataset.coverage}
                        | {dataset.base for dataset in embedded} | {"EUR"}
                        | set(fixed_rates()))
    assert {"VND", "KHR", "DEM", "XCG"} <= snapshot
    assert "XAU" not in snapshot  # (ZWG too: its series is mislabelled, left out)
    assert "ZWG" not in snapshot
    assert carried(FixedSource()) is None


def test_a_declared_list_is_read_with_care() -> None:
    from rates.sources import carried

    class Odd(FixedSource):
        @property
        def currencies(self) -> object:
            raise KeyError("broken plug-in")

    assert carried(Odd()) is None
    assert carried(Carrying(currencies=["usd"])) is None
    assert carried(Carrying(currencies=["USD", 3])) is None
    assert carried(Carrying(currencies=["USD", "EUR"])) == frozenset({"USD", "EUR"})


def test_a_chain_passes_over_a_source_that_does_not_carry_the_currency(
    figures: Counter[str],
) -> None:
    narrow = Carrying(name="narrow")
    chain = ChainSource([narrow, FixedSource()])
    rate = chain.rate("USD", "VND", DAY)
    assert rate.source == "fixed"
    assert narrow.calls == []  # never asked
    assert [(f.source, f.error) for f in rate.fallbacks] == [("narrow", "RateNotFound")]
    assert rate.fallbacks[0].reason == "VND is not among the currencies of narrow"
    assert chain.rate("USD", "EUR", DAY).source == "narrow"  # it carries both
    assert narrow.calls == [("USD", "EUR", DAY)]
    figures["lookups passed over without a request (currency not carried)"] += 1


def test_the_refusal_names_the_sources_that_carry_the_currency() -> None:
    from rates.sources import carriers, not_carried

    register_source(Carrying(name="mine", currencies={"USD", "VND"}))
    carrying, unknown = carriers("VND", besides="ecb")
    assert carrying[0] == "snapshot (IMF monthly end-of-period, IMF annual average)"
    assert {"worldbank", "mine"} <= set(carrying)
    assert {"currency-api", "open-er-api"} <= set(unknown)
    message = str(not_carried(get_source("ecb"), "VND"))
    assert message.startswith("VND is not among the ECB's reference rates; sources that "
                              "carry it: snapshot (IMF monthly end-of-period, IMF annual "
                              "average), worldbank")
    assert "ecb" not in message.split("carry it:")[1]
    assert "they may): currency-api, open-er-api" in message


def test_worldbank_refuses_a_currency_without_a_country_without_a_request(
    httpserver: HTTPServer, figures: Counter[str],
) -> None:
    from rates.online.worldbank import WorldBankSource

    source = WorldBankSource(base_url=httpserver.url_for("/v2"))
    with pytest.raises(RateNotFound, match=r"ROL is not among the currencies the World Bank "
                       r"source has a country for; ") as refused:
        source.rate("EUR", "ROL", DAY)
    assert "countries=" not in str(refused.value)  # the command line's message too
    # (the mark, replaced by the euro in 1999, is its fixed rate, from any source: rule 0)
    assert source.rate("EUR", "DEM", DAY).basis == "fixed"
    assert httpserver.log == []
    figures["lookups refused without a request (currency not carried)"] += 1


def test_update_currencies_by_default() -> None:
    from datetime import date as day

    from rates.sources import update_currencies

    ecb = get_source("ecb")
    assert "VND" not in update_currencies(ecb, day(2026, 11, 1), day(2026, 11, 2))
    assert "BGN" not in update_currencies(ecb, day(2026, 11, 1), day(2026, 11, 2))
    assert {"BGN", "HRK", "USD"} <= set(update_currencies(ecb, day(2022, 1, 1), DAY))
    assert "CYP" in update_currencies(ecb, day(2005, 1, 1), day(2005, 1, 2))
    assert update_currencies(get_source("currency-api"), DAY, DAY) == ["VND", "EUR"]
    assert update_currencies(Carrying(currencies={"USD", "EUR"}), DAY, DAY) == ["EUR"]
