"""rates.session: where the cache lives and how the one session is configured: SQLite
settings, bounded retries with capped waits, and logs that never show a key."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import socket
import sqlite3
import stat
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import format_datetime
from pathlib import Path

import platformdirs
import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession
from requests_cache.backends.sqlite import SQLiteDict

from rates import session as sessions
from rates.errors import SourceUnavailable
from rates.online.open_er_api import OpenErApiSource
from rates.online.openexchangerates import OpenExchangeRatesSource

KEY = "session-test-app-id-0123456789"


@pytest.fixture(autouse=True)
def _fresh_sessions() -> Iterator[None]:
    sessions.close_sessions()
    yield
    sessions.close_sessions()


#: The longest a wait-for-another-thread loop waits: a hang guard far above a normal run,
#: which ends as soon as the condition holds.
HANG_GUARD = 120.0


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits urllib3's retries ask for in this thread, in seconds (counted, not timed:
    a busy machine makes them last longer, never shorter)."""
    asked: list[float] = []
    sleep = time.sleep
    me = threading.get_ident()

    def recorded(seconds: float) -> None:
        if threading.get_ident() == me:
            asked.append(seconds)
        sleep(seconds)

    monkeypatch.setattr(time, "sleep", recorded)  # the module urllib3's Retry.sleep calls
    return asked


def test_cache_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(sessions.ENV_CACHE_DIR, raising=False)
    assert sessions.cache_dir() == platformdirs.user_cache_path("penalties")
    monkeypatch.setenv(sessions.ENV_CACHE_DIR, str(tmp_path / "env"))
    assert sessions.cache_dir() == tmp_path / "env"
    assert sessions.cache_dir(tmp_path / "arg") == tmp_path / "arg"
    assert sessions.cache_file() == tmp_path / "env" / "rates-http-v1.sqlite"


def test_offline_by_default_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sessions.ENV_OFFLINE, raising=False)
    assert not sessions.offline_by_default()
    for value in ("1", "true", "YES", "on"):
        monkeypatch.setenv(sessions.ENV_OFFLINE, value)
        assert sessions.offline_by_default()
    monkeypatch.setenv(sessions.ENV_OFFLINE, "0")
    assert not sessions.offline_by_default()


def test_session_settings(tmp_path: Path) -> None:
    with closing(sessions.build_session(tmp_path / "deep" / "cache.sqlite")) as session:
        assert isinstance(session, CachedSession)
        settings = session.settings
        assert settings.stale_if_error is True
        assert tuple(settings.allowable_codes) == (200,)
        assert settings.cache_control is False
        assert "app_id" in settings.ignored_parameters
        assert "access_key" in settings.ignored_parameters
        assert "Authorization" in settings.ignored_parameters  # requests-cache's defaults kept
        serializer = session.cache.responses.serializer
        assert serializer is not None
        assert serializer.name == "json"
        assert (tmp_path / "deep" / "cache.sqlite").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_cache_directory_is_private(tmp_path: Path) -> None:
    with closing(sessions.build_session(tmp_path / "private" / "cache.sqlite")):
        pass
    mode = stat.S_IMODE(os.stat(tmp_path / "private").st_mode)
    assert mode & 0o077 == 0


def test_one_shared_session_per_directory(tmp_path: Path) -> None:
    first = sessions.get_session(tmp_path)
    assert sessions.get_session(tmp_path) is first
    assert sessions.get_session(tmp_path / "other") is not first
    assert Path(first.cache.db_path) == tmp_path / sessions.CACHE_FILE


def test_secret_parameters_apply_to_live_sessions(tmp_path: Path) -> None:
    live = sessions.get_session(tmp_path)
    sessions.add_secret_parameters(["x_test_secret"])
    assert "x_test_secret" in live.settings.ignored_parameters
    assert "x_test_secret" in sessions.SECRET_PARAMETERS
    sessions.SECRET_PARAMETERS.discard("x_test_secret")


def test_clear_cache(tmp_path: Path) -> None:
    live = sessions.get_session(tmp_path)
    live.cache.responses["k"] = "v"  # type: ignore[assignment]
    sessions.clear_cache(tmp_path)
    assert len(live.cache.responses) == 0
    live.cache.responses["k"] = "v"  # type: ignore[assignment]
    sessions.close_sessions()
    file = tmp_path / sessions.CACHE_FILE
    with closing(sessions.build_session(file)) as other:  # another process's session
        assert len(other.cache.responses) == 1
        sessions.clear_cache(tmp_path)  # no session here: emptied in place, file kept
        assert len(other.cache.responses) == 0  # the other session goes on, no rebuild
        other.cache.responses["k2"] = "v"  # type: ignore[assignment]
        assert getattr(other.cache, "rebuilds", None) == 0
    assert file.exists()
    file.write_bytes(b"not a database")
    sessions.clear_cache(tmp_path)  # not a cache: removed
    assert not file.exists()
    sessions.clear_cache(tmp_path)  # nothing to clear is fine


def test_sqlite_is_shared_safely(tmp_path: Path) -> None:
    """WAL (readers never block the writer) and a busy timeout (writers wait their turn)."""
    with closing(sessions.build_session(tmp_path / "cache.sqlite")) as session:
        responses = session.cache.responses
        assert isinstance(responses, SQLiteDict)
        assert responses.wal is True
        assert responses.busy_timeout == sessions.BUSY_TIMEOUT_MS
        with responses.connection() as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert connection.execute("PRAGMA busy_timeout").fetchone() == (30_000,)


def test_each_thread_reads_on_its_own_connection(tmp_path: Path) -> None:
    """Writes share one connection, one transaction at a time (requests-cache's lock);
    reads never use it, so a read in one thread cannot upset a write in another."""
    with closing(sessions.build_session(tmp_path / "cache.sqlite")) as session:
        responses = session.cache.responses
        assert isinstance(responses, SQLiteDict)
        readers: list[object] = []

        def read() -> None:
            with responses.connection() as reader:
                readers.append(reader)

        for _ in range(2):
            thread = threading.Thread(target=read)
            thread.start()
            thread.join()
        read()
        read()
        with responses.connection(commit=True) as writer:
            assert writer is responses._connection
        assert len({id(reader) for reader in readers}) == 3  # two threads, then this one
        assert readers[2] is readers[3]
        assert writer not in readers
        responses["key"] = "value"
        assert responses["key"] == "value"  # read back on another connection
    with pytest.raises(sqlite3.ProgrammingError):  # closing the session closed them all
        readers[2].execute("SELECT 1")  # type: ignore[attr-defined]


# -- retries ---------------------------------------------------------------------------------


def test_retry_policy_settings(tmp_path: Path) -> None:
    policy = sessions.RetryPolicy(retries=3, backoff_factor=0.1, max_wait=2.0)
    assert policy.longest_wait == 6.0
    with closing(sessions.build_session(tmp_path / "cache.sqlite", retry=policy)) as session:
        for scheme in ("https://example.org", "http://localhost"):
            retry = session.get_adapter(scheme).max_retries  # type: ignore[attr-defined]
            assert (retry.total, retry.connect, retry.read, retry.status) == (3, 3, 3, 3)
            assert retry.status_forcelist == {429, 500, 502, 503, 504}
            assert retry.allowed_methods == {"GET", "HEAD"}
            assert (retry.backoff_factor, retry.backoff_max) == (0.1, 2.0)
            assert retry.raise_on_status is False
    default = sessions.RETRY
    assert (default.retries, default.backoff_factor, default.max_wait) == (2, 0.25, 3.0)
    assert default.longest_wait <= 10  # a failing source gives up within seconds
    with pytest.raises(ValueError, match="non-negative"):
        sessions.RetryPolicy(retries=-1)


def test_get_session_uses_the_module_policy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sessions, "RETRY", sessions.RetryPolicy(retries=0))
    retry = sessions.get_session(tmp_path).get_adapter("https://x").max_retries  # type: ignore[attr-defined]
    assert retry.total == 0


def _oxr(server: HTTPServer, session: CachedSession) -> OpenExchangeRatesSource:
    return OpenExchangeRatesSource(app_id=KEY, base_url=server.url_for("/api"), session=session)


OXR_PATH = "/api/historical/2018-03-19.json"
OXR_BODY = json.dumps({"base": "USD", "rates": {"VND": 22780.5}})


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_attempts_are_bounded(httpserver: HTTPServer, tmp_path: Path, retries: int) -> None:
    httpserver.expect_request(OXR_PATH).respond_with_data("busy", status=503)
    policy = sessions.RetryPolicy(retries=retries, backoff_factor=0, max_wait=0.01)
    with (
        closing(sessions.build_session(tmp_path / "c.sqlite", retry=policy)) as session,
        pytest.raises(SourceUnavailable, match="HTTP 503") as caught,
    ):
        _oxr(httpserver, session).rate("USD", "VND", date(2018, 3, 19))
    assert len(httpserver.log) == retries + 1  # what the server saw
    assert (f"after {retries + 1} attempts" in str(caught.value)) is (retries > 0)


def test_429_with_retry_after_then_200(httpserver: HTTPServer, tmp_path: Path,
                                       waits: list[float]) -> None:
    """Retry-After is honoured, but never longer than max_wait; then the answer is used."""
    httpserver.expect_ordered_request(OXR_PATH).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_ordered_request(OXR_PATH).respond_with_data(OXR_BODY)
    policy = sessions.RetryPolicy(retries=2, backoff_factor=0, max_wait=0.3)
    with closing(sessions.build_session(tmp_path / "c.sqlite", retry=policy)) as session:
        rate = _oxr(httpserver, session).rate("USD", "VND", date(2018, 3, 19))
    assert rate.value == Decimal("22780.5")
    assert len(httpserver.log) == 2
    assert waits == [0.3]  # the wait the server asked for, capped at 0.3 s


def test_retry_after_as_a_date_and_unreadable(httpserver: HTTPServer, tmp_path: Path,
                                              waits: list[float]) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    for value in (later, "soon"):
        httpserver.expect_oneshot_request(OXR_PATH).respond_with_data(
            "slow down", status=503, headers={"Retry-After": value}
        )
    httpserver.expect_request(OXR_PATH).respond_with_data(OXR_BODY)
    policy = sessions.RetryPolicy(retries=2, backoff_factor=0, max_wait=0.2)
    with closing(sessions.build_session(tmp_path / "c.sqlite", retry=policy)) as session:
        assert _oxr(httpserver, session).rate("USD", "VND", date(2018, 3, 19)).value > 0
    assert len(httpserver.log) == 3
    assert waits == [0.2]  # an hour ahead, capped; "soon" falls back to the backoff (0 s)


def test_dropped_connections_are_retried(tmp_path: Path) -> None:
    """A server that accepts and hangs up at once: read errors, tried again, then given up."""
    seen: list[int] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(5)

        def hang_up() -> None:
            with contextlib.suppress(OSError):
                while True:
                    connection, _ = listener.accept()
                    connection.recv(1024)
                    connection.close()
                    seen.append(1)

        threading.Thread(target=hang_up, daemon=True).start()
        port = listener.getsockname()[1]
        policy = sessions.RetryPolicy(retries=2, backoff_factor=0, max_wait=0)
        with closing(sessions.build_session(tmp_path / "c.sqlite", retry=policy)) as session:
            source = OpenErApiSource(base_url=f"http://127.0.0.1:{port}/v6", session=session)
            with pytest.raises(SourceUnavailable, match="request failed"):
                source.rate("USD", "VND", date(2026, 11, 28))
        deadline = time.monotonic() + HANG_GUARD
        while len(seen) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert len(seen) == 3


def test_refused_connections_are_retried_with_backoff(tmp_path: Path,
                                                      waits: list[float]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    policy = sessions.RetryPolicy(retries=2, backoff_factor=0.1, max_wait=1.0)
    with closing(sessions.build_session(tmp_path / "c.sqlite", retry=policy)) as session:
        source = OpenErApiSource(base_url=f"http://127.0.0.1:{port}/v6", session=session)
        with pytest.raises(SourceUnavailable, match="could not connect"):
            source.rate("USD", "VND", date(2026, 11, 28))
    assert [w for w in waits if w] == [pytest.approx(0.2)]  # at once, then after 0.1 * 2 s


def test_logged_urls_never_show_a_key(
    httpserver: HTTPServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """urllib3 logs the URL of each retry; requests-cache logs the error it served stale
    data for. The key is redacted from both."""
    httpserver.expect_oneshot_request(OXR_PATH).respond_with_data(OXR_BODY)
    httpserver.expect_request(OXR_PATH).respond_with_data("oops", status=500)
    policy = sessions.RetryPolicy(retries=1, backoff_factor=0, max_wait=0)
    caplog.set_level(logging.DEBUG)
    with closing(sessions.build_session(tmp_path / "c.sqlite", retry=policy)) as session:
        source = _oxr(httpserver, session)
        source.rate("USD", "VND", date(2018, 3, 19))
        for key in list(session.cache.responses.keys()):
            stored = session.cache.responses[key]
            stored.expires = datetime.now(UTC) - timedelta(seconds=1)
            session.cache.responses[key] = stored
        assert source.rate("USD", "VND", date(2018, 3, 19)).stale
    ours = [r for r in caplog.records if not r.name.startswith("werkzeug")]  # not the server
    handler = logging.StreamHandler(io.StringIO())
    logged = "\n".join(handler.format(record) for record in ours)
    assert "Retry: /api/historical/2018-03-19.json?app_id=REDACTED" in logged
    assert "failed; using cached response" in logged
    assert "app_id=REDACTED" in logged
    assert KEY not in logged
