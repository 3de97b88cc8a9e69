"""The HTTP API and the web page of :mod:`penalties` (the optional extra ``web``:
``pip install 'penalties[web]'``).

:func:`create_app` builds the ASGI application (FastAPI); :func:`serve` runs it with
uvicorn, on 127.0.0.1 by default. Nothing here is imported by ``import penalties``, and
this package imports FastAPI only when an application is made, so that the library works
without the extra.

Every endpoint makes one library call and answers with the library's own JSON document
(``POST /assess`` with the case's margins, as ``penalties assess --json``); ``/docs`` is
Swagger UI from files this server serves itself (it works offline);
errors are ``{"error": {"type", "field", "message"}}`` with the library's message
(:mod:`penalties.web._errors` says which status each gets); requests are bounded
(:mod:`penalties.web._limits`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from penalties.web._limits import LIMITS

if TYPE_CHECKING:
    from collections.abc import Collection

    from fastapi import FastAPI

    from penalties.statutes._catalog import Catalog

__all__ = ["LIMITS", "create_app", "serve"]

#: What to install when the extra is missing.
INSTALL = "the web API needs the optional extra 'web': pip install 'penalties[web]'"


def _require() -> None:
    import importlib.util

    missing = [name for name in ("fastapi", "fastapi_offline", "uvicorn")
               if importlib.util.find_spec(name) is None]
    if missing:
        raise ModuleNotFoundError(f"{INSTALL} ({', '.join(missing)} not installed)",
                                  name=missing[0])


def create_app(*, catalog: Catalog | None = None,
               allowed_hosts: Collection[str] | None = None) -> FastAPI:
    """The ASGI application: the API and the page over ``catalog`` (default: the built-in
    provisions and ``PENALTIES_STATUTES``); ``allowed_hosts``, the names a request's
    ``Host`` may give (``None``: any)."""
    _require()
    from penalties.web._app import create_app as make

    return make(catalog=catalog, allowed_hosts=allowed_hosts)


def serve(host: str = "127.0.0.1", port: int = 8000, *, catalog: Catalog | None = None,
          log_level: str = "info", **options: Any) -> None:  # noqa: ANN401
    """Serve the API and the page on ``host``:``port`` until interrupted (see
    :func:`penalties.web._serve.serve`)."""
    _require()
    from penalties.web._serve import serve as run

    run(host, port, catalog=catalog, log_level=log_level, **options)
