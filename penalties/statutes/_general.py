"""A jurisdiction's general rules: the facts, history rules and leniency order its
provisions share, read from ``data/<jurisdiction>/general.toml`` (and a user directory's
``<jurisdiction>/general.toml``).

The rules apply to the provisions whose id starts with one of their ``applies_to``
prefixes, in the versions in force within their dates; the compiler merges them into each
version it applies to (:mod:`penalties.statutes._compile`). A provision's own rule for the
same fact, subject and category is an error, not a silent override.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from penalties._errors import StatuteFileError
from penalties.statutes._locations import field_problems
from penalties.statutes._schema import (
    GeneralFile,
    GeneralHistory,
    GeneralLeniency,
    GeneralSentencing,
)

__all__ = ["GENERAL_FILE", "General", "load_general"]

#: The name of a general rules file in a jurisdiction's directory.
GENERAL_FILE = "general.toml"


@dataclass(frozen=True, slots=True)
class General:
    """The general rules of one jurisdiction."""

    jurisdiction: str
    path: str
    history: tuple[GeneralHistory, ...]
    leniency: tuple[GeneralLeniency, ...]
    facts: tuple[dict[str, Any], ...] = ()
    sentencing: tuple[GeneralSentencing, ...] = ()

    def sentencing_for(self, provision: str) -> tuple[GeneralSentencing, ...]:
        """The facts weighed within the range for ``provision``."""
        return tuple(item for item in self.sentencing
                     if any(provision.startswith(p) for p in item.applies_to))

    def history_for(self, provision: str, effective_from: date) -> list[GeneralHistory]:
        """The history rules for a version of ``provision`` in force from ``effective_from``."""
        return [rule for rule in self.history
                if any(provision.startswith(p) for p in rule.applies_to)
                and rule.effective_from <= effective_from
                and (rule.until is None or effective_from < rule.until)]

    def leniency_for(self, provision: str) -> GeneralLeniency | None:
        """The leniency rule for ``provision``, if the general rules have one."""
        for rule in self.leniency:
            if any(provision.startswith(p) for p in rule.applies_to):
                return rule
        return None


def load_general(path: Path, root: Path | None = None) -> General:
    """Read and validate a general rules file (of the user directory ``root``, or any file
    for ``None``); :class:`StatuteFileError` naming the file and each field path if it is
    wrong."""
    from pydantic import ValidationError

    from penalties.statutes._loader import read_document

    data, _ = read_document(path, root)
    try:
        model = GeneralFile.model_validate(data)
    except ValidationError as exc:
        raise StatuteFileError(str(path), field_problems(
            exc.errors(), lambda e: str(e["msg"]).removeprefix("Value error, "))) from None
    return General(model.jurisdiction, str(path), tuple(model.history), tuple(model.leniency),
                   tuple(model.facts), tuple(model.sentencing))
