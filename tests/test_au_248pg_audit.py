"""Issue 14, point 4: the Australian Copyright Act 1968 s248PG as the research left it.

The golden cases of ``au/copyright-act-1968/248pg`` carry the amounts; these tests pin the
three findings of the audit that are about marks and omissions, not amounts: the
strict-liability offence of s248PG(5)-(6) stays out (no penalty line was read for it) and the
answer says so; the penalty unit from the 2026-07-01 indexation day is unconfirmed and every
fine that uses it shows the mark; the $210 unit is confirmed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from penalties import Catalog, assess, get_provision
from penalties._errors import InvalidFacts

__all__: list[str] = []

ID = "au/copyright-act-1968/248pg"


def test_the_strict_liability_offence_is_not_offered_without_its_penalty_line() -> None:
    """No act for s248PG(5): a guessed 60 units would be read off the sibling sections."""
    assert [a.id for a in get_provision(ID).model.acts] == ["248pg-1", "248pg-3"]
    with pytest.raises(InvalidFacts, match="not an act"):
        assess(ID, {"offender": "person", "act": "248pg-5", "offence_date": date(2025, 3, 1)})


def test_without_an_act_the_answer_names_the_offence_left_out_and_why() -> None:
    result = assess(ID, {"offender": "person", "offence_date": date(2025, 3, 1)})
    assert result.tier is None
    note = " ".join(result.notes)
    assert "s.248PG(5)-(6) is not encoded" in note
    assert "no Penalty line" in note


def _marked(result: Any) -> bool:
    """Whether the fine of ``result`` names an unconfirmed [U] value in its basis."""
    fine = next(p for p in result.principal if p.kind == "fine")
    return any("[U]" in line for line in fine.basis)


@pytest.mark.parametrize("act", ["248pg-1", "248pg-3"])
def test_the_unit_from_the_2026_indexation_day_is_shown_unconfirmed(act: str) -> None:
    catalog = Catalog(use_env=False)
    facts = {"offender": "person", "act": act}
    assert _marked(assess(ID, {**facts, "offence_date": date(2026, 7, 1)}, catalog=catalog))
    assert not _marked(assess(ID, {**facts, "offence_date": date(2026, 6, 30)},
                              catalog=Catalog(use_env=False)))


def test_the_2026_mark_survives_an_earlier_answer_with_the_same_amount() -> None:
    catalog = Catalog(use_env=False)
    facts = {"offender": "person", "act": "248pg-1"}
    assess(ID, {**facts, "offence_date": date(2025, 3, 1)}, catalog=catalog)
    assert _marked(assess(ID, {**facts, "offence_date": date(2026, 7, 1)}, catalog=catalog))


def test_the_210_unit_is_confirmed_and_the_2026_one_is_not() -> None:
    units = get_provision(ID).model.units
    assert units is not None
    marks = {(v.effective_from, v.amount): v.confidence.value for v in units.values}
    assert marks[(date(2017, 7, 1), Decimal(210))] == "C"
    assert marks[(date(2026, 7, 1), Decimal(330))] == "U"
