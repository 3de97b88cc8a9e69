"""A batch never destroys its input, never leaves a complete-looking output it did not
finish, reads every malformed line as a row in error, and says in one line why it could
not write (issue 12, items 1 and 6).

Where what a stream *is* matters (standard input redirected from a file, ``>>`` onto the
input, signals), the command runs in a process of its own; the rest runs in this one.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import EXIT_BAD_INPUT, EXIT_NO_DATA, EXIT_SOME_ROWS_FAILED, app
from penalties.batch._files import CSV_COLUMNS

runner = CliRunner()
CLI = Path(__file__).resolve().parent.parent / "cli.py"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX streams and signals")
HEADER = "id,offender,illicit_profit,offence_date\n"
CASES = HEADER + "A-1,entity,250000000,2018-03-19\nA-2,person,lots,2018-03-19\n"
EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_HANGUP, EXIT_BROKEN_PIPE = 130, 143, 129, 141


def penalties(*args: str, stdin: Any = None, stdout: Any = subprocess.PIPE
              ) -> subprocess.CompletedProcess[bytes]:
    """``penalties ARGS`` on a few cases, in a process of its own (hang guard: 20 s, for
    a run that takes under 1 s; one that reads its own output would never end)."""
    return subprocess.run([sys.executable, "-m", "penalties", *args], stdin=stdin,
                          stdout=stdout, stderr=subprocess.PIPE, timeout=20, check=False)


def launched(prelude: str) -> list[str]:
    """The command that runs ``penalties`` (as ``python -m penalties`` does) after the
    Python statements ``prelude`` (what a ``preexec_fn`` would do, without forking a
    process that may have threads)."""
    return [sys.executable, "-c", f"{prelude}\nimport runpy\n"
            "runpy.run_module('penalties', run_name='__main__', alter_sys=True)"]


def error_lines(stderr: bytes | str) -> list[str]:
    text = stderr.decode("utf-8") if isinstance(stderr, bytes) else stderr
    return [line for line in text.splitlines() if line]


def left_over(folder: Path) -> list[str]:
    """Temporary files a batch left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def big_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200,000 valid cases (about 7 MB): a run long enough to be interrupted."""
    path = tmp_path_factory.mktemp("big") / "cases.csv"
    rows = "".join(f"{i},entity,{i * 1000},2018-03-19\n" for i in range(200_000))
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


# -- output never destroys input --------------------------------------------------------


@POSIX
@pytest.mark.parametrize("shape", ["stdin is the output", "stdout appends to the input",
                                   "stdout replaces the input", "stdin and stdout one file"])
def test_standard_streams_that_are_the_input_file_are_refused(
        tmp_path: Path, shape: str, figures: Counter[str]) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    base = ["--provision", "vn-225", "--skip-invalid"]
    with cases.open("rb") as reading, cases.open("ab") as appending:
        if shape == "stdin is the output":  # penalties batch - -o cases.csv < cases.csv
            done = penalties("batch", "-", *base, "-o", str(cases), stdin=reading)
        elif shape == "stdout appends to the input":  # ... cases.csv -o - >> cases.csv
            done = penalties("batch", str(cases), *base, "-o", "-", stdout=appending)
        elif shape == "stdout replaces the input":  # the same file opened for writing
            with cases.open("r+b") as writing:
                done = penalties("batch", str(cases), *base, "-o", "-", stdout=writing)
        else:  # penalties batch - -o - < cases.csv >> cases.csv
            done = penalties("batch", "-", *base, "-o", "-", stdin=reading, stdout=appending)
    assert done.returncode == EXIT_BAD_INPUT, done.stderr
    [line] = error_lines(done.stderr)
    assert line.startswith("penalties: error: --output: ")
    assert "is the input file" in line or "are one file" in line
    assert cases.read_text(encoding="utf-8") == CASES  # nothing written, nothing read back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]
    figures["same-file combinations tried (input kept)"] += 1


@pytest.mark.parametrize("shape", ["hard link", "symbolic link", "input a link",
                                   "same path spelled twice"])
def test_an_output_that_is_a_link_to_the_input_is_refused(
        tmp_path: Path, shape: str, figures: Counter[str]) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    source, target = cases, tmp_path / "out.csv"
    if shape == "hard link":
        os.link(cases, target)
    elif shape == "symbolic link":
        target.symlink_to(cases)
    elif shape == "input a link":
        source, target = tmp_path / "link.csv", cases
        source.symlink_to(cases)
    else:
        target = tmp_path / "." / "cases.csv"
    done = runner.invoke(app, ["batch", str(source), "--provision", "vn-225", "-o",
                               str(target), "--skip-invalid"])
    assert done.exit_code == EXIT_BAD_INPUT
    assert "is the input file" in done.stderr
    assert len(error_lines(done.stderr)) == 1
    assert cases.read_text(encoding="utf-8") == CASES
    figures["same-file combinations tried (input kept)"] += 1


@POSIX
def test_standard_error_that_appends_to_the_input_is_refused(
        tmp_path: Path, figures: Counter[str]) -> None:
    """``penalties batch cases.csv ... 2>> cases.csv`` read its own messages as cases."""
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    with cases.open("ab") as appending:
        done = subprocess.run([sys.executable, "-m", "penalties", "batch", str(cases),
                               "--provision", "vn-225", "--skip-invalid", "-o",
                               str(tmp_path / "out.csv")], stderr=appending, timeout=20,
                              check=False)
    assert done.returncode == EXIT_BAD_INPUT
    said = cases.read_text(encoding="utf-8").removeprefix(CASES)
    assert said == (f"penalties: error: standard error: is the input file {cases}: the batch "
                    "would read its own messages as cases (allowed: standard error sent "
                    "elsewhere)\n")  # the one line, and no case read
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]
    figures["same-file combinations tried (input kept)"] += 1


def test_a_new_file_keeps_the_permissions_and_group_of_the_one_it_replaces(
        tmp_path: Path) -> None:
    """Rerunning a batch over private results made them world-readable (0600 -> 0644)."""
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    for mode in (0o600, 0o640, 0o604):
        target = tmp_path / f"private-{mode:o}.csv"
        target.write_text("yesterday's results\n", encoding="utf-8")
        target.chmod(mode)
        done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                                   str(target), "--skip-invalid"])
        assert done.exit_code == EXIT_SOME_ROWS_FAILED
        assert target.read_text(encoding="utf-8").startswith('"row"')
        assert target.stat().st_mode & 0o7777 == mode


def test_rows_are_not_kept_over_an_input_named_like_the_partial_file(
        tmp_path: Path) -> None:
    """With the input at NAME.partial, the rows before an invalid one cannot be kept there;
    the message said they were written to NAME, which did not exist."""
    cases = tmp_path / "out.csv.partial"
    cases.write_text(CASES, encoding="utf-8")
    done = runner.invoke(app, ["batch", str(cases), "--input-format", "csv", "--provision",
                               "vn-225", "-o", str(tmp_path / "out.csv")])
    assert done.exit_code == EXIT_BAD_INPUT
    assert error_lines(done.stderr)[-1].endswith(
        f"(no rows were kept ({cases} is the input); --skip-invalid goes on past invalid rows)")
    assert cases.read_text(encoding="utf-8") == CASES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv.partial"]


@POSIX
def test_standard_streams_that_are_other_files_still_work(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    out = tmp_path / "out.csv"
    with cases.open("rb") as reading, out.open("wb") as writing:
        done = penalties("batch", "-", "--provision", "vn-225", "--skip-invalid", "-o", "-",
                         stdin=reading, stdout=writing)
    assert done.returncode == EXIT_SOME_ROWS_FAILED, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == ["A-1", "A-2"]


# -- an output file is complete, or as it was ---------------------------------------------


def test_a_run_that_stops_at_an_invalid_row_keeps_the_rows_before_it_apart(
        tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    for kind in ("csv", "jsonl"):
        target = tmp_path / f"out.{kind}"
        target.write_text("yesterday's results\n", encoding="utf-8")
        done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                                   str(target)])
        assert done.exit_code == EXIT_BAD_INPUT
        [line] = error_lines(done.stderr)
        assert line.startswith("penalties: error: row 2: illicit_profit: ")
        assert (f"(the rows before it are in {target}.partial, not in {target}; "
                "--skip-invalid goes on past invalid rows)") in line
        assert target.read_text(encoding="utf-8") == "yesterday's results\n"
        kept = Path(f"{target}.partial").read_text(encoding="utf-8").splitlines()
        assert len(kept) == (2 if kind == "csv" else 1)  # (the header) and row 1, not row 2
        assert "A-1" in kept[-1]
    assert left_over(tmp_path) == []


def test_no_row_before_the_invalid_one_means_no_file_and_says_so(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "B-1,robot,1,2018-03-19\n", encoding="utf-8")
    for target in ("out.csv", "out.jsonl", "-"):
        done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                                   target if target == "-" else str(tmp_path / target)])
        assert done.exit_code == EXIT_BAD_INPUT
        [line] = error_lines(done.stderr)
        assert "row 1: offender:" in line
        assert "(no rows were written; --skip-invalid" in line  # never "the rows before it"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]


def test_a_finished_run_replaces_the_output_whole_with_a_normal_file(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    shared = tmp_path / "shared.csv"  # the old output, also known by another name
    shared.write_text("yesterday's results\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    os.link(shared, target)
    done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                               str(target), "--skip-invalid"])
    assert done.exit_code == EXIT_SOME_ROWS_FAILED  # rows failed: the run is still complete
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["id"], bool(r["error"])) for r in rows] == [("A-1", False), ("A-2", True)]
    assert shared.read_text(encoding="utf-8") == "yesterday's results\n"  # renamed, not rewritten
    normal = tmp_path / "normal"
    normal.write_text("", encoding="utf-8")
    assert target.stat().st_mode == normal.stat().st_mode  # the umask's, not mkstemp's 0600
    assert not Path(f"{target}.partial").exists()
    assert left_over(tmp_path) == []


def test_a_run_with_no_cases_leaves_an_empty_output(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    target.write_text("yesterday's results\n", encoding="utf-8")
    done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o", str(target)])
    assert done.exit_code == 0, done.stderr
    assert target.read_text(encoding="utf-8") == ""  # not yesterday's results


@POSIX
@pytest.mark.parametrize(("name", "output", "code"), [
    ("SIGINT", "results.csv", EXIT_INTERRUPTED),  # by columns
    ("SIGINT", "results.jsonl", EXIT_INTERRUPTED),  # row by row
    ("SIGTERM", "results.csv", EXIT_TERMINATED),
    ("SIGHUP", "results.csv", EXIT_HANGUP),  # the terminal or the SSH session closed
])
def test_an_interrupted_run_leaves_no_complete_looking_output(
        big_cases: Path, tmp_path: Path, name: str, output: str, code: int,
        figures: Counter[str]) -> None:
    target = tmp_path / output
    target.write_text("yesterday's results\n", encoding="utf-8")

    process = subprocess.Popen(  # signals as at a terminal, even if the tests run in background
        [*launched("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                   "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
                   "signal.signal(signal.SIGHUP, signal.SIG_DFL)"), "batch", str(big_cases),
         "--provision", "vn-225", "-o", str(target)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while not _started(tmp_path, output):  # the first rows are written: it runs
        assert process.poll() is None, "the batch ended before it was interrupted"
        time.sleep(0.005)  # (a batch that never starts: the suite's hang guard ends it)
    process.send_signal(getattr(signal, name))
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    said = "interrupted" if name == "SIGINT" else f"terminated ({name})"
    assert error_lines(stderr) == [f"penalties: error: {said}; the rows done are in "
                                   f"{target}.partial, not in {target}"]
    assert target.read_text(encoding="utf-8") == "yesterday's results\n"
    text = Path(f"{target}.partial").read_text(encoding="utf-8")
    if output.endswith(".csv"):
        header, *rows = list(csv.reader(io.StringIO(text)))
        assert tuple(header) == CSV_COLUMNS
        assert all(len(row) == len(CSV_COLUMNS) for row in rows)  # whole rows only
        numbers = [int(row[0]) for row in rows]
    else:
        numbers = [json.loads(line)["row"] for line in text.splitlines()]
    assert numbers == list(range(1, len(numbers) + 1))
    assert 0 < len(numbers) < 200_000
    assert left_over(tmp_path) == []
    figures["interrupted runs (no complete-looking output)"] += 1


def _started(folder: Path, output: str) -> bool:
    for path in folder.glob(f".{output}.*.tmp"):
        try:
            if path.stat().st_size > 0:
                return True
        except FileNotFoundError:
            pass
    return False


# -- JSON Lines robustness ---------------------------------------------------------------

FIRST = json.dumps({"id": "first", "offender": "entity", "illicit_profit": "250000000",
                    "offence_date": "2018-03-19"})
LAST = json.dumps({"id": "last", "offender": "person", "offence_date": "2019-01-01"})
MAX_LINE = 1_048_576
#: A malformed line and what its row's error says (after "row 2: ").
MALFORMED: dict[str, tuple[bytes, str]] = {
    "nested 100,000 deep": (b'{"id": "x", "offender": ' + b"[" * 100_000 + b"]" * 100_000
                            + b"}", "row: not JSON this program can read: nested too deeply"),
    "a 5,000-digit integer": (b'{"offender": "person", "times": ' + b"9" * 5000 + b"}",
                              "row: a number of 5,000 characters"),
    "a 5,000-digit fraction": (b'{"offender": "person", "damage": 1.' + b"5" * 5000 + b"}",
                               "row: a number of 5,002 characters"),
    "NaN": (b'{"id": NaN, "offender": "person"}', "row: NaN is not a JSON number"),
    "-Infinity": (b'{"offender": "person", "damage": -Infinity}',
                  "row: -Infinity is not a JSON number"),
    "a lone surrogate id": (b'{"id": "\\ud800", "offender": "person"}',
                            "id: '\\ud800' is not Unicode text (a lone surrogate)"),
    "a lone surrogate key": (b'{"\\udfff": "1", "offender": "person"}',
                             "'\\udfff': unknown column"),
    "a lone surrogate amount": (b'{"offender": "person", "damage": "1\\udc00"}', "damage: "),
    "a NUL in the id": (b'{"id": "a\\u0000b", "offender": "person"}',
                        "id: 'a\\x00b' holds a NUL character"),
    "an input key __error__": (b'{"__error__": "fake", "offender": "person"}',
                               "__error__: unknown column"),
    "an input key __expected__": (b'{"__expected__": "x", "offender": "person"}',
                                  "__expected__: unknown column"),
    "an id that is an array": (b'{"id": [1, 2], "offender": "person"}',
                               "id: an array is not a value"),
    "an id that is an object": (b'{"id": {"a": 1}, "offender": "person"}',
                                "id: an object is not a value"),
    "an id that is true": (b'{"id": true, "offender": "person"}', "id: true is not an id"),
    "an amount that is an object": (b'{"offender": "person", "damage": {"amount": 1}}',
                                    "damage: an object is not a value"),
    "a key given twice": (b'{"offender": "person", "offender": "entity"}',
                          "row: the key 'offender' appears twice"),
    "bytes that are not UTF-8": (b'{"id": "\xff", "offender": "person"}',
                                 "row: not UTF-8 text: the byte 0xff at column 9"),
    "a line over 1 MiB": (b'{"id": "' + b"x" * MAX_LINE + b'", "offender": "person"}',
                          "row: the line is longer than 1,048,576 characters"),
    "an array": (b"[1, 2]", "row: not a JSON object"),
    "not JSON": (b"{not json", "row: not JSON: "),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_each_malformed_json_line_is_a_row_in_error_and_the_run_goes_on(
        tmp_path: Path, kind: str, figures: Counter[str]) -> None:
    line, error = MALFORMED[kind]
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(FIRST.encode() + b"\n" + line + b"\n" + LAST.encode() + b"\n")
    target = tmp_path / "out.jsonl"
    done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                               str(target), "--skip-invalid"])
    assert done.exit_code == EXIT_SOME_ROWS_FAILED, done.stderr
    assert error_lines(done.stderr)[0].startswith(f"penalties: row 2: {error}")
    docs = [json.loads(text) for text in target.read_text(encoding="utf-8").splitlines()]
    assert [d["row"] for d in docs] == [1, 2, 3]
    assert docs[1]["error"].startswith(error)
    assert docs[1]["id"] is None  # no id from a line that could not be read, or a bad one
    assert (docs[0]["id"], docs[2]["id"]) == ("first", "last")
    assert "error" not in docs[0]
    assert "error" not in docs[2]
    figures["malformed JSON Lines tried (row reported, run went on)"] += 1


def test_every_malformed_json_line_at_once_from_standard_input_to_csv(tmp_path: Path) -> None:
    lines = [FIRST.encode(), *(line for line, _ in MALFORMED.values()), LAST.encode()]
    target = tmp_path / "out.csv"
    done = runner.invoke(app, ["batch", "-", "--input-format", "jsonl", "--provision",
                               "vn-225", "-o", str(target), "--skip-invalid"],
                         input=b"\n".join(lines) + b"\n")
    assert done.exit_code == EXIT_SOME_ROWS_FAILED, done.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == len(lines)
    assert [bool(r["error"]) for r in rows] == [False, *[True] * len(MALFORMED), False]
    assert f"{len(MALFORMED)} rows failed" in done.stderr


def test_no_input_can_pass_for_a_row_the_reader_refused() -> None:
    from penalties import assess_many

    [result] = assess_many([{"__error__": "fake", "__expected__": "x",
                             "offender": "person"}], "vn-225")
    assert result.error is not None
    assert result.error.startswith("__error__: unknown column")


# -- CSV robustness ----------------------------------------------------------------------

#: A CSV row and what its error says (after "row 2: ").
CSV_ROWS: dict[str, tuple[bytes, str]] = {
    "a NUL in the id": (b"a\x00b,person,1,2018-03-19", "id: 'a\\x00b' holds a NUL character"),
    "a NUL in an amount": (b"c,person,1\x002,2018-03-19", "illicit_profit: "),
    "bytes that are not UTF-8 in the id": (b"\xffd,person,1,2018-03-19",
                                           "id: not UTF-8 text: the byte 0xff"),
    "bytes that are not UTF-8 in an amount": (b"e,person,\xc3(,2018-03-19",
                                              "illicit_profit: not UTF-8 text: the byte 0xc3"),
}


@pytest.mark.parametrize("output", ["out.csv", "out.jsonl"])  # by columns, row by row
@pytest.mark.parametrize("kind", CSV_ROWS)
def test_each_malformed_csv_row_is_a_row_in_error_and_the_run_goes_on(
        tmp_path: Path, kind: str, output: str, figures: Counter[str]) -> None:
    line, error = CSV_ROWS[kind]
    cases = tmp_path / "cases.csv"
    cases.write_bytes(HEADER.encode() + b"A-1,entity,250000000,2018-03-19\n" + line
                      + b"\nA-3,person,,2019-01-01\n")
    target = tmp_path / output
    done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                               str(target), "--skip-invalid"])
    assert done.exit_code == EXIT_SOME_ROWS_FAILED, done.stderr
    assert error_lines(done.stderr)[0].startswith(f"penalties: row 2: {error}")
    text = target.read_text(encoding="utf-8")
    if output.endswith(".csv"):
        rows = [(r["row"], r["id"], r["error"]) for r in csv.DictReader(io.StringIO(text))]
    else:
        rows = [(str(d["row"]), d["id"] or "", d.get("error", ""))
                for d in map(json.loads, text.splitlines())]
    assert [(n, i) for n, i, _ in rows] == [("1", "A-1"), ("2", rows[1][1]), ("3", "A-3")]
    assert rows[1][2].startswith(error)
    if kind == "bytes that are not UTF-8 in an amount":  # a good id goes with its row
        assert rows[1][1] == "e"
    assert "\x00" not in text
    assert "\ufffd" not in text
    figures["malformed CSV rows tried (row reported, run went on)"] += 1


@pytest.mark.parametrize("output", ["out.csv", "out.jsonl"])
def test_a_field_over_the_csv_limit_ends_the_run_in_one_line(
        tmp_path: Path, output: str, figures: Counter[str]) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "A-1,entity,250000000,2018-03-19\nA-2,entity,"
                     + "9" * (csv.field_size_limit() + 1) + ",x\n", encoding="utf-8")
    target = tmp_path / output
    done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                               str(target), "--skip-invalid"])
    assert done.exit_code == EXIT_BAD_INPUT
    [line] = error_lines(done.stderr)
    assert line == (f"penalties: error: {cases}: not a CSV file this program can read (line 3: "
                    f"field larger than field limit ({csv.field_size_limit()})); the rows "
                    f"before it are in {target}.partial, not in {target}")
    assert not target.exists()
    assert "A-1" in Path(f"{target}.partial").read_text(encoding="utf-8")
    figures["unreadable CSV files tried (one line, rows before it kept apart)"] += 1


# -- writing errors ----------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("output_format", ["csv", "jsonl"])
def test_a_full_device_is_one_line_and_exit_3(output_format: str,
                                              figures: Counter[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        cases = Path(folder) / "cases.csv"
        cases.write_text(CASES, encoding="utf-8")
        done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                                   "/dev/full", "--output-format", output_format,
                                   "--skip-invalid"])
    assert done.exit_code == EXIT_NO_DATA
    assert error_lines(done.stderr)[-1] == ("penalties: error: /dev/full: cannot be written: "
                                            "No space left on device")
    assert "bug" not in done.stderr
    figures["write failures tried (one line, documented code)"] += 1


@POSIX
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_standard_output_on_a_full_device_is_one_line_and_exit_3(
        tmp_path: Path, figures: Counter[str]) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    with open("/dev/full", "wb") as full:
        done = penalties("batch", str(cases), "--provision", "vn-225", "-o", "-",
                         "--skip-invalid", stdout=full)
    assert done.returncode == EXIT_NO_DATA
    assert error_lines(done.stderr)[-1] == ("penalties: error: standard output: cannot be "
                                            "written: No space left on device")
    figures["write failures tried (one line, documented code)"] += 1


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="no /proc/self/mem")
@pytest.mark.parametrize("output_format", ["csv", "jsonl"])
def test_an_input_that_cannot_be_read_is_one_line_and_exit_3(
        output_format: str, tmp_path: Path, figures: Counter[str]) -> None:
    """A read error in the middle of a run (EIO: /proc/self/mem opens, then fails to read)
    is one line and exit code 3, not "a bug"."""
    target = tmp_path / f"out.{output_format}"
    done = runner.invoke(app, ["batch", "/proc/self/mem", "--input-format", "csv",
                               "--provision", "vn-225", "-o", str(target)])
    assert done.exit_code == EXIT_NO_DATA
    assert error_lines(done.stderr) == ["penalties: error: /proc/self/mem: cannot be read: "
                                        "Input/output error; no rows were written"]
    assert list(tmp_path.iterdir()) == []  # no output, no temporary file, no NAME.partial
    figures["write failures tried (one line, documented code)"] += 1


def test_an_output_directory_that_vanishes_is_one_error_and_nothing_kept(
        tmp_path: Path, figures: Counter[str]) -> None:
    import shutil

    from penalties import FileUnavailable
    from penalties.batch._run import BatchFiles, run_batch

    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER + "A-1,entity,250000000,2018-03-19\n" * 30, encoding="utf-8")
    folder = tmp_path / "results"
    for output in ("out.csv", "out.jsonl"):
        folder.mkdir()
        target = folder / output
        with pytest.raises(FileUnavailable, match=f"^{target}: cannot be written: No such "
                           "file or directory; no rows were kept$"):
            run_batch(BatchFiles.of(str(cases), str(target)), "vn-225",
                      progress=lambda rows, read: shutil.rmtree(folder, ignore_errors=True))
        assert not folder.exists()
        figures["write failures tried (one line, documented code)"] += 1


def test_a_directory_where_no_file_can_be_made_is_one_line_and_exit_3(
        tmp_path: Path, figures: Counter[str]) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES, encoding="utf-8")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere but in /sys
            if not os.path.isdir("/sys/kernel"):
                pytest.skip("no directory this user cannot write to")
            folder = Path("/sys/kernel")
        target = folder / "penalties-out.csv"
        done = runner.invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                                   str(target), "--skip-invalid"])
    finally:
        (tmp_path / "read-only").chmod(0o755)
    assert done.exit_code == EXIT_NO_DATA
    assert error_lines(done.stderr) == [f"penalties: error: {target}: Permission denied"]
    figures["write failures tried (one line, documented code)"] += 1


@POSIX
def test_a_file_size_limit_is_one_line_and_exit_3_with_nothing_left(
        big_cases: Path, tmp_path: Path, figures: Counter[str]) -> None:
    import resource

    target = tmp_path / "out.csv"
    limited = launched(  # writes past 200 kB fail with EFBIG (Python ignores SIGXFSZ)
        f"import resource; resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, "
        f"{resource.getrlimit(resource.RLIMIT_FSIZE)[1]}))")
    done = subprocess.run([*limited, "batch", str(big_cases), "--provision", "vn-225", "-o",
                           str(target)], capture_output=True, timeout=60, check=False)
    assert done.returncode == EXIT_NO_DATA, done.stderr
    assert error_lines(done.stderr) == [f"penalties: error: {target}: cannot be written: File "
                                        "too large; no rows were kept"]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no file, no .partial, no temp
    figures["write failures tried (one line, documented code)"] += 1


@POSIX
@pytest.mark.parametrize("how", ["console script", "cli.py with SIGPIPE ignored"])
def test_a_reader_that_goes_away_ends_the_batch_quietly(
        big_cases: Path, how: str, figures: Counter[str]) -> None:
    start = (f"{sys.executable} -m penalties" if how == "console script"
             else f"{sys.executable} {CLI}")
    done = subprocess.run(["bash", "-c", f"{start} batch {big_cases} --provision vn-225 -o - "
                           "| head -1 > /dev/null; echo status ${PIPESTATUS[0]} >&2"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.stderr == f"status {EXIT_BROKEN_PIPE}\n"  # killed by SIGPIPE, or as if
    figures["write failures tried (one line, documented code)"] += 1
