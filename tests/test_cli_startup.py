"""Start-up: the CLI imports only what a command needs (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
sys.argv = ["penalties", *json.loads(sys.argv[1])]
import cli
try:
    cli.main()
except SystemExit:
    pass
watched = ["requests", "requests_cache", "urllib3", "penalties.statutes._schema",
           "penalties.statutes._catalog",
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
    assert "penalties.statutes._schema" in modules  # it did load the statute
    assert not {"requests", "requests_cache", "urllib3", "rates.online"} & set(modules)


LAUNCHER = """
import atexit, gc, json, sys
# Registered first, so it runs last at exit: after the launcher's own exit handler.
atexit.register(lambda: sys.stderr.write(json.dumps(
    {"threshold": gc.get_threshold()[0], "frozen": gc.get_freeze_count()})))
sys.argv = ["penalties", "--version"]
from penalties.__main__ import main
try:
    main()
except SystemExit:
    pass
"""


def test_the_console_script_starts_through_the_launcher() -> None:
    import tomllib

    from penalties.__main__ import GC_THRESHOLD

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["penalties"] == "penalties.__main__:main"
    done = subprocess.run([sys.executable, "-c", LAUNCHER], capture_output=True, text=True,
                          check=True)
    assert done.stdout.startswith("penalties ")
    seen = json.loads(done.stderr.strip().splitlines()[-1])
    assert seen["threshold"] == GC_THRESHOLD  # collections are rarer while it runs
    assert seen["frozen"] > 10_000  # and at exit what is left is frozen, not scanned


def test_python_m_penalties_is_the_command_line() -> None:
    args = ["assess", "vn-225", "--offender", "entity", "--profit", "250000000",
            "--offence-date", "2018-03-19", "--json"]
    done = subprocess.run([sys.executable, "-m", "penalties", *args], capture_output=True,
                          text=True, check=True)
    assert json.loads(done.stdout)["tier"]["ref"] == "225(4)(a)"


def test_python_m_penalties_does_not_run_a_cli_py_of_the_working_directory(
        tmp_path: Path) -> None:
    (tmp_path / "cli.py").write_text("def main():\n    print('decoy')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "penalties", "--version"], cwd=tmp_path,
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith("penalties ")
