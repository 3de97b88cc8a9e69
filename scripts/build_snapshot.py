"""Build the embedded exchange-rate snapshot (``rates/data/``) from the raw files.

The builder is :mod:`rates.build` (shipped in the package; ``penalties rates refresh`` uses
it for a user snapshot); this script runs it on the raw files in ``../shared/data/fx/`` (see
its README for provenance and licences):

* ``ecb-eurofxref-hist.zip``: ECB euro reference rates, daily, units per 1 EUR, 1999 on;
* ``imf_exchangerates_M_ENDE_USD_VND_2010-2025.csv``: IMF end-of-month VND per 1 USD;
* ``imf_exchangerates_A_ENDA_USD.csv``: IMF annual averages, units per 1 USD, 1940 on.

Usage::

    python scripts/build_snapshot.py [--input DIR] [--output DIR]    # write
    python scripts/build_snapshot.py --check                          # compare, exit 1 if stale
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rates.build import (
    ECB_FILE,
    IMF_ANNUAL_FILE,
    IMF_MONTHLY_FILE,
    PRIMARY_COUNTRY,
    BuildError,
    build,
    differences,
    read_ecb,
    read_imf_annual,
    read_imf_monthly,
    write,
)

__all__ = [
    "DEFAULT_INPUT", "DEFAULT_OUTPUT", "ECB_FILE", "IMF_ANNUAL_FILE", "IMF_MONTHLY_FILE",
    "PRIMARY_COUNTRY", "BuildError", "build", "differences", "main", "read_ecb",
    "read_imf_annual", "read_imf_monthly", "write",
]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "fx"
DEFAULT_OUTPUT = ROOT / "rates" / "data"


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the embedded snapshot; 0 done, 1 stale, 2 bad
    input."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--input", type=Path, default=DEFAULT_INPUT, help="raw data directory")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="data directory")
    parser.add_argument(
        "--check", action="store_true", help="verify the output matches a rebuild; write nothing"
    )
    args = parser.parse_args(argv)
    try:
        files = build(args.input)
    except (OSError, BuildError, KeyError, ValueError) as error:
        print(f"build_snapshot: {error}", file=sys.stderr)
        return 2
    if args.check:
        problems = differences(files, args.output)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print("the snapshot is stale: run scripts/build_snapshot.py", file=sys.stderr)
            return 1
        print(f"snapshot up to date ({len(files)} files)")
        return 0
    if build(args.input) != files:  # build twice: a cheap proof of reproducibility
        print("build_snapshot: two builds differ", file=sys.stderr)
        return 2
    write(files, args.output)
    size = sum(len(content) for content in files.values())
    print(f"wrote {len(files)} files, {size:,} bytes, to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
