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

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from penalties._facts import Offender
from penalties.statutes._schema_base import (
    MAX_NESTING,
    MAX_TEXT,
    MONEY_KINDS,
    NOT_MONEY,
    SCHEMA_VERSION,
    TIME_KINDS,
    Amount,
    Citation,
    Confidence,
    Day,
    Model,
    Months,
    PenaltyKind,
    Source,
    Text,
    Title,
    document_problems,
)
from penalties.statutes._schema_general import (
    LENIENCY_CRITERIA,
    FactSpec,
    GeneralFile,
    GeneralHistory,
    GeneralLeniency,
    GeneralSentencing,
    Leniency,
)
from penalties.statutes._schema_penalties import (
    AdditionalGroup,
    Bound,
    Cap,
    Floor,
    GreatestOf,
    HistoryRule,
    Modifier,
    Penalty,
    Term,
    Tier,
)
from penalties.statutes._schema_triggers import (
    ActTest,
    AllOf,
    Always,
    AnyOf,
    BandTest,
    FlagTest,
    NoneOf,
    SameAs,
    Trigger,
)
from rates.errors import UnknownCurrency
from rates.money import check_currency

__all__ = [
    "LENIENCY_CRITERIA",
    "MAX_NESTING",
    "MAX_TEXT",
    "MONEY_KINDS",
    "SCHEMA_VERSION",
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
    "GeneralFile",
    "GeneralHistory",
    "GeneralLeniency",
    "GeneralSentencing",
    "GoldenCase",
    "GreatestOf",
    "HistoryRule",
    "Leniency",
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
    "document_problems",
]


class Version(Model):
    """The provision as in force from ``effective_from`` until the next version begins."""

    effective_from: Day
    selected_by: Literal["offence_date", "action_date"] | None = Field(
        default=None, description="the event whose date must reach effective_from for this "
        "version to apply, if not the file's version_date (17 U.S.C. 504(c): 1989 amounts by "
        "when the cause of action arose, Pub. L. 100-568 s13(b); 1999 by the action's date)")
    amended_by: str | None = None
    enacted_by: str | None = Field(default=None, description="the instrument that made the "
                                   "provision, for a version that is its original text")
    sources: Annotated[list[Source], Field(min_length=1)]
    floors: list[Floor] = []
    history: list[HistoryRule] = []
    tiers: Annotated[list[Tier], Field(min_length=1)]
    additional: list[AdditionalGroup] = []
    modifiers: list[Modifier] = []
    caps: list[Cap] = []
    no_tier_note: str | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> Version:
        if self.amended_by is not None and self.enacted_by is not None:
            raise ValueError("a version is either enacted_by or amended_by an instrument")
        return self


class Subject(Model):
    """A kind of offender the provision covers, and from when it can be liable."""

    kind: Offender
    label: Text
    liable: bool = Field(default=True, description="false when the law gives this kind of "
                         "offender no liability at all (e.g. no corporate criminal liability "
                         "in Germany); liability_citation says why")
    see: Text | None = Field(default=None, description="where such an offender's liability "
                             "lies instead (e.g. an administrative fine regime)")
    liable_from: Day | None = None
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
        if not self.liable and self.liability_citation is None:
            raise ValueError("liable = false needs a liability_citation saying why")
        if not self.liable and (self.liable_from is not None or self.tiers_from is not None):
            raise ValueError("liable = false takes no liable_from or tiers_from")
        if self.tiers_from == self.kind:
            raise ValueError("tiers_from must name another subject")
        return self


class Act(Model):
    """An act the provision distinguishes (a paragraph of an administrative decree, a
    category of infringement); chosen by the ``act`` fact."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.()-]*$", max_length=60)]
    label: Text


class UnitValue(Model):
    """The value of one indexed unit from a date (e.g. an Australian penalty unit)."""

    effective_from: Day
    amount: Amount
    source: Text
    confidence: Confidence


class UnitSeries(Model):
    """An indexed unit: dated values, and which date selects the value."""

    name: Text
    date_rule: Literal["offence_date"] = "offence_date"
    citation: Citation
    values: Annotated[list[UnitValue], Field(min_length=1)]


class SeeAlso(Model):
    """Another provision to point to when no tier of this one applies."""

    id: Text
    why: Text


class LexMitior(Model):
    """A later, more lenient law applies to earlier offences tried after it took effect.

    Leniency is judged by ``leniency`` if given, else by the leniency rule of the
    jurisdiction's general rules (``data/<jurisdiction>/general.toml``)."""

    citation: Citation
    leniency: Leniency | None = None


class ExpectedPenalty(Model):
    """A penalty a golden case expects, compared field by field."""

    kind: PenaltyKind
    min: Amount | None = None
    max: Amount | None = None
    min_months: Months | None = None
    max_months: Months | None = None


class GoldenCase(Model):
    """Facts and the answer the engine must give for them; run by the test suite."""

    name: Text
    facts: dict[str, Any]
    tier: Text = Field(description='the expected tier id, "none", or "no-version" (no '
                       'version covers the date)')
    fired: list[str] | None = None
    principal: list[ExpectedPenalty] | None = None
    additional: list[ExpectedPenalty] | None = None


class StatuteFile(Model):
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
    successor: str | None = Field(
        default=None, description="id of the provision that covers the same conduct after "
        "this one is repealed (its predecessor is this one); a later, more lenient law is "
        "looked for there (lex mitior from the earlier end)")
    lex_mitior: LexMitior | None = None
    repealed_on: Day | None = None
    repealed_by: str | None = None
    acts: list[Act] = []
    see_also: list[SeeAlso] = []
    units: UnitSeries | None = None
    facts: list[FactSpec] = Field(
        default=[], description="facts this provision needs that the vocabulary lacks "
        "(fields as in data/facts.toml); accepted as --fact NAME=VALUE, as batch columns "
        "and from Python")
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
        if code in NOT_MONEY:
            raise ValueError(f"{code} is {NOT_MONEY[code]}, not a currency of amounts")
        return code

    @model_validator(mode="after")
    def _links(self) -> StatuteFile:
        for name in ("predecessor", "successor"):
            if getattr(self, name) == self.id:
                raise ValueError(f"{name} is this file's own id; it names another provision")
        return self
