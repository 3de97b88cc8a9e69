"""The HTTP cache on disk: robustness, privacy, concurrency and secrets.

* A corrupt or cut-short SQLite file is moved aside and rebuilt, with a CacheWarning.
* A cache that cannot be written means working in memory, with a CacheWarning, never an
  exception.
* Files are private: 0600 files (the -wal and -shm files too) in a 0700 directory.
* 8 threads and 4 processes share one cache directory for 10,000+ conversions, every one
  equal to a reference computed independently.
* Built-in sources use HTTPS; API keys never reach the cache file; what is stored is JSON.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import multiprocessing
import os
import random
import socket
import sqlite3
import stat
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from requests_cache import CachedSession
from requests_cache.models.response import CachedResponse

import rates
from rates import session as sessions
from rates.errors import CacheWarning
from rates.online.currency_api import CLOUDFLARE, CurrencyApiSource
from rates.online.openexchangerates import OpenExchangeRatesSource
from rates.sources import get_source, source_names

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
JSDELIVR = "/npm/@fawazahmed0/currency-api@{date}/v1/currencies/{code}.json"
SPARE = "/cloudflare/{date}/v1/currencies/{code}.json"
DAY = date(2024, 3, 6)


@pytest.fixture(autouse=True)
def _fresh_sessions() -> Iterator[None]:
    sessions.close_sessions()
    yield
    sessions.close_sessions()


def currency_api_body(day: date, base: str, rate: str) -> str:
    """currency-api's file of ``base`` (``vnd`` or ``usd``): its rate to the other one."""
    other = "usd" if base == "vnd" else "vnd"
    return f'{{"date": "{day.isoformat()}", "{base}": {{"{other}": {rate}, "eur": 0.5}}}}'


def serve_currency_api(server: HTTPServer, day: date = DAY, rate: str = "0.00004053") -> None:
    server.expect_request(JSDELIVR.format(date=day.isoformat(), code="vnd")).respond_with_data(
        currency_api_body(day, "vnd", rate), content_type="application/json"
    )


def currency_api(
    server: HTTPServer, *, session: CachedSession | None = None, cache_dir: Path | None = None
) -> CurrencyApiSource:
    return CurrencyApiSource(base_url=server.url_for(JSDELIVR), session=session,
                             fallback_url=server.url_for(SPARE), cache_dir=cache_dir)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- corrupt files ---------------------------------------------------------------------------


def full_cache(file: Path) -> None:
    """A real cache file of a few hundred kilobytes (many pages to cut through)."""
    stored = CachedResponse(status_code=200, content=os.urandom(1024), url="https://x/y")
    with closing(sessions.build_session(file)) as session:
        for number in range(300):
            session.cache.responses[f"key-{number}"] = stored
    assert file.stat().st_size > 100_000


def _garbage(file: Path) -> None:
    file.write_bytes(b"this is not a database\n" * 100)


def _cut_short(file: Path) -> None:
    full_cache(file)
    with file.open("r+b") as handle:
        handle.truncate(file.stat().st_size // 2)


def _scribbled(file: Path) -> None:
    full_cache(file)
    with file.open("r+b") as handle:
        handle.seek(8192)
        handle.write(b"\xff" * 4096)


@pytest.mark.parametrize("damage", [_garbage, _cut_short, _scribbled],
                         ids=["not-a-database", "cut-short", "scribbled"])
def test_corrupt_cache_is_moved_aside_and_rebuilt(
    httpserver: HTTPServer, tmp_path: Path, damage: Callable[[Path], None],
    figures: Counter[str],
) -> None:
    file = tmp_path / sessions.CACHE_FILE
    damage(file)
    damaged = file.read_bytes()
    with pytest.warns(CacheWarning, match=r"was corrupt .* moved aside to .*\.corrupt-"):
        session = sessions.get_session(tmp_path)
    (aside,) = tmp_path.glob(f"{sessions.CACHE_FILE}.corrupt-*")
    assert aside.read_bytes() == damaged  # kept for a post-mortem, untouched
    serve_currency_api(httpserver)
    source = currency_api(httpserver, session=session)
    assert source.rate("VND", "USD", DAY).value == Decimal("0.00004053")
    assert source.rate("VND", "USD", DAY).value == Decimal("0.00004053")
    assert len(httpserver.log) == 1  # the rebuilt cache works
    with sqlite3.connect(file) as database:
        assert database.execute("PRAGMA quick_check").fetchone() == ("ok",)
    figures["corrupt caches rebuilt"] += 1


def test_a_sound_cache_is_kept(tmp_path: Path) -> None:
    full_cache(tmp_path / sessions.CACHE_FILE)
    with closing(sessions.get_session(tmp_path)) as session:  # no warning (warnings = errors)
        assert len(session.cache.responses) == 300
    assert list(tmp_path.glob("*.corrupt-*")) == []


# -- caches that cannot be written -------------------------------------------------------------


def _parent_is_a_file(root: Path) -> Path:
    (root / "plain-file").write_text("not a directory")
    return root / "plain-file" / "cache"


def _file_is_a_directory(root: Path) -> Path:
    (root / "cache" / sessions.CACHE_FILE).mkdir(parents=True)
    return root / "cache"


def _read_only_directory(root: Path) -> Path:
    directory = root / "cache"
    directory.mkdir()
    directory.chmod(0o500)
    return directory


def _read_only_file(root: Path) -> Path:
    directory = root / "cache"
    directory.mkdir()
    (directory / sessions.CACHE_FILE).write_bytes(b"")
    (directory / sessions.CACHE_FILE).chmod(0o400)
    return directory


NOT_AS_ROOT = pytest.mark.skipif(AS_ROOT, reason="root may write anyway")


@pytest.mark.parametrize(
    "make",
    [
        _parent_is_a_file,
        _file_is_a_directory,
        pytest.param(_read_only_directory, marks=[POSIX, NOT_AS_ROOT]),
        pytest.param(_read_only_file, marks=[POSIX, NOT_AS_ROOT]),
    ],
    ids=["parent-is-a-file", "file-is-a-directory", "read-only-directory", "read-only-file"],
)
def test_unwritable_cache_means_memory(
    httpserver: HTTPServer, tmp_path: Path, make: Callable[[Path], Path],
    figures: Counter[str],
) -> None:
    directory = make(tmp_path)
    try:
        with pytest.warns(CacheWarning, match="working without a cache"):
            session = sessions.get_session(directory)
        serve_currency_api(httpserver)
        source = currency_api(httpserver, cache_dir=directory)
        assert source.rate("VND", "USD", DAY).value == Decimal("0.00004053")
        assert source.rate("VND", "USD", DAY).value == Decimal("0.00004053")
        assert len(httpserver.log) == 1  # cached, in memory
        assert source.session is session
        figures["unwritable caches worked around"] += 1
    finally:
        for path in (directory, directory / sessions.CACHE_FILE):
            if path.exists() and not path.is_symlink():
                path.chmod(0o700)


# -- private files ---------------------------------------------------------------------------


@POSIX
def test_cache_files_are_private_whatever_the_umask(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    directory = tmp_path / "new" / "cache"
    serve_currency_api(httpserver)
    previous = os.umask(0)  # the most permissive umask: modes must not depend on it
    try:
        source = currency_api(httpserver, cache_dir=directory)
        source.rate("VND", "USD", DAY)  # a write: SQLite makes its -wal and -shm files
        files = sorted(directory.iterdir())
        names = [path.name for path in files]
        assert names == [sessions.CACHE_FILE + suffix for suffix in ("", "-shm", "-wal")]
        assert mode(directory) == 0o700
        assert [mode(path) for path in files] == [0o600] * 3
    finally:
        os.umask(previous)


@POSIX
def test_existing_files_are_made_private_but_not_the_directory(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)  # someone's directory (PENALTIES_CACHE_DIR=/tmp...): left alone
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / (sessions.CACHE_FILE + suffix)).write_bytes(b"")
        (tmp_path / (sessions.CACHE_FILE + suffix)).chmod(0o644)
    sessions.get_session(tmp_path)
    assert mode(tmp_path) == 0o755
    for path in tmp_path.iterdir():
        assert mode(path) == 0o600, path.name


# -- many threads and processes, one cache directory -----------------------------------------

THREADS = 8
PROCESSES = 4
CONVERSIONS = 10_080  # a multiple of THREADS + PROCESSES
#: Days with a file each, for two currencies: 480 first fetches, which the workers race to
#: write while others read (fewer writes did not reveal requests-cache's shared-connection
#: reads, see rates.cachefile).
DAYS = [DAY + timedelta(days=offset) for offset in range(240)]
Item = tuple[int, str, str, str]  # (number, amount with currency, target, day)
Result = tuple[int, str, bool]  # (number, rounded result, stale)


def published(day: date, base: str) -> str:
    """The rate the test server publishes for ``base`` on ``day`` (as text)."""
    index = DAYS.index(day)
    return str(Decimal("0.0000400") + index * Decimal("0.0000001")) if base == "vnd" else str(
        Decimal("24900") + index * Decimal("10.5")
    )


def workload() -> list[Item]:
    chooser = random.Random(20260101)
    items = []
    for number in range(CONVERSIONS):
        day = DAYS[number % len(DAYS)]
        if (number // len(DAYS)) % 3:
            amount = f"{chooser.randrange(1, 10**12)} VND"
            items.append((number, amount, "USD", day.isoformat()))
        else:
            amount = f"{chooser.randrange(1, 10**9)}.{chooser.randrange(100):02d} USD"
            items.append((number, amount, "VND", day.isoformat()))
    return items


def reference(item: Item) -> str:
    """The expected result, computed without the library: amount × rate, rounded half up."""
    _, amount, target, day = item
    value, currency = amount.split()
    rate = Decimal(published(date.fromisoformat(day), currency.lower()))
    quantum = Decimal("0.01") if target == "USD" else Decimal("1")
    return str((Decimal(value) * rate).quantize(quantum, rounding=ROUND_HALF_UP))


def convert_items(items: list[Item], base_url: str, spare_url: str, cache: str) -> list[Result]:
    """Convert ``items`` through currency-api with the shared cache directory ``cache``."""
    source = CurrencyApiSource(base_url=base_url, fallback_url=spare_url, cache_dir=cache)
    results = []
    for number, amount, target, day in items:
        conversion = rates.convert(amount, target, date.fromisoformat(day), source=source)
        results.append((number, str(conversion.rounded), conversion.rate.stale))
    return results


def guard_network() -> None:
    """In a worker process: the suite's rule, every non-loopback connection refused."""
    conftest = Path(__file__).with_name("conftest.py")
    spec = importlib.util.spec_from_file_location("_network_guard", conftest)
    assert spec is not None
    assert spec.loader is not None
    guard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(guard)
    socket.socket.connect = guard._guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guard._guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = guard._guarded_getaddrinfo


def process_worker(
    items: list[Item], base_url: str, spare_url: str, cache: str
) -> tuple[list[Result], Counter[str]]:
    """One worker process: its results, and its figures for the parent to add."""
    try:
        socket.getaddrinfo("example.org", 443)
    except RuntimeError:
        pass
    else:
        raise AssertionError("a worker process could reach the internet")
    results = convert_items(items, base_url, spare_url, cache)
    return results, Counter({"conversions in worker processes": len(results)})


def test_threads_and_processes_share_one_cache(tmp_path: Path, figures: Counter[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    server = HTTPServer(threaded=True)
    for day in DAYS:
        for base in ("vnd", "usd"):
            server.expect_request(JSDELIVR.format(date=day, code=base)).respond_with_data(
                currency_api_body(day, base, published(day, base)),
                content_type="application/json",
            )
    server.start()
    try:
        urls = (server.url_for(JSDELIVR), server.url_for(SPARE), str(tmp_path))
        items = workload()
        shares = [items[worker :: THREADS + PROCESSES] for worker in range(THREADS + PROCESSES)]
        for share in shares:
            random.Random(len(share)).shuffle(share)  # each its own order
        monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[1]))  # for spawn
        context = multiprocessing.get_context("spawn")
        with context.Pool(PROCESSES, initializer=guard_network) as pool:
            pending = pool.starmap_async(
                process_worker, [(share, *urls) for share in shares[THREADS:]]
            )
            thread_results: list[list[Result]] = [[] for _ in range(THREADS)]
            errors: list[BaseException] = []

            def run(index: int) -> None:
                try:
                    thread_results[index] = convert_items(shares[index], *urls)
                except BaseException as error:  # reported below
                    errors.append(error)

            threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            process_results = pending.get(60)
        assert errors == []
        results = [result for share in thread_results for result in share]
        for returned, counts in process_results:
            results.extend(returned)
            figures.update(counts)
        assert len(results) == len(items)
        expected = {item[0]: reference(item) for item in items}
        assert {number: text for number, text, _ in results} == expected
        assert not any(stale for _, _, stale in results)
        requests_seen = len(server.log)
        assert 2 * len(DAYS) <= requests_seen <= (1 + PROCESSES) * 2 * len(DAYS)
    finally:
        server.clear()
        server.stop()
    with sqlite3.connect(tmp_path / sessions.CACHE_FILE) as database:
        assert database.execute("SELECT COUNT(*) FROM responses").fetchone() == (2 * len(DAYS),)
        assert database.execute("PRAGMA quick_check").fetchone() == ("ok",)
    figures["threads"] += THREADS
    figures["processes"] += PROCESSES
    figures["concurrent conversions compared"] += len(results)


# -- secrets and formats -----------------------------------------------------------------------


def test_builtin_sources_use_https_only() -> None:
    online = [get_source(name) for name in source_names() if get_source(name).online]
    assert {source.name for source in online} >= {"ecb", "currency-api", "worldbank",
                                                   "open-er-api"}
    defaults = [getattr(source, "default_base_url", "") for source in online]
    defaults += [OpenExchangeRatesSource.default_base_url, CLOUDFLARE]
    defaults += [getattr(source, "fallback_url", "https://") for source in online]
    for url in defaults:
        assert urlsplit(url).scheme == "https", url


KEY = "cache-test-app-id-0123456789abcdef"


def stored_bytes(file: Path) -> bytes:
    """Every byte of the cache: the file, its -wal and -shm, and every row of every table."""
    data = b"".join(
        path.read_bytes() for path in file.parent.glob(file.name + "*") if path.is_file()
    )
    with sqlite3.connect(file) as database:
        tables = [row[0] for row in database.execute("SELECT name FROM sqlite_master "
                                                     "WHERE type = 'table'")]
        for table in tables:
            for row in database.execute(f"SELECT * FROM {table}"):  # our tables' names
                data += repr(row).encode()
    return data


@pytest.fixture
def keyed(httpserver: HTTPServer, tmp_path: Path) -> Iterator[tuple[CachedSession, Path]]:
    file = tmp_path / "http.sqlite"
    with closing(sessions.build_session(file, retry=sessions.RetryPolicy(retries=0))) as live:
        yield live, file


def test_api_keys_never_reach_the_cache(
    httpserver: HTTPServer, keyed: tuple[CachedSession, Path]
) -> None:
    session, file = keyed
    body = json.dumps({"base": "USD", "rates": {"VND": 22780.5}})
    httpserver.expect_request(
        "/api/historical/2018-03-19.json", query_string={"app_id": KEY}
    ).respond_with_data(body)
    httpserver.expect_request("/api/historical/2018-03-20.json").respond_with_data(
        "", status=302, headers={"Location": f"/api/historical/2018-03-19.json?app_id={KEY}"}
    )
    source = OpenExchangeRatesSource(app_id=KEY, base_url=httpserver.url_for("/api"),
                                     session=session)
    assert source.rate("USD", "VND", date(2018, 3, 19)).value == Decimal("22780.5")
    assert source.rate("USD", "VND", date(2018, 3, 20)).value == Decimal("22780.5")  # redirect
    assert all(entry[0].args["app_id"] == KEY for entry in httpserver.log)  # it was sent
    data = stored_bytes(file)
    assert b"REDACTED" in data
    for form in (KEY, KEY.upper(), quote(KEY), base64.b64encode(KEY.encode()).decode()):
        assert form.encode() not in data


def test_stored_responses_are_json(
    httpserver: HTTPServer, keyed: tuple[CachedSession, Path]
) -> None:
    session, file = keyed
    serve_currency_api(httpserver)
    currency_api(httpserver, session=session).rate("VND", "USD", DAY)
    httpserver.expect_request("/api/historical/2018-03-19.json").respond_with_data(
        json.dumps({"base": "USD", "rates": {"VND": 22780.5}})
    )
    OpenExchangeRatesSource(app_id=KEY, base_url=httpserver.url_for("/api"),
                            session=session).rate("USD", "VND", date(2018, 3, 19))
    with sqlite3.connect(file) as database:
        rows = database.execute("SELECT value FROM responses").fetchall()
    assert len(rows) == 2
    for (value,) in rows:
        text = value.decode() if isinstance(value, bytes) else value
        assert not text.startswith("\x80")  # a pickle starts with its protocol byte
        document = json.loads(text)
        assert document["status_code"] == 200
        assert base64.b64decode(document["_content"]).startswith(b"{")
