"""Turn a validated statute file into the structures the engine runs on, checking what single
fields cannot: the facts named (against the vocabulary), references between tiers,
overlapping or gapped bands, floors, modifiers, history rules (the file's own and its
jurisdiction's general ones), acts, units and golden cases.

Everything here runs once per file; the engine then does no validation per call.
"""

from __future__ import annotations

from datetime import timedelta

from penalties._errors import InvalidFacts, StatuteFileError, shown
from penalties._facts import Facts, Offender
from penalties._vocabulary import Vocabulary, builtin_vocabulary, read_facts
from penalties.statutes._compile_triggers import (
    MAX_TRIGGER_DEPTH,
    MAX_TRIGGER_NODES,
    Problems,
)
from penalties.statutes._compile_version import MAX_FACTOR, VersionCompiler
from penalties.statutes._general import General
from penalties.statutes._schema import (
    Leniency,
    StatuteFile,
    Subject,
)
from penalties.statutes._statute import (
    CompiledVersion,
    Statute,
)

__all__ = ["MAX_FACTOR", "MAX_TRIGGER_DEPTH", "MAX_TRIGGER_NODES", "compile_statute"]

def compile_statute(model: StatuteFile, path: str, vocabulary: Vocabulary | None = None,
                    general: General | None = None) -> Statute:
    """Check cross-field rules and compile; raise :class:`StatuteFileError` listing problems.

    ``vocabulary`` is the facts the catalogue knows (default: the built-in vocabulary); the
    file's own ``facts`` are added to it. ``general`` is its jurisdiction's general rules.
    """
    known = (vocabulary or builtin_vocabulary()).with_facts(
        read_facts(list(model.facts), path), path)
    known.check(path)
    problems = Problems()
    subjects: dict[Offender, Subject] = {}
    for i, subject in enumerate(model.subjects):
        if subject.kind in subjects:
            problems.add(f"subjects[{i}].kind", f"subject {subject.kind.value!r} is listed twice")
        subjects[subject.kind] = subject
    for i, subject in enumerate(model.subjects):
        if subject.tiers_from is not None and subject.tiers_from not in subjects:
            problems.add(f"subjects[{i}].tiers_from",
                         f"{subject.tiers_from.value!r} is not among the subjects")
    if model.id.rsplit("/", 1)[-1] in model.aliases or model.id in model.aliases:
        problems.add("aliases", "an alias repeats the id")
    if len(set(model.aliases)) != len(model.aliases):
        problems.add("aliases", "aliases must be unique")
    if len({a.id for a in model.acts}) != len(model.acts):
        problems.add("acts", "act ids must be unique")
    _check_units(model, problems)
    starts = [v.effective_from for v in model.versions]
    for i in range(1, len(starts)):
        if starts[i] <= starts[i - 1]:
            problems.add(f"versions[{i}].effective_from",
                         f"{starts[i]} must be after the previous version's {starts[i - 1]}")
    if model.repealed_on is not None and model.repealed_on <= starts[-1]:
        problems.add("repealed_on", f"{model.repealed_on} must be after the last version's "
                     f"effective_from {starts[-1]}")
    ends = [*starts[1:], model.repealed_on]
    versions: list[CompiledVersion] = []
    for i, version in enumerate(model.versions):
        end = ends[i]
        until = end - timedelta(days=1) if end is not None else None
        compiled = VersionCompiler(model, version, f"versions[{i}]", until, subjects,
                                   problems, known, general).build()
        if compiled is not None:
            versions.append(compiled)
    leniency = _leniency(model, general, problems)
    _check_cases(model, known, problems)
    if problems.items:
        raise StatuteFileError(path, problems.items)
    sentencing = general.sentencing_for(model.id) if general else ()
    return Statute(model, path, tuple(versions), subjects, known, leniency, sentencing)


def _leniency(model: StatuteFile, general: General | None,
              problems: Problems) -> Leniency | None:
    if model.lex_mitior is None:
        return None
    found = model.lex_mitior.leniency or (general.leniency_for(model.id) if general else None)
    if found is None:
        problems.add("lex_mitior.leniency", "no order in which to judge leniency: give one "
                     "here, or in the general rules of the jurisdiction (general.toml)")
    return found


def _check_units(model: StatuteFile, problems: Problems) -> None:
    if model.units is None:  # a bound in units needs the file's [units] to be worth anything
        for where in _units_used(model.model_dump(exclude_none=True)["versions"], "versions"):
            problems.add(where, "a bound in indexed units, and the file has no [units] table "
                         "giving their value")
        return
    dates = [v.effective_from for v in model.units.values]
    if dates != sorted(set(dates)):
        problems.add("units.values", "unit values must have distinct dates in ascending order")


def _units_used(value: object, where: str) -> list[str]:
    """The places of a dumped model where a bound counts indexed units (``units = 10``)."""
    if isinstance(value, dict):
        if value.get("units") is not None:
            return [f"{where}.units"]
        return [p for k, v in value.items() for p in _units_used(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _units_used(v, f"{where}[{i}]")]
    return []


def _check_cases(model: StatuteFile, vocabulary: Vocabulary, problems: Problems) -> None:
    """A golden case names known facts and a known tier, has a name of its own (failures are
    reported by name) and gives its offence date: without one it would be judged under the
    version in force on the day it is run, and pass or fail with the calendar."""
    tier_ids = {t.id for v in model.versions for t in v.tiers} | {"none", "no-version"}
    named: dict[str, int] = {}
    for i, case in enumerate(model.cases):
        first = named.setdefault(case.name, i)
        if first != i:
            problems.add(f"cases[{i}].name", f"{shown(case.name)} is already the name of "
                         f"cases[{first}]; each golden case needs a name of its own")
        try:
            if Facts.from_mapping(case.facts, vocabulary).given().get("offence_date") is None:
                problems.add(f"cases[{i}].facts.offence_date", "is not given: the case would "
                             "be judged under the version in force on the day it is run; "
                             "give the date the case is about")
        except InvalidFacts as exc:
            problems.add(f"cases[{i}].facts.{exc.field}", str(exc))
        if case.tier not in tier_ids:
            known = ", ".join(sorted(tier_ids))
            problems.add(f"cases[{i}].tier",
                         f"unknown tier {shown(case.tier)}; expected one of {known}")
