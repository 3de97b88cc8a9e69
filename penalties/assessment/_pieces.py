"""The pieces of a tier map (:mod:`penalties.assessment._map`): intervals of the fact
varied, each with the engine's answer, and neighbours with one answer joined as one."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment

__all__ = ["Piece", "joined", "signature"]


def signature(result: Assessment) -> tuple[object, ...]:
    """What tells two answers apart on a map: liability, tier, the principal ranges."""
    return (result.liable, result.tier.id if result.tier else None,
            tuple((p.kind, p.low.exact if p.low else None, p.high.exact if p.high else None,
                   p.min_months, p.max_months) for p in result.principal))


Piece = tuple[Decimal, bool, Decimal | None, bool, "Assessment"]


def joined(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring pieces with one answer as one (the pieces tile the fact's values)."""
    out: list[Piece] = []
    for piece in pieces:
        if out and signature(out[-1][4]) == signature(piece[4]):
            low, low_in, _, _, result = out[-1]
            out[-1] = (low, low_in, piece[2], piece[3], result)
        else:
            out.append(piece)
    return out
