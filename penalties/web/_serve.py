"""Running the application with uvicorn, bounded: on 127.0.0.1 unless told otherwise, a
``Host`` check on a loopback address, a cap on the requests in progress and short
keep-alive and header limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from penalties.web._guard import loopback_hosts

if TYPE_CHECKING:
    from penalties.statutes._catalog import Catalog

__all__ = ["MAX_CONCURRENT", "MAX_CONNECTIONS", "serve"]

#: Requests in progress at once; one more is answered 503 at once, with the error document
#: (:class:`~penalties.web._guard.RequestLimit`).
MAX_CONCURRENT = 32
#: Connections at once, idle keep-alive ones too; more are answered 503 by uvicorn itself.
MAX_CONNECTIONS = 4 * MAX_CONCURRENT
#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE_SECONDS = 5
#: Largest request line and headers, in bytes.
MAX_HEADER_BYTES = 16 * 1024


def serve(host: str = "127.0.0.1", port: int = 8000, *, catalog: Catalog | None = None,
          log_level: str = "info", **options: Any) -> None:  # noqa: ANN401
    """Serve :func:`~penalties.web.create_app` on ``host``:``port`` with uvicorn until
    interrupted. On a loopback address the server answers only requests that name it
    (``127.0.0.1``, ``localhost``, ``[::1]``), and at most :data:`MAX_CONCURRENT` requests
    at once; ``options`` go to ``uvicorn.run`` (e.g. ``limit_concurrency``, its limit of
    connections)."""
    import uvicorn

    from penalties.web._app import create_app

    app = create_app(catalog=catalog, allowed_hosts=loopback_hosts(host),
                     max_concurrent=MAX_CONCURRENT)
    settings: dict[str, Any] = {"limit_concurrency": MAX_CONNECTIONS,
                                "timeout_keep_alive": KEEP_ALIVE_SECONDS,
                                "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
                                "server_header": False, **options}
    uvicorn.run(app, host=host, port=port, log_level=log_level, **settings)
