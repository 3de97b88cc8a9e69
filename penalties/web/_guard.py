"""Three checks before anything else runs, each refusing with the one error document.

:class:`RequestLimit`: at most so many requests in progress at once; one more is answered
503 at once, with ``Retry-After`` (the server's own limit would answer it in plain text).

:class:`BodyLimit`: a request body is read whole, up to a limit, before the application
sees it; a larger one (declared or sent) is refused with 413 at once.

:class:`HostGuard`: a request's ``Host`` must be one the server answers to. A server on
127.0.0.1 can be reached by a page of another site through a name of theirs that resolves
to 127.0.0.1 (DNS rebinding); its requests then carry that name in ``Host``.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimit", "HostGuard", "RequestLimit", "host_name", "loopback_hosts",
           "refuse"]


async def refuse(send: Send, status: int, kind: str, field: str | None, message: str,
                 *extra: tuple[bytes, bytes]) -> None:
    """Answer with the error document (and the ``extra`` headers), and close the
    connection."""
    body = json.dumps({"error": {"type": kind, "field": field, "message": message}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *extra]})
    await send({"type": "http.response.body", "body": body})


def host_name(header: str) -> str:
    """The name of a ``Host`` header, without its port (``[::1]:8000``: ``[::1]``).

    >>> host_name("127.0.0.1:8000"), host_name("[::1]:80"), host_name("Localhost")
    ('127.0.0.1', '[::1]', 'localhost')
    """
    text = header.strip().lower()
    if text.startswith("["):
        return text.partition("]")[0] + "]"
    return text.partition(":")[0]


def loopback_hosts(host: str) -> frozenset[str] | None:
    """The names a server bound to ``host`` answers to: this machine's own names for a
    loopback address; ``None`` (any) for another, whose names only its operator knows."""
    import ipaddress

    bare = host.strip("[]")
    try:
        loopback = bare == "localhost" or ipaddress.ip_address(bare).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        return None
    named = f"[{bare}]" if ":" in bare else bare
    return frozenset({"localhost", "127.0.0.1", "[::1]", named.lower()})


class HostGuard:
    """Pure ASGI middleware: a request whose ``Host`` is not in ``hosts`` gets a 400."""

    def __init__(self, app: ASGIApp, hosts: Collection[str]) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or host_name(
                Headers(scope=scope).get("host", "")) in self.hosts:
            await self.app(scope, receive, send)
            return
        await refuse(send, 400, "InvalidHost", "Host",
                     "this server answers to " + ", ".join(sorted(self.hosts)) + " only")


class BodyLimit:
    """Pure ASGI middleware: the body is read whole (at most ``limit`` bytes) and handed to
    the application in one piece; a larger one is a 413, whatever its ``Content-Length``
    says."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = f"the body is larger than {self.limit:,} bytes (the limit)"
        declared = Headers(scope=scope).get("content-length", "").strip()
        if declared.isascii() and declared.isdigit() and int(declared) > self.limit:
            await refuse(send, 413, "RequestTooLarge", None, too_large)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await refuse(send, 413, "RequestTooLarge", None, too_large)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        whole: Message | None = {"type": "http.request", "body": b"".join(chunks),
                                 "more_body": False}

        async def replay() -> Message:
            nonlocal whole
            if whole is not None:
                message, whole = whole, None
                return message
            return await receive()  # after the body: the disconnection, when it comes

        await self.app(scope, replay, send)


class RequestLimit:
    """Pure ASGI middleware: at most ``limit`` requests in progress; one more is a 503
    (``Busy``, ``Retry-After: 1``) at once. The count is kept on the event loop, which
    runs every call of this middleware: no lock is needed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.active = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit:
            many = f"{self.limit} request{'s' if self.limit != 1 else ''}"
            await refuse(send, 503, "Busy", None, f"the server is busy: {many} in progress "
                         "(its limit); try again in a moment", (b"retry-after", b"1"))
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
