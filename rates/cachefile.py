"""The SQLite file of the HTTP cache: made private, checked, moved aside when corrupt, read
on one connection per thread, and rebuilt when it is damaged under a running process.

:func:`rates.session.build_session` calls :func:`prepare` on the file, then opens it with
the backend of :func:`rates.cachedb.sqlite_backend_class` (the recovery while running
described below lives there). What the file caches, and for how long, is the
session's business; how the file is kept safe and usable is this module's.

* Modes: a directory created here gets mode 0700; the cache file (and the ``-wal``/``-shm``
  files SQLite adds beside it, which take the file's mode) has mode 0600.
* Concurrency: SQLite in WAL mode (readers never block the writer) with a busy timeout of
  :data:`BUSY_TIMEOUT_MS`, so threads and processes can share one cache directory.
* At start: a file that SQLite reports corrupt or that is not a database is moved aside to
  ``<name>.corrupt-<UTC timestamp>`` and rebuilt; a cache that cannot be written (read-only
  directory, no space, a path that is not a directory) means a cache in memory.
* While running: each operation first checks that the path is still the file it opened
  (device and inode). A file deleted or replaced by another process (``rm``, an older
  ``penalties rates clear``), a dropped table, or any SQLite error (a file emptied, cut
  short or overwritten) is answered by rebuilding the file and running the operation again;
  every thread reopens its connection on its next use. A full disk, a write lock held by
  another process beyond the busy timeout, or damage that :data:`REBUILDS` rebuilds do not
  cure moves the cache to memory for the rest of the session. No SQLite error reaches the
  caller.

Moving a file aside and moving to memory each say so once, with a
:class:`~rates.errors.CacheWarning`; rebuilding a deleted file or a dropped table is silent.
Nothing here imports ``requests_cache`` or ``sqlite3`` until a cache file is first used.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING

from rates.errors import CacheWarning

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["BUSY_TIMEOUT_MS", "COMPANIONS", "REBUILDS", "move_aside", "prepare",
           "sqlite_error"]

#: How long SQLite waits for a lock held by another thread or process, in milliseconds.
BUSY_TIMEOUT_MS = 30_000
#: Files SQLite keeps beside the database.
COMPANIONS = ("-wal", "-shm", "-journal")
#: Rebuilds tried for one failing operation before the cache moves to memory.
REBUILDS = 2

#: Mode of a cache directory created here, and of the cache file.
_DIRECTORY_MODE = 0o700
_FILE_MODE = 0o600


def sqlite_error() -> type[Exception]:
    """``sqlite3.Error``, the base of what opening a damaged or unwritable cache raises
    (looked up on call, so importing this module does not import sqlite3)."""
    import sqlite3

    return sqlite3.Error


def prepare(file: Path) -> str | None:
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
            move_aside(file, inode, problem)
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
    for suffix in COMPANIONS:
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


def move_aside(file: Path, inode: int, problem: str | None) -> None:
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
    for suffix in COMPANIONS:
        companion = file.with_name(file.name + suffix)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + suffix))
    warnings.warn(
        CacheWarning(
            f"the HTTP cache {file} was corrupt ({problem}): moved aside to {aside.name} "
            "and rebuilt empty"
        ),
        stacklevel=4,  # the caller of rates.session.build_session (via prepare)
    )
