"""Compiled trigger trees: evaluate facts and say which clause or point fired, and why.

A statute file's trigger tables (:mod:`penalties.statutes._schema`) are compiled once into
these small nodes, each carrying the full reference of the clause/point it encodes (``225(2)(c)``).
Evaluation returns the reasons of every trigger that fired, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from penalties.assessment._results import Reason, format_amount

__all__ = ["ActNode", "AllNode", "AlwaysNode", "AnyNode", "BandNode", "Context", "FlagNode",
           "Node", "NoneNode", "describe_band", "describe_node", "grown", "interval", "outline"]

Bound = tuple[Decimal, bool]


@dataclass(frozen=True, slots=True)
class Context:
    """What a trigger may ask about the case.

    ``flag(name)`` returns the flag's value and, when derived from a rule, a note on how;
    ``quantity(name)`` returns the number in the statute's currency (or a count), or ``None``;
    ``act()`` returns the act committed, if given.
    """

    flag: Callable[[str], tuple[bool, str | None]]
    quantity: Callable[[str], Decimal | None]
    currency: str
    act: Callable[[], str | None] = lambda: None


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
    """A compiled trigger.

    ``size`` counts the nodes of the tree it heads and ``height`` its levels, a subtree
    shared through ``same_as`` counted each time it is reached: what an evaluation walks.
    """

    __slots__ = ("label", "ref")

    size: int = 1
    height: int = 1

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

    __slots__ = ("fact", "interval", "lower", "money", "test", "upper", "words")

    def __init__(self, ref: str, label: str | None, fact: str, lower: Bound | None,
                 upper: Bound | None, money: bool, currency: str) -> None:
        super().__init__(ref, label)
        self.fact = fact
        self.lower = lower
        self.upper = upper
        self.money = money
        self.words = describe_band(lower, upper, money, currency)
        self.test = f"is {self.words}"
        self.interval = interval(lower, upper)

    def contains(self, value: Decimal) -> bool:
        """Whether ``value`` lies in the band, with the law's inclusivity."""
        low, up = self.lower, self.upper
        if low is not None and (value < low[0] or (value == low[0] and not low[1])):
            return False
        return not (up is not None and (value > up[0] or (value == up[0] and not up[1])))

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        value = ctx.quantity(self.fact)
        if value is None:
            return None
        low, up = self.lower, self.upper  # contains(), inlined: this runs in every assessment
        if low is not None and (value < low[0] or (value == low[0] and not low[1])):
            return None
        if up is not None and (value > up[0] or (value == up[0] and not up[1])):
            return None
        return (Reason(self.ref, self.fact, self.test, value,
                       ctx.currency if self.money else None, self.interval),)


class ActNode(Node):
    """The act committed is this one."""

    __slots__ = ("act", "words")

    def __init__(self, ref: str, label: str | None, act: str, words: str) -> None:
        super().__init__(ref, label)
        self.act = act
        self.words = words

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        if ctx.act() != self.act:
            return None
        return (Reason(self.ref, "act", f"is {self.act!r}: {self.words}"),)


class AlwaysNode(Node):
    """Always fires."""

    __slots__ = ()

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        return (Reason(self.ref, "act", f"is {self.label or 'the act of this provision'}"),)


class _Branch(Node):
    """A node over other nodes."""

    __slots__ = ("children", "height", "size")

    def __init__(self, ref: str, label: str | None, children: tuple[Node, ...]) -> None:
        super().__init__(ref, label)
        self.children = children
        self.size, self.height = grown(children)


def grown(children: tuple[Node, ...]) -> tuple[int, int]:
    """``size`` and ``height`` of a node over ``children``."""
    return 1 + sum(c.size for c in children), 1 + max((c.height for c in children), default=0)


class NoneNode(_Branch):
    """Fires when none of its children fires."""

    __slots__ = ("words",)

    def __init__(self, ref: str, label: str | None, children: tuple[Node, ...],
                 words: str) -> None:
        super().__init__(ref, label, children)
        self.words = words

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        if any(child.evaluate(ctx) is not None for child in self.children):
            return None
        return (Reason(self.ref, "none_of", f"holds: none of {self.words}"),)


class AnyNode(_Branch):
    """Fires when at least one child fires; reports every child that fired."""

    __slots__ = ()

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        fired: tuple[Reason, ...] = ()
        for child in self.children:
            reasons = child.evaluate(ctx)
            if reasons is not None:
                fired += reasons
        return fired or None


class AllNode(_Branch):
    """Fires when every child fires."""

    __slots__ = ()

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        fired: list[Reason] = []
        for child in self.children:
            reasons = child.evaluate(ctx)
            if reasons is None:
                return None
            fired.extend(reasons)
        return tuple(fired)


def describe_node(node: Node) -> str:
    """A trigger tree in words, for explanations and ``penalties thresholds``."""
    if isinstance(node, FlagNode):
        return node.fact
    if isinstance(node, BandNode):
        return f"{node.fact} {node.words}"
    if isinstance(node, ActNode):
        return f"act {node.act!r}"
    if isinstance(node, AlwaysNode):
        return node.label or "the act itself"
    if isinstance(node, NoneNode):
        return f"none of ({node.words})"
    assert isinstance(node, AnyNode | AllNode)
    word = " or " if isinstance(node, AnyNode) else " and "
    return "(" + word.join(describe_node(c) for c in node.children) + ")"


def outline(node: Node, indent: str = "") -> list[str]:
    """A trigger tree as indented lines, for ``penalties show``."""
    if isinstance(node, AnyNode | AllNode | NoneNode):
        word = {AnyNode: "any of", AllNode: "all of", NoneNode: "none of"}[type(node)]
        lines = [f"{indent}{word}:"]
        for child in node.children:
            lines += outline(child, indent + "  ")
        return lines
    return [f"{indent}{node.ref}: {describe_node(node)}"]
