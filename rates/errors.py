"""The exception tree of the money side.

::

    RateError
    ├── UnknownCurrency (ValueError)     not an ISO 4217 code known to py-moneyed
    ├── InvalidAmount (ValueError)       an amount that cannot be read exactly
    └── RateNotFound (LookupError)       no rate for that pair and date

Each error also inherits the closest builtin, so ``except ValueError`` works as expected.
"""

from __future__ import annotations

__all__ = ["InvalidAmount", "RateError", "RateNotFound", "UnknownCurrency"]


class RateError(Exception):
    """Base class of every error raised on purpose by :mod:`rates`."""


class UnknownCurrency(RateError, ValueError):
    """A currency code that is not a known ISO 4217 code."""

    def __init__(self, code: object) -> None:
        self.code = code
        super().__init__(
            f"unknown currency code {code!r} (allowed: a three-letter ISO 4217 code such as "
            "VND, USD or EUR)"
        )


class InvalidAmount(RateError, ValueError):
    """An amount that cannot be read as an exact, non-negative decimal."""

    def __init__(self, value: object, problem: str) -> None:
        self.value = value
        self.problem = problem
        super().__init__(
            f"{problem}: {value!r} (accepted forms: 250000000, 250,000,000, 250_000_000, "
            "'250000000 VND', 'VND 250000000', 1234.56)"
        )


class RateNotFound(RateError, LookupError):
    """No rate is available for the currency pair on the date asked for."""
