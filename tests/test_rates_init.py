"""The public surface of rates: an explicit sorted __all__, one error tree, lazy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import rates


def _isort_key(name: str) -> tuple[int, str]:
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_resolves() -> None:
    assert rates.__all__ == sorted(rates.__all__, key=_isort_key)
    for name in rates.__all__:
        assert getattr(rates, name) is not None
    assert set(dir(rates)) == set(rates.__all__)


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = rates.nope


def test_error_tree() -> None:
    for name in ("UnknownCurrency", "InvalidAmount", "InvalidDate", "InvalidRounding",
                 "InvalidRate", "CurrencyMismatch", "SourceExists", "NotExact"):
        error = getattr(rates, name)
        assert issubclass(error, rates.RateError), name
        assert issubclass(error, ValueError), name
    for name in ("UnknownSource", "RateNotFound", "SourceUnavailable", "NotCached",
                 "BadPayload"):
        error = getattr(rates, name)
        assert issubclass(error, rates.RateError), name
        assert issubclass(error, LookupError), name
    assert issubclass(rates.NotCached, rates.SourceUnavailable)
    assert issubclass(rates.BadPayload, rates.SourceUnavailable)


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


HEAVY = "('requests', 'requests_cache', 'urllib3', 'sqlite3', 'platformdirs')"


def test_import_rates_loads_nothing() -> None:
    code = ("import sys, rates; print([m for m in ('rates.snapshot', 'rates.model', 'moneyed', "
            "'requests', 'requests_cache', 'json') if m in sys.modules])")
    assert _run(code) == "[]"


def test_offline_conversion_never_imports_an_http_stack() -> None:
    code = (
        "import sys, rates; c = rates.convert('1000000000 VND', 'USD', on='2018-03-19'); "
        "rates.snapshot_info(); rates.list_sources(); rates.get_source('ecb,snapshot'); "
        "assert str(c.rounded) == '44517.65'; "
        f"print([m for m in {HEAVY} if m in sys.modules])"
    )
    assert _run(code) == "[]"


def test_first_conversion_reads_only_the_files_it_needs() -> None:
    code = (
        "import builtins, rates; opened = []; real = builtins.open\n"
        "def spy(file, *a, **k):\n"
        "    opened.append(str(file)); return real(file, *a, **k)\n"
        "builtins.open = spy\n"
        "rates.get_rate('EUR', 'USD', '2018-03-19')\n"
        "print(sorted(p.replace(chr(92), '/').split('data')[-1] for p in opened if 'rates' in p))"
    )
    # the fixed euro rates are read too: they decide whether USD is a currency the euro
    # replaced (rates._fixed), before any series is read
    found = _run(code).replace(str(Path(rates.__file__).parent).replace(chr(92), "/"), "")
    assert found == "['/ecb/USD.txt', '/ecb/dates.txt', '/manifest.json', '/euro_fixed.toml']"
