"""rates.api: convert, get_rate, update, clear_cache, snapshot_info."""

from __future__ import annotations

import concurrent.futures
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moneyed import Money
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession

import rates
from rates.api import as_date
from rates.errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidDate,
    InvalidRounding,
    RateError,
    RateNotFound,
    UnknownCurrency,
    UnknownSource,
)
from rates.online.ecb import EcbSource
from rates.session import build_session
from rates.snapshot import SnapshotSource


def test_the_done_when_example() -> None:
    result = rates.convert("1000000000 VND", "USD", on="2018-03-19")
    assert result.converted == Money("44517.65", "USD")
    assert result.rounded == Decimal("44517.65")
    assert result.rounding == "ROUND_HALF_UP"
    rate = result.rate
    assert rate.basis == "monthly"
    assert rate.legs[0].describe() == (
        "IMF monthly end-of-period USD→VND, 2018-02, month-end official rate, asked for "
        "2018-03-19"
    )
    assert "International Monetary Fund" in rate.attribution
    document = json.loads(json.dumps(result.to_dict()))
    assert document["converted"] == {"amount": "44517.65", "currency": "USD"}


@pytest.mark.parametrize(
    "amount",
    [
        "1000000000 VND",
        "VND 1000000000",
        "1,000,000,000 vnd",
        Money("1000000000", "VND"),
    ],
)
def test_amount_forms(amount: object) -> None:
    assert rates.convert(amount, "USD", "2018-03-19").rounded == Decimal("44517.65")


@pytest.mark.parametrize("text", ["1_000_000_000 VND", "VND 1_000_000_000"])
def test_underscores_group_by_threes_as_commas_do(text: str) -> None:
    assert rates.convert(text, "USD", "2018-03-19").rounded == Decimal("44517.65")


@pytest.mark.parametrize("text", ["5_0000000", "1_0 VND", "10000_00 VND", "_100 VND",
                                  "100_ VND", "1__000 VND", "1,000_000 VND"])
def test_underscores_out_of_groups_of_three_are_refused(text: str) -> None:
    """Session of 2026-12-03 (third): ``5_0000000`` was read as fifty million (underscores
    were dropped wherever they stood), while ``5,0000000`` is refused: a misplaced group
    mark is a typo to ask about, not a number to guess."""
    with pytest.raises(InvalidAmount, match="unambiguously"):
        rates.convert(text, "USD", "2018-03-19", currency="VND")


def test_bare_numbers_need_a_currency() -> None:
    assert rates.convert(10**9, "usd", date(2018, 3, 19), currency="vnd").rounded == Decimal(
        "44517.65"
    )
    assert rates.convert(Decimal("1E+9"), "USD", "2018-03-19", currency="VND").rounded == (
        Decimal("44517.65")
    )
    for day in ("2018-03-19", date(2018, 3, 19)):  # a date takes the fast path
        with pytest.raises(InvalidAmount, match="names no currency"):
            rates.convert("1000", "USD", day)
    with pytest.raises(CurrencyMismatch):
        rates.convert("1000 EUR", "USD", "2018-03-19", currency="VND")
    assert rates.convert("1000 EUR", "USD", "2018-03-19", currency="eur").rounded == Decimal(
        "1230.90"
    )


def test_rounding_per_target_currency() -> None:
    day = "2018-03-19"
    assert rates.convert("1000 EUR", "VND", day).rounded == Decimal("27649707")  # 0 digits
    assert rates.convert("1000 EUR", "JPY", day).rounded == Decimal("130650")  # 0 digits
    assert rates.convert("1000 EUR", "USD", day).rounded == Decimal("1230.90")  # 2 digits
    kwd = rates.convert("1000 USD", "KWD", day)  # IMF annual average 2018, 3 digits
    assert kwd.rounded.as_tuple().exponent == -3
    assert kwd.rate.basis == "annual"
    down = rates.convert("1000 EUR", "VND", day, rounding="ROUND_DOWN")
    assert down.rounded == Decimal("27649706")
    with pytest.raises(InvalidRounding):
        rates.convert("1000 EUR", "VND", day, rounding="ROUND_SOMETIMES")


def test_same_currency() -> None:
    result = rates.convert("12.345 USD", "USD", "2018-03-19")
    assert result.rounded == Decimal("12.35")
    assert result.rate.source == "identity"


def test_get_rate_checks_its_inputs() -> None:
    assert rates.get_rate("eur", "usd", "2018-03-19").value == Decimal("1.2309")
    with pytest.raises(UnknownCurrency, match="'XYZ'"):
        rates.get_rate("XYZ", "USD", "2018-03-19")
    with pytest.raises(UnknownCurrency):
        rates.get_rate("US", "USD", "2018-03-19")
    with pytest.raises(UnknownSource, match="known: snapshot"):
        rates.get_rate("EUR", "USD", "2018-03-19", source="nope")
    with pytest.raises(RateNotFound, match="covered by"):
        rates.get_rate("EUR", "USD", "1990-01-01")


def test_dates() -> None:
    assert as_date(date(2018, 3, 19)) == date(2018, 3, 19)
    assert as_date(datetime(2018, 3, 19, 23, 59)) == date(2018, 3, 19)
    assert as_date(" 2018-03-19 ") == date(2018, 3, 19)
    assert as_date(None) == date.today()
    for bad in ("19/03/2018", "20180319", "2018-02-30", "", 20180319):
        with pytest.raises(InvalidDate, match="YYYY-MM-DD"):
            as_date(bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidDate, match=r"^start:"):
        as_date("yesterday", "start")


@settings(max_examples=100, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=10**15),
    on=st.dates(min_value=date(2010, 1, 1), max_value=date(2025, 10, 31)),
)
def test_vnd_usd_round_trip_within_one_minor_unit(amount: int, on: date) -> None:
    there = rates.convert(f"{amount} VND", "USD", on)
    back = rates.convert(there.converted, "VND", on)
    vnd_per_usd = back.rate.value
    # one cent of rounding on the way there is worth vnd_per_usd / 200 VND; 1 VND on the way back
    assert abs(back.rounded - amount) <= vnd_per_usd / 200 + 1


@settings(max_examples=50, deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=10**12, places=2),
    pair=st.sampled_from([("EUR", "USD"), ("USD", "JPY"), ("GBP", "CHF"), ("EUR", "VND")]),
    on=st.dates(min_value=date(2011, 1, 1), max_value=date(2024, 12, 31)),
)
def test_results_or_typed_errors_and_json(
    amount: Decimal, pair: tuple[str, str], on: date
) -> None:
    try:
        result = rates.convert(Money(amount, pair[0]), pair[1], on)
    except RateError:
        return
    document = json.loads(json.dumps(result.to_dict()))
    assert Decimal(document["converted"]["amount"]) == result.rounded
    assert Decimal(document["rate"]["value"]) == result.rate.value


def test_snapshot_info() -> None:
    info = rates.snapshot_info()
    assert [d.id for d in info.datasets] == ["ecb-daily", "imf-monthly", "imf-annual"]
    assert "Source: ECB statistics" in info.attributions


# -- update and clear_cache against a local server ---------------------------------------


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CachedSession]:
    with closing(build_session(tmp_path / "http.sqlite")) as cached:
        yield cached


def test_update_warms_the_cache(httpserver: HTTPServer, session: CachedSession) -> None:
    for code, value in (("USD", "1.2309"), ("JPY", "130.65")):
        httpserver.expect_request(f"/EXR/D.{code}.EUR.SP00.A").respond_with_data(
            f"TIME_PERIOD,OBS_VALUE\n2018-03-16,{value}\n2018-03-19,{value}\n"
        )
    ecb = EcbSource(base_url=httpserver.url_for("/EXR"), session=session)
    seen: list[tuple[int, int]] = []
    report = rates.update(
        ecb, "2018-03-18", "2018-03-19", ["USD", "jpy"],
        progress=lambda done, total: seen.append((done, total)),
    )
    assert (report.tried, report.answered, report.missing, report.failures) == (4, 4, 0, ())
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert report.to_dict()["source"] == "ecb"
    assert len(httpserver.log) == 2  # one month per currency
    offline = EcbSource(base_url=httpserver.url_for("/EXR"), session=session, offline=True)
    assert offline.rate("USD", "JPY", date(2018, 3, 19)).value > 100


def test_update_reports_missing_and_failures(
    httpserver: HTTPServer, session: CachedSession
) -> None:
    httpserver.expect_request("/EXR/D.USD.EUR.SP00.A").respond_with_data("", status=404)
    httpserver.expect_request("/EXR/D.JPY.EUR.SP00.A").respond_with_data("down", status=503)
    ecb = EcbSource(base_url=httpserver.url_for("/EXR"), session=session)
    report = rates.update(ecb, date(2018, 3, 19), date(2018, 3, 19), ["USD", "JPY"])
    assert (report.answered, report.missing) == (0, 1)
    assert len(report.failures) == 1
    assert "2018-03-19 JPY" in report.failures[0]


def test_update_refuses_vnd_for_the_ecb_before_any_request(
    httpserver: HTTPServer, session: CachedSession, figures: Counter[str]
) -> None:
    """Issue 13: ``rates update --source ecb`` asked for VND: 10 of 10 lookups failed."""
    ecb = EcbSource(base_url=httpserver.url_for("/EXR"), session=session)
    with pytest.raises(RateNotFound, match="VND is not among the ECB's reference rates; "
                       "sources that carry it: snapshot"):
        rates.update(ecb, "2018-03-10", "2018-03-19", ["USD", "VND"])
    assert httpserver.log == []  # not even the USD lookups
    figures["lookups refused without a request (currency not carried)"] += 1


def test_update_warms_what_the_source_publishes_by_default(
    httpserver: HTTPServer, session: CachedSession
) -> None:
    from rates.online.ecb import REFERENCE_CURRENCIES

    httpserver.expect_request(re.compile(r"/EXR/D\.[A-Z]{3}\.EUR\.SP00\.A")).respond_with_data(
        "", status=404)
    ecb = EcbSource(base_url=httpserver.url_for("/EXR"), session=session)
    report = rates.update(ecb, "2026-11-02", "2026-11-02")
    assert (report.tried, report.missing, report.failures) == (29, 29, ())
    asked = {request.path.split("/")[-1].split(".")[1] for request, _ in httpserver.log}
    assert asked == REFERENCE_CURRENCIES  # no VND, no BGN (the euro since 2026)
    offline = rates.update("snapshot", "2018-01-01", "2018-01-02")
    assert offline.tried == 0


def test_update_of_the_snapshot_does_nothing() -> None:
    report = rates.update("snapshot", "2018-01-01", "2018-12-31", ["USD"])
    assert report.tried == 0


def test_update_checks_its_arguments() -> None:
    with pytest.raises(InvalidDate, match="end"):
        rates.update("ecb", "2018-03-19", "2018-03-01", ["USD"])
    with pytest.raises(UnknownCurrency):
        rates.update("ecb", "2018-03-01", "2018-03-19", ["DOLLARS"])


def test_clear_cache_through_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PENALTIES_CACHE_DIR", str(tmp_path))
    target = tmp_path / "rates-http-v1.sqlite"
    target.write_bytes(b"")
    rates.clear_cache()
    assert not target.exists()


def test_convert_many_streams_and_reuses_rates() -> None:
    from rates.api import convert_many

    seen: list[int] = []

    def amounts() -> Iterator[object]:
        for n in range(1, 5):
            seen.append(n)
            yield (f"{n}000000000 VND", date(2018, 3, 19)) if n % 2 else f"{n} EUR"

    results = convert_many(amounts(), "USD", "2019-06-03")
    first = next(results)
    assert seen == [1]  # nothing is read ahead
    assert first.converted.amount == rates.convert("1000000000 VND", "USD",
                                                   date(2018, 3, 19)).converted.amount
    rest = list(results)
    assert [r.rate.base for r in rest] == ["EUR", "VND", "EUR"]
    assert rest[0].rate is rest[2].rate  # one lookup per currency and date


def test_convert_many_names_the_bad_item() -> None:
    from rates.api import convert_many

    with pytest.raises(rates.InvalidAmount) as caught:
        list(convert_many(["1 EUR", "ten EUR"], "USD", "2019-06-03"))
    assert "item 2 of the amounts to convert" in caught.value.__notes__


# --- the warm path of convert: the answers of get_rate kept, never a second rule -----------

#: Pairs whose rate is published (EUR→USD), an inverse (USD→EUR), a cross through the euro
#: (USD→JPY), a cross through the dollar of two series (EUR→VND, VND→KWD) and a currency
#: to itself; dates on weekdays and weekends, past the end of the snapshot too.
WARM_PAIRS = (("EUR", "USD"), ("USD", "EUR"), ("USD", "JPY"), ("EUR", "VND"),
              ("VND", "KWD"), ("USD", "USD"))
WARM_DAYS = (date(2018, 3, 16), date(2018, 3, 17), date(2018, 3, 18), date(2019, 12, 25),
             date(2024, 2, 29), date(2026, 12, 5))
WARM_AMOUNTS = ("0", "1", "100", "1234.565", "0.005", "123456789012.375", "22463",
                "1000000000", "999999999999999999.99")


def _fields(conversion: rates.Conversion) -> tuple[object, ...]:
    """Every field with its type and exact digits (Decimal('1.0') is not Decimal('1.00'))."""
    return tuple((type(v).__name__, repr(v)) for v in conversion)


@pytest.mark.parametrize("rounding", ["ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN",
                                      "ROUND_05UP"])
def test_warm_conversions_are_those_of_the_rate_digit_for_digit(rounding: str) -> None:
    for base, quote in WARM_PAIRS:
        for day in WARM_DAYS:
            rate = rates.get_rate(base, quote, day)
            for text in WARM_AMOUNTS:
                expected = _fields(rate.convert_checked(Decimal(text), rounding))
                for _ in range(3):  # cold, then warm twice
                    money_in = rates.convert(Money(Decimal(text), base), quote, day,
                                             rounding=rounding)
                    text_in = rates.convert(f"{text} {base}", quote, day.isoformat(),
                                            rounding=rounding)
                    assert _fields(money_in) == expected, (base, quote, day, text)
                    assert _fields(text_in) == expected, (base, quote, day, text)
                    assert money_in.rate == rate == text_in.rate  # provenance kept


def test_repeated_conversions_look_each_rate_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rates._warm.forget()
    calls: Counter[tuple[str, str, object]] = Counter()
    real = rates.api.get_rate

    def counted(base: str, quote: str, on: object = None, source: object = None) -> rates.Rate:
        calls[base, quote, on] += 1
        return real(base, quote, on, source)  # type: ignore[arg-type]

    monkeypatch.setattr(rates.api, "get_rate", counted)
    days = [date(2017, 1, 1) + timedelta(days=n) for n in range(20)]
    for repeat in range(50):
        for day in days:
            rates.convert(Money(Decimal(repeat), "USD"), "EUR", day)
            rates.convert(f"{repeat} VND", "USD", day)
    assert sum(calls.values()) <= 2 * len(days)  # 2,000 conversions, 40 (pair, date)


def test_a_new_snapshot_is_asked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    day = date(2018, 3, 19)
    before = rates.convert(Money(Decimal(100), "EUR"), "USD", day)
    fresh = SnapshotSource()
    monkeypatch.setattr(rates.snapshot, "_choose_default", lambda: fresh)
    rates.snapshot.reset_default_snapshot()
    try:
        after = rates.convert(Money(Decimal(100), "EUR"), "USD", day)
    finally:
        monkeypatch.undo()
        rates.snapshot.reset_default_snapshot()
    assert after.rate is fresh.rate("EUR", "USD", day)
    assert after.rate is not before.rate
    assert _fields(after) == _fields(before)


def test_warm_conversions_refuse_what_cold_ones_refuse() -> None:
    day = date(2018, 3, 19)
    rates.convert(Money(Decimal(1), "EUR"), "USD", day)  # warm
    for bad in ("NaN", "-1", "Infinity", "1E+19"):
        with pytest.raises(InvalidAmount):
            rates.convert(Money(Decimal(bad), "EUR"), "USD", day)
    with pytest.raises(InvalidRounding):
        rates.convert(Money(Decimal(1), "EUR"), "USD", day, rounding="ROUND_SOMETIMES")
    with pytest.raises(UnknownCurrency):
        rates.convert(Money(Decimal(1), "EUR"), "XYZ", day)
    with pytest.raises(InvalidDate):
        rates.convert(Money(Decimal(1), "EUR"), "USD", "2018-02-30")
    many_digits = Decimal("1." + "1" * 420)  # the exact product would need 420 digits
    with pytest.raises(rates.errors.NotExact):
        rates.convert(Money(many_digits, "EUR"), "USD", day)


def test_warm_conversions_in_threads_are_the_sequential_ones() -> None:
    rates._warm.forget()
    work = [(Money(Decimal(n) / 8, base), quote, day) for n in range(40)
            for base, quote in WARM_PAIRS[:4] for day in WARM_DAYS[:4]]
    expected = [_fields(rates.get_rate(m.currency.code, q, d).convert_checked(m.amount))
                for m, q, d in work]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        runs = [pool.submit(lambda: [_fields(rates.convert(m, q, d)) for m, q, d in work])
                for _ in range(8)]
        assert all(run.result(timeout=120) == expected for run in runs)


@pytest.mark.parametrize("rounding", ["ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN",
                                      "ROUND_05UP", "ROUND_FLOOR", "ROUND_CEILING"])
def test_rounding_a_ratio_is_rounding_its_decimal_at_any_places(rounding: str) -> None:
    from rates.exact import CONTEXT
    from rates.money import round_exact, round_ratio

    for places in (0, 1, 2, 3, 4, 7, 8, 9, 12):  # inside and past the prepared places
        for numerator in (0, 5, 15, 1234565, 10**30 + 5, 999_999_999_999_999_999):
            for denominator in (1, 2, 8, 1000, 10**places * 10):
                exact = CONTEXT.divide(Decimal(numerator), Decimal(denominator))  # ends
                expected = round_exact(exact, places, rounding)
                got = round_ratio(numerator, denominator, places, rounding)
                assert (type(got), repr(got)) == (Decimal, repr(expected)), (
                    numerator, denominator, places)
