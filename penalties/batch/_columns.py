"""What the law sees of each cell of a batch, a column at once.

Each distinct text of a column is read once by the one reader of values
(:func:`~penalties._values.read_column`, :func:`~penalties._values.plain_column`) and turned
into what the law sees of it by the engine's own functions (:meth:`Lens.places
<penalties.assessment._seen.Lens.places>`, :meth:`Lens.day
<penalties.assessment._seen.Lens.day>`, :func:`~penalties._facts.given`). A cell becomes a
code in its column's own numbering (rows with the same codes in every column share the
engine's key) and a payload (the figure of a position, the :class:`Day` of a date).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from penalties._errors import PenaltyError
from penalties._facts import given
from penalties._values import Amount, plain_column, read_column
from penalties.assessment._seen import EXACT_ROLES, TODAY_BASIS, after_today

if TYPE_CHECKING:
    from penalties._vocabulary import Fact, Vocabulary
    from penalties.assessment._seen import Lens

__all__ = ["LONE", "MAX_TEXTS", "REPEATING", "Columns", "Day"]

#: Distinct texts remembered per column before the memory starts afresh.
MAX_TEXTS = 100_000
#: The code of a cell whose row must go the single row path. A column's codes are its own
#: numbering of what the law sees of a cell: 0 not given, a position p as p + 1, any other
#: token a number below this one.
LONE = -1
#: Cells remembered per column of a kind that repeats (dates, flags, offenders, acts).
REPEATING = frozenset({"date", "flag", "enum", "act"})


class Day(NamedTuple):
    """What the law sees of an offence date cell, and the date itself."""

    basis: str
    key: tuple[Any, ...]
    text: str
    day: date


#: Cells remembered per column of a kind that repeats (dates, flags, offenders, acts).
_REPEATING = frozenset({"date", "flag", "enum", "act"})


class Columns:
    """The codes and payloads of the cells of a batch's columns (``header``), with the
    texts and tokens met kept for the next chunk of the same batch."""

    def __init__(self, header: Sequence[str], vocabulary: Vocabulary, lens: Lens,
                 today: date) -> None:
        self.lens = lens
        self.currency = lens.currency
        self.today = today
        self.facts = [vocabulary.facts.get(name) for name in header]
        #: The code and payload of each text met, in the columns whose values repeat.
        self.texts: list[tuple[dict[str, int], dict[str, Any]] | None] = [
            ({}, {}) if fact is not None and fact.kind in REPEATING else None
            for fact in self.facts]
        #: The numbering of the tokens that are not positions, per fact.
        self.numbers: dict[str, dict[Any, int]] = {name: {} for name in (*header, "offence_date")}

    def column(self, at: int, column: Sequence[str]) -> tuple[list[int], list[Any]]:
        """What the law sees of each cell of a column: the number of its token (see
        :data:`LONE`) and its payload (the figure of a position, the :class:`Day` of a
        date). Read by the one reader, a column at once, each distinct text once where
        values repeat (dates, flags, offenders); tokens by the engine's own functions."""
        fact = self.facts[at]
        if fact is None:  # the id column
            return [0] * len(column), [None] * len(column)
        known = self.texts[at]
        if known is None:
            plain = plain_column(fact, column)
            return self.cells(fact, plain if plain is not None else read_column(fact, column))
        codes_of, payloads_of = known
        fresh = list(set(column).difference(codes_of))
        if len(codes_of) + len(fresh) > MAX_TEXTS:
            codes_of.clear()
            payloads_of.clear()
            fresh = list(set(column))
        codes, payloads = self.cells(fact, read_column(fact, fresh))
        codes_of.update(zip(fresh, codes, strict=True))
        payloads_of.update(zip(fresh, payloads, strict=True))
        return (list(map(codes_of.__getitem__, column)),
                list(map(payloads_of.__getitem__, column)))

    def cells(self, fact: Fact, values: Sequence[object]) -> tuple[list[int], list[Any]]:
        """The codes and payloads of the values of one fact (read, or the error of a text
        that is not)."""
        if fact.name == "offence_date":
            days = [(LONE, None) if isinstance(v, PenaltyError)
                    else self.day(given(fact, v)) for v in values]  # type: ignore[arg-type]
            return [c for c, _ in days], [d for _, d in days]
        places = self.lens.places(fact.name, fact.kind, values, self.currency)
        default = fact.default
        # A position p is p + 1 (the figure goes into the reasons); not given (or what not
        # giving it means, _facts.given) is 0; anything else is numbered by _other.
        codes = [0 if v is None or v == default else (p + 1 if p is not None
                 else self.other(fact, v)) for v, p in zip(values, places, strict=True)]
        payloads = [(v.value if type(v) is Amount else v) if p is not None else None
                    for v, p in zip(values, places, strict=True)]
        return codes, payloads

    def other(self, fact: Fact, value: object) -> int:
        """The code of a value that is not a position: LONE when the single row path must
        report it (an error) or the engine see it whole (a date compared with the offence
        date, an amount to convert), else its number in the column's numbering."""
        if fact.role in EXACT_ROLES or isinstance(value, PenaltyError) or (
                isinstance(value, Amount) and value.currency not in (None, self.currency)):
            return LONE
        token = given(fact, value)  # the offender as an Offender
        numbers = self.numbers[fact.name]
        number = numbers.get(token)
        if number is None:
            number = numbers[token] = LONE - 1 - len(numbers)
        return number

    def day(self, value: date | None) -> tuple[int, Day | None]:
        day = value if value is not None else self.today
        found = self.lens.day(day)
        if found.dated:
            return LONE, None
        basis = "offence_date" if value is not None else TODAY_BASIS
        numbers = self.numbers["offence_date"]
        seen = (basis, found.key, after_today(value, self.today))  # as Lens.see keys it
        number = numbers.get(seen)
        if number is None:
            number = numbers[seen] = LONE - 1 - len(numbers)
        return number, Day(basis, ("day", found.key), day.isoformat(), day)
