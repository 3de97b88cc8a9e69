"""The conversion API: rates for a date, conversions, cache warming and snapshot facts.

>>> from datetime import date
>>> result = convert("1000000000 VND", "USD", date(2018, 3, 19))
>>> result.converted
Money('44517.65', 'USD')
>>> result.rate.label, result.rate.legs[0].period
('month-end official rate', '2018-02')
>>> get_rate("EUR", "USD", "2018-03-19").value
Decimal('1.2309')

Past the end of the snapshot, the last rate answers, marked stale with its age (the rule is
in :mod:`rates.lookback`):

>>> late = convert("100 USD", "EUR", "2026-12-01")
>>> late.converted, late.rate.period, late.rate.stale, late.rate.age_days
(Money('89.51', 'EUR'), '2026-10-30', True, 32)

Dates: ``on`` is a :class:`datetime.date` or ``YYYY-MM-DD`` text (a ``datetime`` without a
time zone is its day; one with a time zone is refused: :func:`rates.dates.parse_date`); it
defaults to *today in the local time zone* (:func:`rates.lookback.today`). Law-side callers
should always pass the offence date.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from rates import _warm, lookback
from rates._fixed import through_fixed
from rates._warm import PREPARED as _PREPARED
from rates.conversion import Conversion
from rates.dates import as_date
from rates.errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidDate,
    RateError,
    RateNotFound,
)
from rates.model import Rate, identity
from rates.money import (
    DEFAULT_ROUNDING,
    MAX_AMOUNT,
    check_currency,
    parse_amount,
)
from rates.snapshot import SnapshotInfo, default_snapshot
from rates.sources import Source, get_source

__all__ = [
    "UpdateReport",
    "as_date",
    "clear_cache",
    "convert",
    "convert_many",
    "get_rate",
    "snapshot_info",
    "update",
]

def get_rate(
    base: str, quote: str, on: date | str | None = None, source: str | Source | None = None
) -> Rate:
    """Units of ``quote`` per unit of ``base`` for ``on``, with provenance.

    ``source`` is a registered name (default ``"snapshot"``), ``"a,b"`` for a chain, or a
    :class:`~rates.sources.Source`. Raises :class:`~rates.errors.UnknownCurrency`,
    :class:`~rates.errors.RateNotFound` (the message states the covered range) or
    :class:`~rates.errors.SourceUnavailable`.
    """
    base_code = check_currency(base)
    quote_code = check_currency(quote)
    day = on if type(on) is date else lookback.today() if on is None else as_date(on)
    if base_code == quote_code:
        return identity(base_code, day)
    if source is None:
        return default_snapshot().rate(base_code, quote_code, day)
    chosen = get_source(source)
    fixed = through_fixed(base_code, quote_code, day, chosen.name,  # rule 0, every source
                          lambda b, q: chosen.rate(b, q, day))
    return fixed if fixed is not None else chosen.rate(base_code, quote_code, day)


def convert(
    amount: object,
    to: str,
    on: date | str | None = None,
    *,
    source: str | Source | None = None,
    rounding: str = DEFAULT_ROUNDING,
    currency: str | None = None,
) -> Conversion:
    """Convert ``amount`` into ``to`` at the rate for ``on``, rounding once at the end.

    ``amount`` is py-moneyed ``Money``, text with a currency (``"1000000000 VND"``), or a
    bare number with ``currency=``. The result is rounded to the ISO 4217 minor unit of
    ``to`` (VND 0 digits, USD 2, KWD 3) with ``rounding``, ``ROUND_HALF_UP`` by default;
    the unrounded value and the rate with its provenance are kept in the result. To convert
    many amounts with one rate, get the rate once and call :meth:`Rate.convert`.

    With the default source, the answer of :func:`get_rate` for each currency, target,
    date and rounding is kept, with what it takes to apply it (:mod:`rates._warm`, a
    bounded cache), so that converting again on a date already met costs one product and
    one rounding; results are those of :meth:`Rate.convert_checked`, digit for digit.
    """
    global _MONEY
    kind = type(amount)
    if kind is _MONEY and currency is None and source is None:
        held: Any = amount  # a py-moneyed Money
        value, named = held.amount, held.currency.code
    elif kind is str and currency is None and source is None:
        value, named = _parsed(amount)
    else:
        if _MONEY is None:  # py-moneyed in use: now known (not while another thread is
            # still importing it: sys.modules then holds the module without Money yet)
            _MONEY = getattr(sys.modules.get("moneyed"), "Money", None)
            if _MONEY is not None and kind is _MONEY:
                return convert(amount, to, on, source=source, rounding=rounding,
                               currency=currency)
        value, named = _amount(amount, currency)
        return get_rate(named, to, on, source).convert_checked(value, rounding)
    day = lookback.today() if on is None else on
    try:  # a text without currency: named is None, a KeyError (an unhashable date: TypeError)
        multiplier, multiply, quantize, quantum, rate, exact = _PREPARED[
            named if rounding == DEFAULT_ROUNDING else (named, rounding)][to][day]
        if _ZERO < value <= MAX_AMOUNT:  # a zero of either sign: the checks below
            if multiply is None:  # a mode the bounds do not serve: the exact path
                return rate.convert_checked(value, rounding)
            result = multiply(value, multiplier)
            made = _new(Conversion)  # the fields set directly, as conversion() does
            made._amount = value
            made._currency = rate.base
            made._rate = rate
            made._unrounded = result if exact else None  # None: computed when read
            made._rounded = quantize(result, quantum)
            made._rounding = rounding
            return made
    except (KeyError, TypeError):  # a currency, target or date not met yet
        pass
    except ArithmeticError:  # too many digits, NaN...: the exact path and its checks
        pass
    if named is None:
        value, named = _amount(amount, currency)
    elif type(amount) is not str:  # raises for an amount that is not one (a NaN in Money...)
        value = parse_amount(amount)[0]
    return _prepare(named, to, day, rounding).convert_checked(value, rounding)


def _prepare(named: str, to: str, on: date | str, rounding: str) -> Rate:
    """Find the rate of a conversion (:func:`get_rate`) and keep it with what applying it
    needs (:func:`rates._warm.entry`) for the next conversion of this currency, target,
    date and rounding."""
    since = _warm.generation()
    rate = get_rate(named, to, on, default_snapshot())
    kept = _warm.entry(rate, rounding)
    if type(on) is date or type(on) is str:  # a datetime or a subclass is read each time
        _warm.keep(named if rounding == DEFAULT_ROUNDING else (named, rounding), to, on,
                   kept, since)
    return rate


_new = object.__new__
_ZERO = Decimal(0)
#: py-moneyed's ``Money`` once it is imported (the library does not import it to start).
_MONEY: type | None = None


def convert_many(
    items: Iterable[object],
    to: str,
    on: date | str | None = None,
    *,
    source: str | Source | None = None,
    rounding: str = DEFAULT_ROUNDING,
    currency: str | None = None,
) -> Iterator[Conversion]:
    """Convert many amounts into ``to``, lazily, in order, in constant memory.

    Each item is an amount (as for :func:`convert`, converted at the rate for ``on``) or an
    ``(amount, date)`` pair, a plain ``tuple`` of two, whose date ``None`` is ``on`` too.
    The rate for each currency and date is looked up once (a
    bounded cache), so a column of amounts on a few thousand dates costs a few thousand
    lookups. An item that cannot be converted raises the error :func:`convert` would
    raise, with a note naming its position (``item 3``).

    >>> [(c.converted.amount, c.rate.period) for c in convert_many(
    ...     ["1 EUR", ("2 EUR", "2019-01-02")], "USD", "2018-03-19")]
    [(Decimal('1.23'), '2018-03-19'), (Decimal('2.28'), '2019-01-02')]
    """
    target = check_currency(to)
    default_day = on if type(on) is date or on is None else as_date(on)
    found: dict[tuple[str, date | None], Rate] = {}
    for number, item in enumerate(items, start=1):
        try:
            amount, day = _pair(item) if type(item) is tuple else (item, None)
            day = default_day if day is None else day
            value, named = _amount(amount, currency)
            when = day if type(day) is date or day is None else as_date(day)
            rate = found.get((named, when))
            if rate is None:
                if len(found) >= 100_000:
                    found.clear()
                rate = found[named, when] = get_rate(named, target, when, source)
            yield rate.convert_checked(value, rounding)
        except (InvalidAmount, InvalidDate, CurrencyMismatch, RateError, ValueError) as exc:
            exc.add_note(f"item {number} of the amounts to convert")
            raise


def _pair(item: tuple[object, ...]) -> tuple[object, Any]:
    """An item of :func:`convert_many` that is a tuple: an (amount, date) pair, or an
    error."""
    if len(item) != 2:
        raise InvalidAmount(item, f"a tuple of {len(item)} values is no (amount, date) pair")
    return item[0], item[1]


def _amount(amount: object, currency: str | None) -> tuple[Decimal, str]:
    """The value and currency of an amount, with ``currency`` for a bare number."""
    value, named = _parsed(amount) if type(amount) is str else parse_amount(amount)
    if named is None:
        if currency is None:
            raise InvalidAmount(amount, "the amount names no currency (write it with its ISO "
                                        "4217 code, e.g. '1000000 VND')")
        return value, check_currency(currency)
    if currency is not None and check_currency(currency) != named:
        raise CurrencyMismatch(named, check_currency(currency))
    return value, named


_NONE: tuple[Decimal, str | None] = (Decimal(0), None)


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[Decimal, str | None]:
    """Amount text read once: conversions of the same text reuse the exact result."""
    return parse_amount(text)


def snapshot_info(on: date | str | None = None) -> SnapshotInfo:
    """Coverage, attribution and input hashes of the embedded snapshot's datasets, and the
    age of each one's last observation on ``on`` (default: today,
    :func:`rates.lookback.today`)."""
    return default_snapshot().info(None if on is None else as_date(on))


def clear_cache(cache_dir: str | None = None) -> None:
    """Delete the cached responses of the online sources (the snapshot is not a cache)."""
    from rates.session import clear_cache as clear

    clear(cache_dir)


@dataclass(frozen=True, slots=True)
class UpdateReport:
    """What :func:`update` did: lookups tried, answered, without a rate, and failures."""

    source: str
    tried: int
    answered: int
    missing: int
    failures: tuple[str, ...]

    def summary(self) -> str:
        """The report in one line: ``ecb: 20 of 22 lookups answered, 2 without a rate...``."""
        if not self.tried:
            return f"{self.source} is offline: nothing to fetch"
        line = f"{self.source}: {self.answered} of {self.tried} lookups answered"
        line += f", {self.missing} without a rate for their day" if self.missing else ""
        if self.failures:
            line += f", {len(self.failures)} failed (the first: {self.failures[0]})"
        return line

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "source": self.source,
            "tried": self.tried,
            "answered": self.answered,
            "missing": self.missing,
            "failures": list(self.failures),
        }


def update(
    source: str | Source,
    start: date | str,
    end: date | str,
    currencies: Iterable[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> UpdateReport:
    """Warm the HTTP cache of an online source for every day of [start, end].

    For each day and currency the source is asked the pair it needs for that currency
    (``warm_pair``; against USD otherwise), so later lookups work offline. ``currencies``
    defaults to what the source publishes in the range (the ECB: its reference-rate
    currencies; a source that does not say: VND and EUR, those of them it carries). A
    currency the source declares it does not carry raises
    :class:`~rates.errors.RateNotFound` naming the sources that carry it, before anything
    is asked. ``progress`` is called with (done, total) after each lookup. An offline source
    (the snapshot) needs no warming: nothing is asked.
    """
    from rates.sources import require_carried, update_currencies

    chosen = get_source(source)
    first, last = as_date(start, "start"), as_date(end, "end")
    if last < first:
        raise InvalidDate("end", last.isoformat(), f"is before start {first.isoformat()}",
                          f"a day on or after {first.isoformat()}")
    if currencies is None:
        currencies = update_currencies(chosen, first, last)
    codes = list(dict.fromkeys(check_currency(code) for code in currencies))
    if not chosen.online:
        return UpdateReport(chosen.name, 0, 0, 0, ())
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    pair_for: Callable[[str], tuple[str, str]] = getattr(
        chosen, "warm_pair", lambda code: ("USD", "EUR" if code == "USD" else code)
    )
    pairs = {code: pair_for(code) for code in codes}
    for code in codes:  # a currency it never has: refused before any request
        require_carried(chosen, code, *pairs[code])
    total, done, answered, missing = len(days) * len(codes), 0, 0, 0
    failures: list[str] = []
    for day in days:
        for code in codes:
            base, quote = pairs[code]
            try:
                chosen.rate(base, quote, day)
                answered += 1
            except RateNotFound:
                missing += 1
            except RateError as error:  # down, bad payload, deadline...: the next lookup
                failures.append(f"{day.isoformat()} {code}: {error}")
            done += 1
            if progress is not None:
                progress(done, total)
    return UpdateReport(chosen.name, total, answered, missing, tuple(failures))
