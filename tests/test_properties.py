"""Properties of the law side, over every built-in provision and generated facts.

**Tier order.** Among the tiers for the offender's kind whose triggers fire, the engine
applies the one of highest ``rank``: the statute's own severity order within a subject (two
tiers of one subject never share a rank; the loader refuses it). "No tier" is below every
tier. :func:`level` is that order: ``-1`` for no tier, else the rank. Ranks of different
versions or provisions are not comparable, so every comparison below is between two
assessments under the same version of the same provision for the same offender: the
generated facts carry no ``trial_date`` (with one, lex mitior may apply another version) and
changing an amount or a flag never changes the date that selects the version.

The oracle for which tiers fire is :class:`Plain`: each file parsed again with ``tomllib``
and its triggers read by the words of the format (``docs/statute-format.md``), without the
library's models, compiler or engine.
"""

from __future__ import annotations

import contextlib
import json
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Context, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st
from moneyed import Money

import rates
from penalties import Amount, Assessment, Catalog, Facts, PenaltyError, assess, list_provisions
from penalties._facts import Offender
from penalties._vocabulary import Vocabulary, builtin_vocabulary
from penalties.assessment._conversion import convert_assessment
from penalties.assessment._thresholds import thresholds
from penalties.statutes._statute import Statute
from penalties.statutes._triggers import AllNode, AnyNode, BandNode, Node, NoneNode
from penalties.statutes._triggers import Context as TriggerContext
from rates.errors import InvalidAmount, RateError, RateNotFound
from rates.money import MAX_AMOUNT, minor_unit_quantum

CATALOG = Catalog(use_env=False)
STATUTES: dict[str, Statute] = {s.id: s for s in list_provisions(CATALOG)}
IDS = sorted(STATUTES)

BUILTIN = builtin_vocabulary()
#: Every fact a built-in file may test: the shared vocabulary and the facts files declare.
VOCABULARY = Vocabulary({**BUILTIN.facts, **{f.name: f for s in STATUTES.values()
                                              for f in s.vocabulary}})
#: The facts statute files test, by kind ("money" for amounts), from the vocabulary.
FACT_KINDS = {f.name: "money" if f.kind == "amount" else f.kind for f in VOCABULARY
              if f.kind in ("amount", "count", "flag", "act")}
HISTORY_DATES = VOCABULARY.decided()

MONEY = tuple(k for k, v in FACT_KINDS.items() if v == "money")
COUNTS = tuple(k for k, v in FACT_KINDS.items() if v == "count")
FLAGS = tuple(k for k, v in FACT_KINDS.items() if v == "flag")
QUANTITIES = MONEY + COUNTS

#: How many examples each property tries per provision (17 provisions).
EXAMPLES = 20
PROPERTY = settings(deadline=None, max_examples=EXAMPLES,
                    suppress_health_check=[HealthCheck.too_slow])


def level(result: Assessment) -> int:
    """Position of the applied tier in the tier order (``-1``: no tier)."""
    return -1 if result.tier is None else result.tier.rank


def met(result: Assessment) -> set[str]:
    """Ids of every tier whose triggers fired (the applied one and the others)."""
    return {t.id for t in (*([result.tier] if result.tier else []), *result.also_met)}


def run(provision: str, facts: Mapping[str, Any]) -> Assessment:
    own = {f.name for f in STATUTES[provision].vocabulary} - set(BUILTIN.facts)
    if own & facts.keys():  # a fact the provision declares itself: read by its vocabulary
        return assess(provision, dict(facts), catalog=CATALOG)
    return assess(provision, Facts(**facts), catalog=CATALOG)


def step(fact: str, currency: str) -> Decimal:
    """One minor unit of the statute's currency for money, one for counts."""
    return minor_unit_quantum(currency) if FACT_KINDS[fact] == "money" else Decimal(1)


def least(fact: str) -> Decimal:
    """The smallest value a quantity takes (a count's own lower limit)."""
    return Decimal(VOCABULARY[fact].low) if FACT_KINDS[fact] == "count" else Decimal(0)


def most(fact: str) -> Decimal:
    """The largest value a quantity takes (a count's own upper limit)."""
    return MAX_AMOUNT if fact in MONEY else Decimal(VOCABULARY[fact].high)


def given_value(fact: str, value: Decimal, currency: str) -> object:
    """A value as a fact takes it: an amount in the statute's currency, or a whole count."""
    return Amount(value, currency) if FACT_KINDS[fact] == "money" else int(value)


# --- the plain reading ----------------------------------------------------------------------


@cache
def raw(provision: str) -> dict[str, Any]:
    """The statute file parsed again, amounts as ``Decimal``, nothing validated."""
    text = Path(STATUTES[provision].path).read_text(encoding="utf-8")
    return tomllib.loads(text, parse_float=Decimal)


def written(band: Mapping[str, Any], value: Decimal) -> bool:
    """Whether ``value`` lies in ``band`` by the words of its bounds: ``from`` and ``to``
    include their bound, ``above`` and ``below`` exclude it."""
    return (("from" not in band or value >= band["from"])
            and ("above" not in band or value > band["above"])
            and ("to" not in band or value <= band["to"])
            and ("below" not in band or value < band["below"]))


@dataclass(frozen=True)
class Plain:
    """One version of a provision, for one kind of offender, read plainly from its file."""

    provision: str
    version: int
    offender: str

    @property
    def by_id(self) -> dict[str, dict[str, Any]]:
        return {t["id"]: t for t in raw(self.provision)["versions"][self.version]["tiers"]}

    @property
    def tiers(self) -> list[dict[str, Any]]:
        """The tiers that apply to the offender: its own, and those of the subject it takes
        its tiers from (``tiers_from``)."""
        kinds = {self.offender}
        for subject in raw(self.provision)["subjects"]:
            if subject["kind"] == self.offender and "tiers_from" in subject:
                kinds.add(subject["tiers_from"])
        return [t for t in self.by_id.values() if t["subject"] in kinds]

    def fires(self, trigger: Mapping[str, Any], facts: Mapping[str, Any],
              off: Mapping[str, Any] | None = None) -> bool:
        """Whether ``trigger`` fires for ``facts``, the test ``off`` (if any) never firing."""
        if trigger is off:
            return False
        for key, combine in (("any", any), ("all", all)):
            if key in trigger:
                return combine(self.fires(t, facts, off) for t in trigger[key])
        if "none" in trigger:
            return not any(self.fires(t, facts, off) for t in trigger["none"])
        if "same_as" in trigger:
            return self.fires(self.by_id[trigger["same_as"]]["when"], facts, off)
        if "always" in trigger:
            return True
        if "act" in trigger:
            return bool(facts.get("act") == trigger["act"])
        if "equals" in trigger:  # a value not given: the one the vocabulary says is assumed
            fact = VOCABULARY[trigger["fact"]]
            return bool(facts.get(fact.name, fact.assumed) == trigger["equals"])
        if "fact" in trigger:
            counts = [f.name for f in VOCABULARY if f.flag == trigger["fact"] and f.name in facts]
            if trigger["fact"] not in facts and counts:  # "at least one" of a count given
                return bool(facts[counts[0]] >= 1)
            return facts.get(trigger["fact"]) is True
        name = trigger["quantity"]
        value = facts.get(name, VOCABULARY[name].default)
        flag = VOCABULARY[name].flag
        if name not in facts and flag is not None and facts.get(flag) is not None:
            value = 1 if facts[flag] else 0  # the flag alone: one earlier conviction, or none
        if isinstance(value, Amount):
            value = value.value
        return value is not None and written(trigger, Decimal(value))

    def met(self, facts: Mapping[str, Any]) -> set[str]:
        return {t["id"] for t in self.tiers if self.fires(t["when"], facts)}

    def level(self, facts: Mapping[str, Any]) -> int:
        ranks = [t["rank"] for t in self.tiers if t["id"] in self.met(facts)]
        return max(ranks, default=-1)


def walk(trigger: Mapping[str, Any], plain: Plain, under_none: bool = False,
         ) -> Iterator[tuple[Mapping[str, Any], bool]]:
    """Every test in a trigger with ``same_as`` expanded, and whether it sits under a
    ``none`` (an "unless")."""
    for key in ("any", "all", "none"):
        for child in trigger.get(key, ()):
            yield from walk(child, plain, under_none or key == "none")
    if "same_as" in trigger:
        yield from walk(plain.by_id[trigger["same_as"]]["when"], plain, under_none)
    elif not any(k in trigger for k in ("any", "all", "none")):
        yield trigger, under_none


def laws(statute: Statute) -> Iterator[tuple[Plain, date]]:
    """Every version and offender kind, with the first day both are in force."""
    for index, version in enumerate(statute.versions):
        for offender, subject in statute.subjects.items():
            if not subject.liable:  # no tiers: the law gives this offender no liability
                continue
            start = max(version.effective_from, subject.liable_from or date.min)
            until = version.provision.version_until
            if until is None or start <= until:
                yield Plain(statute.id, index, offender.value), start


# --- generated facts ------------------------------------------------------------------------


def compiled_bands(statute: Statute) -> Iterator[BandNode]:
    def below(node: Node) -> Iterator[Node]:
        yield node
        if isinstance(node, AnyNode | AllNode | NoneNode):
            for child in node.children:
                yield from below(child)

    for version in statute.versions:
        for tiers in version.tiers.values():
            for tier in tiers:
                yield from (n for n in below(tier.node) if isinstance(n, BandNode))


@cache
def edges(provision: str) -> dict[str, list[Decimal]]:
    """Per quantity, every band bound of the provision and one minor unit either side."""
    statute = STATUTES[provision]
    found: dict[str, set[Decimal]] = {}
    for band in compiled_bands(statute):
        unit = step(band.fact, statute.currency)
        for bound in (band.lower, band.upper):
            if bound is not None:
                found.setdefault(band.fact, set()).update(
                    v for v in (bound[0] - unit, bound[0], bound[0] + unit)
                    if least(band.fact) <= v <= most(band.fact))
    return {fact: sorted(values) for fact, values in found.items()}


def quantity(provision: str, fact: str, above: Decimal | None = None) -> st.SearchStrategy[Decimal]:
    """Values of a quantity, band edges often, all above ``above`` when given."""
    statute = STATUTES[provision]
    unit = step(fact, statute.currency)
    top = most(fact)
    low = least(fact) if above is None else above + unit
    if low > top:
        return st.nothing()
    scale = 10**13 if fact in MONEY else 1_000
    near = [v for v in edges(provision).get(fact, ()) if v >= low]
    anywhere = st.integers(0, scale).map(lambda k: min(top, low + k * unit))
    return st.one_of(st.sampled_from(near), anywhere) if near else anywhere


@st.composite
def cases(draw: st.DrawFn, provision: str) -> tuple[Plain, dict[str, Any]]:
    """Valid facts in force under one version of the provision: amounts in its currency,
    counts, flags (never both willful and innocent), history given as true/false, an act
    it declares; no trial date."""
    statute = STATUTES[provision]
    plain, start = draw(st.sampled_from(list(laws(statute))))
    until = statute.versions[plain.version].provision.version_until
    span = ((until or start + timedelta(days=3 * 365)) - start).days
    day = start + timedelta(days=draw(st.integers(0, span)))
    facts: dict[str, Any] = {"offender": plain.offender, "offence_date": day}
    known = statute.vocabulary
    for fact in QUANTITIES:
        if fact in known and draw(st.booleans()):
            facts[fact] = given_value(fact, draw(quantity(provision, fact)), statute.currency)
    for flag in FLAGS:
        if flag not in known:
            continue
        value = draw(st.sampled_from([None, True, False]))
        if value is not None and not (value and flag == "innocent" and facts.get("willful")):
            facts[flag] = value
    for counted in VOCABULARY:  # a count and the flag that says it is at least one agree
        if counted.flag and counted.name in facts:
            facts[counted.flag] = facts[counted.name] >= 1
    acts = [a.id for a in statute.model.acts]
    if bool(acts) and draw(st.booleans()):
        facts["act"] = draw(st.sampled_from(acts))
    return plain, facts


def counted(figures: Counter[str], name: str) -> None:
    figures[f"property examples: {name}"] += 1


# --- the engine and the plain reading agree -------------------------------------------------


@pytest.mark.parametrize("provision", IDS)
@PROPERTY
@given(data=st.data())
def test_the_engine_applies_the_tier_a_plain_reading_gives(
        provision: str, data: st.DataObject, figures: Counter[str]) -> None:
    """Claim: for valid facts, the tiers that fire are exactly those whose triggers a plain
    reading of the file says fire, and the applied tier is the one of highest rank."""
    plain, facts = data.draw(cases(provision))
    result = run(provision, facts)
    assert met(result) == plain.met(facts)
    assert level(result) == plain.level(facts)
    counted(figures, "engine agrees with a plain reading")


# --- 1. raising an amount -------------------------------------------------------------------

#: Built-in provisions not claimed monotone in amounts, with the legal reason. Empty: no band
#: of a built-in file sits under an "unless" (see the structural test below), every band
#: either has no upper bound or ends where a band of a tier at least as severe begins.
NOT_MONOTONE_IN_AMOUNTS: dict[str, str] = {}


@pytest.mark.parametrize("provision", IDS)
def test_no_band_sits_under_an_unless(provision: str) -> None:
    """Why the amount property holds by design: a band under ``none`` ("unless X is at
    least ...") would make a larger amount switch a tier off with no tier above taking over.
    None of the built-in files has one; a file that does must be listed, with its reason, in
    :data:`NOT_MONOTONE_IN_AMOUNTS`."""
    statute = STATUTES[provision]
    for plain, _ in laws(statute):
        for tier in plain.tiers:
            for test, under_none in walk(tier["when"], plain):
                if "quantity" in test and under_none:
                    assert provision in NOT_MONOTONE_IN_AMOUNTS, (tier["id"], test)


@pytest.mark.parametrize("provision", IDS)
@PROPERTY
@given(data=st.data())
def test_raising_an_amount_never_lowers_the_tier(
        provision: str, data: st.DataObject, figures: Counter[str]) -> None:
    """Claim: under one version, for one offender, giving a money or count fact that was not
    given, or raising one that was (to any higher value up to 10^18 units, or to the count
    limit), never applies a tier of lower rank and never turns a tier into no tier. Checked
    for every built-in provision, on facts as :func:`cases` generates them and raises to
    band edges and to arbitrary higher values."""
    if provision in NOT_MONOTONE_IN_AMOUNTS:
        pytest.skip(NOT_MONOTONE_IN_AMOUNTS[provision])
    statute = STATUTES[provision]
    _, facts = data.draw(cases(provision))
    fact = data.draw(st.sampled_from([q for q in QUANTITIES if q in statute.vocabulary]))
    current = facts.get(fact, 1 if fact == "times" else None)
    flag = VOCABULARY[fact].flag
    if fact not in facts and flag is not None and flag in facts:  # the flag: at least one
        current = 1 if facts[flag] else 0
    old = current.value if isinstance(current, Amount) else current
    new = data.draw(quantity(provision, fact, None if old is None else Decimal(old)))
    raised = {**facts, fact: given_value(fact, new, statute.currency)}
    if flag is not None and flag in facts:  # the flag that says "at least one" agrees
        raised[flag] = new >= 1
    note(f"{fact}: {old} -> {new}")
    before, after = run(provision, facts), run(provision, raised)
    assert after.provision.version == before.provision.version
    assert level(after) >= level(before), (before.tier, after.tier)
    counted(figures, "raising an amount")


# --- 2. adding an aggravating fact ----------------------------------------------------------

#: Flags a built-in provision tests in a way that is neither aggravating nor mitigating by
#: rank, with the legal reason; the flag property claims nothing for them.
NEITHER: dict[tuple[str, str], str] = {
    ("in/copyright-act/63", "not_for_gain_in_trade"): (
        "Copyright Act 1957 s63 proviso: for an infringement not made for gain in the course "
        "of trade or business the court may impose less than the minimum; the proviso tier "
        "keeps the maxima and lowers the minima, so ranks cannot order it"),
    ("us/17-usc/1203", "innocent"): (
        "17 U.S.C. 1203(c)(5)(A): the court may reduce damages for an innocent violator, so "
        "innocence is mitigating within each act; but the file ranks every 1202 clause above "
        "every 1201 clause, so innocence under 1202 (rank 3) outranks a non-innocent 1201 "
        "violation (rank 2): ranks order tiers across acts, not the effect of the flag"),
}
#: Flags that lower the tier by design, with the legal reason (checked: never raise it).
MITIGATING: dict[tuple[str, str], str] = {
    ("kr/copyright-act/136", "due_care"): (
        "Copyright Act Art. 141 proviso (from 2009-07-23): a legal person that did not neglect "
        "due attention and supervision is not fined"),
    ("de/urhg/106", "professional"): (
        "UrhG §108a: acting gewerbsmäßig makes the offence §108a's (up to five years), so §106 "
        "gives no tier and points to it"),
    ("us/17-usc/504c", "innocent"): (
        "17 U.S.C. 504(c)(2): the court may reduce statutory damages to not less than $200 "
        "where the infringer was not aware and had no reason to believe it infringed"),
}


def flag_kind(plain: Plain, flag: str) -> str:
    """``aggravating``: the flag appears in some trigger outside any ``none`` and every tier
    that tests it under a ``none`` ranks below every tier that tests it outside one;
    ``mitigating``: the mirror image; ``untested``: no tier tests it; else ``neither``."""
    outside: list[int] = []
    unless: list[int] = []
    counts = {f.name for f in VOCABULARY if f.flag == flag}  # the flag: "at least one"
    for tier in plain.tiers:
        for test, under_none in walk(tier["when"], plain):
            if test.get("fact") == flag:
                (unless if under_none else outside).append(tier["rank"])
            elif test.get("quantity") in counts:  # a band of the count the flag stands for
                needs_one = test.get("from", 0) >= 1 or "above" in test
                (unless if needs_one == under_none else outside).append(tier["rank"])
    if not outside and not unless:
        return "untested"
    if outside and (not unless or max(unless) < min(outside)):
        return "aggravating"
    if unless and (not outside or max(outside) < min(unless)):
        return "mitigating"
    return "neither"


def test_flags_are_classified_as_stated() -> None:
    """Every flag a built-in tier tests under a ``none`` is either aggravating by rank or
    listed above with its legal reason."""
    found: dict[tuple[str, str], str] = {}
    for provision in IDS:
        for plain, _ in laws(STATUTES[provision]):
            for flag in FLAGS:
                kind = flag_kind(plain, flag)
                if kind in ("mitigating", "neither"):
                    found[provision, flag] = kind
    assert found == {**dict.fromkeys(NEITHER, "neither"), **dict.fromkeys(MITIGATING, "mitigating")}


@pytest.mark.parametrize("provision", IDS)
@PROPERTY
@given(data=st.data())
def test_adding_an_aggravating_fact_never_lowers_the_tier(
        provision: str, data: st.DataObject, figures: Counter[str]) -> None:
    """Claim: under one version, for one offender, setting to true a flag that was false or
    not given never lowers the tier if the flag is *aggravating* for that version and
    offender (:func:`flag_kind`: it appears in the trigger of a tier, and wherever it is an
    "unless" condition that tier ranks below every tier it selects); never raises it if the
    flag is *mitigating*; and changes nothing if no tier tests it. Adding ``willful`` to
    ``innocent`` facts (or the reverse) is not adding a fact but contradicting one, and is
    left out. History flags are given as true/false, not through dates."""
    plain, facts = data.draw(cases(provision))
    before = run(provision, facts)
    for flag in FLAGS:
        if flag not in STATUTES[provision].vocabulary:
            continue
        other = {"willful": "innocent", "innocent": "willful"}.get(flag)
        if facts.get(flag) or (other and facts.get(other)):
            continue
        kind = flag_kind(plain, flag)
        if (provision, flag) in NEITHER:
            continue
        counts = [f.name for f in VOCABULARY if f.flag == flag]  # the flag says "at least 1"
        after = run(provision, {**{k: v for k, v in facts.items() if k not in counts},
                                flag: True})
        if kind == "aggravating":
            assert level(after) >= level(before), (flag, before.tier, after.tier)
        elif kind == "mitigating":
            assert level(after) <= level(before), (flag, before.tier, after.tier)
        else:
            assert met(after) == met(before), flag
        figures[f"flags added ({kind})"] += 1
    counted(figures, "adding a flag")


# --- 3. band boundaries ---------------------------------------------------------------------


def bounds_as_written(band: Mapping[str, Any]) -> tuple[tuple[Decimal, bool] | None, ...]:
    lower = (("from" in band and (Decimal(band["from"]), True))
             or ("above" in band and (Decimal(band["above"]), False)) or None)
    upper = (("to" in band and (Decimal(band["to"]), True))
             or ("below" in band and (Decimal(band["below"]), False)) or None)
    return lower, upper


def probes(band: Mapping[str, Any], unit: Decimal, fact: str) -> list[Decimal]:
    """Each bound, and one minor unit below and above it."""
    values = {b[0] + d for b in bounds_as_written(band) if b for d in (-unit, Decimal(0), unit)}
    return sorted(v for v in values if v >= least(fact))


def satisfy(trigger: Mapping[str, Any], plain: Plain, unit: Decimal) -> dict[str, Any] | None:
    """Facts that make ``trigger`` fire, found naively (``None`` when they would clash)."""
    if "fact" in trigger:
        return {trigger["fact"]: trigger.get("equals", True)}
    if "act" in trigger:
        return {"act": trigger["act"]}
    if "same_as" in trigger:
        return satisfy(plain.by_id[trigger["same_as"]]["when"], plain, unit)
    if "quantity" in trigger:
        lower, _ = bounds_as_written(trigger)
        value = least(trigger["quantity"]) if lower is None else lower[0] + (0 if lower[1]
                                                                             else unit)
        return {trigger["quantity"]: value}
    if "any" in trigger:
        return next((found for child in trigger["any"]
                     if (found := satisfy(child, plain, unit)) is not None), None)
    merged: dict[str, Any] = {}
    for child in trigger.get("all", ()):
        found = satisfy(child, plain, unit)
        if found is None or any(merged.get(k, v) != v for k, v in found.items()):
            return None
        merged.update(found)
    return merged  # always, none (its tests left unset), all


def band_paths(trigger: Mapping[str, Any], plain: Plain, around: tuple[Mapping[str, Any], ...] = (),
               ) -> Iterator[tuple[Mapping[str, Any], tuple[Mapping[str, Any], ...]]]:
    """Every band of a trigger with the siblings that must also fire for it to matter (the
    other tests of each ``all`` above it)."""
    if "quantity" in trigger:
        yield trigger, around
    elif "same_as" in trigger:
        yield from band_paths(plain.by_id[trigger["same_as"]]["when"], plain, around)
    for child in trigger.get("any", ()):
        yield from band_paths(child, plain, around)
    for child in trigger.get("all", ()):
        rest = tuple(c for c in trigger["all"] if c is not child)
        yield from band_paths(child, plain, around + rest)


def node_bands(node: Node) -> Iterator[BandNode]:
    if isinstance(node, BandNode):
        yield node
    for child in getattr(node, "children", ()):
        yield from node_bands(child)


@pytest.mark.parametrize("provision", IDS)
def test_every_band_boundary_behaves_as_written(provision: str, figures: Counter[str]) -> None:
    """Claim: for every band of every tier of every version, read in the file's own words
    (``from``/``to`` include, ``above``/``below`` exclude), the compiled band keeps its
    bounds and their inclusivity, fires exactly at the bound when it is inclusive and not
    when exclusive, flips one minor unit (of the statute's currency; one for counts) below
    an inclusive lower bound and above an inclusive upper bound, and inside an exclusive
    one; and through the engine, with the band's other conditions made true, the tiers that
    fire at each of those amounts are those the plain reading gives, the band's tier among
    them exactly when the amount is inside."""
    statute = STATUTES[provision]
    for plain, day in laws(statute):
        compiled = {t.model.id: t for t in
                    statute.versions[plain.version].tiers[Offender(plain.offender)]}
        for tier in plain.tiers:
            written_bands = [t for t, _ in walk(tier["when"], plain) if "quantity" in t]
            nodes = list(node_bands(compiled[tier["id"]].node))
            assert [n.fact for n in nodes] == [b["quantity"] for b in written_bands]
            for node, band in zip(nodes, written_bands, strict=True):
                check_node(node, band, step(node.fact, statute.currency))
                figures["band boundaries checked (compiled)"] += 1
            for band, around in band_paths(tier["when"], plain):
                deciding = check_through_engine(plain, day, tier["id"], band, around)
                assert deciding, (tier["id"], band)  # every band is seen to decide its tier
                figures["band boundaries checked (engine)"] += 1
                figures["band boundaries seen deciding the tier"] += deciding


def check_node(node: BandNode, band: Mapping[str, Any], unit: Decimal) -> None:
    lower, upper = bounds_as_written(band)
    assert (node.lower, node.upper) == (lower, upper)
    for value in probes(band, unit, node.fact):
        inside = written(band, value)
        assert (node.evaluate(context_with(value)) is not None) == inside, value
        assert node.contains(value) == inside, value
    # Each bound is where the band flips, on the side the words say.
    if lower is not None:
        x, included = lower
        assert node.contains(x) == included
        assert node.contains(x - unit) is False
        assert node.contains(x + unit) == (upper is None or written(band, x + unit))
    if upper is not None:
        y, included = upper
        assert node.contains(y) == included
        assert node.contains(y + unit) is False
        assert node.contains(y - unit) == (lower is None or written(band, y - unit))
    assert node.interval.startswith("(" if "above" in band else "[")
    assert node.interval.endswith("]" if "to" in band else ")")


def context_with(value: Decimal) -> TriggerContext:
    """A case where every quantity is ``value`` and no flag is true."""
    return TriggerContext(lambda _: (False, None), lambda _: value, "XXX")


def check_through_engine(plain: Plain, day: date, tier_id: str, band: Mapping[str, Any],
                         around: tuple[Mapping[str, Any], ...]) -> int:
    """Assess at each probe of ``band``; how many probes the band alone decided."""
    statute = STATUTES[plain.provision]
    fact = band["quantity"]
    unit = step(fact, statute.currency)
    background = satisfy({"all": list(around)}, plain, unit) or {}
    background.pop(fact, None)
    deciding = 0
    for value in probes(band, unit, fact):
        facts = {k: given_value(k, v, statute.currency) if k in QUANTITIES else v
                 for k, v in {**background, fact: value}.items()}
        facts.update(offender=plain.offender, offence_date=day)
        result = run(plain.provision, facts)
        assert met(result) == plain.met(facts), (tier_id, fact, value)
        if all(plain.fires(c, facts) for c in around) and not plain.fires(
                plain.by_id[tier_id]["when"], facts, off=band):
            # The band decides: its tier fires exactly when the amount is inside.
            assert (tier_id in met(result)) == written(band, value), (tier_id, fact, value)
            deciding += 1
    return deciding


def test_thresholds_report_every_stand_alone_band_as_written() -> None:
    """``penalties thresholds`` shows each band that selects a tier on its own with the
    bounds and inclusivity of the file, for every version."""
    for provision in IDS:
        statute = STATUTES[provision]
        for version in statute.versions:
            for row in thresholds(statute, version.effective_from):
                if row.kind != "band":
                    continue
                assert row.lower is None or row.lower >= 0
                shown = row.to_dict()["interval"]
                assert shown.startswith("[" if row.lower_included else "(")
                assert shown.endswith("]" if row.upper_included else ")")


# --- 4. there and back ----------------------------------------------------------------------

OTHER_CURRENCIES = ("USD", "EUR", "GBP", "JPY", "AUD", "VND", "KWD", "KRW", "CHF", "IDR")
HIGH = Context(prec=80)


@settings(deadline=None, max_examples=300)
@given(statute_currency=st.sampled_from(sorted({s.currency for s in STATUTES.values()})),
       other=st.sampled_from(OTHER_CURRENCIES),
       day=st.dates(date(2011, 1, 1), date(2024, 6, 30)),
       units=st.one_of(st.integers(0, 10**6), st.integers(0, 10**18)))
def test_there_and_back_stays_within_a_minor_unit(
        statute_currency: str, other: str, day: date, units: int, figures: Counter[str]) -> None:
    """Claim: an amount ``a`` on the statute currency's grid (minor unit ``qS``), converted
    to another currency with one rate ``r`` and back with that rate's inverse, each result
    rounded half-up to the target's minor unit (``qO``, then ``qS``), comes back within
    ``qS/2 + qO/(2r)``: the first rounding moves the amount by at most ``qO/2``, which is
    ``qO/(2r)`` in the statute's currency, the second by at most ``qS/2`` (plus a term below
    10^-30 for the 50-digit rate arithmetic). So it comes back within one minor unit of the
    coarser of the two currencies, and unchanged whenever the other currency's minor unit is
    worth less than the statute's (``qO/r < qS``: the error before the last rounding is then
    below half a unit). VND to USD and back may thus move by half a US cent (VND 100 to 125 in
    2011-2024); EUR to VND and back never moves. An amount whose conversion exceeds 10^18 units
    cannot go back: refused with :class:`~rates.errors.InvalidAmount`."""
    quantum = minor_unit_quantum(statute_currency)
    amount = units * quantum
    try:
        rate = rates.get_rate(statute_currency, other, day)
    except RateNotFound:
        assume(False)
        return
    there = rate.convert(amount)
    counted(figures, "there and back")
    if there.rounded > MAX_AMOUNT:
        with pytest.raises(InvalidAmount):
            rate.inverse().convert(there.rounded)
        figures["typed errors checked"] += 1
        return
    back = rate.inverse().convert(there.rounded).rounded
    half_other = HIGH.divide(minor_unit_quantum(other), HIGH.multiply(2, rate.value))
    bound = quantum / 2 + half_other + (amount + 1) * Decimal("1e-48")
    assert abs(back - amount) <= bound
    assert abs(back - amount) <= max(quantum, 2 * half_other)
    if 2 * half_other < quantum:
        assert back == amount


# --- 5. JSON --------------------------------------------------------------------------------


def plain_json(value: object, where: str = "$") -> None:
    """Only JSON's own types: no float, no Decimal, no date, no enum; amounts are text."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) is str, where
            plain_json(item, f"{where}.{key}")
        if set(value) >= {"amount", "currency"}:
            assert type(value["amount"]) is str, where
            assert "E" not in value["amount"].upper(), where
            Decimal(value["amount"])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            plain_json(item, f"{where}[{i}]")
    else:
        assert type(value) in (str, int, bool, type(None)), (where, type(value))


@st.composite
def rich_cases(draw: st.DrawFn, provision: str) -> dict[str, Any]:
    """Valid facts and then some: history dates, amounts in other currencies, a trial date."""
    _, facts = draw(cases(provision))
    day = facts["offence_date"]
    for flag, field in HISTORY_DATES.items():
        if flag not in facts and draw(st.booleans()):
            facts[field] = day - timedelta(days=draw(st.integers(-30, 3_000)))
    if facts["offender"] == "person" and facts.get("prior_conviction") is not False and draw(
            st.booleans()):
        facts["prior_sentence"] = draw(st.sampled_from(
            ["non_custodial", "prison_up_to_5_years", "prison_5_to_15_years"]))
    for fact in MONEY:
        if fact in facts and draw(st.booleans()):
            facts[fact] = f"{draw(st.integers(0, 10**9))} {draw(st.sampled_from(OTHER_CURRENCIES))}"
    if draw(st.booleans()):
        facts["trial_date"] = day + timedelta(days=draw(st.integers(0, 5_000)))
    return facts


@pytest.mark.parametrize("provision", IDS)
@PROPERTY
@given(data=st.data())
def test_every_result_survives_a_json_round_trip(
        provision: str, data: st.DataObject, figures: Counter[str]) -> None:
    """Claim: ``json.loads(json.dumps(result.to_dict()))`` equals ``result.to_dict()``, which
    holds only JSON's own types (amounts as decimal text, never a float); the same for the
    result reported in another currency. Facts the law refuses give a typed error instead."""
    facts = data.draw(rich_cases(provision))
    try:
        result = run(provision, facts)
    except (PenaltyError, RateError) as exc:
        note(repr(exc))
        figures["typed errors checked"] += 1
        return
    documents = [result.to_dict()]
    target = data.draw(st.sampled_from(OTHER_CURRENCIES))
    with contextlib.suppress(RateNotFound):  # no rate for that pair on that date
        documents.append(convert_assessment(result, target).to_dict())
    for document in documents:
        assert json.loads(json.dumps(document)) == document
        plain_json(document)
    counted(figures, "JSON round trip")


# --- 6. anything at all ---------------------------------------------------------------------

ABSURD = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10**40, 10**40).map(lambda n: n**3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("sNaN"), Decimal("-0"), Decimal("1e400"), Decimal("1e-400"),
                     10**18, 10**18 + 1, -1, 2**63, 10**5000, "", " ", "1e400", "NaN", "-5",
                     "1,5", "250.000.000", "250,000,000 VND", "USD 10000", "10 XYZ",
                     "10 BTC", "10 XAU", "10 usd", "2019-02-30", "0000-01-01", "9999-12-31",
                     "2018-3-19", "２０１８-０３-１９", "person", "ENTITY", "alien", "copying",
                     "x" * 10_000, "\x00", "83-5-a", "prison_over_15_years", [], {}, (),
                     date.min, date.max, b"2018-03-19", object(), Money("5", "USD"),
                     Money("-5", "VND"), Money("1e30", "EUR")]),
    st.text(max_size=30), st.dates().map(str), st.dates(),
    st.builds(Amount, st.decimals(allow_nan=True), st.sampled_from([None, "VND", "xyz"])),
    st.sampled_from([Amount(Decimal("NaN"), None), Amount(Decimal(-1), None),
                     Amount(Decimal(10**19), "USD"), Amount._make(["5", None]),
                     Amount._make([5, ["VND"]])]),
)
FACT_NAMES = [*FACT_KINDS, *HISTORY_DATES.values(), "offender", "offence_date", "trial_date",
              "action_date", "prior_sentence", "colour", ""]


@pytest.mark.parametrize("provision", IDS)
@settings(deadline=None, max_examples=4 * EXAMPLES,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_anything_gives_a_result_or_a_typed_error(
        provision: str, data: st.DataObject, figures: Counter[str]) -> None:
    """Claim: any mapping of facts (known or unknown names; values huge, negative,
    non-numeric text, floats, NaN, wrong or unknown currencies, impossible dates, objects)
    gives an :class:`~penalties.Assessment` or an error of the two documented trees:
    :class:`~penalties.PenaltyError` or :class:`~rates.RateError`, never any other
    exception."""
    valid = data.draw(rich_cases(provision))
    used = sorted({f for v in STATUTES[provision].versions for fs in v.used_facts.values()
                   for f in fs})
    names = data.draw(st.lists(st.sampled_from(FACT_NAMES + used * 3), max_size=6))
    facts: dict[Any, Any] = {**valid, **{name: data.draw(ABSURD) for name in names}}
    found = outcome(provision, facts)
    if isinstance(found, Assessment):
        json.dumps(found.to_dict())
    else:
        assert isinstance(found, PenaltyError | RateError)
        assert 0 < len(str(found)) < 2_000
        figures["typed errors checked"] += 1
    counted(figures, "anything at all")


def outcome(provision: str, facts: Mapping[Any, Any]) -> Assessment | PenaltyError | RateError:
    """The assessment, or the typed error; any other exception propagates."""
    try:
        return assess(provision, Facts.from_mapping(facts), catalog=CATALOG)
    except (PenaltyError, RateError) as exc:
        return exc
