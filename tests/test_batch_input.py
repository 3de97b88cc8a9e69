"""Batch input that meets spreadsheets (issue 15, item 7): columns that are not facts are
carried through, headers match whatever their case and spaces, the delimiter and JSON Lines
are detected, pandas' default dtypes are read, and the output says ``can_be_liable``,
``tier_applies`` and ``offence_date_given`` instead of an ambiguous ``liable``."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_SOME_ROWS_FAILED, app
from penalties import CSV_COLUMNS, InvalidFacts, InvalidInput, assess_many, csv_to_csv
from penalties.batch._files import read_cases, write_csv

runner = CliRunner()
TODAY = date(2026, 11, 28)
HEADER = "id,offender,illicit_profit,offence_date"
ROWS = ["A,entity,250000000,2018-03-19", "B,person,10000000,2018-03-19",
        "C,entity,100000000,2017-06-01", "D,person,60000000,"]


def batch(tmp_path: Path, text: str, *options: str, name: str = "cases.csv",
          output: str = "out.csv", stdin: str | None = None) -> Any:
    """Run ``penalties batch`` on ``text`` (a file, or standard input with ``stdin``)."""
    source = "-"
    if stdin is None:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        source = str(path)
    return runner.invoke(app, ["batch", source, "--provision", "vn-225", "-o",
                               str(tmp_path / output), *options],
                         input=stdin)


def rows_of(tmp_path: Path, output: str = "out.csv") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((tmp_path / output).read_text(encoding="utf-8"))))


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("penalties: note:")]


# -- columns that are not facts --------------------------------------------------------

def test_an_extra_client_column_is_carried_through(tmp_path: Path) -> None:
    """Reproduction: an extra spreadsheet column (``client``) rejected the whole file."""
    text = "id,client,offender,illicit_profit,offence_date\n" \
           "A,ACME Ltd,entity,250000000,2018-03-19\nB,\"Doe, J.\",person,10000000,2018-03-19\n"
    done = batch(tmp_path, text)
    assert done.exit_code == EXIT_OK, done.stderr
    assert notes(done.stderr) == ["penalties: note: 1 column carried through to the output, "
                                  "not read as facts: 'client'"]
    rows = rows_of(tmp_path)
    assert list(rows[0]) == [*CSV_COLUMNS, "client"]  # after the result columns
    assert [(r["id"], r["tier"], r["client"]) for r in rows] == [("A", "4a", "ACME Ltd"),
                                                                  ("B", "", "Doe, J.")]
    as_json = batch(tmp_path, text, output="out.jsonl")
    assert as_json.exit_code == EXIT_OK, as_json.stderr
    docs = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [d["carried"] for d in docs] == [{"client": "ACME Ltd"}, {"client": "Doe, J."}]


def test_strict_columns_refuse_them_as_before(tmp_path: Path) -> None:
    done = batch(tmp_path, "offender,client\nperson,ACME\n", "--strict-columns")
    assert done.exit_code == EXIT_BAD_INPUT
    assert done.stderr.startswith("penalties: error: column 'client': unknown column in the "
                                  "header (allowed: id, offender, offence_date,")
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(("column", "fact"), [
    ("ilicit_profit", "illicit_profit"), ("organized", "organised"),
    ("offense_date", "offence_date"), ("profit", "illicit_profit"), ("damages", "damage"),
])
def test_a_misspelt_fact_column_is_refused_with_did_you_mean(tmp_path: Path, column: str,
                                                              fact: str) -> None:
    """Carried through, a misspelt fact would assess every row as if it were not given."""
    done = batch(tmp_path, f"offender,{column}\nentity,250000000\n")
    assert done.exit_code == EXIT_BAD_INPUT
    assert f"column {column!r}: unknown column in the header" in done.stderr
    assert f"did you mean {fact}?" in done.stderr
    with pytest.raises(InvalidFacts, match=f"did you mean {fact}"):
        list(csv_to_csv(io.StringIO(f"offender,{column}\nperson,1\n"), io.StringIO(), "vn-225",
                        strict_columns=True))


@pytest.mark.parametrize(("column", "fact"), [
    ("illicit_profit_vnd", "illicit_profit"), ("illicit profit (VND)", "illicit_profit"),
    ("profit_vnd", "illicit_profit"), ("Goods value EUR", "goods_value"),
    ("prior_conviction_date", "prior_conviction"), ("number_of_copies", "copies"),
    # a reviewer's: the fact's letters with symbols only, another of its names
    ("Damage (€)", "damage"), ("Profit (₫)", "illicit_profit"), ("Times (#)", "times"),
    ("number_of_infringing_copies", "copies"), ("Damage (EUR thousands)", "damage"),
    # a second reviewer's: plurals, scales, years, formats, other words beside the fact's
    ("Illicit profits (VND)", "illicit_profit"), ("Damage (k€)", "damage"),
    ("Illicit profit (VND m)", "illicit_profit"), ("Turnover 2019", "turnover"),
    ("Annual turnover", "turnover"), ("Commercial scale (Y/N)", "commercial_scale"),
    ("Copies sold", "copies"), ("IllicitProfitVND", "illicit_profit"),
])
def test_a_fact_with_a_unit_or_currency_beside_its_name_is_refused(
        tmp_path: Path, column: str, fact: str) -> None:
    """A fresh user's finding (2026-12-03): ``illicit_profit_vnd`` was carried through, so
    VND 400,000,000 of profit was not read and the row met no tier, exit code 0."""
    done = batch(tmp_path, f"offender,offence_date,{column}\nperson,2018-03-19,400000000\n")
    assert done.exit_code == EXIT_BAD_INPUT, done.stderr
    assert f"did you mean {fact}?" in done.stderr


@pytest.mark.parametrize("column", ["Date of offence", "date_of_offense"])
def test_another_name_of_the_offence_date_is_refused(tmp_path: Path, column: str) -> None:
    done = batch(tmp_path, f"offender,illicit_profit,{column}\nperson,60000000,2016-06-01\n")
    assert done.exit_code == EXIT_BAD_INPUT, done.stderr
    assert "did you mean offence_date?" in done.stderr


@pytest.mark.parametrize(("column", "facts"), [
    ("date", "offence_date, "), ("Amount", "illicit_profit, "), ("value", "illicit_profit, "),
    ("count", "times, "), ("Amount (VND)", "illicit_profit, "),
    ("Date (dd/mm/yyyy)", "offence_date, "),
])
def test_a_column_that_could_be_any_fact_of_a_kind_is_refused(
        tmp_path: Path, column: str, facts: str) -> None:
    """A fresh user's finding (2026-12-03): a ``date`` column was carried through, so a 2016
    offence was assessed on today's date, under the law in force today."""
    done = batch(tmp_path, f"offender,illicit_profit,{column}\nperson,60000000,2016-06-01\n")
    assert done.exit_code == EXIT_BAD_INPUT, done.stderr
    assert f"column {column!r}: names no one fact" in done.stderr
    assert facts in done.stderr


def test_a_column_that_only_begins_like_a_fact_is_still_carried(tmp_path: Path) -> None:
    """What is carried stays carried: a name longer than a fact's with a word beside it,
    or beside the fact's own column."""
    text = ("id,offender,damage,damage_assessor_notes,offender_name,case_notes\n"
            "A,entity,1,see file,ACME,none\n")
    done = batch(tmp_path, text)
    assert done.exit_code == EXIT_OK, done.stderr
    # a reviewer's: words that only contain a fact's name are carried
    names = ["timestamp", "worksheet", "Works title", "artworks", "networks", "photocopies",
             "nonprofit", "profit_centre", "damage_type", "procedure_notes", "Number",
             "Date of birth", "Amount paid by client"]
    text = "offender," + ",".join(f'"{n}"' for n in names) + "\nentity" + ",x" * len(names)
    done = batch(tmp_path, text + "\n")
    assert done.exit_code == EXIT_OK, done.stderr


def test_a_column_near_a_fact_that_is_a_column_too_is_carried(tmp_path: Path) -> None:
    done = batch(tmp_path, "offender,damage,damages,notes\nentity,1,lots,see file\n")
    assert done.exit_code == EXIT_OK, done.stderr
    assert notes(done.stderr) == [
        "penalties: note: 2 columns carried through to the output, not read as facts: "
        "'damages', 'notes' (as 'input_notes': the results have a 'notes' column)"]
    [row] = rows_of(tmp_path)
    assert (row["damages"], row["input_notes"]) == ("lots", "see file")
    assert row["notes"].startswith("No tier of vn/penal-code/225 applies")  # the results'


def test_a_carried_cell_that_cannot_be_copied_is_a_row_in_error(tmp_path: Path) -> None:
    text = "id,client,offender\nA,a\x00b,person\nB,ok,person\nC,short\n"
    for output in ("out.csv", "out.jsonl"):  # by columns, row by row
        done = batch(tmp_path, text, "--skip-invalid", output=output)
        assert done.exit_code == EXIT_SOME_ROWS_FAILED
        assert "row 1: client: 'a\\x00b' holds a NUL character" in done.stderr
        assert "row 3: row: the row has 2 fields, the header 3" in done.stderr
    rows = rows_of(tmp_path)
    assert [(r["id"], r["client"], bool(r["error"])) for r in rows] == [
        ("A", "", True), ("B", "ok", False), ("C", "", True)]  # nothing shifted is copied


# -- headers --------------------------------------------------------------------------

def test_headers_match_whatever_their_case_spaces_and_dashes(tmp_path: Path) -> None:
    """Reproduction: ``Offender`` was refused."""
    plain = batch(tmp_path, "\n".join([HEADER, *ROWS]) + "\n", output="plain.csv")
    assert plain.exit_code == EXIT_OK, plain.stderr
    for header in ("ID,Offender,Illicit Profit, offence date ", "Id,OFFENDER,illicit-profit,"
                   "Offence-Date", "id,offender,IllicitProfit,offence_Date"):
        done = batch(tmp_path, "\n".join([header, *ROWS]) + "\n")
        assert done.exit_code == EXIT_OK, done.stderr
        assert notes(done.stderr) == []
        assert rows_of(tmp_path) == rows_of(tmp_path, "plain.csv"), header
    assert [r["offence_date"] for r in rows_of(tmp_path)][:3] == [
        "2018-03-19", "2018-03-19", "2017-06-01"]


def test_two_headers_that_fold_to_one_name_are_an_error_naming_both(tmp_path: Path) -> None:
    done = batch(tmp_path, "offender,Offence Date,offence-date\nperson,2019-01-01,\n")
    assert done.exit_code == EXIT_BAD_INPUT
    assert done.stderr.startswith("penalties: error: columns 'Offence Date' and "
                                  "'offence-date': both name offence_date")
    with pytest.raises(InvalidFacts, match="column 'offender': appears twice"):
        read_cases(io.StringIO("offender,offender\nperson,entity\n"), "csv")
    with pytest.raises(InvalidFacts, match="columns 2 and 3: have no name in the header"):
        read_cases(io.StringIO("offender,,\nperson,,\n"), "csv")


def test_the_library_says_once_which_columns_it_carries() -> None:
    said: list[str] = []
    text = "offender,client\n" + "person,acme\n" * 25
    out = io.StringIO()
    list(csv_to_csv(io.StringIO(text), out, "vn-225", chunk_rows=4, on_note=said.append))
    assert said == ["1 column carried through to the output, not read as facts: 'client'"]
    assert out.getvalue().splitlines()[0].endswith(',"error","client"')
    pandas = pytest.importorskip("pandas")
    from penalties import assess_frame

    with pytest.raises(InvalidFacts, match="column 'client': unknown column in the header"):
        assess_frame(pandas.DataFrame({"offender": ["person"], "client": ["acme"]}), "vn-225",
                     strict_columns=True)


def test_json_keys_stay_exact_and_say_what_they_may_mean() -> None:
    [result] = assess_many([{"Offender": "person"}], "vn-225")
    assert result.error is not None
    assert result.error.startswith("Offender: unknown column; did you mean offender?")


# -- delimiters and formats -----------------------------------------------------------

def test_a_semicolon_file_from_a_french_spreadsheet(tmp_path: Path) -> None:
    """Reproduction: a ``;``-delimited file (decimal commas in its cells) failed."""
    text = ("\ufeffid;offender;illicit_profit;offence_date;montant\r\n"
            "A;entity;250000000;2018-03-19;1 234,56\r\nB;person;10000000;2018-03-19;0,5\r\n")
    done = batch(tmp_path, text)
    assert done.exit_code == EXIT_OK, done.stderr
    rows = rows_of(tmp_path)
    assert [(r["id"], r["tier"], r["montant"]) for r in rows] == [("A", "4a", "1 234,56"),
                                                                   ("B", "", "0,5")]
    given = batch(tmp_path, text, "--delimiter", ";", output="given.csv")
    assert given.exit_code == EXIT_OK, given.stderr
    assert rows_of(tmp_path, "given.csv") == rows
    tabs = batch(tmp_path, text.replace(";", "\t"), name="cases.tsv", output="tabs.csv")
    assert tabs.exit_code == EXIT_OK, tabs.stderr
    assert rows_of(tmp_path, "tabs.csv") == rows


def test_a_delimiter_that_cannot_be_told_says_how_to_give_it(tmp_path: Path) -> None:
    piped = "offender|illicit_profit|offence_date\nentity|250000000|2018-03-19\n"
    done = batch(tmp_path, piped)
    assert done.exit_code == EXIT_BAD_INPUT
    assert "--delimiter" in done.stderr
    given = batch(tmp_path, piped, "--delimiter", "|")
    assert given.exit_code == EXIT_OK, given.stderr
    assert rows_of(tmp_path)[0]["tier"] == "4a"
    tie = batch(tmp_path, "offender,damage;times\nentity,1;2\n")
    assert tie.exit_code == EXIT_BAD_INPUT
    assert "as many columns with ',' as with ';'" in tie.stderr
    assert "--delimiter" in tie.stderr
    bad = batch(tmp_path, piped, "--delimiter", "ab")
    assert bad.exit_code == EXIT_BAD_INPUT
    assert "--delimiter: 'ab' cannot separate fields" in bad.stderr


def test_delimiter_detection_reads_a_bounded_sample() -> None:
    """Only the first lines decide (read once, then given back), so a comma in row 1,000
    cannot change how row 1 was read, and detection costs the same for any file size."""
    from penalties.batch._sniff import SAMPLE_CHARS, SAMPLE_LINES, Peeked, detect_delimiter

    class Counting(io.StringIO):
        taken = 0

        def readline(self, size: int = -1, /) -> str:  # type: ignore[override]
            line = super().readline(size)
            self.taken += len(line)
            return line

    body = "".join(f"entity;{i};2018-03-19\n" for i in range(5000))
    stream = Counting("offender;illicit_profit;offence_date\n" + body + "person,1,2\n")
    peeked = Peeked(stream)
    assert stream.taken <= SAMPLE_CHARS
    assert peeked.sample.count("\n") <= SAMPLE_LINES
    assert {detect_delimiter(peeked) for _ in range(3)} == {";"}
    assert "".join(peeked) == stream.getvalue()  # the sample given back, then the rest


def test_json_lines_on_standard_input_are_detected(tmp_path: Path) -> None:
    """Reproduction: JSON Lines on stdin without ``--input-format jsonl`` gave
    ``column '{"id": "C-0001"': unknown column``."""
    lines = "\n".join(json.dumps(case) for case in (
        {"id": "C-0001", "offender": "entity", "illicit_profit": "250000000",
         "offence_date": "2018-03-19"},
        {"id": "C-0002", "offender": "person", "offence_date": "2019-01-01"})) + "\n"
    done = batch(tmp_path, lines, stdin=lines)
    assert done.exit_code == EXIT_OK, done.stderr
    assert [(r["id"], r["tier"]) for r in rows_of(tmp_path)] == [("C-0001", "4a"),
                                                                  ("C-0002", "")]
    for name in ("cases.txt", "cases", "cases.csv"):  # in a file, whatever it is called
        found = batch(tmp_path, f"\n \n{lines}", name=name, output="file.jsonl")
        assert found.exit_code == EXIT_OK, (name, found.stderr)
        docs = (tmp_path / "file.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(d)["id"] for d in docs] == ["C-0001", "C-0002"]
    forced = batch(tmp_path, lines, "--input-format", "csv", stdin=lines)
    assert forced.exit_code == EXIT_BAD_INPUT  # told: read as CSV, it is not one


# -- the output columns ---------------------------------------------------------------

def test_liable_is_replaced_by_can_be_liable_and_tier_applies(tmp_path: Path) -> None:
    """Reproduction: ``liable`` was ``true`` where no tier applies; filled-in offence dates
    were not marked."""
    done = batch(tmp_path, "\n".join([HEADER, *ROWS]) + "\n")
    assert done.exit_code == EXIT_OK, done.stderr
    rows = rows_of(tmp_path)
    assert "liable" not in rows[0]
    assert [(r["tier"], r["can_be_liable"], r["tier_applies"], r["offence_date_given"])
            for r in rows] == [("4a", "true", "true", "true"),  # a tier
                               ("", "true", "false", "true"),  # liable, but below every tier
                               ("", "false", "false", "true"),  # a company before 2018
                               ("1", "true", "true", "false")]  # assessed on the batch date


# -- every path writes the same -------------------------------------------------------

HEADERS = st.sampled_from([("id", "ID", " Id"), ("offender", "Offender", "OFFENDER "),
                           ("offence_date", "Offence Date", "offence-date"),
                           ("illicit_profit", "Illicit_Profit", "illicitprofit"),
                           ("client", "Client", "notes"), ("error", "tier", "x y")])
CELLS = st.sampled_from(["", "entity", "person", "2018-03-19", "2016-01-01", "250000000",
                         "60000000", "a;b", 'q"uote', "x,y", "\t"])


@settings(max_examples=60, deadline=None)
@given(st.lists(HEADERS, min_size=2, max_size=6, unique=True).flatmap(lambda names: st.tuples(
    st.tuples(*[st.sampled_from(n) for n in names]),
    st.lists(st.lists(CELLS, min_size=len(names), max_size=len(names)), max_size=12))),
    st.sampled_from([",", ";", "\t"]))
def test_by_columns_and_by_rows_write_the_same(case: tuple[tuple[str, ...], list[list[str]]],
                                               delimiter: str) -> None:
    header, rows = case
    if not any(h.strip().lower() == "offender" for h in header):
        header = ("offender", *header)
        rows = [["person", *row] for row in rows]
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    by_columns, by_rows = io.StringIO(), io.StringIO()
    try:
        list(csv_to_csv(io.StringIO(text.getvalue()), by_columns, "vn-225", today=TODAY,
                        delimiter=delimiter, chunk_rows=4))
    except InvalidInput as exc:  # a header refused: refused alike by the row by row path
        with pytest.raises(InvalidInput, match=re.escape(str(exc))):
            read_cases(io.StringIO(text.getvalue()), "csv", delimiter=delimiter)
        return
    cases = read_cases(io.StringIO(text.getvalue()), "csv", delimiter=delimiter)
    list(write_csv(assess_many(cases, "vn-225", today=TODAY), by_rows, cases.carried))
    assert by_columns.getvalue() == by_rows.getvalue()


# -- pandas ---------------------------------------------------------------------------

CASES_CSV = ("id,offender,times,organised,commercial_scale,illicit_profit,offence_date,"
             "prior_conviction\n"
             + "".join(f"C-{i:04d},person,{(i % 4) or ''},{'true' if i % 2 else 'false'},true,"
                       f"{'' if i % 3 else 250_000_000},2019-0{1 + i % 9}-1{i % 10},"
                       f"{'' if i % 5 else 'false'}\n" for i in range(40)))


def test_assess_frame_reads_pandas_default_dtypes() -> None:
    """Reproduction: ``assess_frame(pd.read_csv("cases.csv"), ...)`` without ``dtype=str``
    failed most rows (``times: '3.0' is not a whole number``)."""
    pandas = pytest.importorskip("pandas")
    from penalties import assess_frame

    frame = pandas.read_csv(io.StringIO(CASES_CSV))
    assert frame["times"].dtype == "float64"  # blanks make a count column float: 3.0
    as_text = pandas.read_csv(io.StringIO(CASES_CSV), dtype=str, keep_default_na=False)
    got = assess_frame(frame, "vn-225", today=TODAY)
    expected = assess_frame(as_text, "vn-225", today=TODAY)
    assert list(got["error"]) == [""] * len(frame)
    assert got.equals(expected)
    dated = pandas.read_csv(io.StringIO(CASES_CSV), parse_dates=["offence_date"])
    assert assess_frame(dated, "vn-225", today=TODAY).equals(expected)
    frame.insert(1, "client", [f"client {i % 3}" for i in range(len(frame))])
    carried = assess_frame(frame, "vn-225", today=TODAY)
    assert list(carried.columns) == [*CSV_COLUMNS, "client"]
    assert carried.drop(columns="client").equals(expected)
    assert list(carried["client"]) == list(frame["client"])  # carried, unchanged


def test_assess_frame_reads_every_missing_value_boolean_and_date_kind() -> None:
    pandas = pytest.importorskip("pandas")
    import numpy

    from penalties import assess_frame

    frame = pandas.DataFrame({
        "id": pandas.array([1, 2, None, 4, 5], dtype="Int64"),
        "Offender": ["entity", "person", "person", "entity", "person"],
        "organised": pandas.array([True, None, False, pandas.NA, True], dtype="boolean"),
        "commercial_scale": [numpy.bool_(True), True, None, float("nan"), numpy.True_],
        "times": [2.0, numpy.nan, 3, None, pandas.NA],
        "illicit_profit": [250_000_000.0, None, float("nan"), 250_000_000, 0],
        "offence_date": [pandas.Timestamp("2018-03-19"), numpy.datetime64("2019-01-01"),
                         pandas.NaT, date(2018, 3, 19), "2019-01-01"],
        "batch_no": [7, 7, 8, 8, 9],
    }, index=[5, 6, 7, 8, 9])
    got = assess_frame(frame, "vn-225", today=TODAY)
    assert list(got.index) == [5, 6, 7, 8, 9]
    assert list(got["error"]) == [""] * 5
    assert list(got["id"]) == ["1", "2", "", "4", "5"]
    assert list(got["offence_date"]) == ["2018-03-19", "2019-01-01", "2026-11-28",
                                         "2018-03-19", "2019-01-01"]
    assert list(got["offence_date_given"]) == ["true", "true", "false", "true", "true"]
    as_text = pandas.DataFrame({  # what a CSV file read with dtype=str holds of the same
        "id": ["1", "2", "", "4", "5"], "Offender": list(frame["Offender"]),
        "organised": ["true", "", "false", "", "true"],
        "commercial_scale": ["true", "true", "", "", "true"], "times": ["2", "", "3", "", ""],
        "illicit_profit": ["250000000", "", "", "250000000", "0"],
        "offence_date": ["2018-03-19", "2019-01-01", "", "2018-03-19", "2019-01-01"],
        "batch_no": ["7", "7", "8", "8", "9"]}, index=frame.index)
    expected = assess_frame(as_text, "vn-225", today=TODAY)
    assert got.drop(columns="batch_no").equals(expected.drop(columns="batch_no"))
    assert list(got["tier"]) == ["4b", "1", "", "4a", "2"]
    assert got["batch_no"].dtype == frame["batch_no"].dtype  # carried with its dtype
    assert list(got["batch_no"]) == [7, 7, 8, 8, 9]


def test_assess_frame_refuses_a_fraction_as_a_count_and_money_as_a_float() -> None:
    pandas = pytest.importorskip("pandas")
    from penalties import assess_frame

    frame = pandas.DataFrame({"id": ["a", "b", "c", "d"],
                              "offender": ["person"] * 4,
                              "times": [3.5, None, None, None],
                              "damage": [None, 1234.56, 2.0**53, 9_007_199_254_740_991.0]})
    got = assess_frame(frame, "vn-225", today=TODAY)
    assert got.loc[0, "error"].startswith("times: '3.5' is not a whole number")
    assert got.loc[1, "error"].startswith("damage: 1234.56 is a float: money is never read "
                                          "from a float")
    assert "dtype=str" in got.loc[1, "error"]
    assert got.loc[2, "error"].startswith("damage: 9007199254740992.0 is a float")
    assert got.loc[3, "error"] == ""  # a whole number below 2**53: exactly the file's
    assert list(got["id"]) == ["a", "b", "c", "d"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32", "utf-32-be"])
def test_a_utf16_file_is_refused_for_its_encoding(tmp_path: Path, encoding: str) -> None:
    """A fresh user's test (2026-12-03): a spreadsheet's "Unicode text" (UTF-16) was refused
    as "delimiter: no column of the header names a fact", which sent them to --delimiter."""
    path = tmp_path / "cases.csv"
    path.write_text("id,offender,offence_date,illicit_profit\nA,entity,2018-03-19,250000000\n",
                    encoding=encoding)
    out = tmp_path / "out.csv"
    found = CliRunner().invoke(app, ["batch", str(path), "--provision", "vn-225", "-o",
                                     str(out)])
    assert found.exit_code == EXIT_BAD_INPUT, found.output
    assert "UTF-16 or UTF-32 text" in found.output
    assert "save the file as CSV UTF-8" in found.output
    assert "delimiter" not in found.output
    assert not out.exists()


def test_a_short_utf16_file_is_refused_for_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("id,x\n", encoding="utf-16-le")  # under 16 bytes
    found = CliRunner().invoke(app, ["batch", str(path), "--provision", "vn-225", "-o", "-"])
    assert found.exit_code == EXIT_BAD_INPUT
    assert "UTF-16 or UTF-32 text" in found.output


@pytest.mark.parametrize("output", ["out.csv", "out.jsonl"])
def test_a_line_of_white_space_is_no_row_as_an_empty_line_is(tmp_path: Path,
                                                               output: str) -> None:
    """Session of 2026-12-03 (third): in a CSV input, a line holding only spaces or a tab
    was a row in error ("the row has 1 fields, the header 4") while an empty line was
    skipped; a JSON Lines input skips both. Both CSV paths (by columns to CSV, row by row
    to JSON Lines) skip it now; a line of empty fields is still a row."""
    text = "\n".join([HEADER, ROWS[0], "   ", "", "\t", ROWS[1]]) + "\n"
    done = batch(tmp_path, text, output=output)
    assert done.exit_code == EXIT_OK, done.stderr
    written = (rows_of(tmp_path, output) if output.endswith(".csv") else
               [json.loads(line) for line in (tmp_path / output).read_text().splitlines()])
    assert [str(r["id"]) for r in written] == ["A", "B"]
    assert [int(r["row"]) for r in written] == [1, 2]
    fields = batch(tmp_path, "\n".join([HEADER, ROWS[0], ",,,"]) + "\n", output=output)
    assert fields.exit_code != EXIT_OK  # four empty fields: a row without an offender


@pytest.mark.parametrize("column", ["illicit_profit_currency", "currency", "ccy", "profit_ccy",
                                    "Currency (ISO)", "IllicitProfitCurrency"])
def test_a_currency_column_is_refused_not_carried(tmp_path: Path, column: str) -> None:
    """A fresh user's finding (2026-12-03): ``illicit_profit,illicit_profit_currency`` with
    ``10000,USD`` was carried through, and every amount read in the law's currency: VND
    10,000, no tier, where USD 10,000 is VND 224,630,000 and meets Art. 225(1)."""
    source = tmp_path / "cases.csv"
    source.write_text(f"id,offender,offence_date,illicit_profit,{column}\n"
                      "x1,person,2018-03-19,10000,USD\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["batch", str(source), "--provision", "vn-225",
                                   "-o", str(tmp_path / "out.csv")])
    assert out.exit_code == EXIT_BAD_INPUT, out.output
    assert f"column '{column}': holds currencies" in out.output
    assert "'10000 USD'" in out.output
    assert not (tmp_path / "out.csv").exists()


def test_a_case_that_is_not_a_mapping_is_a_row_with_its_error() -> None:
    """A fresh user's finding (2026-12-03): ``assess_many([good, None, ...])`` yielded the
    good row, then stopped with "AttributeError: 'NoneType' object has no attribute 'get'"
    and no row number; a row that cannot be read is a result with its error."""
    good = {"offender": "person", "illicit_profit": "60000000", "offence_date": "2018-03-19"}
    results = list(assess_many([good, None, "x", ["offender", "person"], 5, good], "vn-225"))
    assert [r.row for r in results] == [1, 2, 3, 4, 5, 6]
    assert (results[0].error, results[5].error) == (None, None)
    assert results[1].error == ("case: None is not a case (allowed: a mapping of facts (a "
                                "dict) or Facts)")
    assert all(r.error and "is not a case" in r.error for r in results[1:5])
