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
#: Text of a date and time (``2018-03-19T10:00``, ``2018-03-19 10:00:00+07:00``).
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}\S*")


def parse_date(value: object, field: str) -> date:
    """A date from a ``date``, a ``datetime`` without a time zone (the day it names) or
    ``YYYY-MM-DD`` text; the one reader of a date of both sides of the library.

    A datetime with a time zone is refused: it names a different day in different places
    (2017-12-31 20:00 UTC is 1 January 2018 in Hanoi, where the 2017 amendment of the Penal
    Code took effect that day), and keeping its date where it was written would choose a
    law or a rate without saying so.

    >>> parse_date(datetime(2018, 3, 19, 23, 30), "on")
    datetime.date(2018, 3, 19)
    >>> from datetime import timezone
    >>> parse_date(datetime(2017, 12, 31, 20, tzinfo=timezone.utc), "offence_date")
    Traceback (most recent call last):
    ...
    rates.errors.InvalidDate: offence_date: '2017-12-31T20:00:00+00:00' has a time zone, so \
it names a different day in different places (allowed: a date, or a date and time without \
a time zone: the day where it happened)
    """
    if isinstance(value, datetime):
        if value.utcoffset() is not None:
            raise InvalidDate(field, value.isoformat(), "has a time zone, so it names a "
                              "different day in different places", "a date, or a date and "
                              "time without a time zone: the day where it happened")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidDate(field, value, "is not a real calendar date") from None
    problem = digit_problem(value) if isinstance(value, str) else None
    if problem is None and isinstance(value, str) and _DATE_TIME.fullmatch(value.strip()):
        problem = ("is a date and time; write the day alone (YYYY-MM-DD), the day where it "
                   "happened (a time zone may make it another day there)")
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
