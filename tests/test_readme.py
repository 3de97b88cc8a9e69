"""The README's examples run and its outputs are checked, so the tour never goes stale.

Outputs are recorded by ``scripts/update_readme.py``; this test runs the same commands the
same way and compares.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _recorder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_readme",
                                                  ROOT / "scripts" / "update_readme.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


recorder = _recorder()


def console_examples() -> list[tuple[str, str]]:
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.DOTALL):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.MULTILINE):
            if chunk.startswith("$ "):
                command, _, output = chunk[2:].partition("\n")
                examples.append((command, output))
    return examples


def test_the_two_commands_match_ci() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.DOTALL)
    install_and_run, install_and_test = blocks[0], blocks[1]
    assert "penalties assess" in install_and_run
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


def test_there_are_examples() -> None:
    assert len(console_examples()) >= 2


@pytest.mark.parametrize(("command", "expected"), console_examples(),
                         ids=lambda v: v[:60] if isinstance(v, str) else "")
def test_console_example(command: str, expected: str, tmp_path: Path) -> None:
    recorder.prepare(tmp_path)
    assert recorder.run(command, tmp_path) == expected.rstrip("\n")
