"""Tables that never cut a number (issue 15, item 8): at any terminal width and in any
locale, every money figure the JSON of a command holds is printed whole, a condition wraps
instead of being elided, a narrow terminal gets a list, and the figures of the reasons, the
inputs and the rates follow ``--locale`` while the JSON stays locale-neutral."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cli import app
from penalties import _words as words

runner = CliRunner()
WIDTHS = (40, 60, 80, 200)
LOCALES = ("en_US", "fr_FR", "vi_VN")
ENTITY_2018 = ("assess", "vn-225", "--offender", "entity", "--profit", "250000000",
               "--offence-date", "2018-03-19")
COMMANDS = {
    "assess": (*ENTITY_2018, "--to", "USD"),
    "assess in EUR": (*ENTITY_2018, "--to", "EUR"),
    "assess an amount in USD": ("assess", "vn-225", "--offender", "entity", "--profit",
                                "10000 USD", "--offence-date", "2018-03-19", "--to", "EUR"),
    "thresholds": ("thresholds", "vn-225", "--on", "2018-03-19", "--in", "USD"),
    "thresholds in EUR": ("thresholds", "vn-225", "--on", "2018-03-19", "--in", "EUR"),
    "compare": ("compare", "vn-225", "fr/cpi/l335-2", "eu/gdpr/83", "--offender", "entity",
                "--profit", "250000000", "--commercial-scale", "--act", "83-5-a",
                "--offence-date", "2019-05-01", "--to", "USD"),
    "convert": ("convert", "1000000000 VND", "--to", "EUR", "--on", "2018-03-19"),
}


def text(args: tuple[str, ...] | list[str], columns: int, locale: str | None = None) -> str:
    """What the command prints for people on a terminal ``columns`` wide."""
    extra = ["--locale", locale] if locale else []
    result = runner.invoke(app, [*args, *extra],
                           env={"COLUMNS": str(columns), "NO_COLOR": "1", "TERM": "dumb"})
    assert result.exit_code == 0, result.output
    return result.stdout


@cache
def document(name: str, locale: str = "en_US") -> Any:
    result = runner.invoke(app, [*COMMANDS[name], "--json", "--locale", locale])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def money_in(node: Any) -> list[dict[str, Any]]:
    """Every ``{"amount", "currency"}`` of a JSON document, its converted amounts too."""
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("amount"), str) and isinstance(node.get("currency"), str):
            found.append(node)
        for value in node.values():
            found += money_in(value)
    elif isinstance(node, list):
        for value in node:
            found += money_in(value)
    return found


def shown_figures(name: str) -> list[dict[str, Any]]:
    """The money figures of a command's JSON that its text shows: all of them, but for
    ``compare``, whose table shows each provision's highest fine (with its conversion)."""
    doc = document(name)
    if name == "compare":
        doc = [p["max"] for r in doc["results"] for p in r["principal"]
               if p.get("max") and "currency" in p["max"]]
    return [m for m in money_in(doc) if m.get("exact") is not False]


def whole(figure: str, output: str) -> bool:
    """``figure`` is printed on one line, not as a part of a longer number."""
    pattern = re.compile(rf"(?<![\d.,\u00a0\u202f]){re.escape(figure)}(?![\d])")
    return any(pattern.search(line) for line in output.splitlines())


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_figure_of_the_json_is_printed_whole(name: str, locale: str,
                                                    columns: int) -> None:
    output = text(COMMANDS[name], columns, locale)
    assert "…" not in output  # no cell elided (and no figure here has endless decimals)
    figures = shown_figures(name)
    assert figures
    for item in figures:
        figure = words.money(Decimal(item["amount"]), item["currency"], locale, exact=True)
        assert " " not in figure  # one word: its spaces are no-break ones
        assert whole(figure, output), (figure, output)
    boxed = [line for line in output.splitlines() if line[:1] and line[0] in "┏┃┡│└"]
    assert all(len(line) <= columns for line in boxed)
    if columns < 60:
        assert not boxed  # a narrow terminal gets lists


@pytest.mark.parametrize("name", list(COMMANDS))
def test_json_stays_locale_neutral(name: str) -> None:
    assert document(name, "vi_VN") == document(name, "en_US") == document(name, "fr_FR")


def test_issue_a_figure_cut_at_60_columns() -> None:
    # `COLUMNS=60 penalties assess vn-225 ... --to USD` showed `₫1,000,000,0…`.
    output = text(COMMANDS["assess"], 60)
    assert "…" not in output
    assert whole("₫1,000,000,000", output)
    assert "┏" in output  # still a table at 60 columns


def test_issue_thresholds_at_80_columns_elide_nothing_and_stay_short() -> None:
    # `penalties thresholds vn-225 --in USD` at 80 columns: 26 elided cells such as
    # `(prior_admi… or prior_convi…`, and 255 lines.
    output = text(["thresholds", "vn-225", "--in", "USD"], 80)
    assert "…" not in output
    assert "(prior_admin_penalty or prior_conviction)" in output
    assert len(output.splitlines()) <= 150
    lines = output.splitlines()
    # Listed: a heading per row, then its threshold and its condition, wrapped at spaces.
    at = lines.index("  225(4)(a) · prior_admin_penalty")
    assert lines[at + 1] == "    threshold: is true"
    assert lines[at + 2].startswith("    only if: (illicit_profit from ₫100,000,000 (≈ $")


def test_issue_a_no_break_space_held_in_fr_fr() -> None:
    # Under --locale fr_FR, the U+202F thousands separator broke `(≈ 10` / `850,02 €)`.
    for columns in (60, 80):
        output = text(COMMANDS["assess in EUR"], columns, "fr_FR")
        assert whole("10\u202f850,03\u00a0€", output)
        assert whole("1\u202f000\u202f000\u202f000\u00a0₫", output)
        assert not re.search(r"\(≈ \d+\s*│", output)


def test_issue_reason_and_rate_figures_follow_the_locale() -> None:
    # Under vi_VN, the reasons said `illicit_profit VND 250,000,000 is from ...`.
    output = text(COMMANDS["assess"], 200, "vi_VN")
    nbsp = "\u00a0"
    assert (f"225(4)(a): illicit_profit 250.000.000{nbsp}₫ (≈ 11.129,41{nbsp}US$) is from "
            f"200.000.000{nbsp}₫ to under 300.000.000{nbsp}₫") in output
    assert "Converted at 22.463 VND per USD" in output
    assert "VND 250,000,000" not in output
    reasons = document("assess", "vi_VN")["tier"]["reasons"]
    assert reasons[0]["text"] == ("225(4)(a): illicit_profit VND 250,000,000 is from "
                                  "VND 200,000,000 to under VND 300,000,000")


def test_inputs_follow_the_locale() -> None:
    output = text(COMMANDS["assess an amount in USD"], 200, "fr_FR")
    assert ("Input: illicit_profit: 10\u202f000,00\u00a0$US = 224\u202f630\u202f000\u00a0₫ at "
            "22\u202f463 VND per USD") in output


def test_a_long_exact_figure_keeps_every_digit_in_any_locale() -> None:
    from fractions import Fraction

    assert words.exact_money(Decimal("1782848992.69031912996969156712"), "EUR", "fr_FR") == (
        "1\u202f782\u202f848\u202f992,69031912996969156712\u00a0€")
    assert words.exact_money(Fraction(1, 3), "EUR", "vi_VN") == (
        "0," + "3" * 30 + "…\u00a0€")


WORD = st.sampled_from(["a", "or", "225(4)(a)", "prior_admin_penalty", "₫1,000,000,000",
                        "10\u202f850,02\u00a0€", "(≈", "$44,517.65)", "250.000.000\u00a0₫",
                        "法释〔2025〕5号", "x" * 25])
CELL = st.lists(WORD, max_size=8).map(" ".join)


@st.composite
def tables(draw: st.DrawFn) -> Any:
    from penalties._text import Table

    count = draw(st.integers(1, 5))
    columns = tuple(f"column {n}" for n in range(count))
    rows = draw(st.lists(st.tuples(*[CELL] * count), max_size=6))
    no_wrap = tuple(c for c in columns if draw(st.booleans()) and c != columns[-1])
    return Table(columns, tuple(rows), draw(st.none() | st.just("title")), no_wrap)


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(40, 200))
def test_no_table_cuts_a_word(table: Any, columns: int) -> None:
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from penalties._console import fit, renderables

    widths = fit(table, columns)
    floors = [max(1, *(cell_len(w) for cell in (name, *(row[at] for row in table.rows))
                       for w in (cell.split(" ") if name not in table.no_wrap else [cell])))
              for at, name in enumerate(table.columns)]
    room = columns - 3 * len(table.columns) - 1
    assert (widths is None) == (sum(floors) > room)
    if widths is not None:
        assert sum(widths) <= room
        assert all(w >= f for w, f in zip(widths, floors, strict=True))
    console = Console(file=io.StringIO(), width=columns, highlight=False, soft_wrap=True,
                      color_system=None)
    for item in renderables([table], columns):
        console.print(item, markup=False, emoji=False)
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    lines = printed.splitlines()
    assert all(cell_len(line) <= columns for line in lines)
    for row in table.rows:
        for cell in row:
            for word in cell.split(" "):
                assert any(word in line for line in lines), (word, printed)
    assert "…" not in printed


def test_wrap_breaks_only_at_ordinary_spaces() -> None:
    from penalties._console import wrap

    assert wrap("from 10\u202f850,02\u00a0€ to under 1\u202f000\u00a0€", 12) == [
        "from", "10\u202f850,02\u00a0€", "to under", "1\u202f000\u00a0€"]
    assert wrap("only if: (a or b)", 12, "    ", "      ") == ["    only if:", "      (a or",
                                                               "      b)"]
    assert wrap("x" * 20, 5) == ["x" * 20]  # a word wider than the line stays whole
