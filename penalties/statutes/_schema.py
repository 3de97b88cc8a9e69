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

Any trigger may carry ``point`` (rendered as ``225(2)(c)``), ``label``, and ``clause`` to cite
another clause of the same article than its tier's (``225(2)(c)`` inside tier 4(b)).

Cross-field rules (bands that overlap or leave gaps, unknown references) live in
:mod:`penalties.statutes._compile`; this module checks shapes and single fields.
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

from penalties._errors import shown
from penalties._facts import FACT_KINDS, Offender, PriorSentence
from rates.errors import UnknownCurrency
from rates.money import MAX_AMOUNT, check_currency

__all__ = [
    "MONEY_KINDS",
    "TIME_KINDS",
    "Act",
    "ActTest",
    "AdditionalGroup",
    "AllOf",
    "Always",
    "AnyOf",
    "BandTest",
    "Bound",
    "Cap",
    "Citation",
    "Confidence",
    "FlagTest",
    "Floor",
    "GoldenCase",
    "GreatestOf",
    "HistoryRule",
    "LexMitior",
    "Modifier",
    "NoneOf",
    "Penalty",
    "PenaltyKind",
    "SameAs",
    "SeeAlso",
    "Source",
    "StatuteFile",
    "Subject",
    "Term",
    "Tier",
    "Title",
    "Trigger",
    "UnitSeries",
    "UnitValue",
    "Version",
]

SCHEMA_VERSION = 1


class _Model(BaseModel):
    """Base of every model. Validators are built on first use (``defer_build``), once for
    the whole file format, not at import. List fields default to ``[]``, which pydantic
    copies for each instance: ``default_factory=list`` would make it inspect the signature
    of ``list``, which costs a cold start a few milliseconds."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              defer_build=True)


def _amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("expected an amount written as a TOML integer or decimal, got "
                         f"{shown(value)}")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"expected a non-negative finite amount, got {shown(value)}")
    if amount > MAX_AMOUNT:
        raise ValueError("amounts above 10^18 are not accepted")
    return amount


Amount = Annotated[Decimal, BeforeValidator(_amount)]
Months = Annotated[int, Field(strict=True, ge=0, le=1200)]


def _ratio(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError("expected a number written as a TOML integer or decimal, got "
                         f"{shown(value)}")
    ratio = Decimal(value)
    if not ratio.is_finite() or ratio <= 0 or ratio > 1000:
        raise ValueError(f"expected a factor above 0 and at most 1000, got {shown(value)}")
    return ratio


Ratio = Annotated[Decimal, BeforeValidator(_ratio)]
#: Longest text anywhere in a statute file (a quote, a label, a key).
MAX_TEXT = 20_000
#: Deepest nesting of tables and arrays in a statute file (the built-in files use 16).
MAX_NESTING = 64

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class Confidence(StrEnum):
    """How sure we are of a legal fact: read in the statute, secondary, or unconfirmed."""

    CONFIRMED = "C"
    SECONDARY = "S"
    UNCONFIRMED = "U"


class PenaltyKind(StrEnum):
    """Kinds of penalty. ``fine`` and ``statutory_damages`` are money; the rest are
    durations in months."""

    FINE = "fine"
    COMMUNITY_SENTENCE = "community_sentence"
    IMPRISONMENT = "imprisonment"
    SUSPENSION = "suspension"
    OCCUPATION_BAN = "occupation_ban"
    BUSINESS_BAN = "business_ban"
    CAPITAL_RAISING_BAN = "capital_raising_ban"
    STATUTORY_DAMAGES = "statutory_damages"


MONEY_KINDS = frozenset({PenaltyKind.FINE, PenaltyKind.STATUTORY_DAMAGES})
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
    section_word: str | None = Field(
        default=None, description='how the other instrument names its units, e.g. "s." or '
        '"§" (default: the file\'s section_word)')
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
    clause: str | None = None
    point: str | None = None
    label: str | None = None

    @field_validator("fact")
    @classmethod
    def _known_flag(cls, name: str) -> str:
        flags = sorted(k for k, kind in FACT_KINDS.items() if kind == "flag")
        if FACT_KINDS.get(name) != "flag":
            raise ValueError(f"unknown flag fact {shown(name)}; expected one of {', '.join(flags)}")
        return name


class BandTest(_Model):
    """Fires when a quantity lies in a band; bounds keep the law's inclusivity."""

    quantity: str
    from_: Amount | None = Field(default=None, alias="from")
    above: Amount | None = None
    to: Amount | None = None
    below: Amount | None = None
    clause: str | None = None
    point: str | None = None
    label: str | None = None

    @field_validator("quantity")
    @classmethod
    def _known_quantity(cls, name: str) -> str:
        quantities = sorted(k for k, kind in FACT_KINDS.items() if kind != "flag")
        if FACT_KINDS.get(name) not in ("money", "count"):
            raise ValueError(f"unknown quantity {shown(name)}; expected one of "
                             f"{', '.join(quantities)}")
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


class ActTest(_Model):
    """Fires when the act committed is this one (an id the provision declares in ``acts``)."""

    act: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.()-]*$", max_length=60)]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class AnyOf(_Model):
    """Fires when at least one child fires (the law's "or")."""

    any: Annotated[list[Trigger], Field(min_length=1, max_length=100)]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class AllOf(_Model):
    """Fires when every child fires (the law's "and", "but", "and still")."""

    all: Annotated[list[Trigger], Field(min_length=1, max_length=100)]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class NoneOf(_Model):
    """Fires when no child fires (the law's "unless", "other than")."""

    none: Annotated[list[Trigger], Field(min_length=1, max_length=100)]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class Always(_Model):
    """Always fires: the act itself is the offence (e.g. an administrative decree's article)."""

    always: Literal[True]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class SameAs(_Model):
    """The triggers of another tier of the same version ("in a case under clause 2")."""

    same_as: Text


_TAGS = {"fact": "flag-test", "quantity": "band-test", "act": "act-test", "any": "any-of",
         "all": "all-of", "none": "none-of", "always": "always", "same_as": "same-as"}
TRIGGER_TAGS = frozenset(_TAGS.values())


def _trigger_tag(value: object) -> str | None:
    if isinstance(value, dict):
        for key, tag in _TAGS.items():
            if key in value:
                return tag
    elif isinstance(value, BaseModel):
        return {FlagTest: "flag-test", BandTest: "band-test", ActTest: "act-test",
                AnyOf: "any-of", AllOf: "all-of", NoneOf: "none-of", Always: "always",
                SameAs: "same-as"}.get(type(value))
    return None


Trigger = Annotated[
    Annotated[FlagTest, Tag("flag-test")]
    | Annotated[BandTest, Tag("band-test")]
    | Annotated[ActTest, Tag("act-test")]
    | Annotated[AnyOf, Tag("any-of")]
    | Annotated[AllOf, Tag("all-of")]
    | Annotated[NoneOf, Tag("none-of")]
    | Annotated[Always, Tag("always")]
    | Annotated[SameAs, Tag("same-as")],
    Discriminator(
        _trigger_tag,
        custom_error_type="trigger",
        custom_error_message="expected a trigger table with one of the keys fact, quantity, "
        "act, any, all, none, always or same_as",
    ),
]


# --- penalties ----------------------------------------------------------------------------


class Term(_Model):
    """An amount computed from the case: a fixed amount, ``times`` × a money fact, or a
    number of indexed ``units`` (valued on the date the statute's unit series says)."""

    amount: Amount | None = None
    fact: str | None = None
    times: Ratio = Decimal(1)
    units: Amount | None = None
    ref: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Term:
        given = [k for k in ("amount", "fact", "units") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a term takes exactly one of amount, fact or units")
        if self.fact is not None and FACT_KINDS.get(self.fact) != "money":
            money = sorted(k for k, v in FACT_KINDS.items() if v == "money")
            raise ValueError(f"unknown money fact {shown(self.fact)}; expected one of "
                             f"{', '.join(money)}")
        return self


class GreatestOf(_Model):
    """The greatest of several terms, e.g. EUR 20,000,000 or 4 % of turnover (GDPR 83(5))."""

    greatest_of: Annotated[list[Term], Field(min_length=1, max_length=20)]


_BOUND_TAGS = frozenset({"bound-amount", "bound-term", "bound-greatest-of"})


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


class Penalty(_Model):
    """One penalty: a money range (fine, statutory damages) or a duration range in months.

    ``per`` multiplies a money range by a count fact (statutory damages per work), with an
    optional ``total_max`` across all items.
    """

    kind: PenaltyKind
    min: Bound | None = None
    max: Bound | None = None
    no_maximum: bool = False
    per: str | None = None
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
        if self.per is not None and (not money or FACT_KINDS.get(self.per) != "count"):
            counts = sorted(k for k, v in FACT_KINDS.items() if v == "count")
            raise ValueError(f"per takes a count fact ({', '.join(counts)}) on a money penalty")
        low, high = (self.min, self.max) if money else (self.min_months, self.max_months)
        if high is None and not self.no_maximum:
            name = "max" if money else "max_months"
            raise ValueError(f"{name} is required (or no_maximum = true when the law sets none)")
        if high is not None and self.no_maximum:
            raise ValueError("no_maximum = true contradicts a maximum")
        if isinstance(low, Decimal | int) and isinstance(high, Decimal | int) and low > high:
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
    principal_rule: Literal["one_of", "any_of"] = Field(
        default="one_of", description='"one_of": exactly one principal penalty (VN Art. 32(3)); '
        '"any_of": one or more, e.g. US "fined or imprisoned, or both"')
    additional: list[str] = []
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


class Modifier(_Model):
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


class Cap(_Model):
    """A general maximum that no range may exceed after modifiers (e.g. VND 500,000,000)."""

    subject: Offender
    kind: PenaltyKind
    max: Amount
    citation: Citation


class HistoryRule(_Model):
    """How long an earlier sanction counts, from the day it was completed."""

    fact: Literal["prior_admin_penalty", "prior_conviction", "prior_judgment"]
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
    floors: list[Floor] = []
    history: list[HistoryRule] = []
    tiers: Annotated[list[Tier], Field(min_length=1)]
    additional: list[AdditionalGroup] = []
    modifiers: list[Modifier] = []
    caps: list[Cap] = []
    no_tier_note: str | None = None


class Subject(_Model):
    """A kind of offender the provision covers, and from when it can be liable."""

    kind: Offender
    label: Text
    liable_from: date | None = None
    liability_citation: Citation | None = None
    tiers_from: Offender | None = Field(
        default=None, description="use the tiers of another subject (with the modifiers "
        "that apply to this one), e.g. legal persons under the natural-person clauses")
    exclude_kinds: list[PenaltyKind] = Field(
        default=[], description="penalty kinds that do not apply to this subject "
        "when its tiers come from another (e.g. imprisonment for a legal person)")

    @model_validator(mode="after")
    def _cited(self) -> Subject:
        if self.liable_from is not None and self.liability_citation is None:
            raise ValueError("liable_from needs a liability_citation")
        if self.tiers_from == self.kind:
            raise ValueError("tiers_from must name another subject")
        return self


class Act(_Model):
    """An act the provision distinguishes (a paragraph of an administrative decree, a
    category of infringement); chosen by the ``act`` fact."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.()-]*$", max_length=60)]
    label: Text


class UnitValue(_Model):
    """The value of one indexed unit from a date (e.g. an Australian penalty unit)."""

    effective_from: date
    amount: Amount
    source: Text
    confidence: Confidence


class UnitSeries(_Model):
    """An indexed unit: dated values, and which date selects the value."""

    name: Text
    date_rule: Literal["offence_date"] = "offence_date"
    citation: Citation
    values: Annotated[list[UnitValue], Field(min_length=1)]


class SeeAlso(_Model):
    """Another provision to point to when no tier of this one applies."""

    id: Text
    why: Text


class LexMitior(_Model):
    """A later, more lenient law applies to earlier offences tried after it took effect."""

    citation: Citation
    compare: Literal["maximum_custody_then_fine"] = Field(
        default="maximum_custody_then_fine",
        description="how leniency is judged: the lower maximum custodial term, then the "
        "lower maximum fine, then the lower minima; no tier is the most lenient")


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
    aliases: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$", max_length=60)]] = []
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    instrument: Text
    article: Text
    title: Title
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
    section_word: str = Field(default="Art.", description='"Art.", "s.", "§" ...')
    currency: str
    kind: Literal["criminal", "administrative", "civil"] = "criminal"
    version_date: Literal["offence_date", "action_date"] = Field(
        default="offence_date", description='which date selects the version: the offence '
        'date, or the date the action was brought ("action_date" fact; e.g. US statutory '
        'damages amounts apply to actions brought after the amendment)')
    predecessor: str | None = Field(
        default=None, description="id of the provision that covered the same conduct before "
        "this one's first version; offences before then are assessed under it")
    lex_mitior: LexMitior | None = None
    repealed_on: date | None = None
    repealed_by: str | None = None
    acts: list[Act] = []
    see_also: list[SeeAlso] = []
    units: UnitSeries | None = None
    subjects: Annotated[list[Subject], Field(min_length=1)]
    versions: Annotated[list[Version], Field(min_length=1)]
    cases: list[GoldenCase] = []

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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def document_problems(data: object) -> list[tuple[str, str]]:
    """What a parsed TOML document breaks before its fields are read, as (location, message):
    nesting deeper than :data:`MAX_NESTING`, text longer than :data:`MAX_TEXT` characters,
    and control characters (other than tab and line breaks) in any text or key.

    >>> document_problems({"versions": [{"note": "a\\x1b[2Jb"}]})
    [('versions[0].note', 'control character U+001B in the text')]
    """
    problems: list[tuple[str, str]] = []
    stack: list[tuple[str, object, int]] = [("", data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if isinstance(value, str):
            problems += [(where, message) for message in _text_problems(value)]
        elif isinstance(value, dict | list) and depth >= MAX_NESTING:
            problems.append((where, f"nested deeper than {MAX_NESTING} levels"))
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", child, depth + 1) for i, child in enumerate(value)]
        elif isinstance(value, dict):
            for key, child in value.items():
                bad = _text_problems(key)
                problems += [(where, f"key {message}") for message in bad]
                if not bad:
                    stack.append((f"{where}.{key}" if where else key, child, depth + 1))
    return sorted(problems)


def _text_problems(text: str) -> list[str]:
    if len(text) > MAX_TEXT:
        return [f"text of {len(text):,} characters is longer than {MAX_TEXT:,}"]
    control = _CONTROL.search(text)
    if control:
        return [f"control character U+{ord(control.group()):04X} in the text"]
    return []


def clean_location(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as the TOML path: ``versions[0].tiers[2].when``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in TRIGGER_TAGS or part in _BOUND_TAGS or re.fullmatch(
                r"function-\w+\[.*\]", part):
            continue
        else:
            out += f".{part}" if out else part
    return out
