"""Performance budgets, measured side by side with what users would reach for instead.

Usage (from the repository root, after ``pip install -e '.[bench]'``)::

    python benchmarks/run.py            # the full run (a few minutes)
    python benchmarks/run.py --quick    # smaller samples, for a smoke test

Prints one table: each measurement, the comparison measured in the same run, the ratio and
the goal. Ratios, not absolute times, are the budgets, so the table means the same on a
slower machine. Results are recorded in ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

PYTHON = sys.executable
BIN = Path(PYTHON).parent
PENALTIES = shutil.which("penalties", path=str(BIN)) or "penalties"
# Commands run as an installed package does: with bytecode. ``pip install`` compiles it into
# site-packages; an editable checkout gets it on the warm-up run, unless the environment
# says PYTHONDONTWRITEBYTECODE, which would time the compiling of our modules on every start.
QUIET = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
         "NO_COLOR": "1", "COLUMNS": "80"}


@dataclass
class Row:
    """One line of the table."""

    name: str
    ours: str
    theirs: str
    ratio: float
    goal: str
    met: bool


def wall(command: Sequence[str], runs: int) -> float:
    """Median wall time of a command, in seconds (one warm-up run first)."""
    subprocess.run(command, capture_output=True, env=QUIET, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, env=QUIET, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process(code: str, runs: int) -> float:
    """Median time a snippet reports for itself in fresh interpreters, in seconds."""
    times = []
    for _ in range(runs):
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=QUIET,
                             check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def throughput(call: Callable[[], object], seconds: float) -> float:
    """Calls per second over about ``seconds``."""
    gc.collect()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            call()
        count += 200
    return count / (time.perf_counter() - start)


def historical_dates(n: int) -> list[date]:
    rng = random.Random(7)
    return [date(2000, 1, 3) + timedelta(days=rng.randrange(0, 9000)) for _ in range(n)]


def bench_conversion(seconds: float) -> Row:
    from currency_converter import CurrencyConverter

    import rates

    days = historical_dates(5000)
    converter = CurrencyConverter(decimal=True, fallback_on_missing_rate=True,
                                  fallback_on_wrong_date=True)
    ours_iter = itertools.cycle(days)
    theirs_iter = itertools.cycle(days)
    ours = throughput(lambda: rates.convert("100 EUR", "USD", next(ours_iter)), seconds)
    theirs = throughput(lambda: converter.convert(100, "EUR", "USD", next(theirs_iter)),
                        seconds)
    ratio = ours / theirs
    return Row("conversion EUR→USD, historical dates (with provenance)",
               f"{ours:,.0f}/s", f"{theirs:,.0f}/s CurrencyConverter(decimal=True)", ratio,
               "≥ 1.0×", ratio >= 1.0)


def bench_first_conversion(runs: int) -> Row:
    ours = in_process(
        "import time; t = time.perf_counter(); import rates; "
        "rates.convert('100 EUR', 'USD', '2018-03-19'); print(time.perf_counter() - t)", runs)
    theirs = in_process(
        "import time; t = time.perf_counter(); from datetime import date; "
        "from currency_converter import CurrencyConverter; "
        "c = CurrencyConverter(decimal=True); c.convert(100, 'EUR', 'USD', date(2018, 3, 19)); "
        "print(time.perf_counter() - t)", runs)
    ratio = ours / theirs
    return Row("first conversion in a fresh process (load + lookup)", f"{ours * 1000:.1f} ms",
               f"{theirs * 1000:.1f} ms CurrencyConverter()", ratio, "≤ 0.25×", ratio <= 0.25)


def bench_cold_cli(runs: int) -> Row:
    ours = wall([PENALTIES, "assess", "vn/penal-code/225", "--offender", "entity", "--profit",
                 "250000000", "--offence-date", "2018-03-19", "--to", "USD", "--json"], runs)
    theirs = wall([PYTHON, "-m", "currency_converter", "100", "EUR", "--to", "USD"], runs)
    ratio = ours / theirs
    return Row("cold CLI: assess vn/penal-code/225 --to USD --json", f"{ours * 1000:.0f} ms",
               f"{theirs * 1000:.0f} ms python -m currency_converter", ratio, "≤ 0.6×",
               ratio <= 0.6)


def bench_startup(flag: str, runs: int) -> Row:
    bare = wall([PYTHON, "-c", "pass"], runs)
    ours = wall([PENALTIES, flag], runs)
    over = (ours - bare) * 1000
    return Row(f"penalties {flag}", f"{ours * 1000:.0f} ms", f"{bare * 1000:.0f} ms bare "
               f"python -c pass", over, "≤ 90 ms over bare", over <= 90)


def bench_warm_assess(samples: int) -> Row:
    from penalties import Facts, assess

    facts = Facts(offender="entity", illicit_profit="250000000", offence_date="2018-03-19")
    for _ in range(500):
        assess("vn/penal-code/225", facts)
    gc.collect()
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        assess("vn/penal-code/225", facts)
        times.append(time.perf_counter() - start)
    median = statistics.median(times) * 1e6
    return Row("warm assess() on Art. 225", f"{median:.1f} µs median", "-", median,
               "≤ 30 µs", median <= 30)


def generate_cases(path: Path, n: int) -> None:
    """``n`` generated cases: both offenders, amounts across every band, dates 2018-2025."""
    rng = random.Random(11)
    first = date(2018, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "offender", "offence_date", "illicit_profit", "damage",
                         "goods_value", "organised", "commercial_scale", "times"])
        for i in range(n):
            writer.writerow([
                i, "entity" if rng.random() < 0.5 else "person",
                (first + timedelta(days=rng.randrange(0, 2900))).isoformat(),
                rng.randrange(0, 1_200_000_000),
                rng.randrange(0, 900_000_000) if rng.random() < 0.4 else "",
                rng.randrange(0, 900_000_000) if rng.random() < 0.3 else "",
                "true" if rng.random() < 0.1 else "",
                "yes" if rng.random() < 0.2 else "",
                rng.choice(("", "", "", "2")),
            ])


def bench_batch(n: int) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "cases.csv", Path(tmp) / "results.csv"
        generate_cases(source, n)
        timer = shutil.which("time") or "/usr/bin/time"
        command = [timer, "-f", "%e %M", PENALTIES, "batch", str(source), "--provision",
                   "vn/penal-code/225", "--to", "USD", "-o", str(target)]
        done = subprocess.run(command, capture_output=True, text=True, env=QUIET, check=True)
        seconds, kilobytes = done.stderr.strip().splitlines()[-1].split()
        with target.open(encoding="utf-8") as stream:
            written = sum(1 for _ in stream) - 1
    assert written == n, f"{written} rows written for {n} cases"
    rate = n / float(seconds)
    memory = int(kilobytes) / 1024
    return Row(f"batch of {n:,} cases, CSV → CSV with conversion", f"{rate:,.0f} cases/s, "
               f"{memory:.0f} MB peak", "-", rate / 100_000,
               "≥ 100,000 cases/s, ≤ 150 MB", rate >= 100_000 and memory <= 150)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every benchmark and print the table; exit 1 if a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller samples")
    args = parser.parse_args(argv)
    quick = args.quick
    rows = [  # in-process ones first, each after a garbage collection
        bench_warm_assess(2_000 if quick else 20_000),
        bench_conversion(0.5 if quick else 3),
        bench_first_conversion(3 if quick else 15),
        bench_cold_cli(3 if quick else 15),
        bench_startup("--version", 5 if quick else 25),
        bench_startup("--help", 5 if quick else 25),
        bench_batch(50_000 if quick else 1_000_000),
    ]
    print(f"{'measurement':58} {'ours':>28}  {'compared with':42} {'ratio':>8}  {'goal':28} met")
    for row in rows:
        print(f"{row.name:58} {row.ours:>28}  {row.theirs:42} {row.ratio:8.2f}  {row.goal:28} "
              f"{'yes' if row.met else 'NO'}")
    print(f"\n{date.today().isoformat()}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    return 0 if all(r.met for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
