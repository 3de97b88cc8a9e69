"""Every boundary of a provision: the amounts and counts at which its tiers begin and end.

This answers "from what profit is a company liable under Art. 225?" straight from the data,
in the statute's own currency, with the clause and the inclusivity of each bound.

>>> from penalties import get_provision
>>> rows = thresholds(get_provision("vn-225"))
>>> first = next(r for r in rows if r.subject == "person" and r.fact == "illicit_profit")
>>> first.ref, first.words
('225(1)', 'from VND 50,000,000 to under VND 300,000,000')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from penalties.statutes._triggers import (
    AllNode,
    AnyNode,
    BandNode,
    FlagNode,
    Node,
    describe_node,
    interval,
)
from rates.money import amount_text

if TYPE_CHECKING:
    from penalties.statutes._statute import Statute

__all__ = ["Threshold", "thresholds"]


@dataclass(frozen=True, slots=True)
class Threshold:
    """One trigger of one tier: a band of a quantity, or a true/false fact.

    ``condition`` is ``None`` when the trigger selects the tier on its own, else it names
    what must also hold (e.g. a prior penalty for the second limb of Art. 225(4)(a)).
    """

    subject: str
    tier: str
    tier_ref: str
    ref: str
    fact: str
    kind: str
    words: str
    lower: Decimal | None = None
    lower_included: bool = True
    upper: Decimal | None = None
    upper_included: bool = False
    currency: str | None = None
    condition: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; bounds are money objects for amounts, numbers for counts."""

        def bound(value: Decimal | None) -> object:
            if value is None:
                return None
            if self.currency:
                return {"amount": amount_text(value), "currency": self.currency}
            return int(value)

        out: dict[str, Any] = {"subject": self.subject, "tier": self.tier,
                               "tier_ref": self.tier_ref, "ref": self.ref,
                               "fact": self.fact, "kind": self.kind, "words": self.words}
        if self.kind == "band":
            lower = (self.lower, self.lower_included) if self.lower is not None else None
            upper = (self.upper, self.upper_included) if self.upper is not None else None
            out.update(lower=bound(self.lower), lower_included=self.lower_included,
                       upper=bound(self.upper), upper_included=self.upper_included,
                       interval=interval(lower, upper))
        out["condition"] = self.condition
        return out


def thresholds(statute: Statute, on: date | None = None) -> list[Threshold]:
    """The triggers of every tier of the version in force ``on`` (default: the latest)."""
    version = statute.version_on(on) if on else statute.versions[-1]
    rows: list[Threshold] = []
    for subject, tiers in version.tiers.items():
        for tier in reversed(tiers):
            _walk(tier.node, (subject.value, tier.model.id, tier.ref), statute.currency, None,
                  rows)
    return rows


def _walk(node: Node, where: tuple[str, str, str], currency: str, condition: str | None,
          rows: list[Threshold]) -> None:
    ref = node.ref.split(" [", 1)[0]
    if isinstance(node, FlagNode):
        rows.append(Threshold(*where, ref, node.fact, "flag", "is true", condition=condition))
    elif isinstance(node, BandNode):
        low, up = node.lower, node.upper
        rows.append(Threshold(
            *where, ref, node.fact, "band", node.words,
            lower=low[0] if low else None, lower_included=low[1] if low else True,
            upper=up[0] if up else None, upper_included=up[1] if up else False,
            currency=currency if node.money else None, condition=condition,
        ))
    elif isinstance(node, AnyNode):
        for child in node.children:
            _walk(child, where, currency, condition, rows)
    elif isinstance(node, AllNode):
        for i, child in enumerate(node.children):
            others = [describe_node(c) for j, c in enumerate(node.children) if j != i]
            also = " and ".join(others)
            _walk(child, where, currency, f"{condition} and {also}" if condition else also,
                  rows)
