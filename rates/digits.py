"""The one rule for digits: numbers and dates are written in ASCII digits 0-9.

Python reads other decimal digits as numbers (``Decimal("٣٠٠")`` is 300, ``int("３")`` is
3), so an amount could be typed in Arabic-Indic, full-width or mathematical digits and be
read, while a date in the same digits is refused. Every reader of amounts and dates, on
the rate side (:mod:`rates.money`, :mod:`rates.dates`) and on the law side
(:mod:`penalties._values`, statute files), refuses any digit that is not ASCII with the
message of :func:`digit_problem`.
"""

from __future__ import annotations

import unicodedata

__all__ = ["digit_problem"]


def digit_problem(text: str) -> str | None:
    """Why ``text`` is refused for its digits, or ``None`` when it has no digit other than
    ASCII 0-9 (the message follows the quoted value).

    >>> digit_problem("３００ USD")
    'is written with U+FF13 FULLWIDTH DIGIT THREE; write numbers and dates in ASCII digits 0-9'
    >>> digit_problem("300 USD") is None
    True
    """
    if text.isascii():
        return None
    digit = next((c for c in text if c.isdigit() and not c.isascii()), None)
    if digit is None:
        return None
    return (f"is written with U+{ord(digit):04X} {unicodedata.name(digit, 'a digit')}; "
            "write numbers and dates in ASCII digits 0-9")
