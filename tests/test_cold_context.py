"""The caller's decimal context changes no digit even when it is in force from the start:
before ``import penalties``, at the first assessment (when statutes compile and lenses
fill their caches) and in the thread that first uses a provision (a session of
2026-12-03: the warm tests of ``tests/test_exactness.py`` could not see these).

Each context runs in a fresh interpreter: every golden case of every shipped statute (their
expectations come from the statutory texts) must pass in it, and what one context computed
first must not reach a later plain one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Decimal contexts set before anything of the library is imported.
CONTEXTS = {
    "six digits": "c.prec = 6",
    "two digits": "c.prec = 2",
    "small Emax, overflow not trapped": "c.Emax = 6; c.traps[decimal.Overflow] = False",
    "one digit, inexact and rounded trapped": (
        "c.prec = 1; c.traps[decimal.Inexact] = True; c.traps[decimal.Rounded] = True"),
    "clamp with a small Emax, rounding down": (
        "c.Emax = 20; c.Emin = -20; c.clamp = 1; c.rounding = decimal.ROUND_FLOOR"),
}

_SCRIPT = """
import decimal, json
c = decimal.getcontext()
{setting}
import penalties, rates
from rates.errors import InvalidAmount
failed = []
for statute in penalties.list_provisions():
    failed += [f"{{statute.id}}: {{o.name}}: {{o.differences[:1]}}"
               for o in penalties.run_cases(statute) if not o.passed]
try:
    rates.convert("5000000000000000000000000 EUR", "USD", "2018-03-19")
    failed.append("an amount over 10^18 was converted")
except InvalidAmount:
    pass
# what the hostile context computed first, read again in a plain one
decimal.setcontext(decimal.Context())
person = {{"offender": "person", "illicit_profit": "10000000 VND", "offence_date": "2018-03-19"}}
if penalties.assess("vn-225", person).tier is not None:
    failed.append("VND 10,000,000 of profit met a tier of Art. 225 (the first is at 50,000,000)")
print(json.dumps(failed))
"""


@pytest.mark.parametrize("name", list(CONTEXTS))
def test_golden_cases_pass_in_a_context_set_before_the_library_loads(name: str) -> None:
    script = _SCRIPT.format(setting=CONTEXTS[name].replace("; ", "\n"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, timeout=600, check=False)  # a hang guard
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.splitlines()[-1]) == []
