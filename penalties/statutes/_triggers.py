"""Compiled trigger trees: evaluate facts and say which clause or point fired, and why.

A statute file's trigger tables (:mod:`penalties.statutes._schema`) are compiled once into
these small nodes, each carrying the full reference of the clause/point it encodes (``225(2)(c)``).
Evaluation returns the reasons of every trigger that fired, or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from penalties import _words as words
from penalties.assessment._results import Reason
from rates.exact import Exact

__all__ = ["ActNode", "AllNode", "AlwaysNode", "AnyNode", "BandNode", "ChoiceNode", "Context",
           "FlagNode", "Node", "NoneNode", "clause_of", "grown"]

Bound = tuple[Decimal, bool]


@dataclass(frozen=True, slots=True)
class Context:
    """What a trigger may ask about the case.

    ``flag(name)`` returns the flag's value and, when derived from a rule, a note on how;
    ``quantity(name)`` returns the number in the statute's currency (or a count), exactly,
    or ``None``; ``act()`` returns the act committed, if given; ``choice(name)`` the value
    of a fact with a list of values and, when it was assumed, a note saying so.
    """

    flag: Callable[[str], tuple[bool, str | None]]
    quantity: Callable[[str], Exact | int | None]
    currency: str
    act: Callable[[], str | None] = lambda: None
    choice: Callable[[str], tuple[str | None, str | None]] = lambda name: (None, None)


def clause_of(ref: str) -> str:
    """The clause of a trigger's reference, without the labels after it (each `` [...]``,
    brackets inside a label matched): ``225(2)`` of ``225(2) [organised]``; a clause with
    brackets of its own keeps them (``217(first range; Fa Shi [2025] No. 5 Art. 13(1))``).

    >>> clause_of("217(second range; Fa Shi [2025] No. 5) [serious [our reading]] [x]")
    '217(second range; Fa Shi [2025] No. 5)'
    """
    while ref.endswith("]"):
        depth = 0
        for at in range(len(ref) - 1, -1, -1):
            depth += {"]": 1, "[": -1}.get(ref[at], 0)
            if depth == 0:
                break
        if depth or at == 0 or ref[at - 1] != " ":
            return ref  # not a label: brackets of the clause itself
        ref = ref[:at - 1]
    return ref


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


class ChoiceNode(Node):
    """A fact with a list of values has one value (``procedure`` is ``summary``)."""

    __slots__ = ("fact", "value")

    def __init__(self, ref: str, label: str | None, fact: str, value: str) -> None:
        super().__init__(ref, label)
        self.fact = fact
        self.value = value

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        value, how = ctx.choice(self.fact)
        if value != self.value:
            return None
        return (Reason(self.ref, self.fact, f"is {value!r}", rule=how),)


class BandNode(Node):
    """A quantity within a band."""

    __slots__ = ("fact", "interval", "lower", "money", "note", "test", "upper", "words")

    def __init__(self, ref: str, label: str | None, fact: str, lower: Bound | None,
                 upper: Bound | None, money: bool, currency: str,
                 note: str | None = None) -> None:
        super().__init__(ref, label)
        self.note = note
        self.fact = fact
        self.lower = lower
        self.upper = upper
        self.money = money
        self.words = words.band(lower, upper, money, currency)
        self.test = f"is {self.words}"
        self.interval = words.interval(lower, upper)

    def contains(self, value: Exact | int) -> bool:
        """Whether ``value`` lies in the band, with the law's inclusivity (exactly: a
        ``Fraction`` compares with the ``Decimal`` bounds without rounding)."""
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
                       ctx.currency if self.money else None, self.interval, rule=self.note),)


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
    """Always fires: the tier holds for every case of its provision (an administrative
    decree's article, which punishes one act). The reason says that act is taken to be the
    case's because the provision was asked, not that the case was said to be it."""

    __slots__ = ()

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        test = "taken to be the one this provision punishes"
        return (Reason(self.ref, "act", f"{test} ({self.label})" if self.label else test),)


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
    """Fires when none of its children fires; its reason says that they do not hold, in
    their own words (``not_for_gain_in_trade does not hold``)."""

    __slots__ = ("words",)

    def __init__(self, ref: str, label: str | None, children: tuple[Node, ...],
                 words: str) -> None:
        super().__init__(ref, label, children)
        self.words = words

    def evaluate(self, ctx: Context) -> tuple[Reason, ...] | None:
        if any(child.evaluate(ctx) is not None for child in self.children):
            return None
        # "not_for_gain_in_trade does not hold": the children's own words, as a reason
        return (Reason(self.ref, self.words, "does not hold"),)


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
