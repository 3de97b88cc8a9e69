"""The one HTTP session of the online sources: requests-cache over SQLite, built here only.

* File: ``<cache dir>/rates-http-v1.sqlite``; the cache directory is the ``cache_dir``
  argument, else the ``PENALTIES_CACHE_DIR`` environment variable, else
  ``platformdirs.user_cache_path("penalties")``. A directory created here gets mode 0700;
  the cache file (and the ``-wal``/``-shm`` files SQLite adds beside it, which take the
  file's mode) has mode 0600.
* Serializer: JSON (never pickle: nothing executable is read back from disk), with every
  secret query parameter redacted from the stored text.
* Expiry is set per request by each source: dated (historical) URLs never expire, "latest"
  URLs expire with the source's publication schedule. ``stale_if_error=True``: when a
  refresh fails (HTTP error, timeout, no network) the expired response is served and the
  source flags the rate ``stale``. Only HTTP 200 responses are stored.
* Secrets: every query parameter in :data:`SECRET_PARAMETERS` (requests-cache's defaults
  such as ``api_key`` plus ``app_id``, ``access_key``, and any a source declares) is left out
  of cache keys and redacted from what is stored, and from what urllib3 and requests-cache
  log (a retry logs the URL).
* Retries: connection errors, read errors and HTTP 429/500/502/503/504 on GET are tried
  again a few times (:data:`RETRY`, a :class:`RetryPolicy`), with a short exponential
  backoff or the server's ``Retry-After``, each wait capped, so a failing source gives up
  within a bounded time.
* Concurrency: SQLite in WAL mode (readers never block the writer) with a busy timeout of
  :data:`BUSY_TIMEOUT_MS`, so threads (one shared session per process and directory) and
  processes can share one cache directory.
* Robustness: a cache file that SQLite reports corrupt or that is not a database is moved
  aside to ``<name>.corrupt-<UTC timestamp>`` and rebuilt; a cache that cannot be written
  (read-only directory, no space, a path that is not a directory) means working without a
  cache, in memory, for the life of the session. Both say so with a
  :class:`~rates.errors.CacheWarning`; neither raises.

Nothing here imports ``requests``, ``requests_cache``, ``urllib3`` or ``sqlite3`` until a
session is first needed, so offline use of :mod:`rates` never loads the HTTP stack.

>>> import os, tempfile
>>> cache_dir(os.path.join(tempfile.gettempdir(), "x")).name
'x'
>>> RetryPolicy(retries=2, max_wait=3.0).longest_wait
6.0
"""

from __future__ import annotations

import os
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Self

from rates.errors import CacheWarning

if TYPE_CHECKING:
    import logging
    from pathlib import Path

    from requests_cache import CachedSession
    from urllib3.util.retry import Retry

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
#: Query parameters that never reach a cache key or the cache file, besides requests-cache's
#: own defaults (``Authorization``, ``X-API-Key``, ``api_key``, ``apikey``, ...).
SECRET_PARAMETERS: set[str] = {"app_id", "access_key", "api_key", "apikey", "access_token"}
#: Default expiry for a request that sets none: one hour.
DEFAULT_EXPIRY_SECONDS = 3600
#: How long SQLite waits for a lock held by another thread or process, in milliseconds.
BUSY_TIMEOUT_MS = 30_000

#: Mode of a cache directory created here, and of the cache file.
_DIRECTORY_MODE = 0o700
_FILE_MODE = 0o600
#: Files SQLite keeps beside the database.
_COMPANIONS = ("-wal", "-shm", "-journal")
#: Loggers that write request URLs (urllib3 on each retry, requests-cache when it serves a
#: stale response after an error, with the error's text).
_URL_LOGGERS = ("urllib3.connectionpool", "urllib3.util.retry", "requests_cache.session")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a failed GET is tried again: a bounded number of times, with short waits.

    ``retries`` more attempts after the first, on connection errors, read errors (a
    timeout or a connection dropped mid-answer) and the HTTP ``statuses``. The wait before
    the n-th retry is the server's ``Retry-After`` if it sends one, else
    ``backoff_factor * 2 ** (n - 1)`` seconds (the first retry is immediate); either way
    at most ``max_wait`` seconds. So a request that keeps failing gives up after at most
    ``retries + 1`` attempts of the source's ``timeout`` each plus :attr:`longest_wait`.
    ``RetryPolicy(retries=0)`` turns retries off.
    """

    retries: int = 2
    backoff_factor: float = 0.25
    max_wait: float = 3.0
    statuses: tuple[int, ...] = (429, 500, 502, 503, 504)

    def __post_init__(self) -> None:
        if self.retries < 0 or self.backoff_factor < 0 or self.max_wait < 0:
            raise ValueError(f"a retry policy needs non-negative numbers, not {self!r}")

    @property
    def longest_wait(self) -> float:
        """The most time spent waiting between the attempts of one request, in seconds."""
        return self.retries * self.max_wait

    def urllib3_retry(self) -> Retry:
        """This policy as a urllib3 ``Retry`` (GET and HEAD only; the last response of a
        status that kept failing is returned, not raised)."""
        return _capped_retry_class()(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=0,
            allowed_methods=frozenset({"GET", "HEAD"}),
            status_forcelist=frozenset(self.statuses),
            backoff_factor=self.backoff_factor,
            backoff_max=self.max_wait,
            respect_retry_after_header=True,
            raise_on_status=False,
            max_wait=self.max_wait,
        )


#: The retry policy of sessions built without one (tests replace it to stay fast).
RETRY = RetryPolicy()


@cache
def _capped_retry_class() -> Callable[..., Retry]:
    """urllib3's ``Retry`` with every ``Retry-After`` capped (defined on first use, so
    importing this module does not import urllib3)."""
    from urllib3.exceptions import InvalidHeader
    from urllib3.util.retry import Retry

    class CappedRetry(Retry):
        """A ``Retry`` whose ``Retry-After`` waits are at most ``max_wait`` seconds; an
        unreadable ``Retry-After`` falls back to the backoff."""

        def __init__(self, *args: Any, max_wait: float = 3.0, **kwargs: Any) -> None:  # noqa: ANN401
            super().__init__(*args, **kwargs)
            self.max_wait = max_wait

        def new(self, **kw: Any) -> Self:  # noqa: ANN401
            fresh = super().new(**kw)
            fresh.max_wait = self.max_wait
            return fresh

        def parse_retry_after(self, retry_after: str) -> float:
            try:
                seconds = super().parse_retry_after(retry_after)
            except InvalidHeader:
                return 0.0
            return min(seconds, self.max_wait)

    return CappedRetry


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

    ``retry`` replaces :data:`RETRY`. A corrupt ``file`` is moved aside and rebuilt; when
    no SQLite cache can be written there the session caches in memory only. Both cases
    emit a :class:`~rates.errors.CacheWarning` (see the module docstring).
    """
    from pathlib import Path

    from requests.adapters import HTTPAdapter
    from requests_cache import DEFAULT_IGNORED_PARAMS, CachedSession

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
    problem = _prepare(target)
    session: CachedSession | None = None
    if problem is None:
        try:
            backend = _sqlite_backend_class()(
                str(target), serializer=_json_serializer(), wal=True,
                busy_timeout=BUSY_TIMEOUT_MS,
            )
            session = CachedSession(backend=backend, **settings)
        except (OSError, _sqlite_error()) as error:
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
    adapter = HTTPAdapter(max_retries=(retry or RETRY).urllib3_retry())
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = "penalties-rates/0.1 (python-requests)"
    _redact_logged_urls()
    return session


@cache
def _sqlite_backend_class() -> Callable[..., Any]:
    """requests-cache's SQLite backend, with reads on one connection per thread (defined on
    first use, so importing this module does not import requests-cache)."""
    import sqlite3
    from contextlib import contextmanager

    from requests_cache.backends.base import BaseCache
    from requests_cache.backends.sqlite import SQLiteCache, SQLiteDict

    class ThreadSafeSQLiteDict(SQLiteDict):
        """requests-cache's ``SQLiteDict`` whose reads use a connection of their thread.

        requests-cache reads on the connection its writes use, from any thread and without
        its lock. A thread that begins a write while another reads on that connection can
        get "busy" at once (a stale WAL snapshot, which no busy timeout waits out), and the
        other thread's result code, left on the shared connection, turns it into a
        ``DatabaseError`` ("no more rows available") that escapes requests-cache's retry
        loop. Here writes keep requests-cache's shared connection and lock, one transaction
        at a time, and every thread reads on its own connection.
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
            self._readers: dict[threading.Thread, sqlite3.Connection] = {}
            self._readers_lock = threading.Lock()
            super().__init__(*args, **kwargs)

        @contextmanager
        def connection(self, commit: bool = False) -> Iterator[sqlite3.Connection]:
            """The shared connection to write (``commit=True``), else this thread's."""
            if commit:
                with super().connection(commit=True) as shared:
                    yield shared
            else:
                yield self._reader()

        def _reader(self) -> sqlite3.Connection:
            thread = threading.current_thread()
            reader = self._readers.get(thread)
            if reader is None:
                reader = sqlite3.connect(
                    self.db_path, isolation_level=None, **self.connection_kwargs
                )
                if self.busy_timeout is not None:
                    reader.execute(f"PRAGMA busy_timeout={int(self.busy_timeout)}")
                with self._readers_lock:
                    for gone in [known for known in self._readers if not known.is_alive()]:
                        self._readers.pop(gone).close()
                    self._readers[thread] = reader
            return reader

        def close(self) -> None:
            """Close the shared connection and every thread's."""
            super().close()  # type: ignore[no-untyped-call]
            with self._readers_lock:
                for reader in self._readers.values():
                    reader.close()
                self._readers.clear()

    class ThreadSafeSQLiteCache(SQLiteCache):
        """:class:`SQLiteCache` over :class:`ThreadSafeSQLiteDict` tables."""

        def __init__(self, db_path: str, serializer: Any = None, **kwargs: Any) -> None:  # noqa: ANN401
            BaseCache.__init__(self, cache_name=db_path, **kwargs)
            self.responses = ThreadSafeSQLiteDict(
                db_path, table_name="responses", serializer=serializer, **kwargs
            )
            self.redirects = ThreadSafeSQLiteDict(
                db_path, table_name="redirects", lock=self.responses._lock, serializer=None,
                **kwargs,
            )

    return ThreadSafeSQLiteCache


def _sqlite_error() -> type[Exception]:
    import sqlite3

    return sqlite3.Error


def _prepare(file: Path) -> str | None:
    """Make ``file`` ready to be the SQLite cache; ``None``, or why it cannot be one.

    Creates the directory (0700) and the file (0600), tightens the mode of an existing
    file and its companions, and checks the database: corrupt → moved aside (with a
    :class:`~rates.errors.CacheWarning`) and created again.
    """
    directory = file.parent
    try:
        if not directory.is_dir():
            directory.mkdir(mode=_DIRECTORY_MODE, parents=True, exist_ok=True)
        for _ in range(2):  # a corrupt file is moved aside once; the new one must work
            inode = _open_private(file)
            corrupt, problem = _check_database(file)
            if not corrupt:
                return problem
            _move_aside(file, inode, problem)
    except OSError as error:
        return f"{error.strerror or error}: {error.filename or file}"
    return problem


def _open_private(file: Path) -> int:
    """Create ``file`` with mode 0600 if missing, tighten an existing one's (and its
    companions') mode when it is ours; the file's inode. Raises ``OSError`` when the file
    cannot be opened for writing."""
    descriptor = os.open(file, os.O_RDWR | os.O_CREAT, _FILE_MODE)
    try:
        facts = os.fstat(descriptor)
        if facts.st_mode & 0o077 and os.name == "posix" and facts.st_uid == os.geteuid():
            os.fchmod(descriptor, _FILE_MODE)
    finally:
        os.close(descriptor)
    for suffix in _COMPANIONS:
        companion = file.with_name(file.name + suffix)
        try:
            mode = companion.stat().st_mode
            if mode & 0o077:
                companion.chmod(_FILE_MODE)
        except OSError:
            pass  # absent, or not ours: SQLite creates it with the file's mode
    return facts.st_ino


def _check_database(file: Path) -> tuple[bool, str | None]:
    """(corrupt, problem) of the SQLite file: (False, None) when it is a usable cache."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(
            sqlite3.connect(file, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        ) as database:
            database.execute("PRAGMA journal_mode=WAL")
            verdict = database.execute("PRAGMA quick_check(1)").fetchone()
            if verdict is None or verdict[0] != "ok":
                found = str(verdict[0] if verdict else "no answer").splitlines()
                return True, "quick_check: " + " ".join(found[:2])
            database.execute("BEGIN IMMEDIATE")  # can it be written?
            database.execute("ROLLBACK")
    except sqlite3.Error as error:
        name = getattr(error, "sqlite_errorname", "")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return True, str(error)
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return False, None  # busy in another process: usable, it waits its turn
        return False, str(error)
    return False, None


def _move_aside(file: Path, inode: int, problem: str | None) -> None:
    """Rename a corrupt cache file (and its companions) to ``<name>.corrupt-<timestamp>``
    and say so, unless another process already replaced it."""
    from datetime import UTC, datetime

    try:
        if file.stat().st_ino != inode:
            return  # another process moved it aside and made a new one meanwhile
    except FileNotFoundError:
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = file.with_name(f"{file.name}.corrupt-{stamp}")
    os.replace(file, aside)
    for suffix in _COMPANIONS:
        companion = file.with_name(file.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    warnings.warn(
        CacheWarning(
            f"the HTTP cache {file} was corrupt ({problem}): moved aside to {aside.name} "
            "and rebuilt empty"
        ),
        stacklevel=4,
    )


def _redact(text: str) -> str:
    """``text`` with the value of every secret query parameter replaced by ``REDACTED``.

    >>> _redact("/latest.json?base=USD&app_id=s3cr3t&x=1")
    '/latest.json?base=USD&app_id=REDACTED&x=1'
    """
    names = "|".join(re.escape(name) for name in sorted(SECRET_PARAMETERS.copy()))
    pattern = rf"(?<=[?&;])({names})=[^&\s'\"#)\\]*"
    return re.sub(pattern, r"\1=REDACTED", text, flags=re.IGNORECASE)


def _json_serializer() -> Any:  # noqa: ANN401 - requests-cache's SerializerPipeline
    """requests-cache's JSON serializer, plus a last step that redacts secret query
    parameters anywhere in the stored text: requests-cache redacts the request and the
    final URL, not a redirect's ``Location`` header kept in the response history."""
    from requests_cache.serializers import SerializerPipeline, Stage, json_serializer

    redact = Stage(dumps=_redact, loads=lambda text: text)
    stages = [*json_serializer.copy().stages, redact]
    return SerializerPipeline(stages, name="json", is_binary=False)


class _RedactSecrets:
    """A logging filter: the values of secret query parameters become ``REDACTED`` in the
    message and in the traceback text of a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it."""
        import logging

        message = record.getMessage()
        cleaned = _redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _redact(record.exc_text)
            record.exc_info = None
        return True


def _redact_logged_urls() -> None:
    """Attach :class:`_RedactSecrets` to the loggers that write request URLs (once)."""
    import logging

    for name in _URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, _RedactSecrets) for existing in logger.filters):
            logger.addFilter(_RedactSecrets())


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
    for suffix in ("", *_COMPANIONS):
        candidate = file.with_name(file.name + suffix)
        if candidate.exists():
            candidate.unlink()


def close_sessions() -> None:
    """Close every shared session (their SQLite connections); the next use reopens."""
    with _lock:
        for session in _sessions.values():
            session.close()  # type: ignore[no-untyped-call]
        _sessions.clear()
