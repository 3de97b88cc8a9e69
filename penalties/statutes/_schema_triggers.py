"""Triggers of the statute file format: the tests that select a tier (flags, bands, acts,
"any", "all", "none", "always", "same_as").

Bands keep the inclusivity of the legal text by the words used for their bounds (see
:mod:`penalties.statutes._schema`). Whether a fact named exists, and is of the right kind,
is checked when the file is compiled, against the facts vocabulary.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Discriminator, Field, Tag, model_validator

from penalties.statutes._schema_base import Amount, Model, Name, Text

__all__ = [
    "TRIGGER_TAGS",
    "ActTest",
    "AllOf",
    "Always",
    "AnyOf",
    "BandTest",
    "FlagTest",
    "NoneOf",
    "SameAs",
    "Trigger",
]

class FlagTest(Model):
    """Fires when a true/false fact is true (``organised``, ``commercial_scale``...), or,
    with ``equals``, when a fact of a list of values has that value (``procedure`` is
    ``summary``)."""

    fact: Name
    equals: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.()-]*$", max_length=60)] | None = None
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class BandTest(Model):
    """Fires when a quantity lies in a band; bounds keep the law's inclusivity."""

    quantity: Name
    from_: Amount | None = Field(default=None, alias="from")
    above: Amount | None = None
    to: Amount | None = None
    below: Amount | None = None
    clause: str | None = None
    point: str | None = None
    label: str | None = None
    note: Text | None = Field(default=None, description="what the result says when the band "
                              "fires, e.g. that each act counted must itself be an offence")

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


class ActTest(Model):
    """Fires when the act committed is this one (an id the provision declares in ``acts``)."""

    act: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.()-]*$", max_length=60)]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class AnyOf(Model):
    """Fires when at least one child fires (the law's "or")."""

    any: Annotated[list[Trigger], Field(min_length=1, max_length=100)]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class AllOf(Model):
    """Fires when every child fires (the law's "and", "but", "and still")."""

    all: Annotated[list[Trigger], Field(min_length=1, max_length=100)]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class NoneOf(Model):
    """Fires when no child fires (the law's "unless", "other than")."""

    none: Annotated[list[Trigger], Field(min_length=1, max_length=100)]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class Always(Model):
    """Always fires: the act itself is the offence (e.g. an administrative decree's article)."""

    always: Literal[True]
    clause: str | None = None
    point: str | None = None
    label: str | None = None


class SameAs(Model):
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

