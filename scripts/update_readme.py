"""Rewrite the outputs of the README's ``console`` examples by running them.

Run after changing what a command prints; ``tests/test_readme.py`` fails until the README
shows exactly what the commands print (80 columns, no colour, en_US money).

Usage: ``python scripts/update_readme.py``
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROKEN = """schema_version = 1
id = "xx/broken/1"
jurisdiction = "XX"
instrument = "Broken"
article = "1"
language = "en"
currency = "XYZ"
title = { original = "Broken", en = "Broken" }
subjects = [{ kind = "person", label = "person" }]
[[versions]]
effective_from = 2020-01-01
sources = [{ title = "none" }]
[[versions.tiers]]
id = "1"
subject = "person"
rank = 1
when = { fact = "organised" }
principal = [{ kind = "fine", max = 10 }]
citation = { clause = "1", quote = "q", translation = "t", source = "s", confidence = "C" }
"""


CASES = """id,offender,offence_date,illicit_profit,organised,times
A-1,entity,2018-03-19,250000000,,
A-2,person,2019-06-01,60000000,true,
A-3,person,2019-06-01,lots,,
A-4,entity,2024-11-05,1200000000,,2
"""


def prepare(cwd: Path) -> None:
    """The files the examples read: a broken statute and a small batch of cases."""
    (cwd / "broken.toml").write_text(BROKEN, encoding="utf-8")
    (cwd / "cases.csv").write_text(CASES, encoding="utf-8")


def environment() -> dict[str, str]:
    """The environment the README examples are recorded (and tested) in."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANGUAGE", "LC_ALL", "LC_MONETARY", "LC_CTYPE", "LANG")}
    env.update(COLUMNS="80", NO_COLOR="1", TERM="dumb")
    return env


def run(command: str, cwd: Path) -> str:
    """Run one ``penalties ...`` example and return what it prints (stdout, then stderr,
    then ``[exit code N]`` when it is not 0)."""
    exe = shutil.which("penalties", path=str(Path(sys.executable).parent)) or "penalties"
    args = shlex.split(command)
    done = subprocess.run([exe, *args[1:]], capture_output=True, text=True, cwd=cwd,
                          env=environment(), check=False)
    status = f"\n[exit code {done.returncode}]" if done.returncode else ""
    return (done.stdout + done.stderr).rstrip("\n") + status


def main() -> None:
    """Rewrite README.md in place."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        prepare(cwd)

        def block(match: re.Match[str]) -> str:
            lines = [line for line in match[1].splitlines() if line.startswith("$ ")]
            body = "\n".join(f"{line}\n{run(line[2:], cwd)}" for line in lines)
            return f"```console\n{body}\n```"

        text = re.sub(r"```console\n(.*?)```", block, text, flags=re.DOTALL)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
