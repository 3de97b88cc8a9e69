"""The public surface of rates: an explicit sorted __all__, one error tree, lazy imports."""

from __future__ import annotations

import subprocess
import sys

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
    # paths are made relative to the rates package before sorting, so the answer does not
    # depend on where the checkout lives (a CI path may sort anywhere, or contain "data")
    code = (
        "import builtins, pathlib, rates; opened = []; real = builtins.open\n"
        "def spy(file, *a, **k):\n"
        "    opened.append(str(file)); return real(file, *a, **k)\n"
        "builtins.open = spy\n"
        "rates.get_rate('EUR', 'USD', '2018-03-19')\n"
        "home = pathlib.Path(rates.__file__).resolve().parent\n"
        "inside = [pathlib.Path(p).resolve() for p in opened]\n"
        "print(sorted(p.relative_to(home).as_posix() for p in inside if p.is_relative_to(home)))"
    )
    # the fixed euro rates are read too: they decide whether USD is a currency the euro
    # replaced (rates._fixed), before any series is read
    assert _run(code) == ("['data/ecb/USD.txt', 'data/ecb/dates.txt', 'data/manifest.json', "
                          "'euro_fixed.toml']")


def test_a_conversion_while_another_thread_imports_py_moneyed() -> None:
    """While one thread is still importing py-moneyed, ``sys.modules`` holds the module
    half made: a conversion in another thread must not read ``Money`` from it (it was an
    AttributeError, "partially initialized module 'moneyed'", for every conversion with a
    source until the import ended). The conversion waits for the import where it needs
    py-moneyed itself: the importing thread goes on after a second, or as soon as the
    conversion is done."""
    code = (
        "import importlib.abc, importlib.util, sys, threading\n"
        "from decimal import Decimal\n"
        "import rates\n"
        "started, converted = threading.Event(), threading.Event()\n"
        "class Slow(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name != 'moneyed': return None\n"
        "        sys.meta_path.remove(self)\n"
        "        spec = importlib.util.find_spec(name)\n"
        "        real = spec.loader.exec_module\n"
        "        def exec_module(module):\n"
        "            started.set(); converted.wait(1); real(module)\n"
        "        spec.loader.exec_module = exec_module\n"
        "        return spec\n"
        "sys.meta_path.insert(0, Slow())\n"
        "importer = threading.Thread(target=lambda: __import__('moneyed'))\n"
        "importer.start(); started.wait(30)\n"
        "try:\n"
        "    c = rates.convert(Decimal(1000000000), 'USD', '2018-03-19', currency='VND',\n"
        "                      source='snapshot')\n"
        "finally:\n"
        "    converted.set(); importer.join(30)\n"
        "print(c.rounded, type(rates.convert(c.converted, 'EUR', '2018-03-19')).__name__)"
    )
    assert _run(code) == "44517.65 Conversion"


def test_the_snapshot_describes_what_it_holds_from_its_own_manifest() -> None:
    """A fresh user's finding (2026-12-03): ``rates sources`` said "IMF annual averages of
    ~170 currencies 1950-2024" while ``rates info`` said 1940 to 2024 and 172 currencies:
    the description was written by hand and had drifted (and would after a refresh)."""
    source = rates.get_source("snapshot")
    info = rates.snapshot_info()
    for dataset in info.datasets:
        count = len(dataset.coverage)
        assert (f"{dataset.title} {dataset.first[:4]}-{dataset.last[:4]}, {count} "
                f"currenc{'y' if count == 1 else 'ies'}") in source.description
    assert source.description.startswith("Offline. ")
