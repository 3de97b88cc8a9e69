"""rates.session: where the cache lives and how the one session is configured."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import platformdirs
import pytest
from requests_cache import CachedSession

from rates import session as sessions


@pytest.fixture(autouse=True)
def _fresh_sessions() -> Iterator[None]:
    sessions.close_sessions()
    yield
    sessions.close_sessions()


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
    sessions.close_sessions()
    assert (tmp_path / sessions.CACHE_FILE).exists()
    sessions.clear_cache(tmp_path)  # no open session: the file is removed
    assert not (tmp_path / sessions.CACHE_FILE).exists()
    sessions.clear_cache(tmp_path)  # nothing to clear is fine
