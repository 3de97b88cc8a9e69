"""Fault injection against a real local HTTP server, for every online source.

One table of sources (:data:`SCENARIOS`: what each serves and what it is asked) times one
table of faults (:data:`FAULTS`: network, HTTP and payload faults), each run twice: *cold*
(nothing cached) and *warm* (a good answer cached, then expired). The rule checked for
every cell: the lookup raises the typed error the fault calls for (naming the field of a
bad payload) or, when a cached answer exists, serves it flagged ``stale=True``; it never
returns a number other than the one the source published. Retried faults are seen by the
server exactly ``RETRIES + 1`` times per URL; a server that does not answer in time is
asked once, since the source's timeout is the deadline of the whole lookup.
"""

from __future__ import annotations

import json
import re
import socket
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession
from werkzeug import Request, Response

from rates.errors import BadPayload, RateError, RateNotFound, SourceUnavailable
from rates.model import Rate
from rates.online.currency_api import CurrencyApiSource
from rates.online.ecb import EcbSource
from rates.online.open_er_api import OpenErApiSource
from rates.online.openexchangerates import OpenExchangeRatesSource
from rates.online.worldbank import WorldBankSource
from rates.session import RetryPolicy, build_session
from rates.sources import Source

#: Retries per request in these tests, with no backoff and Retry-After capped at 50 ms.
RETRIES = 1
FAST = RetryPolicy(retries=RETRIES, backoff_factor=0, max_wait=0.05)
#: The source's timeout (the deadline of one lookup, all attempts included) when the fault
#: is a server that does not answer in time: one attempt, then the deadline. A source with
#: a fallback mirror gives each mirror its share (half of it) of what is left.
SHORT_TIMEOUT = 0.5
RATE = "@RATE@"  # where a body template takes the rate, as raw JSON or CSV text


class QuickServer(HTTPServer):
    """A threaded pytest-httpserver that also stops quickly (a short poll interval)."""

    def thread_target(self) -> None:
        assert self.server is not None
        self.server.serve_forever(poll_interval=0.01)


# -- the sources ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """An online source as the local server plays it.

    ``make(primary, spare, session, timeout)`` builds the source against two origins
    (``spare`` only matters for a source with a fallback mirror); ``template`` is a good
    body with :data:`RATE` where the asked rate goes; ``good`` is that rate as published;
    ``missing`` a valid body without the asked currency. ``field`` names the asked rate in
    a :class:`BadPayload`, ``body_field`` what is named when the body is not the format,
    ``cut_field`` when it is cut short. With ``fallback``, faults hit only the primary
    mirror and ``spare_path`` (a regex) serves the good body.
    """

    name: str
    make: Callable[[str, str, CachedSession, float], Source]
    ask: tuple[str, str, date]
    template: str
    good: str
    missing: str
    field: str
    body_field: str = "body"
    cut_field: str = "body"
    fallback: bool = False
    spare_path: str = ""

    def body(self, rate: str) -> str:
        """The body with ``rate`` as the asked rate."""
        return self.template.replace(RATE, rate)

    def lookup(self, source: Source) -> Rate:
        """Ask ``source`` the scenario's question."""
        base, quote, day = self.ask
        return source.rate(base, quote, day)


def _json(document: object) -> str:
    """JSON text of ``document`` with the string :data:`RATE` left bare (a raw number)."""
    return json.dumps(document).replace(f'"{RATE}"', RATE)


ECB_COLUMNS = "KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,TIME_PERIOD,OBS_VALUE,"
ECB_COLUMNS += "OBS_STATUS,OBS_CONF,TITLE"


def _ecb(code: str) -> str:
    rows = [("2018-03-15", "1.2369"), ("2018-03-16", "1.2301"), ("2018-03-19", RATE)]
    lines = [ECB_COLUMNS] + [
        f"EXR.D.{code}.EUR.SP00.A,D,{code},EUR,SP00,A,{day},{value},A,F,{code}/Euro"
        for day, value in rows
    ]
    return "\n".join(lines) + "\n"


def _currency_api(**table: object) -> str:
    return _json({"date": "2024-03-06", "vnd": table})


def _worldbank(rows: dict[str, object]) -> str:
    meta = {"page": 1, "pages": 1, "per_page": 1000, "total": len(rows), "sourceid": "2",
            "lastupdated": "2025-07-01"}
    observations = [
        {"indicator": {"id": "PA.NUS.FCRF"}, "country": {"id": "VN", "value": "Viet Nam"},
         "countryiso3code": "VNM", "date": year, "value": value, "unit": "",
         "obs_status": "", "decimal": 0}
        for year, value in rows.items()
    ]
    return _json([meta, observations])


OER_UPDATED = datetime(2025, 6, 2, 0, 2, 31, tzinfo=UTC)


def _open_er_api(**table: object) -> str:
    return _json({
        "result": "success", "base_code": "USD",
        "time_last_update_unix": int(OER_UPDATED.timestamp()),
        "time_next_update_unix": int((OER_UPDATED + timedelta(days=1)).timestamp()),
        "rates": {"USD": 1, "EUR": 0.865608, **table},
    })


def _oxr(**table: object) -> str:
    return _json({"timestamp": 1521503999, "base": "USD", "rates": {"EUR": 0.81303, **table}})


APP_ID = "fault-test-app-id-0123456789"
JSDELIVR = "/npm/@fawazahmed0/currency-api@{date}/v1/currencies/{code}.json"
CLOUDFLARE = "/cloudflare/{date}/v1/currencies/{code}.json"


def _currency_api_source(
    primary: str, spare: str, session: CachedSession, timeout: float
) -> Source:
    return CurrencyApiSource(base_url=primary + JSDELIVR, fallback_url=spare + CLOUDFLARE,
                             session=session, timeout=timeout)


def _currency_api_scenario(name: str, *, fallback: bool) -> Scenario:
    return Scenario(
        name, _currency_api_source, ("VND", "USD", date(2024, 3, 6)),
        _currency_api(usd=RATE, eur=0.00003728), "0.00004053",
        _currency_api(eur=0.00003728), field="vnd.usd",
        fallback=fallback, spare_path=r"/cloudflare/.*",
    )


SCENARIOS = [
    Scenario(
        "ecb",
        lambda primary, spare, session, timeout: EcbSource(
            base_url=primary + "/service/data/EXR", session=session, timeout=timeout),
        ("EUR", "USD", date(2018, 3, 19)),
        _ecb("USD"), "1.2309", _ecb("JPY").replace(RATE, "130.65"),
        field="OBS_VALUE of 2018-03-19", body_field="TIME_PERIOD", cut_field="line 4",
    ),
    _currency_api_scenario("currency-api", fallback=False),  # both mirrors fail
    _currency_api_scenario("currency-api-fallback", fallback=True),  # jsDelivr fails
    Scenario(
        "worldbank",
        lambda primary, spare, session, timeout: WorldBankSource(
            base_url=primary + "/v2", session=session, timeout=timeout),
        ("USD", "VND", date(2018, 3, 19)),
        _worldbank({"2017": 22370.08666666667, "2018": RATE}), "22602.05",
        _worldbank({"2010": 18612.92}), field="[1][1].value",
    ),
    Scenario(
        "open-er-api",
        lambda primary, spare, session, timeout: OpenErApiSource(
            base_url=primary + "/v6", session=session, timeout=timeout),
        ("USD", "VND", OER_UPDATED.date()),
        _open_er_api(VND=RATE), "26227.808625", _open_er_api(JPY=155.9), field="rates.VND",
    ),
    Scenario(
        "openexchangerates",
        lambda primary, spare, session, timeout: OpenExchangeRatesSource(
            app_id=APP_ID, base_url=primary + "/api", session=session, timeout=timeout),
        ("USD", "VND", date(2018, 3, 19)),
        _oxr(VND=RATE), "22780.5", _oxr(JPY=106.383), field="rates.VND",
    ),
]


# -- the faults ----------------------------------------------------------------------------

Handler = Callable[[Request], Response]


@dataclass(frozen=True)
class Fault:
    """One way a source can fail, and the error it must give when nothing is cached.

    ``respond(scenario)`` is the server's answer (``None``: nothing listens, the connection
    is refused). ``error`` and ``message`` (a regex) are the error expected; ``named``
    picks the payload field a :class:`BadPayload` must name (default: the asked rate's).
    ``retried``: the request is tried ``RETRIES + 1`` times. ``answer``: not a failure but
    a valid answer without the asked rate, so :class:`RateNotFound` even when something is
    cached.
    """

    name: str
    respond: Callable[[Scenario], Handler] | None
    error: type[RateError] = BadPayload
    message: str | None = None
    named: Callable[[Scenario], str] | None = None
    retried: bool = False
    answer: bool = False
    timeout: float = 5.0


def _data(body: Callable[[Scenario], str], status: int = 200,
          **headers: str) -> Callable[[Scenario], Handler]:
    def respond(scenario: Scenario) -> Handler:
        return lambda request: Response(body(scenario), status=status, headers=headers)
    return respond


def _rate(token: str) -> Callable[[Scenario], Handler]:
    return _data(lambda scenario: scenario.body(token))


def _late(scenario: Scenario) -> Handler:
    def handler(request: Request) -> Response:
        time.sleep(SHORT_TIMEOUT * 4)
        return Response(scenario.body(scenario.good))  # a good answer, but too late
    return handler


def _cut_transfer(scenario: Scenario) -> Handler:
    def handler(request: Request) -> Response:
        body = scenario.body(scenario.good)
        response = Response(body[: len(body) // 2])
        response.automatically_set_content_length = False
        response.headers["Content-Length"] = str(len(body))
        return response
    return handler


def _cut_body(scenario: Scenario) -> str:
    body = scenario.body(scenario.good)
    return body[: body.index(scenario.good) + len(scenario.good) // 2]


@cache
def _bomb_body(body: str) -> bytes:
    """``body`` then 9 MiB of spaces (past the 8 MiB limit), gzipped to a few kilobytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(body.encode()), *(packer.compress(b" " * 2**20) for _ in range(9))]
    return b"".join([*parts, packer.flush()])


def _bomb(scenario: Scenario) -> Handler:
    bomb = _bomb_body(scenario.body(scenario.good))
    return lambda request: Response(bomb, headers={"Content-Encoding": "gzip"})


HTML = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
XML = "<?xml version='1.0'?><message:GenericData><Obs value='1.2309'/></message:GenericData>"

FAULTS = [
    Fault("timeout", _late, SourceUnavailable,
          r"no answer within [\d.]+ s: .*deadline was reached after 1 attempt",
          timeout=SHORT_TIMEOUT),
    Fault("connection-refused", None, SourceUnavailable, r"request failed .*could not connect"),
    Fault("http-500", _data(lambda s: "Internal Server Error", 500), SourceUnavailable,
          r"HTTP 500 after 2 attempts", retried=True),
    Fault("http-503", _data(lambda s: HTML, 503), SourceUnavailable,
          r"HTTP 503 after 2 attempts", retried=True),
    Fault("http-429-retry-after", _data(lambda s: "slow down", 429, **{"Retry-After": "3600"}),
          SourceUnavailable, r"HTTP 429 after 2 attempts \(rate limited; Retry-After: 3600\)",
          retried=True),
    Fault("transfer-cut-short", _cut_transfer, SourceUnavailable, r"request failed"),
    Fault("body-cut-short", _data(_cut_body), named=lambda s: s.cut_field),
    Fault("plain-text-body", _data(lambda s: "rates: 1.2309; base: EUR\n"),
          named=lambda s: s.body_field),
    Fault("xml-body", _data(lambda s: XML), named=lambda s: s.body_field),
    Fault("html-error-page", _data(lambda s: HTML), named=lambda s: "body"),
    Fault("rate-zero", _rate("0")),
    Fault("rate-negative", _rate("-22780.5")),
    Fault("rate-nan", _rate("NaN")),
    Fault("rate-infinity", _rate("Infinity")),
    Fault("rate-minus-infinity", _rate("-Infinity")),
    Fault("rate-absurdly-large", _rate("1e300")),
    Fault("rate-absurdly-small", _rate("1e-300")),
    Fault("gzip-bomb", _bomb, message=r"larger than the limit of 8,388,608 bytes",
          named=lambda s: "body"),
    Fault("currency-missing", _data(lambda s: s.missing), RateNotFound, answer=True),
]


# -- the test ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    quick = QuickServer(threaded=True)
    quick.start()
    yield quick
    quick.clear()
    quick.stop()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CachedSession]:
    with closing(build_session(tmp_path / "http.sqlite", retry=FAST)) as cached:
        yield cached


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def expire_everything(session: CachedSession) -> None:
    """Make every cached answer expired, as if its time had passed."""
    past = datetime.now(UTC) - timedelta(minutes=1)
    for key in list(session.cache.responses.keys()):
        response = session.cache.responses[key]
        response.expires = past
        session.cache.responses[key] = response


def serve_good(target: HTTPServer, scenario: Scenario) -> None:
    """Every path of ``target`` answers with the scenario's good body."""
    body = scenario.body(scenario.good)
    target.expect_request(re.compile(r"/.*")).respond_with_data(body)


def warm_up(scenario: Scenario, origin: HTTPServer, session: CachedSession) -> None:
    """Cache the good answer through ``origin``, then let it expire."""
    url = origin.url_for("").rstrip("/")
    serve_good(origin, scenario)
    rate = scenario.lookup(scenario.make(url, url, session, 5.0))
    assert (rate.value, rate.stale) == (Decimal(scenario.good), False)
    origin.clear()
    expire_everything(session)


def counted(handler: Handler, calls: Counter[str]) -> Handler:
    """``handler``, counting the requests it receives per path (when they arrive)."""
    def count(request: Request) -> Response:
        calls[request.path] += 1
        return handler(request)
    return count


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("fault", FAULTS, ids=lambda fault: fault.name)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_fault(
    scenario: Scenario, fault: Fault, warm: bool, server: HTTPServer, session: CachedSession,
    figures: Counter[str],
) -> None:
    server.clear()
    good = scenario.body(scenario.good)
    live = server.url_for("").rstrip("/")
    calls: Counter[str] = Counter()
    primary = live
    if fault.respond is None:  # nothing listens on the faulty origin
        primary = f"http://127.0.0.1:{free_port()}"
    if warm and fault.respond is None:  # warm up through a server that then goes away
        doomed = QuickServer(host="127.0.0.1", port=int(primary.rsplit(":", 1)[1]))
        doomed.start()
        try:
            warm_up(scenario, doomed, session)
        finally:
            doomed.stop()
    elif warm:
        warm_up(scenario, server, session)
    if scenario.fallback:  # the spare mirror answers well whatever the primary does
        server.expect_request(re.compile(scenario.spare_path)).respond_with_data(good)
    if fault.respond is not None:
        server.expect_request(re.compile(r"/.*")).respond_with_handler(
            counted(fault.respond(scenario), calls)
        )
    spare = live if scenario.fallback else primary
    source = scenario.make(primary, spare, session, fault.timeout)
    figures["faults injected"] += 1

    if fault.answer:
        with pytest.raises(RateNotFound):
            scenario.lookup(source)
        figures["faults raised as typed errors"] += 1
    elif warm or scenario.fallback:
        rate = scenario.lookup(source)
        assert rate.value == Decimal(scenario.good)  # never another number
        assert rate.stale is warm  # served from the expired cache, and saying so
        assert ("expired cache" in rate.note) is warm
        figures["faults survived with the published rate"] += 1
    else:
        with pytest.raises(fault.error, match=fault.message) as caught:
            scenario.lookup(source)
        if isinstance(caught.value, BadPayload):
            named = fault.named(scenario) if fault.named else scenario.field
            assert caught.value.field == named
        assert APP_ID not in str(caught.value)
        figures["faults raised as typed errors"] += 1

    attempts = RETRIES + 1 if fault.retried else 1
    # Late handlers count when they start: wait for them (a hang guard, ended by the count).
    deadline = time.monotonic() + 120
    while fault.retried and sum(calls.values()) < attempts and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(count == attempts for count in calls.values()), calls
    assert bool(calls) is (fault.respond is not None)
    figures["requests seen by the fault server"] += sum(calls.values())


def test_a_bad_answer_is_never_cached(
    server: HTTPServer, session: CachedSession
) -> None:
    """A refused body stays out of the cache: once the source is fixed, it is asked again."""
    scenario = SCENARIOS[0]
    server.clear()
    live = server.url_for("").rstrip("/")
    source = scenario.make(live, live, session, 5.0)
    server.expect_oneshot_request(re.compile(r"/.*")).respond_with_data(scenario.body("NaN"))
    with pytest.raises(BadPayload):
        scenario.lookup(source)
    assert len(session.cache.responses) == 0
    serve_good(server, scenario)
    assert scenario.lookup(source).value == Decimal(scenario.good)
    assert len(session.cache.responses) == 1


def test_a_bad_cached_answer_is_dropped(server: HTTPServer, session: CachedSession) -> None:
    """A cached body that turns out bad for another lookup is removed, then asked again."""
    server.clear()
    live = server.url_for("").rstrip("/")
    api = CurrencyApiSource(base_url=live + JSDELIVR, fallback_url=live + CLOUDFLARE,
                            session=session)
    server.expect_oneshot_request(re.compile(r"/.*")).respond_with_data(
        _currency_api(usd=0.00004053, jpy=0)  # the JPY rate is bad, the USD one fine
    )
    assert api.rate("VND", "USD", date(2024, 3, 6)).value == Decimal("0.00004053")
    with pytest.raises(BadPayload, match=r"vnd\.jpy"):
        api.rate("VND", "JPY", date(2024, 3, 6))  # read from the cache: bad, so dropped
    assert len(session.cache.responses) == 0
    server.expect_oneshot_request(re.compile(r"/.*")).respond_with_data(
        _currency_api(usd=0.00004053, jpy=0.00605671)
    )
    assert api.rate("VND", "JPY", date(2024, 3, 6)).value == Decimal("0.00605671")
