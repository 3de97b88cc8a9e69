"""The README's examples run and its outputs are checked, so the tour never goes stale."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomli_w

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def console_examples() -> list[tuple[str, str]]:
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.DOTALL):
        command: str | None = None
        output: list[str] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(output)))
                command, output = line[2:], []
            else:
                output.append(line)
        if command is not None:
            examples.append((command, "\n".join(output)))
    return examples


def test_the_two_commands_match_ci() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.DOTALL)
    install_and_run, install_and_test = blocks[0], blocks[1]
    assert "penalties assess" in install_and_run
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


@pytest.mark.parametrize(("command", "expected"), console_examples(),
                         ids=lambda v: v[:50] if isinstance(v, str) else "")
def test_console_example(command: str, expected: str, tmp_path: Path,
                         statute_data: dict[str, Any]) -> None:
    exe = shutil.which("penalties", path=str(Path(sys.executable).parent))
    assert exe
    statute_data["currency"] = "XYZ"
    (tmp_path / "broken.toml").write_text(tomli_w.dumps(statute_data), encoding="utf-8")
    args = shlex.split(command)
    assert args[0] == "penalties"
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb"}
    done = subprocess.run([exe, *args[1:]], capture_output=True, text=True, cwd=tmp_path,
                          env=env, check=False)
    assert (done.stdout + done.stderr).rstrip("\n") == expected.rstrip("\n")
