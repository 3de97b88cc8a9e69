"""The exception tree of the law side.

Every error the library raises on purpose derives from :class:`PenaltyError` and also from
the closest builtin, so callers can catch either::

    PenaltyError
    ├── InvalidInput (ValueError)            a value that cannot be used (an option, a file)
    │   └── InvalidFacts                     bad or contradictory facts of a case
    │       └── UnsupportedCurrency          a currency code that is not ISO 4217
    ├── UnknownProvision (LookupError)       no provision with that id or alias
    ├── NoVersionInForce (LookupError)       the provision has no version for the date
    ├── FileUnavailable (LookupError)        a batch file that cannot be opened
    ├── StatuteFileError (ValueError)        a statute data file failed to load or validate
    │   └── DuplicateProvision               its id or alias is another file's (a built-in's)
    └── GoldenCaseFailure (AssertionError)   a statute file's own golden case disagrees

The money side has its own tree (:mod:`rates.errors`, ``RateError``) with the same builtins.

The CLI maps ``ValueError`` subclasses to exit code 2 (bad input) and ``LookupError``
subclasses to exit code 3 (data not available).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from rates.errors import ReducibleError, shown

__all__ = [
    "DuplicateProvision",
    "FactsProblem",
    "FieldProblem",
    "FileUnavailable",
    "GoldenCaseFailure",
    "InvalidFacts",
    "InvalidInput",
    "NoVersionInForce",
    "PenaltyError",
    "StatuteFileError",
    "UnknownProvision",
    "UnsupportedCurrency",
    "printable",
    "shown",
]

#: Problems of a statute file spelled out in the message; all are kept in ``problems``.
SHOWN_PROBLEMS = 20
#: Files that did not load named in an :class:`UnknownProvision` message.
SHOWN_FILES = 5


def printable(text: str) -> str:
    r"""``text`` safe to print on a terminal as one line: every character that is not
    printable (line breaks, control and bidirectional characters, separators) escaped, so
    that a file name cannot move the cursor or reorder what is shown.

    >>> print(printable("d/x\u202e.toml"))
    d/x\u202e.toml
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


class PenaltyError(ReducibleError):
    """Base class of every error raised on purpose by :mod:`penalties` (it pickles and
    copies whole: :class:`rates.errors.ReducibleError`)."""


class InvalidInput(PenaltyError, ValueError):
    """A value that cannot be used: ``field`` names it (a fact, an option such as
    ``--output-format``, a column), ``problem`` says what is wrong and ``allowed`` what
    would have been accepted.
    """

    def __init__(self, field: str, problem: str, allowed: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.allowed = allowed
        message = f"{field}: {problem}"
        if allowed:
            message += f" (allowed: {allowed})"
        super().__init__(message)


#: What an :class:`InvalidFacts` is about, for code (the message is for people):
#: ``"value"`` a value wrong in itself (malformed, out of range, contradicting another
#: fact), the same under any provision; the others say the facts do not fit one provision:
#: ``"unknown_fact"`` a fact it does not know, ``"unknown_act"`` an act it does not declare,
#: ``"offender_not_covered"`` an offender kind it does not cover.
FactsProblem: TypeAlias = Literal["value", "unknown_fact", "unknown_act",
                                  "offender_not_covered"]


class InvalidFacts(InvalidInput):
    """A fact is malformed, out of range or contradicts another fact (``field`` names the
    fact: ``"illicit_profit"``, ``"offence_date"``...); ``kind`` (a :data:`FactsProblem`)
    says whether the value is wrong in itself (``"value"``) or does not fit the provision
    asked (an unknown fact or act, an offender it does not cover)."""

    def __init__(self, field: str, problem: str, allowed: str | None = None, *,
                 kind: FactsProblem = "value") -> None:
        super().__init__(field, problem, allowed)
        self.kind: FactsProblem = kind


class UnsupportedCurrency(InvalidFacts):
    """A currency code that is not a known ISO 4217 code."""


class UnknownProvision(PenaltyError, LookupError):
    """No provision in the catalogue has this id or alias. ``unloaded`` names the statute
    files of the catalogue that did not load (one of them may have been meant)."""

    def __init__(self, provision_id: str, known: Sequence[str],
                 unloaded: Sequence[str] = ()) -> None:
        self.provision_id = provision_id
        self.known = tuple(known)
        self.unloaded = tuple(unloaded)
        shown = ", ".join(self.known) if self.known else "none loaded"
        if self.unloaded:
            files = ", ".join(map(printable, self.unloaded[:SHOWN_FILES]))
            more = len(self.unloaded) - SHOWN_FILES
            shown += (f"; {len(self.unloaded)} statute file{'s' * (len(self.unloaded) > 1)} "
                      f"did not load: {files}" + (f" and {more} more" if more > 0 else ""))
        super().__init__(f"unknown provision {provision_id!r} (known: {shown})")

    def __str__(self) -> str:
        return str(self.args[0])


class NoVersionInForce(PenaltyError, LookupError):
    """The provision has no version in force on the date asked for."""

    def __init__(self, provision_id: str, on: str, coverage: str) -> None:
        self.provision_id = provision_id
        self.on = on
        self.coverage = coverage
        super().__init__(
            f"{provision_id}: no version in force on {on} (versions cover {coverage})"
        )

    def __str__(self) -> str:
        return str(self.args[0])


class FileUnavailable(PenaltyError, LookupError):
    """A batch file that cannot be opened (it does not exist, it cannot be read)."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One validation problem inside a statute file: where, and what was expected."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class StatuteFileError(PenaltyError, ValueError):
    """A statute data file could not be read, parsed or validated.

    ``path`` is the file, ``problems`` lists each field path with what was expected (the
    message spells out the first :data:`SHOWN_PROBLEMS` of them, and the path as
    :func:`printable`).
    """

    def __init__(self, path: str, problems: Sequence[FieldProblem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        details = "; ".join(str(p) for p in self.problems[:SHOWN_PROBLEMS])
        if len(self.problems) > SHOWN_PROBLEMS:
            details += f"; and {len(self.problems) - SHOWN_PROBLEMS} more problems"
        super().__init__(f"{printable(path)}: {details}")


class DuplicateProvision(StatuteFileError):
    """A statute file that loads but declares an id or alias (``name``) that another file
    of the catalogue already defines (``other``): a second copy, or a user file shadowing a
    built-in provision (``builtin``). The file is refused; the other stays usable."""

    def __init__(self, path: str, name: str, other: str, *, builtin: bool = False) -> None:
        self.name = name
        self.other = other
        self.builtin = builtin
        owner = f"the built-in file {printable(other)}" if builtin else printable(other)
        super().__init__(path, [FieldProblem(
            "id" if "/" in name else "aliases",
            f"{shown(name)} is already defined by {owner}; give this file's provision "
            "another id and aliases")])


class GoldenCaseFailure(PenaltyError, AssertionError):
    """A golden case carried by a statute file does not match what the engine computes."""

    def __init__(self, path: str, case: str, differences: Sequence[str]) -> None:
        self.path = path
        self.case = case
        self.differences = tuple(differences)
        super().__init__(f"{path}: golden case {case!r}: " + "; ".join(self.differences))
