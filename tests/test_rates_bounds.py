"""Hostile rate servers (issue 12): every lookup bounded in time, size and depth, every
payload failure typed, and a chain that falls through to the next source.

Each test plays one hostile answer against a real local server and counts it in the
figures: ``hostile rate responses tried``, and ``... refused with a typed error`` or
``... survived`` (a stale or fallback answer). The errors are checked by what exists in
every version of the library (``SourceUnavailable``, ``BadPayload``, their messages and
attributes), so that each test fails on the code before the fix for its own reason.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, suppress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession
from werkzeug import Request, Response

from rates import errors
from rates.errors import BadPayload, RateError, SourceUnavailable
from rates.online.currency_api import CurrencyApiSource
from rates.online.open_er_api import OpenErApiSource
from rates.online.worldbank import WorldBankSource
from rates.session import RetryPolicy, build_session
from rates.sources import ChainSource

if TYPE_CHECKING:
    from rates.model import Fallback  # not at run time: the code before the fix has none

#: A hang guard for the time tests: far above the deadline they set (2 s or 1 s).
HANG_GUARD = 30.0
#: The deadline of the time tests, and how slowly their servers send.
DEADLINE = 2.0
TRICKLE = 0.5
#: The bytes a trickling server sends slowly before it sends the rest at once: enough to
#: outlast the deadline many times over, few enough that the code before the fix ends.
SLOW_BYTES = 60

UPDATED = datetime(2026, 11, 28, 0, 2, 31, tzinfo=UTC)
DAY = UPDATED.date()
MIB = 1024 * 1024


def payload(**changes: object) -> str:
    """A good open-er-api answer for USD, with ``changes`` to its fields."""
    document: dict[str, object] = {
        "result": "success", "base_code": "USD",
        "time_last_update_unix": int(UPDATED.timestamp()),
        "time_next_update_unix": int((UPDATED + timedelta(days=1)).timestamp()),
        "rates": {"USD": 1, "EUR": 0.865608, "VND": 26227.808625},
    }
    document.update(changes)
    return json.dumps(document)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CachedSession]:
    """A cache with the default retry policy (two retries, with backoff)."""
    with closing(build_session(tmp_path / "http.sqlite", retry=RetryPolicy())) as cached:
        yield cached


def oer(url: str, session: CachedSession, **options: object) -> OpenErApiSource:
    return OpenErApiSource(base_url=url, session=session, **options)  # type: ignore[arg-type]


def refused(figures: Counter[str]) -> None:
    figures["hostile rate responses tried"] += 1
    figures["hostile rate responses refused with a typed error"] += 1


# -- size ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A valid answer followed by 100 MiB of JSON whitespace, gzipped to about 100 KB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(payload().encode())]
    spaces = b" " * MIB
    parts += [packer.compress(spaces) for _ in range(100)]
    return b"".join([*parts, packer.flush()])


def test_a_gzip_bomb_is_refused_after_reading_at_most_the_limit(
    httpserver: HTTPServer, session: CachedSession, bomb: bytes, figures: Counter[str]
) -> None:
    assert len(bomb) < 200_000
    httpserver.expect_request("/v6/latest/USD").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"}, content_type="application/json"
    )
    with pytest.raises(BadPayload, match="larger than the limit of 8,388,608 bytes") as caught:
        oer(httpserver.url_for("/v6"), session).rate("USD", "VND", DAY)
    limit = getattr(caught.value, "limit", None)
    read = getattr(caught.value, "read", 0)
    assert limit == 8 * MIB
    assert 8 * MIB < read <= 8 * MIB + 64 * 1024  # the limit and one chunk, not 100 MiB
    assert caught.value.field == "body"
    assert len(session.cache.responses) == 0  # never cached
    refused(figures)


def test_the_size_limit_is_an_option_and_a_declared_length_is_refused_unread(
    httpserver: HTTPServer, session: CachedSession, figures: Counter[str]
) -> None:
    body = payload(padding="x" * 5000)
    httpserver.expect_request("/v6/latest/USD").respond_with_data(body)
    small = oer(httpserver.url_for("/v6"), session, max_bytes=1000)
    with pytest.raises(BadPayload, match="limit of 1,000 bytes") as caught:
        small.rate("USD", "VND", DAY)
    assert getattr(caught.value, "read", None) == 0  # its Content-Length said enough
    refused(figures)
    roomy = oer(httpserver.url_for("/v6"), session, max_bytes=len(body))
    assert roomy.rate("USD", "VND", DAY).value == Decimal("26227.808625")  # and cached
    assert len(session.cache.responses) == 1


# -- time ----------------------------------------------------------------------------------


def _trickled(body: bytes, sent: list[int]) -> Iterator[bytes]:
    """``body``, its first :data:`SLOW_BYTES` one at a time (counted in ``sent``)."""
    for index in range(len(body)):
        if index < SLOW_BYTES:
            time.sleep(TRICKLE)
            sent[0] += 1
            yield body[index:index + 1]
        else:
            yield body[index:]
            return


def test_a_trickled_body_ends_at_the_deadline(
    httpserver: HTTPServer, session: CachedSession, figures: Counter[str]
) -> None:
    """One byte every 0.5 s keeps every read alive; the lookup still ends at 2 s."""
    sent = [0]

    def handler(request: Request) -> Response:
        return Response(_trickled(payload().encode(), sent), content_type="application/json")

    httpserver.expect_request("/v6/latest/USD").respond_with_handler(handler)
    with pytest.raises(SourceUnavailable, match="deadline was reached after 1 attempt") as caught:
        oer(httpserver.url_for("/v6"), session, timeout=DEADLINE).rate("USD", "VND", DAY)
    assert sent[0] < SLOW_BYTES  # cut off in the slow part: the body never came whole
    assert type(caught.value).__name__ == "DeadlineExceeded"
    assert "no answer within 2 s" in str(caught.value)
    assert len(session.cache.responses) == 0
    refused(figures)


class RawServer:
    """A loopback TCP server that runs ``serve(connection)`` for each connection it
    accepts (in a thread), counting them; closed with its connections."""

    def __init__(self, serve: object) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.accepted = 0
        self.connections: list[socket.socket] = []
        self.serve = serve
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/v6"

    def _accept(self) -> None:
        with suppress(OSError):
            while not self.stop.is_set():
                connection, _ = self.listener.accept()
                self.accepted += 1
                self.connections.append(connection)
                threading.Thread(target=self.serve, args=(connection, self.stop),  # type: ignore[arg-type]
                                 daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        with suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(HANG_GUARD)
        for connection in self.connections:
            connection.close()


def _silent(connection: socket.socket, stop: threading.Event) -> None:
    """Read the request, then never answer."""
    with suppress(OSError):
        connection.recv(65536)
    stop.wait(HANG_GUARD)


def _trickled_headers(connection: socket.socket, stop: threading.Event,
                      sent: list[int]) -> None:
    """Answer with headers sent one byte every 0.5 s (then the rest at once), counting the
    bytes sent in ``sent``."""
    body = payload().encode()
    head = (b"HTTP/1.1 200 OK\r\nX-Slow: " + b"z" * SLOW_BYTES + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\nContent-Type: application/json\r\n\r\n")
    with suppress(OSError):
        connection.recv(65536)
        for index in range(len(head)):
            if stop.wait(TRICKLE if index < SLOW_BYTES + 20 else 0):
                return
            if index >= SLOW_BYTES + 20:
                connection.sendall(head[index:] + body)
                return
            connection.sendall(head[index:index + 1])
            sent[0] += 1
        stop.wait(HANG_GUARD)


def test_trickled_headers_end_at_the_deadline(
    session: CachedSession, figures: Counter[str]
) -> None:
    sent = [0]
    server = RawServer(partial(_trickled_headers, sent=sent))
    try:
        with pytest.raises(SourceUnavailable, match="deadline was reached after 1 attempt"):
            oer(server.url, session, timeout=DEADLINE).rate("USD", "VND", DAY)
    finally:
        server.close()
    assert server.accepted == 1
    assert sent[0] < SLOW_BYTES  # cut off in the slow part: the headers never came whole
    refused(figures)


def test_a_source_that_never_answers_fails_within_one_deadline(
    session: CachedSession, figures: Counter[str]
) -> None:
    """Not three timeouts (one per attempt): one deadline, one attempt (the read that
    would time out takes what is left of the lookup)."""
    server = RawServer(_silent)
    try:
        with pytest.raises(SourceUnavailable, match=r"no answer within 1 s: the lookup's "
                           "deadline was reached after 1 attempt") as caught:
            oer(server.url, session, timeout=1.0).rate("USD", "VND", DAY)
    finally:
        server.close()
    assert server.accepted == 1  # the code before the fix connects three times
    assert getattr(caught.value, "attempts", None) == 1
    refused(figures)


def test_retries_and_their_waits_stay_within_the_deadline(
    httpserver: HTTPServer, tmp_path: Path, figures: Counter[str]
) -> None:
    """A Retry-After of 3 s (the longest honoured) does not fit in a 1 s deadline: the
    lookup gives up at once rather than waiting past it."""
    httpserver.expect_request("/v6/latest/USD").respond_with_data(
        "busy", status=503, headers={"Retry-After": "3"}
    )
    with (
        closing(build_session(tmp_path / "c.sqlite", retry=RetryPolicy())) as cached,
        pytest.raises(SourceUnavailable, match=r"HTTP 503 .*no time left to try again"),
    ):
        oer(httpserver.url_for("/v6"), cached, timeout=1.0).rate("USD", "VND", DAY)
    assert len(httpserver.log) == 1
    refused(figures)


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), 1e9, "10", True])
def test_a_timeout_must_be_a_sane_number_of_seconds(value: object) -> None:
    with pytest.raises(RateError, match=r"timeout: .* is not allowed \(allowed: a number of"):
        OpenErApiSource(timeout=value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_bytes"):
        OpenErApiSource(max_bytes=0)


# -- payloads ------------------------------------------------------------------------------

NESTED = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (payload(time_next_update_unix=10**20), "time_next_update_unix", "not a Unix time"),
        (payload(time_last_update_unix=10**20), "time_last_update_unix", "not a Unix time"),
        (payload(time_next_update_unix=-1), "time_next_update_unix", "not a Unix time"),
        (payload(time_last_update_unix=253402300800), "time_last_update_unix",
         "not a Unix time"),
        (payload().replace('"time_next_update_unix": ', '"time_next_update_unix": 1e20, '
                           '"x": '), "time_next_update_unix", "not a Unix time"),
        (payload().replace('"time_last_update_unix": ', '"time_last_update_unix": NaN, '
                           '"x": '), "time_last_update_unix", "not a Unix time"),
        (NESTED, "body", "nested more than 32 levels deep"),
        (payload(rates={"VND": json.loads("[" * 33 + "1" + "]" * 33)}), "body",
         "nested more than 32 levels deep"),
        (payload().replace("26227.808625", "1" * 5000), "body",
         "a number of 5,000 characters"),
        (payload().replace("26227.808625", "1e999999999999999999999"), "body", "not JSON"),
        (payload(result=["x" * 10_000]), "result", "characters"),
    ],
    ids=["next-1e20", "last-1e20", "next-negative", "last-year-10000", "next-float-1e20",
         "last-nan", "nested-100000", "nested-34", "integer-5000-digits", "exponent-huge",
         "huge-result"],
)
def test_hostile_open_er_api_payloads_are_typed_errors(
    httpserver: HTTPServer, session: CachedSession, body: str, field: str, message: str,
    figures: Counter[str],
) -> None:
    httpserver.expect_request("/v6/latest/USD").respond_with_data(body)
    with pytest.raises(BadPayload, match=message) as caught:
        oer(httpserver.url_for("/v6"), session).rate("USD", "VND", DAY)
    assert caught.value.field == field
    assert "sys.set_int_max_str_digits" not in str(caught.value)
    assert len(str(caught.value)) < 500  # a bad value is quoted short
    assert len(session.cache.responses) == 0
    refused(figures)


def test_an_expiry_ten_years_ahead_is_capped_at_a_day(
    httpserver: HTTPServer, session: CachedSession, figures: Counter[str]
) -> None:
    far = datetime.now(UTC) + timedelta(days=3652)
    httpserver.expect_request("/v6/latest/USD").respond_with_data(
        payload(time_next_update_unix=int(far.timestamp()))
    )
    before = datetime.now(UTC)
    assert oer(httpserver.url_for("/v6"), session).rate("USD", "VND", DAY).value > 0
    (stored,) = session.cache.responses.values()
    assert stored.expires is not None
    expires = stored.expires.replace(tzinfo=stored.expires.tzinfo or UTC)
    assert before + timedelta(hours=23) < expires <= datetime.now(UTC) + timedelta(days=1)
    figures["hostile rate responses tried"] += 1
    figures["hostile rate responses survived (expiry capped)"] += 1


def _worldbank(server: HTTPServer, session: CachedSession) -> WorldBankSource:
    return WorldBankSource(base_url=server.url_for("/v2"), session=session)


META = {"page": 1, "pages": 1, "per_page": 1000, "total": 1}
ROW = {"countryiso3code": "VNM", "date": "2018", "value": 22602.05}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ([{"pages": 1}, 5], "[1]"),
        ([{"pages": 1}, {"date": "2018"}], "[1]"),
        ([{"pages": 1}, "rows"], "[1]"),
        ([{**META, "pages": "9" * 5000}, [ROW]], "[0].pages"),
        ([{**META, "pages": "²"}, [ROW]], "[0].pages"),
        ([{**META, "pages": -1}, [ROW]], "[0].pages"),
        ([META, [{**ROW, "date": "２０１８"}]], "[1][0].date"),
        ([META, [{**ROW, "date": ["2018"]}]], "[1][0].date"),
        ([META, [{**ROW, "value": {"v": 1}}]], "[1][0].value"),
    ],
    ids=["rows-an-integer", "rows-an-object", "rows-text", "pages-5000-digits",
         "pages-superscript", "pages-negative", "year-full-width", "year-a-list",
         "value-an-object"],
)
def test_hostile_worldbank_payloads_are_typed_errors(
    httpserver: HTTPServer, session: CachedSession, document: object, field: str,
    figures: Counter[str],
) -> None:
    httpserver.expect_request("/v2/country/VN/indicator/PA.NUS.FCRF").respond_with_data(
        json.dumps(document)
    )
    with pytest.raises(BadPayload) as caught:
        _worldbank(httpserver, session).rate("USD", "VND", date(2018, 3, 19))
    assert caught.value.field == field
    assert len(session.cache.responses) == 0
    refused(figures)


def test_a_chain_falls_through_a_broken_worldbank_body_to_the_snapshot(
    httpserver: HTTPServer, session: CachedSession, figures: Counter[str]
) -> None:
    """``--source worldbank,snapshot`` with the body ``[{"pages":1}, 5]``."""
    httpserver.expect_request("/v2/country/VN/indicator/PA.NUS.FCRF").respond_with_data(
        json.dumps([{"pages": 1}, 5])
    )
    chain = ChainSource([_worldbank(httpserver, session), "snapshot"])
    rate = chain.rate("USD", "VND", date(2018, 3, 19))
    assert rate.source == "snapshot"
    fallbacks: tuple[Fallback, ...] = getattr(rate, "fallbacks", ())
    assert [(f.source, f.error) for f in fallbacks] == [("worldbank", "BadPayload")]
    assert "bad payload at [1]" in fallbacks[0].reason
    assert rate.to_dict()["fallbacks"][0]["source"] == "worldbank"
    assert "answered by snapshot after worldbank: " in rate.note
    figures["hostile rate responses tried"] += 1
    figures["hostile rate responses survived through the next source of a chain"] += 1


def test_hostile_currency_api_payloads_are_typed_errors(
    httpserver: HTTPServer, session: CachedSession, figures: Counter[str]
) -> None:
    api = CurrencyApiSource(
        base_url=httpserver.url_for("/a/{date}/{code}.json"),
        fallback_url=httpserver.url_for("/b/{date}/{code}.json"), session=session,
    )
    for body, field in [
        (json.dumps({"date": {"y": 2024}, "vnd": {"usd": 0.00004}}), "date"),
        (json.dumps({"date": "2024-03-06", "vnd": [0.00004]}), "vnd"),
        ('{"date": "2024-03-06", "vnd": {"usd": ' + "[" * 50 + "]" * 50 + "}}", "body"),
    ]:
        httpserver.clear()
        httpserver.expect_request("/a/2024-03-06/vnd.json").respond_with_data(body)
        httpserver.expect_request("/b/2024-03-06/vnd.json").respond_with_data(body)
        with pytest.raises(BadPayload) as caught:
            api.rate("VND", "USD", date(2024, 3, 6))
        assert caught.value.field == field
        refused(figures)


def test_an_untyped_failure_while_reading_is_a_bad_payload(
    httpserver: HTTPServer, session: CachedSession, monkeypatch: pytest.MonkeyPatch,
    figures: Counter[str],
) -> None:
    """Whatever a payload makes the parsing code raise (here a TypeError it did not
    foresee), the caller gets a BadPayload and the body is not cached."""
    def broken(self: OpenErApiSource, *args: object) -> object:
        raise TypeError("unforeseen")

    monkeypatch.setattr(OpenErApiSource, "_lookup", broken)
    httpserver.expect_request("/v6/latest/USD").respond_with_data(payload())
    with pytest.raises(BadPayload, match=r"could not be read \(TypeError: 'unforeseen'\)"):
        oer(httpserver.url_for("/v6"), session).rate("USD", "VND", DAY)
    assert len(session.cache.responses) == 0
    refused(figures)


def test_the_new_errors_are_in_the_tree() -> None:
    for name, parent in [("DeadlineExceeded", SourceUnavailable),
                         ("SourceFailed", SourceUnavailable),
                         ("PayloadTooLarge", BadPayload), ("PayloadTooDeep", BadPayload)]:
        error = getattr(errors, name)
        assert issubclass(error, parent), name
        assert issubclass(error, LookupError), name
        assert name in errors.__all__
    assert issubclass(errors.InvalidOption, ValueError)
