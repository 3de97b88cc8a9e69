"""A date and time with a time zone is refused wherever a date is read.

It was taken as its date where it was written: ``2017-12-31T20:00Z`` was read as
31 December 2017, when it is 1 January 2018 03:00 in Hanoi, where the 2015 Penal Code took
effect that day. A company's offence at that moment was said not liable (companies were
not liable before 2018) when the code in force says a fine of VND 300 million to 1 billion.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

import penalties
import rates
from cli import app

ZONED = datetime(2017, 12, 31, 20, tzinfo=UTC)
HANOI = timezone(timedelta(hours=7))
FACTS = {"offender": "entity", "illicit_profit": "250000000"}


def test_a_zoned_offence_date_is_refused_not_read_as_the_day_before() -> None:
    with pytest.raises(penalties.InvalidFacts, match=r"^offence_date: '2017-12-31T20:00:00"
                       r"\+00:00' has a time zone, so it names a different day"):
        penalties.assess("vn-225", {**FACTS, "offence_date": ZONED})
    # the same moment in Hanoi's own time zone is refused too: the rule does not guess
    with pytest.raises(penalties.InvalidFacts, match="has a time zone"):
        penalties.assess("vn-225", {**FACTS, "offence_date": ZONED.astimezone(HANOI)})
    # what it meant, given as the day where it happened, is liable under the 2015 code
    assert penalties.assess("vn-225", {**FACTS, "offence_date": date(2018, 1, 1)}).liable
    assert not penalties.assess("vn-225", {**FACTS, "offence_date": date(2017, 12, 31)}).liable


def test_a_datetime_without_time_zone_is_still_its_day() -> None:
    late = datetime(2018, 3, 19, 23, 59)
    assert penalties.assess("vn-225", {**FACTS, "offence_date": late}).offence_date == date(
        2018, 3, 19)
    assert rates.convert("100 EUR", "USD", late).rate.period == "2018-03-19"


@pytest.mark.parametrize("argument", ["today", "rate_date", "input_rate_date"])
def test_every_date_argument_refuses_a_zoned_datetime(argument: str) -> None:
    kwargs: dict[str, object] = {argument: ZONED}
    if argument == "rate_date":
        kwargs["to"] = "USD"
    with pytest.raises(penalties.InvalidInput, match=rf"^{argument}: .* has a time zone"):
        penalties.assess("vn-225", FACTS, **kwargs)  # type: ignore[arg-type]


def test_rates_refuse_a_zoned_datetime() -> None:
    with pytest.raises(rates.InvalidDate, match=r"^on: '2017-12-31T20:00:00\+00:00' has a "
                       "time zone"):
        rates.convert("100 EUR", "USD", ZONED)
    with pytest.raises(rates.InvalidDate, match="has a time zone"):
        rates.get_rate("EUR", "USD", ZONED)


@pytest.mark.parametrize("text", ["2018-03-19T10:00", "2018-03-19 10:00:00+07:00",
                                  "2017-12-31T20:00:00Z"])
def test_text_of_a_date_and_time_says_to_write_the_day(text: str) -> None:
    with pytest.raises(penalties.InvalidFacts, match=r"is a date and time; write the day "
                       r"alone \(YYYY-MM-DD\)"):
        penalties.assess("vn-225", {**FACTS, "offence_date": text})
    result = CliRunner().invoke(app, ["assess", "vn-225", "--offender", "entity", "--profit",
                                      "250000000", "--offence-date", text])
    assert result.exit_code == 2
    assert "is a date and time; write the day alone" in result.output
    assert "Traceback" not in result.output


def test_a_frame_row_with_a_zoned_timestamp_is_a_row_in_error() -> None:
    pandas = pytest.importorskip("pandas")

    frame = pandas.DataFrame({
        "offender": ["entity", "entity"], "illicit_profit": ["250000000", "250000000"],
        "offence_date": [pandas.Timestamp("2017-12-31T20:00", tz="UTC"),
                         pandas.Timestamp("2018-01-01T20:00", tz="UTC")]})
    got = assess_frame_rows(frame)
    assert all("offence_date" in error and "time zone" in error for error in got["error"])
    assert list(got["tier"]) == ["", ""]
    naive = frame.assign(offence_date=[pandas.Timestamp("2018-01-01T03:00"),
                                       pandas.Timestamp("2018-01-02")])
    got = assess_frame_rows(naive)
    assert list(got["error"]) == ["", ""]
    assert list(got["offence_date"]) == ["2018-01-01", "2018-01-02"]


def assess_frame_rows(frame: object) -> object:
    from penalties import assess_frame

    return assess_frame(frame, "vn-225", today=date(2026, 11, 28))


def test_a_request_with_a_date_and_time_is_refused_naming_the_field() -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from penalties.web import create_app

    client = TestClient(create_app())
    answer = client.post("/assess", json={"provision": "vn-225", "facts": {
        **FACTS, "offence_date": "2017-12-31T20:00:00Z"}})
    assert answer.status_code == 422, answer.text
    assert "write the day alone" in json.dumps(answer.json())
