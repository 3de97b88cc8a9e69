"""The header of a batch table: which column is which fact, and which are carried through.

A column names a fact (or ``id``) when its header is the fact's name whatever its case,
spaces, underscores and dashes: ``Offender``, `` offence date ``, ``Offence-Date`` and
``OFFENCE_DATE`` are ``offence_date`` (:func:`fold`). Two headers that fold to one name are
an error naming both.

Any other column is **carried through**: its cells are copied unchanged to the output,
after the result columns, and never read as facts (:attr:`Header.note` says which, once).
A carried column whose name is a result column (``notes``, ``error``...) is written as
``input_NAME``. A column that looks like a misspelt fact is refused, not carried, because
carrying it would assess every row as if the fact were not given: its folded name is within
one edit (two for names of ten letters or more; none for names of three or fewer) of a
fact's, or is a fact's command-line name (``profit``), and that fact is not a column
already. With ``strict`` every column that is not a fact or ``id`` is refused (as before
columns were carried).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from penalties._errors import InvalidFacts, shown
from penalties.batch._cells import CSV_COLUMNS
from penalties.batch._rows import LONE_SURROGATE, BadRow, Case, refused_id

if TYPE_CHECKING:
    from penalties._vocabulary import Vocabulary

__all__ = ["ABOUT", "ALSO", "CURRENCY", "UNITS", "VAGUE", "Header", "fold", "near_fact",
           "vague_kind", "words"]

_DROPPED = str.maketrans("", "", " \t\r\n\u00a0\u202f\u200b\ufeff_-")


def fold(name: str) -> str:
    """A header as it is matched: lower case, without spaces (no-break and zero-width ones
    too, and a byte order mark), underscores and dashes."""
    return name.casefold().translate(_DROPPED)


def _distance(a: str, b: str, most: int) -> int:
    """The edit distance of ``a`` and ``b`` (insertions, deletions, substitutions and
    swaps of neighbours), or ``most + 1`` when it is more than ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        line = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            line[j] = min(row[j] + 1, line[j - 1] + 1, row[j - 1] + (x != y))
            if before is not None and i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                line[j] = min(line[j], before[j - 2] + 1)
        if min(line) > most:
            return most + 1
        before, row = row, line
    return row[-1]


#: Words that make a column about a fact rather than the fact itself: ``damage_type``,
#: ``Works title``, ``profit_centre``, ``procedure_notes``, ``offender_name`` are carried.
ABOUT = frozenset({"type", "types", "kind", "category", "title", "name", "names", "note",
                   "notes", "comment", "comments", "centre", "center", "description", "desc",
                   "status", "id", "ref", "reference", "source", "sources", "url", "link"})
#: Words that may stand beside a vague name (``Amount (VND)``, ``Date (dd/mm/yyyy)``), with
#: ISO 4217 codes and numbers.
UNITS = frozenset({"in", "of", "the", "dd", "mm", "yyyy", "yy", "iso", "k", "m", "bn",
                   "thousand", "thousands", "million", "millions", "billion", "billions",
                   "est", "estimated", "total", "y", "n", "yes", "no"})
#: Column names that could be any fact of a kind, and that kind.
VAGUE = {"date": "date", "amount": "amount", "value": "amount", "sum": "amount",
         "total": "amount", "count": "count", "quantity": "count"}
#: Words of a column that holds currencies (``illicit_profit_currency``, ``Currency (ISO)``,
#: ``ccy``): an amount's currency is written in its cell, so carrying such a column would
#: read every amount beside it in the law's currency.
CURRENCY = frozenset({"currency", "currencies", "ccy", "curr", "cur"})
#: Other names of facts, in words (``Date of offence``).
ALSO = {("date", "of", "offence"): "offence_date", ("date", "of", "offense"): "offence_date",
        ("date", "of", "the", "offence"): "offence_date",
        ("date", "of", "the", "offense"): "offence_date"}


def words(name: str) -> tuple[str, ...]:
    """A header's words in lower case: runs of letters and digits, camel case split
    (``Illicit profit (VND)`` and ``IllicitProfitVND``: ``illicit``, ``profit``, ``vnd``)."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])", " ", name)
    return tuple(re.findall(r"[^\W_]+", spaced.casefold()))


def _unit(word: str) -> bool:
    """Whether ``word`` may stand beside a vague name (:data:`UNITS`, a number, a code)."""
    from rates.errors import UnknownCurrency
    from rates.money import check_currency

    if word in UNITS or word.isdigit():
        return True
    try:
        return len(word) == 3 and bool(check_currency(word))
    except UnknownCurrency:
        return False


def vague_kind(name: str) -> str | None:
    """The kind of fact a column could be any of (``date``, ``Amount (VND)``), or
    ``None``."""
    found = words(name)
    if found and found[0] in VAGUE and all(_unit(w) for w in found[1:]):
        return VAGUE[found[0]]
    return None


def _within(found: tuple[str, ...], fact: tuple[str, ...]) -> bool:
    """Whether a fact's words stand, in order, among a column's (its last one perhaps a
    plural: ``Illicit profits``)."""
    size = len(fact)
    for at in range(len(found) - size + 1):
        part = found[at:at + size]
        if part[:-1] == fact[:-1] and part[-1] in (fact[-1], fact[-1] + "s"):
            return True
    return False


def near_fact(name: str, vocabulary: Vocabulary) -> str | None:
    """The fact a column or key that is not one seems to mean, or ``None``: a misspelling,
    a different case, its command-line name, another of its names (:data:`ALSO`), or its
    words among the column's with others (a currency, a unit, a year: ``Illicit profits
    (VND)``, ``Turnover 2019``, ``Offence date (dd/mm/yyyy)``), unless one of those says the
    column is about the fact (:data:`ABOUT`: ``damage_type``); the fact of most words wins.
    Carrying such a column would assess every row as if the fact were not given."""
    folded = fold(name)
    if not folded or len(folded) > 64:
        return None
    best: tuple[int, str] | None = None
    beside: list[tuple[tuple[str, ...], str]] = []  # each fact whose words the column has
    found = words(name)
    if found in ALSO and ALSO[found] in vocabulary:
        return ALSO[found]
    about = any(word in ABOUT for word in found)
    for fact in vocabulary:
        target = fold(fact.name)
        if folded in (target, fold(fact.option)):
            return fact.name
        most = 0 if len(target) <= 3 else 1 if len(target) < 10 else 2
        distance = _distance(folded, target, most)
        if distance <= most and (best is None or distance < best[0]):
            best = (distance, fact.name)
        if about:
            continue
        beside += [(known, fact.name) for known in {tuple(fact.name.split("_")),
                                                     tuple(fact.option.split("-"))}
                   if _within(found, known)]
    if best is None and beside:
        longest = max(beside, key=lambda item: len(item[0]))
        if any(fact != longest[1] and not _within(longest[0], known)
               for known, fact in beside):  # two facts in one column: a wrong delimiter?
            return None
        return longest[1]
    return best[1] if best is not None else None


@dataclass(frozen=True, slots=True)
class Header:
    """What each column of a header is: ``names`` holds, per column, the fact's name (or
    ``id``) or, for a carried column, its header as written; ``read`` the places of the
    columns read (facts and ``id``), ``carried`` those of the carried columns and
    ``carried_names`` their names in the output."""

    names: tuple[str, ...]
    read: tuple[int, ...]
    carried: tuple[int, ...]
    carried_names: tuple[str, ...]

    @classmethod
    def of(cls, header: Sequence[str], vocabulary: Vocabulary | None = None, *,
           strict: bool = False) -> Header:
        """The header's columns, or an :class:`~penalties._errors.InvalidFacts`: a header
        that is missing, names a column twice (or two that fold to one name), has a column
        that is not a fact with ``strict`` or looks like a misspelt fact without it, or has
        no ``offender`` column."""
        if vocabulary is None:
            from penalties._vocabulary import builtin_vocabulary

            vocabulary = builtin_vocabulary()
        if not header:
            raise InvalidFacts("header", "the file is empty", "a header naming offender and "
                               "other facts, then one case per row")
        known = {fold(name): name for name in ("id", *vocabulary.names())}
        names: list[str] = []
        read: list[int] = []
        first: dict[str, str] = {}  # each name met, and the header that gave it
        for at, column in enumerate(header):
            name = known.get(fold(column))
            if name is not None:
                read.append(at)
            else:
                name = column
            twice = first.get(name)
            if twice == column and not column.strip():
                raise InvalidFacts(f"columns {names.index(name) + 1} and {at + 1}",
                                   "have no name in the header", "a name for each column")
            if twice == column:
                raise InvalidFacts(f"column {shown(column)}", "appears twice in the header",
                                   "each column once")
            if twice is not None:
                raise InvalidFacts(f"columns {shown(twice)} and {shown(column)}",
                                   f"both name {name} (headers match whatever their case, "
                                   "spaces, '_' and '-')", "each column once")
            first[name] = column
            names.append(name)
        facts = set(read)
        carried = tuple(at for at in range(len(names)) if at not in facts)
        for at in carried:
            column = header[at]
            if (problem := refused_id(column)) is not None:
                raise InvalidFacts(f"column {shown(column)}", "its name cannot be copied to "
                                   f"the output: {problem}", "column names in UTF-8 text")
            near = near_fact(column, vocabulary)
            if not strict and CURRENCY.intersection(words(column)):
                raise InvalidFacts(f"column {shown(column)}", "holds currencies, never read "
                                   "from a column: write each amount with its currency in "
                                   "its cell ('10000 USD')", "a name without 'currency' to "
                                   "copy the column to the output")
            if not strict and (kind := vague_kind(column)) is not None:
                raise InvalidFacts(f"column {shown(column)}", f"names no one fact: it could "
                                   f"be any {kind} fact ({', '.join(vocabulary.names(kind))})",
                                   "the name of the fact it holds, or a name unlike any "
                                   "fact's to copy it to the output")
            if strict:
                hint = f"; did you mean {near}?" if near else ""
                raise InvalidFacts(f"column {shown(column)}",
                                   f"unknown column in the header{hint}",
                                   ", ".join(known.values()))
            if near is not None and near not in first:
                raise InvalidFacts(f"column {shown(column)}", "unknown column in the header, "
                                   f"and too close to the fact {near} to be carried through: "
                                   f"did you mean {near}?", f"{near} to read it as that fact, "
                                   "or a name unlike any fact's to copy it to the output")
        if "offender" not in names:
            raise InvalidFacts("offender", "the header has no offender column",
                               "a header naming offender and other facts")
        return cls(tuple(names), tuple(read), carried,
                   _output_names([header[at] for at in carried]))

    def case(self, cells: Sequence[str]) -> dict[str, str]:
        """The cells of a row (as many as the header's) that are read: facts and ``id``."""
        names = self.names
        return {names[at]: cells[at] for at in self.read}

    def row(self, cells: Sequence[str]) -> Case | BadRow:
        """The case of a row with as many cells as the header: its facts and ``id``, and its
        carried cells; a row in error when a carried cell cannot be copied to the output
        (a NUL character, a lone surrogate: what an ``id`` cannot hold either)."""
        case = self.case(cells)
        if not self.carried:
            return Case(case)
        refused = self.refused([cells])
        if refused:
            return refused[0]
        names = self.names
        return Case(case, tuple((names[at], cells[at]) for at in self.carried))

    def refused(self, rows: Sequence[Sequence[str]]) -> dict[int, BadRow]:
        """The rows (by place; each with as many cells as the header) holding a carried
        cell that cannot be copied to the output, each as a row in error naming the
        column; looked for one by one only when the cells hold a NUL or a non-ASCII
        character."""
        carried, width = self.carried, len(self.names)
        joined = "".join(row[at] for row in rows if len(row) == width for at in carried)
        if "\x00" not in joined and (joined.isascii() or not LONE_SURROGATE.search(joined)):
            return {}
        found: dict[int, BadRow] = {}
        ids = self.names.index("id") if "id" in self.names else None
        for place, row in enumerate(rows):
            if len(row) != width:
                continue
            for at in carried:
                problem = refused_id(row[at])
                if problem is not None:
                    ident = row[ids] if ids is not None else None
                    column = self.names[at]
                    found[place] = BadRow(problem, "text to copy to the output",
                                          field=column if column.isprintable()
                                          else shown(column),
                                          ident=ident if ident and refused_id(ident) is None
                                          else None)
                    break
        return found

    @property
    def note(self) -> str | None:
        """What to tell once of the carried columns, or ``None`` (there are none)."""
        if not self.carried:
            return None
        said = []
        for at, name in zip(self.carried, self.carried_names, strict=True):
            column = self.names[at]
            said.append(shown(column) if name == column else
                        f"{shown(column)} (as {shown(name)}: the results have a "
                        f"{shown(column)} column)")
        count = "1 column" if len(said) == 1 else f"{len(said)} columns"
        return (f"{count} carried through to the output, not read as facts: "
                f"{', '.join(said)}")


def _output_names(carried: Sequence[str]) -> tuple[str, ...]:
    """The names of carried columns in the output: as written, or ``input_NAME`` (and
    ``input_input_NAME``...) when the results already have that name."""
    taken = set(CSV_COLUMNS)
    out = []
    for name in carried:
        written = name
        while written in taken or (written != name and written in carried):
            written = f"input_{written}"
        taken.add(written)
        out.append(written)
    return tuple(out)
