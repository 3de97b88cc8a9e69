"""The one reader of values: the column readers a batch uses read exactly what ``read`` reads,
with the same limits, and the lens places a plain number as it places the amount."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from penalties import InvalidFacts, StatuteFileError, get_provision, load_statute
from penalties._values import Amount, TextReader, plain_column, read, read_column, read_option
from penalties._vocabulary import builtin_vocabulary
from penalties.statutes._catalog import default_catalog

VOCABULARY = builtin_vocabulary()
TEXTS = st.one_of(
    st.sampled_from(["", "0", "1", "2", "01", "999999999999999999", "1000000000000000000",
                     "1000000", "1000001", " 5", "5 ", "²", "٢", "1.5", "1,000", "-1", "x",
                     "250000000 VND", "1000 USD", "12\n34"]),
    st.integers(0, 10**19).map(str),
    st.text(alphabet="0123456789 .,-", max_size=20),
)
FACTS = ["illicit_profit", "times", "copies", "turnover", "organised", "offence_date",
         "offender", "prior_conviction"]


def plain(result: object) -> object:
    """A value or error, comparable: errors by their message."""
    if isinstance(result, Exception):
        return ("error", type(result).__name__, str(result))
    return result


def one_by_one(name: str, texts: list[str]) -> list[object]:
    out: list[object] = []
    for text in texts:
        try:
            out.append(read(VOCABULARY[name], text))
        except InvalidFacts as exc:
            out.append(exc)
    return out


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FACTS), st.lists(TEXTS, max_size=30))
def test_a_column_is_read_as_its_cells_are(name: str, texts: list[str]) -> None:
    fact = VOCABULARY[name]
    assert [plain(v) for v in read_column(fact, texts)] == [
        plain(v) for v in one_by_one(name, texts)]
    numbers = plain_column(fact, texts)
    if numbers is not None:
        values = one_by_one(name, texts)
        assert not any(isinstance(v, InvalidFacts) for v in values)
        assert numbers == [v.value if isinstance(v, Amount) else v for v in values]
        assert all(v.currency is None for v in values if isinstance(v, Amount))


def test_plain_columns() -> None:
    profit, times = VOCABULARY["illicit_profit"], VOCABULARY["times"]
    assert plain_column(profit, ["1", "", "250000000"]) == [1, None, 250000000]
    assert plain_column(profit, ["1", "2 VND"]) is None  # read cell by cell
    assert plain_column(profit, ["9" * 19]) is None  # too long for a plain amount
    assert plain_column(times, ["0"]) is None  # out of range: read_column says so
    assert plain_column(VOCABULARY["turnover"], ["5"]) is None  # needs a currency


@pytest.mark.parametrize("figure", [0, 49_999_999, 50_000_000, 50_000_001, 300_000_000,
                                    10**18 - 1])
def test_a_plain_number_is_placed_as_the_amount(figure: int) -> None:
    lens = default_catalog().lens(get_provision("vn-225"))
    as_amount = Amount(Decimal(figure), None)
    in_currency = Amount(Decimal(figure), "VND")
    places = lens.places("illicit_profit", "amount", [figure, as_amount, in_currency], "VND")
    assert places[0] == places[1] == places[2]
    assert lens.token("illicit_profit", "amount", as_amount, "VND") == ("@", places[0])
    assert lens.places("illicit_profit", "amount", [Amount(Decimal(1), "USD")], "VND") == [None]


# One rule for digits (issue 12, item 7): numbers and dates are written in ASCII digits 0-9.
# Arabic-Indic, full-width, mathematical and superscript digits are refused in every kind of
# value, by every reader (one cell, a column, the batch's cache), with one message.
OTHER_DIGITS = {
    "illicit_profit": ["٣٠٠", "３００", "𝟑𝟎𝟎", "٣٠٠ VND", "VND ３００", "3٠0", "۳۰۰", "३००"],
    "times": ["٣", "３", "𝟑", "³"],
    "offence_date": ["２０１８-０３-１９", "٢٠١٨-٠٣-١٩", "𝟐𝟎𝟏𝟖-03-19"],
    "organised": ["١"],
}


@pytest.mark.parametrize(("name", "text"), [(n, t) for n, texts in OTHER_DIGITS.items()
                                            for t in texts])
def test_digits_other_than_ascii_are_refused_with_one_message(
        name: str, text: str, figures: Counter[str]) -> None:
    fact = VOCABULARY[name]
    with pytest.raises(InvalidFacts) as info:
        read(fact, text)
    error = info.value
    assert error.field == name
    assert error.problem.startswith(f"{text!r} is written with U+")
    assert error.problem.endswith("; write numbers and dates in ASCII digits 0-9")
    assert str(error).startswith(f"{name}: {text!r} is written with U+")
    (in_column,) = read_column(fact, [text])
    assert plain(in_column) == plain(error)
    assert plain_column(fact, [text]) is None
    with pytest.raises(InvalidFacts, match="ASCII digits 0-9"):
        TextReader()(fact, text)
    with pytest.raises(InvalidFacts, match="ASCII digits 0-9"):
        read_option(fact.kind, "--on", text)
    figures["non-ASCII digit forms refused"] += 1


def test_statute_dates_follow_the_same_rule(write_statute: Callable[..., Path],
                                            statute_data: dict[str, Any]) -> None:
    for written, says in [("２０１８-０１-０１", "is written with U+FF12 FULLWIDTH DIGIT TWO; "
                           "write numbers and dates in ASCII digits 0-9"),
                          (1514764800, "expected a valid date written as a TOML date"),
                          ("1514764800", "expected a valid date written as a TOML date")]:
        statute_data["versions"][0]["effective_from"] = written
        with pytest.raises(StatuteFileError) as info:
            load_statute(write_statute(statute_data))
        found = {p.location: p.message for p in info.value.problems}
        assert says in found["versions[0].effective_from"], written


@pytest.mark.parametrize("text", ["٣٠٠ USD", "USD ３００", "𝟑𝟎𝟎"])
def test_the_rate_side_follows_the_same_rule_for_digits(text: str,
                                                         figures: Counter[str]) -> None:
    """`penalties convert "٣٠٠ USD"` said "not an amount..." while `--profit` named the
    digit; amounts and dates read by `rates` now give the one message too."""
    import rates
    from rates.errors import InvalidAmount, InvalidDate

    with pytest.raises(InvalidAmount, match=r"is written with U\+.*; write numbers and dates "
                       r"in ASCII digits 0-9"):
        rates.convert(text, to="EUR", on="2019-01-02")
    with pytest.raises(InvalidDate, match=r"is written with U\+FF12 FULLWIDTH DIGIT TWO; "
                       r"write numbers and dates in ASCII digits 0-9"):
        rates.convert("300 USD", to="EUR", on="２０１９-01-02")
    figures["non-ASCII digit forms refused"] += 1


@pytest.mark.parametrize(("raw", "expected"), [
    (Decimal("2.0"), 2), (Decimal("2"), 2), (Decimal("3E+0"), 3), (2, 2)])
def test_a_whole_decimal_number_is_a_count(raw: object, expected: int) -> None:
    """A JSON Lines ``"times": 2.0`` (read as a Decimal, exactly) was refused
    ("Decimal('2.0') is not a whole number") while a frame's 2.0 was 2."""
    assert read(VOCABULARY["times"], raw) == expected


@pytest.mark.parametrize(("raw", "said"), [
    (Decimal("2.5"), "2.5 is not a whole number"), (2.5, "2.5 is a floating-point number"),
    (2.0, "2.0 is a floating-point number"),  # it may be a rounded 1.9999999999999999
    (Decimal("1.9999999999999999"), "1.9999999999999999 is not a whole number"),
    (Decimal("NaN"), "NaN is not a whole number"), (Decimal("1E+30"), "is out of range")])
def test_a_number_that_is_not_a_count_is_refused_in_plain_words(raw: object, said: str) -> None:
    with pytest.raises(InvalidFacts) as caught:
        read(VOCABULARY["times"], raw)
    assert said in str(caught.value)
    assert "Decimal(" not in str(caught.value)


def test_a_flag_reads_the_numbers_1_and_0_as_it_reads_their_texts() -> None:
    """``"organised": 0`` was refused with a message that listed 0 as allowed."""
    flag = VOCABULARY["organised"]
    assert (read(flag, 1), read(flag, 0)) == (read(flag, "1"), read(flag, "0")) == (True, False)
    for bad in (2, -1, 1.0, Decimal(1)):
        with pytest.raises(InvalidFacts, match="is not true or false"):
            read(flag, bad)


@pytest.mark.parametrize("tiny", ["1E-999999999", "1E-101", "0E-1000"])
def test_an_amount_with_too_many_decimal_places_is_refused(tiny: str) -> None:
    """A reviewer's test (2026-12-03): ``"illicit_profit": 1e-999999999`` over HTTP (read
    exactly, as a JSON line is) was an amount, and a 113-byte ``POST /compare`` wrote a
    billion zeros back."""
    from penalties import InvalidFacts, assess

    with pytest.raises(InvalidFacts, match="more than 100 decimal places"):
        assess("vn-225", {"offender": "person", "illicit_profit": Decimal(tiny),
                          "offence_date": "2018-03-19"})
    assert assess("vn-225", {"offender": "person", "illicit_profit": Decimal("1E-100"),
                             "offence_date": "2018-03-19"}).tier is None


def test_a_huge_decimal_count_is_quoted_as_given() -> None:
    """``"times": 1E+999999999`` was "1000001 is out of range"."""
    from penalties import InvalidFacts, assess

    with pytest.raises(InvalidFacts, match=r"1E\+999999999 is out of range"):
        assess("vn-225", {"offender": "person", "times": Decimal("1E+999999999"),
                          "offence_date": "2018-03-19"})


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_date_argument_given_as_empty_text_is_refused_and_named(blank: str) -> None:
    """A reviewer's test (2026-12-03): ``rate_date=""`` fell back to the default date,
    silently, and ``"  "`` was refused under the field name ``on``."""
    from penalties import InvalidInput, assess, assess_many, thresholds, tier_map

    facts = {"offender": "entity", "illicit_profit": "250000000", "offence_date": "2018-03-19"}
    calls = {
        "rate_date": [lambda: assess("vn-225", facts, to="USD", rate_date=blank),
                      lambda: tier_map("vn-225", facts, to="USD", rate_date=blank),
                      lambda: thresholds("vn-225", to="USD", rate_date=blank),
                      lambda: list(assess_many([facts], "vn-225", to="USD", rate_date=blank))],
        "input_rate_date": [
            lambda: assess("vn-225", {**facts, "illicit_profit": "10000 USD"},
                           input_rate_date=blank),
            lambda: list(assess_many([facts], "vn-225", input_rate_date=blank))],
    }
    for field, made in calls.items():
        for call in made:
            with pytest.raises(InvalidInput, match=f"^{field}: is empty"):
                call()
    assert assess("vn-225", facts, to="USD", rate_date="2018-03-20").rate.asked_for == (  # type: ignore[union-attr]
        date(2018, 3, 20))


@pytest.mark.parametrize("blank", ["", "  "])
def test_every_date_argument_of_the_library_refuses_empty_text(blank: str) -> None:
    """Session of 2026-12-03 (third): ``today=""``, ``thresholds(on="")`` and
    ``convert_assessment(result, "USD", "")`` fell back to their defaults, silently (the
    latest version of the law, today's date, the offence date)."""
    from penalties import InvalidInput, assess, assess_many, convert_assessment, thresholds

    facts = {"offender": "entity", "illicit_profit": "250000000", "offence_date": "2018-03-19"}
    result = assess("vn-225", facts)
    calls = {
        "today": [lambda: assess("vn-225", facts, today=blank),
                  lambda: list(assess_many([facts], "vn-225", today=blank))],
        "on": [lambda: thresholds("vn-225", blank),
               lambda: convert_assessment(result, "USD", blank)],
    }
    for field, made in calls.items():
        for call in made:
            with pytest.raises(InvalidInput, match=f"^{field}: is empty"):
                call()


def test_every_date_argument_of_the_library_reads_text_or_names_itself() -> None:
    """Session of 2026-12-03 (third): ``thresholds("vn-225", "2018-03-19")`` and
    ``assess(..., today="2018-04-01")`` raised a TypeError from inside the statute
    (comparing text with a date), and ``today="x"`` was accepted, silently, when the facts
    gave an offence date."""
    from penalties import InvalidInput, assess, assess_many, thresholds

    facts = {"offender": "entity", "illicit_profit": "250000000"}
    assert thresholds("vn-225", "2018-03-19").version == thresholds(
        "vn-225", date(2018, 3, 19)).version
    assert assess("vn-225", facts, today="2018-04-01").offence_date == date(2018, 4, 1)
    [row] = assess_many([facts], "vn-225", today="2018-04-01")
    assert row.assessment is not None
    assert row.assessment.offence_date == date(2018, 4, 1)
    dated = {**facts, "offence_date": "2018-03-19"}
    for call in (lambda: assess("vn-225", dated, today="x"),
                 lambda: list(assess_many([dated], "vn-225", today="x")),
                 lambda: thresholds("vn-225", "x")):
        with pytest.raises(InvalidInput, match=r"^(today|on): 'x' is not a date"):
            call()


def test_a_count_written_as_a_decimal_says_so() -> None:
    """A fresh user's finding (2026-12-03): text ``2.0`` was "not a whole number", though
    it is one (and a JSON number 2.0 is read as 2): text counts are digits only, and the
    message says that."""
    from penalties import InvalidFacts, assess

    with pytest.raises(InvalidFacts, match=r"times: '2\.0' is written as a decimal: give "
                       r"the count in digits only \(2\)"):
        assess("vn-225", {"offender": "person", "times": "2.0", "offence_date": "2018-03-19"})
    with pytest.raises(InvalidFacts, match=r"times: '2\.5' is not a whole number"):
        assess("vn-225", {"offender": "person", "times": "2.5", "offence_date": "2018-03-19"})


def test_a_negative_count_in_text_is_out_of_range_not_no_whole_number() -> None:
    """``--copies -1`` said "'-1' is not a whole number (allowed: 0 to 1000000)", which it
    is; the number -1 said "out of range". Both say "out of range" now."""
    from penalties import InvalidFacts, assess

    for value, said in (("-1", "-1"), (" -12 ", "-12"), (-1, "-1")):
        with pytest.raises(InvalidFacts, match=rf"^copies: {said} is out of range \(allowed: 0"):
            assess("us-2319", {"copies": value})
    with pytest.raises(InvalidFacts, match="is not a whole number"):
        assess("us-2319", {"copies": "-1.5"})
    with pytest.raises(InvalidFacts, match="is not a whole number"):
        assess("us-2319", {"copies": "--1"})
