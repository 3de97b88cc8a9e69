"""The one HTTP session of the online sources: requests-cache over SQLite, built here only.

* File: ``<cache dir>/rates-http-v1.sqlite``; the cache directory is the ``cache_dir``
  argument, else the ``PENALTIES_CACHE_DIR`` environment variable, else
  ``platformdirs.user_cache_path("penalties")``. It is created with mode 0700.
* Serializer: JSON (never pickle: nothing executable is read back from disk).
* Expiry is set per request by each source: dated (historical) URLs never expire, "latest"
  URLs expire with the source's publication schedule. ``stale_if_error=True``: when a
  refresh fails (HTTP error, timeout, no network) the expired response is served and the
  source flags the rate ``stale``. Only HTTP 200 responses are stored.
* Secrets: every query parameter in :data:`SECRET_PARAMETERS` (requests-cache's defaults
  such as ``api_key`` plus ``app_id``, ``access_key``, and any a source declares) is left out
  of cache keys and redacted from what is stored.

Nothing here imports ``requests`` or ``requests_cache`` until a session is first needed, so
offline use of :mod:`rates` never loads the HTTP stack.

>>> import os, tempfile
>>> cache_dir(os.path.join(tempfile.gettempdir(), "x")).name
'x'
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from requests_cache import CachedSession

__all__ = [
    "CACHE_FILE",
    "ENV_CACHE_DIR",
    "ENV_OFFLINE",
    "SECRET_PARAMETERS",
    "add_secret_parameters",
    "build_session",
    "cache_dir",
    "cache_file",
    "clear_cache",
    "close_sessions",
    "get_session",
    "offline_by_default",
]

#: Environment variable that moves the cache directory.
ENV_CACHE_DIR = "PENALTIES_CACHE_DIR"
#: Environment variable that puts online sources in offline (cache-only) mode: "1", "true".
ENV_OFFLINE = "PENALTIES_OFFLINE"
#: Cache file name; the version changes when the cache layout changes.
CACHE_FILE = "rates-http-v1.sqlite"
#: Query parameters that never reach a cache key or the cache file, besides requests-cache's
#: own defaults (``Authorization``, ``X-API-Key``, ``api_key``, ``apikey``, ...).
SECRET_PARAMETERS: set[str] = {"app_id", "access_key", "api_key", "apikey", "access_token"}
#: Default expiry for a request that sets none: one hour.
DEFAULT_EXPIRY_SECONDS = 3600

_sessions: dict[str, CachedSession] = {}
_lock = threading.Lock()


def offline_by_default() -> bool:
    """True when ``PENALTIES_OFFLINE`` asks online sources to read only their cache."""
    return os.environ.get(ENV_OFFLINE, "").strip().lower() in ("1", "true", "yes", "on")


def cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The cache directory: ``path``, else ``$PENALTIES_CACHE_DIR``, else the user's one."""
    from pathlib import Path

    if path is not None:
        return Path(path)
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured:
        return Path(configured)
    import platformdirs

    return platformdirs.user_cache_path("penalties")


def cache_file(path: str | os.PathLike[str] | None = None) -> Path:
    """The SQLite file of the HTTP cache in :func:`cache_dir`."""
    return cache_dir(path) / CACHE_FILE


def build_session(file: str | os.PathLike[str]) -> CachedSession:
    """A new cached session on ``file``: the only place a session is configured."""
    from pathlib import Path

    from requests_cache import DEFAULT_IGNORED_PARAMS, CachedSession

    target = Path(file)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    session = CachedSession(
        str(target),
        backend="sqlite",
        serializer="json",
        expire_after=DEFAULT_EXPIRY_SECONDS,
        stale_if_error=True,
        allowable_codes=(200,),
        allowable_methods=("GET", "HEAD"),
        ignored_parameters=[*DEFAULT_IGNORED_PARAMS, *sorted(SECRET_PARAMETERS)],
        cache_control=False,
        match_headers=False,
    )
    session.headers["User-Agent"] = "penalties-rates/0.1 (python-requests)"
    return session


def get_session(path: str | os.PathLike[str] | None = None) -> CachedSession:
    """The shared session of the cache directory ``path`` (see :func:`cache_dir`)."""
    key = str(cache_file(path))
    session = _sessions.get(key)
    if session is None:
        with _lock:
            session = _sessions.get(key)
            if session is None:
                session = build_session(key)
                _sessions[key] = session
    return session


def add_secret_parameters(names: Iterable[str]) -> None:
    """Declare more secret query parameters; applies to sessions already built too."""
    new = set(names) - SECRET_PARAMETERS
    if not new:
        return
    with _lock:
        SECRET_PARAMETERS.update(new)
        for session in _sessions.values():
            ignored = list(session.settings.ignored_parameters or ())
            session.settings.ignored_parameters = [*ignored, *sorted(new - set(ignored))]


def clear_cache(path: str | os.PathLike[str] | None = None) -> None:
    """Delete every cached HTTP response of the cache directory ``path``."""
    file = cache_file(path)
    session = _sessions.get(str(file))
    if session is not None:
        session.cache.clear()  # type: ignore[no-untyped-call]
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = file.with_name(file.name + suffix)
        if candidate.exists():
            candidate.unlink()


def close_sessions() -> None:
    """Close every shared session (their SQLite connections); the next use reopens."""
    with _lock:
        for session in _sessions.values():
            session.close()  # type: ignore[no-untyped-call]
        _sessions.clear()
