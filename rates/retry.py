"""The retry policy of the HTTP session: which failed GETs are tried again, how often, how long.

:func:`rates.session.build_session` mounts a policy on every session it builds, so that a
source that keeps failing gives up within a bounded time instead of hanging or hammering
the server. It lives apart from the session because it is a value in its own right (a
source, a test or a benchmark picks one) with its own arithmetic (:attr:`longest_wait`).

* Retries: connection errors, read errors and HTTP 429/500/502/503/504 on GET are tried
  again a few times (:data:`RETRY`, a :class:`RetryPolicy`), with a short exponential
  backoff or the server's ``Retry-After``, each wait capped, so a failing source gives up
  within a bounded time.

* Deadline: one lookup of a source has one :class:`Deadline` (:func:`deadline`), its total
  time: every connection, request, retry and wait of the lookup counted. A retry whose
  wait would end after the deadline is not made; :mod:`rates.online._limits` shuts down a
  connection still open at the deadline, however slowly its server sends.

Nothing here imports ``urllib3`` until a policy is first turned into a urllib3 ``Retry``.

>>> RetryPolicy(retries=2, max_wait=3.0).longest_wait
6.0
>>> with deadline(10.0) as outer, deadline(60.0) as inner:
...     inner.end == outer.end  # a nested deadline never ends after its parent
True
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    import socket

    from urllib3.util.retry import Retry

__all__ = ["RETRY", "Deadline", "RetryPolicy", "current_deadline", "deadline"]


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


class Watched(Protocol):
    """A connection a :class:`Deadline` may shut down: its socket (``None`` when closed) and
    the deadline it currently works for."""

    sock: socket.socket | None
    deadline: Deadline | None


class Deadline:
    """The total time of one lookup, from now: ``seconds``, never past a ``parent``'s end.

    Connections working for it (:meth:`watch`) are shut down when it is reached (a timer
    thread, started with the first connection), so a read blocked on a server that sends
    one byte at a time ends there. ``attempts`` counts the requests made (its parents count
    them too); ``cut`` is true when a retry was not made for lack of time.
    """

    def __init__(self, seconds: float, parent: Deadline | None = None) -> None:
        self.seconds = seconds
        self.parent = parent
        self.end = time.monotonic() + seconds
        if parent is not None:
            self.end = min(self.end, parent.end)
        self.attempts = 0
        self.cut = False
        self._reached = False
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._watched: list[tuple[Watched, socket.socket]] = []

    def remaining(self) -> float:
        """Seconds left (0 once the deadline is reached)."""
        return max(0.0, self.end - time.monotonic())

    @property
    def reached(self) -> bool:
        """True once the deadline has passed."""
        return self._reached or time.monotonic() >= self.end

    def attempt(self) -> None:
        """Count one request (here and in every parent)."""
        budget: Deadline | None = self
        while budget is not None:
            budget.attempts += 1
            budget = budget.parent

    def watch(self, connection: Watched) -> None:
        """``connection`` works for this deadline now: shut its socket down when the
        deadline is reached (the socket is kept: a response may read from it after the
        connection let go of it, as http.client does for ``Connection: close``)."""
        with self._lock:
            connection.deadline = self
            sock = connection.sock
            if sock is not None and not any(sock is seen for _, seen in self._watched):
                self._watched.append((connection, sock))
            if self._timer is None and not self._reached:
                self._timer = threading.Timer(self.remaining(), self._reach)
                self._timer.daemon = True
                self._timer.start()
            late = self.reached
        if late:
            self._reach()

    def _reach(self) -> None:
        """The deadline is reached: shut down the sockets of the connections still
        working for it (a blocked read then ends at once)."""
        import socket

        with self._lock:
            self._reached = True
            for connection, sock in self._watched:
                if connection.deadline is self:
                    # The socket's own shutdown, also under TLS (a closed one: nothing).
                    with suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def close(self) -> None:
        """The lookup is over: stop the timer and release the connections."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            for connection, _ in self._watched:
                if connection.deadline is self:
                    connection.deadline = None
            self._watched.clear()


_current: ContextVar[Deadline | None] = ContextVar("rates_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the lookup running in this thread (or context), if any."""
    return _current.get()


@contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Run a lookup (or a part of one) within ``seconds``: a :class:`Deadline`, nested in
    the current one if there is one (so it never ends after it)."""
    budget = Deadline(seconds, _current.get())
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)
        budget.close()


#: The retry policy of sessions built without one. :mod:`rates.session` re-exports it and
#: reads it there, as ``rates.session.RETRY``: that is the name to replace (tests do, to
#: stay fast); replacing this one changes nothing.
RETRY = RetryPolicy()


@cache
def _capped_retry_class() -> Callable[..., Retry]:
    """urllib3's ``Retry`` with every ``Retry-After`` capped (defined on first use, so
    importing this module does not import urllib3)."""
    from urllib3.exceptions import InvalidHeader, MaxRetryError, ResponseError
    from urllib3.util.retry import Retry

    class CappedRetry(Retry):
        """A ``Retry`` whose ``Retry-After`` waits are at most ``max_wait`` seconds (an
        unreadable ``Retry-After`` falls back to the backoff), that makes no retry whose
        wait would end after the current :class:`Deadline`, and that closes a response it
        retries instead of reading its body (which may be huge, or trickle)."""

        def __init__(self, *args: Any, max_wait: float = 3.0, **kwargs: Any) -> None:  # noqa: ANN401
            super().__init__(*args, **kwargs)
            self.max_wait = max_wait

        def new(self, **kw: Any) -> Self:  # noqa: ANN401
            fresh = super().new(**kw)
            fresh.max_wait = self.max_wait
            return fresh

        def increment(
            self,
            method: str | None = None,
            url: str | None = None,
            response: Any = None,  # noqa: ANN401 - a urllib3 BaseHTTPResponse
            error: Exception | None = None,
            _pool: Any = None,  # noqa: ANN401 - a urllib3 ConnectionPool
            _stacktrace: Any = None,  # noqa: ANN401 - a traceback
        ) -> Self:
            if response is not None:
                response.close()  # urllib3 would read (drain) the whole body first
            fresh = super().increment(method, url, response, error, _pool, _stacktrace)
            budget = current_deadline()
            if budget is not None:
                after = fresh.get_retry_after(response) if response is not None else None
                wait = after or fresh.get_backoff_time()
                if budget.remaining() <= wait:
                    budget.cut = True
                    late = f"no time left to retry within {budget.seconds:g} s"
                    raise MaxRetryError(_pool, url, error or ResponseError(late))
            return fresh

        def parse_retry_after(self, retry_after: str) -> float:
            try:
                seconds = super().parse_retry_after(retry_after)
            except InvalidHeader:
                return 0.0
            return min(seconds, self.max_wait)

    return CappedRetry
