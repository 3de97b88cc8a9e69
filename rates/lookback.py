"""Which rate answers for a date: the one written rule, and the look-back of each basis.

**The rule.** Every source and every path (``convert``, ``assess``, ``thresholds``, batch
rows) asks the same question, "the rate for this pair on this date", and gets the answer
of this rule:

0. *A currency the euro replaced* (the German mark, the French franc... the Bulgarian lev
   from 2026), on and after the day it was replaced, is converted at its irrevocably fixed
   rate against the euro, exactly and never stale (:mod:`rates._fixed`; Council Regulation
   (EC) No 2866/98, Art. 1, and No 1103/97, Art. 4), before any published series.
1. *Each series answers within its own look-back* (below): a daily series with the last
   rate published on or before the date, at most :data:`DAILY_LOOKBACK_DAYS` days
   earlier; a monthly end-of-period series with the last month-end on or before the date;
   an annual series with the average of the last complete year.
2. *The finest series that answers is used*: daily, then monthly, then annual.
3. *Past the end of a series* (a date after the last day it holds), a currency that was
   still published at its end answers with its last observation, marked stale, rather
   than a coarser series whose value is older (never the 2024 annual average while a
   32-day-old daily rate exists). A currency whose quotes stopped inside the series (a
   legacy currency, a suspended quote) is not carried forward. :func:`choose` is this
   choice between the candidates of the series, finest first.
4. *Every rate states its age*: ``age_days``, the days between the end of the period its
   observation belongs to and the date asked for (0 on the day). ``stale`` is true when
   the observation is older than its basis allows (rule 3), or when an online source
   served an expired cache after a failure.
5. *Never a future value* (an observation whose period starts after the date), never an
   interpolated one; when no series can answer, a typed error states the covered range.

The value stays the same across the end of a series: the last rate, then the same rate
marked stale with a growing age, and no silent jump to another series.

**The look-back of each basis**, never reaching further back than its window:

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
>>> within_look_back("daily", date(2026, 10, 30), date(2026, 11, 13))
True
>>> within_look_back("daily", date(2026, 10, 30), date(2026, 12, 1)), age_days(
...     date(2026, 10, 30), date(2026, 12, 1))
(False, 32)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal, Protocol, TypeVar

__all__ = [
    "ANNUAL_RULES",
    "DAILY_LOOKBACK_DAYS",
    "DAILY_RULE",
    "MONTHLY_RULE",
    "REACH",
    "RULE",
    "AnnualRule",
    "Observation",
    "age_days",
    "annual_note",
    "annual_years",
    "choose",
    "daily_note",
    "daily_window_start",
    "is_month_end",
    "month_ends",
    "monthly_note",
    "past_end_note",
    "today",
    "within_look_back",
]

#: How many days a daily rate may be older than the date asked for.
DAILY_LOOKBACK_DAYS = 14

#: The rule in one sentence (``penalties rates info``; the module's docstring has it whole).
RULE = (
    "a currency the euro replaced, from that day, at its irrevocably fixed rate against the "
    "euro; else the finest series (daily, then monthly, then annual) with a value on or before "
    "the date "
    "within its own look-back; past the end of a series, its last value, marked stale with "
    "its age, rather than an older value of a coarser series"
)

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


def today() -> date:
    """The date a lookup without a date is for: today in the local time zone. The one
    function that says what "today" is (tests replace it)."""
    return date.today()


def age_days(observed_end: date, on: date) -> int:
    """Days from the end of an observation's period to the date asked for (0 when the
    period ends on or after it)."""
    return max(0, on.toordinal() - observed_end.toordinal())


def within_look_back(
    basis: str, observed_end: date, on: date, rule: AnnualRule = "completed"
) -> bool:
    """Whether an observation whose period ends on ``observed_end`` may answer for ``on``
    under the look-back of its basis (``"daily"``, ``"monthly"`` or ``"annual"``, with
    ``rule`` for an annual average)."""
    if basis == "fixed":  # a rate fixed by law holds on every day from its start
        return True
    if basis == "annual":
        preferred, previous = annual_years(on, rule)
        return previous <= observed_end.year <= preferred
    if observed_end > on:
        return False
    if basis == "daily":
        return age_days(observed_end, on) <= DAILY_LOOKBACK_DAYS
    return observed_end >= month_ends(on)[1]


class Observation(Protocol):
    """What :func:`choose` reads of a candidate (a :class:`~rates.model.Rate`)."""

    @property
    def stale(self) -> bool:
        """True when older than its basis allows."""
        ...

    @property
    def period_end(self) -> date:
        """The last day of the period the value belongs to."""
        ...


_Candidate = TypeVar("_Candidate", bound=Observation)


def choose(candidates: Iterable[_Candidate | None]) -> _Candidate | None:
    """The candidate the rule picks (rules 2 and 3 of the module's rule).

    ``candidates`` are the answers of the series for one currency and date, finest first
    (``None`` for a series that has none; it may be a generator: it is read only up to the
    first candidate within its look-back). The finest fresh candidate wins, unless a finer
    stale one (the last observation of a series that has ended) is more recent than it;
    among stale candidates the most recent wins, the finer on a tie.
    """
    best: _Candidate | None = None
    for candidate in candidates:
        if candidate is None:
            continue
        if not candidate.stale:
            if best is None or best.period_end < candidate.period_end:
                return candidate
            return best
        if best is None or candidate.period_end > best.period_end:
            best = candidate
    return best


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


def past_end_note(what: str, series: str, last: date, observed_end: date, on: date,
                  reach: str) -> str:
    """Why a stale value (rule 3): the series ends on ``last``, before the date, so the last
    observation of the currency (its period ending on ``observed_end``) answers, older than
    the look-back of its basis (``reach``, see :data:`REACH`) allows.

    >>> print(past_end_note("ECB rate of 2026-10-30", "ECB daily reference rate",
    ...       date(2026, 10, 30), date(2026, 10, 30), date(2026, 12, 1), REACH["daily"]))
    ... # doctest: +NORMALIZE_WHITESPACE
    ECB rate of 2026-10-30, the last ECB daily reference rate value in this source (its
    data end on 2026-10-30): 32 days before 2026-12-01, older than its look-back allows
    (a rate answers for up to 14 days), so stale
    """
    return (
        f"{what}, the last {series} value in this source (its data end on "
        f"{last.isoformat()}): {age_days(observed_end, on)} days before {on.isoformat()}, "
        f"older than its look-back allows ({reach}), so stale"
    )
