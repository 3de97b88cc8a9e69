"""The facts of a case, checked once when they are built.

A :class:`Facts` value is immutable and already validated, so the engine never re-checks it.
Amounts may carry a currency (``"250,000,000 VND"``, ``Money("250000000", "VND")``) or not
(``250000000``), in which case they are read in the statute's own currency.

Every value is bounded: amounts to 10^18 units, counts to :data:`MAX_TIMES`, text to
:data:`MAX_TEXT` characters (an act id to :data:`MAX_ACT`); anything else is an
:class:`~penalties._errors.InvalidFacts` naming the fact, quoting the value briefly.

>>> facts = Facts(offender="entity", illicit_profit="250,000,000 VND", offence_date="2018-03-19")
>>> facts.illicit_profit
Amount(value=Decimal('250000000'), currency='VND')
>>> facts.offence_date
datetime.date(2018, 3, 19)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from operator import attrgetter
from typing import Any, Literal, NamedTuple

from penalties._errors import InvalidFacts, UnsupportedCurrency, shown
from rates.dates import parse_date as _parse_date
from rates.errors import InvalidAmount, InvalidDate, UnknownCurrency
from rates.money import MAX_AMOUNT, amount_text, check_currency, parse_amount

__all__ = [
    "CURRENCY_REQUIRED",
    "EVENT_DATES",
    "FACT_KINDS",
    "HISTORY_DATES",
    "Amount",
    "Facts",
    "Offender",
    "PriorSentence",
    "parse_date",
]

#: Largest count accepted (times, copies, works, violations).
MAX_TIMES = 1_000_000
#: Longest text accepted for a fact (an amount, a date, an offender kind...).
MAX_TEXT = 100
#: Longest act id, as in the statute format.
MAX_ACT = 60


class Offender(StrEnum):
    """Who committed the offence: a natural person or a commercial legal entity."""

    PERSON = "person"
    ENTITY = "entity"


class PriorSentence(StrEnum):
    """Principal penalty of an earlier conviction of a natural person.

    It decides when that conviction is expunged (Vietnam Penal Code Art. 70(2)).
    """

    NON_CUSTODIAL = "non_custodial"  # warning, fine, non-custodial reform, suspended sentence
    PRISON_UP_TO_5_YEARS = "prison_up_to_5_years"
    PRISON_5_TO_15_YEARS = "prison_5_to_15_years"
    PRISON_OVER_15_YEARS = "prison_over_15_years"


class Amount(NamedTuple):
    """An exact amount; ``currency`` is ``None`` when it is the statute's own currency."""

    value: Decimal
    currency: str | None

    def json(self, default_currency: str) -> dict[str, str]:
        """JSON form, filling in the statute's currency when none was given."""
        return {"amount": amount_text(self.value), "currency": self.currency or default_currency}


FactKind = Literal["money", "count", "flag", "act"]

#: Facts that statute triggers and formulas may use, and what kind of value each holds.
FACT_KINDS: dict[str, FactKind] = {
    "illicit_profit": "money",
    "damage": "money",
    "goods_value": "money",
    "retail_value": "money",
    "gross_gain": "money",
    "gross_loss": "money",
    "turnover": "money",
    "times": "count",
    "copies": "count",
    "works": "count",
    "violations": "count",
    "commercial_scale": "flag",
    "organised": "flag",
    "commercial_advantage": "flag",
    "prerelease": "flag",
    "willful": "flag",
    "innocent": "flag",
    "serious_consequences": "flag",
    "prior_admin_penalty": "flag",
    "prior_conviction": "flag",
    "prior_judgment": "flag",
    "act": "act",
}

#: History flags that can instead be decided from the date of an earlier event.
HISTORY_DATES: dict[str, str] = {
    "prior_admin_penalty": "prior_admin_penalty_completed",
    "prior_conviction": "prior_conviction_completed",
    "prior_judgment": "prior_judgment_date",
}

#: History dates that mark the earlier event itself (a judgment): it must precede the offence.
#: The other dates mark when a sanction was completed, which may come after a new offence.
EVENT_DATES = frozenset({"prior_judgment_date"})

#: Money facts whose currency cannot be assumed to be the statute's: a bare number is refused.
CURRENCY_REQUIRED = frozenset({"gross_gain", "gross_loss", "turnover"})

_MONEY = tuple(k for k, v in FACT_KINDS.items() if v == "money")
_COUNTS = ("copies", "works", "violations")
_FLAGS = ("commercial_scale", "organised", "commercial_advantage", "prerelease", "willful",
          "innocent", "serious_consequences")
_DATE_FIELDS = ("offence_date", "trial_date", "action_date", *HISTORY_DATES.values())


def parse_date(value: object, field: str) -> date:
    """Read a calendar date given as ``date`` or ``YYYY-MM-DD`` text."""
    allowed = "YYYY-MM-DD, e.g. 2018-03-19"
    if not isinstance(value, str | date):
        raise InvalidFacts(field, f"{shown(value)} is not a date", allowed)
    _check_length(value, field)
    try:
        return _parse_date(value, field)
    except InvalidDate as exc:
        raise InvalidFacts(field, f"{shown(value)} {exc.problem}", allowed) from None


def _check_length(value: object, field: str, limit: int = MAX_TEXT) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise InvalidFacts(field, f"the text is {len(value):,} characters long",
                           f"at most {limit} characters")


_AMOUNTS = "a non-negative amount such as 250000000, '250,000,000 VND' or 'USD 10000'"


def _amount(value: object, field: str) -> Amount | None:
    if value is None:
        return None
    _check_length(value, field)
    try:
        if isinstance(value, Amount):
            return _given_amount(value)
        amount, currency = _parse(value)
    except UnknownCurrency as exc:
        problem = f"unknown currency code in {shown(value)}"
        raise UnsupportedCurrency(field, problem, "ISO 4217 codes such as VND, USD, EUR") from exc
    except InvalidAmount as exc:
        raise InvalidFacts(field, f"{exc.problem}: {shown(value)}", _AMOUNTS) from exc
    return Amount(amount, currency)


def _parse(value: object) -> tuple[Decimal, str | None]:
    if isinstance(value, int) and value.bit_length() > 128:  # too long even to quote whole
        raise InvalidAmount(shown(value), "the amount exceeds 10^18 units")
    return parse_amount(value)


def _given_amount(value: Amount) -> Amount:
    """An :class:`Amount` built by the caller, checked like an amount given any other way."""
    number, currency = value
    if isinstance(number, bool) or not isinstance(number, int | Decimal):
        raise InvalidAmount(shown(number), "an Amount holds an int or a Decimal")
    amount, _ = _parse(number)
    if currency is not None and not isinstance(currency, str):
        raise UnknownCurrency(shown(currency))
    return Amount(amount, None if currency is None else check_currency(currency))


@lru_cache(maxsize=256)
def _is_code(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 code written as such (capitals)."""
    try:
        return check_currency(code) == code
    except UnknownCurrency:
        return False


def _clean(amount: Amount) -> bool:
    """Whether an :class:`Amount` is already exact, in range and in a known currency (the
    short path of a batch, whose amounts are read once)."""
    number, currency = amount
    return (type(number) is Decimal and number.is_finite() and 0 <= number <= MAX_AMOUNT
            and (currency is None or (type(currency) is str and _is_code(currency))))


def _count(value: object, field: str, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidFacts(field, f"{shown(value)} is not a whole number",
                           f"{least} to {MAX_TIMES}")
    if not least <= value <= MAX_TIMES:
        raise InvalidFacts(field, f"{shown(value)} is out of range", f"{least} to {MAX_TIMES}")


def _flag(value: object, field: str, optional: bool = False) -> bool | None:
    if value is None and optional:
        return None
    if isinstance(value, bool):
        return value
    raise InvalidFacts(field, f"{shown(value)} is not a boolean", "true or false")


def _enum(enum: type[StrEnum], value: object, field: str) -> Any:  # noqa: ANN401
    allowed = ", ".join(member.value for member in enum)
    _check_length(value, field)
    text = value.strip().lower() if isinstance(value, str) else ""  # a member is a str
    try:
        return enum(text)
    except ValueError:
        raise InvalidFacts(field, f"{shown(value)} is not recognised", allowed) from None


@dataclass(frozen=True, slots=True, kw_only=True)
class Facts:
    """What happened, as far as the statutes we encode care.

    Args:
        offender: ``"person"`` (natural person) or ``"entity"`` (commercial legal entity).
        offence_date: when the offence was committed; selects the law version in force.
        illicit_profit: profit made from the offence (Vietnamese *thu lợi bất chính*).
        damage: damage caused to the right holder.
        goods_value: value of the infringing goods.
        commercial_scale: the offence was on a commercial scale.
        organised: the offence was committed in an organised manner.
        times: how many times the offence was committed (1 = once).
        prior_admin_penalty: an earlier administrative penalty for the same kind of act
            still counts (give this, or ``prior_admin_penalty_completed``).
        prior_admin_penalty_completed: the day that administrative penalty was completed;
            the statute's history rule decides whether it still counts.
        prior_conviction: an earlier conviction for the same offence is not yet expunged.
        prior_conviction_completed: the day the earlier sentence was served.
        prior_sentence: for persons, the principal penalty of that earlier conviction.
        prior_judgment: an earlier final judgment for such a violation still counts
            (e.g. 17 U.S.C. 1203(c)(4): within 3 years).
        prior_judgment_date: the day that judgment was entered.
        trial_date: when the case is tried or decided; with a lex mitior rule, a later,
            more lenient law in force then may apply.
        action_date: when the action or proceeding was brought; selects the version of
            provisions whose amounts apply by that date (``version_date = "action_date"``).
        act: which act of the provision was committed, by the id the provision declares
            (``penalties show ID`` lists them).
        retail_value: total retail value of the infringing copies (US: in any 180 days).
        copies: number of infringing copies (US: in any 180-day period).
        works: number of works infringed (statutory damages are per work).
        violations: number of violations, e.g. acts of circumvention or devices.
        commercial_advantage: for commercial advantage or private financial gain.
        prerelease: a work being prepared for commercial distribution, made available on a
            network accessible to the public.
        willful: the infringement was willful.
        innocent: the infringer was not aware and had no reason to believe it infringed.
        serious_consequences: the offence caused serious consequences (Vietnam 1999 Code).
        gross_gain: gross gain from the offence (currency required).
        gross_loss: gross loss caused (currency required).
        turnover: total worldwide annual turnover of the preceding financial year
            (currency required).
    """

    offender: Offender
    offence_date: date | None = None
    illicit_profit: Amount | None = None
    damage: Amount | None = None
    goods_value: Amount | None = None
    commercial_scale: bool = False
    organised: bool = False
    times: int = 1
    prior_admin_penalty: bool | None = None
    prior_admin_penalty_completed: date | None = None
    prior_conviction: bool | None = None
    prior_conviction_completed: date | None = None
    prior_sentence: PriorSentence | None = None
    prior_judgment: bool | None = None
    prior_judgment_date: date | None = None
    trial_date: date | None = None
    action_date: date | None = None
    act: str | None = None
    retail_value: Amount | None = None
    copies: int | None = None
    works: int | None = None
    violations: int | None = None
    commercial_advantage: bool = False
    prerelease: bool = False
    willful: bool = False
    innocent: bool = False
    serious_consequences: bool = False
    gross_gain: Amount | None = None
    gross_loss: Amount | None = None
    turnover: Amount | None = None

    def __post_init__(self) -> None:
        # Checks run for every case of a batch, so the common values take the short path.
        put = object.__setattr__
        offender = _OFFENDERS.get(self.offender) if isinstance(self.offender, str) else None
        put(self, "offender", offender or _enum(Offender, self.offender, "offender"))
        for name, value in zip(_DATE_FIELDS, _GET_DATES(self), strict=True):
            if value is not None and type(value) is not date:
                put(self, name, parse_date(value, name))
        for name, value in zip(_MONEY, _GET_MONEY(self), strict=True):
            if value is None:
                continue
            amount = value if type(value) is Amount and _clean(value) else _amount(value, name)
            assert amount is not None
            if amount.currency is None and name in CURRENCY_REQUIRED:
                raise InvalidFacts(name, "the amount needs a currency",
                                   "an amount with its currency, e.g. '2000000000 EUR'")
            put(self, name, amount)
        for name, value in zip(_FLAGS, _GET_FLAGS(self), strict=True):
            if value is not True and value is not False:
                _flag(value, name)
        for name, value in zip(_HISTORY, _GET_HISTORY(self), strict=True):
            if value is not None and value is not True and value is not False:
                _flag(value, name, optional=True)
        if type(self.times) is not int or not 1 <= self.times <= MAX_TIMES:
            _count(self.times, "times", 1)
        for name, value in zip(_COUNTS, _GET_COUNTS(self), strict=True):
            if value is not None:
                _count(value, name, 0)
        if self.act is not None:
            if not isinstance(self.act, str) or len(self.act) > MAX_ACT or not re.fullmatch(
                    r"[a-z0-9][a-z0-9.()-]*", self.act.strip().lower()):
                raise InvalidFacts("act", f"{shown(self.act)} is not an act id",
                                   f"an id the provision declares (at most {MAX_ACT} "
                                   "characters), e.g. copying")
            put(self, "act", self.act.strip().lower())
        if self.prior_sentence is not None:
            put(self, "prior_sentence", _enum(PriorSentence, self.prior_sentence, "prior_sentence"))
        self._check_history()

    def _check_history(self) -> None:
        for name, date_field in HISTORY_DATES.items():
            flag, completed = getattr(self, name), getattr(self, date_field)
            if flag is False and completed is not None:
                raise InvalidFacts(
                    name,
                    f"contradictory facts: {name} is false but {date_field} is {completed}",
                    f"either {name} or {date_field}, or both in agreement",
                )
        if self.trial_date and self.offence_date and self.trial_date < self.offence_date:
            raise InvalidFacts("trial_date", f"contradictory facts: the trial date "
                               f"{self.trial_date} is before the offence date {self.offence_date}",
                               "a trial date on or after the offence date")
        if self.willful and self.innocent:
            raise InvalidFacts("innocent", "contradictory facts: willful and innocent are both "
                               "true", "at most one of willful and innocent")
        if self.prior_sentence is not None and self.prior_conviction is False:
            raise InvalidFacts(
                "prior_sentence",
                "contradictory facts: a prior sentence is given but prior_conviction is false",
                "prior_sentence only together with a prior conviction",
            )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Facts:
        """Build facts from a JSON-like mapping; unknown keys are an error, not ignored."""
        if not isinstance(data, Mapping):
            raise InvalidFacts("facts", f"{shown(data)} is not a mapping of facts",
                               "a Facts, or a mapping such as {\"offender\": \"entity\"}")
        unknown = sorted((key for key in data if key not in _KNOWN), key=repr)
        if unknown:
            name = unknown[0]
            field = name if isinstance(name, str) and len(name) <= MAX_TEXT else shown(name)
            raise InvalidFacts(field, "unknown fact", ", ".join(sorted(_KNOWN)))
        if "offender" not in data:
            raise InvalidFacts("offender", "missing", "person or entity")
        return cls(**data)

    def given(self) -> dict[str, Any]:
        """The facts that differ from their defaults (what the user actually said)."""
        return {name: value for name, value, default in
                zip(_NAMES, _GET_ALL(self), _DEFAULT_VALUES, strict=True) if value != default}


_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Facts))
_KNOWN = frozenset(_NAMES)
_DEFAULT_VALUES: tuple[object, ...] = tuple(f.default for f in fields(Facts))
_GET_ALL = attrgetter(*_NAMES)


_OFFENDERS: dict[str, Offender] = {o.value: o for o in Offender}
_HISTORY = tuple(HISTORY_DATES)
_GET_DATES = attrgetter(*_DATE_FIELDS)
_GET_MONEY = attrgetter(*_MONEY)
_GET_FLAGS = attrgetter(*_FLAGS)
_GET_HISTORY = attrgetter(*_HISTORY)
_GET_COUNTS = attrgetter(*_COUNTS)
