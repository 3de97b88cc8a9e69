"""The batch by columns (penalties.batch._table) writes exactly what the row by row path writes."""

from __future__ import annotations

import copy
import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from penalties import list_provisions
from penalties.batch._files import CSV_COLUMNS, read_cases, write_csv
from penalties.batch._rows import assess_many
from penalties.batch._streams import csv_to_csv
from penalties.batch._table import TableAssessor
from penalties.statutes._statute import Statute

AMOUNTS = st.one_of(
    st.sampled_from(["", "0", "49999999", "50000000", "100000000", "200000000", "300000000",
                     "500000000", "1000000000", "2500", "2500.50", "0300000000"]),
    st.integers(0, 3 * 10**9).map(str),
    st.sampled_from([" 300000000", "300000000 ", "250,000,000 VND", "1000 USD", "-5", "ten",
                     "٣٠٠", "1e6", "12\n34", "9" * 19]),
)
COUNTS = st.sampled_from(["", "0", "1", "2", "3", "01", "1000", "99999999", " 2", "x", "٢", "²",
                         "9" * 30])
FLAGS = st.sampled_from(["", "true", "false", "yes", "no", "1", "0", "TRUE", " y", "maybe"])
DATES = st.dates(date(2005, 1, 1), date(2027, 1, 1)).map(date.isoformat) | st.sampled_from(
    ["", "2018-02-30", "2018-3-19", " 2019-01-01", "2019/01/01", "2024-12-31"])
COLUMNS: dict[str, st.SearchStrategy[str]] = {
    "id": st.text(max_size=6) | st.sampled_from(['a"b', "x,y", "line\nbreak", ""]),
    "offender": st.sampled_from(["person", "entity", "entity", " Entity", "robot", ""]),
    "offence_date": DATES,
    "illicit_profit": AMOUNTS, "damage": AMOUNTS, "goods_value": AMOUNTS,
    "retail_value": AMOUNTS | st.sampled_from(["2500 USD", "USD 1000"]),
    "turnover": st.sampled_from(["", "20000000 EUR", "EUR 5000000000", "1000"]),
    "gross_gain": st.sampled_from(["", "500000 USD", "7"]),
    "copies": COUNTS, "works": COUNTS, "violations": COUNTS, "times": COUNTS,
    "organised": FLAGS, "commercial_scale": FLAGS, "commercial_advantage": FLAGS,
    "willful": FLAGS, "prior_conviction": FLAGS, "prior_admin_penalty": FLAGS,
    "prior_admin_penalty_completed": st.sampled_from(["", "", "2017-06-01"]),
    "trial_date": st.sampled_from(["", "", "", "2020-01-01"]),
    "act": st.sampled_from(["", "", "reproduce", "import"]),
}
PROVISIONS = [p.id for p in list_provisions()]
TODAY = date(2026, 11, 28)  # of rows without an offence date, the same for both paths


def by_rows(text: str, provision: str, to: str | None) -> str:
    """What the row by row path writes (or the error that stops it, and what it wrote)."""
    out = io.StringIO()
    try:
        for _ in write_csv(assess_many(read_cases(io.StringIO(text), "csv"), provision,
                                       to=to, today=TODAY), out):
            pass
    except csv.Error as exc:
        return f"{out.getvalue()}\n{exc}"
    return out.getvalue()


def by_columns(text: str, provision: str, to: str | None, chunk_rows: int = 5) -> str:
    """What the batch by columns writes (or the error that stops it, and what it wrote)."""
    out = io.StringIO()
    try:
        for _ in csv_to_csv(io.StringIO(text), out, provision, to=to, chunk_rows=chunk_rows,
                            today=TODAY):
            pass
    except csv.Error as exc:
        return f"{out.getvalue()}\n{exc}"
    return out.getvalue()


def csv_file(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str]:
    """A provision and a CSV file of cases for it: some columns, rows with repeated
    classes, and now and then a short or long row or a blank line."""
    provision = draw(st.sampled_from(PROVISIONS))
    extra = draw(st.lists(st.sampled_from(sorted(set(COLUMNS) - {"offender",
                                                                 "offence_date"})),
                          unique=True, max_size=6))
    header = ["offender", "offence_date", *extra]
    # A few values per column, so that rows often share a class (or nearly do).
    palette = [st.sampled_from(draw(st.lists(COLUMNS[name], min_size=1, max_size=4)))
               for name in header]
    rows = draw(st.lists(st.tuples(*palette).map(list), min_size=1, max_size=25))
    rows = rows * draw(st.integers(1, 3))  # the same classes again, in later chunks
    text = csv_file(header, rows)
    lines = text.split("\n")
    if draw(st.booleans()) and len(lines) > 3:
        at = draw(st.integers(1, len(lines) - 2))
        lines.insert(at, draw(st.sampled_from(["", "person", "entity,2019-01-01,1,2,3,4,5,6,7,8"])))
    return provision, "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(files(), st.sampled_from([None, "USD", "EUR"]))
def test_columns_write_what_rows_write(figures: Counter[str], case: tuple[str, str],
                                      to: str | None) -> None:
    provision, text = case
    assert by_columns(text, provision, to) == by_rows(text, provision, to)
    figures["batch files compared, by columns and by rows"] += 1


def test_generated_batch_is_identical() -> None:
    # The benchmark's kind of file: many classes, many dates, every band.
    import random

    rng = random.Random(5)
    rows = []
    for i in range(3000):
        rows.append([str(i), rng.choice(["entity", "person"]),
                     date.fromordinal(date(2018, 1, 1).toordinal() + rng.randrange(2900))
                     .isoformat(),
                     str(rng.randrange(0, 1_200_000_000)),
                     str(rng.randrange(0, 900_000_000)) if rng.random() < 0.4 else "",
                     "true" if rng.random() < 0.1 else "", rng.choice(["", "", "2", "1"])])
    text = csv_file(["id", "offender", "offence_date", "illicit_profit", "goods_value",
                     "organised", "times"], rows)
    for to in (None, "USD"):
        assert by_columns(text, "vn/penal-code/225", to, chunk_rows=700) == by_rows(
            text, "vn/penal-code/225", to)


def test_stop_at_error_writes_the_rows_before() -> None:
    text = csv_file(["offender", "illicit_profit", "offence_date"],
                    [["entity", "250000000", "2018-03-19"]] * 4
                    + [["entity", "x", "2018-03-19"]] + [["person", "1", "2018-03-19"]])
    out = io.StringIO()
    steps = list(csv_to_csv(io.StringIO(text), out, "vn-225", stop_at_error=True,
                            chunk_rows=3))
    assert steps[-1][0] == 4
    assert steps[-1][1][0][0] == 5
    assert "illicit_profit" in steps[-1][1][0][1]
    written = list(csv.reader(io.StringIO(out.getvalue())))
    assert written[0] == list(CSV_COLUMNS)
    assert [r[0] for r in written[1:]] == ["1", "2", "3", "4"]


def test_header_is_checked_first() -> None:
    from penalties import InvalidFacts

    with pytest.raises(InvalidFacts, match="unknown column in the header"):
        next(csv_to_csv(io.StringIO("offender,ilicit_profit\nperson,1\n"), io.StringIO(),
                        "vn-225"))
    with pytest.raises(InvalidFacts, match="no offender column"):
        TableAssessor(["illicit_profit"], "vn-225")


@given(st.text(), st.text())
def test_cells_are_quoted_as_the_csv_module_quotes_them(cell: str, other: str) -> None:
    from penalties.batch._chunk import CLASS_COLUMNS, RATE_COLUMNS, Chunk

    chunk = Chunk(1, [cell], [other], [cell + other], [0], [0])
    chunk.add_class(tuple(f"{cell}{n}" for n, _ in enumerate(CLASS_COLUMNS)))
    chunk.add_converted(tuple(f"{other}{n}" for n, _ in enumerate(RATE_COLUMNS)))
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(chunk.rows())
    assert chunk.csv() == expected.getvalue()


def test_frame_gives_the_csv_columns() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({
        "id": ["a", "b", None],
        "offender": ["entity", "person", "entity"],
        "illicit_profit": [250_000_000, None, 5],
        "offence_date": [pandas.Timestamp("2018-03-19"), "2019-01-01", "2018-02-30"],
    }, index=[10, 11, 12])
    from penalties.batch._streams import assess_frame

    result = assess_frame(frame, "vn-225", to="USD", first_row=7)
    assert list(result.columns) == list(CSV_COLUMNS)
    assert list(result.index) == [10, 11, 12]
    assert list(result["row"]) == [7, 8, 9]
    assert list(result["tier"]) == ["4a", "", ""]
    assert result.loc[10, "fine_max_converted"] == "44517.65"
    assert result.loc[12, "error"].startswith("offence_date")


@pytest.fixture(scope="module")
def two_versions(make_statute: Callable[[], dict[str, Any]],
                 tmp_path_factory: pytest.TempPathFactory) -> Statute:
    """A statute whose bands and fines change in 2022, and whose companies are liable only
    from 2020: rows of one class on either side of those dates must not share answers."""
    import tomli_w

    from penalties.statutes._loader import load_statute

    data = make_statute()
    data["subjects"][1]["liable_from"] = date(2020, 1, 1)
    data["subjects"][1]["liability_citation"] = data["versions"][0]["tiers"][2]["citation"]
    later = copy.deepcopy(data["versions"][0])
    later["effective_from"] = date(2022, 1, 1)
    later["tiers"][0]["when"] = {"any": [{"quantity": "illicit_profit", "from": 150,
                                          "below": 300}]}
    later["tiers"][0]["principal"] = [{"kind": "fine", "min": 15, "max": 30}]
    later["tiers"][1]["when"] = {"any": [{"quantity": "illicit_profit", "from": 300},
                                         {"fact": "organised", "point": "a"}]}
    data["versions"].append(later)
    path = tmp_path_factory.mktemp("statutes") / "two.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return load_statute(path)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["person", "entity"]),
    st.sampled_from(["2017-12-31", "2018-01-01", "2019-12-31", "2020-01-01", "2021-06-30",
                     "2021-12-31", "2022-01-01", "2024-05-05"])
    | st.dates(date(2017, 6, 1), date(2024, 12, 31)).map(date.isoformat),
    st.sampled_from(["", "99", "100", "149", "150", "199", "200", "250", "300", "301"]),
    st.sampled_from(["", "true"])).map(list), min_size=1, max_size=40),
    st.sampled_from([None, "USD"]))
@example(rows=[["entity", "2021-01-01", "250", ""], ["entity", "2019-01-01", "250", ""],
               ["person", "2023-01-01", "160", ""], ["person", "2019-01-01", "160", ""]],
         to=None)
def test_classes_never_cross_versions(two_versions: Statute, rows: list[list[str]],
                                      to: str | None) -> None:
    statute = two_versions
    text = csv_file(["offender", "offence_date", "illicit_profit", "organised"], rows * 2)
    expected = io.StringIO()
    for _ in write_csv(assess_many(read_cases(io.StringIO(text), "csv"), statute, to=to),
                       expected):
        pass
    got = io.StringIO()
    for _ in csv_to_csv(io.StringIO(text), got, statute, to=to, chunk_rows=7):
        pass
    assert got.getvalue() == expected.getvalue()


def test_dask_runs_the_frame_function_unchanged(tmp_path: Any) -> None:
    # Many partitions on a local cluster (threads, so the test needs no spawned processes);
    # each partition's result equals the row by row path on the same rows.
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    from penalties.batch._streams import assess_frame

    rows = [[str(i), ["entity", "person"][i % 2], f"20{18 + i % 7}-0{1 + i % 9}-1{i % 10}",
             str(37_000_000 * i), "true" if i % 5 == 0 else ""] for i in range(400)]
    header = ["id", "offender", "offence_date", "illicit_profit", "organised"]
    path = tmp_path / "cases.csv"
    path.write_text(csv_file(header, rows), encoding="utf-8")
    expected = list(csv.DictReader(io.StringIO(by_rows(path.read_text(encoding="utf-8"),
                                                       "vn-225", "USD"))))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        frame = dd.read_csv(str(path), dtype=str, keep_default_na=False, blocksize=4000)
        assert frame.npartitions > 2
        result = frame.map_partitions(assess_frame, "vn-225", to="USD").compute()
    assert list(result["id"]) == [r["id"] for r in expected]
    for column in CSV_COLUMNS[2:]:
        assert list(result[column]) == [r[column] for r in expected], column
