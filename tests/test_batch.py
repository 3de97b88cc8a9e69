"""Batch assessment: streaming, every row accounted for, the same answers as one by one."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import EXIT_BAD_INPUT, EXIT_NO_DATA, EXIT_SOME_ROWS_FAILED, app
from penalties import InvalidFacts, assess, get_provision
from penalties.batch._files import CSV_COLUMNS, read_cases, write_csv
from penalties.batch._rows import assess_many, facts_from_row
from tests._cases import csv_of

#: The ``stderr_on_a_terminal`` fixture (tests/conftest.py).
OnATerminal = Callable[..., tuple[int, bytes]]

runner = CliRunner()

AMOUNTS = st.one_of(
    st.sampled_from(["", "0", "49999999", "50000000", "99999999", "100000000", "199999999",
                     "200000000", "299999999", "300000000", "500000000"]),
    st.integers(0, 2 * 10**9).map(str),
    st.sampled_from(["250,000,000 VND", "1000 USD", "-5", "ten", "VND 300000000"]),
)
ROWS = st.fixed_dictionaries({
    "offender": st.sampled_from(["person", "entity", " Entity", "robot"]),
    "offence_date": st.dates(date(2009, 1, 1), date(2027, 1, 1)).map(date.isoformat)
    | st.sampled_from(["", "2018-02-30"]),
    "illicit_profit": AMOUNTS,
    "damage": AMOUNTS,
    "organised": st.sampled_from(["", "true", "false", "yes", "maybe"]),
    "times": st.sampled_from(["", "1", "2", "3", "0"]),
    "prior_admin_penalty": st.sampled_from(["", "true", "false"]),
    "prior_admin_penalty_completed": st.sampled_from(["", "", "2017-06-01", "2019-01-01"]),
    "commercial_scale": st.sampled_from(["", "yes", "no"]),
})


def one_by_one(row: dict[str, str]) -> Any:
    """The engine itself, with a fresh lens (no answer kept from an earlier case): the
    reference every shortcut must equal."""
    from penalties.assessment._engine import assess_facts
    from penalties.assessment._seen import Lens
    from penalties.statutes._catalog import default_catalog

    try:
        return assess_facts(Lens(get_provision("vn-225"), default_catalog().get),
                            facts_from_row(row), today=date(2026, 11, 28)).to_dict()
    except (InvalidFacts, LookupError, ValueError) as exc:
        return str(exc)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROWS, min_size=1, max_size=30))
def test_single_assessments_reuse_classes_exactly(rows: list[dict[str, str]]) -> None:
    for row in rows * 2:
        try:
            got: Any = assess("vn-225", facts_from_row(row), today=date(2026, 11, 28)).to_dict()
        except (InvalidFacts, LookupError, ValueError) as exc:
            got = str(exc)
        assert got == one_by_one(row)


@settings(max_examples=60, deadline=None)
@given(st.lists(ROWS, min_size=1, max_size=40))
def test_batch_answers_equal_single_assessments(rows: list[dict[str, str]]) -> None:
    # Rows are classified and answers reused; each must still equal its own assessment.
    results = list(assess_many(rows * 2, "vn-225", today=date(2026, 11, 28)))
    assert [r.row for r in results] == list(range(1, 2 * len(rows) + 1))
    for result, row in zip(results, rows * 2, strict=True):
        got = result.error if result.error else result.assessment.to_dict()  # type: ignore[union-attr]
        assert got == one_by_one(row)


def test_streaming_never_reads_ahead() -> None:
    seen: list[int] = []

    def cases() -> Any:
        for i in range(5):
            seen.append(i)
            yield {"offender": "person", "organised": "true", "commercial_scale": "yes",
                   "offence_date": "2019-01-01"}

    stream = assess_many(cases(), "vn-225")
    next(stream)
    assert seen == [0]


def test_ids_and_errors_keep_their_row() -> None:
    rows = [{"id": "a", "offender": "entity", "illicit_profit": "250000000",
             "offence_date": "2018-03-19"},
            {"id": "b", "offender": "entity", "illicit_profit": "-1",
             "offence_date": "2018-03-19"},
            {"id": "c", "offender": "entity", "illicit_profit": "250000000", "colour": "red"}]
    results = list(assess_many(rows, "vn-225"))
    assert [(r.row, r.id, r.tier_id) for r in results] == [(1, "a", "4a"), (2, "b", None),
                                                            (3, "c", None)]
    assert "negative amounts are not allowed" in (results[1].error or "")
    assert "colour: unknown column" in (results[2].error or "")


def test_conversion_one_rate_per_date() -> None:
    rows = [{"offender": "entity", "illicit_profit": "250000000", "offence_date": d}
            for d in ("2018-03-19", "2018-03-20", "2019-06-01")]
    results = list(assess_many(rows, "vn-225", to="USD"))
    first = results[0].assessment
    assert first is not None
    maximum = first.to_dict()["principal"][0]["max"]
    assert maximum is not None
    assert maximum["converted"] == {"amount": "44517.65", "currency": "USD"}
    last = results[2].assessment
    assert last is not None
    assert last.rate is not None
    assert last.rate.period == "2019-05"


def test_csv_round_trip_columns() -> None:
    text = csv_of([{"id": "x", "offender": "person", "illicit_profit": "60000000",
                      "offence_date": "2019-01-01"}])
    out = io.StringIO()
    results = list(write_csv(assess_many(read_cases(io.StringIO(text), "csv"), "vn-225",
                                         to="USD"), out))
    assert len(results) == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    row = rows[0]
    assert (row["row"], row["id"], row["tier"], row["fine_min"], row["fine_max"]) == (
        "1", "x", "1", "50000000", "300000000")
    assert row["community_sentence_min_months"] == "6"
    assert row["converted_currency"] == "USD"
    assert (row["rate_basis"], row["rate_date"]) == ("month-end", "2018-12-31")
    assert row["reasons"] == "225(1): illicit_profit VND 60,000,000 is from VND 50,000,000 " \
        "to under VND 300,000,000"


def test_bad_header() -> None:
    with pytest.raises(InvalidFacts, match="unknown column in the header"):
        list(read_cases(io.StringIO("offender,ilicit_profit\nperson,1\n"), "csv"))
    with pytest.raises(InvalidFacts, match="no offender column"):
        list(read_cases(io.StringIO("illicit_profit\n1\n"), "csv"))


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_batch_csv(tmp_path: Path) -> None:
    source = write(tmp_path, "cases.csv", csv_of([
        {"id": "1", "offender": "entity", "illicit_profit": "250000000",
         "offence_date": "2018-03-19"},
        {"id": "2", "offender": "person", "illicit_profit": "10000000",
         "offence_date": "2018-03-19"}]))
    target = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", source, "--provision", "vn-225", "--to", "USD",
                                 "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r["tier"] for r in rows] == ["4a", ""]
    assert rows[0]["fine_max_converted"] == "44517.65"


def test_cli_batch_invalid_rows(tmp_path: Path) -> None:
    source = write(tmp_path, "cases.csv", csv_of([
        {"offender": "entity", "illicit_profit": "250000000", "offence_date": "2018-03-19"},
        {"offender": "entity", "illicit_profit": "x", "offence_date": "2018-03-19"},
        {"offender": "person", "illicit_profit": "1", "offence_date": "2018-02-30"}]))
    target = tmp_path / "out.csv"
    stopped = runner.invoke(app, ["batch", source, "--provision", "vn-225", "-o", str(target)])
    assert stopped.exit_code == EXIT_BAD_INPUT
    assert "row 2: illicit_profit" in stopped.stderr
    skipped = runner.invoke(app, ["batch", source, "--provision", "vn-225", "-o", str(target),
                                  "--skip-invalid"])
    assert skipped.exit_code == EXIT_SOME_ROWS_FAILED
    assert "row 2:" in skipped.stderr
    assert "row 3:" in skipped.stderr
    assert "2 rows failed" in skipped.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [bool(r["error"]) for r in rows] == [False, True, True]  # none dropped


def test_cli_batch_jsonl(tmp_path: Path) -> None:
    lines = [json.dumps({"id": 7, "offender": "person", "organised": True,
                         "commercial_scale": True, "offence_date": "2019-01-01"}),
             "{not json", json.dumps([1, 2])]
    source = write(tmp_path, "cases.jsonl", "\n".join(lines) + "\n")
    target = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", source, "--provision", "vn-225", "-o", str(target),
                                 "--skip-invalid"])
    assert result.exit_code == EXIT_SOME_ROWS_FAILED
    docs = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert docs[0]["id"] == "7"
    assert docs[0]["tier"]["id"] == "2"
    assert "not JSON" in docs[1]["error"]
    assert "not a JSON object" in docs[2]["error"]


def test_cli_batch_errors(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["batch", str(tmp_path / "none.csv"), "--provision", "vn-225",
                                  "-o", str(tmp_path / "o.csv")])
    assert missing.exit_code == EXIT_NO_DATA
    header = write(tmp_path, "bad.csv", "offender,ilicit_profit\nperson,1\n")
    bad = runner.invoke(app, ["batch", header, "--provision", "vn-225", "-o",
                              str(tmp_path / "o.csv")])
    assert bad.exit_code == EXIT_BAD_INPUT
    assert "unknown column in the header" in bad.stderr
    fmt = runner.invoke(app, ["batch", header, "--provision", "vn-225", "-o",
                              str(tmp_path / "o.xlsx")])
    assert fmt.exit_code == EXIT_BAD_INPUT
    assert "unknown file format 'xlsx'" in fmt.stderr


def test_many_dates_stay_exact() -> None:
    rows = [{"offender": "entity", "illicit_profit": str(100_000_000 + i * 7_777_777),
             "offence_date": (date(2018, 1, 1) + timedelta(days=i)).isoformat()}
            for i in range(300)]
    for result, row in zip(assess_many(rows, "vn-225"), rows, strict=True):
        assert result.assessment.to_dict() == one_by_one(row)  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["²", "٢", "1.5", "-1", "9" * 5000])
def test_counts_are_plain_whole_numbers(text: str) -> None:
    # (-1 is a whole number, below every count's range: "out of range")
    expected = r"is not a whole number|characters|ASCII digits 0-9|-1 is out of range"
    with pytest.raises(InvalidFacts, match=rf"times: (.* )?({expected})"):
        facts_from_row({"offender": "person", "times": text})
    result = next(assess_many([{"offender": "person", "times": text,
                                "offence_date": "2019-01-01"}], "vn-225"))
    assert result.error is not None
    assert re.search(expected, result.error)


def test_cli_batch_reads_a_byte_order_mark_and_refuses_broken_csv(tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    source.write_bytes(b"\xef\xbb\xbfid,offender,illicit_profit,offence_date\n"
                       b"1,entity,250000000,2018-03-19\n")
    target = tmp_path / "out.csv"
    done = runner.invoke(app, ["batch", str(source), "--provision", "vn-225", "-o",
                               str(target)])
    assert done.exit_code == 0, done.stderr
    first = next(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert first["tier"] == "4a"
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"offender,illicit_profit,offence_date\n"  # a field over csv's limit
                       b"entity,250000000,2018-03-19\nentity," + b"9" * 200_000 + b",x\n")
    before = target.read_bytes()
    failed = runner.invoke(app, ["batch", str(broken), "--provision", "vn-225", "-o",
                                 str(target)])
    assert failed.exit_code == EXIT_BAD_INPUT
    assert "not a CSV file this program can read (line 3: field larger" in failed.stderr
    assert f"the rows before it are in {target}.partial, not in {target}" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert target.read_bytes() == before  # the last complete results, untouched
    partial = Path(f"{target}.partial").read_text(encoding="utf-8")
    written = list(csv.DictReader(io.StringIO(partial)))
    assert [row["row"] for row in written] == ["1"]  # the rows before the problem


class _Midnight:
    """A today() that is a day later at each call: a batch running past midnight."""

    calls = 0

    @classmethod
    def today(cls) -> date:
        cls.calls += 1
        return date(2030, 1, cls.calls)


def test_a_batch_has_one_today_for_rows_without_an_offence_date(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from penalties.batch._streams import csv_to_csv

    monkeypatch.setattr("rates.lookback.today", _Midnight.today)  # the one "today"
    rows = [{"offender": "entity", "illicit_profit": "250000000"}] * 3
    days = {r.assessment.offence_date for r in assess_many(rows, "vn-225") if r.assessment}
    assert days == {date(2030, 1, 1)}
    out = io.StringIO()
    text = "offender,illicit_profit\n" + "entity,250000000\n" * 3
    list(csv_to_csv(io.StringIO(text), out, "vn-225", chunk_rows=1))
    assert {r["offence_date"] for r in csv.DictReader(io.StringIO(out.getvalue()))} == {
        "2030-01-02"}
    pinned = list(assess_many(rows, "vn-225", today=date(2020, 1, 1)))
    assert {r.assessment.offence_date for r in pinned if r.assessment} == {date(2020, 1, 1)}


def _batch_on_a_terminal(run: OnATerminal, args: list[str], stdin: str | None = None) -> str:
    """What ``penalties ARGS`` writes to stderr when stderr is a terminal."""
    import os

    status, seen = run([sys.executable, "-m", "penalties", *args], stdin=stdin,
                       env={**os.environ, "COLUMNS": "120", "TERM": "xterm"})
    assert status == 0, seen
    return seen.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_long_batch_shows_its_progress_on_a_terminal(
    tmp_path: Path, stderr_on_a_terminal: OnATerminal
) -> None:
    cases = tmp_path / "cases.csv"
    rows = "".join(f"{i},entity,{i * 1000},2018-03-19\n" for i in range(25_000))
    cases.write_text("id,offender,illicit_profit,offence_date\n" + rows, encoding="utf-8")
    shown = _batch_on_a_terminal(stderr_on_a_terminal, [
        "batch", str(cases), "--provision", "vn-225", "-o", str(tmp_path / "out.csv")])
    assert "100%" in shown  # a bar for a file
    assert "25,000 rows" in shown
    piped = _batch_on_a_terminal(stderr_on_a_terminal, [
        "batch", "-", "--provision", "vn-225", "-o", str(tmp_path / "out2.csv")],
        stdin=cases.read_text())
    assert "25,000 rows" in piped  # standard input: a row counter
    assert "%" not in piped
    quiet = CliRunner().invoke(app, ["batch", str(cases), "--provision", "vn-225", "-o",
                                     str(tmp_path / "out3.csv")])
    assert quiet.exit_code == 0
    assert "rows" not in quiet.stderr  # not a terminal: nothing


def test_the_progress_knows_the_size_and_position_of_regular_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from penalties.batch._run import BatchFiles, _read_so_far

    def _size(path: str) -> int | None:
        return BatchFiles(path, "-", "csv", "csv").size()

    cases = tmp_path / "cases.csv"
    cases.write_text("offender\n" + "entity\n" * 1000, encoding="utf-8")
    assert _size(str(cases)) == 7009
    assert _size(str(tmp_path)) is None  # a directory
    assert _size(str(tmp_path / "absent.csv")) is None  # opening it says why
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe")
        assert _size(str(tmp_path / "pipe")) is None
    with cases.open(encoding="utf-8", newline="") as stream:
        assert _read_so_far(stream) == 0
        list(csv.reader(stream))
        assert _read_so_far(stream) == 7009
    assert _read_so_far(io.StringIO("offender\n")) is None
    with cases.open(encoding="utf-8") as stream:  # penalties batch - < cases.csv
        monkeypatch.setattr(sys, "stdin", stream)
        assert _size("-") == 7009


@pytest.mark.parametrize(("text", "problem"), [
    ("", "header: the file is empty"),
    ("offender,offender\nperson,entity\n", "column 'offender': appears twice"),
])
def test_a_header_missing_or_repeating_a_column_is_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidFacts, match=problem):
        list(read_cases(io.StringIO(text), "csv"))


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_rows_with_more_or_fewer_fields_than_the_header_are_invalid(
        tmp_path: Path, kind: str) -> None:
    text = ("id,offender,illicit_profit,offence_date\n"
            "A,entity,250000000,2018-03-19\n"
            "B,entity,250000000\n"  # a field short: the date is not "not given"
            "C,entity,250,000,000,2018-03-19\n")  # an unquoted comma: shifted values
    source = write(tmp_path, "cases.csv", text)
    target = tmp_path / f"out.{kind}"
    done = runner.invoke(app, ["batch", source, "--provision", "vn-225", "-o", str(target),
                               "--skip-invalid"])
    assert done.exit_code == EXIT_SOME_ROWS_FAILED
    assert "row 2: row: the row has 3 fields, the header 4" in done.stderr
    assert "row 3: row: the row has 6 fields, the header 4" in done.stderr
    if kind == "csv":
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
        assert [(r["id"], bool(r["error"])) for r in rows] == [
            ("A", False), ("B", True), ("C", True)]


def test_the_output_is_left_alone_when_the_run_is_refused_before_any_row(
        tmp_path: Path) -> None:
    source = write(tmp_path, "cases.csv", "offender,ilicit_profit\nperson,1\n")
    target = tmp_path / "out.csv"
    target.write_text("yesterday's results\n", encoding="utf-8")
    for kind, provision in (("csv", "vn-225"), ("csv", "nope"), ("jsonl", "nope")):
        out = target.with_suffix(f".{kind}")
        out.write_text("yesterday's results\n", encoding="utf-8")
        done = runner.invoke(app, ["batch", source, "--provision", provision, "-o", str(out)])
        assert done.exit_code in (EXIT_BAD_INPUT, EXIT_NO_DATA), done.stderr
        assert out.read_text(encoding="utf-8") == "yesterday's results\n", (kind, provision)


def test_the_results_never_overwrite_the_cases(tmp_path: Path) -> None:
    text = "offender,illicit_profit,offence_date\nentity,250000000,2018-03-19\n"
    source = write(tmp_path, "cases.csv", text)
    for output in (source, str(tmp_path / "." / "cases.csv")):
        done = runner.invoke(app, ["batch", source, "--provision", "vn-225", "-o", output])
        assert done.exit_code == EXIT_BAD_INPUT
        assert "is the input file" in done.stderr
    assert Path(source).read_text(encoding="utf-8") == text


def test_a_row_that_is_not_utf8_is_named_in_the_error(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    source.write_bytes(b"offender,illicit_profit\nentity,\xff250000000\n")
    done = runner.invoke(app, ["batch", str(source), "--provision", "vn-225", "-o",
                               str(tmp_path / "out.csv")])
    assert done.exit_code == EXIT_BAD_INPUT
    assert "row 1: illicit_profit: not UTF-8 text: the byte 0xff" in done.stderr
    assert "no rows were written" in done.stderr


def test_assess_many_checks_the_provision_at_the_call() -> None:
    from penalties import UnknownProvision

    with pytest.raises(UnknownProvision):
        assess_many([], "vn/nowhere/1")  # not even iterated


@pytest.mark.skipif(sys.platform == "win32", reason="SIGPIPE is POSIX")
def test_a_reader_that_stops_early_ends_the_batch_quietly(tmp_path: Path) -> None:
    import subprocess

    rows = "".join(f"{i},entity,{i * 1000},2018-03-19\n" for i in range(30_000))
    source = write(tmp_path, "cases.csv", "id,offender,illicit_profit,offence_date\n" + rows)
    done = subprocess.run(f"{sys.executable} -m penalties batch {source} --provision vn-225 "
                          "-o - | head -1", shell=True, capture_output=True, text=True,
                          check=True)
    assert done.stdout.startswith('"row","id"')
    assert done.stderr == ""  # no "unexpected BrokenPipeError"
