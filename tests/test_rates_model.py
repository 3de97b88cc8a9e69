"""rates.model: the Rate and Conversion values, inverse and cross precision, rounding."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from moneyed import Money

from rates.errors import CurrencyMismatch, InvalidAmount, InvalidRate, InvalidRounding
from rates.model import (
    PRECISION,
    ROUNDING_MODES,
    Conversion,
    Rate,
    coarsest,
    cross,
    identity,
    through_pivot,
)

DAY = date(2018, 3, 19)


def published(
    base: str,
    quote: str,
    value: str,
    *,
    basis: str = "daily",
    start: date = DAY,
    end: date = DAY,
    source: str = "snapshot",
    series: str = "ECB daily reference rate",
    stale: bool = False,
    fetched_at: datetime | None = None,
    rate_type: str = "reference",
    asked_for: date = DAY,
) -> Rate:
    return Rate(
        base=base,
        quote=quote,
        value=Decimal(value),
        source=source,
        source_name=f"{source} name",
        series=series,
        attribution=f"Source: {source}",
        basis=basis,  # type: ignore[arg-type]
        period_start=start,
        period_end=end,
        asked_for=asked_for,
        stale=stale,
        fetched_at=fetched_at,
        rate_type=rate_type,  # type: ignore[arg-type]
    )


EUR_USD = published("EUR", "USD", "1.2309")
EUR_JPY = published("EUR", "JPY", "130.65")
USD_VND = published(
    "USD", "VND", "22463", basis="monthly", start=date(2018, 2, 1), end=date(2018, 2, 28),
    source="imf", series="IMF monthly end-of-period", rate_type="official",
)
USD_KHR = published(
    "USD", "KHR", "4050.579985919098", basis="annual", start=date(2017, 1, 1),
    end=date(2017, 12, 31), source="imf", series="IMF annual average", rate_type="official",
)


# -- validation -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1.5", "NaN", "Infinity"])
def test_a_rate_must_be_finite_and_positive(value: str) -> None:
    with pytest.raises(InvalidRate, match="value"):
        published("EUR", "USD", value)


def test_a_float_is_not_a_rate() -> None:
    with pytest.raises(InvalidRate, match="finite Decimal"):
        Rate("EUR", "USD", 1.23, "s", "s", "s", "", "daily", DAY, DAY, DAY)  # type: ignore[arg-type]


def test_basis_and_period_are_checked() -> None:
    with pytest.raises(InvalidRate, match="basis"):
        published("EUR", "USD", "1", basis="weekly")
    with pytest.raises(InvalidRate, match="period_end"):
        published("EUR", "USD", "1", start=DAY, end=date(2018, 3, 1))


def test_invalid_rate_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="allowed"):
        published("EUR", "USD", "0")


# -- periods and descriptions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (DAY, DAY, "2018-03-19"),
        (date(2018, 2, 1), date(2018, 2, 28), "2018-02"),
        (date(2016, 2, 1), date(2016, 2, 29), "2016-02"),
        (date(2018, 12, 1), date(2018, 12, 31), "2018-12"),
        (date(2018, 1, 1), date(2018, 12, 31), "2018"),
        (date(2018, 2, 1), DAY, "2018-02-01/2018-03-19"),
        (date(2018, 1, 1), date(2018, 11, 30), "2018-01-01/2018-11-30"),
    ],
)
def test_period_label(start: date, end: date, label: str) -> None:
    assert published("EUR", "USD", "1", start=start, end=end).period == label


def test_description_names_series_period_kind_and_date_asked() -> None:
    assert USD_VND.describe() == (
        "IMF monthly end-of-period USD→VND, 2018-02, month-end official rate, "
        "asked for 2018-03-19"
    )
    # the series' name already says what it is: not said twice
    assert EUR_USD.describe() == (
        "ECB daily reference rate EUR→USD, 2018-03-19, asked for 2018-03-19")
    derived = EUR_USD.then(USD_VND)
    assert derived.describe().startswith("EUR→VND derived from ECB daily reference rate")
    assert "IMF monthly end-of-period USD→VND, 2018-02, month-end official rate" in (
        derived.describe())
    assert "mixed bases: daily and month-end" in derived.describe()


def test_labels_name_basis_and_kind() -> None:
    assert (USD_VND.label, EUR_USD.label, USD_KHR.label) == (
        "month-end official rate", "daily reference rate", "annual average official rate")
    unstated = published("EUR", "USD", "1.2", rate_type="unstated", series="some rate")
    assert unstated.label == "daily rate of a kind the source does not state"
    assert "of a kind the source does not state" in unstated.describe()
    with pytest.raises(InvalidRate, match="rate_type"):
        published("EUR", "USD", "1", rate_type="black")


def test_a_cross_rate_of_mixed_bases_says_so_leg_by_leg() -> None:
    # VND→KHR: a February 2018 month-end crossed with a 2017 annual average
    vnd_khr = cross(USD_VND, USD_KHR)
    assert vnd_khr.mixed_bases
    assert vnd_khr.rate_type == "official"  # both legs are official rates
    assert vnd_khr.label == "month-end and annual average official rate"
    text = vnd_khr.describe()
    assert "IMF monthly end-of-period USD→VND, 2018-02, month-end official rate" in text
    assert "IMF annual average USD→KHR, 2017, annual average official rate" in text
    assert "mixed bases: month-end and annual average" in text
    data = vnd_khr.to_dict()
    assert (data["mixed_bases"], data["rate_type"]) == (True, "official")
    assert [leg["label"] for leg in data["legs"]] == [
        "month-end official rate", "annual average official rate"]
    assert [leg["mixed_bases"] for leg in data["legs"]] == [False, False]
    assert not EUR_USD.inverse().mixed_bases  # one leg
    assert not cross(EUR_USD, EUR_JPY).mixed_bases  # two daily legs
    mixed_kinds = EUR_USD.then(USD_VND)
    assert mixed_kinds.rate_type == "mixed"  # an ECB reference rate × an IMF official rate
    assert [leg.rate_type for leg in mixed_kinds.legs] == ["reference", "official"]


def test_age_and_staleness() -> None:
    assert (USD_VND.age_days, USD_KHR.age_days, EUR_USD.age_days) == (19, 78, 0)
    assert cross(USD_VND, USD_KHR).age_days == 78  # the oldest leg
    late = published("EUR", "USD", "1.1589", start=date(2026, 10, 30), end=date(2026, 10, 30),
                     asked_for=date(2026, 12, 1), stale=True)
    assert late.age_days == 32
    assert late.describe().endswith("asked for 2026-12-01, stale: 32 days old")
    assert late.inverse().describe().endswith("asked for 2026-12-01; stale: 32 days old")
    assert late.inverse().stale
    expired = published("EUR", "USD", "1.2", stale=True)  # an expired cache on the day
    assert expired.describe().endswith("asked for 2018-03-19, stale")
    containing = published("USD", "KHR", "4051", basis="annual", start=date(2018, 1, 1),
                           end=date(2018, 12, 31))
    assert containing.age_days == 0  # a period that ends after the date is not old
    data = late.to_dict()
    assert (data["stale"], data["age_days"], data["rate_type"]) == (True, 32, "reference")


def test_equality_counts_the_kind_of_rate_but_not_the_derived_fields() -> None:
    same = published("USD", "VND", "22463", basis="monthly", start=date(2018, 2, 1),
                     end=date(2018, 2, 28), source="imf", series="IMF monthly end-of-period",
                     rate_type="official")
    assert same == USD_VND
    assert hash(same) == hash(USD_VND)
    other_kind = published("USD", "VND", "22463", basis="monthly", start=date(2018, 2, 1),
                           end=date(2018, 2, 28), source="imf",
                           series="IMF monthly end-of-period", rate_type="market")
    assert other_kind != USD_VND  # the same number, another kind of rate


# -- inverse and cross ------------------------------------------------------------------


def test_inverse_has_fifty_digits_and_keeps_the_published_leg() -> None:
    inverse = EUR_USD.inverse()
    assert (inverse.base, inverse.quote) == ("USD", "EUR")
    assert len(inverse.value.as_tuple().digits) == PRECISION
    assert inverse.legs == (EUR_USD,)
    assert not inverse.published
    assert inverse.inverse() is EUR_USD  # exactly the original, not 1/(1/x)


def test_cross_keeps_both_legs_and_takes_the_coarser_basis() -> None:
    eur_vnd = cross(EUR_USD.inverse(), USD_VND)
    assert eur_vnd.value == Decimal("1.2309") * Decimal("22463")  # exact: no inversion
    assert eur_vnd.legs == (EUR_USD, USD_VND)
    assert eur_vnd.basis == "monthly"
    assert (eur_vnd.period_start, eur_vnd.period_end) == (date(2018, 2, 1), DAY)
    assert eur_vnd.source == "snapshot+imf"
    assert eur_vnd.attribution == "Source: snapshot\nSource: imf"
    assert eur_vnd.series == "ECB daily reference rate × IMF monthly end-of-period"


def test_cross_through_the_pivot_divides_once() -> None:
    usd_jpy = cross(EUR_USD, EUR_JPY)
    exact = Decimal("106.141847428710699488179380940775042651718254935413112356812")
    assert abs(usd_jpy.value - exact) < Decimal("1e-47")
    assert usd_jpy.legs == (EUR_USD, EUR_JPY)


def test_cross_needs_a_common_pivot() -> None:
    with pytest.raises(CurrencyMismatch):
        cross(EUR_USD, USD_VND)
    with pytest.raises(CurrencyMismatch):
        EUR_USD.then(EUR_JPY)


def test_stale_and_fetched_at_propagate() -> None:
    early = datetime(2024, 1, 1, tzinfo=UTC)
    late = datetime(2024, 1, 2, tzinfo=UTC)
    a = published("EUR", "USD", "1.1", stale=True, fetched_at=late)
    b = published("EUR", "JPY", "150", fetched_at=early)
    derived = cross(a, b)
    assert derived.stale
    assert derived.fetched_at == early


def test_through_pivot() -> None:
    def leg(code: str) -> Rate:
        return {"USD": EUR_USD, "JPY": EUR_JPY}[code]

    assert through_pivot("EUR", "EUR", "USD", leg) is EUR_USD
    assert through_pivot("EUR", "USD", "EUR", leg).value == EUR_USD.inverse().value
    assert through_pivot("EUR", "USD", "JPY", leg).legs == (EUR_USD, EUR_JPY)


def test_coarsest() -> None:
    assert coarsest("daily") == "daily"
    assert coarsest("daily", "monthly") == "monthly"
    assert coarsest("annual", "daily") == "annual"


@given(
    value=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("100000"), places=6),
    amount=st.integers(min_value=0, max_value=10**12),
)
def test_round_trip_stays_within_one_minor_unit(value: Decimal, amount: int) -> None:
    usd_vnd = published("USD", "VND", str(value))
    there = usd_vnd.inverse().convert(f"{amount} VND")
    back = usd_vnd.convert(there.rounded)
    # rounding to cents loses at most half a cent, worth value/200 VND, plus 1 VND of rounding
    assert abs(back.rounded - amount) <= value / 200 + 1
    exact_back = usd_vnd.convert(there.unrounded)
    assert exact_back.unrounded == amount  # exact both ways: no digit lost


@given(st.decimals(min_value=Decimal("1e-8"), max_value=Decimal("1e8"), places=8))
def test_inverse_of_inverse_is_exact_for_any_rate(value: Decimal) -> None:
    if value == 0:
        return
    rate = published("EUR", "USD", str(value))
    assert rate.inverse().inverse().value == rate.value
    product = rate.value * rate.inverse().value
    assert abs(product - 1) < Decimal("1e-48")


# -- conversion and rounding ------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "quote", "value", "amount", "expected"),
    [
        ("USD", "VND", "22463", "2000.50", "44937232"),  # 44,937,231.5: 0 digits, half up
        ("VND", "USD", "0.000044517646", "1000000000", "44517.65"),  # 44,517.646: 2 digits
        ("USD", "JPY", "106.1418", "100.005", "10615"),  # 10,614.71...: 0 digits
        ("USD", "KWD", "0.30125", "1000.5", "301.401"),  # 301.400625: 3 digits
    ],
)
def test_rounding_to_the_minor_unit_of_each_currency(
    base: str, quote: str, value: str, amount: str, expected: str
) -> None:
    result = published(base, quote, value).convert(amount)
    assert result.rounded == Decimal(expected)
    assert str(result.rounded) == expected
    assert result.converted == Money(expected, quote)


def test_rounding_mode_is_explicit_and_recorded() -> None:
    rate = published("USD", "VND", "1")
    assert rate.convert("2.5").rounded == 3
    assert rate.convert("2.5", rounding="ROUND_HALF_EVEN").rounded == 2
    assert rate.convert("2.5", rounding="ROUND_DOWN").rounding == "ROUND_DOWN"
    with pytest.raises(InvalidRounding, match="ROUND_HALF_UP"):
        rate.convert("2.5", rounding="nearest")
    assert len(ROUNDING_MODES) == 8


def test_conversion_keeps_amount_unrounded_and_rate() -> None:
    result = USD_VND.inverse().convert(Money("1000000000", "VND"))
    assert isinstance(result, Conversion)
    assert result.amount == Decimal("1000000000")
    assert result.currency == "VND"
    assert result.target == "USD"
    assert result.original == Money("1000000000", "VND")
    assert result.unrounded == Fraction(1_000_000_000, 22463)  # exactly, never 50 digits
    assert result.to_dict()["unrounded"] == "44517.651248720117526599296621110270222143079731113"
    assert result.to_dict()["unrounded_exact"] is False
    assert result.rounded == Decimal("44517.65")
    assert result.rate.legs == (USD_VND,)


def test_conversion_refuses_another_currency_and_floats() -> None:
    with pytest.raises(CurrencyMismatch, match="the amount is in EUR"):
        USD_VND.convert("100 EUR")
    with pytest.raises(InvalidAmount, match="floats"):
        USD_VND.convert(1.5)


def test_huge_amounts_are_rounded_without_overflow() -> None:
    rate = published("USD", "VND", "100000000000")  # 29 digits: beyond the default context
    result = rate.convert("999999999999999999.99")
    assert result.rounded == Decimal("99999999999999999999000000000")


def test_identity() -> None:
    rate = identity("VND", DAY)
    assert rate.value == 1
    assert rate.convert("1234.5 VND").rounded == 1235
    assert rate.source == "identity"


def test_to_dict_is_json_ready_and_complete() -> None:
    fetched = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
    rate = cross(
        published("EUR", "USD", "1.2309", fetched_at=fetched).inverse(), USD_VND
    )
    data = json.loads(json.dumps(rate.to_dict()))
    assert data["value"] == "27649.7067"
    assert data["basis"] == "monthly"
    assert data["period"] == "2018-02-01/2018-03-19"
    assert data["asked_for"] == "2018-03-19"
    assert data["fetched_at"] == "2024-03-06T12:00:00+00:00"
    assert data["stale"] is False
    assert (data["age_days"], data["rate_type"], data["mixed_bases"]) == (19, "mixed", True)
    assert data["label"] == "daily and month-end rate of mixed kinds"
    assert [leg["series"] for leg in data["legs"]] == [
        "ECB daily reference rate",
        "IMF monthly end-of-period",
    ]
    assert data["legs"][1]["period"] == "2018-02"
    conversion = json.loads(json.dumps(rate.convert("1 EUR").to_dict()))
    assert conversion["amount"] == {"amount": "1", "currency": "EUR"}
    assert conversion["converted"] == {"amount": "27650", "currency": "VND"}
    assert conversion["unrounded"] == "27649.7067"
    assert conversion["rounding"] == "ROUND_HALF_UP"


def test_small_rates_keep_their_digits_in_json() -> None:
    tiny = USD_VND.inverse().to_dict()["value"]
    assert "E" not in tiny
    assert tiny.startswith("0.0000445176")


def test_a_conversion_holds_its_fields_by_name() -> None:
    # Rate.convert builds its Conversion with tuple.__new__ (fast, but unchecked by mypy):
    # every field must land under its own name.
    done = EUR_USD.convert("10.005", rounding="ROUND_HALF_EVEN")
    assert done == Conversion(amount=Decimal("10.005"), currency="EUR", rate=EUR_USD,
                              unrounded=Decimal("12.3151545"), rounded=Decimal("12.32"),
                              rounding="ROUND_HALF_EVEN")
    assert type(done) is Conversion
    assert done._asdict()["rounded"] == Decimal("12.32")
