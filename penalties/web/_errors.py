"""Errors as JSON: one document, ``{"error": {"type", "field", "message"}}``, with the
library's own message, and one status for each kind of error.

==============================================  ======  =================================
error                                           status  why
==============================================  ======  =================================
a body that is not JSON, or none, or one not    400     nothing could be read
  sent as ``application/json``
a request outside the models or the limits      422     ``InvalidRequest``, with the field
``InvalidInput``, ``InvalidFacts``...           422     the request is read, a value is not
  (every ``ValueError`` of the library)
``UnknownProvision``                            404     no such provision
``NoVersionInForce``                            422     the provision exists; the facts'
                                                        date is outside its versions
``RateNotFound``, ``UnknownSource``             422     no rate as asked: ask for another
                                                        date, currency or source
``SourceUnavailable`` (an online source down)   503     may work later
too many requests in progress (``Busy``)        503     ``Retry-After: 1``
a body larger than the limit                    413
no plotting library for ``POST /chart``         501     the extra is not installed
an unknown path, a wrong method                 404/405
``StatuteFileError`` (the server's data)        500     the library's message
anything else                                   500     no detail; the server's log has it
==============================================  ======  =================================
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from penalties._errors import (
    GoldenCaseFailure,
    InvalidInput,
    NoVersionInForce,
    PenaltyError,
    StatuteFileError,
    UnknownProvision,
)
from rates.errors import InvalidOption, RateError, SourceUnavailable, UnknownSource

__all__ = ["INTERNAL", "Located", "document", "located", "status_of", "validation_document"]

#: The message of an unexpected error (its traceback goes to the server's log only).
INTERNAL = "unexpected error (this is a bug; the server's log has the details)"


class Located(Exception):
    """A library error about one request field (``to``, ``amount``...) that the error
    itself does not name: the error, and the field."""

    def __init__(self, field: str, error: PenaltyError | RateError) -> None:
        self.field = field
        self.error = error
        super().__init__(str(error))


@contextmanager
def located(field: str) -> Iterator[None]:
    """Library errors raised inside are about request field ``field``."""
    try:
        yield
    except (PenaltyError, RateError) as exc:
        raise Located(field, exc) from exc


def status_of(error: BaseException) -> int:
    """The HTTP status of a library error (see the table above)."""
    if isinstance(error, Located):
        return status_of(error.error)
    if isinstance(error, UnknownProvision):
        return 404
    if isinstance(error, SourceUnavailable):
        return 503
    if isinstance(error, ImportError):  # the plotting library of a chart
        return 501
    if isinstance(error, StatuteFileError | GoldenCaseFailure):
        return 500
    if isinstance(error, PenaltyError | RateError):
        return 422
    return 500


def _field(error: BaseException, get: bool, path: str) -> str | None:
    if isinstance(error, Located):
        return error.field
    if isinstance(error, UnknownProvision):
        return "provision"
    if isinstance(error, NoVersionInForce):
        return "on" if path.startswith("/thresholds") else "offence_date"
    if isinstance(error, UnknownSource):
        return "source" if get else "rate_source"
    if isinstance(error, InvalidOption):
        return error.option
    if isinstance(error, InvalidInput):
        return error.field
    found = getattr(error, "field", None)
    return found if isinstance(found, str) else None


def document(error: BaseException, *, get: bool = False, path: str = "") -> dict[str, Any]:
    """The error document of ``error`` for a request (``get``: a GET with query parameters,
    ``path``: the request's path, which tells the field of a date out of range)."""
    if status_of(error) == 500 and not isinstance(error, StatuteFileError | GoldenCaseFailure):
        return {"error": {"type": "InternalError", "field": None, "message": INTERNAL}}
    shown = error.error if isinstance(error, Located) else error
    return {"error": {"type": type(shown).__name__, "field": _field(error, get, path),
                      "message": str(shown)}}


def validation_document(errors: list[dict[str, Any]], fields: Sequence[str] = ()
                        ) -> tuple[int, dict[str, Any]]:
    """The status and document of a request FastAPI's models refused (the first problem;
    400 for a body that is not JSON); ``fields``: those of the body, named when a key is not
    one of them."""
    first = errors[0] if errors else {"loc": (), "msg": "invalid request", "type": ""}
    where = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    if first.get("type") == "json_invalid":
        context = first.get("ctx")
        reason = str(context.get("error", "")) if isinstance(context, dict) else ""
        place = [p for p in first.get("loc", ()) if isinstance(p, int)]  # (character offset)
        where_in = f" at character {place[0] + 1}" if place else ""  # ("...character at": cut)
        reason = (reason.removesuffix(" at") + where_in) if reason else ""
        return 400, {"error": {"type": "InvalidJSON", "field": None,
                               "message": f"the body is not JSON: {reason}".rstrip(": ")}}
    if not where and tuple(first.get("loc", ())) == ("body",):  # the body as a whole
        if first.get("type") == "missing" or isinstance(first.get("input"), bytes):
            return 400, {"error": {"type": "InvalidJSON", "field": None, "message": (
                "the request has no body" if first.get("type") == "missing" else
                "the body is not sent as JSON") + ": send a JSON object with Content-Type: "
                "application/json"}}
        return 422, {"error": {"type": "InvalidRequest", "field": None,
                               "message": "the body is JSON but not an object (allowed: a "
                               "JSON object of the request's fields)"}}
    message = str(first.get("msg", "invalid request"))
    if first.get("type") == "extra_forbidden" and len(where) == 1 and fields:
        message = f"is not a field of this request (allowed: {', '.join(fields)})"
    if where:
        message = f"{'.'.join(where)}: {message}"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more problem{'s' * (len(errors) > 2)})"
    return 422, {"error": {"type": "InvalidRequest", "field": ".".join(where) or None,
                           "message": message}}
