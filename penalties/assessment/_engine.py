"""The assessment engine: facts in, an :class:`~penalties.assessment._results.Assessment` out.

:func:`assess_facts` reads what the law sees of the case (:meth:`Lens.see
<penalties.assessment._seen.Lens.see>`: a key and a row), computes the answer of the key
once (:func:`run`) and writes the case's own figures into it (:func:`dress`). Every path
(a single assessment, a batch, a table of rows) goes through these three functions.

The steps of :func:`run`, each recorded in the result:

1. the date that selects the law (the offence date; today, said plainly, when none is given)
   and the law in force then, following a provision's ``predecessor`` for earlier dates;
2. whether the offender can be liable at all on that date (e.g. Vietnamese commercial legal
   entities only for acts from 2018-01-01, Resolution 41/2017/QH14 Art. 2(1)(h));
3. history facts decided from the dates of earlier events by the version's history rules;
4. amounts given in another currency converted exactly at the rate of the offence date
   (never rounded: the tests compare the exact figure), with a warning when a boundary lies
   within the rate's own precision;
5. the most severe tier whose triggers fire, with every trigger that fired;
6. the principal and additional penalties, with bounds computed exactly from the case
   (greater-of formulas, indexed units, per-item ranges), then modifiers and caps;
7. with a trial date and a lex mitior rule, the same facts under the law in force at the
   trial, and the more lenient of the two applied.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from penalties._errors import InvalidFacts, NoVersionInForce, PenaltyError, shown
from penalties._facts import Facts
from penalties._values import today_option
from penalties.assessment._law import Day, Law, law_on
from penalties.assessment._leniency import choose_lenient
from penalties.assessment._results import Assessment, Reason
from penalties.assessment._run import Run
from penalties.assessment._seen import AFTER_TODAY_NOTE, Key, Lens, Row
from penalties.statutes._statute import cite

__all__ = ["assess_facts", "dress", "run"]


def assess_facts(lens: Lens, facts: Facts, today: date | None = None,
                 rate_source: str | None = None, rate_date: date | None = None) -> Assessment:
    """Assess ``facts`` under the lens's provision: see, run (once per key), dress.

    ``today`` is the date of a case without an offence date (default: today);
    ``rate_source`` and ``rate_date`` choose the rate of amounts given in another currency
    (default: the embedded snapshot, at the offence date).
    """
    key, row = lens.see(facts, today_option(today), rate_source, rate_date)
    template = lens.answers.get(key)
    if template is None:
        template = run(lens, key)
        lens.remember(key, template)
    return dress(template, row)


def dress(template: Assessment, row: Row) -> Assessment:
    """The answer of a key for one case: its date, its facts and its figures."""
    figures = row.figures
    tier = template.tier
    if figures and tier is not None:
        tier = replace(tier, reasons=_refigured(tier.reasons, figures))
    also = (tuple(replace(t, reasons=_refigured(t.reasons, figures)) for t in template.also_met)
            if figures and template.also_met else template.also_met)
    return replace(template, tier=tier, also_met=also, facts=row.given, offence_date=row.day)


def _refigured(reasons: tuple[Reason, ...], figures: dict[str, Any]) -> tuple[Reason, ...]:
    return tuple(replace(r, figure=figures[r.fact]) if r.fact in figures else r
                 for r in reasons)


def run(lens: Lens, key: Key) -> Assessment:
    """The answer of a key, from the key alone (see :mod:`penalties.assessment._seen`)."""
    answer = _run(lens, key)
    if key.after_today:
        return replace(answer, notes=(*answer.notes, AFTER_TODAY_NOTE))  # (the law's first)
    return answer


def _run(lens: Lens, key: Key) -> Assessment:
    statute = lens.statute
    values = dict(key.tokens)
    act = values.get("act")
    acts = statute.model.acts
    if act is not None and acts and act not in {a.id for a in acts}:
        # A misspelt act would otherwise meet no tier: "no tier applies", a wrong answer.
        raise InvalidFacts("act", f"{shown(act)} is not an act of {statute.id}",
                           ", ".join(a.id for a in acts), kind="unknown_act")
    if key.offender not in statute.subjects:
        allowed = ", ".join(s.value for s in statute.subjects)
        raise InvalidFacts("offender", f"{statute.id} does not cover the offender kind "
                           f"{key.offender.value!r}", allowed, kind="offender_not_covered")
    day, when = lens.day_of(key)
    law = day.laws[key.offender]
    if isinstance(law, PenaltyError):
        raise law
    first = _under(lens, law, key, values, day, when)
    trial = values.get("trial_date")
    if trial is None or trial == when:
        return first
    try:
        at_trial = law_on(statute, trial, lens.resolve)
    except NoVersionInForce:
        return first
    rule = at_trial.statute.model.lex_mitior
    if (at_trial.statute is law.statute and at_trial.version is law.version) or (
            rule is None or at_trial.version is None or at_trial.statute.leniency is None):
        return first
    later = _under(lens, at_trial, key, values, day, when)
    model = at_trial.statute.model
    return choose_lenient(first, later, trial, cite(rule.citation, model.article,
                                                    model.section_word),
                          rule.citation.confidence.value, at_trial.statute.leniency)


def _under(lens: Lens, law: Law, key: Key, values: dict[str, Any], day: Day,
           when: date | None) -> Assessment:
    statute = law.statute
    version = law.version or law.shown or statute.versions[0]
    subject = statute.subjects.get(key.offender)
    offence_date = when or date.min
    if law.version is None:
        return Assessment(version.provision, key.offender, offence_date, key.basis,
                          liable=False, tier=None, notes=law.notes, facts={})
    if subject is None:
        allowed = ", ".join(s.value for s in statute.subjects)
        note = (f"{statute.id} covers only {allowed}: a {key.offender.value} bears no "
                "liability under it")
        return Assessment(version.provision, key.offender, offence_date, key.basis,
                          liable=False, tier=None, notes=(*law.notes, note), facts={})
    return Run(lens, law, key, values, day, when).result()

