"""The checks of one version's names against each other, before anything is compiled: tier
ids and ranks, additional groups, modifier ids, and the subjects that tiers, modifiers and
caps are written for (each must be one of the file's ``subjects``). Called by
:class:`penalties.statutes._compile_version.VersionCompiler`.
"""

from __future__ import annotations

from penalties._errors import shown
from penalties._facts import Offender
from penalties.statutes._compile_triggers import Problems
from penalties.statutes._schema import AdditionalGroup, Subject, Version

__all__ = ["check_ids"]


def check_ids(version: Version, loc: str, groups: dict[str, AdditionalGroup],
              subjects: dict[Offender, Subject], problems: Problems) -> None:
    """Add to ``problems`` each id used twice, each rank shared by two tiers of a subject,
    each unknown or mismatched additional group, and each modifier or cap for a subject the
    file does not have (it would never apply: a mistyped subject, silently)."""
    seen: set[str] = set()
    ranks: dict[tuple[Offender, int], str] = {}
    for j, tier in enumerate(version.tiers):
        where = f"{loc}.tiers[{j}]"
        if tier.id in seen:
            problems.add(f"{where}.id", f"tier id {tier.id!r} is used twice")
        seen.add(tier.id)
        other = ranks.setdefault((tier.subject, tier.rank), tier.id)
        if other != tier.id:
            problems.add(f"{where}.rank", f"rank {tier.rank} is also the rank of tier "
                         f"{other!r} for the same subject; ranks order severity")
        for k, group_id in enumerate(tier.additional):
            group = groups.get(group_id)
            if group is None:
                known = ", ".join(sorted(groups)) or "none defined"
                problems.add(f"{where}.additional[{k}]", f"unknown additional group "
                             f"{shown(group_id)} (defined: {known})")
            elif group.subject != tier.subject:
                problems.add(f"{where}.additional[{k}]",
                             f"group {shown(group_id)} is for {group.subject.value}, "
                             f"the tier for {tier.subject.value}")
    if len(groups) != len(version.additional):
        problems.add(f"{loc}.additional", "additional group ids must be unique")
    named: set[str] = set()
    for k, modifier in enumerate(version.modifiers):
        if modifier.id in named:
            problems.add(f"{loc}.modifiers[{k}].id",
                         f"modifier id {shown(modifier.id)} is used twice")
        named.add(modifier.id)
    written: list[tuple[str, Offender | None]] = [
        *((f"modifiers[{k}]", m.subject) for k, m in enumerate(version.modifiers)),
        *((f"caps[{k}]", c.subject) for k, c in enumerate(version.caps))]
    for where, subject in written:
        if subject is not None and subject not in subjects:
            problems.add(f"{loc}.{where}.subject",
                         f"{subject.value!r} is not in the file's subjects")
