"""Which law applies on a date: the provision's version in force, the law it succeeded for
earlier dates, whether the offender could be liable at all, and what else is in force.

The words these steps record never name the case's own dates (the result states them), so
every case that a date sends to the same law reads the same (see
:mod:`penalties.assessment._seen`).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from penalties._errors import NoVersionInForce, PenaltyError
from penalties._facts import Offender
from penalties.statutes._statute import CompiledVersion, Statute, cite

__all__ = ["MAX_SUCCESSION", "Day", "Law", "Resolver", "add_months", "day_on", "law_at", "law_on"]

#: Looks a provision up by id (the catalogue's ``get``).
Resolver = Callable[[str], Statute]


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb).

    >>> add_months(date(2016, 2, 29), 12)
    datetime.date(2017, 2, 28)
    """
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Law:
    """The provision and version that apply (``version`` is ``None`` when the offender
    bears no liability: ``notes`` say why)."""

    statute: Statute
    version: CompiledVersion | None
    notes: tuple[str, ...]
    #: With no liability, the version in force on the date, which the result names.
    shown: CompiledVersion | None = None
    #: Facts not given that could have chosen another version (an action date, which the
    #: offence date stood for, before a version that applies by the action date).
    unknown: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        """What tells this law from another: the provision and the version's place (and,
        with no liability, the place of the version shown)."""
        places = [None if v is None else self.statute.versions.index(v)
                  for v in (self.version, self.shown)]
        return self.statute.id, places[0], places[1]


#: How many provisions a succession may chain (predecessors or successors) before a date
#: is answered: a file pointing in a circle ends here, not in an endless search.
MAX_SUCCESSION = 20


def law_on(statute: Statute, day: date, resolve: Resolver | None, depth: int = 0) -> Law:
    """The provision and version in force on ``day``, following predecessors back in time
    and successors forward (a repealed provision's ``successor``)."""
    model = statute.model
    first = statute.versions[0].effective_from
    if resolve is not None and depth < MAX_SUCCESSION:
        if day < first and model.predecessor:
            earlier = law_on(resolve(model.predecessor), day, resolve, depth + 1)
            note = (f"The date is before {statute.id} took effect ({first.isoformat()}); the "
                    f"law in force then was {earlier.statute.id}.")
            return Law(earlier.statute, earlier.version, (note, *earlier.notes))
        repealed = model.repealed_on
        if repealed is not None and day >= repealed and model.successor:
            later = law_on(resolve(model.successor), day, resolve, depth + 1)
            note = (f"The date is on or after the repeal of {statute.id} "
                    f"({repealed.isoformat()}); the law in force then is {later.statute.id}.")
            return Law(later.statute, later.version, (note, *later.notes))
    return Law(statute, statute.version_on(day), ())


_EVENTS = {"offence_date": "the offence was committed", "action_date": "the action was brought"}


def _by_events(statute: Statute, day: date, action_date: date | None,
               resolve: Resolver | None) -> Law:
    """The version when versions name the event whose date selects them (``selected_by``):
    the latest version whose own event's date has reached its ``effective_from``."""
    default = statute.model.version_date
    dates = {"offence_date": day, "action_date": action_date or day}
    notes: list[str] = []
    unknown: tuple[str, ...] = ()
    for version in reversed(statute.versions):
        event = version.model.selected_by or default
        start = version.effective_from.isoformat()
        if dates[event] >= version.effective_from:
            notes.append(f"{statute.id}: the version of {start} applies, as "
                         f"{_EVENTS[event]} on or after {start} ({event}).")
            if event == "action_date" and action_date is None:
                notes.append("No action_date was given, so the offence date stood for it.")
            repealed = statute.model.repealed_on
            if repealed is not None and day >= repealed:
                return law_on(statute, day, resolve)  # raises, or follows the successor
            return Law(statute, version, tuple(notes), unknown=unknown)
        stood = event == "action_date" and action_date is None
        notes.append(f"{statute.id}: the version of {start} does not apply: it applies "
                     f"only where {_EVENTS[event]} on or after {start} ({event})"
                     + ("; no action_date was given, so the offence date stood for it."
                        if stood else "."))
        if stood:  # a later action date would choose this version: the answer depends on it
            unknown = ("action_date",)
    return law_on(statute, day, resolve)  # before every version: a predecessor, or an error


def law_at(statute: Statute, offender: Offender, day: date, action_date: date | None,
           resolve: Resolver | None) -> Law:
    """The law for an offence by ``offender`` on ``day`` (the version chosen by the action
    date for a provision whose amounts apply by it), or no liability before the offender's
    kind could be liable (e.g. Vietnamese commercial legal entities only for acts from
    2018-01-01, Resolution 41/2017/QH14 Art. 2(1)(h))."""
    subject = statute.subjects.get(offender)
    if subject is not None and not subject.liable:
        assert subject.liability_citation is not None
        ref = cite(subject.liability_citation, statute.model.article, statute.model.section_word)
        see = f" Instead: {subject.see}" if subject.see else ""
        note = (f"A {subject.label} bears no liability under {statute.id} ({ref} "
                f"[{subject.liability_citation.confidence.value}]: "
                f"{subject.liability_citation.translation}).{see}")
        in_force = law_on(statute, day, resolve)  # raises for a date no version covers
        return Law(in_force.statute, None, (note,), in_force.version)
    if subject is not None and subject.liable_from is not None and day < subject.liable_from:
        assert subject.liability_citation is not None
        ref = cite(subject.liability_citation, statute.model.article, statute.model.section_word)
        note = (f"A {subject.label} bears no liability under {statute.id} for acts before "
                f"{subject.liable_from.isoformat()} ({ref}: "
                f"{subject.liability_citation.translation})")
        return Law(statute, None, (note,))
    if any(v.model.selected_by for v in statute.versions):
        return _by_events(statute, day, action_date, resolve)
    selecting = day
    notes: tuple[str, ...] = ()
    if statute.model.version_date == "action_date":
        if action_date is not None:
            selecting = action_date
            notes = (f"{statute.id} applies the version in force when the action was brought: "
                     f"{selecting.isoformat()}.",)
        else:
            notes = (f"{statute.id} applies the version in force when the action was brought; "
                     "no action_date was given, so the offence date selected it.",)
    found = law_on(statute, selecting, resolve)
    later = action_date is None and statute.model.version_date == "action_date" and any(
        v.effective_from > day for v in statute.versions)  # a later action would choose one
    return Law(found.statute, found.version, (*notes, *found.notes),
               unknown=("action_date",) if later else ())


@dataclass(frozen=True, slots=True)
class Day:
    """What an offence date decides for a provision: the law for each kind of offender (or
    the error of a date no version covers), the provisions pointed to that are in force,
    and the value of the indexed unit of each law applied. ``key`` tells days apart: two
    dates with the same key are the same to the law."""

    laws: dict[Offender, Law | PenaltyError]
    pointers: tuple[str, ...]
    units: dict[str, tuple[Decimal, str] | PenaltyError]
    key: tuple[object, ...]
    #: Whether the date itself must be kept: a law or a unit value is missing for it, and
    #: the error says for which date.
    dated: bool = False


def day_on(statute: Statute, day: date, resolve: Resolver | None,
           action_date: date | None = None) -> Day:
    """The :class:`Day` of an offence on ``day`` under ``statute``."""
    laws: dict[Offender, Law | PenaltyError] = {}
    units: dict[str, tuple[Decimal, str] | PenaltyError] = {}
    for offender in statute.subjects:
        try:
            law = law_at(statute, offender, day, action_date, resolve)
        except PenaltyError as exc:
            laws[offender] = exc
            continue
        laws[offender] = law
        if law.statute.model.units is not None and law.statute.id not in units:
            try:
                units[law.statute.id] = law.statute.unit_value(day)
            except PenaltyError as exc:
                units[law.statute.id] = exc
    pointers = []
    for item in statute.model.see_also:
        if resolve is not None:
            try:
                resolve(item.id).version_on(day)
            except NoVersionInForce:
                continue
        pointers.append(f"{item.id}: {item.why}")
    key = (tuple((o.value, law.key if isinstance(law, Law) else ("error", str(law)))
                 for o, law in laws.items()), tuple(pointers),
           # a unit's whole value (amount and its words, with their confidence mark): two
           # dates with one amount but different marks are not the same to the reader
           tuple((k, v if isinstance(v, tuple) else str(v)) for k, v in units.items()))
    dated = any(isinstance(v, PenaltyError) for v in (*laws.values(), *units.values()))
    return Day(laws, tuple(pointers), units, key, dated)
