"""Build the embedded exchange-rate snapshot (``rates/data/``) from the raw files.

Inputs (``../shared/data/fx/`` by default, see its README for provenance and licences):

* ``ecb-eurofxref-hist.zip``: ECB euro reference rates, daily, units per 1 EUR, 1999 on;
* ``imf_exchangerates_M_ENDE_USD_VND_2010-2025.csv``: IMF end-of-month VND per 1 USD;
* ``imf_exchangerates_A_ENDA_USD.csv``: IMF annual averages, units per 1 USD, 1940 on.

Output, all plain text so a rebuild can be diffed::

    rates/data/manifest.json          datasets, attributions, input sha256, coverage
    rates/data/ecb/dates.txt          every ECB publication day, ascending, one per line
    rates/data/ecb/<CUR>.txt          that currency's rates, one line per publication day
                                      from its first quote to its last (empty = not quoted);
                                      line k belongs to dates.txt line offset + k
    rates/data/imf-monthly/<CUR>.txt  "YYYY-MM-DD,rate" lines, month-end dates, ascending
    rates/data/imf-annual/<CUR>.txt   "YYYY-12-31,rate" lines (annual averages), ascending

Rates are kept as the exact text published (no float round trip, no normalisation).
Transformations, stated as the IMF terms require: rows are regrouped per currency and sorted
by date; ECB rows with ``N/A`` are left empty; for a currency the IMF file lists under several
countries, the series of one country (``PRIMARY_COUNTRY`` below) is kept; the USD annual
series (always 1) is dropped. The same inputs always give byte-identical output.

Usage::

    python scripts/build_snapshot.py [--input DIR] [--output DIR]    # write
    python scripts/build_snapshot.py --check                          # compare, exit 1 if stale
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUT = ROOT.parent / "shared" / "data" / "fx"
DEFAULT_OUTPUT = ROOT / "rates" / "data"

ECB_FILE = "ecb-eurofxref-hist.zip"
ECB_MEMBER = "eurofxref-hist.csv"
IMF_MONTHLY_FILE = "imf_exchangerates_M_ENDE_USD_VND_2010-2025.csv"
IMF_ANNUAL_FILE = "imf_exchangerates_A_ENDA_USD.csv"

FORMAT = 1

ECB_ATTRIBUTION = "Source: ECB statistics"
IMF_ATTRIBUTION = (
    "Source: International Monetary Fund (Exchange Rates dataset), via "
    "codeforIATI/imf-exchangerates. The monthly file is a VND-only subset of the upstream file."
)
IMF_LICENCE = ("IMF data may be reused, also commercially, with attribution; material "
               "transformations must be stated.")

#: For currencies the IMF annual file lists under several countries, whose series to keep.
#: The other series are either identical or mislabelled by the upstream scraper.
PRIMARY_COUNTRY = {
    "AUD": "AU",  # Kiribati, Nauru, Tuvalu: same values
    "BEF": "BE",  # Benelux aggregate: same values
    "CHF": "CH",  # Liechtenstein: same values
    "DKK": "DK",  # Faroe Islands and Greenland rows differ from Denmark in later years
    "EUR": "U2",  # the euro area itself (Andorra, Kosovo, Montenegro: same up to rounding)
    "FRF": "FR",  # overseas departments: same values
    "GBP": "GB",  # Crown dependencies: same values
    "ITL": "IT",  # San Marino rows after 1998 are euro values, not lire
    "NLG": "NL",  # Netherlands Antilles rows are Antillean guilders (ANG), not NLG
    "USD": "US",  # Haiti, Ecuador, El Salvador rows are local currencies before dollarisation
    "XAF": "5X",  # CEMAC, the issuing union
    "XCD": "5Y",  # ECCU, the issuing union
    "XCG": "CW",  # Curaçao (Sint Maarten: same values)
    "XOF": "7A",  # WAEMU, the issuing union
    "XPF": "PF",  # French Polynesia (New Caledonia: same values)
    "YDD": "1C_459",  # the dinar was the currency of the People's Democratic Republic of Yemen
    "ZAR": "ZA",  # Lesotho, Namibia: same up to rounding
}

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class BuildError(Exception):
    """An input file does not look like what the snapshot expects."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_rate(text: str, where: str) -> str:
    if not _NUMBER.fullmatch(text) or not any(ch in "123456789" for ch in text):
        raise BuildError(f"{where}: {text!r} is not a positive decimal rate")
    return text


def _check_date(text: str, where: str) -> str:
    if not _DATE.fullmatch(text):
        raise BuildError(f"{where}: {text!r} is not a YYYY-MM-DD date")
    date.fromisoformat(text)
    return text


def _is_month_end(text: str) -> bool:
    day = date.fromisoformat(text)
    return day.month != date.fromordinal(day.toordinal() + 1).month


def read_ecb(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """Publication days ascending, and per currency its rate text per day ('' = N/A)."""
    with zipfile.ZipFile(path) as archive, archive.open(ECB_MEMBER) as raw:
        rows = list(csv.reader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))
    header, body = rows[0], rows[1:]
    if header[0] != "Date":
        raise BuildError(f"{path.name}: first column is {header[0]!r}, expected 'Date'")
    codes = [code for code in header[1:] if code]
    body.sort(key=lambda row: row[0])
    dates = [_check_date(row[0], f"{path.name} Date") for row in body]
    if len(set(dates)) != len(dates):
        raise BuildError(f"{path.name}: duplicate dates")
    values: dict[str, list[str]] = {}
    for column, code in enumerate(codes, start=1):
        values[code] = [
            "" if row[column] == "N/A" else _check_rate(row[column], f"{row[0]} {code}")
            for row in body
        ]
    return dates, values


def _read_imf(path: Path, frequency: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = ["Date", "Rate", "Currency", "Frequency", "Source", "Country code", "Country"]
    if not rows or list(rows[0]) != expected:
        raise BuildError(f"{path.name}: columns are not {expected}")
    for row in rows:
        where = f"{path.name} {row['Currency']} {row['Date']}"
        _check_date(row["Date"], where)
        _check_rate(row["Rate"], where)
        if row["Frequency"] != frequency or row["Source"] != "IMF":
            raise BuildError(f"{where}: frequency/source {row['Frequency']}/{row['Source']}")
    return rows


def read_imf_monthly(path: Path) -> dict[str, list[tuple[str, str]]]:
    """End-of-month rates per currency, ascending."""
    series: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _read_imf(path, "M"):
        if not _is_month_end(row["Date"]):
            raise BuildError(f"{path.name}: {row['Date']} is not the last day of a month")
        series[row["Currency"]].append((row["Date"], row["Rate"]))
    return {code: _sorted_unique(rows, f"{path.name} {code}") for code, rows in series.items()}


def read_imf_annual(
    path: Path,
) -> tuple[dict[str, list[tuple[str, str]]], dict[str, str]]:
    """Annual averages per currency (one country's series each) and that country's code."""
    by_country: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for row in _read_imf(path, "A"):
        if not row["Date"].endswith("-12-31"):
            raise BuildError(f"{path.name}: annual date {row['Date']} is not YYYY-12-31")
        by_country[row["Currency"]][row["Country code"]].append((row["Date"], row["Rate"]))
    series: dict[str, list[tuple[str, str]]] = {}
    countries: dict[str, str] = {}
    for code, candidates in by_country.items():
        if code == "USD":
            continue  # the pivot itself: always 1
        if len(candidates) == 1:
            (country,) = candidates
        else:
            country = PRIMARY_COUNTRY.get(code, "")
            if country not in candidates:
                raise BuildError(
                    f"{path.name}: {code} is listed under {sorted(candidates)}; add the "
                    "country whose series to keep to PRIMARY_COUNTRY"
                )
        series[code] = _sorted_unique(candidates[country], f"{path.name} {code}")
        countries[code] = country
    return series, countries


def _sorted_unique(rows: list[tuple[str, str]], where: str) -> list[tuple[str, str]]:
    rows = sorted(rows)
    if len({day for day, _ in rows}) != len(rows):
        raise BuildError(f"{where}: duplicate dates")
    return rows


def _lines(lines: Iterable[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def build(input_dir: Path) -> dict[str, bytes]:
    """Every output file (path relative to the data directory) and its exact bytes."""
    files: dict[str, bytes] = {}
    ecb_path = input_dir / ECB_FILE
    monthly_path = input_dir / IMF_MONTHLY_FILE
    annual_path = input_dir / IMF_ANNUAL_FILE

    dates, ecb = read_ecb(ecb_path)
    files["ecb/dates.txt"] = _lines(dates)
    ecb_coverage: dict[str, dict[str, object]] = {}
    for code in sorted(ecb):
        quoted = [i for i, text in enumerate(ecb[code]) if text]
        if not quoted:
            continue
        first, last = quoted[0], quoted[-1]
        files[f"ecb/{code}.txt"] = _lines(ecb[code][first : last + 1])
        ecb_coverage[code] = {
            "first": dates[first],
            "last": dates[last],
            "offset": first,
            "count": last - first + 1,
            "observations": len(quoted),
        }

    monthly = read_imf_monthly(monthly_path)
    annual, countries = read_imf_annual(annual_path)
    monthly_coverage = _dated_series(files, "imf-monthly", monthly)
    annual_coverage = _dated_series(files, "imf-annual", annual)
    for code, entry in annual_coverage.items():
        entry["country"] = countries[code]

    manifest = {
        "format": FORMAT,
        "generator": "scripts/build_snapshot.py",
        "lookup_order": ["ecb-daily", "imf-monthly", "imf-annual"],
        "datasets": {
            "ecb-daily": {
                "title": "ECB euro foreign exchange reference rates",
                "series": "ECB daily reference rate",
                "publisher": "European Central Bank",
                "attribution": ECB_ATTRIBUTION,
                "licence": "ECB statistics may be reused provided the source is acknowledged; "
                "the reference rates are published for information purposes only.",
                "basis": "daily",
                "measure": "reference rate of the day (concertation around 14:10 CET)",
                "base": "EUR",
                "directory": "ecb",
                "input": _input(ecb_path),
                "first": dates[0],
                "last": dates[-1],
                "transformations": "rows sorted by date; N/A left empty; values as published",
                "currencies": ecb_coverage,
            },
            "imf-monthly": {
                "title": "IMF Exchange Rates, end of period, monthly (VND subset)",
                "series": "IMF monthly end-of-period",
                "publisher": "International Monetary Fund",
                "attribution": IMF_ATTRIBUTION,
                "licence": IMF_LICENCE,
                "basis": "monthly",
                "measure": "rate on the last day of the month (end of period)",
                "base": "USD",
                "directory": "imf-monthly",
                "input": _input(monthly_path),
                "first": min(rows[0][0] for rows in monthly.values()),
                "last": max(rows[-1][0] for rows in monthly.values()),
                "transformations": "grouped per currency, sorted by date; values as published",
                "currencies": monthly_coverage,
            },
            "imf-annual": {
                "title": "IMF Exchange Rates, period average, annual",
                "series": "IMF annual average",
                "publisher": "International Monetary Fund",
                "attribution": IMF_ATTRIBUTION,
                "licence": IMF_LICENCE,
                "basis": "annual",
                "measure": "average of the calendar year (labelled YYYY-12-31 by the source)",
                "base": "USD",
                "directory": "imf-annual",
                "input": _input(annual_path),
                "first": min(rows[0][0] for rows in annual.values()),
                "last": max(rows[-1][0] for rows in annual.values()),
                "transformations": "grouped per currency, sorted by date; values as published; "
                "for a currency listed under several countries one country's series is kept "
                "(see 'country'); the USD series (always 1) is dropped",
                "currencies": annual_coverage,
            },
        },
    }
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False)
    files["manifest.json"] = (text + "\n").encode("utf-8")
    return dict(sorted(files.items()))


def _dated_series(
    files: dict[str, bytes], directory: str, series: dict[str, list[tuple[str, str]]]
) -> dict[str, dict[str, object]]:
    coverage: dict[str, dict[str, object]] = {}
    for code in sorted(series):
        rows = series[code]
        files[f"{directory}/{code}.txt"] = _lines(f"{day},{rate}" for day, rate in rows)
        coverage[code] = {"first": rows[0][0], "last": rows[-1][0], "count": len(rows)}
    return coverage


def _input(path: Path) -> dict[str, object]:
    return {"file": path.name, "sha256": sha256(path), "bytes": path.stat().st_size}


def _existing(output_dir: Path) -> dict[str, bytes]:
    if not output_dir.is_dir():
        return {}
    return {
        path.relative_to(output_dir).as_posix(): path.read_bytes()
        for path in sorted(output_dir.rglob("*"))
        if path.is_file() and (path.suffix in (".txt", ".json"))
    }


def differences(expected: dict[str, bytes], output_dir: Path) -> list[str]:
    """What differs between a fresh build and the files in ``output_dir``."""
    actual = _existing(output_dir)
    problems = [f"missing: {name}" for name in expected if name not in actual]
    problems += [f"unexpected: {name}" for name in actual if name not in expected]
    problems += [
        f"differs: {name}"
        for name, content in expected.items()
        if name in actual and actual[name] != content
    ]
    return problems


def write(files: dict[str, bytes], output_dir: Path) -> None:
    """Replace the generated files in ``output_dir`` with ``files``."""
    for name in _existing(output_dir):
        if name not in files:
            (output_dir / name).unlink()
    for name, content in files.items():
        target = output_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != content:
            target.write_bytes(content)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
