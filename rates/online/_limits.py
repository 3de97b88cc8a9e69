"""The bounds of every online lookup: time, size, depth, and how long an answer is kept.

* **Time**: one lookup has one deadline, its source's ``timeout`` (:data:`DEFAULT_TIMEOUT`,
  10 s, at most :data:`MAX_TIMEOUT`), every connection, request, retry and wait counted
  (:func:`rates.retry.deadline`; :mod:`rates.online._deadline` enforces it on the
  connections, however slowly a server sends).
* **Size**: a body is read in chunks *after* decompression (:func:`read_body`) and refused
  past :data:`MAX_BODY_BYTES` (8 MiB, the source's ``max_bytes``), so a gzip bomb costs at
  most the limit and one chunk of memory; a ``Content-Length`` above the limit is refused
  before reading.
* **Depth**: a JSON body nested more than :data:`MAX_DEPTH` levels is refused before it is
  parsed (:func:`json_depth`); numbers longer than :data:`MAX_NUMBER_CHARS` are refused.
* **Expiry**: an expiry taken from a server (open-er-api's ``time_next_update_unix``) is
  kept at most :data:`MAX_SERVER_EXPIRY` (1 day) ahead.

Nothing here imports ``requests`` or ``urllib3``.
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rates.errors import InvalidOption, shown

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "CHUNK_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_BODY_BYTES",
    "MAX_DEPTH",
    "MAX_NUMBER_CHARS",
    "MAX_SERVER_EXPIRY",
    "MAX_TIMEOUT",
    "PAYLOAD_ERRORS",
    "NumberTooLong",
    "deeper_than",
    "read_body",
    "read_decimal",
    "read_integer",
    "seconds_option",
    "shown_seconds",
    "unreadable",
]

#: The default deadline of one lookup, in seconds (the source's ``timeout``).
DEFAULT_TIMEOUT = 10.0
#: The longest deadline a source accepts, in seconds.
MAX_TIMEOUT = 3600.0
#: The default largest body, counted after decompression (the source's ``max_bytes``).
MAX_BODY_BYTES = 8 * 1024 * 1024
#: How much of a body is read at a time.
CHUNK_BYTES = 64 * 1024
#: The deepest nesting of a JSON body (the sources' answers use at most 4 levels).
MAX_DEPTH = 32
#: The longest number in a JSON body, in characters (a rate has about 20).
MAX_NUMBER_CHARS = 100
#: The furthest ahead an expiry taken from a server may be.
MAX_SERVER_EXPIRY = timedelta(days=1)

#: What parsing a hostile payload may raise besides a RateError: made a BadPayload.
PAYLOAD_ERRORS: tuple[type[Exception], ...] = (
    ArithmeticError, AttributeError, LookupError, RecursionError, TypeError, ValueError,
)


def seconds_option(value: object, option: str = "timeout") -> float:
    """A lookup's deadline in seconds: a number above 0, at most :data:`MAX_TIMEOUT`."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0 < value <= MAX_TIMEOUT
    ):
        raise InvalidOption(
            option, value, f"a number of seconds above 0, at most {MAX_TIMEOUT:g}"
        )
    return float(value)


def shown_seconds(seconds: float) -> str:
    """Seconds for a message.

    >>> shown_seconds(10.0), shown_seconds(0.3), shown_seconds(4.99937)
    ('10', '0.3', '5')
    """
    return f"{round(seconds, 2):g}"


def unreadable(error: BaseException) -> str:
    """The problem of a payload that made the parsing code fail in an untyped way."""
    return f"could not be read ({type(error).__name__}: {shown(str(error))})"



# -- size ----------------------------------------------------------------------------------


def read_body(
    response: Any,  # noqa: ANN401 - a requests Response, not yet read
    limit: int,
    refuse: Callable[[int], Exception],
) -> None:
    """Read the body of ``response`` (decompressed), at most ``limit`` bytes: past it the
    response is closed and ``refuse(bytes read)`` is raised. The body becomes the
    response's ``content`` (what requests and requests-cache then use)."""
    if response._content_consumed:  # read already (requests-cache calls hooks twice)
        return
    declared = str(response.headers.get("Content-Length", ""))
    encoded = response.headers.get("Content-Encoding", "identity") not in ("", "identity")
    if not encoded and declared.isascii() and declared.isdigit() and int(declared) > limit:
        response.close()
        raise refuse(0)
    parts: list[bytes] = []
    size = 0
    for chunk in response.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            response.close()
            raise refuse(size)
        parts.append(chunk)
    response._content = b"".join(parts)  # what .content returns from now on


# -- depth and numbers ---------------------------------------------------------------------


def deeper_than(value: object, limit: int) -> bool:
    """True if the lists and dicts of a parsed JSON value nest more than ``limit`` levels
    (a bare value has none), found level by level, without recursion.

    >>> deeper_than({"a": [1, {"b": []}]}, 4), deeper_than({"a": [1, {"b": []}]}, 3)
    (False, True)
    """
    level: list[object] = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        inner: list[object] = []
        for item in level:
            children: Iterable[object] = item.values() if isinstance(item, dict) else (
                item if isinstance(item, list) else ())
            inner.extend(child for child in children if isinstance(child, dict | list))
        level = inner
    return False


class NumberTooLong(ValueError):
    """A number in a JSON body longer than :data:`MAX_NUMBER_CHARS`."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        super().__init__(f"a number of {self.length:,} characters")


def read_integer(text: str) -> int:
    """A JSON integer, refused past :data:`MAX_NUMBER_CHARS` (json's ``parse_int``)."""
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTooLong(text)
    return int(text)


def read_decimal(text: str) -> Decimal:
    """A JSON number with a fraction or exponent as a Decimal, refused past
    :data:`MAX_NUMBER_CHARS` (json's ``parse_float`` and ``parse_constant``)."""
    if len(text) > MAX_NUMBER_CHARS:
        raise NumberTooLong(text)
    return Decimal(text)
