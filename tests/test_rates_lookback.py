"""rates.lookback: which published value may answer for a date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rates.lookback import (
    ANNUAL_RULES,
    DAILY_LOOKBACK_DAYS,
    annual_note,
    annual_years,
    daily_note,
    daily_window_start,
    is_month_end,
    month_ends,
    monthly_note,
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
