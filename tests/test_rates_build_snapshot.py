"""scripts/build_snapshot.py: reproducible, checked build of the embedded snapshot."""

from __future__ import annotations

import importlib.util
import io
import shutil
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from rates.errors import RateNotFound
from rates.snapshot import DATA_DIR, SnapshotSource

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "fx"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_snapshot", ROOT / "scripts" / "build_snapshot.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_snapshot", module)
    spec.loader.exec_module(module)
    return module


build_snapshot = _load_script()

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="the raw data directory ../shared/data/fx is not available"
)

HEADER = "Date,Rate,Currency,Frequency,Source,Country code,Country\n"


def tiny_inputs(directory: Path, *, annual_extra: str = "", monthly_extra: str = "") -> Path:
    """A miniature copy of the three raw files, in their real formats."""
    csv_text = (
        "Date,USD,JPY,CYP,\n"
        "2018-03-20,1.2276,130.3,N/A,\n"
        "2018-03-19,1.2309,130.65,N/A,\n"
        "2018-03-16,1.2301,N/A,N/A,\n"
        "2007-12-31,1.4721,164.93,0.585274,\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", csv_text)
    (directory / "ecb-eurofxref-hist.zip").write_bytes(buffer.getvalue())
    (directory / "imf_exchangerates_M_ENDE_USD_VND_2010-2025.csv").write_text(
        HEADER
        + "2018-01-31,22441,VND,M,IMF,VN,Vietnam\n"
        + "2018-02-28,22463,VND,M,IMF,VN,Vietnam\n"
        + monthly_extra
    )
    (directory / "imf_exchangerates_A_ENDA_USD.csv").write_text(
        HEADER
        + "2018-12-31,22602.05,VND,A,IMF,VN,Vietnam\n"
        + "2017-12-31,22370.08666666667,VND,A,IMF,VN,Vietnam\n"
        + "2018-12-31,1,USD,A,IMF,US,United States\n"
        + "2018-12-31,68.0317539812812,USD,A,IMF,HT,Haiti\n"
        + annual_extra
    )
    return directory


def test_tiny_build_format(tmp_path: Path) -> None:
    files = build_snapshot.build(tiny_inputs(tmp_path))
    assert sorted(files) == [
        "ecb/CYP.txt",
        "ecb/JPY.txt",
        "ecb/USD.txt",
        "ecb/dates.txt",
        "imf-annual/VND.txt",
        "imf-monthly/VND.txt",
        "manifest.json",
    ]
    assert files["ecb/dates.txt"] == b"2007-12-31\n2018-03-16\n2018-03-19\n2018-03-20\n"
    assert files["ecb/JPY.txt"] == b"164.93\n\n130.65\n130.3\n"  # N/A kept as an empty line
    assert files["ecb/CYP.txt"] == b"0.585274\n"  # trimmed to its quoted span
    assert files["imf-annual/VND.txt"] == b"2017-12-31,22370.08666666667\n2018-12-31,22602.05\n"
    assert b'"country": "VN"' in files["manifest.json"]
    assert b"Haiti" not in files["manifest.json"]  # the USD series is dropped
    assert build_snapshot.build(tmp_path) == files  # reproducible, byte for byte


def test_tiny_build_is_usable(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    tiny_inputs(inputs)
    output = tmp_path / "out"
    assert build_snapshot.main(["--input", str(inputs), "--output", str(output)]) == 0
    source = SnapshotSource(str(output))
    assert source.rate("EUR", "JPY", date(2018, 3, 19)).value == Decimal("130.65")
    with pytest.raises(RateNotFound):  # JPY not quoted that day, its last quote is too old
        source.rate("EUR", "JPY", date(2018, 3, 16))
    assert source.rate("EUR", "CYP", date(2008, 1, 5)).value == Decimal("0.585274")
    assert source.rate("USD", "VND", date(2018, 3, 19)).value == Decimal("22463")
    late = source.rate("USD", "VND", date(2030, 1, 1))  # past the end: the last, stale
    assert (late.value, late.period, late.stale, late.age_days) == (
        Decimal("22602.05"), "2018", True, 4019)
    # the euro replaced the Cyprus pound on 2008-01-01: its fixed rate, whatever the build
    fixed = source.rate("EUR", "CYP", date(2030, 1, 1))
    assert (fixed.value, fixed.basis, fixed.stale) == (Decimal("0.585274"), "fixed", False)


def test_check_mode_finds_stale_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    tiny_inputs(inputs)
    output = tmp_path / "out"
    assert build_snapshot.main(["--input", str(inputs), "--output", str(output)]) == 0
    assert build_snapshot.main(["--check", "--input", str(inputs), "--output", str(output)]) == 0
    (output / "ecb" / "USD.txt").write_text("1.2\n")
    (output / "ecb" / "XXX.txt").write_text("1\n")
    (output / "imf-monthly" / "VND.txt").unlink()
    capsys.readouterr()
    assert build_snapshot.main(["--check", "--input", str(inputs), "--output", str(output)]) == 1
    err = capsys.readouterr().err
    assert "differs: ecb/USD.txt" in err
    assert "unexpected: ecb/XXX.txt" in err
    assert "missing: imf-monthly/VND.txt" in err
    # writing again repairs it and removes the stray file
    assert build_snapshot.main(["--input", str(inputs), "--output", str(output)]) == 0
    assert not (output / "ecb" / "XXX.txt").exists()
    assert build_snapshot.main(["--check", "--input", str(inputs), "--output", str(output)]) == 0


@pytest.mark.parametrize(
    ("annual_extra", "monthly_extra", "problem"),
    [
        ("2018-12-31,abc,THB,A,IMF,TH,Thailand\n", "", "not a positive decimal"),
        ("2018-12-31,0,THB,A,IMF,TH,Thailand\n", "", "not a positive decimal"),
        ("2018-06-30,31.1,THB,A,IMF,TH,Thailand\n", "", "is not YYYY-12-31"),
        (
            "2018-12-31,3.1,QQQ,A,IMF,AA,A\n2018-12-31,3.2,QQQ,A,IMF,BB,B\n",
            "",
            "add the country whose series to keep",
        ),
        ("2018-12-31,1,VND,A,IMF,VN,Vietnam\n", "", "duplicate dates"),
        ("", "2018-03-30,22458,VND,M,IMF,VN,Vietnam\n", "not the last day of a month"),
        ("", "2018-03-31,22458,VND,A,IMF,VN,Vietnam\n", "frequency/source"),
    ],
)
def test_bad_inputs_are_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    annual_extra: str,
    monthly_extra: str,
    problem: str,
) -> None:
    inputs = tiny_inputs(tmp_path, annual_extra=annual_extra, monthly_extra=monthly_extra)
    assert build_snapshot.main(["--input", str(inputs), "--output", str(tmp_path / "o")]) == 2
    assert problem in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_missing_input_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build_snapshot.main(["--check", "--input", str(tmp_path / "nope")]) == 2
    assert "build_snapshot:" in capsys.readouterr().err


@needs_shared
def test_committed_snapshot_matches_a_rebuild(capsys: pytest.CaptureFixture[str]) -> None:
    assert build_snapshot.main(["--check"]) == 0, capsys.readouterr().err
    assert Path(build_snapshot.DEFAULT_OUTPUT) == Path(DATA_DIR)


@needs_shared
def test_check_notices_a_changed_committed_file(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    target = copy / "imf-monthly" / "VND.txt"
    target.write_text(target.read_text().replace("22463", "22464"))
    assert build_snapshot.main(["--check", "--output", str(copy)]) == 1
