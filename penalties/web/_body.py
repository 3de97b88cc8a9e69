"""The JSON body of a request, read as a batch reads a JSON line
(:func:`penalties.batch._jsonlines.document_of`): numbers exact (``1234.56`` a ``Decimal``,
never a float: a count of ``1.9999999999999999`` is that, not 2.0), ``NaN`` and
``Infinity`` refused, no key twice in one object. A number is read the same over HTTP and
in a batch's JSON Lines (empty text is not: a request refuses it, :mod:`penalties.web._models`,
where a batch row reads it as a fact not given), and the body is parsed once.

FastAPI reads a JSON body with ``Request.json``; :class:`ExactRoute` hands its endpoints a
request whose ``json`` is that reader. A refusal reaches the error handlers as a
:class:`BodyRefused` (FastAPI lets an ``HTTPException`` through as it is), which carries the
library's error.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

from penalties._errors import InvalidInput
from penalties.batch._jsonlines import document_of

__all__ = ["BodyRefused", "ExactRequest", "ExactRoute"]


class BodyRefused(HTTPException):
    """A body refused as it was read: the library's error (a key given twice...)."""

    def __init__(self, error: InvalidInput) -> None:
        super().__init__(422, str(error))
        self.error = error


class ExactRequest(Request):
    """A request whose JSON body is read exactly (see the module's text)."""

    async def json(self) -> Any:  # noqa: ANN401 - any JSON value
        if not hasattr(self, "_json"):
            try:
                self._json = document_of(await self.body())
            except InvalidInput as exc:
                raise BodyRefused(exc) from None
        return self._json


class ExactRoute(APIRoute):
    """A route whose endpoint reads the body with :class:`ExactRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact(request: Request) -> Response:
            return await handler(ExactRequest(request.scope, request.receive))

        return exact
