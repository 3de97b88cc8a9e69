"""A real server process for the web tests (imported as ``tests._web_server``): uvicorn,
started by :func:`penalties.web.serve` in a subprocess on a free port of 127.0.0.1, waited
for until it answers (a hang guard bounds the wait, it is no speed test), and stopped."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Hang guard: seconds for the server to answer its first request (it answers in about one
#: on an idle machine).
START_SECONDS = 120
#: Hang guard of one request.
REQUEST_SECONDS = 60
_SERVE = ("import sys\nfrom penalties.web import serve\n"
          "serve(port=int(sys.argv[1]), log_level='warning')\n")
#: Requests go straight to 127.0.0.1, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def request(url: str, body: object = None, headers: dict[str, str] | None = None,
            data: bytes | None = None) -> tuple[int, Any]:
    """The status and the JSON answer of a GET (or, with ``body`` or ``data``, a POST)."""
    sent = data if data is not None else (None if body is None else json.dumps(body).encode())
    asked = urllib.request.Request(url, data=sent, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with OPENER.open(asked, timeout=REQUEST_SECONDS) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@contextmanager
def running_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """The base URL of a server process of this checkout, for the time of the block."""
    port = free_port()
    environment = {**os.environ, **(env or {})}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "-c", _SERVE, str(port)], cwd=ROOT,
                                   env=environment, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait(process, url, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait(process: subprocess.Popen[bytes], url: str, log: Any) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            log.seek(0)
            raise AssertionError(f"the server ended ({process.returncode}): "
                                 f"{log.read().decode(errors='replace')}")
        try:
            with OPENER.open(f"{url}/static/page.css", timeout=REQUEST_SECONDS):
                return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not answer within {START_SECONDS} s "
                                     "(hang guard)") from None
            time.sleep(0.1)
