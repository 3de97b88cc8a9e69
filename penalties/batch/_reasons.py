"""The reasons of a class of rows, written for each of its rows with that row's figures.

A class of rows shares the engine's answer (:mod:`penalties.batch._table`); its reasons say
why a tier applies, some of them with the row's own figure ("profit of VND 120,000,000 is
in ..."). The plan of a class says which sentences take a figure and from which column;
the figures are written by :func:`penalties._words.numbers`, as :func:`penalties._words.amount`
writes them for a single row, so both paths write the same reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from penalties import _words as words

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment
    from penalties.assessment._seen import Key

__all__ = ["ReasonPlan", "reason_plan", "reasons"]

#: How a class's reasons are written for one of its rows: each sentence as it stands, or
#: its text before and after the figure, the column of the figure and its currency.
ReasonPlan = list[tuple[str, int | None, str, str | None]]


def reason_plan(template: Assessment, key: Key, header: Sequence[str]) -> ReasonPlan:
    """How the reasons of the engine's answer of ``key`` take a row's figures: a reason on
    a fact whose token is a position (a figure within a band) is written around the figure
    of the row's cell in that column of ``header``; any other reason stands as it is."""
    tokens = dict(key.tokens)
    places = {name: at for at, name in enumerate(header)}
    plan: ReasonPlan = []
    for reason in template.tier.reasons if template.tier else ():
        at = places.get(reason.fact)
        if reason.figure is None or at is None or type(tokens.get(reason.fact)) is not tuple:
            plan.append((reason.text, None, "", None))
            continue
        head, tail = reason.around()
        plan.append((head, at, tail, reason.currency))
    return plan


def reasons(plan: ReasonPlan, columns: list[list[Any]], rows: list[int]) -> list[str]:
    """The reasons of a class for each of some rows, with each row's figures (``columns``:
    the cells by column), sentence by sentence."""
    parts: list[list[str]] = []
    for text, at, tail, currency in plan:
        if at is None:
            parts.append([text] * len(rows))
            continue
        column = columns[at]
        head = f"{text}{currency} " if currency else text  # as words.amount writes it
        figures = words.numbers([column[row] for row in rows])
        parts.append([f"{head}{figure}{tail}" for figure in figures])
    if not parts:
        return [""] * len(rows)
    if len(parts) == 1:
        return parts[0]
    return [" | ".join(texts) for texts in zip(*parts, strict=True)]
