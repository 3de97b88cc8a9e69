"""The statute file format: pydantic models that validate a parsed TOML file.

A statute file describes one provision (an article, a section) with dated versions. Each
version lists **tiers** (what the law calls clauses or brackets), each selected by a tree of
**triggers** and carrying **principal** penalties (alternatives) and references to groups of
**additional** penalties. Amounts are written in the statute's currency as TOML integers or
decimals (``300_000_000``) and read as :class:`~decimal.Decimal`, never as floats.

Bands keep the inclusivity of the legal text by the words used for their bounds:

========== ===================== =========================================
key        meaning               legal wording
========== ===================== =========================================
``from``   lower bound, included "from X" (*từ X*), "X or more" (*X trở lên*)
``above``  lower bound, excluded "more than X"
``to``     upper bound, included "up to X", a fine "from A to B"
``below``  upper bound, excluded "to under Y" (*đến dưới Y*)
========== ===================== =========================================

Cross-field rules (bands that overlap or leave gaps, unknown references) live in
:mod:`penalties.compile`; this module checks shapes and single fields.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from penalties.facts import FACT_KINDS, Offender, PriorSentence
from rates.errors import UnknownCurrency
from rates.money import MAX_AMOUNT, check_currency

__all__ = [
    "MONEY_KINDS",
    "TIME_KINDS",
    "AdditionalGroup",
    "AllOf",
    "AnyOf",
    "BandTest",
    "Citation",
    "Confidence",
    "FlagTest",
    "Floor",
    "GoldenCase",
    "HistoryRule",
    "Penalty",
    "PenaltyKind",
    "SameAs",
    "Source",
    "StatuteFile",
    "Subject",
    "Tier",
    "Title",
    "Trigger",
    "Version",
]

SCHEMA_VERSION = 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(f"expected an amount written as a TOML integer or decimal, got {value!r}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"expected a non-negative finite amount, got {value!r}")
    if amount > MAX_AMOUNT:
        raise ValueError("amounts above 10^18 are not accepted")
    return amount


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Months = Annotated[int, Field(strict=True, ge=0, le=1200)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]


class Confidence(StrEnum):
    """How sure we are of a legal fact: read in the statute, secondary, or unconfirmed."""

    CONFIRMED = "C"
    SECONDARY = "S"
    UNCONFIRMED = "U"


class PenaltyKind(StrEnum):
    """Kinds of penalty. ``fine`` is money; every other kind is a duration in months."""

    FINE = "fine"
    COMMUNITY_SENTENCE = "community_sentence"
    IMPRISONMENT = "imprisonment"
    SUSPENSION = "suspension"
    OCCUPATION_BAN = "occupation_ban"
    BUSINESS_BAN = "business_ban"
    CAPITAL_RAISING_BAN = "capital_raising_ban"


MONEY_KINDS = frozenset({PenaltyKind.FINE})
TIME_KINDS = frozenset(PenaltyKind) - MONEY_KINDS


class Source(_Model):
    """Where the text was read."""

    title: Text
    url: str | None = None


class Citation(_Model):
    """The clause and point a rule comes from, with its text and our confidence in it.

    ``instrument`` and ``article`` default to the provision's own; set them when the rule
    comes from elsewhere (a general-part article, a transitional resolution).
    """

    instrument: str | None = None
    article: str | None = None
    clause: str | None = None
    point: str | None = None
    quote: Text
    translation: Text
    source: Text
    confidence: Confidence
    note: str | None = None


class Title(_Model):
    """A title in the original language and in English."""

    original: Text
    en: Text


# --- triggers -----------------------------------------------------------------------------


class FlagTest(_Model):
    """Fires when a true/false fact is true (``organised``, ``commercial_scale``...)."""

    fact: str
    point: str | None = None
    label: str | None = None

    @field_validator("fact")
    @classmethod
    def _known_flag(cls, name: str) -> str:
        flags = sorted(k for k, kind in FACT_KINDS.items() if kind == "flag")
        if FACT_KINDS.get(name) != "flag":
            raise ValueError(f"unknown flag fact {name!r}; expected one of {', '.join(flags)}")
        return name


class BandTest(_Model):
    """Fires when a quantity lies in a band; bounds keep the law's inclusivity."""

    quantity: str
    from_: Amount | None = Field(default=None, alias="from")
    above: Amount | None = None
    to: Amount | None = None
    below: Amount | None = None
    point: str | None = None
    label: str | None = None

    @field_validator("quantity")
    @classmethod
    def _known_quantity(cls, name: str) -> str:
        quantities = sorted(k for k, kind in FACT_KINDS.items() if kind != "flag")
        if FACT_KINDS.get(name) not in ("money", "count"):
            raise ValueError(f"unknown quantity {name!r}; expected one of {', '.join(quantities)}")
        return name

    @model_validator(mode="after")
    def _bounds(self) -> BandTest:
        if self.from_ is not None and self.above is not None:
            raise ValueError("give either 'from' (included) or 'above' (excluded), not both")
        if self.to is not None and self.below is not None:
            raise ValueError("give either 'to' (included) or 'below' (excluded), not both")
        low, high = self.lower, self.upper
        if low is None and high is None:
            raise ValueError("a band needs at least one bound: from, above, to or below")
        if low is not None and high is not None:
            empty = low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1]))
            if empty:
                raise ValueError(f"the band is empty: lower bound {low[0]} is not below {high[0]}")
        return self

    @property
    def lower(self) -> tuple[Decimal, bool] | None:
        """Lower bound and whether it is included."""
        if self.from_ is not None:
            return self.from_, True
        if self.above is not None:
            return self.above, False
        return None

    @property
    def upper(self) -> tuple[Decimal, bool] | None:
        """Upper bound and whether it is included."""
        if self.to is not None:
            return self.to, True
        if self.below is not None:
            return self.below, False
        return None


class AnyOf(_Model):
    """Fires when at least one child fires (the law's "or")."""

    any: Annotated[list[Trigger], Field(min_length=1, max_length=100)]
    point: str | None = None
    label: str | None = None


class AllOf(_Model):
    """Fires when every child fires (the law's "and", "but", "and still")."""

    all: Annotated[list[Trigger], Field(min_length=1, max_length=100)]
    point: str | None = None
    label: str | None = None


class SameAs(_Model):
    """The triggers of another tier of the same version ("in a case under clause 2")."""

    same_as: Text


_TAGS = {"fact": "flag-test", "quantity": "band-test", "any": "any-of", "all": "all-of",
         "same_as": "same-as"}
TRIGGER_TAGS = frozenset(_TAGS.values())


def _trigger_tag(value: object) -> str | None:
    if isinstance(value, dict):
        for key, tag in _TAGS.items():
            if key in value:
                return tag
    elif isinstance(value, BaseModel):
        return {FlagTest: "flag-test", BandTest: "band-test", AnyOf: "any-of", AllOf: "all-of",
                SameAs: "same-as"}.get(type(value))
    return None


Trigger = Annotated[
    Annotated[FlagTest, Tag("flag-test")]
    | Annotated[BandTest, Tag("band-test")]
    | Annotated[AnyOf, Tag("any-of")]
    | Annotated[AllOf, Tag("all-of")]
    | Annotated[SameAs, Tag("same-as")],
    Discriminator(
        _trigger_tag,
        custom_error_type="trigger",
        custom_error_message="expected a trigger table with one of the keys fact, quantity, "
        "any, all or same_as",
    ),
]
AnyOf.model_rebuild()
AllOf.model_rebuild()


# --- penalties ----------------------------------------------------------------------------


class Penalty(_Model):
    """One penalty: a fine range in money, or a duration range in months."""

    kind: PenaltyKind
    min: Amount | None = None
    max: Amount | None = None
    no_maximum: bool = False
    min_months: Months | None = None
    max_months: Months | None = None
    unless_principal: list[PenaltyKind] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Penalty:
        money = self.kind in MONEY_KINDS
        wrong = ("min_months", "max_months") if money else ("min", "max")
        for name in wrong:
            if getattr(self, name) is not None:
                unit = "an amount (min/max)" if money else "a duration (min_months/max_months)"
                raise ValueError(f"{name} does not apply to {self.kind.value}, which takes {unit}")
        low, high = (self.min, self.max) if money else (self.min_months, self.max_months)
        if high is None and not self.no_maximum:
            name = "max" if money else "max_months"
            raise ValueError(f"{name} is required (or no_maximum = true when the law sets none)")
        if high is not None and self.no_maximum:
            raise ValueError("no_maximum = true contradicts a maximum")
        if low is not None and high is not None and low > high:
            raise ValueError(f"minimum {low} is above maximum {high}")
        return self


class AdditionalGroup(_Model):
    """Additional penalties of one clause: optional, cumulative with the principal one."""

    id: Text
    subject: Offender
    penalties: Annotated[list[Penalty], Field(min_length=1)]
    citation: Citation


class Tier(_Model):
    """A clause of the provision: when it applies and what it puts at stake."""

    id: Annotated[str, Field(pattern=r"^[0-9a-zđ]+(?:[.-][0-9a-zđ]+)*$", max_length=20)]
    subject: Offender
    rank: Annotated[int, Field(strict=True, ge=0)]
    when: Trigger
    principal: Annotated[list[Penalty], Field(min_length=1)]
    principal_rule: Literal["one_of"] = "one_of"
    additional: list[str] = Field(default_factory=list)
    citation: Citation


class Floor(_Model):
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


class HistoryRule(_Model):
    """How long an earlier sanction counts, from the day it was completed."""

    fact: Literal["prior_admin_penalty", "prior_conviction"]
    subject: Offender
    prior_sentence: PriorSentence | None = None
    window_months: Months
    anchor: Text
    citation: Citation


class Version(_Model):
    """The provision as in force from ``effective_from`` until the next version begins."""

    effective_from: date
    amended_by: str | None = None
    sources: Annotated[list[Source], Field(min_length=1)]
    floors: list[Floor] = Field(default_factory=list)
    history: list[HistoryRule] = Field(default_factory=list)
    tiers: Annotated[list[Tier], Field(min_length=1)]
    additional: list[AdditionalGroup] = Field(default_factory=list)
    no_tier_note: str | None = None


class Subject(_Model):
    """A kind of offender the provision covers, and from when it can be liable."""

    kind: Offender
    label: Text
    liable_from: date | None = None
    liability_citation: Citation | None = None

    @model_validator(mode="after")
    def _cited(self) -> Subject:
        if self.liable_from is not None and self.liability_citation is None:
            raise ValueError("liable_from needs a liability_citation")
        return self


class ExpectedPenalty(_Model):
    """A penalty a golden case expects, compared field by field."""

    kind: PenaltyKind
    min: Amount | None = None
    max: Amount | None = None
    min_months: Months | None = None
    max_months: Months | None = None


class GoldenCase(_Model):
    """Facts and the answer the engine must give for them; run by the test suite."""

    name: Text
    facts: dict[str, Any]
    tier: Text = Field(description='the expected tier id, or "none"')
    fired: list[str] | None = None
    principal: list[ExpectedPenalty] | None = None
    additional: list[ExpectedPenalty] | None = None


class StatuteFile(_Model):
    """One provision: identity, currency, subjects, dated versions and golden cases."""

    schema_version: Literal[1] = Field(description="version of this file format")
    id: Annotated[str, Field(pattern=r"^[a-z]{2,3}(?:/[a-z0-9][a-z0-9.-]*){2,}$", max_length=120)]
    aliases: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=60)]] = (
        Field(default_factory=list)
    )
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    instrument: Text
    article: Text
    title: Title
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
    currency: str
    version_date: Literal["offence_date"] = "offence_date"
    subjects: Annotated[list[Subject], Field(min_length=1)]
    versions: Annotated[list[Version], Field(min_length=1)]
    cases: list[GoldenCase] = Field(default_factory=list)

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, code: str) -> str:
        try:
            checked = check_currency(code)
        except UnknownCurrency as exc:
            raise ValueError(str(exc)) from None
        if checked != code:
            raise ValueError(f"write the currency code in capitals: {checked!r}")
        return code


def clean_location(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as the TOML path: ``versions[0].tiers[2].when``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in TRIGGER_TAGS or re.fullmatch(r"function-\w+\[.*\]", part):
            continue
        else:
            out += f".{part}" if out else part
    return out
