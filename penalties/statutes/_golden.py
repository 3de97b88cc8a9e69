"""Golden cases: the answers a statute file promises, checked against the engine.

Every statute file may carry ``[[cases]]`` (facts, expected tier, expected ranges). The test
suite and ``penalties validate`` run them for every file, so the data and the engine can
never drift apart silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from penalties._facts import Facts
from penalties.assessment._engine import assess_statute

if TYPE_CHECKING:
    from moneyed import Money

    from penalties.assessment._results import PenaltyRange
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._schema import ExpectedPenalty
    from penalties.statutes._statute import Statute

__all__ = ["CaseOutcome", "run_cases"]


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """The result of one golden case: its name and every difference found (none = passed)."""

    name: str
    differences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Whether the engine gave exactly the expected answer."""
        return not self.differences


def _plain(value: Money | Decimal | None) -> Decimal | None:
    return value if value is None or isinstance(value, Decimal) else value.amount


def _describe(p: PenaltyRange | ExpectedPenalty) -> tuple[object, ...]:
    return (str(p.kind), _plain(p.min), _plain(p.max), p.min_months, p.max_months)


def _compare(what: str, got: Sequence[PenaltyRange], want: Sequence[ExpectedPenalty]) -> list[str]:
    got_d = [_describe(p) for p in got]
    want_d = [_describe(p) for p in want]
    if got_d == want_d:
        return []
    return [f"{what}: expected {want_d}, got {got_d}"]


def run_cases(statute: Statute, catalog: Catalog | None = None) -> list[CaseOutcome]:
    """Run every golden case of ``statute`` and report the differences of each.

    Provisions it refers to (a predecessor, a provision to see instead) are looked up in
    ``catalog`` (default: the shared catalogue).
    """
    from penalties.assessment._conversion import input_converter
    from penalties.statutes._catalog import default_catalog

    resolve = (catalog if catalog is not None else default_catalog()).get
    convert = input_converter()
    outcomes = []
    for case in statute.model.cases:
        result = assess_statute(statute, Facts.from_mapping(case.facts), resolve=resolve,
                                convert=convert)
        differences: list[str] = []
        tier = result.tier.id if result.tier else "none"
        if tier != case.tier:
            differences.append(f"tier: expected {case.tier!r}, got {tier!r}")
        if case.fired is not None and result.tier is not None:
            fired = [r.ref for r in result.tier.reasons]
            if fired != case.fired:
                differences.append(f"fired: expected {case.fired}, got {fired}")
        if case.principal is not None:
            differences += _compare("principal", result.principal, case.principal)
        if case.additional is not None:
            differences += _compare("additional", result.additional, case.additional)
        outcomes.append(CaseOutcome(case.name, tuple(differences)))
    return outcomes
