"""A cache damaged under a running process heals, in every thread, present and future.

* Another process clears the cache (``penalties rates clear``), deletes the file (with or
  without its side files, or the whole directory), drops the tables, empties, cuts short or
  overwrites the file, or replaces it (with garbage, or with another cache): threads that
  were already converting and threads started afterwards all get their answers, no
  exception reaches them, and the cache works again afterwards (the same lookups do not
  reach the server twice).
* 8 threads convert while the file is deleted under them, twice: no conversion fails.
* A full disk (SQLite's own ``SQLITE_FULL``, from a page limit on every connection to the
  file: the error a full disk gives, where it gives it) moves the cache to memory with one
  warning, answers stay right and are cached in memory; when the disk is full from the
  start (the tables cannot even be made) the same.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, suppress
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import rates
from rates import session as sessions
from rates.cachefile import COMPANIONS
from rates.errors import CacheWarning
from rates.online.currency_api import CurrencyApiSource

JSDELIVR = "/npm/@fawazahmed0/currency-api@{date}/v1/currencies/{code}.json"
SPARE = "/cloudflare/{date}/v1/currencies/{code}.json"
DAYS = [date(2024, 3, 6) + timedelta(days=offset) for offset in range(40)]
AMOUNT = Decimal("123456789")  # VND
#: A hang guard far above a normal run (which takes well under a second per phase).
HANG_GUARD = 60.0
THREADS = 4


def published(day: date) -> Decimal:
    """The VND→USD rate the server publishes for ``day``."""
    return Decimal("0.0000400") + DAYS.index(day) * Decimal("0.0000001")


def expected(day: date) -> Decimal:
    """AMOUNT in USD on ``day``, computed without the library."""
    return (AMOUNT * published(day)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class QuickServer(HTTPServer):
    """A threaded pytest-httpserver that stops quickly (a short poll interval)."""

    def thread_target(self) -> None:
        assert self.server is not None
        self.server.serve_forever(poll_interval=0.01)


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPServer]:
    """currency-api's daily VND files for :data:`DAYS`."""
    def answer(request: Request) -> Response:
        found = re.search(r"@(\d{4}-\d\d-\d\d)/", request.path)
        assert found is not None
        day = date.fromisoformat(found.group(1))
        body = f'{{"date": "{day}", "vnd": {{"usd": {published(day)}, "eur": 0.5}}}}'
        return Response(body, content_type="application/json")

    started = QuickServer(threaded=True)
    started.expect_request(re.compile(r"^/npm/.*")).respond_with_handler(answer)
    started.start()
    yield started
    started.clear()
    started.stop()


@pytest.fixture(autouse=True)
def _fresh_sessions(server: HTTPServer) -> Iterator[None]:
    sessions.close_sessions()
    server.log.clear()
    yield
    sessions.close_sessions()


def source(server: HTTPServer, directory: Path) -> CurrencyApiSource:
    """currency-api on the test server, caching in ``directory`` (the shared session)."""
    return CurrencyApiSource(base_url=server.url_for(JSDELIVR), fallback_url=server.url_for(SPARE),
                             cache_dir=directory)


def in_memory(directory: Path) -> bool:
    """True when the shared session of ``directory`` gave up its file for memory."""
    return bool(getattr(sessions.get_session(directory).cache, "in_memory", False))


def convert(rate_source: CurrencyApiSource, days: list[date]) -> list[str]:
    """Convert AMOUNT on each of ``days``: what went wrong, if anything (an empty list)."""
    problems = []
    for day in days:
        try:
            result = rates.convert(f"{AMOUNT} VND", "USD", day, source=rate_source)
        except Exception as error:  # counted: the test expects none
            problems.append(f"{day}: {type(error).__name__}: {error}")
        else:
            if result.rounded != expected(day):
                problems.append(f"{day}: {result.rounded} != {expected(day)}")
    return problems


def in_threads(
    pool: ThreadPoolExecutor, work: Callable[[int], list[str]]
) -> tuple[list[str], set[int]]:
    """Run ``work(0..THREADS-1)`` on every thread of ``pool`` at once (a barrier holds each
    thread until all have a task); the problems, and the threads that ran them."""
    barrier = threading.Barrier(THREADS)

    def task(index: int) -> tuple[list[str], int]:
        barrier.wait(HANG_GUARD)
        return work(index), threading.get_ident()

    done = [future.result(HANG_GUARD) for future in
            [pool.submit(task, index) for index in range(THREADS)]]
    return [problem for problems, _ in done for problem in problems], {ident for _, ident in done}


# -- the damage another process can do ----------------------------------------------------


def checkpoint(file: Path) -> None:
    """Another connection moves the WAL into the file (a quiet moment on a busy cache)."""
    with closing(sqlite3.connect(file, isolation_level=None)) as other:
        other.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def side_files(file: Path) -> list[Path]:
    return [file.with_name(file.name + suffix) for suffix in COMPANIONS]


def _cleared_by_the_command_line(file: Path) -> None:
    environment = {**os.environ, sessions.ENV_CACHE_DIR: str(file.parent)}
    subprocess.run([sys.executable, "-m", "penalties", "rates", "clear"], env=environment,
                   check=True, capture_output=True, timeout=HANG_GUARD)


def _deleted_with_its_side_files(file: Path) -> None:
    for path in [file, *side_files(file)]:
        path.unlink(missing_ok=True)


def _deleted_alone(file: Path) -> None:
    file.unlink()


def _directory_deleted(file: Path) -> None:
    shutil.rmtree(file.parent)


def _tables_dropped(file: Path) -> None:
    with closing(sqlite3.connect(file, isolation_level=None)) as other:
        other.execute("DROP TABLE responses")
        other.execute("DROP TABLE redirects")


def _emptied(file: Path) -> None:
    checkpoint(file)
    os.truncate(file, 0)


def _cut_short(file: Path) -> None:
    checkpoint(file)
    os.truncate(file, file.stat().st_size // 2)


def _overwritten(file: Path) -> None:
    checkpoint(file)
    with file.open("r+b") as handle:
        handle.write(b"this is not a database any more\n" * 256)


def _replaced_by_garbage(file: Path) -> None:
    checkpoint(file)
    garbage = file.with_name("garbage")
    garbage.write_bytes(os.urandom(16384))
    os.replace(garbage, file)


def _replaced_by_another_cache(file: Path) -> None:
    checkpoint(file)
    other = file.with_name("other.sqlite")
    with closing(sessions.build_session(other)):
        pass
    os.replace(other, file)


DAMAGE = {
    "penalties rates clear": _cleared_by_the_command_line,
    "file and side files deleted": _deleted_with_its_side_files,
    "file deleted, side files left": _deleted_alone,
    "cache directory deleted": _directory_deleted,
    "tables dropped": _tables_dropped,
    "emptied in place": _emptied,
    "cut short": _cut_short,
    "overwritten with garbage": _overwritten,
    "replaced by garbage": _replaced_by_garbage,
    "replaced by another cache": _replaced_by_another_cache,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damage_by_another_process_heals_in_every_thread(
    server: HTTPServer, tmp_path: Path, damage: str, figures: Counter[str],
) -> None:
    directory = tmp_path / "cache"
    file = directory / sessions.CACHE_FILE
    lookups = source(server, directory)
    with (ThreadPoolExecutor(THREADS) as present, ThreadPoolExecutor(THREADS) as future,
          warnings.catch_warnings(record=True) as warned):
        warnings.simplefilter("always")
        problems, before = in_threads(present, lambda n: convert(lookups, DAYS[3 * n:3 * n + 3]))
        assert problems == []
        DAMAGE[damage](file)
        problems, after = in_threads(present, lambda n: convert(lookups, DAYS[5 * n:5 * n + 8]))
        assert after == before  # the threads that were converting before the damage
        assert problems == []
        problems, _ = in_threads(future, lambda n: convert(lookups, DAYS[10 + 5 * n:18 + 5 * n]))
        assert problems == []  # threads started after the damage
        assert convert(lookups, DAYS[:30]) == []
        asked = len(server.log)
        problems, _ = in_threads(future, lambda n: convert(lookups, DAYS[:30]))
        assert problems == []
        assert len(server.log) == asked  # the cache works again: nothing asked twice
    assert not in_memory(directory)
    said = [str(w.message) for w in warned if issubclass(w.category, CacheWarning)]
    assert len(said) <= 1, said  # at most the file moved aside, once
    assert all("moved aside" in text for text in said), said
    sessions.close_sessions()
    if os.name == "posix":  # rebuilt as private as it was made
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    with closing(sqlite3.connect(file)) as database:
        assert database.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert database.execute("SELECT COUNT(*) FROM responses").fetchone()[0] >= 30
    figures["cache damage kinds healed"] += 1
    figures["threads that went on after the cache was damaged"] += 2 * THREADS


def test_deleting_the_file_under_8_converting_threads_fails_no_conversion(
    server: HTTPServer, tmp_path: Path, figures: Counter[str],
) -> None:
    """8 lanes of conversions, each a thread for 10 conversions, then a new thread for the
    next 10 (as a pool that replaces its workers would): threads old and new at each of
    the two deletions."""
    lanes, threads_per_lane, each = 8, 3, 10
    lookups = source(server, tmp_path)
    file = tmp_path / sessions.CACHE_FILE
    done = Counter[str]()
    progress = threading.Condition()
    problems: list[str] = []

    def work(lane: int, part: int) -> None:
        for step in range(each):
            day = DAYS[(lane * 7 + part * each + step) % len(DAYS)]
            problems.extend(convert(lookups, [day]))
            with progress:
                done["conversions"] += 1
                progress.notify_all()

    def lane(number: int) -> None:
        for part in range(threads_per_lane):
            worker = threading.Thread(target=work, args=(number, part))
            worker.start()
            worker.join(HANG_GUARD)

    runs = [threading.Thread(target=lane, args=(number,)) for number in range(lanes)]
    for run in runs:
        run.start()
    total = lanes * threads_per_lane * each
    for when in (total // 3, 2 * total // 3):  # twice, mid-run
        with progress:
            assert progress.wait_for(lambda: done["conversions"] >= when, HANG_GUARD)  # noqa: B023
        _deleted_with_its_side_files(file)
    for run in runs:
        run.join(HANG_GUARD)
    assert done["conversions"] == total
    assert problems == []
    assert getattr(sessions.get_session(tmp_path).cache, "rebuilds", 0) >= 1
    figures["conversions while the cache file was deleted twice (0 failures)"] += total
    figures["threads converting while the cache file was deleted"] += lanes * threads_per_lane


# -- a full disk ----------------------------------------------------------------------------


class FullDisk:
    """Every connection to ``file`` may not make it grow (``PRAGMA max_page_count``), as on
    a disk with no space left: SQLite raises ``SQLITE_FULL`` ("database or disk is full")
    where it needs a new page. ``pages`` is the size it may reach (default: the size it has);
    connections opened before :meth:`fill` get the limit then."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, file: Path) -> None:
        self.file = str(file)
        self.pages: int | None = None
        self.opened: list[sqlite3.Connection] = []
        self.full = False
        real = sqlite3.connect

        def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
            opened: sqlite3.Connection = real(database, *args, **kwargs)
            if str(database) == self.file:
                self.opened.append(opened)
                if self.full:
                    self.limit(opened)
            return opened

        monkeypatch.setattr(sqlite3, "connect", connect)

    def limit(self, connection: sqlite3.Connection) -> None:
        with suppress(sqlite3.ProgrammingError):  # closed meanwhile
            connection.execute(f"PRAGMA max_page_count = {self.pages or 1}")

    def fill(self, pages: int | None = None) -> None:
        """From now on the file cannot grow beyond ``pages`` (default: its size now)."""
        self.full, self.pages = True, pages
        for connection in self.opened:
            self.limit(connection)


def test_a_disk_that_fills_moves_the_cache_to_memory_with_one_warning(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, figures: Counter[str],
) -> None:
    disk = FullDisk(monkeypatch, tmp_path / sessions.CACHE_FILE)
    lookups = source(server, tmp_path)
    assert convert(lookups, DAYS[:5]) == []
    disk.fill()
    with warnings.catch_warnings(record=True) as warned, ThreadPoolExecutor(THREADS) as pool:
        warnings.simplefilter("always")
        for filled in range(5, 30):  # rows fit in the pages there are, for a while
            assert convert(lookups, [DAYS[filled]]) == []
            if warned:
                break
        later = DAYS[filled + 1:filled + 11]
        assert convert(lookups, later) == []  # cached in memory ...
        asked = len(server.log)
        problems, _ = in_threads(pool, lambda n: convert(lookups, later))
        assert problems == []
        assert len(server.log) == asked  # ... and read there, by every thread
    said = [str(w.message) for w in warned if issubclass(w.category, CacheWarning)]
    assert len(said) == 1, said
    assert re.search(r"cannot be used any more \(database or disk is full\): caching in "
                     "memory", said[0])
    assert in_memory(tmp_path)
    figures["disk-full caches degraded to memory"] += 1


def test_a_disk_full_from_the_start_means_memory_with_one_warning(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, figures: Counter[str],
) -> None:
    FullDisk(monkeypatch, tmp_path / sessions.CACHE_FILE).fill(pages=3)  # one table, no more
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        lookups = source(server, tmp_path)
        assert convert(lookups, DAYS[:10]) == []
        assert convert(lookups, DAYS[:10]) == []
    said = [str(w.message) for w in warned if issubclass(w.category, CacheWarning)]
    assert len(said) == 1, said
    assert "database or disk is full" in said[0]
    assert len(server.log) == 10
    figures["disk-full caches degraded to memory"] += 1
