"""The retry policy of the HTTP session: which failed GETs are tried again, how often, how long.

:func:`rates.session.build_session` mounts a policy on every session it builds, so that a
source that keeps failing gives up within a bounded time instead of hanging or hammering
the server. It lives apart from the session because it is a value in its own right (a
source, a test or a benchmark picks one) with its own arithmetic (:attr:`longest_wait`).

* Retries: connection errors, read errors and HTTP 429/500/502/503/504 on GET are tried
  again a few times (:data:`RETRY`, a :class:`RetryPolicy`), with a short exponential
  backoff or the server's ``Retry-After``, each wait capped, so a failing source gives up
  within a bounded time.

Nothing here imports ``urllib3`` until a policy is first turned into a urllib3 ``Retry``.

>>> RetryPolicy(retries=2, max_wait=3.0).longest_wait
6.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from urllib3.util.retry import Retry

__all__ = ["RETRY", "RetryPolicy"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a failed GET is tried again: a bounded number of times, with short waits.

    ``retries`` more attempts after the first, on connection errors, read errors (a
    timeout or a connection dropped mid-answer) and the HTTP ``statuses``. The wait before
    the n-th retry is the server's ``Retry-After`` if it sends one, else
    ``backoff_factor * 2 ** (n - 1)`` seconds (the first retry is immediate); either way
    at most ``max_wait`` seconds. So a request that keeps failing gives up after at most
    ``retries + 1`` attempts of the source's ``timeout`` each plus :attr:`longest_wait`.
    ``RetryPolicy(retries=0)`` turns retries off.
    """

    retries: int = 2
    backoff_factor: float = 0.25
    max_wait: float = 3.0
    statuses: tuple[int, ...] = (429, 500, 502, 503, 504)

    def __post_init__(self) -> None:
        if self.retries < 0 or self.backoff_factor < 0 or self.max_wait < 0:
            raise ValueError(f"a retry policy needs non-negative numbers, not {self!r}")

    @property
    def longest_wait(self) -> float:
        """The most time spent waiting between the attempts of one request, in seconds."""
        return self.retries * self.max_wait

    def urllib3_retry(self) -> Retry:
        """This policy as a urllib3 ``Retry`` (GET and HEAD only; the last response of a
        status that kept failing is returned, not raised)."""
        return _capped_retry_class()(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=0,
            allowed_methods=frozenset({"GET", "HEAD"}),
            status_forcelist=frozenset(self.statuses),
            backoff_factor=self.backoff_factor,
            backoff_max=self.max_wait,
            respect_retry_after_header=True,
            raise_on_status=False,
            max_wait=self.max_wait,
        )


#: The retry policy of sessions built without one. :mod:`rates.session` re-exports it and
#: reads it there, as ``rates.session.RETRY``: that is the name to replace (tests do, to
#: stay fast); replacing this one changes nothing.
RETRY = RetryPolicy()


@cache
def _capped_retry_class() -> Callable[..., Retry]:
    """urllib3's ``Retry`` with every ``Retry-After`` capped (defined on first use, so
    importing this module does not import urllib3)."""
    from urllib3.exceptions import InvalidHeader
    from urllib3.util.retry import Retry

    class CappedRetry(Retry):
        """A ``Retry`` whose ``Retry-After`` waits are at most ``max_wait`` seconds; an
        unreadable ``Retry-After`` falls back to the backoff."""

        def __init__(self, *args: Any, max_wait: float = 3.0, **kwargs: Any) -> None:  # noqa: ANN401
            super().__init__(*args, **kwargs)
            self.max_wait = max_wait

        def new(self, **kw: Any) -> Self:  # noqa: ANN401
            fresh = super().new(**kw)
            fresh.max_wait = self.max_wait
            return fresh

        def parse_retry_after(self, retry_after: str) -> float:
            try:
                seconds = super().parse_retry_after(retry_after)
            except InvalidHeader:
                return 0.0
            return min(seconds, self.max_wait)

    return CappedRetry
