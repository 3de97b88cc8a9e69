"""The facts of a case, checked once when they are built.

A :class:`Facts` value is immutable and already validated, so the engine never re-checks it.
Amounts may carry a currency (``"250,000,000 VND"``, ``Money("250000000", "VND")``) or not
(``250000000``), in which case they are read in the statute's own currency.

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
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from penalties.errors import InvalidFacts, UnsupportedCurrency
from rates.errors import InvalidAmount, UnknownCurrency
from rates.money import amount_text, parse_amount

__all__ = [
    "FACT_KINDS",
    "Amount",
    "Facts",
    "Offender",
    "PriorSentence",
    "parse_date",
]

MAX_TIMES = 1_000_000


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


FactKind = Literal["money", "count", "flag"]

#: Facts that statute triggers may test, and what kind of value each holds.
FACT_KINDS: dict[str, FactKind] = {
    "illicit_profit": "money",
    "damage": "money",
    "goods_value": "money",
    "times": "count",
    "commercial_scale": "flag",
    "organised": "flag",
    "prior_admin_penalty": "flag",
    "prior_conviction": "flag",
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_FIELDS = ("offence_date", "prior_admin_penalty_completed", "prior_conviction_completed")


def parse_date(value: object, field: str) -> date:
    """Read a calendar date given as ``date`` or ``YYYY-MM-DD`` text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            problem = f"{value!r} is not a real calendar date"
            raise InvalidFacts(field, problem, "YYYY-MM-DD") from None
    raise InvalidFacts(field, f"{value!r} is not a date", "YYYY-MM-DD, e.g. 2018-03-19")


def _amount(value: object, field: str) -> Amount | None:
    if value is None:
        return None
    if isinstance(value, Amount):
        return value
    try:
        amount, currency = parse_amount(value)
    except UnknownCurrency as exc:
        problem = f"unknown currency code in {value!r}"
        raise UnsupportedCurrency(field, problem, "ISO 4217 codes such as VND, USD, EUR") from exc
    except InvalidAmount as exc:
        allowed = "a non-negative amount such as 250000000, '250,000,000 VND' or 'USD 10000'"
        raise InvalidFacts(field, f"{exc.problem}: {value!r}", allowed) from exc
    return Amount(amount, currency)


def _flag(value: object, field: str, optional: bool = False) -> bool | None:
    if value is None and optional:
        return None
    if isinstance(value, bool):
        return value
    raise InvalidFacts(field, f"{value!r} is not a boolean", "true or false")


def _enum(enum: type[StrEnum], value: object, field: str) -> Any:  # noqa: ANN401
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidFacts(field, f"{value!r} is not recognised", allowed) from None


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

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "offender", _enum(Offender, self.offender, "offender"))
        for name in _DATE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                put(self, name, parse_date(value, name))
        for name in ("illicit_profit", "damage", "goods_value"):
            put(self, name, _amount(getattr(self, name), name))
        for name in ("commercial_scale", "organised"):
            _flag(getattr(self, name), name)
        for name in ("prior_admin_penalty", "prior_conviction"):
            _flag(getattr(self, name), name, optional=True)
        if isinstance(self.times, bool) or not isinstance(self.times, int):
            problem = f"{self.times!r} is not a whole number"
            raise InvalidFacts("times", problem, f"1 to {MAX_TIMES}")
        if not 1 <= self.times <= MAX_TIMES:
            raise InvalidFacts("times", f"{self.times} is out of range", f"1 to {MAX_TIMES}")
        if self.prior_sentence is not None:
            put(self, "prior_sentence", _enum(PriorSentence, self.prior_sentence, "prior_sentence"))
        self._check_history()

    def _check_history(self) -> None:
        pairs = (
            ("prior_admin_penalty", self.prior_admin_penalty, self.prior_admin_penalty_completed),
            ("prior_conviction", self.prior_conviction, self.prior_conviction_completed),
        )
        for name, flag, completed in pairs:
            if flag is False and completed is not None:
                raise InvalidFacts(
                    name,
                    f"contradictory facts: {name} is false but {name}_completed is {completed}",
                    f"either {name} or {name}_completed, or both in agreement",
                )
        if self.prior_sentence is not None and self.prior_conviction is False:
            raise InvalidFacts(
                "prior_sentence",
                "contradictory facts: a prior sentence is given but prior_conviction is false",
                "prior_sentence only together with a prior conviction",
            )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Facts:
        """Build facts from a JSON-like mapping; unknown keys are an error, not ignored."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidFacts(unknown[0], "unknown fact", ", ".join(sorted(known)))
        if "offender" not in data:
            raise InvalidFacts("offender", "missing", "person or entity")
        return cls(**data)

    def given(self) -> dict[str, Any]:
        """The facts that differ from their defaults (what the user actually said)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value != f.default:
                out[f.name] = value
        return out
