"""The house rules of the layout (DESIGN.md; issue 11): the library never imports the command
line, the money side never imports the law side, and implementation modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: "About 300 lines at most" for an implementation module of penalties/.
MAX_MODULE_LINES = 320


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth of the file (imports inside functions
    count), including ``importlib.import_module("...")`` with a literal name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
    return names


def _is(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


@pytest.mark.parametrize("path", _modules("penalties") + _modules("rates"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_library_never_imports_the_command_line(path: Path) -> None:
    if path == ROOT / "penalties" / "__main__.py":  # the launcher of the console script
        return
    command_line = [name for name in _imported(path)
                    if _is(name, "cli") or _is(name, "penalties._cli")
                    or _is(name, "penalties.__main__")]
    assert not command_line, f"{path.name} imports the command line: {command_line}"


@pytest.mark.parametrize("path", _modules("rates"), ids=lambda p: str(p.relative_to(ROOT)))
def test_rates_never_imports_penalties(path: Path) -> None:
    law = [name for name in _imported(path) if _is(name, "penalties")]
    assert not law, f"{path.name} imports the law side: {law}"


def test_the_launcher_is_the_one_module_that_loads_the_command_line() -> None:
    text = (ROOT / "penalties" / "__main__.py").read_text(encoding="utf-8")
    assert '"penalties._cli"' in text
    assert "cli.py" in text


@pytest.mark.parametrize("path", _modules("penalties"), ids=lambda p: str(p.relative_to(ROOT)))
def test_implementation_modules_are_small(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, (
        f"{path.relative_to(ROOT)} has {lines} lines; split it by what it holds "
        f"(at most about {MAX_MODULE_LINES})")


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import cli\n    from penalties import _cli\n"
                      "    importlib.import_module('rates.model')\n", encoding="utf-8")
    assert {"cli", "penalties", "penalties._cli", "rates.model"} <= _imported(sample)
