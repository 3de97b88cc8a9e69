"""Which published value answers "the rate on this date": one rule per basis.

Every rule picks a value published for a period that starts on or before the date asked
for, never interpolates and never reaches further back than its window:

* **daily** (:data:`DAILY_RULE`): the last rate published on or before the date, at most
  :data:`DAILY_LOOKBACK_DAYS` days earlier (weekends, holidays such as Easter 2018
  (30 March and 2 April), and short gaps are bridged; a suspended quote is not).
* **monthly end-of-period** (:data:`MONTHLY_RULE`): an end-of-month value is an observation
  *on the last day of the month*, so for 19 March 2018 the March value (31 March) lies in the
  future; the rule takes the last month-end on or before the date (28 February) and
  tolerates one missing month (the IMF series lacks 2025-08).
* **annual average** (:data:`ANNUAL_RULES`): an average belongs to its whole year, which the
  source labels ``YYYY-12-31``. The default rule ``"completed"`` uses only years that ended
  on or before the date (never a value that includes later days), else the year before.
  The rule ``"containing"`` (opt-in) uses the average of the calendar year containing the
  date, which also covers days after it, and says so in every rate's note.

>>> month_ends(date(2018, 3, 19))
(datetime.date(2018, 2, 28), datetime.date(2018, 1, 31))
>>> month_ends(date(2018, 3, 31))
(datetime.date(2018, 3, 31), datetime.date(2018, 2, 28))
>>> annual_years(date(2018, 3, 19), "containing"), annual_years(date(2018, 3, 19), "completed")
((2018, 2017), (2017, 2016))
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

__all__ = [
    "ANNUAL_RULES",
    "DAILY_LOOKBACK_DAYS",
    "DAILY_RULE",
    "MONTHLY_RULE",
    "REACH",
    "AnnualRule",
    "annual_note",
    "annual_years",
    "daily_note",
    "daily_window_start",
    "is_month_end",
    "month_ends",
    "monthly_note",
]

#: How many days a daily rate may be older than the date asked for.
DAILY_LOOKBACK_DAYS = 14

DAILY_RULE = (
    f"the last rate published on or before the date, at most {DAILY_LOOKBACK_DAYS} days earlier"
)
MONTHLY_RULE = (
    "the end-of-month value of the last month-end on or before the date (one missing month "
    "tolerated); a month's own value lies after every earlier day of that month"
)

AnnualRule = Literal["containing", "completed"]

#: How far each basis reaches, in a few words (for error messages).
REACH: dict[str, str] = {
    "daily": f"a rate answers for up to {DAILY_LOOKBACK_DAYS} days",
    "monthly": "the last month-end on or before the date, one missing month tolerated",
    "containing": "the year of the date, else the year before",
    "completed": "the last complete year, else the year before",
}

#: The annual rules, by name.
ANNUAL_RULES: dict[str, str] = {
    "containing": "the average of the calendar year containing the date (it also covers days "
    "after the date), or of the year before if that year is not published",
    "completed": "the average of the last calendar year that ended on or before the date, or "
    "of the year before if that year is not published",
}


def daily_window_start(on: date, days: int = DAILY_LOOKBACK_DAYS) -> date:
    """The earliest publication day a daily rate for ``on`` may have (never before
    :data:`datetime.date.min`)."""
    return on - timedelta(days=days) if on.toordinal() > days else date.min


def is_month_end(day: date) -> bool:
    """True on the last day of a month.

    >>> is_month_end(date(2024, 2, 29)), is_month_end(date(2023, 2, 28)), is_month_end(date.max)
    (True, True, True)
    """
    return day == date.max or (day + timedelta(days=1)).day == 1


def month_ends(on: date) -> tuple[date, date]:
    """The two month-ends whose end-of-month value may answer for ``on``, newest first
    (:data:`datetime.date.min` stands for a month-end before the first month of the
    calendar, for which no source has a value).

    >>> [day.isoformat() for day in month_ends(date(2024, 3, 15)) + month_ends(date(1, 1, 5))]
    ['2024-02-29', '2024-01-31', '0001-01-01', '0001-01-01']
    """
    first = on if is_month_end(on) else _month_end_before(on)
    return first, _month_end_before(first)


def _month_end_before(day: date) -> date:
    start = day.replace(day=1)
    return start - timedelta(days=1) if start > date.min else date.min


def annual_years(on: date, rule: AnnualRule = "completed") -> tuple[int, int]:
    """The two years whose average may answer for ``on``, preferred first."""
    if rule == "containing" or (on.month == 12 and on.day == 31):
        return on.year, on.year - 1
    return on.year - 1, on.year - 2


def daily_note(published: date, on: date, publisher: str) -> str:
    """Why this daily rate: the same day, or the last one before it."""
    if published == on:
        return f"{publisher} rate published for {on.isoformat()}"
    return (
        f"{publisher} rate of {published.isoformat()}, the last published on or before "
        f"{on.isoformat()} (look-back {DAILY_LOOKBACK_DAYS} days)"
    )


def monthly_note(month_end: date, on: date, skipped: date | None) -> str:
    """Why this end-of-month value."""
    note = (
        f"end-of-month value of {month_end.isoformat()}, the last month-end on or before "
        f"{on.isoformat()}"
    )
    if skipped is not None:
        note += f" that is published ({skipped.isoformat()[:7]} is missing from the source)"
    return note


def annual_note(year: int, on: date, rule: AnnualRule, fallback: bool) -> str:
    """Why this annual average."""
    if rule == "containing" and not fallback:
        return (
            f"average of {year}, the year containing {on.isoformat()} "
            "(an annual average also covers days after the date)"
        )
    if fallback:
        preferred = year + 1
        return f"average of {year}: the {preferred} average is not published (one year back)"
    return f"average of {year}, the last complete year on or before {on.isoformat()}"
