"""The one reader of values: what a text, a number, a ``Money`` or a date means as a fact.

Every path reads facts here: :class:`~penalties._facts.Facts` (Python and JSON), the batch
rows and columns, the command line. One set of limits applies, the vocabulary's
(:mod:`penalties._vocabulary`): an amount up to 10^18 units, a count within its fact's
``min`` and ``max``, text up to :data:`MAX_TEXT` characters. Blank text means "not given"
(``None``). Numbers and dates are written in ASCII digits 0-9 only: any other digit
(Arabic-Indic, full-width, mathematical...) is refused, in every kind of value, with one
message. A value that cannot be read is an :class:`~penalties._errors.InvalidFacts`
naming the fact, quoting the value briefly and saying what is allowed.

>>> from penalties._vocabulary import builtin_vocabulary
>>> facts = builtin_vocabulary()
>>> read(facts["illicit_profit"], "250,000,000 VND")
Amount(value=Decimal('250000000'), currency='VND')
>>> read(facts["organised"], " Yes "), read(facts["times"], "3"), read(facts["damage"], "")
(True, 3, None)
>>> read(facts["times"], 5_000_000)
Traceback (most recent call last):
...
penalties._errors.InvalidFacts: times: 5000000 is out of range (allowed: 1 to 1000000)
>>> read(facts["times"], "３")
Traceback (most recent call last):
...
penalties._errors.InvalidFacts: times: '３' is written with U+FF13 FULLWIDTH DIGIT THREE; ...
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from penalties._errors import InvalidFacts, InvalidInput, UnsupportedCurrency, shown
from penalties._vocabulary import Fact
from rates.dates import parse_date
from rates.digits import digit_problem
from rates.errors import InvalidAmount, InvalidDate, UnknownCurrency
from rates.money import amount_text, check_currency, parse_amount

__all__ = ["MAX_TEXT", "TRUE_TEXTS", "Amount", "TextReader", "day_option", "plain_column",
           "read", "read_column", "read_option", "today_option"]

#: Longest text accepted for a value.
MAX_TEXT = 100
#: Longest act id.
MAX_ACT = 60
#: Texts read as true and as false (case-insensitive); blank is "not given".
TRUE_TEXTS = frozenset({"true", "1", "yes", "y"})
FALSE_TEXTS = frozenset({"false", "0", "no", "n"})
_ACT = re.compile(r"[a-z0-9][a-z0-9.()-]*")
#: Text of a whole number written as a decimal (``2.0``), which a count refuses by name.
_WHOLE_DECIMAL = re.compile(r"[0-9]{1,18}\.0+")


class Amount(NamedTuple):
    """An exact amount; ``currency`` is ``None`` when none was given (then the amount is in
    the currency of the law applied)."""

    value: Decimal
    currency: str | None

    def json(self, default_currency: str) -> dict[str, str]:
        """JSON form, filling in the statute's currency when none was given."""
        return {"amount": amount_text(self.value), "currency": self.currency or default_currency}

    def __str__(self) -> str:
        """The amount as written back: ``60000000``, ``10000 USD``."""
        return amount_text(self.value) + (f" {self.currency}" if self.currency else "")


def read(fact: Fact, raw: object) -> object:
    """The value of ``raw`` for ``fact``, or ``None`` when it is not given (``None`` or
    blank text)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        if len(raw) > MAX_TEXT:
            raise InvalidFacts(fact.name, f"the text is {len(raw):,} characters long",
                               f"at most {MAX_TEXT} characters")
        if not raw.isascii():
            _check_digits(fact, raw)
    return _READERS[fact.kind](fact, raw)


def _check_digits(fact: Fact, text: str) -> None:
    problem = digit_problem(text)
    if problem is not None:
        raise InvalidFacts(fact.name, f"{shown(text)} {problem}", fact.allowed)


def _amount(fact: Fact, raw: object) -> Amount:
    try:
        if isinstance(raw, Amount):
            number, currency = raw
            if isinstance(number, bool) or not isinstance(number, int | Decimal):
                raise InvalidAmount(shown(number), "an Amount holds an int or a Decimal")
            if currency is not None and not isinstance(currency, str):
                raise UnknownCurrency(shown(currency))
            value, _ = _parse(number)
            amount = Amount(value, None if currency is None else check_currency(currency))
        else:
            amount = Amount(*_parse(raw))
    except UnknownCurrency as exc:
        raise UnsupportedCurrency(fact.name, f"unknown currency code in {shown(raw)}",
                                  "ISO 4217 codes such as VND, USD, EUR") from exc
    except InvalidAmount as exc:
        raise InvalidFacts(fact.name, f"{exc.problem}: {shown(raw)}", fact.allowed) from exc
    if amount.currency is None and fact.currency_required:
        raise InvalidFacts(fact.name, "the amount needs a currency", fact.allowed)
    return amount


#: Most decimal places of an amount fact (an exact result of 50 significant digits has
#: fewer): a JSON number ``1e-999999999`` read exactly would be a billion zeros written out.
MAX_PLACES = 100


def _parse(value: object) -> tuple[Decimal, str | None]:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        raise InvalidAmount(shown(value), "the amount exceeds 10^18 units")
    amount, currency = parse_amount(value)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:  # a JSON 1e-999999999
        raise InvalidAmount(shown(value), f"the amount has more than {MAX_PLACES} decimal "
                            "places")
    return amount, currency


def _count(fact: Fact, raw: object) -> int:
    if isinstance(raw, str):
        text = raw.strip()
        negative = text[:1] == "-" and text[1:].isascii() and text[1:].isdigit()
        if negative:  # whole, and below every count's range (a count is never negative)
            raise InvalidFacts(fact.name, f"{text} is out of range", fact.allowed)
        if not (text.isascii() and text.isdigit()):
            if _WHOLE_DECIMAL.fullmatch(text):  # "2.0": whole, but text is digits only
                raise InvalidFacts(fact.name, f"{shown(raw)} is written as a decimal: give "
                                   f"the count in digits only ({text.split('.')[0]})",
                                   fact.allowed)
            raise InvalidFacts(fact.name, f"{shown(raw)} is not a whole number", fact.allowed)
        number = int(text.lstrip("0") or "0") if len(text) <= 18 else fact.high + 1
    elif isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, Decimal) and _whole(raw):  # a JSON Lines 2.0 is 2
        number = int(raw) if -(10**18) <= raw <= 10**18 else fact.high + 1
    elif isinstance(raw, float):  # never read: JSON's 9.9999999999999999 is the float 10.0
        raise InvalidFacts(fact.name, f"{shown(raw)} is a floating-point number, which may "
                           "be a rounded one: give the count as an integer or as text",
                           fact.allowed)
    else:
        raise InvalidFacts(fact.name, f"{shown(raw)} is not a whole number", fact.allowed)
    if not fact.low <= number <= fact.high:
        quoted = raw.strip() if isinstance(raw, str) else shown(raw) if isinstance(
            raw, Decimal) else (str(number) if number.bit_length() < 128 else "the number")
        raise InvalidFacts(fact.name, f"{quoted} is out of range", fact.allowed)
    return number


def _whole(number: Decimal) -> bool:
    """Whether a decimal number (not text) is finite and whole: ``2.0`` is, ``2.5``, NaN
    and ``9.9999999999999999`` are not. A float is never read as a count: JSON's
    ``9.9999999999999999`` is the float 10.0 before anyone sees it."""
    return number.is_finite() and number == number.to_integral_value()


def _flag(fact: Fact, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if type(raw) is int and raw in (0, 1):  # a JSON 1 or 0, as the texts "1" and "0"
        return raw == 1
    if isinstance(raw, str):
        lowered = raw.strip().lower()
        if lowered in TRUE_TEXTS:
            return True
        if lowered in FALSE_TEXTS:
            return False
    raise InvalidFacts(fact.name, f"{shown(raw)} is not true or false", fact.allowed)


def _date(fact: Fact, raw: object) -> date:
    try:  # read as every date of the library is read (a zoned datetime refused)
        return parse_date(raw, fact.name)
    except InvalidDate as exc:
        raise InvalidFacts(fact.name, f"{shown(exc.value)} {exc.problem}",
                           fact.allowed) from None


def _enum(fact: Fact, raw: object) -> str:
    text = raw.strip().lower() if isinstance(raw, str) else None
    if text not in fact.values:
        raise InvalidFacts(fact.name, f"{shown(raw)} is not recognised", fact.allowed)
    assert text is not None
    return text


def _act(fact: Fact, raw: object) -> str:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if len(text) > MAX_ACT or not _ACT.fullmatch(text):
        raise InvalidFacts(fact.name, f"{shown(raw)} is not an act id", fact.allowed)
    return text


def read_column(fact: Fact, texts: Sequence[str]) -> list[object]:
    """:func:`read` of every text of a column, an error given as the
    :class:`~penalties._errors.InvalidFacts` itself (a batch reads a column at once).

    Blank cells and plain ASCII digits, the common cells of an amount or count column, are
    read in one short pass with the same limits; any other text goes through :func:`read`.
    The test suite checks that both give the same values and errors.
    """
    if fact.kind == "amount" and not fact.currency_required:
        new, amount = _new_amount, Amount
        return [(new(amount, (Decimal(t), None)) if t.isdigit() and t.isascii() and len(t) <= 18
                 else _read_or_error(fact, t)) if t else None for t in texts]
    if fact.kind == "count":
        low, high = fact.low, fact.high
        return [(n if t.isdigit() and t.isascii() and len(t) <= 18 and low <= (n := int(t)) <= high
                 else _read_or_error(fact, t)) if t else None for t in texts]
    return [_read_or_error(fact, t) if t else None for t in texts]


#: A column of blank cells and plain ASCII digits (at most 18: under 10^18), one per line.
_PLAIN_COLUMN = re.compile(r"(?:[0-9]{1,18})?(?:\n(?:[0-9]{1,18})?)*")


def plain_column(fact: Fact, texts: Sequence[str]) -> list[int | None] | None:
    """The values of an amount or count column whose every cell is blank or plain ASCII
    digits, as whole numbers (``None`` for blank): what :func:`read` reads of them, the
    amounts without a currency (so in the law's own); ``None`` for any other column (then
    :func:`read_column` reads it). The test suite checks both give the same numbers."""
    plain = (fact.kind == "amount" and not fact.currency_required) or fact.kind == "count"
    joined = "\n".join(texts)
    if not plain or joined.count("\n") != len(texts) - 1 or not _PLAIN_COLUMN.fullmatch(joined):
        return None
    numbers = [int(t) if t else None for t in texts]
    if fact.kind == "count" and not all(fact.low <= n <= fact.high for n in numbers if n
                                        is not None):
        return None  # out of range: read_column says so, cell by cell
    return numbers


def _read_or_error(fact: Fact, text: str) -> object:
    try:
        return read(fact, text)
    except InvalidFacts as exc:
        return exc


_new_amount = tuple.__new__


def read_option(kind: str, name: str, raw: object) -> object:
    """:func:`read` for a value that is not a fact (a command-line option such as ``--on``
    or ``--rate-date``, a request's ``rate_date``, an argument of the library), named
    ``name`` in errors. Empty text is refused: an option given has a value (``--on ""``
    was today's date, silently); ``None`` is an option not given."""
    if isinstance(raw, str) and not raw.strip():
        raise InvalidInput(name, "is empty", "a date YYYY-MM-DD, or leave it out"
                           if kind == "date" else "a value, or leave it out")
    return read(Fact(name, kind, "", "", name), raw)  # type: ignore[arg-type]


def day_option(name: str, value: Any) -> Any:  # noqa: ANN401 - a date, as given
    """A date argument of the library (``rate_date=``, ``today=``...) read as
    :func:`read_option` reads it: text (empty text refused, the argument named: ``""`` was
    the default date, silently), a datetime as its date (one with a time zone refused:
    :func:`rates.dates.parse_date`), anything else that is not a date refused; a date as it
    is (``None``: not given)."""
    return value if value is None or type(value) is date else read_option("date", name, value)


def today_option(value: Any) -> date:  # noqa: ANN401 - a date, or its text
    """The ``today=`` argument of the library (the date of a case that gives no offence
    date) read as :func:`day_option` reads a date; not given (``None``), the local date
    (:func:`rates.lookback.today`)."""
    from rates.lookback import today

    day = day_option("today", value)
    return today() if day is None else day


_READERS = {"amount": _amount, "count": _count, "flag": _flag, "date": _date, "enum": _enum,
            "act": _act}


class TextReader:
    """:func:`read` for text cells, each distinct text read once per fact (what a batch
    does for every cell of a column). An error is kept too, and raised again.

    The cache is bounded: it starts afresh after :data:`CACHED` texts.
    """

    CACHED = 200_000

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], object] = {}

    def __call__(self, fact: Fact, text: str) -> object:
        key = (fact.name, text)
        try:
            found = self._known[key]
        except KeyError:
            if len(self._known) >= self.CACHED:
                self._known.clear()
            try:
                found = read(fact, text)
            except InvalidFacts as exc:
                found = exc
            self._known[key] = found
        if isinstance(found, InvalidFacts):  # a fresh error each time, with its own traceback
            raise type(found)(found.field, found.problem, found.allowed)
        return found
