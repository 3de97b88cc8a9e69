"""Shared fixtures. The whole suite runs with every non-loopback connection refused."""

from __future__ import annotations

import ipaddress
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

#: What the run did, reported at its end: property examples tried, files fuzzed, faults
#: injected, threads and processes, results compared. Tests add to it through the
#: ``figures`` fixture; counts from worker processes are added by the test that started them.
FIGURES: Counter[str] = Counter()


@pytest.fixture(scope="session")
def figures() -> Counter[str]:
    """The run's figures (see :data:`FIGURES`): ``figures["faults injected"] += 1``."""
    return FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures after the results."""
    if FIGURES:
        terminalreporter.section("figures")
        for name, count in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {count:,}")


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkBlocked(RuntimeError):
    """A test tried to reach a host that is not this machine."""


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode()
    if not isinstance(host, str):
        return False
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(address: Any) -> None:
    if isinstance(address, tuple) and not _is_loopback(address[0]):
        raise NetworkBlocked(f"tests must not reach the internet (tried {address[0]!r})")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _check(address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_loopback(host):
        raise NetworkBlocked(f"tests must not resolve external hosts (tried {host!r})")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _neutral_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Money is formatted for en_US unless a test asks otherwise."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MONETARY", "LC_CTYPE", "LANG", "PENALTIES_LOCALE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True, scope="session")
def _no_internet() -> Iterator[None]:
    """Refuse every connection and name lookup that is not loopback, for the whole run."""
    patches = pytest.MonkeyPatch()
    patches.setattr(socket.socket, "connect", _guarded_connect)
    patches.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    patches.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield
    patches.undo()


def minimal_statute() -> dict[str, Any]:
    """A small valid statute (two person tiers, one entity tier) for loader tests."""
    citation = {"clause": "1", "quote": "trích dẫn", "translation": "quote", "source": "test",
                "confidence": "C"}
    return {
        "schema_version": 1,
        "id": "xx/test-code/1",
        "aliases": ["xx-1"],
        "jurisdiction": "XX",
        "instrument": "Test Code",
        "article": "1",
        "language": "vi",
        "currency": "VND",
        "title": {"original": "Tội thử", "en": "Test offence"},
        "subjects": [{"kind": "person", "label": "natural person"},
                     {"kind": "entity", "label": "company"}],
        "versions": [{
            "effective_from": date(2018, 1, 1),
            "sources": [{"title": "test source"}],
            "tiers": [
                {"id": "1", "subject": "person", "rank": 1,
                 "when": {"any": [{"quantity": "illicit_profit", "from": 100, "below": 200}]},
                 "principal": [{"kind": "fine", "min": 10, "max": 20}],
                 "citation": citation},
                {"id": "2", "subject": "person", "rank": 2,
                 "when": {"any": [{"quantity": "illicit_profit", "from": 200},
                                  {"fact": "organised", "point": "a"}]},
                 "principal": [{"kind": "fine", "min": 20, "max": 40},
                               {"kind": "imprisonment", "min_months": 6, "max_months": 36}],
                 "citation": {**citation, "clause": "2"}},
                {"id": "3", "subject": "entity", "rank": 1,
                 "when": {"same_as": "2"},
                 "principal": [{"kind": "fine", "min": 50, "max": 90}],
                 "citation": {**citation, "clause": "3"}},
            ],
        }],
    }


@pytest.fixture(scope="session")
def make_statute() -> Callable[[], dict[str, Any]]:
    """:func:`minimal_statute` itself, for fixtures of wider scope."""
    return minimal_statute


@pytest.fixture
def statute_data() -> dict[str, Any]:
    """A fresh copy of :func:`minimal_statute` to modify."""
    return minimal_statute()


@pytest.fixture
def write_statute(tmp_path: Path) -> Callable[..., Path]:
    """Write a statute mapping (or raw text) as a TOML file; returns its path."""
    import tomli_w

    def write(data: dict[str, Any] | str, name: str = "statute.toml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else tomli_w.dumps(data)
        path.write_text(text, encoding="utf-8")
        return path

    return write


#: Runs a command with its stderr on a pseudo-terminal; returns its exit status and what it
#: wrote there.
OnATerminal = Callable[..., tuple[int, bytes]]


@pytest.fixture(scope="session")
def stderr_on_a_terminal() -> OnATerminal:
    """Run ``command`` with stderr on a pseudo-terminal (stdout is not one, stdin is
    ``stdin`` or nothing) until it ends; its exit status (hang guard: 120 s) and what it
    wrote on the terminal. POSIX only."""
    import os
    import pty
    import subprocess

    def run(command: list[str], *, stdin: str | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> tuple[int, bytes]:
        leader, follower = pty.openpty()
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=follower, env=env, cwd=cwd)
        os.close(follower)
        assert process.stdin is not None
        if stdin is not None:
            process.stdin.write(stdin.encode())
        process.stdin.close()
        seen = b""
        while True:
            try:
                piece = os.read(leader, 65536)
            except OSError:  # the terminal closed: the process is done
                break
            if not piece:
                break
            seen += piece
        os.close(leader)
        return process.wait(timeout=120), seen

    return run



@pytest.fixture(autouse=True, scope="session")
def _user_snapshot_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``PENALTIES_SNAPSHOT_DIR`` points at an empty temporary place for the whole run, so
    the suite never reads nor writes the user snapshot in the platform data directory
    (tests of ``rates refresh`` set their own)."""
    import os

    patches = pytest.MonkeyPatch()
    place = tmp_path_factory.mktemp("user-data") / "snapshot"
    patches.setenv("PENALTIES_SNAPSHOT_DIR", os.fspath(place))
    yield
    patches.undo()
