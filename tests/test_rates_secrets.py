"""Secrets never at rest: an API key that a server sends back, wherever and however encoded,
is found nowhere we write: not in the SQLite file (rows, bodies decoded from base64, the raw
bytes of the file and its -wal), not in the logs (every logger at DEBUG), not in an error
message, a traceback or a repr, not in the command line's ``--json`` output.

Each shape is a local server that sends the key back in one place (:data:`SHAPES`), tried
with a plain key and with one whose characters all need encoding; the key is looked for in
every form (:func:`forms`): as is, percent-encoded once or twice, plus-encoded, hex escapes
and letters in either case, JSON-escaped, base64.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import sqlite3
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession
from typer.testing import CliRunner
from werkzeug import Request, Response

from rates import redaction
from rates.errors import SourceUnavailable
from rates.online.openexchangerates import OpenExchangeRatesSource
from rates.session import RetryPolicy, build_session, close_sessions
from rates.sources import register_source, unregister_source

KEYS = {
    "plain": "oxr-secret-app-id-0123456789abcdef",
    "special": "Sp3c!al key/+=&%~é:0123456789",  # every kind of character a URL encodes
}
GOOD = "/api/historical/2018-03-20.json"  # answered through the shape
FAILING = "/api/historical/2018-03-21.json"  # through the shape to an answer of 503
BODY = json.dumps({"base": "USD", "rates": {"VND": 22780.5, "EUR": 0.81303}})
#: One retry (urllib3 logs the URL of each), no waiting.
ONE_RETRY = RetryPolicy(retries=1, backoff_factor=0, max_wait=0)


def forms(key: str) -> tuple[set[str], set[str]]:
    """The forms of ``key`` to look for: (case-insensitive ones, exact ones)."""
    once = {quote(key, safe=""), quote(key, safe="/:@"), quote_plus(key, safe=""),
            quote_plus(key, safe="/:@")}
    twice = {quote(form, safe="") for form in once} | {quote_plus(form) for form in once}
    text = {key, json.dumps(key)[1:-1], json.dumps(key, ensure_ascii=False)[1:-1]}
    raw = key.encode()
    exact = {base64.b64encode(raw).decode().rstrip("="),
             base64.urlsafe_b64encode(raw).decode().rstrip("=")}
    return {form.lower() for form in text | once | twice}, exact


def assert_no_key(key: str, where: str, haystack: str) -> None:
    """No form of ``key`` in ``haystack``."""
    loose, exact = forms(key)
    lowered = haystack.lower()
    for form in loose:
        assert form not in lowered, f"{where} holds the key as {form!r}"
    for form in exact:
        assert form not in haystack, f"{where} holds the key in base64 ({form!r})"


def lowered_hex(url: str) -> str:
    """``url`` with its percent-escapes in lower case (%3d rather than %3D)."""
    return re.sub(r"%[0-9A-F]{2}", lambda found: found.group().lower(), url)


Shape = Callable[[str, int], str]  # (key, port) -> where the first redirect sends the client

#: Where a redirect carries the key (a function of the key and the server's port); with
#: "header" and "body" the server answers at once and sends the key back in its answer.
SHAPES: dict[str, Shape | None] = {
    "path": lambda key, port: f"/k/{quote(key, safe='')}/latest.json",
    "fragment": lambda key, port: f"/api/target.json#app_id={quote(key, safe='')}",
    "semicolon": lambda key, port: f"/api/target.json;app_id={quote(key, safe='')}",
    "inside another parameter": lambda key, port: (
        f"/api/target.json?next={quote('/x?app_id=' + key, safe='')}"),
    "encoded twice": lambda key, port: (
        f"/api/target.json?next={quote(quote('app_id=' + key, safe=''), safe='')}"),
    "lower-case hex escapes": lambda key, port: lowered_hex(
        f"/api/target.json?next={quote('app_id=' + key, safe='')}&k={quote(key, safe='')}"),
    "token=": lambda key, port: f"/api/target.json?token={quote_plus(key)}",
    "APP_ID= (upper case)": lambda key, port: f"/api/target.json?APP_ID={quote_plus(key)}",
    "user name": lambda key, port: f"http://{quote(key, safe='')}@127.0.0.1:{port}/api/t.json",
    "password": lambda key, port: (
        f"http://user:{quote(key, safe='')}@127.0.0.1:{port}/api/t.json"),
    "another host": lambda key, port: (
        f"http://localhost:{port}/api/target.json?app_id={quote_plus(key)}"),
    "two redirects": lambda key, port: f"/step?to={quote(quote(key, safe=''), safe='')}",
    "header": None,
    "body": None,
}


def serve(server: HTTPServer, shape: str, key: str) -> None:
    """The server of ``shape``: the keyed URLs answer through it, the rest answers
    :data:`BODY` (or 503 for the failing date)."""
    make = SHAPES[shape]

    def keyed(request: Request) -> Response:
        assert request.args["app_id"] == key  # the key was sent, as it must be
        failing = request.path == FAILING
        if make is None:
            echo = f"{request.url} app_id={key} {quote(key)}"
            body = BODY[:-1] + f', "request": {json.dumps(echo)}}}'
            return Response("busy" if failing else body, status=503 if failing else 200,
                            headers={"X-Echo": echo, "Link": f"<{request.url}>; rel=self",
                                     "Set-Cookie": f"session={quote(key)}"})
        target = make(key, server.port)
        if failing:  # the same shape, to an answer of 503
            target = re.sub(r"^(http://[^/]*)?/", r"\1/fail/", target)
        return Response(f'<a href="{target}">{target}</a>', status=302,
                        headers={"Location": target})

    def answer(request: Request) -> Response:
        failing = request.path.startswith("/fail/")
        if request.path.endswith("/step"):  # the second redirect of "two redirects"
            target = ("/fail" if failing else "") + f"/k/{request.args['to']}"
            return Response("", status=302, headers={"Location": target})
        return Response("busy" if failing else BODY, status=503 if failing else 200,
                        content_type="application/json")

    server.expect_request(re.compile(r"^/api/historical/.*")).respond_with_handler(keyed)
    server.expect_request(re.compile(r"^/(?!api/historical/).*")).respond_with_handler(answer)


def stored(file: Path) -> str:
    """Everything the cache holds, as text: the raw bytes of the file and its side files,
    every row of every table, and every body decoded from base64 (redirects' too)."""
    data = b"".join(path.read_bytes() for path in file.parent.glob(file.name + "*"))
    text = [data.decode("latin-1"), data.decode("utf-8", "replace")]
    with closing(sqlite3.connect(file)) as database:
        for (table,) in database.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in database.execute(f"SELECT * FROM {table}"):
                text.append(repr(row))
                value = row[1] if len(row) > 1 else None
                if isinstance(value, (bytes, str)) and table == "responses":
                    text.extend(bodies(json.loads(value)))
    return "\n".join(text)


def bodies(document: object) -> Iterator[str]:
    """The bodies of a stored response and of its redirects, decoded."""
    if isinstance(document, dict):
        for name, value in document.items():
            if name == "_content" and isinstance(value, str):
                yield base64.b64decode(value).decode("utf-8", "replace")
            else:
                yield from bodies(value)
    elif isinstance(document, list):
        for item in document:
            yield from bodies(item)


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record logged, at any level, by anything but the test server (which is not
    ours to redact: it logs the requests it received)."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    records = [record for record in caplog.records
               if not record.name.startswith(("werkzeug", "pytest_httpserver"))]
    return "\n".join(formatter.format(record) for record in records)


@pytest.fixture(autouse=True)
def _fresh_sessions() -> Iterator[None]:
    close_sessions()
    yield
    close_sessions()


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[tuple[CachedSession, Path]]:
    file = tmp_path / "http.sqlite"
    with closing(build_session(file, retry=ONE_RETRY)) as session:
        yield session, file


@pytest.mark.parametrize("kind", sorted(KEYS))
@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_key_sent_back_is_never_written_down(
    httpserver: HTTPServer, cache: tuple[CachedSession, Path], caplog: pytest.LogCaptureFixture,
    shape: str, kind: str, figures: Counter[str],
) -> None:
    key = KEYS[kind]
    session, file = cache
    caplog.set_level(logging.DEBUG)
    serve(httpserver, shape, key)
    source = OpenExchangeRatesSource(app_id=key, base_url=httpserver.url_for("/api"),
                                     session=session)
    assert source.rate("USD", "VND", date(2018, 3, 20)).value == Decimal("22780.5")
    assert source.rate("USD", "VND", date(2018, 3, 20)).value == Decimal("22780.5")  # cached
    with pytest.raises(SourceUnavailable) as failed:
        source.rate("USD", "VND", date(2018, 3, 21))
    error = failed.value
    for where, text in (("the error message", str(error)), ("the error's repr", repr(error)),
                        ("the traceback", "".join(traceback.format_exception(error))),
                        ("the source's repr", repr(source))):
        assert_no_key(key, where, text)
    session.close()  # type: ignore[no-untyped-call]  # everything on disk before it is read
    assert_no_key(key, "the cache file", stored(file))
    assert "REDACTED" in stored(file) or shape == "path"
    assert_no_key(key, "the logs", logged(caplog))
    assert "Retry" in logged(caplog)  # the logs were captured, the retry's URL among them
    figures["redirect shapes tried, key never stored"] += 1


def test_the_command_line_never_shows_the_key(
    httpserver: HTTPServer, cache: tuple[CachedSession, Path], caplog: pytest.LogCaptureFixture,
    figures: Counter[str],
) -> None:
    from cli import app

    key = KEYS["special"]
    session, _ = cache
    caplog.set_level(logging.DEBUG)
    serve(httpserver, "APP_ID= (upper case)", key)
    source = OpenExchangeRatesSource(app_id=key, base_url=httpserver.url_for("/api"),
                                     session=session)
    register_source(source, name="oxr-secret-test")
    try:
        runner = CliRunner()
        for day, code in (("2018-03-20", 0), ("2018-03-21", 3)):
            result = runner.invoke(app, ["convert", "1 USD", "--to", "VND", "--on", day,
                                         "--source", "oxr-secret-test", "--json"])
            assert result.exit_code == code, result.output
            assert_no_key(key, "the --json output", result.stdout + result.stderr)
        assert json.loads(result.stdout if code == 0 else "{}") == {}
    finally:
        unregister_source("oxr-secret-test")
    assert_no_key(key, "the logs", logged(caplog))
    figures["redirect shapes tried, key never stored"] += 1


def test_redact_by_value_in_every_encoding() -> None:
    key = "Ab/c d+e=f&g%hé-0123"
    redaction.register_secret(key)
    for form in [key, quote(key, safe=""), quote_plus(key), quote(quote(key, safe=""), safe=""),
                 lowered_hex(quote(key, safe="")), key.upper(), json.dumps(key)[1:-1],
                 base64.b64encode(key.encode()).decode()]:
        assert redaction.redact(f"x{form}y") == "xREDACTEDy", form
        assert redaction.redact_bytes(f"<{form}>".encode()) == b"<REDACTED>", form
    assert redaction.redact("?APP_ID=unregistered&x=1") == "?APP_ID=REDACTED&x=1"
    assert redaction.redact("?next=app_id%253Dunregistered") == "?next=app_id%253DREDACTED"
    assert redaction.redact(";app_id=unregistered") == ";app_id=REDACTED"
    assert redaction.redact("%3Bapp_id=unregistered") == "%3Bapp_id=REDACTED"
    redaction.register_secret("short")  # too short to be found by value: not registered
    assert redaction.redact("a short text") == "a short text"


def test_a_key_in_the_base_url_is_a_secret_too(
    httpserver: HTTPServer, cache: tuple[CachedSession, Path],
) -> None:
    session, _ = cache
    key = "base-url-key-0123456789abcdef"
    httpserver.expect_request(re.compile(".*")).respond_with_data("down", status=503)
    base = httpserver.url_for(f"/k/{key}").replace("http://", f"http://user:{key}@")
    source = OpenExchangeRatesSource(app_id=KEYS["plain"], base_url=base, session=session)
    with pytest.raises(SourceUnavailable) as failed:
        source.rate("USD", "VND", date(2018, 3, 20))
    assert_no_key(key, "the error message", str(failed.value))
    assert_no_key(key, "the source's repr", repr(source))


@pytest.mark.parametrize("kind", sorted(KEYS))
@pytest.mark.parametrize("where", ["as the rate", "as Retry-After"])
def test_a_key_sent_back_in_an_answer_never_reaches_the_message(
    httpserver: HTTPServer, cache: tuple[CachedSession, Path], where: str, kind: str,
    figures: Counter[str],
) -> None:
    """A server that sends the key back as a value (a rate that is no number, a
    ``Retry-After`` header) gets it quoted in no error message."""
    key = KEYS[kind]
    session, _ = cache
    if where == "as the rate":
        httpserver.expect_request(GOOD).respond_with_json({"base": "USD",
                                                           "rates": {"VND": key}})
    else:
        httpserver.expect_request(GOOD).respond_with_data(
            "slow down", status=429, headers={"Retry-After": key})
    source = OpenExchangeRatesSource(app_id=key, base_url=httpserver.url_for("/api"),
                                     session=session)
    with pytest.raises(SourceUnavailable) as failed:
        source.rate("USD", "VND", date(2018, 3, 20))
    for text in (str(failed.value), repr(failed.value),
                 "".join(traceback.format_exception(failed.value))):
        assert_no_key(key, "the error message", text)
    figures["redirect shapes tried, key never stored"] += 1
