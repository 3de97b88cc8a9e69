"""Compiled trigger trees: evaluate facts and say which clause or point fired, and why.

A statute file's trigger tables (:mod:`penalties.schema`) are compiled once into these small
nodes, each carrying the full reference of the clause/point it encodes (``225(2)(c)``).
Evaluation returns the reasons of every trigger that fired, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from penalties.assessment import Reason, format_amount

__all__ = ["AllNode", "AnyNode", "BandNode", "Context", "FlagNode", "Node", "describe_band"]

Bound = tuple[Decimal, bool]


@dataclass(frozen=True, slots=True)
class Context:
    """What a trigger may ask about the case.

    ``flag(name)`` returns the flag's value and, when derived from a rule, a note on how;
    ``quantity(name)`` returns the number in the statute's currency (or a count), or ``None``.
    """

    flag: Callable[[str], tuple[bool, str | None]]
    quantity: Callable[[str], Decimal | None]
    currency: str


def _show(value: Decimal, money: bool, currency: str) -> str:
    return format_amount(value, currency) if money else f"{value:,f}"


def describe_band(lower: Bound | None, upper: Bound | None, money: bool, currency: str) -> str:
    """The band in words, as the law words it.

    >>> describe_band((Decimal(50), True), (Decimal(300), False), True, "VND")
    'from VND 50 to under VND 300'
    >>> describe_band((Decimal(2500), False), None, True, "USD")
    'more than USD 2,500'
    """

    def show(bound: Bound) -> str:
        return _show(bound[0], money, currency)

    if lower and upper:
        low = f"from {show(lower)}" if lower[1] else f"more than {show(lower)}"
        high = f"to {show(upper)}" if upper[1] else f"to under {show(upper)}"
        return f"{low} {high}"
    if lower:
        return f"{show(lower)} or more" if lower[1] else f"more than {show(lower)}"
    assert upper is not None
    return f"{show(upper)} or less" if upper[1] else f"under {show(upper)}"


def interval(lower: Bound | None, upper: Bound | None) -> str:
    """Interval notation: ``[50000000, 300000000)``; ``∞`` for no upper bound."""
    low = f"[{lower[0]:f}" if lower and lower[1] else (f"({lower[0]:f}" if lower else "[0")
    high = f"{upper[0]:f}]" if upper and upper[1] else (f"{upper[0]:f})" if upper else "∞)")
    return f"{low}, {high}"


class Node:
    """A compiled trigger."""

    __slots__ = ("label", "ref")

    def __init__(self, ref: str, label: str | None) -> None:
        self.ref = ref
        self.label = label

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        """Reasons of every trigger that fired below this node, or ``None`` if it did not."""
        raise NotImplementedError


class FlagNode(Node):
    """A true/false fact."""

    __slots__ = ("fact",)

    def __init__(self, ref: str, label: str | None, fact: str) -> None:
        super().__init__(ref, label)
        self.fact = fact

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        value, how = ctx.flag(self.fact)
        if not value:
            return None
        return (Reason(self.ref, self.fact, "is true", rule=how),)


class BandNode(Node):
    """A quantity within a band."""

    __slots__ = ("fact", "lower", "money", "upper", "words")

    def __init__(self, ref: str, label: str | None, fact: str, lower: Bound | None,
                 upper: Bound | None, money: bool, currency: str) -> None:
        super().__init__(ref, label)
        self.fact = fact
        self.lower = lower
        self.upper = upper
        self.money = money
        self.words = describe_band(lower, upper, money, currency)

    def contains(self, value: Decimal) -> bool:
        """Whether ``value`` lies in the band, with the law's inclusivity."""
        low, up = self.lower, self.upper
        if low is not None and (value < low[0] or (value == low[0] and not low[1])):
            return False
        return not (up is not None and (value > up[0] or (value == up[0] and not up[1])))

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        value = ctx.quantity(self.fact)
        if value is None or not self.contains(value):
            return None
        return (Reason(self.ref, self.fact, f"is {self.words}", value,
                       ctx.currency if self.money else None, interval(self.lower, self.upper)),)


class AnyNode(Node):
    """Fires when at least one child fires; reports every child that fired."""

    __slots__ = ("children",)

    def __init__(self, ref: str, label: str | None, children: tuple[Node, ...]) -> None:
        super().__init__(ref, label)
        self.children = children

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        fired: list[Reason] = []
        for child in self.children:
            reasons = child.evaluate(ctx)
            if reasons is not None:
                fired.extend(reasons)
        return tuple(fired) if fired else None


class AllNode(Node):
    """Fires when every child fires."""

    __slots__ = ("children",)

    def __init__(self, ref: str, label: str | None, children: tuple[Node, ...]) -> None:
        super().__init__(ref, label)
        self.children = children

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        fired: list[Reason] = []
        for child in self.children:
            reasons = child.evaluate(ctx)
            if reasons is None:
                return None
            fired.extend(reasons)
        return tuple(fired)
