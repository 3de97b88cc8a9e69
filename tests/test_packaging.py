"""Packaging: what the wheel installs, one version number, and dependency floors that work.

The wheel installs ``penalties`` and ``rates`` and nothing with a generic name: the command
line (``cli.py`` at the root of the repository) is shipped as ``penalties/_cli.py``. The
tests marked ``registry`` build the wheel and the sdist and install the package into a
fresh virtual environment with every dependency at its declared floor, then run the
installed command line. They need the package registry (through pip, with its cache) and
are skipped when it, or the build backend, cannot be reached: ``-m "not registry"``
leaves them out.
"""

from __future__ import annotations

import ast
import configparser
import email
import importlib.metadata
import json
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import penalties

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
VERSION = penalties.__version__
#: The console script, as pyproject.toml declares it.
SCRIPT = "penalties.__main__:main"
#: Imported only when the caller hands over what needs it: ``penalties.assess_frame`` is
#: given a pandas DataFrame (pandas comes with the ``dask`` extra); a chart is drawn
#: (matplotlib, the ``plot`` extra); an app is made (``penalties.web``: the ``web`` extra).
OPTIONAL_IMPORTS = {"pandas", "matplotlib", "fastapi", "fastapi_offline", "starlette",
                    "uvicorn"}

#: What pip prints when it cannot reach the registry (then the test is skipped, not failed).
UNREACHABLE = ("NewConnectionError", "Failed to establish a new connection",
               "Temporary failure in name resolution", "Name or service not known",
               "Network is unreachable", "ConnectTimeoutError", "ReadTimeoutError",
               "Read timed out", "ProxyError", "Max retries exceeded", "Connection refused",
               "Could not fetch URL", "SSLError", "connection broken")
#: Seconds for one pip command (a hang guard far above a normal run of a few seconds).
PIP_TIMEOUT = 240

registry = pytest.mark.registry
#: The ``stderr_on_a_terminal`` fixture (tests/conftest.py).
OnATerminal = Callable[..., tuple[int, bytes]]


def _environment() -> dict[str, str]:
    """The environment of a subprocess: no path or virtual environment of ours, no settings
    of the command line, and pip quick to give up on a registry it cannot reach."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "PYTHONSTARTUP", "VIRTUAL_ENV"}
    env = {name: value for name, value in os.environ.items()
           if name not in dropped and not name.startswith("PENALTIES_")}
    env.update(PIP_DEFAULT_TIMEOUT="60", PIP_RETRIES="2", PIP_NO_INPUT="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _pip(python: Path | str, *args: str, what: str) -> None:
    """Run pip; skip the test when the registry cannot be reached, fail on any other
    error."""
    try:
        done = subprocess.run([str(python), "-m", "pip", *args], capture_output=True,
                              text=True, env=_environment(), check=False,
                              timeout=PIP_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.skip(f"{what}: pip did not finish in {PIP_TIMEOUT} s (registry unreachable?)")
    if done.returncode:
        said = done.stdout + done.stderr
        if any(sign in said for sign in UNREACHABLE):
            pytest.skip(f"{what}: the package registry cannot be reached")
        pytest.fail(f"{what} failed:\n{said[-4000:]}")


def _venv(where: Path) -> Path:
    """A fresh virtual environment; its python."""
    done = subprocess.run([sys.executable, "-m", "venv", str(where)], capture_output=True,
                          text=True, env=_environment(), check=False)
    if done.returncode:
        pytest.skip(f"cannot create a virtual environment: {done.stderr[-500:]}")
    return where / ("Scripts" if sys.platform == "win32" else "bin") / "python"


def _build_wheel(source: Path, out: Path) -> Path:
    _pip(sys.executable, "wheel", "--no-deps", "-w", str(out), str(source),
         what="building the wheel")
    (wheel,) = out.glob("penalties-*.whl")
    return wheel


@dataclass(frozen=True)
class Wheel:
    path: Path
    names: list[str]
    metadata: Message
    entry_points: configparser.ConfigParser

    def read(self, name: str) -> bytes:
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(name)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    path = _build_wheel(ROOT, tmp_path_factory.mktemp("wheel"))
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        info = f"penalties-{VERSION}.dist-info"
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
        entry_points = configparser.ConfigParser(delimiters=("=",))
        entry_points.read_string(archive.read(f"{info}/entry_points.txt").decode("utf-8"))
    return Wheel(path, names, metadata, entry_points)


def dependencies() -> list[Requirement]:
    """``[project].dependencies`` of pyproject.toml, for this interpreter."""
    wanted = [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
    return [r for r in wanted if r.marker is None or r.marker.evaluate()]


def distribution(requirement: Requirement) -> str:
    return str(canonicalize_name(requirement.name))


def floor(requirement: Requirement) -> Version:
    """The least version ``requirement`` allows: its ``>=`` (or ``==``, ``~=``) bound."""
    bounds = [Version(s.version) for s in requirement.specifier
              if s.operator in (">=", "==", "~=")]
    assert len(bounds) == 1, f"{requirement}: one floor (>=) is wanted"
    return bounds[0]


# -- the wheel -------------------------------------------------------------------------


@registry
def test_the_wheel_installs_no_generic_module_name(wheel: Wheel) -> None:
    assert "cli.py" not in wheel.names
    assert not [name for name in wheel.names if name.startswith("cli/")]
    top = {name.split("/")[0] for name in wheel.names}
    assert top == {"penalties", "rates", f"penalties-{VERSION}.dist-info"}
    assert not [name for name in wheel.names if "__pycache__" in name]


@registry
def test_the_command_line_ships_inside_the_package(wheel: Wheel) -> None:
    assert wheel.read("penalties/_cli.py") == (ROOT / "cli.py").read_bytes()
    assert "penalties/__main__.py" in wheel.names


@registry
def test_the_console_script_is_the_launcher(wheel: Wheel) -> None:
    assert PYPROJECT["project"]["scripts"] == {"penalties": SCRIPT}
    assert dict(wheel.entry_points["console_scripts"]) == {"penalties": SCRIPT}


@registry
def test_the_version_has_one_source(wheel: Wheel) -> None:
    assert "version" not in PYPROJECT["project"]
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"] == {"path": "penalties/__init__.py"}
    assert wheel.metadata["Version"] == VERSION
    assert wheel.path.name.startswith(f"penalties-{VERSION}-")


@registry
def test_the_wheel_requires_the_declared_dependencies(wheel: Wheel) -> None:
    required = [Requirement(text) for text in wheel.metadata.get_all("Requires-Dist") or []]
    unconditional = {(distribution(r), r.specifier) for r in required
                     if r.marker is None}
    assert unconditional == {(distribution(r), r.specifier) for r in dependencies()}
    floors = {distribution(r): floor(r) for r in dependencies()}
    assert floors["typer"] >= Version("0.16")  # 0.12 to 0.15 fail on this command line
    assert floors["rich"] >= Version("12.3")  # rich.progress.TaskProgressColumn


def test_the_build_ships_cli_py_without_a_prefix_rewrite() -> None:
    """``sources`` rewrites that change a prefix break editable installs; the command line
    is shipped by ``force-include`` instead (read here without building anything)."""
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert "sources" not in wheel
    assert "sources" not in PYPROJECT["tool"]["hatch"]["build"]
    assert wheel["force-include"] == {"cli.py": "penalties/_cli.py"}
    assert "cli.py" not in wheel["only-include"]
    sdist = PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]
    assert "cli.py" in sdist["only-include"]  # a wheel built from the sdist has it


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    names |= {node.module for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
    return {name.split(".")[0] for name in names}


def test_every_distribution_the_code_imports_is_declared() -> None:
    files = [ROOT / "cli.py", *(ROOT / "penalties").rglob("*.py"), *(ROOT / "rates").rglob("*.py")]
    modules = set().union(*(_imported(f) for f in files))
    own = {"penalties", "rates", "cli", "__future__"}
    third_party = modules - own - set(sys.stdlib_module_names) - OPTIONAL_IMPORTS
    providers = importlib.metadata.packages_distributions()
    unknown = sorted(m for m in third_party if m not in providers)
    assert not unknown, f"imported but installed by no distribution: {unknown}"
    imported = {str(canonicalize_name(d)) for m in third_party for d in providers[m]}
    declared = {distribution(r) for r in dependencies()}
    assert imported == declared


# -- the sdist -------------------------------------------------------------------------


@registry
def test_a_wheel_built_from_the_sdist_ships_the_command_line(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    backend = _venv(tmp_path_factory.mktemp("backend") / "venv")
    _pip(backend, "install", "--only-binary", ":all:",
         *PYPROJECT["build-system"]["requires"], what="installing the build backend")
    out = tmp_path_factory.mktemp("sdist")
    done = subprocess.run([str(backend), "-c", "import sys, hatchling.build as b; "
                           "print(b.build_sdist(sys.argv[1]))", str(out)], cwd=ROOT,
                          capture_output=True, text=True, env=_environment(), check=False)
    assert done.returncode == 0, done.stderr
    (sdist,) = out.glob("penalties-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert f"penalties-{VERSION}/cli.py" in names
    assert f"penalties-{VERSION}/penalties/_cli.py" not in names
    built = _build_wheel(sdist, tmp_path_factory.mktemp("from-sdist"))
    with zipfile.ZipFile(built) as archive:
        assert "cli.py" not in archive.namelist()
        assert archive.read("penalties/_cli.py") == (ROOT / "cli.py").read_bytes()


# -- the floors ------------------------------------------------------------------------


@dataclass(frozen=True)
class Floors:
    """A virtual environment with the wheel installed (not editable) and every dependency
    at its declared floor."""

    python: Path
    script: Path
    home: Path  # a working directory away from the repository
    pins: dict[str, Version]

    def run(self, *args: str, program: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(program or self.script), *args], capture_output=True,
                              text=True, cwd=self.home, env=_environment(), check=False,
                              stdin=subprocess.DEVNULL, timeout=120)

    def python_says(self, code: str, *args: str) -> Any:
        done = self.run("-I", "-c", code, *args, program=self.python)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture(scope="session")
def floors(wheel: Wheel, tmp_path_factory: pytest.TempPathFactory) -> Floors:
    where = tmp_path_factory.mktemp("floors")
    python = _venv(where / "venv")
    pins = {distribution(r): floor(r) for r in dependencies()}
    constraints = where / "floors.txt"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()),
                           encoding="utf-8")
    _pip(python, "install", "--only-binary", ":all:", "-c", str(constraints),
         str(wheel.path), what="installing the package at its dependency floors")
    home = where / "home"
    home.mkdir()
    return Floors(python, python.parent / "penalties", home, pins)


@registry
def test_the_floors_are_what_is_installed(floors: Floors) -> None:
    installed = floors.python_says("import json, sys, importlib.metadata as m; "
                                   "print(json.dumps({n: m.version(n) for n in sys.argv[1:]}))",
                                   *floors.pins)
    assert {name: Version(version) for name, version in installed.items()} == floors.pins


@registry
def test_at_the_floors_the_wheel_runs_the_shipped_command_line(floors: Floors) -> None:
    seen = floors.python_says(
        "import json, importlib.util, penalties, rates\n"
        "from penalties.__main__ import command_line\n"
        "module = command_line()\n"
        "print(json.dumps({'penalties': penalties.__file__, 'rates': rates.__file__,\n"
        "    'name': module.__name__, 'file': module.__file__, 'app': hasattr(module, 'app'),\n"
        "    'cli': importlib.util.find_spec('cli') is not None}))")
    packages = Path(seen["penalties"]).parent
    assert floors.python.parent.parent in packages.parents  # installed, not the checkout
    assert Path(seen["rates"]).parent.parent == packages.parent
    assert seen["name"] == "penalties._cli"
    assert Path(seen["file"]) == packages / "_cli.py"
    assert seen["app"]
    assert not seen["cli"]  # no module named cli was installed


@registry
def test_at_the_floors_the_console_script_works(floors: Floors) -> None:
    version = floors.run("--version")
    assert (version.returncode, version.stdout) == (0, f"penalties {VERSION}\n")
    text = floors.run("assess", "vn/penal-code/225", "--offender", "entity", "--profit",
                      "250000000", "--offence-date", "2018-03-19", "--to", "USD")
    assert text.returncode == 0, text.stderr
    assert "225" in text.stdout
    args = ["assess", "vn-225", "--json", "--offender", "person", "--profit",
            "2225.88255 USD", "--offence-date", "2018-03-19"]
    as_json = floors.run(*args)
    assert as_json.returncode == 0, as_json.stderr
    here = subprocess.run([sys.executable, "-m", "penalties", *args], capture_output=True,
                          text=True, cwd=ROOT, env=_environment(), check=True)
    assert json.loads(as_json.stdout) == json.loads(here.stdout)  # the same answer
    library = floors.run("-I", "-c", "import penalties, rates", program=floors.python)
    assert library.returncode == 0, library.stderr


@registry
def test_at_the_floors_help_and_usage_errors_work(floors: Floors) -> None:
    # typer 0.17.0 to 0.17.3 end `assess --help` in an AttributeError; 0.16 to 0.17.4,
    # with click 8.3 or later, a missing argument.
    for args in (["--help"], ["assess", "--help"], ["-h"]):
        shown = floors.run(*args)
        assert shown.returncode == 0, (args, shown.stderr)
        assert shown.stdout.startswith("Usage: penalties")
    missing = floors.run("assess")
    assert missing.returncode == 2, missing.stderr
    assert "Missing argument 'ID'" in missing.stderr


@registry
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_at_the_floors_batch_shows_its_progress_on_a_terminal(
    floors: Floors, stderr_on_a_terminal: OnATerminal
) -> None:
    cases = floors.home / "cases.csv"
    cases.write_text("id,offender,illicit_profit,offence_date\n1,entity,250000000,2018-03-19\n",
                     encoding="utf-8")
    results = floors.home / "results.csv"
    status, seen = stderr_on_a_terminal([str(floors.script), "batch", str(cases),
                                         "--provision", "vn-225", "-o", str(results)],
                                        cwd=floors.home, env=_environment())
    assert status == 0, seen.decode("utf-8", "replace")
    assert b"100%" in seen  # rich's bar (rich.progress.TaskProgressColumn from 12.3)
    assert len(results.read_text(encoding="utf-8").splitlines()) == 2


# -- a source checkout -----------------------------------------------------------------

CHECKOUT = """
import json, penalties
from penalties.__main__ import command_line
module = command_line()
print(json.dumps({"penalties": penalties.__file__, "name": module.__name__,
                  "file": module.__file__, "app": hasattr(module, "app")}))
"""


def test_a_source_checkout_runs_the_root_cli_py_as_penalties__cli() -> None:
    """In a checkout or an editable install there is no ``penalties/_cli.py``:
    :func:`penalties.__main__.command_line` loads ``cli.py`` under that name."""
    assert not (ROOT / "penalties" / "_cli.py").exists()  # it would shadow cli.py
    done = subprocess.run([sys.executable, "-c", CHECKOUT], capture_output=True, text=True,
                          check=True, env=_environment())
    seen = json.loads(done.stdout)
    package = Path(seen["penalties"]).parent
    shipped = package / "_cli.py"
    expected = shipped if shipped.exists() else package.parent / "cli.py"
    assert seen["name"] == "penalties._cli"
    assert Path(seen["file"]) == expected
    assert seen["app"]
