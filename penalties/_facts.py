"""The facts of a case, read once by the one reader of values and checked against each other.

A :class:`Facts` value is immutable and already validated, so the engine never re-checks it.
Its fields are the facts of the vocabulary (:mod:`penalties._vocabulary`): every fact in
``data/facts.toml``, those a jurisdiction's general rules declare, and, when built for a
statute (``Facts.from_mapping(data, vocabulary=statute.vocabulary)``), the facts that
statute file declares. Amounts may carry a currency (``"250,000,000 VND"``,
``Money("250000000", "VND")``) or not (``250000000``): then they are in the currency of the
law applied.

>>> facts = Facts(offender="entity", illicit_profit="250,000,000 VND", offence_date="2018-03-19")
>>> facts.illicit_profit
Amount(value=Decimal('250000000'), currency='VND')
>>> facts.offence_date, facts.times, facts.organised
(datetime.date(2018, 3, 19), 1, False)
>>> Facts(offender="person", willful=True, innocent="yes")
Traceback (most recent call last):
...
penalties._errors.InvalidFacts: innocent: contradictory facts: willful and innocent are both true...
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from penalties._errors import InvalidFacts, shown
from penalties._values import MAX_TEXT, Amount, read
from penalties._vocabulary import Fact, Vocabulary, builtin_vocabulary
from rates.lookback import today

__all__ = ["Amount", "Facts", "Offender", "fact_of", "given"]


class Offender(StrEnum):
    """Who committed the offence: a natural person or a commercial legal entity (the
    subjects a statute file's tiers are written for; ``offender`` in ``data/facts.toml``)."""

    PERSON = "person"
    ENTITY = "entity"


_OFFENDERS = {o.value: o for o in Offender}


class Facts:
    """What happened, as far as the statutes care: the facts given, read and checked.

    Build it with keywords (``Facts(offender="entity", illicit_profit=250_000_000)``) or
    from a mapping (:meth:`from_mapping`). Every fact of the vocabulary is an attribute:
    the value given, else the fact's default (``times`` 1, a flag ``False``, a history flag
    and everything else ``None``). An unknown fact, a value that cannot be read and facts
    that contradict each other are an :class:`~penalties._errors.InvalidFacts`.
    """

    __slots__ = ("_values", "vocabulary")

    _values: dict[str, Any]
    vocabulary: Vocabulary

    def __init__(self, vocabulary: Vocabulary | None = None, /, **values: object) -> None:
        known = vocabulary if vocabulary is not None else builtin_vocabulary()
        read_values: dict[str, Any] = {}
        for name, raw in values.items():
            value = given(fact_of(known, name), read(fact_of(known, name), raw))
            if value is not None:
                read_values[name] = value
        object.__setattr__(self, "vocabulary", known)
        object.__setattr__(self, "_values", known.ordered(read_values))
        _check(self)

    @classmethod
    def of_values(cls, vocabulary: Vocabulary, values: Mapping[str, object]) -> Facts:
        """Facts from values already read (by :mod:`penalties._values`; a batch reads each
        cell text once) and already passed through :func:`given`; they are checked against
        each other as any facts are."""
        facts = cls.__new__(cls)
        object.__setattr__(facts, "vocabulary", vocabulary)
        object.__setattr__(facts, "_values", vocabulary.ordered(values))
        _check(facts)
        return facts

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], vocabulary: Vocabulary | None = None
                     ) -> Facts:
        """Facts from a JSON-like mapping; unknown keys are an error, not ignored."""
        if not isinstance(data, Mapping):
            raise InvalidFacts("facts", f"{shown(data)} is not a mapping of facts",
                               "a Facts, or a mapping such as {\"offender\": \"entity\"}")
        bad = sorted((key for key in data if not isinstance(key, str)), key=repr)
        if bad:
            raise InvalidFacts(shown(bad[0]), "unknown fact", "fact names")
        return cls(vocabulary, **data)

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - the value of any fact
        if name.startswith("_"):  # not a fact (and _values before it is set: copy, pickle)
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            fact = self.vocabulary.facts.get(name)
            if fact is None:
                raise AttributeError(f"no fact {name!r}") from None
            return fact.default

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Facts are immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from the values read and the vocabulary, checked again: pickle and copy
        # work (a batch's facts cross to worker processes)
        return Facts.of_values, (self.vocabulary, dict(self._values))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Facts) and self._values == other._values

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._values.items())
        return f"Facts({inner})"

    def given(self) -> dict[str, Any]:
        """The facts given (what the user actually said), in the vocabulary's order."""
        return dict(self._values)

    def replace(self, **changes: object) -> Facts:
        """These facts with some changed (``None`` removes one)."""
        return Facts(self.vocabulary, **{**self._values, **changes})


def fact_of(vocabulary: Vocabulary, name: str) -> Fact:
    """The fact ``name`` of the vocabulary; an unknown fact is an error naming it."""
    fact = vocabulary.facts.get(name)
    if fact is None:
        field = name if len(name) <= MAX_TEXT else shown(name)
        raise InvalidFacts(field, "unknown fact", ", ".join(sorted(vocabulary.names())),
                           kind="unknown_fact")
    return fact


def given(fact: Fact, value: object) -> object:
    """What giving ``value`` (already read) for ``fact`` means: ``None`` when it is not given
    or when it is what not giving it means (a flag false, the default offender), the
    offender as an :class:`Offender`, else the value. A count given is kept even at its
    default (``times`` 1, ``prior_convictions`` 0): it was said, so it is shown, checked
    against the facts it answers for, and has its margins."""
    if value is None or (value == fact.default and fact.kind != "count"):
        return None
    return _OFFENDERS[value] if fact.name == "offender" else value  # type: ignore[index]


def _check(facts: Facts) -> None:
    """The checks between facts that the vocabulary declares."""
    values = facts._values
    for fact in facts.vocabulary:
        name = fact.name
        if fact.required and name not in values:
            raise InvalidFacts(name, "missing", fact.allowed)
        value = values.get(name)
        if value is None:
            continue
        if fact.decided_by and value is False and values.get(fact.decided_by) is not None:
            other = fact.decided_by
            raise InvalidFacts(name, f"contradictory facts: {name} is false but {other} is "
                               f"{values[other]}", f"either {name} or {other}, or both in "
                               "agreement")
        if fact.excludes and value is True and values.get(fact.excludes) is True:
            raise InvalidFacts(fact.excludes, f"contradictory facts: {name} and "
                               f"{fact.excludes} are both true",
                               f"at most one of {name} and {fact.excludes}")
        if fact.not_before and values.get(fact.not_before) is not None and (
                value < values[fact.not_before]):
            other = fact.not_before
            raise InvalidFacts(name, f"contradictory facts: {name} {value} is before "
                               f"{other} {values[other]}", f"{name} on or after {other}")
        if fact.flag and values.get(fact.flag) is not None and (
                values[fact.flag] is not (value >= 1)):
            raise InvalidFacts(name, f"contradictory facts: {name} is {value} but {fact.flag} "
                               f"is {str(values[fact.flag]).lower()}", f"{name} at least 1 "
                               f"exactly when {fact.flag} is true")
        if fact.role == "history" and not fact.event and value > max(
                today(), values.get("offence_date") or date.min):
            raise InvalidFacts(name, f"{value} is after the offence date and after today: "
                               "a sentence or sanction not served yet has no such date",
                               "a date on or before the later of today and the offence "
                               "date (for one still being served, leave it out)")
        if fact.needs and values.get(fact.needs) is False:
            raise InvalidFacts(name, f"contradictory facts: {name} is given but {fact.needs} "
                               "is false", f"{name} only together with {fact.needs}")
