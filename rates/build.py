"""The one builder of a rate snapshot: the embedded one (``rates/data/``) and a user's.

Inputs, as published upstream (see ``rates/data/manifest.json`` for each file's hash):

* the ECB history file ``eurofxref-hist.zip`` (or the ``eurofxref-hist.csv`` inside it):
  euro reference rates, daily, units per 1 EUR, 1999 on;
* the IMF end-of-month series (``imf_exchangerates.csv`` of codeforIATI/imf-exchangerates,
  or its VND extract ``imf_exchangerates_M_ENDE_USD_VND_2010-2025.csv``): only VND from
  2010 is kept (:data:`MONTHLY_CURRENCIES`, :data:`MONTHLY_FROM`);
* the IMF annual averages ``imf_exchangerates_A_ENDA_USD.csv``, units per 1 USD, 1940 on.

Output, all plain text so a rebuild can be diffed::

    manifest.json          datasets, attributions, input sha256, coverage
    ecb/dates.txt          every ECB publication day, ascending, one per line
    ecb/<CUR>.txt          that currency's rates, one line per publication day from its
                           first quote to its last (empty = not quoted); line k belongs to
                           dates.txt line offset + k
    imf-monthly/<CUR>.txt  "YYYY-MM-DD,rate" lines, month-end dates, ascending
    imf-annual/<CUR>.txt   "YYYY-12-31,rate" lines (annual averages), ascending

Rates are kept as the exact text published (no float round trip, no normalisation).
Transformations, stated as the IMF terms require: rows are regrouped per currency and sorted
by date; ECB rows with ``N/A`` are left empty; for a currency the IMF file lists under several
countries, the series of one country (:data:`PRIMARY_COUNTRY`) is kept; the USD annual series
(always 1) and the series whose code is not the currency of their values
(:data:`~rates._datasets.MISLABELLED`: Zimbabwe's, labelled ZWG) are dropped, and those
labelled with another code than their values' (:data:`~rates._datasets.RELABELLED`: UYW,
VED, HRD) are kept under the code of their values (UYU, VEF, HRK); the years of a series in
an older unit are rescaled or left out, and a series with a jump of a hundredfold between
two observations is refused unless its reason is known (:mod:`rates._unit_breaks`). The same
inputs always give byte-identical output. Every row is checked
(:class:`~rates.errors.InvalidSnapshotInput` names the file, row and field).
``scripts/build_snapshot.py`` writes the embedded snapshot with :func:`build`;
``penalties rates refresh`` (:mod:`rates.refresh`) a user snapshot with :func:`build_from`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from rates._datasets import (
    MISLABELLED,
    PRIMARY_COUNTRY,
    RELABELLED,
    annual_entry,
    ecb_entry,
    monthly_entry,
)
from rates._unit_breaks import check_jumps, corrected, coverage_notes
from rates.errors import InvalidSnapshotInput

__all__ = [
    "DATASETS", "ECB_FILE", "ECB_MEMBER", "FORMAT", "IMF_ANNUAL_FILE", "IMF_MONTHLY_FILE",
    "MAX_MEMBER_BYTES", "MONTHLY_CURRENCIES", "MONTHLY_FROM", "PRIMARY_COUNTRY", "BuildError",
    "Piece", "build", "build_from", "differences", "existing", "manifest_of", "read_ecb",
    "read_imf_annual", "read_imf_monthly", "write",
]

ECB_FILE = "ecb-eurofxref-hist.zip"
ECB_MEMBER = "eurofxref-hist.csv"
IMF_MONTHLY_FILE = "imf_exchangerates_M_ENDE_USD_VND_2010-2025.csv"
IMF_ANNUAL_FILE = "imf_exchangerates_A_ENDA_USD.csv"
FORMAT = 1
#: The datasets of a snapshot, finest basis first (the manifest's ``lookup_order``).
DATASETS = ("ecb-daily", "imf-monthly", "imf-annual")
#: The largest ECB CSV accepted inside a zip, once decompressed (the real one: about 2 MB).
MAX_MEMBER_BYTES = 64 * 1024 * 1024
#: The currencies and first day kept from the IMF monthly file (the snapshot's VND subset).
MONTHLY_CURRENCIES = ("VND",)
MONTHLY_FROM = "2010-01-01"

#: The error of a file that fails the checks (kept under the script's old name).
BuildError = InvalidSnapshotInput

#: One dataset built: its files (path relative to the snapshot) and its manifest entry.
Piece = tuple[dict[str, bytes], dict[str, Any]]

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_IMF_COLUMNS = ["Date", "Rate", "Currency", "Frequency", "Source", "Country code", "Country"]


def _check_rate(text: str, where: str) -> str:
    if not _NUMBER.fullmatch(text) or not any(ch in "123456789" for ch in text):
        raise BuildError(f"{where}: {text!r} is not a positive decimal rate")
    return text


def _check_date(text: str, where: str) -> str:
    if not _DATE.fullmatch(text):
        raise BuildError(f"{where}: {text!r} is not a YYYY-MM-DD date")
    try:
        date.fromisoformat(text)
    except ValueError:
        raise BuildError(f"{where}: {text!r} is not a calendar date") from None
    return text


def _is_month_end(text: str) -> bool:
    day = date.fromisoformat(text)
    return day.month != date.fromordinal(day.toordinal() + 1).month


def _ecb_text(path: Path) -> str:
    """The CSV text of an ECB history file: the zip's member (at most
    :data:`MAX_MEMBER_BYTES` once decompressed, whatever its header says) or a CSV."""
    with path.open("rb") as handle:
        zipped = handle.read(4) == b"PK\x03\x04"
    if not zipped:
        raw = path.read_bytes()
    else:
        try:
            with zipfile.ZipFile(path) as archive, archive.open(ECB_MEMBER) as member:
                raw = member.read(MAX_MEMBER_BYTES + 1)
        except KeyError:
            raise BuildError(f"{path.name}: the zip has no {ECB_MEMBER}") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as error:
            raise BuildError(f"{path.name}: not a readable zip ({error})") from None
        if len(raw) > MAX_MEMBER_BYTES:
            raise BuildError(f"{path.name}: {ECB_MEMBER} is larger than the limit of "
                             f"{MAX_MEMBER_BYTES:,} bytes once decompressed")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BuildError(f"{path.name}: not UTF-8 text") from None


def read_ecb(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """Publication days ascending, and per currency its rate text per day ('' = N/A)."""
    rows = list(csv.reader(io.StringIO(_ecb_text(path), newline="")))
    if not rows or not rows[0] or rows[0][0] != "Date":
        first = rows[0][0] if rows and rows[0] else ""
        raise BuildError(f"{path.name}: first column is {first!r}, expected 'Date'")
    header, body = rows[0], rows[1:]
    if not body:
        raise BuildError(f"{path.name}: no rows")
    codes = [code for code in header[1:] if code]
    for row in body:
        if len(row) < len(codes) + 1:
            raise BuildError(f"{path.name} {row[:1]}: {len(row)} columns, expected "
                             f"{len(codes) + 1}")
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
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except UnicodeDecodeError:
        raise BuildError(f"{path.name}: not UTF-8 text") from None
    if not rows or list(rows[0]) != _IMF_COLUMNS:
        raise BuildError(f"{path.name}: columns are not {_IMF_COLUMNS}")
    for row in rows:
        if None in row or None in row.values():
            raise BuildError(f"{path.name}: a row without exactly {len(_IMF_COLUMNS)} columns")
        where = f"{path.name} {row['Currency']} {row['Date']}"
        _check_date(row["Date"], where)
        _check_rate(row["Rate"], where)
        if row["Frequency"] != frequency or row["Source"] != "IMF":
            raise BuildError(f"{where}: frequency/source {row['Frequency']}/{row['Source']}")
    return rows


def read_imf_monthly(path: Path) -> dict[str, list[tuple[str, str]]]:
    """End-of-month rates per currency, ascending (every row checked; the currencies of
    :data:`MONTHLY_CURRENCIES` from :data:`MONTHLY_FROM` kept)."""
    series: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _read_imf(path, "M"):
        if not _is_month_end(row["Date"]):
            raise BuildError(f"{path.name}: {row['Date']} is not the last day of a month")
        if row["Currency"] in MONTHLY_CURRENCIES and row["Date"] >= MONTHLY_FROM:
            series[row["Currency"]].append((row["Date"], row["Rate"]))
    if not series:
        raise BuildError(f"{path.name}: no {', '.join(MONTHLY_CURRENCIES)} rows from "
                         f"{MONTHLY_FROM}")
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
        if code == "USD" or code in MISLABELLED:
            continue  # the pivot itself (always 1), or a code that is not its values' currency
        if len(candidates) == 1:
            (country,) = candidates
        else:
            country = PRIMARY_COUNTRY.get(code, "")
            if country not in candidates:
                raise BuildError(
                    f"{path.name}: {code} is listed under {sorted(candidates)}; add the "
                    "country whose series to keep to PRIMARY_COUNTRY"
                )
        kept = RELABELLED.get(code, (code, ""))[0]  # under the code of its values
        if kept != code and kept in by_country:
            raise BuildError(f"{path.name}: {code} would be kept as {kept}, which the file "
                             "lists too; check RELABELLED")
        where = f"{path.name} {code}"
        series[kept] = corrected(kept, _sorted_unique(candidates[country], where))
        check_jumps(kept, series[kept], where)
        countries[kept] = country
    if not series:
        raise BuildError(f"{path.name}: no currency other than USD")
    return series, countries


def _sorted_unique(rows: list[tuple[str, str]], where: str) -> list[tuple[str, str]]:
    rows = sorted(rows)
    if len({day for day, _ in rows}) != len(rows):
        raise BuildError(f"{where}: duplicate dates")
    return rows


def _lines(lines: Iterable[str]) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


def _input(path: Path) -> dict[str, object]:
    content = path.read_bytes()
    return {"file": path.name, "sha256": hashlib.sha256(content).hexdigest(),
            "bytes": len(content)}


def ecb_piece(path: Path) -> Piece:
    """The ECB daily dataset built from the history file at ``path``."""
    dates, ecb = read_ecb(path)
    files = {"ecb/dates.txt": _lines(dates)}
    coverage: dict[str, dict[str, object]] = {}
    for code in sorted(ecb):
        quoted = [i for i, text in enumerate(ecb[code]) if text]
        if not quoted:
            continue
        first, last = quoted[0], quoted[-1]
        files[f"ecb/{code}.txt"] = _lines(ecb[code][first : last + 1])
        coverage[code] = {"first": dates[first], "last": dates[last], "offset": first,
                          "count": last - first + 1, "observations": len(quoted)}
    return files, ecb_entry(_input(path), dates[0], dates[-1], coverage)


def _dated(directory: str, series: Mapping[str, list[tuple[str, str]]]) -> Piece:
    files: dict[str, bytes] = {}
    coverage: dict[str, dict[str, object]] = {}
    for code in sorted(series):
        rows = series[code]
        files[f"{directory}/{code}.txt"] = _lines(f"{day},{rate}" for day, rate in rows)
        coverage[code] = {"first": rows[0][0], "last": rows[-1][0], "count": len(rows)}
    return files, {"first": min(rows[0][0] for rows in series.values()),
                   "last": max(rows[-1][0] for rows in series.values()), "currencies": coverage}


def monthly_piece(path: Path) -> Piece:
    """The IMF monthly dataset built from the file at ``path``."""
    files, found = _dated("imf-monthly", read_imf_monthly(path))
    return files, monthly_entry(_input(path), found)


def annual_piece(path: Path) -> Piece:
    """The IMF annual dataset built from the file at ``path``."""
    series, countries = read_imf_annual(path)
    files, found = _dated("imf-annual", series)
    for code, entry in found["currencies"].items():
        entry["country"] = countries[code]
        entry.update(coverage_notes(code))
    return files, annual_entry(_input(path), found)


def manifest_of(
    pieces: Mapping[str, Piece], generator: str, about: Mapping[str, object] | None = None
) -> dict[str, bytes]:
    """Every file of a snapshot made of ``pieces`` (one per name of :data:`DATASETS`), its
    manifest included; ``about`` adds top-level manifest keys (a user snapshot's)."""
    files: dict[str, bytes] = {}
    for name in DATASETS:
        files.update(pieces[name][0])
    manifest = {"format": FORMAT, "generator": generator, "lookup_order": list(DATASETS),
                "datasets": {name: pieces[name][1] for name in DATASETS}, **(about or {})}
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False)
    files["manifest.json"] = (text + "\n").encode("utf-8")
    return dict(sorted(files.items()))


def build_from(ecb: Path, monthly: Path, annual: Path,
               generator: str = "scripts/build_snapshot.py") -> dict[str, bytes]:
    """Every file of the snapshot built from the three raw files, and its exact bytes."""
    return manifest_of({"ecb-daily": ecb_piece(ecb), "imf-monthly": monthly_piece(monthly),
                        "imf-annual": annual_piece(annual)}, generator)


def build(input_dir: Path) -> dict[str, bytes]:
    """Every output file (path relative to the data directory) and its exact bytes, from a
    directory holding the three raw files under their usual names."""
    return build_from(input_dir / ECB_FILE, input_dir / IMF_MONTHLY_FILE,
                      input_dir / IMF_ANNUAL_FILE)


def existing(output_dir: Path) -> dict[str, bytes]:
    """The generated files (``.txt``, ``.json``) in ``output_dir`` and their bytes."""
    if not output_dir.is_dir():
        return {}
    return {
        path.relative_to(output_dir).as_posix(): path.read_bytes()
        for path in sorted(output_dir.rglob("*"))
        if path.is_file() and (path.suffix in (".txt", ".json"))
    }


def differences(expected: dict[str, bytes], output_dir: Path) -> list[str]:
    """What differs between a fresh build and the files in ``output_dir``."""
    actual = existing(output_dir)
    problems = [f"missing: {name}" for name in expected if name not in actual]
    problems += [f"unexpected: {name}" for name in actual if name not in expected]
    problems += [f"differs: {name}" for name, content in expected.items()
                 if name in actual and actual[name] != content]
    return problems


def write(files: dict[str, bytes], output_dir: Path) -> None:
    """Replace the generated files in ``output_dir`` with ``files``."""
    for name in existing(output_dir):
        if name not in files:
            (output_dir / name).unlink()
    for name, content in files.items():
        target = output_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != content:
            target.write_bytes(content)
