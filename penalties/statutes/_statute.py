"""A provision loaded and compiled: what the engine runs on.

Built by :mod:`penalties.statutes._compile` from a validated statute file; immutable and shared
between threads.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from penalties import _words as words
from penalties._errors import NoVersionInForce
from penalties._facts import Offender
from penalties._vocabulary import Vocabulary
from penalties.assessment._results import ProvisionRef
from penalties.statutes._ranges import RangeSpec
from penalties.statutes._schema import (
    Citation,
    GeneralSentencing,
    HistoryRule,
    Leniency,
    StatuteFile,
    Subject,
    Tier,
    Version,
)
from penalties.statutes._triggers import Node

__all__ = ["CompiledModifier", "CompiledTier", "CompiledVersion", "HistoryKey", "Statute",
           "cite"]

#: A history rule's key: the history flag, the subject, the category of the prior sentence.
HistoryKey = tuple[str, Offender, str | None]


def cite(citation: Citation, article: str, word: str = "Art.") -> str:
    """Short reference: ``225(2)`` for the provision's own article, else with the instrument.

    >>> from penalties.statutes._schema import Citation
    >>> c = Citation(clause="3", article="35", quote="q", translation="t", source="s",
    ...              confidence="C")
    >>> cite(c, "225")
    '35(3)'
    """
    prefix = (f"{citation.instrument} {citation.section_word or word} "
              if citation.instrument else "")
    clause = f"({citation.clause})" if citation.clause else ""
    point = f"({citation.point})" if citation.point else ""
    return f"{prefix}{citation.article or article}{clause}{point}"


@dataclass(frozen=True, slots=True)
class CompiledTier:
    """A tier ready to run for one subject: its trigger tree and its penalties."""

    model: Tier
    ref: str
    node: Node
    principal: tuple[RangeSpec, ...]
    additional: tuple[RangeSpec, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledModifier:
    """A multiplier of bounds, for a subject and/or when its trigger fires."""

    id: str
    subject: Offender | None
    node: Node | None
    factor: Decimal
    targets: frozenset[tuple[str, str]]
    ref: str
    translation: str


@dataclass(frozen=True, slots=True)
class CompiledVersion:
    """One dated version: tiers per subject (most severe first), history rules (its own and
    its jurisdiction's general ones), modifiers and caps; ``bounds`` lists, for each
    quantity a band of the version tests, every boundary with the clause it belongs to, and
    ``exact_facts`` the facts its ranges read exactly (formulas, ``per``)."""

    model: Version
    provision: ProvisionRef
    tiers: dict[Offender, tuple[CompiledTier, ...]]
    history: dict[HistoryKey, HistoryRule]
    used_facts: dict[Offender, frozenset[str]]
    modifiers: tuple[CompiledModifier, ...] = ()
    caps: dict[tuple[Offender, str], tuple[Decimal, str]] | None = None
    bounds: dict[str, tuple[tuple[Decimal, str], ...]] = field(default_factory=dict)
    exact_facts: frozenset[str] = frozenset()
    used_sorted: dict[Offender, tuple[str, ...]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        # The facts each subject's tiers read, in order, found once for every assessment.
        object.__setattr__(self, "used_sorted",
                           {s: tuple(sorted(f)) for s, f in self.used_facts.items()})

    @property
    def effective_from(self) -> date:
        """First day in force."""
        return self.model.effective_from


@dataclass(frozen=True, slots=True)
class Statute:
    """A provision loaded from its file, with every version compiled; ``vocabulary`` is the
    facts it knows (the catalogue's and its own), ``leniency`` how leniency is judged when
    it reaches back to earlier offences (its own rule, else its jurisdiction's)."""

    model: StatuteFile
    path: str
    versions: tuple[CompiledVersion, ...]
    subjects: dict[Offender, Subject]
    vocabulary: Vocabulary
    leniency: Leniency | None = None
    #: Facts the general part weighs within the range (not in choosing the tier).
    sentencing: tuple[GeneralSentencing, ...] = ()

    @property
    def id(self) -> str:
        """Stable id, e.g. ``vn/penal-code/225``."""
        return self.model.id

    @property
    def currency(self) -> str:
        """ISO 4217 code of the amounts in the statute."""
        return self.model.currency

    def summary(self) -> dict[str, Any]:
        """The provision in a few fields (what ``penalties list --json`` prints)."""
        m = self.model
        return {"id": m.id, "aliases": m.aliases, "title": m.title.en,
                "title_original": m.title.original, "jurisdiction": m.jurisdiction,
                "instrument": m.instrument, "article": m.article, "currency": m.currency,
                "coverage": self.coverage(),
                "versions": [v.effective_from.isoformat() for v in self.versions]}

    def coverage(self) -> str:
        """The dates the versions cover, in words."""
        first = self.versions[0].effective_from.isoformat()
        last = self.versions[-1].provision.version_until
        return f"{first} to {last.isoformat()}" if last else f"{first} onwards"

    def version_on(self, day: date) -> CompiledVersion:
        """The version in force on ``day``; :class:`NoVersionInForce` if none is."""
        starts = [v.effective_from for v in self.versions]
        index = bisect.bisect_right(starts, day) - 1
        repealed = self.model.repealed_on
        if index < 0 or (repealed is not None and day >= repealed):
            coverage = self.coverage()
            if repealed is not None and day >= repealed:
                by = f" by {self.model.repealed_by}" if self.model.repealed_by else ""
                coverage += f"; repealed on {repealed.isoformat()}{by}"
            raise NoVersionInForce(self.id, day.isoformat(), coverage)
        return self.versions[index]

    def unit_value(self, day: date) -> tuple[Decimal, str]:
        """Value of one indexed unit on ``day`` and a description with its source."""
        series = self.model.units
        if series is None:
            raise NoVersionInForce(self.id, day.isoformat(), "no indexed unit is defined")
        starts = [v.effective_from for v in series.values]
        index = bisect.bisect_right(starts, day) - 1
        if index < 0:
            raise NoVersionInForce(f"{self.id} {series.name}", day.isoformat(),
                                   f"values from {starts[0].isoformat()}")
        value = series.values[index]
        mark = value.confidence.value
        text = (f"{series.name} {words.amount(value.amount, self.currency)} (from "
                f"{value.effective_from.isoformat()}, [{mark}] {value.source})")
        return value.amount, text
