"""The web page for people, at ``/``: a static HTML shell, a small script and a style sheet
(``penalties/web/static/``), served by the same app as the API.

The page asks the API what anyone else would (``GET /provisions``, ``GET /facts``,
``POST /assess``, ``GET /thresholds``, ``POST /map``) and shows the library's documents;
its script puts every text of them into the page as text (``textContent``), never as
markup, so statute text stays data. The page carries a Content Security Policy that allows
only its own script and style and requests to its own server.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import Response

__all__ = ["ASSETS", "HEADERS", "add_page", "asset"]

#: The files of the page, by the name they are served under, with their media type.
ASSETS = {"index.html": "text/html; charset=utf-8",
          "page.js": "text/javascript; charset=utf-8",
          "page.css": "text/css; charset=utf-8"}
#: What the page may load and do: its own script, style and API, nothing else.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data: blob:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@cache
def asset(name: str) -> bytes:
    """The bytes of one file of the page (read once)."""
    return (files("penalties.web") / "static" / name).read_bytes()


def _response(name: str) -> Response:
    return Response(asset(name), media_type=ASSETS[name], headers=HEADERS)


def add_page(app: FastAPI) -> None:
    """Serve the page at ``/`` and its script and style under ``/static/``."""

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        return _response("index.html")

    @app.get("/static/page.js", include_in_schema=False)
    def script() -> Response:
        return _response("page.js")

    @app.get("/static/page.css", include_in_schema=False)
    def style() -> Response:
        return _response("page.css")
