"""The deadline of a lookup, enforced on the connections of the session.

:func:`rates.retry.deadline` gives a lookup its total time; this module makes the HTTP
stack keep to it. :func:`bound` mounts on a session adapters whose connections are
*watched*: each connect (TLS handshake included: Python bounds a whole handshake by the
socket's timeout) waits at most what is left of the lookup, each request counts one
attempt, and a connection still working for a lookup when its deadline is reached has its
socket shut down, so a server that trickles (a byte every few seconds, in the headers or in
the body) cannot keep a lookup alive past it. Retries and their waits are bounded by
:mod:`rates.retry` itself. DNS resolution uses the system resolver's own timeouts.

Nothing here imports ``requests`` or ``urllib3`` until a session is first bounded.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from rates._fixed import through_fixed
from rates.dates import parse_date
from rates.errors import RateError
from rates.money import check_currency
from rates.online._limits import PAYLOAD_ERRORS, unreadable
from rates.retry import current_deadline, deadline

if TYPE_CHECKING:
    from datetime import date

    from requests_cache import CachedSession

    from rates.model import Rate

__all__ = ["bound", "bounded_adapter", "one_lookup"]

_lock = threading.Lock()


def one_lookup(method: Callable[..., Rate]) -> Callable[..., Rate]:
    """A source's ``rate()`` run as one lookup: a currency the euro replaced at its fixed
    rate (rule 0 of :mod:`rates.lookback`, :func:`rates._fixed.through_fixed`: the source
    is asked only for the euro's rates), within one deadline (``self.timeout``, nested in
    an enclosing lookup's), with an untyped failure of the parsing code (a payload it did
    not foresee) turned into a :class:`~rates.errors.BadPayload` (``self.bad``).
    :class:`rates.online.http.HttpSource` wraps its subclasses' ones."""

    @functools.wraps(method)
    def rate(self: Any, base: str, quote: str, on: date) -> Rate:  # noqa: ANN401 - a source
        with deadline(self.timeout):
            try:
                day = parse_date(on, "on")
                fixed = through_fixed(check_currency(base), check_currency(quote), day,
                                      self.name, lambda b, q: method(self, b, q, day))
                return fixed if fixed is not None else method(self, base, quote, on)
            except RateError:
                raise
            except PAYLOAD_ERRORS as error:
                raise self.bad(self.base_url, "body", unreadable(error)) from error

    rate._one_lookup = True  # type: ignore[attr-defined]
    return rate


def _connect_within(connection: Any) -> None:  # noqa: ANN401 - a urllib3 HTTPConnection
    """Before connecting: wait at most what is left of the lookup (a TLS handshake
    included: Python bounds the whole handshake by the socket's timeout)."""
    budget = current_deadline()
    if budget is not None:
        left = max(budget.remaining(), 0.001)
        timeout = connection.timeout
        connection.timeout = left if not isinstance(timeout, int | float) else min(timeout, left)


@cache
def _pool_classes() -> dict[str, Any]:
    """urllib3's connection pools, with connections that work for the current deadline
    (defined on first use, so importing this module does not import urllib3)."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def watched(base: type[Any]) -> type[Any]:
        class Watched(base):  # type: ignore[misc]
            """A connection shut down when the lookup it works for reaches its deadline."""

            deadline: Any = None
            counted: bool = False

            def connect(self) -> None:
                _before(self, connecting=True)
                super().connect()
                _after_connect(self)

            def request(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
                _before(self, connecting=False)
                try:
                    super().request(*args, **kwargs)
                finally:
                    self.counted = False

        Watched.__name__ = Watched.__qualname__ = f"Watched{base.__name__}"
        return Watched

    class WatchedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = watched(HTTPConnection)

    class WatchedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = watched(HTTPSConnection)

    return {"http": WatchedHTTPConnectionPool, "https": WatchedHTTPSConnectionPool}


def _before(connection: Any, *, connecting: bool) -> None:  # noqa: ANN401
    """Count one attempt (once per request, the connect of a new connection included) and
    cap the connect wait at what is left of the lookup."""
    budget = current_deadline()
    if budget is None:
        return
    if not connection.counted:
        budget.attempt()
        connection.counted = True
    if connecting:
        _connect_within(connection)
    elif connection.sock is not None:
        budget.watch(connection)


def _after_connect(connection: Any) -> None:  # noqa: ANN401
    budget = current_deadline()
    if budget is not None:
        budget.watch(connection)


@cache
def _adapter_class() -> type[Any]:
    """requests' ``HTTPAdapter`` whose pools use watched connections."""
    from requests.adapters import HTTPAdapter

    class BoundedAdapter(HTTPAdapter):
        """An adapter whose connections end at the current lookup's deadline."""

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = _pool_classes()

        def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:  # noqa: ANN401
            manager = super().proxy_manager_for(proxy, **kwargs)
            if not proxy.lower().startswith("socks"):
                manager.pool_classes_by_scheme = _pool_classes()
            return manager

    return BoundedAdapter


def bounded_adapter(max_retries: Any = 0) -> Any:  # noqa: ANN401 - a urllib3 Retry
    """A requests ``HTTPAdapter`` with ``max_retries`` whose connections are watched (what
    :func:`bound` mounts; :func:`rates.session.build_session` may mount it directly)."""
    return _adapter_class()(max_retries=max_retries)


def bound(session: CachedSession) -> None:
    """Mount watched adapters on ``session`` (once; its retry policy is kept)."""
    adapters = session.adapters
    cls = _adapter_class()
    if all(isinstance(adapters.get(prefix), cls) for prefix in ("https://", "http://")):
        return
    with _lock:
        for prefix in ("https://", "http://"):
            old = adapters.get(prefix)
            if isinstance(old, cls):
                continue
            retries = getattr(old, "max_retries", 0)
            if old is not None:  # replace in place: no reordering under a reading thread
                adapters[prefix] = cls(max_retries=retries)
                old.close()
            else:
                session.mount(prefix, cls(max_retries=retries))
