"""What the law sees of a case: the key the engine's answer depends on, and nothing else.

:meth:`Lens.see` turns :class:`~penalties._facts.Facts` into a :class:`Key` and a
:class:`Row`. The key holds what decides the answer: the date basis, what the offence date
decides (:class:`~penalties.assessment._law.Day`: the law for each kind of offender, the
provisions in force to point to, the indexed unit's value), the offender, and a token for
every fact given: a flag's or a date's value, and for an amount or a count in the law's
own currency its *position* among the boundaries of every band of the provision and of the
laws it reaches back to (below, on or between them), unless a penalty's formula reads the
fact (then its exact value). The row holds what only words the answer: the date, the facts
given, the figures. :func:`~penalties.assessment._engine.run` computes the answer from the
key alone, so two cases with one key get one answer, with their own figures written in:
the batch groups rows by this same key (:mod:`penalties.batch`), by construction.

Cases that give a trial, action or history date are keyed by their exact dates and values
(the law compares those dates), and an amount in another currency than the law's by its
exact value (the engine converts it, once, exactly).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from penalties._facts import Facts, Offender
from penalties._values import Amount, day_option
from penalties.assessment._law import Day, Resolver, day_on
from rates.exact import Exact, quotient, total

if TYPE_CHECKING:
    from penalties.assessment._results import Assessment
    from penalties.statutes._statute import Statute

__all__ = ["AFTER_TODAY_NOTE", "MAX_REMEMBERED", "TODAY_BASIS", "Key", "Lens", "Row",
           "after_today", "position"]

#: The date basis of a case that gives no offence date.
TODAY_BASIS = "today: no offence date was given"
#: The note of a case whose offence date is after the day of the assessment.
AFTER_TODAY_NOTE = ("The offence date is after today: the law applied is the version known "
                    "today to be in force on that date, which a later amendment may change "
                    "(check the date)")
#: How many answers (and dates) a lens remembers before it starts afresh (bounded memory).
MAX_REMEMBERED = 100_000
#: Roles of date facts that the law compares with the offence date itself.
EXACT_ROLES = frozenset({"trial", "action", "history"})


class Key(NamedTuple):
    """What the law sees of a case (see the module docstring)."""

    basis: str
    day: tuple[Any, ...]
    offender: Offender
    tokens: tuple[tuple[str, Any], ...]
    rate_source: str | None
    rate_date: date | None
    #: The offence date is after the day of the assessment (:func:`after_today`).
    after_today: bool = False


def after_today(when: date | None, today: date) -> bool:
    """Whether an offence date given (``None``: none, the case is dated ``today``) is after
    ``today``, the day of the assessment (a batch's one today): the answer then says so."""
    return when is not None and when > today


class Row(NamedTuple):
    """What only words the answer for one case: its date, the facts given, and the figure
    of each amount or count keyed by position."""

    day: date
    given: dict[str, Any]
    figures: dict[str, Exact | int]


def position(points: tuple[Decimal, ...], figure: Exact | int) -> int:
    """Where ``figure`` falls among sorted boundaries, exactly: twice the number below it,
    plus one when it is on one (so values between the same two boundaries share a place)."""
    return bisect.bisect_left(points, figure) + bisect.bisect_right(points, figure)


@dataclass
class Lens:
    """What the engine keeps for one provision between assessments: the provisions it
    reaches back to, their boundaries, the dates seen and the answers of keys seen."""

    statute: Statute
    resolve: Resolver
    _days: dict[date, Day] = field(default_factory=dict)
    _by_key: dict[tuple[Any, ...], Day] = field(default_factory=dict)
    answers: dict[Key, Assessment] = field(default_factory=dict)
    _family: tuple[Statute, ...] | None = None
    _exact: frozenset[str] | None = None
    _points: dict[tuple[str, str], tuple[Decimal, ...]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def family(self) -> tuple[Statute, ...]:
        """The provision and those a date can send it to: its predecessors and successors,
        and theirs (bounded by :data:`~penalties.assessment._law.MAX_SUCCESSION`)."""
        if self._family is None:
            from penalties.assessment._law import MAX_SUCCESSION

            found = {self.statute.id: self.statute}
            todo = [self.statute]
            while todo and len(found) <= MAX_SUCCESSION:
                model = todo.pop().model
                for link in (model.predecessor, model.successor):
                    if link and link not in found:
                        found[link] = self.resolve(link)
                        todo.append(found[link])
            self._family = tuple(found.values())
        return self._family

    @property
    def currency(self) -> str | None:
        """The one currency of the family, ``None`` if its provisions use several."""
        currencies = {s.currency for s in self.family}
        return currencies.pop() if len(currencies) == 1 else None

    @property
    def exact_facts(self) -> frozenset[str]:
        """Facts some range of the family reads exactly (keyed by value, not position)."""
        if self._exact is None:
            self._exact = frozenset().union(*(v.exact_facts for s in self.family
                                              for v in s.versions))
        return self._exact

    def points(self, fact: str, currency: str | None) -> tuple[Decimal, ...]:
        """Every boundary of ``fact`` in the family's provisions of ``currency`` (of every
        provision for a count: ``None``)."""
        key = (fact, currency or "")
        found = self._points.get(key)
        if found is None:
            values = {b for s in self.family if currency in (None, s.currency)
                      for v in s.versions for b, _ in v.bounds.get(fact, ())}
            found = self._points[key] = tuple(sorted(values))
        return found

    def representative(self, fact: str, currency: str | None, place: int) -> Exact:
        """A figure at ``place`` among the boundaries (the boundary itself when on one, the
        middle when between two): the same to every band as any figure of that place."""
        points = self.points(fact, currency)
        index, on = divmod(place, 2)
        if on:
            return points[index]
        if not points:
            return Decimal(1)
        if index == 0:
            return total(points[0], -1)  # in the library's context, never the caller's
        if index == len(points):
            return total(points[-1], 1)
        return quotient(total(points[index - 1], points[index]), Decimal(2))

    def day(self, when: date) -> Day:
        """What an offence on ``when`` decides (remembered)."""
        found = self._days.get(when)
        if found is None:
            found = day_on(self.statute, when, self.resolve)
            with self._lock:
                if len(self._days) >= MAX_REMEMBERED:
                    self._days.clear()  # the keys stay: there are a few per provision
                self._days[when] = found
                if not found.dated:
                    self._by_key.setdefault(found.key, found)
        return found

    def day_of(self, key: Key) -> tuple[Day, date | None]:
        """The :class:`Day` of a key, and its date when the key holds it (a case keyed by
        its exact dates); a key without one stands for every date with that :class:`Day`."""
        kind, value = key.day
        if kind == "exact":
            action = dict(key.tokens).get("action_date")
            if action is None:
                return self.day(value), value
            return day_on(self.statute, value, self.resolve, action), value
        return self._by_key[value], None

    def token(self, name: str, kind: str, value: object, currency: str | None) -> object:
        """What the law sees of one fact's value when the law's currency is ``currency``: a
        position for an amount or count it only compares (``("@", place)``), else the value
        itself."""
        found = self.places(name, kind, [value], currency)[0]
        return value if found is None else ("@", found)

    def places(self, name: str, kind: str, values: Sequence[object],
               currency: str | None) -> list[int | None]:
        """For many values of one fact (a batch column at once): the position of each
        amount or count the law only compares, else ``None`` (the value itself is what the
        law sees: an amount to convert, a value read exactly, anything else). A whole
        number stands for an amount in the law's currency (see
        :func:`~penalties._values.plain_column`)."""
        if kind not in ("amount", "count") or name in self.exact_facts or (
                self.statute.vocabulary[name].flag is not None):
            return [None] * len(values)  # a count a flag stands for: its flag reads it too
        points = self.points(name, currency if kind == "amount" else None)
        left, right = bisect.bisect_left, bisect.bisect_right
        if kind == "count":
            return [left(points, v) + right(points, v) if type(v) is int else None
                    for v in values]
        if currency is None:
            return [None] * len(values)  # every amount converted by the engine, exactly
        return [left(points, v) + right(points, v) if type(v) is int  # a plain amount
                else left(points, v.value) + right(points, v.value)
                if type(v) is Amount and (v.currency is None or v.currency == currency)
                else None  # not an amount, or one the engine converts, exactly
                for v in values]

    def see(self, facts: Facts, today: date, rate_source: str | None = None,
            rate_date: date | None = None) -> tuple[Key, Row]:
        """The key and the row of a case (``rate_date``, of amounts in another currency:
        a date, or its text, read as an option is: empty text is refused)."""
        rate_date = day_option("input_rate_date", rate_date)
        given = facts.given()
        when = given.get("offence_date")
        basis = "offence_date" if when is not None else TODAY_BASIS
        day = when if when is not None else today
        vocabulary = facts.vocabulary
        exact = any(vocabulary[n].role in EXACT_ROLES for n in given if n != "offence_date")
        offender = given["offender"]
        tokens: list[tuple[str, Any]] = []
        figures: dict[str, Exact | int] = {}
        found = None if exact else self.day(day)
        if found is None or found.dated:
            day_key: tuple[Any, ...] = ("exact", day)
            tokens = [(n, v) for n, v in given.items() if n not in ("offender", "offence_date")]
        else:
            day_key = ("day", found.key)
            law = found.laws.get(offender)
            currency = law.statute.currency if law is not None and not isinstance(
                law, Exception) else None
            for name, value in given.items():
                if name in ("offender", "offence_date"):
                    continue
                token = self.token(name, vocabulary[name].kind, value, currency)
                if type(token) is tuple and token[0] == "@":
                    figures[name] = value.value if isinstance(value, Amount) else value
                elif (rate_date is None and isinstance(token, Amount)
                      and token.currency not in (None, currency)):
                    day_key = ("exact", day)  # converted at the rate of the offence date
                tokens.append((name, token))
        tokens.sort(key=lambda t: t[0])  # one order, whatever the order the facts came in
        return (Key(basis, day_key, offender, tuple(tokens), rate_source, rate_date,
                    after_today(when, today)), Row(day, given, figures))

    def remember(self, key: Key, answer: Assessment) -> None:
        """Keep ``answer`` for ``key`` (forgetting all once there are too many)."""
        with self._lock:
            if len(self.answers) >= MAX_REMEMBERED:
                self.answers.clear()
            self.answers[key] = answer
