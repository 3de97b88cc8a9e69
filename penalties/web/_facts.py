"""The facts vocabulary as JSON (``GET /facts``): what the web page makes its form from.

Each fact is given with its kind, its values, its limits and its help as the vocabulary
holds them (:func:`penalties.builtin_vocabulary`, a provision's own declared facts
included). For a provision, ``reads`` marks the facts its versions test (their tiers, their
history rules and what decides those), so that a form can show them first; the others
stay usable. An ``act`` fact lists the acts the provision declares, with their labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from penalties._vocabulary import Fact, Vocabulary
    from penalties.statutes._statute import Statute

__all__ = ["fact_json", "facts_document", "read_by"]

#: Facts every provision reads: who, and when (the date selects the law).
ALWAYS = ("offender", "offence_date")


def fact_json(fact: Fact) -> dict[str, Any]:
    """One fact of the vocabulary in JSON; ``option`` is its command-line option, or, for a
    fact a statute file declares (which the command line takes as ``--fact NAME=VALUE``),
    that form."""
    from penalties._vocabulary import builtin_vocabulary

    option = (fact.option if fact.name in builtin_vocabulary()
              else f"fact {fact.name}=VALUE")
    out: dict[str, Any] = {"name": fact.name, "kind": fact.kind, "option": option,
                           "help": fact.help, "description": fact.description,
                           "allowed": fact.allowed, "required": fact.required}
    if fact.kind == "enum":
        out["values"] = list(fact.values)
    if fact.kind == "count":
        out.update(min=fact.low, max=fact.high)
    if fact.kind == "amount":
        out["currency_required"] = fact.currency_required
    if fact.kind == "flag":
        out.update(unknown=fact.unknown, negative=fact.negative)
    if fact.kind in ("count", "flag"):
        out["default"] = fact.default
    return out


def read_by(statute: Statute) -> set[str]:
    """The facts some version of ``statute`` tests: its tiers' facts, its history rules'
    flags with the dates that decide them and the enum that holds their categories."""
    vocabulary = statute.vocabulary
    names = set(ALWAYS)
    categories: set[str] = set()
    for version in statute.versions:
        for used in version.used_facts.values():
            names |= used
        for flag, _, category in version.history:
            names.add(flag)
            if category is not None:
                categories.add(category)
    for name in list(names):
        decider = vocabulary[name].decided_by if name in vocabulary else None
        if decider:
            names.add(decider)
    names |= {f.name for f in vocabulary if f.kind == "enum" and categories & set(f.values)}
    return names


def facts_document(vocabulary: Vocabulary, statute: Statute | None = None) -> dict[str, Any]:
    """The facts of ``vocabulary`` (a provision's, if ``statute`` is given, with ``reads``
    and its acts)."""
    reads = read_by(statute) if statute is not None else set()
    facts = []
    for fact in vocabulary:
        item = fact_json(fact)
        if statute is not None:
            item["reads"] = fact.name in reads
            if fact.kind == "act":
                item["values"] = [act.id for act in statute.model.acts]
                item["labels"] = {act.id: act.label for act in statute.model.acts}
        facts.append(item)
    return {"provision": statute.id if statute is not None else None, "facts": facts}
