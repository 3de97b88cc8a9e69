"""rates.lookback: which published value may answer for a date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rates import lookback
from rates.lookback import (
    ANNUAL_RULES,
    DAILY_LOOKBACK_DAYS,
    REACH,
    RULE,
    age_days,
    annual_note,
    annual_years,
    daily_note,
    daily_window_start,
    is_month_end,
    month_ends,
    monthly_note,
    past_end_note,
    within_look_back,
)

dates = st.dates(min_value=date(1950, 2, 1), max_value=date(2100, 12, 31))


@given(dates)
def test_month_ends_are_never_after_the_date(on: date) -> None:
    newest, previous = month_ends(on)
    assert is_month_end(newest)
    assert is_month_end(previous)
    assert previous < newest <= on
    # newest is the last month-end on or before the date: the next one is after it
    following = newest + timedelta(days=1)
    next_end = (following + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert next_end > on
    assert (newest.year * 12 + newest.month) - (previous.year * 12 + previous.month) == 1


def test_month_ends_examples() -> None:
    assert month_ends(date(2018, 3, 19)) == (date(2018, 2, 28), date(2018, 1, 31))
    assert month_ends(date(2018, 3, 31)) == (date(2018, 3, 31), date(2018, 2, 28))
    assert month_ends(date(2018, 1, 1)) == (date(2017, 12, 31), date(2017, 11, 30))
    assert month_ends(date(2024, 3, 1)) == (date(2024, 2, 29), date(2024, 1, 31))


@given(dates)
def test_annual_years(on: date) -> None:
    assert annual_years(on, "containing") == (on.year, on.year - 1)
    completed = annual_years(on, "completed")
    assert date(completed[0], 12, 31) <= on  # only years that ended on or before the date
    assert completed[1] == completed[0] - 1


def test_completed_rule_on_new_years_eve_uses_that_year() -> None:
    assert annual_years(date(2018, 12, 31), "completed") == (2018, 2017)
    assert annual_years(date(2018, 12, 30), "completed") == (2017, 2016)


def test_daily_window() -> None:
    assert DAILY_LOOKBACK_DAYS == 14
    assert daily_window_start(date(2018, 3, 19)) == date(2018, 3, 5)


def test_notes_state_the_rule() -> None:
    assert daily_note(date(2018, 3, 16), date(2018, 3, 18), "ECB") == (
        "ECB rate of 2018-03-16, the last published on or before 2018-03-18 (look-back 14 days)"
    )
    assert "2025-08 is missing" in monthly_note(
        date(2025, 7, 31), date(2025, 9, 15), date(2025, 8, 31)
    )
    assert "also covers days after the date" in annual_note(
        2018, date(2018, 3, 19), "containing", False
    )
    assert "2018 average is not published" in annual_note(
        2017, date(2018, 3, 19), "containing", True
    )
    assert "last complete year" in annual_note(2017, date(2018, 3, 19), "completed", False)
    assert set(ANNUAL_RULES) == {"containing", "completed"}


# -- the rule: age and reach of an observation -----------------------------------------


def test_age_days() -> None:
    assert age_days(date(2026, 10, 30), date(2026, 12, 1)) == 32
    assert age_days(date(2018, 3, 19), date(2018, 3, 19)) == 0
    assert age_days(date(2018, 12, 31), date(2018, 3, 19)) == 0  # a period still running


@pytest.mark.parametrize(
    ("basis", "end", "on", "within"),
    [
        ("daily", "2026-10-30", "2026-11-13", True),  # 14 days
        ("daily", "2026-10-30", "2026-11-14", False),
        ("daily", "2018-03-20", "2018-03-19", False),  # never a future rate
        ("monthly", "2018-02-28", "2018-03-19", True),
        ("monthly", "2018-01-31", "2018-03-19", True),  # one missing month tolerated
        ("monthly", "2017-12-31", "2018-03-19", False),
        ("monthly", "2018-03-31", "2018-03-19", False),  # the March value lies ahead
        ("annual", "2017-12-31", "2018-03-19", True),
        ("annual", "2016-12-31", "2018-03-19", True),  # one missing year tolerated
        ("annual", "2015-12-31", "2018-03-19", False),
        ("annual", "2018-12-31", "2018-03-19", False),  # a year still running
        ("annual", "2018-12-31", "2018-12-31", True),  # it ended that day
    ],
)
def test_within_look_back(basis: str, end: str, on: str, within: bool) -> None:
    assert within_look_back(basis, date.fromisoformat(end), date.fromisoformat(on)) is within


def test_within_look_back_of_the_containing_rule() -> None:
    assert within_look_back("annual", date(2018, 12, 31), date(2018, 3, 19), "containing")
    assert not within_look_back("annual", date(2016, 12, 31), date(2018, 3, 19), "containing")


@given(dates, st.integers(min_value=0, max_value=40))
def test_the_daily_reach_is_the_window(on: date, back: int) -> None:
    observed = on - timedelta(days=back)
    assert within_look_back("daily", observed, on) is (observed >= daily_window_start(on))


def test_today_is_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    assert lookback.today() == date.today()
    monkeypatch.setattr(lookback, "today", lambda: date(2026, 12, 1))
    assert lookback.today() == date(2026, 12, 1)


def test_the_rule_and_the_stale_note_are_written() -> None:
    assert "past the end of a series, its last value, marked stale" in RULE
    note = past_end_note("end-of-month value of 2025-10-31", "IMF monthly end-of-period",
                         date(2025, 10, 31), date(2025, 10, 31), date(2026, 12, 1),
                         REACH["monthly"])
    assert note.startswith("end-of-month value of 2025-10-31, the last IMF monthly "
                           "end-of-period value in this source (its data end on 2025-10-31)")
    assert "396 days before 2026-12-01" in note
    assert note.endswith("so stale")
