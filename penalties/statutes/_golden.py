"""Golden cases: the answers a statute file promises, checked against the engine.

Every statute file may carry ``[[cases]]`` (facts, expected tier, expected ranges). The test
suite and ``penalties validate`` run them for every file, so the data and the engine can
never drift apart silently.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from penalties._errors import NoVersionInForce
from penalties._facts import Facts
from rates.money import amount_text

if TYPE_CHECKING:
    from pathlib import Path

    from moneyed import Money

    from penalties.assessment._figures import PenaltyRange
    from penalties.statutes._catalog import Catalog
    from penalties.statutes._schema import ExpectedPenalty
    from penalties.statutes._statute import Statute

__all__ = ["NO_VERSION", "CaseOutcome", "run_cases", "validate"]

#: The ``tier`` of a golden case whose date no version covers (the engine answers
#: :class:`~penalties._errors.NoVersionInForce`): the day before the first version, a repeal.
NO_VERSION = "no-version"


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    """The result of one golden case: its name and every difference found (none = passed)."""

    name: str
    differences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Whether the engine gave exactly the expected answer."""
        return not self.differences


def _plain(value: Money | Decimal | None) -> Decimal | None:
    return value if value is None or isinstance(value, Decimal) else value.amount


def _describe(p: PenaltyRange | ExpectedPenalty) -> tuple[object, ...]:
    return (str(p.kind), _plain(p.min), _plain(p.max), p.min_months, p.max_months)


def _words(p: PenaltyRange | ExpectedPenalty) -> str:
    """A range as a statute author reads it: ``fine 15000 to 75000``, ``imprisonment 6 to
    36 months`` (an end not set: ``no minimum``, ``no maximum``)."""
    kind, low, high, low_months, high_months = _describe(p)
    out = [str(getattr(kind, "value", kind))]
    for start, end, unit in ((low, high, ""), (low_months, high_months, " months")):
        if start is not None or end is not None:
            out.append(f"{'no minimum' if start is None else _figure(start)} to "
                       f"{'no maximum' if end is None else _figure(end)}{unit}")
    return " ".join(out)


def _figure(value: object) -> str:
    return amount_text(value) if isinstance(value, Decimal) else str(value)


def _compare(what: str, got: Sequence[PenaltyRange], want: Sequence[ExpectedPenalty]) -> list[str]:
    if [_describe(p) for p in got] == [_describe(p) for p in want]:
        return []
    return [f"{what}: expected {'; '.join(map(_words, want)) or 'none'}, got "
            f"{'; '.join(map(_words, got)) or 'none'}"]


def run_cases(statute: Statute, catalog: Catalog | None = None) -> list[CaseOutcome]:
    """Run every golden case of ``statute`` and report the differences of each.

    Provisions it refers to (a predecessor, a provision to see instead) are looked up in
    ``catalog`` (default: the shared catalogue).
    """
    from penalties.assessment._engine import assess_facts
    from penalties.assessment._seen import Lens
    from penalties.statutes._catalog import default_catalog

    lens = Lens(statute, (catalog if catalog is not None else default_catalog()).get)
    outcomes = []
    for case in statute.model.cases:
        differences: list[str] = []
        try:
            result = assess_facts(lens, Facts.from_mapping(case.facts, statute.vocabulary))
        except NoVersionInForce as exc:  # expected with tier = "no-version": a date no
            if case.tier != NO_VERSION:   # version covers, e.g. the day before the first
                differences.append(f"tier: expected {case.tier!r}, got the error: {exc}")
            outcomes.append(CaseOutcome(case.name, tuple(differences)))
            continue
        tier = result.tier.id if result.tier else "none"
        if tier != case.tier:
            differences.append(f"tier: expected {case.tier!r}, got {tier!r}")
        if case.fired is not None and result.tier is not None:
            fired = [r.ref for r in result.tier.reasons]
            if fired != case.fired:
                differences.append(f"fired: expected {case.fired}, got {fired}")
        if case.principal is not None:
            differences += _compare("principal", result.principal, case.principal)
        if case.additional is not None:
            differences += _compare("additional", result.additional, case.additional)
        outcomes.append(CaseOutcome(case.name, tuple(differences)))
    return outcomes


def _one_path_each(files: Sequence[Path]) -> list[Path]:
    """``files`` with one path per file (device and inode), the one that names it best
    (:func:`~penalties.statutes._index.names_better`, as a catalogue names it)."""
    from penalties.statutes._index import names_better

    chosen: dict[object, Path] = {}
    for file in files:
        identity = _identity(file) or file
        kept = chosen.get(identity)
        if kept is None or names_better(file, kept):
            chosen[identity] = file
    return sorted(chosen.values(), key=files.index)


def validate(paths: Sequence[str | os.PathLike[str]]) -> list[dict[str, object]]:
    """Check statute files (and the files of directories, recursively) and run their
    golden cases: one report per file, with its id and the number of golden cases, the
    cases that failed, or the error that stopped it. A path that does not exist is an
    :class:`~penalties._errors.InvalidInput`.

    A file is checked once however many paths lead to it (a symlink, a hard link). One
    whose id or alias is a built-in provision's, or an earlier checked file's, is refused
    with a :class:`~penalties._errors.DuplicateProvision` naming both files: a catalogue
    would refuse it too."""
    from pathlib import Path

    from penalties._errors import DuplicateProvision, InvalidInput, PenaltyError
    from penalties.statutes._catalog import default_catalog, statute_files
    from penalties.statutes._index import builtin_names
    from penalties.statutes._loader import check_references, load_statute

    report: list[dict[str, object]] = []
    loaded: list[tuple[dict[str, object], Statute]] = []
    seen: set[tuple[int, int]] = set()
    claimed: dict[str, Path] = dict(builtin_names())
    builtin = set(claimed.values())
    for given in map(Path, paths):
        if not given.exists():
            raise InvalidInput(str(given), "no such file or directory",
                               "statute files or directories of them")
        for file in _one_path_each(statute_files(given)) if given.is_dir() else [given]:
            identity = _identity(file)
            if identity is not None:
                if identity in seen:
                    continue  # the same file again
                seen.add(identity)
            entry: dict[str, object] = {"file": str(file)}
            try:
                statute = load_statute(file)
                names = [statute.id, *statute.model.aliases]
                for name in names:
                    other = claimed.get(name)
                    if other is not None and _identity(other) != identity:
                        raise DuplicateProvision(str(file), name, str(other),
                                                 builtin=other in builtin)
                claimed.update(dict.fromkeys(names, file))
                loaded.append((entry, statute))
            except PenaltyError as exc:
                entry["error"] = str(exc)
            report.append(entry)
    known = {*claimed, *default_catalog().names()}  # every file given first: links between
    for entry, statute in loaded:                   # them are in either order
        try:
            check_references(statute, known)
            failures = [o for o in run_cases(statute) if not o.passed]
            entry.update(id=statute.id, cases=len(statute.model.cases),
                         failures=[{"case": o.name, "differences": list(o.differences)}
                                   for o in failures])
        except PenaltyError as exc:
            entry["error"] = str(exc)
    return report


def _identity(path: os.PathLike[str]) -> tuple[int, int] | None:
    """What a file is (device, inode), whichever path leads to it; ``None`` if unreadable."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino
