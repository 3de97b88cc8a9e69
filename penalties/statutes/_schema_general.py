"""The statute file format, continued: what a jurisdiction's general part holds
(``data/<jurisdiction>/general.toml``: shared facts, history rules such as expungement
periods, the order in which leniency is judged) and the facts and leniency rule a statute
file may declare itself. See :mod:`penalties.statutes._schema`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from penalties._facts import Offender
from penalties._vocabulary import fact_problems
from penalties.statutes._schema_base import Citation, Day, Model, PenaltyKind, Text
from penalties.statutes._schema_penalties import HistoryRule

__all__ = ["LENIENCY_CRITERIA", "FactSpec", "GeneralFile", "GeneralHistory", "GeneralLeniency",
           "GeneralSentencing", "Leniency"]


def _fact_spec(spec: dict[str, Any]) -> dict[str, Any]:
    problems = fact_problems(spec)
    if problems:  # each at its own field: see penalties.statutes._locations.field_problems
        raise PydanticCustomError("fact_spec", "{summary}", {
            "summary": "; ".join(f"{where}: {message}" if where else message
                                 for where, message in problems),
            "problems": problems})
    return spec


#: A fact a file declares (see ``data/facts.toml`` for the fields of a fact).
FactSpec = Annotated[dict[str, Any], AfterValidator(_fact_spec)]

#: What leniency can be judged on, from the most to the least decisive when ordered.
LENIENCY_CRITERIA = ("tier", *(f"{kind.value}.{bound}" for bound in ("max", "min")
                              for kind in PenaltyKind))
Criterion = Literal[LENIENCY_CRITERIA]  # type: ignore[valid-type]


class Leniency(Model):
    """How leniency is judged when a later law may reach back (lex mitior): the criteria,
    compared in order, the first that differs deciding (``tier``: whether any tier
    applies; ``imprisonment.max``: the maximum imprisonment...). Money criteria are
    skipped when the two laws are in different currencies."""

    order: Annotated[list[Criterion], Field(min_length=1)]
    citation: Citation


class GeneralHistory(HistoryRule):
    """A history rule of a jurisdiction's general part, for the provisions whose id starts
    with one of ``applies_to``, in their versions in force from ``effective_from`` (and
    before ``until``, the first day it no longer applies)."""

    applies_to: Annotated[list[Text], Field(min_length=1)]
    effective_from: Day
    until: Day | None = None


class GeneralLeniency(Leniency):
    """The leniency rule of a jurisdiction's general part, for the provisions whose id
    starts with one of ``applies_to``."""

    applies_to: Annotated[list[Text], Field(min_length=1)]


class GeneralSentencing(Model):
    """A fact the general part weighs when the sentence is fixed within a tier's range, not
    in choosing the tier (Vietnam: recidivism, tái phạm, an aggravating circumstance under
    Penal Code 2015 Art. 52(1)(h)): given for a provision whose tiers do not test it, the
    result says so instead of calling it unused."""

    applies_to: Annotated[list[Text], Field(min_length=1)]
    fact: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
    subject: Offender | None = None
    effect: Text
    citation: Citation


class GeneralFile(Model):
    """A jurisdiction's general rules (``data/<jurisdiction>/general.toml``): facts its
    provisions share (e.g. the categories of a prior sentence), history rules (expungement
    periods) and the order in which leniency is judged, each with its citation."""

    schema_version: Literal[1] = Field(description="version of this file format")
    jurisdiction: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    facts: list[FactSpec] = []
    history: list[GeneralHistory] = []
    leniency: list[GeneralLeniency] = []
    sentencing: list[GeneralSentencing] = []
