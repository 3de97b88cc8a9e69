"""Penalties of the statute file format: amounts computed from the case, penalty ranges,
additional groups, tiers, and the general-part rules a version carries (floors,
modifiers, caps, history rules).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from penalties._errors import shown
from penalties._facts import Offender
from penalties.statutes._schema_base import (
    MONEY_KINDS,
    Amount,
    Citation,
    Model,
    Months,
    Name,
    PenaltyKind,
    Ratio,
    Text,
)
from penalties.statutes._schema_triggers import Trigger

__all__ = [
    "BOUND_TAGS",
    "AdditionalGroup",
    "Bound",
    "Cap",
    "DayFine",
    "Floor",
    "GreatestOf",
    "HistoryRule",
    "Modifier",
    "Penalty",
    "Term",
    "Tier",
]

class Term(Model):
    """An amount computed from the case: a fixed amount, ``times`` × a money fact, or a
    number of indexed ``units`` (valued on the date the statute's unit series says)."""

    amount: Amount | None = None
    fact: Name | None = None
    times: Ratio = Decimal(1)
    units: Amount | None = None
    divided_by: Annotated[int, Field(strict=True, ge=1, le=1000)] | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Term:
        given = [k for k in ("amount", "fact", "units") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a term takes exactly one of amount, fact or units")
        if self.divided_by is not None and self.units is None:
            raise ValueError("divided_by divides a number of units (e.g. 1/30 of a minimum wage)")
        return self


class DayFine(Model):
    """A fine in daily units: a number of days times a daily amount, each bounded (StGB
    §40: 5 to 360 daily units of EUR 1 to 30,000; Código Penal arts. 49 and 60: 10 to 360
    of 1/30 to 5 minimum wages). The range runs from the fewest days at the lowest daily
    amount to the most days at the highest."""

    days_min: Annotated[int, Field(strict=True, ge=1, le=100_000)]
    days_max: Annotated[int, Field(strict=True, ge=1, le=100_000)]
    daily_min: Bound
    daily_max: Bound

    @model_validator(mode="after")
    def _ordered(self) -> DayFine:
        if self.days_min > self.days_max:
            raise ValueError(f"days_min {self.days_min} is above days_max {self.days_max}")
        low, high = self.daily_min, self.daily_max
        if isinstance(low, Decimal | int) and isinstance(high, Decimal | int) and low > high:
            raise ValueError(f"daily_min {low} is above daily_max {high}")
        return self


class GreatestOf(Model):
    """The greatest of several terms, e.g. EUR 20,000,000 or 4 % of turnover (GDPR 83(5))."""

    greatest_of: Annotated[list[Term], Field(min_length=1, max_length=20)]


BOUND_TAGS = frozenset({"bound-amount", "bound-term", "bound-greatest-of"})


def _bound_tag(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return "bound-amount"
    if isinstance(value, dict):
        return "bound-greatest-of" if "greatest_of" in value else "bound-term"
    if isinstance(value, Term):
        return "bound-term"
    return "bound-greatest-of" if isinstance(value, GreatestOf) else None


Bound = Annotated[
    Annotated[Amount, Tag("bound-amount")]
    | Annotated[Term, Tag("bound-term")]
    | Annotated[GreatestOf, Tag("bound-greatest-of")],
    Discriminator(_bound_tag, custom_error_type="bound",
                  custom_error_message="expected an amount (TOML integer or decimal), a term "
                  "table (amount, fact or units) or a greatest_of table"),
]


class Penalty(Model):
    """One penalty: a money range (fine, statutory damages) or a duration range in months.

    ``per`` multiplies a money range by a count fact (statutory damages per work), with an
    optional ``total_max`` across all items.
    """

    kind: PenaltyKind
    min: Bound | None = None
    max: Bound | None = None
    day_fine: DayFine | None = None
    no_maximum: bool = False
    per: Name | None = None
    total_max: Amount | None = None
    min_months: Months | None = None
    max_months: Months | None = None
    unless_principal: list[PenaltyKind] = []
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Penalty:
        money = self.kind in MONEY_KINDS
        wrong = ("min_months", "max_months") if money else ("min", "max")
        for name in wrong:
            if getattr(self, name) is not None:
                unit = "an amount (min/max)" if money else "a duration (min_months/max_months)"
                raise ValueError(f"{name} does not apply to {self.kind.value}, which takes {unit}")
        if self.per is not None and not money:
            raise ValueError("per takes a count fact on a money penalty")
        if self.day_fine is not None:
            if not money:
                raise ValueError(f"day_fine is a money penalty; {self.kind.value} takes a "
                                 "duration (min_months/max_months)")
            if self.min is not None or self.max is not None or self.no_maximum:
                raise ValueError("a day_fine sets both bounds: give no min, max or no_maximum")
            return self
        low, high = (self.min, self.max) if money else (self.min_months, self.max_months)
        if high is None and not self.no_maximum:
            name = "max" if money else "max_months"
            raise ValueError(f"{name} is required (or no_maximum = true when the law sets none)")
        if high is not None and self.no_maximum:
            raise ValueError("no_maximum = true contradicts a maximum")
        if isinstance(low, Decimal | int) and isinstance(high, Decimal | int) and low > high:
            raise ValueError(f"minimum {low} is above maximum {high}")
        return self


class AdditionalGroup(Model):
    """Additional penalties of one clause: optional, cumulative with the principal one."""

    id: Text
    subject: Offender
    penalties: Annotated[list[Penalty], Field(min_length=1)]
    citation: Citation


class Tier(Model):
    """A clause of the provision: when it applies and what it puts at stake."""

    id: Annotated[str, Field(pattern=r"^[0-9a-zđ]+(?:[.-][0-9a-zđ]+)*$", max_length=20)]
    subject: Offender
    rank: Annotated[int, Field(strict=True, ge=0)]
    when: Trigger
    principal: Annotated[list[Penalty], Field(min_length=1)]
    principal_rule: Literal["one_of", "any_of", "all_of"] = Field(
        default="one_of", description='"one_of": exactly one principal penalty (VN Art. 32(3)); '
        '"any_of": one or more, e.g. US "fined or imprisoned, or both"; "all_of": each is '
        'imposed, e.g. "imprisonment and a fine" (Código Penal art. 184 §1)')
    additional: list[str] = []
    citation: Citation


class Floor(Model):
    """A general-part minimum that applies where a clause gives none (e.g. Art. 35(3))."""

    subject: Offender
    kind: PenaltyKind
    min: Amount | None = None
    min_months: Months | None = None
    citation: Citation

    @model_validator(mode="after")
    def _one_bound(self) -> Floor:
        money = self.kind in MONEY_KINDS
        if money != (self.min is not None) or money == (self.min_months is not None):
            wanted = "min" if money else "min_months"
            raise ValueError(f"a floor for {self.kind.value} takes exactly {wanted}")
        return self


class Modifier(Model):
    """Multiplies bounds of penalties, for a subject and/or when a trigger fires.

    ``applies_to`` lists ``kind.bound`` pairs such as ``fine.max`` or ``imprisonment.max``.
    Examples: legal persons at 5 × the natural-person maximum fine (Code pénal 131-38);
    maxima doubled for recidivism (Code pénal 132-10); an organisation's administrative fine
    at 2 × the individual's (Decree 131/2013/ND-CP Art. 2(2)).
    """

    id: Text
    subject: Offender | None = None
    when: Trigger | None = None
    factor: Ratio
    applies_to: Annotated[list[Annotated[str, Field(
        pattern=r"^[a-z_]+\.(min|max)$")]], Field(min_length=1)]
    citation: Citation

    @field_validator("applies_to")
    @classmethod
    def _known_kinds(cls, targets: list[str]) -> list[str]:
        kinds = {k.value for k in PenaltyKind}
        for target in targets:
            if target.split(".")[0] not in kinds:
                raise ValueError(f"unknown penalty kind in {shown(target)}; expected one of "
                                 f"{', '.join(sorted(kinds))}")
        return targets


class Cap(Model):
    """A general maximum that no range may exceed after modifiers (e.g. VND 500,000,000)."""

    subject: Offender
    kind: PenaltyKind
    max: Amount
    citation: Citation

    @field_validator("kind")
    @classmethod
    def _money(cls, kind: PenaltyKind) -> PenaltyKind:
        if kind not in MONEY_KINDS:  # an amount would cap months: never applied, silently
            raise ValueError(f"a cap's max is an amount: its kind is one of "
                             f"{', '.join(sorted(k.value for k in MONEY_KINDS))}")
        return kind


class HistoryRule(Model):
    """How long an earlier sanction counts, from the day it was completed: for a history flag
    (a flag fact with ``decided_by``), a subject and, optionally, a category of the earlier
    sentence (a value of the ``prior_sentence`` fact, e.g. Vietnam Penal Code Art. 70(2))."""

    fact: Name
    subject: Offender
    prior_sentence: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.()-]*$",
                                         max_length=60)] | None = None
    window_months: Months
    anchor: Text
    citation: Citation

