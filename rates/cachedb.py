"""The backend of the HTTP cache: requests-cache's SQLite backend, read on one connection per
thread, and rebuilt when its file is damaged under a running process.

The file itself (its modes, its check at start, moving a corrupt one aside) is
:mod:`rates.cachefile`'s business; this module keeps a file that was good at start usable
while the process runs, as described there: each operation first checks that the path is
still the file it opened, a damaged file is rebuilt and the operation run again, and what
:data:`~rates.cachefile.REBUILDS` rebuilds do not cure (or a full disk) moves the cache to
memory with one :class:`~rates.errors.CacheWarning`. Nothing here imports
``requests_cache`` or ``sqlite3`` until the backend is first used.
"""

from __future__ import annotations

import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from rates.cachefile import BUSY_TIMEOUT_MS, COMPANIONS, REBUILDS, move_aside, prepare
from rates.errors import CacheWarning

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["sqlite_backend_class"]

T = TypeVar("T")
_TABLE = "CREATE TABLE IF NOT EXISTS {} (key TEXT PRIMARY KEY, value BLOB, expires INTEGER)"
_INDEX = "CREATE INDEX IF NOT EXISTS expires_idx ON {}(expires)"  # requests-cache's name


def _identity(file: Path) -> tuple[int, int] | None:
    """Device and inode of ``file``; ``None`` when it is missing."""
    try:
        facts = os.stat(file)
    except OSError:
        return None
    return facts.st_dev, facts.st_ino


def _emptied(file: Path) -> bool:
    """True when ``file`` has no bytes but SQLite side files: emptied in place."""
    try:
        return file.stat().st_size == 0 and any(
            file.with_name(file.name + suffix).exists() for suffix in COMPANIONS)
    except OSError:
        return False


@cache
def sqlite_backend_class() -> Callable[..., Any]:
    """requests-cache's SQLite backend with reads on one connection per thread and the
    recovery described above (defined on first use: importing this module does not import
    requests-cache)."""
    import sqlite3

    from requests_cache.backends.base import BaseCache
    from requests_cache.backends.sqlite import SQLiteCache, SQLiteDict

    class ThreadSafeSQLiteDict(SQLiteDict):
        """requests-cache's ``SQLiteDict`` whose reads use a connection of their thread and
        whose every operation goes through :meth:`ThreadSafeSQLiteCache.guard`.

        requests-cache reads on the connection its writes use, from any thread and without
        its lock: a thread that begins a write while another reads there can get "busy" at
        once (a stale WAL snapshot, which no busy timeout waits out), and the other thread's
        result code, left on the shared connection, becomes a ``DatabaseError`` ("no more
        rows available"). Here writes keep the shared connection and lock, one transaction
        at a time, and every thread reads on its own connection. requests-cache's write
        transaction also swallows errors (a full disk then caches nothing, silently) and
        retries a busy lock forever; this one raises them, for the guard to answer.
        """

        def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:  # noqa: ANN401
            self.owner = owner
            self._readers: dict[threading.Thread, tuple[int, sqlite3.Connection]] = {}
            self._readers_lock = threading.Lock()
            self._generation = -1  # of the writing connection
            self.writing: int | None = None  # the thread inside a write transaction
            super().__init__(*args, lock=owner.lock, **kwargs)

        @contextmanager
        def connection(self, commit: bool = False) -> Iterator[sqlite3.Connection]:
            """The writing connection (under the lock) to write or in memory, else this
            thread's reading connection."""
            if not commit and self.owner.memory is None:
                yield self._reader()
                return
            with self._lock:
                writer = self._writer()
                if commit and not self._active_transaction:
                    with self._acquire_sqlite_lock():
                        yield writer
                else:
                    yield writer

        @contextmanager
        def _acquire_sqlite_lock(self) -> Iterator[None]:
            with self._lock:
                writer, started = self._writer(), time.monotonic()
                try:
                    writer.execute("BEGIN IMMEDIATE")  # waits up to the busy timeout
                except sqlite3.OperationalError as error:
                    waited = time.monotonic() - started >= BUSY_TIMEOUT_MS / 1000 * 0.9
                    if waited and self.owner.memory is None:
                        self.owner.to_memory(f"locked by another process: {error}")
                    raise
                self._active_transaction, self.writing = True, threading.get_ident()
                try:
                    yield
                    writer.commit()
                except BaseException:
                    with suppress(sqlite3.Error):
                        writer.rollback()
                    raise
                finally:
                    self._active_transaction, self.writing = False, None

        def _open(self) -> sqlite3.Connection:
            opened = sqlite3.connect(self.db_path, isolation_level=None, **self.connection_kwargs)
            if self.busy_timeout is not None:
                opened.execute(f"PRAGMA busy_timeout={int(self.busy_timeout)}")
            return opened

        def _writer(self) -> sqlite3.Connection:
            memory: sqlite3.Connection | None = self.owner.memory
            if memory is not None:
                return memory
            if self._connection is None or self._generation != self.owner.generation:
                self.close_writer()
                self._connection, self._generation = self._open(), self.owner.generation
                self._connection.execute("PRAGMA journal_mode=WAL")
                self._connection.execute("PRAGMA synchronous=NORMAL")
            return self._connection

        def _reader(self) -> sqlite3.Connection:
            thread, generation = threading.current_thread(), self.owner.generation
            known = self._readers.get(thread)
            if known is not None and known[0] == generation:
                return known[1]
            reader = self._open()
            with self._readers_lock:
                for gone in [other for other in self._readers if not other.is_alive()]:
                    self._readers.pop(gone)[1].close()
                self._readers[thread] = (generation, reader)
            if known is not None:
                known[1].close()
            return reader

        def create(self) -> None:
            """Create the table and its index if missing (unguarded)."""
            with self.connection(commit=True) as writer:
                writer.execute(_TABLE.format(self.table_name))
                writer.execute(_INDEX.format(self.table_name))

        def init_db(self) -> None:
            """Create the table and its index if missing."""
            self.owner.guard(self.create, self)

        def clear(self) -> None:
            """Delete every row (the table stays: other processes go on using it)."""
            def run() -> None:
                with self.connection(commit=True) as writer:
                    writer.execute(f"DELETE FROM {self.table_name}")  # noqa: S608 - ours
            self.owner.guard(run, self)
            self.vacuum()

        def vacuum(self) -> None:
            """Give the space of deleted rows back to the file system, if it can be now."""
            with self._lock, suppress(sqlite3.Error):
                self._writer().execute("VACUUM")

        def close_writer(self) -> None:
            """Close the writing connection (reopened on next use)."""
            with self._lock:
                if self._connection is not None:
                    self._connection.close()
                self._connection = None

        def close(self) -> None:
            """Close the writing connection and every thread's reading one."""
            if not hasattr(self, "_readers_lock"):
                return  # __init__ failed early
            self.close_writer()
            with self._readers_lock:
                readers = [reader for _, reader in self._readers.values()]
                self._readers.clear()
            for reader in readers:
                reader.close()

    def guarded(method: Callable[..., Any], listed: bool = False) -> Callable[..., Any]:
        def run(self: ThreadSafeSQLiteDict, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
            if listed:  # a generator: read to the end inside the guard
                return iter(self.owner.guard(lambda: list(method(self, *args, **kwargs)), self))
            return self.owner.guard(lambda: method(self, *args, **kwargs), self)
        run.__doc__ = method.__doc__
        return run

    for name in ("__getitem__", "_write", "__delitem__", "count", "bulk_delete",
                 "_estimate_size"):
        setattr(ThreadSafeSQLiteDict, name, guarded(getattr(SQLiteDict, name)))
    for name in ("__iter__", "sorted"):
        setattr(ThreadSafeSQLiteDict, name, guarded(getattr(SQLiteDict, name), listed=True))

    class ThreadSafeSQLiteCache(SQLiteCache):
        """:class:`SQLiteCache` over two :class:`ThreadSafeSQLiteDict` tables, and what they
        share: the write lock, the identity of the file they opened, a generation that each
        rebuild raises (connections of an older one are reopened), and the in-memory
        database that replaces the file once it cannot be used."""

        def __init__(self, db_path: str, serializer: Any = None, **kwargs: Any) -> None:  # noqa: ANN401
            from pathlib import Path

            BaseCache.__init__(self, cache_name=db_path, **kwargs)
            self.file, self.lock = Path(db_path), threading.RLock()
            self.generation, self.rebuilds, self.identity = 0, 0, _identity(self.file)
            self.memory: sqlite3.Connection | None = None
            self.tables: list[ThreadSafeSQLiteDict] = []
            for table, stages in (("responses", serializer), ("redirects", None)):
                self.tables.append(ThreadSafeSQLiteDict(
                    db_path, table_name=table, serializer=stages, owner=self, **kwargs))
            self.responses, self.redirects = self.tables

        @property
        def in_memory(self) -> bool:
            """True once the file was given up for an in-memory database."""
            return self.memory is not None

        def guard(self, operation: Callable[[], T], table: Any) -> T:  # noqa: ANN401
            """Run ``operation`` of ``table``; after an SQLite error, rebuild the file and run
            it again, at last in memory (an error there, or in a transaction, is raised)."""
            me = threading.get_ident()
            for attempt in range(REBUILDS + 2):
                in_memory, seen = self.memory is not None, self.generation
                if not in_memory and _identity(self.file) != self.identity:
                    self.rebuild(seen)  # deleted or replaced
                    in_memory, seen = self.memory is not None, self.generation
                try:
                    return operation()
                except sqlite3.Error as error:
                    if in_memory or any(other.writing == me for other in self.tables):
                        raise
                    if attempt >= REBUILDS or error.sqlite_errorname == "SQLITE_FULL":
                        self.to_memory(str(error))
                    else:
                        self.rebuild(seen)
            return operation()  # in memory by now

        def rebuild(self, seen: int) -> None:
            """Prepare the file again (a corrupt one is moved aside) and create the tables,
            unless another thread did since generation ``seen``. A file emptied in place, or
            one that still fails, is moved aside with its side files (which connections
            opened before share) and made anew; memory if even that fails."""
            with self.lock:
                if seen != self.generation or self.memory is not None:
                    return
                problem = "emptied by another process"
                for attempt in range(2):
                    with suppress(OSError):  # else prepare() says what is wrong
                        if not self.file.exists():  # side files of a deleted file: stale
                            for side in [f"{self.file.name}{end}" for end in COMPANIONS]:
                                self.file.with_name(side).unlink(missing_ok=True)
                        if attempt or _emptied(self.file):
                            inode = (_identity(self.file) or (0, -1))[1]
                            move_aside(self.file, inode, problem)
                    problem = prepare(self.file) or ""
                    if problem:
                        break
                    self.identity, self.generation = _identity(self.file), self.generation + 1
                    try:
                        for table in self.tables:
                            table.create()
                    except sqlite3.Error as error:
                        problem = f"unusable after a change by another process: {error}"
                        if error.sqlite_errorname == "SQLITE_FULL" or self.memory is not None:
                            break
                    else:
                        self.rebuilds += 1
                        return
                self.to_memory(problem)

        def to_memory(self, problem: str) -> None:
            """From now on both tables live in one in-memory database (said once)."""
            with self.lock:
                if self.memory is not None:
                    return
                self.memory = sqlite3.connect(":memory:", isolation_level=None,
                                              check_same_thread=False)
                for table in self.tables:
                    table.close_writer()
                    table.create()
            warnings.warn(CacheWarning(
                f"the HTTP cache {self.file} cannot be used any more ({problem}): caching in "
                "memory for the rest of this session"), stacklevel=2)

        def _delete_expired(self) -> None:
            self.guard(lambda: SQLiteCache._delete_expired(self),  # type: ignore[no-untyped-call]
                       self.responses)

        def _prune_redirects(self) -> None:
            self.guard(lambda: SQLiteCache._prune_redirects(self),  # type: ignore[no-untyped-call]
                       self.redirects)

    return ThreadSafeSQLiteCache
