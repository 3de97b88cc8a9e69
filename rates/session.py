"""The one HTTP session of the online sources: requests-cache over SQLite, built here only.

* File: ``<cache dir>/rates-http-v1.sqlite``; the cache directory is the ``cache_dir``
  argument, else the ``PENALTIES_CACHE_DIR`` environment variable, else
  ``platformdirs.user_cache_path("penalties")``.
* Expiry is set per request by each source: dated (historical) URLs never expire, "latest"
  URLs expire with the source's publication schedule. ``stale_if_error=True``: when a
  refresh fails (HTTP error, timeout, no network) the expired response is served and the
  source flags the rate ``stale``. Only HTTP 200 responses are stored.

:func:`build_session` puts together the parts that live beside this module, and
re-exports their public names from here:

* :mod:`rates.cachefile`: the SQLite file (private modes, WAL and :data:`BUSY_TIMEOUT_MS`,
  a corrupt file moved aside, an unwritable one replaced by a cache in memory, reads on one
  connection per thread, and a file damaged while the session runs rebuilt, or replaced by
  memory when the disk is full, in every thread, without an error reaching the caller).
* :mod:`rates.retry`: :class:`RetryPolicy` and the default :data:`RETRY`.
* :mod:`rates.redaction`: :data:`SECRET_PARAMETERS` (kept out of cache keys) and the
  registered secret values, kept out of the cache file (a JSON serializer, never pickle)
  and the logs in every encoding.

Nothing here imports ``requests``, ``requests_cache``, ``urllib3`` or ``sqlite3`` until a
session is first needed, so offline use of :mod:`rates` never loads the HTTP stack.

>>> import os, tempfile
>>> cache_dir(os.path.join(tempfile.gettempdir(), "x")).name
'x'
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rates.cachedb import sqlite_backend_class
from rates.cachefile import BUSY_TIMEOUT_MS, COMPANIONS, prepare, sqlite_error
from rates.errors import CacheWarning
from rates.redaction import SECRET_PARAMETERS, json_serializer, redact_logged_urls
from rates.retry import RETRY, RetryPolicy

if TYPE_CHECKING:
    from pathlib import Path

    from requests_cache import CachedSession

__all__ = [
    "BUSY_TIMEOUT_MS",
    "CACHE_FILE",
    "ENV_CACHE_DIR",
    "ENV_OFFLINE",
    "RETRY",
    "SECRET_PARAMETERS",
    "RetryPolicy",
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


def build_session(
    file: str | os.PathLike[str], *, retry: RetryPolicy | None = None
) -> CachedSession:
    """A new cached session on ``file``: the only place a session is configured.

    ``retry`` replaces :data:`RETRY` (read here, as ``rates.session.RETRY``). A corrupt
    ``file`` is moved aside and rebuilt; when no SQLite cache can be written there the
    session caches in memory only. Both cases emit a :class:`~rates.errors.CacheWarning`.
    A file damaged, deleted or replaced while the session runs is rebuilt; a disk that
    fills moves the cache to memory, with one warning (see :mod:`rates.cachefile`).
    """
    from pathlib import Path

    from requests_cache import DEFAULT_IGNORED_PARAMS, CachedSession

    from rates.online._deadline import bounded_adapter

    settings: dict[str, Any] = {
        "expire_after": DEFAULT_EXPIRY_SECONDS,
        "stale_if_error": True,
        "allowable_codes": (200,),
        "allowable_methods": ("GET", "HEAD"),
        "ignored_parameters": list(
            dict.fromkeys([*DEFAULT_IGNORED_PARAMS, *sorted(SECRET_PARAMETERS)])
        ),
        "cache_control": False,
        "match_headers": False,
    }
    target = Path(file)
    problem = prepare(target)
    session: CachedSession | None = None
    if problem is None:
        try:
            backend = sqlite_backend_class()(
                str(target), serializer=json_serializer(), wal=True,
                busy_timeout=BUSY_TIMEOUT_MS,
            )
            session = CachedSession(backend=backend, **settings)
        except (OSError, sqlite_error()) as error:
            problem = str(error)
    if session is None:
        warnings.warn(
            CacheWarning(
                f"the HTTP cache {target} cannot be used ({problem}): working without a "
                "cache (in memory, for this session only)"
            ),
            stacklevel=2,
        )
        session = CachedSession(str(target), backend="memory", **settings)
    # connections watched for the deadline of the lookup they work for (rates.online._deadline)
    adapter = bounded_adapter((retry or RETRY).urllib3_retry())
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = "penalties-rates/0.1 (python-requests)"
    redact_logged_urls()
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
    """Delete every cached HTTP response of the cache directory ``path``.

    The file is emptied in place, so that threads and processes using it go on as they were;
    a file that is not a cache, or that cannot be emptied (no space to rewrite it), is
    removed (its users rebuild it, see :mod:`rates.cachefile`).
    """
    file = cache_file(path)
    session = _sessions.get(str(file))
    if session is not None:
        session.cache.clear()  # type: ignore[no-untyped-call]
        if not getattr(session.cache, "in_memory", True):
            return  # the file itself was emptied
    if file.is_file() and _empty(file):
        return
    for suffix in ("", *COMPANIONS):
        candidate = file.with_name(file.name + suffix)
        if candidate.is_file():
            candidate.unlink()


def _empty(file: Path) -> bool:
    """Delete the rows of the cache's tables in ``file`` and give back the space; False when
    it is not a cache, or when the disk is too full for either."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(sqlite3.connect(file, timeout=BUSY_TIMEOUT_MS / 1000,
                                     isolation_level=None)) as database:
            found = database.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name IN ('responses', 'redirects')").fetchall()
            if not found:
                return False
            database.execute("BEGIN IMMEDIATE")
            for (table,) in found:
                database.execute(f"DELETE FROM {table}")  # noqa: S608 - one of two names
            database.execute("COMMIT")
            try:
                database.execute("VACUUM")  # may wait for readers: then the space stays
            except sqlite3.OperationalError as error:
                return error.sqlite_errorname != "SQLITE_FULL"
    except sqlite3.Error:
        return False
    return True


def close_sessions() -> None:
    """Close every shared session (their SQLite connections); the next use reopens."""
    with _lock:
        for session in _sessions.values():
            session.close()  # type: ignore[no-untyped-call]
        _sessions.clear()
