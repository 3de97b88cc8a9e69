"""The exception tree of the money side.

::

    RateError
    ├── UnknownCurrency (ValueError)     not an ISO 4217 code known to py-moneyed
    ├── InvalidAmount (ValueError)       an amount that cannot be read exactly
    │   └── NotExact                     a result too large to compute without losing a digit
    ├── InvalidDate (ValueError)         a date that is not a date or YYYY-MM-DD text
    ├── InvalidRounding (ValueError)     not one of the eight decimal rounding modes
    ├── InvalidRate (ValueError)         a rate that is not a finite positive number
    ├── CurrencyMismatch (ValueError)    an amount in another currency than the rate's base
    ├── SourceExists (ValueError)        registering a second source under a taken name
    ├── InvalidOption (ValueError)       a source option out of range (a timeout, a size limit)
    ├── InvalidSnapshotInput (ValueError) an ECB or IMF file that fails the snapshot build's checks
    ├── UnknownSource (LookupError)      no rate source registered under that name
    ├── RateNotFound (LookupError)       no rate for that pair and date
    └── SourceUnavailable (LookupError)  an online source failed and nothing usable is cached
        ├── NotCached                    offline mode and the answer is not in the cache
        ├── DownloadFailed               rates refresh could not download an upstream file
        ├── DeadlineExceeded             no complete answer within the lookup's time limit
        ├── SourceFailed                 a source raised an unexpected exception (a bug in it)
        └── BadPayload                   the source answered with something that is not a rate
            ├── PayloadTooLarge          a body larger than the limit once decompressed
            └── PayloadTooDeep           a JSON body nested deeper than the limit

    CacheWarning (UserWarning)           the HTTP cache was corrupt (moved aside and rebuilt)
                                         or cannot be written (working without a cache)
    SnapshotWarning (UserWarning)        the user snapshot is invalid or unreadable (the
                                         embedded one is used instead)

Each error also inherits the closest builtin, so ``except ValueError`` works as expected.
The CLI maps ``ValueError`` to exit code 2 (bad input) and ``LookupError`` to exit code 3
(data not available): a source that is down or answers garbage is *data not available*.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "REFRESH",
    "SHOWN_CHARS",
    "BadPayload",
    "CacheWarning",
    "CurrencyMismatch",
    "DeadlineExceeded",
    "DownloadFailed",
    "InvalidAmount",
    "InvalidDate",
    "InvalidOption",
    "InvalidRate",
    "InvalidRounding",
    "InvalidSnapshotInput",
    "NotCached",
    "NotExact",
    "PayloadTooDeep",
    "PayloadTooLarge",
    "RateError",
    "RateNotFound",
    "ReducibleError",
    "SnapshotWarning",
    "SourceExists",
    "SourceFailed",
    "SourceUnavailable",
    "UnknownCurrency",
    "UnknownSource",
    "shown",
]


#: Longest quotation of a bad value in an error message (of either side of the library);
#: longer ones are cut, with their length.
SHOWN_CHARS = 80


def shown(value: object) -> str:
    """``repr(value)`` cut to a readable length: a message stays short whatever it quotes;
    a ``Decimal`` (a JSON number) as the number it is, not as Python names it.

    >>> shown("x" * 200).endswith("xx… (202 characters)")
    True
    >>> shown(10 ** 5000), shown(Decimal("2.5"))
    ('<int of 16610 bits>', '2.5')
    """
    try:
        text = str(value) if isinstance(value, Decimal) else repr(value)
    except ValueError:  # an int too long to print (sys.get_int_max_str_digits)
        size = value.bit_length() if isinstance(value, int) else "?"
        return f"<{type(value).__name__} of {size} bits>"
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS - 1]}… ({len(text)} characters)"


def restored(kind: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]
             ) -> BaseException:
    """An error as :meth:`ReducibleError.__reduce__` saved it: made without its
    constructor (whose arguments it does not keep), with its message and attributes."""
    error = kind.__new__(kind)
    error.args = args
    for name, value in state.items():  # (setattr: an ImportError's msg is no __dict__ key)
        setattr(error, name, value)
    return error


#: Attributes of built-in errors kept outside ``__dict__`` (an ImportError's).
_BUILT_IN = ("msg", "name", "path")


class ReducibleError(Exception):
    """An error that pickles and copies whatever its constructor takes: its message and
    attributes (``__notes__`` too, and an ImportError's ``msg``, ``name`` and ``path``) are
    saved, and restored without calling it (a worker's error reaches its parent process
    whole)."""

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        if isinstance(self, ImportError):
            state.update((name, getattr(self, name)) for name in _BUILT_IN)
        return restored, (type(self), self.args, state)


class RateError(ReducibleError):
    """Base class of every error raised on purpose by :mod:`rates`."""


class UnknownCurrency(RateError, ValueError):
    """A currency code that is not a known ISO 4217 code."""

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(
            f"unknown currency code {shown(code)} (allowed: a three-letter ISO 4217 code such as "
            "VND, USD or EUR)"
        )


class InvalidAmount(RateError, ValueError):
    """An amount that cannot be read as an exact, non-negative decimal."""

    def __init__(self, value: object, problem: str) -> None:
        self.value = value
        self.problem = problem
        super().__init__(
            f"{problem}: {shown(value)} (accepted forms: 250000000, 250,000,000, 250_000_000, "
            "'250000000 VND', 'VND 250000000', 1234.56)"
        )


class NotExact(InvalidAmount):
    """A computation whose exact result has more digits than the library holds
    (:data:`rates.exact.DIGITS`): an error, never a rounded result."""

    def __init__(self, operands: object) -> None:
        self.value = operands
        self.problem = "the result is too large to compute exactly"
        ValueError.__init__(self, f"{self.problem} (allowed: amounts, factors and counts "
                            "whose exact product has at most 400 significant digits)")


class InvalidDate(RateError, ValueError):
    """A date argument that is neither a :class:`datetime.date` nor ``YYYY-MM-DD`` text."""

    def __init__(self, field: str, value: object, problem: str = "is not a date",
                 allowed: str = "a datetime.date or text YYYY-MM-DD") -> None:
        self.field = field
        self.value = value
        self.problem = problem
        super().__init__(f"{field}: {shown(value)} {problem} (allowed: {allowed})")


class InvalidRounding(RateError, ValueError):
    """A rounding mode that is not one of the :mod:`decimal` rounding constants."""

    def __init__(self, value: object, allowed: Sequence[str]) -> None:
        self.value = value
        self.allowed = tuple(allowed)
        super().__init__(
            f"rounding: {shown(value)} is not a rounding mode (allowed: {', '.join(self.allowed)})"
        )


class InvalidRate(RateError, ValueError):
    """A rate value or field that cannot describe an exchange rate."""

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: {shown(value)} is not allowed (allowed: {allowed})")


class CurrencyMismatch(RateError, ValueError):
    """An amount given in a currency other than the base currency of the rate applied."""

    def __init__(self, amount_currency: str, rate_base: str) -> None:
        self.amount_currency = amount_currency
        self.rate_base = rate_base
        super().__init__(
            f"currency: the amount is in {amount_currency} but the rate converts from "
            f"{rate_base} (allowed: an amount in {rate_base}, or no currency at all)"
        )


class SourceExists(RateError, ValueError):
    """A source is registered under a name that is already taken."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"source name {shown(name)} is already registered (allowed: a new name, or "
            "replace=True to replace it on purpose)"
        )


class InvalidOption(RateError, ValueError):
    """An option of a rate source that is out of range (a timeout, a size limit)."""

    def __init__(self, option: str, value: object, allowed: str) -> None:
        self.option = option
        self.value = value
        self.allowed = allowed
        super().__init__(f"{option}: {shown(value)} is not allowed (allowed: {allowed})")


class InvalidSnapshotInput(RateError, ValueError):
    """A raw file given to the snapshot builder (an ECB history file, an IMF series) does not
    look like what the snapshot expects: the message names the file, the row and the field.
    Nothing is written."""


class UnknownSource(RateError, LookupError):
    """No rate source is registered under that name."""

    def __init__(self, name: object, known: Sequence[str]) -> None:
        self.name = name
        self.known = tuple(known)
        super().__init__(f"unknown rate source {shown(name)} (known: {', '.join(self.known)})")


class RateNotFound(RateError, LookupError):
    """No rate is available for the currency pair on the date asked for.

    The message says which series were consulted and the range each one covers.
    """


#: The ``source`` of the errors of ``penalties rates refresh`` (:mod:`rates.refresh`), which
#: asks no rate source: its messages name the file instead.
REFRESH = "refresh"


class SourceUnavailable(RateError, LookupError):
    """An online source could not be reached or failed, and nothing usable is cached."""

    def __init__(self, source: str, url: str, reason: str) -> None:
        from rates.redaction import redact  # a key a server sent back never reaches a message

        self.source = source
        self.url = redact(url)
        self.reason = redact(reason)
        super().__init__(f"rates refresh: {self.url}: {self.reason}" if source == REFRESH
                         else f"rate source {source!r} is unavailable: {self.reason} ({self.url})")


class DownloadFailed(SourceUnavailable):
    """``penalties rates refresh`` could not download an upstream file (no rate source is
    asked: the message names the file)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(REFRESH, url, reason)
        self.args = (f"cannot download {self.url} for a refresh: {self.reason}",)


class NotCached(SourceUnavailable):
    """Offline mode: the answer was never fetched, so it is not in the cache."""

    def __init__(self, source: str, url: str) -> None:
        super().__init__(
            source, url, "offline mode and the response is not in the cache "
            "(allowed: go online once, or warm the cache first: penalties rates update)"
        )


class DeadlineExceeded(SourceUnavailable):
    """A lookup of an online source ran out of time: no complete answer within ``seconds``
    (every connection, request, retry and wait of the lookup counted), after ``attempts``
    requests. However slowly a server sends, the lookup ends there."""

    def __init__(self, source: str, url: str, seconds: float, attempts: int,
                 what: str = "the lookup's deadline") -> None:
        self.seconds = seconds
        self.attempts = attempts
        tries = f"{attempts} attempt" + ("" if attempts == 1 else "s")
        super().__init__(
            source, url,
            f"no answer within {round(seconds, 2):g} s: {what} was reached after {tries}",
        )


class SourceFailed(SourceUnavailable):
    """A rate source raised something other than a :class:`RateError` (a bug in that
    source, or in a third-party one): turned into this typed error, so that a chain of
    sources goes on to the next one. ``error`` is the exception raised."""

    def __init__(self, source: str, error: BaseException) -> None:
        self.source = source
        self.url = ""
        self.error = error
        self.reason = f"failed unexpectedly ({type(error).__name__}: {shown(str(error))})"
        RateError.__init__(self, f"rate source {source!r} {self.reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        # the exception raised is a third party's, which may not pickle: kept when it is a
        # built-in one or the library's, else its text
        rebuild, (kind, args, state) = super().__reduce__()
        if type(self.error).__module__ != "builtins" and not isinstance(self.error, RateError):
            state["error"] = RuntimeError(self.reason)
        return rebuild, (kind, args, state)


class BadPayload(SourceUnavailable):
    """A source answered, but not with a usable rate: the number is never used.

    ``field`` names the part of the payload that is wrong, ``problem`` says why.
    """

    def __init__(self, source: str, url: str, field: str, problem: str) -> None:
        from rates.redaction import redact

        self.field = field
        self.problem = redact(problem)
        super().__init__(source, url, f"bad payload at {field}: {self.problem}")


class PayloadTooLarge(BadPayload):
    """A body larger than ``limit`` bytes once decompressed: reading stopped after
    ``read`` bytes (at most the limit and one chunk), and nothing was cached."""

    def __init__(self, source: str, url: str, limit: int, read: int) -> None:
        self.limit = limit
        self.read = read
        super().__init__(
            source, url, "body", f"larger than the limit of {limit:,} bytes once decompressed "
            f"(reading stopped after {read:,} bytes"
            + ("" if source == REFRESH else "; allowed: max_bytes= of the source") + ")"
        )


class PayloadTooDeep(BadPayload):
    """A JSON body nested deeper than ``limit`` levels: refused before it is parsed."""

    def __init__(self, source: str, url: str, limit: int) -> None:
        self.limit = limit
        super().__init__(
            source, url, "body", f"JSON nested more than {limit} levels deep (the limit)"
        )


class CacheWarning(UserWarning):
    """The HTTP cache of the online sources had a problem that was worked around.

    A corrupt cache file was moved aside and rebuilt empty, or the cache cannot be written
    (a read-only directory, a full disk) and the session works without one, in memory.
    Rates stay right either way; only what was cached is lost.
    """


class SnapshotWarning(UserWarning):
    """The user snapshot (``penalties rates refresh``) is invalid or cannot be read: it is
    ignored and the embedded snapshot answers instead. Run ``penalties rates refresh`` again
    to rebuild it."""
