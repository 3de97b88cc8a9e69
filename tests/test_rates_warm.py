"""The warm path of rates.convert at quotient rates (issue 13, item 8): a decimal bound of
the rate rounds every amount as the exact rate does, in every mode, on the points where the
rounding changes and beside them; the exact result is computed when first read, the same
value; a conversion is a record whatever path made it."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from moneyed import Money

import rates
from rates import _warm
from rates.exact import as_fraction, product
from rates.model import ROUNDING_MODES

#: Quotient rates: inverses of an ECB and an IMF series, crosses through the euro and the
#: dollar, targets of three decimals and of none.
QUOTIENTS = (("USD", "EUR", date(2018, 3, 19)), ("USD", "JPY", date(2019, 6, 1)),
             ("VND", "USD", date(2018, 3, 19)), ("VND", "EUR", date(2018, 3, 17)),
             ("KWD", "USD", date(2024, 2, 29)), ("KWD", "JPY", date(2024, 2, 29)),
             ("GBP", "JPY", date(2026, 12, 5)))


def _fields(conversion: rates.Conversion) -> tuple[object, ...]:
    """Every field with its type and exact digits (Decimal('1.0') is not Decimal('1.00'))."""
    return tuple((type(v).__name__, repr(v)) for v in conversion)


def _on_the_points(rate: rates.Rate) -> list[Decimal]:
    """Amounts whose exact result is half a minor unit or a whole one of the target, and
    amounts a hair below and above each.

    The rate is ``P/Q`` in lowest terms; with ``P = O·T`` where ``T`` holds its 2s and 5s,
    a result ``O·n / (2·10^places)`` is a point (``n`` odd: half a unit; even: a whole one)
    reached by the amount ``n·Q / (2·10^places·T)``, a decimal that ends.
    """
    exact = as_fraction(rate.exact)
    places = rates.money.minor_unit(rate.quote)
    twos_and_fives = 1
    odd = exact.numerator
    for prime in (2, 5):
        while odd % prime == 0:
            odd //= prime
            twos_and_fives *= prime
    found = []
    for n in range(1, 60):
        point = Fraction(n * exact.denominator, 2 * 10**places * twos_and_fives)
        amount = Decimal(point.numerator) / Decimal(point.denominator)  # ends: 2s and 5s
        assert Fraction(amount) == point
        if amount > rates.money.MAX_AMOUNT / 10:
            break
        hair = Decimal(1).scaleb(amount.adjusted() - 20)
        found += [amount, amount - hair, amount + hair]
    return found


def _converted(amount: Decimal, base: str, quote: str, day: date, rounding: str
               ) -> rates.Conversion:
    rates.convert(Money(amount, base), quote, day, rounding=rounding)  # warm the date
    return rates.convert(Money(amount, base), quote, day, rounding=rounding)


@pytest.mark.parametrize("rounding", ROUNDING_MODES)
@pytest.mark.parametrize(("base", "quote", "day"), QUOTIENTS)
def test_a_quotient_rate_rounds_warm_as_exact_on_and_beside_every_point(
        base: str, quote: str, day: date, rounding: str) -> None:
    rate = rates.get_rate(base, quote, day)
    assert type(rate.exact) is Fraction  # a quotient that never ends
    places = rates.money.minor_unit(quote)
    ties = wholes = 0
    for amount in _on_the_points(rate):
        expected = rate.convert_checked(amount, rounding)
        exact = product(amount, rate.exact)
        if type(exact) is Decimal:
            last = exact.scaleb(places) % 1
            ties += last == Decimal("0.5")
            wholes += last == 0
        assert _fields(_converted(amount, base, quote, day, rounding)) == _fields(expected), (
            amount, rounding)
    assert ties >= 10
    assert wholes >= 10


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(QUOTIENTS), st.sampled_from(ROUNDING_MODES),
       st.decimals(min_value=0, max_value=10**18, allow_nan=False, places=None))
def test_any_amount_converts_warm_as_exact(pair: tuple[str, str, date], rounding: str,
                                           amount: Decimal) -> None:
    base, quote, day = pair
    expected = rates.get_rate(base, quote, day).convert_checked(amount, rounding)
    assert _fields(_converted(amount, base, quote, day, rounding)) == _fields(expected)


def test_an_amount_of_more_digits_than_a_bound_serves_takes_the_exact_path() -> None:
    base, quote, day = QUOTIENTS[0]
    rate = rates.get_rate(base, quote, day)
    for digits in (_warm.DIGITS - 1, _warm.DIGITS, _warm.DIGITS + 1, _warm.DIGITS + 2, 120):
        amount = Decimal("1." + "4" * (digits - 1))
        warm = _converted(amount, base, quote, day, "ROUND_HALF_UP")
        assert _fields(warm) == _fields(rate.convert_checked(amount, "ROUND_HALF_UP"))


@settings(max_examples=300, deadline=None)
@given(st.fractions(min_value=Fraction(1, 10**9), max_value=10**9, max_denominator=10**30),
       st.integers(min_value=0, max_value=4), st.booleans())
def test_a_bound_is_on_its_side_and_closer_than_the_proof_needs(
        exact: Fraction, places: int, upward: bool) -> None:
    multiplier, multiply = _warm.bound(exact, places, upward=upward)
    gap = as_fraction(multiplier) - exact
    assert gap >= 0 if upward else gap <= 0
    assert abs(gap) < Fraction(1, 10 ** (places + _warm.DIGITS + 1) * 2 * exact.denominator)
    multiply(Decimal("9" * _warm.DIGITS), multiplier)  # an amount of DIGITS digits is served
    with pytest.raises(ArithmeticError):
        multiply(Decimal("1" * (_warm.DIGITS + 2)), multiplier)


def test_the_exact_result_is_computed_when_first_read_and_kept() -> None:
    base, quote, day = QUOTIENTS[0]
    warm = _converted(Decimal("1234.56"), base, quote, day, "ROUND_HALF_UP")
    assert warm._unrounded is None  # not computed yet
    first = warm.unrounded
    assert first == product(Decimal("1234.56"), warm.rate.exact)
    assert warm.unrounded is first
    assert warm.to_dict()["unrounded"] == rates.get_rate(base, quote, day).convert(
        "1234.56").to_dict()["unrounded"]


def test_a_conversion_is_a_record_whatever_path_made_it() -> None:
    base, quote, day = QUOTIENTS[0]
    rate = rates.get_rate(base, quote, day)
    warm = _converted(Decimal("10.005"), base, quote, day, "ROUND_HALF_UP")
    cold = rate.convert_checked(Decimal("10.005"))
    assert warm == cold
    assert hash(warm) == hash(cold)
    assert repr(warm) == repr(cold)
    assert pickle.loads(pickle.dumps(warm)) == cold
    amount, currency, used, unrounded, rounded, rounding = warm
    assert (amount, currency, used, rounding) == (Decimal("10.005"), "USD", rate,
                                                   "ROUND_HALF_UP")
    assert (unrounded, rounded) == (cold.unrounded, cold.rounded)
    assert warm._asdict() == dict(zip(rates.conversion.FIELDS, cold, strict=True))
    changed = warm._replace(rounding="ROUND_DOWN")
    assert changed.rounding == "ROUND_DOWN"
    assert changed.rounded == warm.rounded
    with pytest.raises(ValueError, match="unexpected field names"):
        warm._replace(value=1)
    with pytest.raises(AttributeError):
        warm.rounded = Decimal(0)  # type: ignore[misc]
    assert warm != tuple(warm)  # a record, not a tuple


@pytest.mark.parametrize("text", ["-0", "-0.000", "-0E-30", "0E-30", "0"])
@pytest.mark.parametrize(("base", "quote", "day"), [QUOTIENTS[0], ("EUR", "USD",
                                                                   date(2018, 3, 19))])
def test_a_zero_of_either_sign_converts_to_zero_warm_and_cold(text: str, base: str, quote: str,
                                                                day: date) -> None:
    """A bound kept the sign of -0: '-0.00' warm beside '0.00' cold."""
    rate = rates.get_rate(base, quote, day)
    for rounding in ROUNDING_MODES:
        done = [rates.convert(Money(Decimal(text), base), quote, day, rounding=rounding)
                for _ in range(2)]
        done += [rates.convert(f"{Decimal(text):f} {base}", quote, day, rounding=rounding),
                 rate.convert(Decimal(text), rounding)]
        assert {repr(c.rounded) for c in done} == {"Decimal('0.00')"}, (text, rounding)
        assert {c.to_dict()["converted"]["amount"] for c in done} == {"0.00"}


def test_a_mode_the_bounds_do_not_serve_still_looks_its_rate_up_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """ROUND_HALF_EVEN at a quotient rate went through the whole lookup at every call."""
    _warm.forget()
    looked: list[object] = []
    real = rates.api.get_rate
    monkeypatch.setattr(rates.api, "get_rate", lambda *a: looked.append(a) or real(*a))
    base, quote, day = QUOTIENTS[0]
    rate = rates.get_rate(base, quote, day)
    for n in range(50):
        amount = Decimal(n) / 8 + Decimal("0.005")
        assert _fields(rates.convert(Money(amount, base), quote, day,
                                     rounding="ROUND_HALF_EVEN")) == _fields(
            rate.convert_checked(amount, "ROUND_HALF_EVEN"))
    assert len(looked) == 1


def test_a_date_that_is_not_one_is_refused_warm_as_cold() -> None:
    """A (date, mode) tuple found the entry of that mode and answered in it, labelled
    half-up; a list raised TypeError."""
    from rates.errors import InvalidDate

    base, quote, day = QUOTIENTS[0]
    money = Money(Decimal("10.019"), base)
    rates.convert(money, quote, day, rounding="ROUND_DOWN")
    rates.convert(money, quote, day)
    for bad in ((day, "ROUND_DOWN"), [2018, 3, 19], (day,)):
        with pytest.raises(InvalidDate):
            rates.convert(money, quote, bad)  # type: ignore[arg-type]


def test_an_amount_of_a_decimal_subclass_converts_as_a_decimal() -> None:
    class Amount(Decimal):
        pass

    day = date(2018, 3, 19)
    rate = rates.get_rate("EUR", "USD", day)
    for _ in range(2):
        done = rates.convert(Money(Amount("1.50"), "EUR"), "USD", day)
        assert repr(done.unrounded) == repr(rate.convert_checked(Decimal("1.50")).unrounded)
        assert repr(rate.convert_checked(Amount("1.50")).unrounded) == "Decimal('1.846350')"


def test_a_pickle_of_the_named_tuple_it_was_loads_whole() -> None:
    """An old pickle calls ``Conversion.__new__(Conversion, *fields)``: it loaded as an
    empty record whose every read failed."""
    base, quote, day = QUOTIENTS[0]
    cold = rates.get_rate(base, quote, day).convert_checked(Decimal("10.005"))
    loaded = rates.Conversion.__new__(rates.Conversion, *cold)
    assert loaded == cold
    assert repr(loaded) == repr(cold)
    match loaded:
        case rates.Conversion(amount, currency, _, _, rounded, "ROUND_HALF_UP"):
            assert (amount, currency, rounded) == (Decimal("10.005"), "USD", cold.rounded)
        case _:
            pytest.fail("a conversion matches its fields by position")
