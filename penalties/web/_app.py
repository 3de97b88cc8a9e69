"""The ASGI application: each endpoint is one library call, and its answer is the library's
own JSON document (the ``to_dict()`` of the result, as ``--json`` prints it), never
re-shaped here; ``POST /assess`` adds the case's margins, as ``penalties assess --json``
does.

==========================  =============================================================
``GET /provisions``         every provision, as ``penalties list --json``
``GET /provisions/{id}``    one provision, as ``penalties show --json`` (ids have slashes)
``GET /facts``              the facts vocabulary (``?provision=ID``: that provision's)
``POST /assess``            :func:`penalties.assess`, with :func:`penalties.margins`
                            (as ``penalties assess --json``)
``POST /compare``           :func:`penalties.compare_all`
``POST /map``               :func:`penalties.tier_map`
``POST /chart``             that map drawn (SVG) by :func:`penalties._chart.chart_svg`
``GET /thresholds/{id}``    :func:`penalties.thresholds` (``?on=&in=&source=``)
``GET /convert``            :func:`rates.convert` (``?amount=&to=&on=&source=``)
``GET /schema``             :func:`penalties.statute_schema`
``GET /``                   the web page (:mod:`penalties.web._page`)
``GET /docs``               the OpenAPI documentation (``/openapi.json``) in Swagger UI,
                            whose files this server serves itself (:data:`DOCS_ASSETS`)
==========================  =============================================================

The documentation works offline: its script and style are the Swagger UI files that the
package ``fastapi-offline`` ships (the ``web`` extra), served under :data:`DOCS_ASSETS`,
never fetched from a CDN.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import date
from typing import Annotated, Any, cast

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException

from penalties import __version__
from penalties._errors import InvalidInput, PenaltyError
from penalties.statutes._catalog import Catalog
from penalties.web._body import BodyRefused, ExactRoute
from penalties.web._errors import Located, document, located, validation_document
from penalties.web._facts import facts_document
from penalties.web._guard import BodyLimit, HostGuard, RequestLimit
from penalties.web._limits import LIMITS, MAX_BODY_BYTES, MAX_CODE, MAX_ID, MAX_TEXT
from penalties.web._models import AssessRequest, CompareRequest, ErrorDocument, MapRequest
from penalties.web._page import add_page
from rates.errors import RateError

__all__ = ["DOCS_ASSETS", "create_app"]

log = logging.getLogger("penalties.web")

#: Where the files of the documentation page (Swagger UI's script and style) are served.
DOCS_ASSETS = "/static/docs"

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorDocument, "description": what} for status, what in (
        (404, "No provision with that id or alias"),
        (422, "A value the library cannot use (the field and the library's message)"),
        (503, "An online rate source is unavailable, or the server is busy (Retry-After)"))}
_DESCRIPTION = (
    "What a statute puts at stake for the facts of a case, with its sources. Every answer "
    "is the library's own JSON document; every error is `{\"error\": {\"type\", \"field\", "
    "\"message\"}}`. Limits: " + ", ".join(f"{k} {v}" for k, v in LIMITS.items()) + ".")
#: An image runs nothing, even opened on its own.
_IMAGE = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
          "X-Content-Type-Options": "nosniff"}
Day = Annotated[str | None, Query(max_length=MAX_CODE, description="YYYY-MM-DD")]
Code = Annotated[str | None, Query(max_length=MAX_CODE)]


def _declared_query(request: Request) -> None:
    """Refuse a query parameter the endpoint does not declare (``?offence_date=`` where it
    takes ``?on=``): ignored, it would answer another question than the one asked; and one
    given twice (``?to=USD&to=EUR``), of which the last would answer silently."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    known = sorted({p.alias for p in getattr(dependant, "query_params", ())})
    for name in request.query_params:
        if name not in known:
            raise InvalidInput(name, "is not a query parameter of this endpoint",
                               ", ".join(known) or "none")
        if (times := len(request.query_params.getlist(name))) > 1:  # which one? never guess
            raise InvalidInput(name, f"is given {times} times", "one value")


#: The check of :func:`_declared_query`, for every GET endpoint of the API.
_QUERY_CHECKED = [Depends(_declared_query)]


def _day(field: str, text: str | None) -> date | None:
    """A date of a request (``None``: not given); an empty one is refused, not read as
    "not given" (``?on=`` answered with today's rate)."""
    from penalties._values import day_option

    return cast("date | None", day_option(field, text))  # (empty: refused there)


def _rate_day(text: str | None, to: str | None, to_field: str = "to") -> date | None:
    """The ``rate_date`` of a request, read as the library reads it: refused when nothing
    is converted (no ``to``); accepted and unused, it would seem to have been used."""
    from penalties.assessment._conversion import rate_day

    return rate_day(text, to, "rate_date", f'"{to_field}"')


def _currency(field: str, code: str | None) -> str | None:
    """``code`` checked by the library (``None``: not given), its errors about ``field``."""
    from rates.money import check_currency

    if code is None:
        return None
    with located(field):
        return check_currency(code.strip())


def create_app(*, catalog: Catalog | None = None, allowed_hosts: Collection[str] | None = None,
               max_concurrent: int | None = None) -> FastAPI:
    """The HTTP API and the web page over ``catalog`` (default: the built-in provisions and
    ``PENALTIES_STATUTES``; a statute file that does not load is left out of the list,
    named in the log, and answers with its own error when asked for). ``allowed_hosts``:
    the names a request's ``Host`` may give (``None``: any), which keeps other sites'
    pages from reaching a local server through a name of theirs (DNS rebinding);
    ``max_concurrent``: the requests in progress at once (``None``: no limit), one more a
    503 with the error document."""
    import penalties

    app = FastAPIOffline(title="penalties", version=__version__, description=_DESCRIPTION,
                         redoc_url=None, static_url=DOCS_ASSETS)
    app.router.route_class = ExactRoute  # bodies read exactly, as a batch's JSON lines
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    if allowed_hosts is not None:  # (the last added runs first)
        app.add_middleware(HostGuard, hosts=allowed_hosts)
    if max_concurrent is not None:
        app.add_middleware(RequestLimit, limit=max_concurrent)
    _install_errors(app)

    shared = catalog if catalog is not None else Catalog(strict=False)
    said: list[str] = []

    def chosen() -> Catalog:
        return shared

    @app.get("/provisions", dependencies=_QUERY_CHECKED,
             summary="Every provision (as `penalties list --json`)")
    def provisions() -> JSONResponse:
        rows = [s.summary() for s in penalties.list_provisions(shared)]
        for problem in shared.problems:  # left out of the list: said once, in the log
            if problem.path not in said:
                said.append(problem.path)
                log.warning("statute file left out: %s", problem)
        return JSONResponse(rows)

    @app.get("/provisions/{provision:path}", dependencies=_QUERY_CHECKED, responses=_ERRORS,
             summary="One provision: versions, tiers, triggers, penalties, citations "
             "(as `penalties show --json`)")
    def provision(provision: str) -> JSONResponse:
        statute = penalties.get_provision(provision, chosen())
        return JSONResponse(statute.model.model_dump(mode="json", by_alias=True,
                                                     exclude_none=True))

    @app.get("/facts", dependencies=_QUERY_CHECKED, responses=_ERRORS,
             summary="The facts vocabulary: kinds, values, help")
    def facts(provision: Annotated[str | None, Query(max_length=MAX_ID)] = None
              ) -> JSONResponse:
        found = chosen()
        if provision is not None:  # an empty one is refused by get_provision, not ignored
            statute = penalties.get_provision(provision, found)
            return JSONResponse(facts_document(statute.vocabulary, statute))
        return JSONResponse(facts_document(found.vocabulary))

    @app.post("/assess", responses=_ERRORS,
              summary="Assess facts under a provision, with the margins to the next and the "
              "previous tier (as `penalties assess --json`)")
    def assess(body: AssessRequest) -> JSONResponse:
        to = _currency("to", body.to)
        rate_date = _rate_day(body.rate_date, to)
        result = penalties.assess(
            body.provision, body.facts, catalog=chosen(), rate_source=body.rate_source,
            input_rate_date=_day("input_rate_date", body.input_rate_date))
        if to is not None:  # what assess(to=) does, its errors (no rate for "to") located
            with located("to"):
                result = penalties.convert_assessment(result, to, rate_date, body.rate_source)
        found = penalties.margins(result, catalog=chosen(), to=to, rate_source=body.rate_source)
        return JSONResponse(result.to_dict(found))  # the document of `penalties assess --json`

    @app.post("/compare", responses=_ERRORS,
              summary="One set of facts under several provisions, ranked")
    def compare(body: CompareRequest) -> JSONResponse:
        if body.all == bool(body.provisions):
            raise InvalidInput("provisions", "give provisions, or \"all\": true (one of the "
                               "two)", "a list of provision ids, or \"all\": true")
        found = penalties.compare_all(
            body.facts, None if body.all else body.provisions, catalog=chosen(),
            to=_currency("to", body.to), rate_date=_rate_day(body.rate_date, body.to),
            rate_source=body.rate_source,
            input_rate_date=_day("input_rate_date", body.input_rate_date))
        return JSONResponse(found.to_dict())

    def mapped(body: MapRequest) -> penalties.TierMap:
        """The tier map a /map or /chart request asks for (one call, two answers)."""
        return penalties.tier_map(body.provision, body.facts, body.vary, catalog=chosen(),
                                  to=_currency("to", body.to),
                                  rate_date=_rate_day(body.rate_date, body.to),
                                  rate_source=body.rate_source, input_rate_date=_day(
                                      "input_rate_date", body.input_rate_date))

    @app.post("/map", responses=_ERRORS,
              summary="The tier map of one amount or count fact")
    def tier_map(body: MapRequest) -> JSONResponse:
        return JSONResponse(mapped(body).to_dict())

    @app.post("/chart", response_class=Response,
              summary="The tier map as a step chart (SVG; the server needs the plotting "
              "extra)", responses={
                  **_ERRORS, 200: {"content": {"image/svg+xml": {}}},
                  501: {"model": ErrorDocument, "description": "No plotting library"}})
    def chart(body: MapRequest) -> Response:
        from penalties._chart import chart_svg

        return Response(chart_svg(mapped(body)), media_type="image/svg+xml", headers=_IMAGE)

    @app.get("/thresholds/{provision:path}", dependencies=_QUERY_CHECKED, responses=_ERRORS,
             summary="Every tier boundary of a provision")
    def thresholds(provision: str, on: Day = None,
                   in_: Annotated[str | None, Query(alias="in", max_length=MAX_CODE,
                                                    description="Also in this currency")] = None,
                   source: Code = None, rate_date: Day = None) -> JSONResponse:
        from rates.lookback import today

        statute = penalties.get_provision(provision, chosen())
        table = penalties.thresholds(statute, _day("on", on) or today(),
                                     _currency("in", in_), source,
                                     rate_date=_rate_day(rate_date, in_, "in"))
        return JSONResponse(table.to_dict())

    @app.get("/convert", dependencies=_QUERY_CHECKED, responses=_ERRORS,
             summary="Convert an amount at the rate for a date, with the rate's provenance")
    def convert(amount: Annotated[str, Query(max_length=MAX_TEXT,
                                             examples=["1000000000 VND"])],
                to: Annotated[str, Query(max_length=MAX_CODE, examples=["USD"])],
                on: Day = None, source: Code = None) -> JSONResponse:
        import rates
        from rates.errors import InvalidAmount
        from rates.money import parse_amount

        target = cast(str, _currency("to", to))
        with located("amount"):
            parse_amount(amount)  # unreadable, or in an unknown currency
        try:
            result = rates.convert(amount, target, _day("on", on), source=source)
        except InvalidAmount as exc:  # naming no currency: about "amount" too
            raise Located("amount", exc) from exc
        return JSONResponse(result.to_dict())

    @app.get("/schema", dependencies=_QUERY_CHECKED,
             summary="The JSON Schema of the statute file format")
    def schema() -> JSONResponse:
        return JSONResponse(penalties.statute_schema())

    add_page(app)
    return app


def _install_errors(app: FastAPI) -> None:
    """Every error as the one JSON document (:mod:`penalties.web._errors`)."""

    def library(request: Request, exc: Exception) -> JSONResponse:
        from penalties.web._errors import status_of

        return JSONResponse(document(exc, get=request.method == "GET", path=request.url.path),
                            status_code=status_of(exc))

    def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        body_field = getattr(request.scope.get("route"), "body_field", None)
        model = getattr(getattr(body_field, "field_info", None), "annotation", None)
        fields = list(getattr(model, "model_fields", {}))  # what an unknown key could be
        status, body = validation_document(list(exc.errors()), fields)
        return JSONResponse(body, status_code=status)

    def http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        if isinstance(exc, BodyRefused):  # a key given twice, NaN...: the library's error
            return library(request, exc.error)
        kind = {400: "InvalidJSON", 404: "NotFound", 405: "MethodNotAllowed"}.get(
            exc.status_code, "HTTPError")
        message = (f"no such endpoint: {request.url.path}" if exc.status_code == 404
                   else str(exc.detail))
        return JSONResponse({"error": {"type": kind, "field": None, "message": message}},
                            status_code=exc.status_code, headers=exc.headers)

    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(document(exc), status_code=500)

    for kind in (PenaltyError, RateError, Located):
        app.add_exception_handler(kind, library)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http)
    app.add_exception_handler(Exception, unexpected)
