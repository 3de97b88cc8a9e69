"""Start-up: the CLI imports only what a command needs (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
sys.argv = ["penalties", *json.loads(sys.argv[1])]
import cli
try:
    cli.main()
except SystemExit:
    pass
watched = ["requests", "requests_cache", "urllib3", "penalties.schema", "penalties.catalog",
           "rates.snapshot", "rates.online", "moneyed", "babel"]
sys.stderr.write(json.dumps([m for m in watched if m in sys.modules]))
"""


def loaded(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))],
                          capture_output=True, text=True, check=False)
    modules: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return modules


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["assess", "--help"], []])
def test_help_and_version_load_no_statute_rate_or_http(args: list[str]) -> None:
    assert loaded(*args) == []


def test_offline_assessment_never_imports_an_http_stack() -> None:
    modules = loaded("assess", "vn-225", "--organised", "--offence-date", "2018-03-19")
    assert "penalties.schema" in modules  # it did load the statute
    assert not {"requests", "requests_cache", "urllib3", "rates.online"} & set(modules)
