"""Calendar dates as the library reads them: ``date`` objects or ``YYYY-MM-DD`` text.

>>> parse_date("2018-03-19", "on")
datetime.date(2018, 3, 19)
>>> parse_date("2018-02-30", "on")
Traceback (most recent call last):
...
rates.errors.InvalidDate: on: '2018-02-30' is not a real calendar date (allowed: ...)
"""

from __future__ import annotations

import re
from datetime import date, datetime

from rates.digits import digit_problem
from rates.errors import InvalidDate

__all__ = ["as_date", "parse_date"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(value: object, field: str) -> date:
    """A date from a ``date``, a ``datetime`` (its date) or ``YYYY-MM-DD`` text."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidDate(field, value, "is not a real calendar date") from None
    problem = digit_problem(value) if isinstance(value, str) else None
    raise InvalidDate(field, value, *(() if problem is None else (problem,)))


def as_date(value: date | str | None, field: str = "on") -> date:
    """Like :func:`parse_date`, with ``None`` meaning today (local time).

    >>> as_date("2018-03-19")
    datetime.date(2018, 3, 19)
    """
    if value is None:
        from rates.lookback import today

        return today()
    return parse_date(value, field)
