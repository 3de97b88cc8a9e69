"""Notebooks (issue 15, item 6): an ``Assessment``, a ``TierMap`` and a ``Conversion`` show
themselves as HTML tables in Jupyter (``_repr_html_``) and as rich renderables
(``__rich__``); the first two from the command line's own text (what ``penalties assess``
and ``penalties map`` print, line for line), the conversion in the money side's own words.
The HTML is well formed, has no script and escapes every string; rich never reads a
string as markup."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from typer.testing import CliRunner

import penalties
import rates
from cli import app
from penalties.statutes._catalog import builtin_directory

runner = CliRunner()
ENTITY = {"offender": "entity", "illicit_profit": "250000000 VND",
          "offence_date": "2018-03-19"}
ASSESS = ("assess", "vn-225", "--offender", "entity", "--profit", "250000000",
          "--offence-date", "2018-03-19", "--to", "USD")
MAP = ("map", "vn-225", "--offender", "entity", "--offence-date", "2018-03-19", "--vary",
       "profit", "--to", "USD")
#: Statute text is data: markup, a script, rich markup and an emoji code, shown as written.
HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> [bold red]red[/] :smile: &amp;'
#: Tags the HTML may hold.
ALLOWED = {"div", "p", "table", "caption", "thead", "tbody", "tr", "th", "td"}


@pytest.fixture(autouse=True)
def _en_us(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment's locale is the one a result is shown in: en_US here."""
    monkeypatch.setenv("PENALTIES_LOCALE", "en_US")


class Checked(HTMLParser):
    """Parses HTML, failing on an unbalanced or unexpected tag or an attribute that could
    run code; keeps the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, f"unexpected tag <{tag}>"
        assert all(name in ("style", "scope") for name, _ in attrs), attrs
        self.open.append(tag)
        self.tags.add(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes {self.open}"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def checked(html: str) -> Checked:
    """``html`` parsed and found well formed: every tag closed in order, none left open."""
    parser = Checked()
    parser.feed(html)
    parser.close()
    assert not parser.open, f"left open: {parser.open}"
    return parser


def cli(*args: str, columns: int = 80) -> list[str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns), "NO_COLOR": "1",
                                                 "TERM": "dumb", "PENALTIES_LOCALE": "en_US"})
    assert result.exit_code == 0, result.output
    return lines(result.stdout)


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def rich_text(renderable: Any, width: int = 80, *, soft_wrap: bool = False) -> str:
    from rich.console import Console

    console = Console(record=True, width=width, file=io.StringIO(), soft_wrap=soft_wrap)
    console.print(renderable)
    return console.export_text()


def words(text: str) -> str:
    """``text`` without any whitespace (to compare what two layouts say)."""
    return "".join(text.split())


def hostile_catalog(folder: Path) -> penalties.Catalog:
    """A user's statute file: vn-225's law, with a hostile title."""
    data = tomllib.loads((builtin_directory() / "vn" / "penal-code" / "225.toml").read_text(
        encoding="utf-8"))
    for key in ("lex_mitior", "predecessor", "see_also"):
        data.pop(key)
    data.update(id="vn/test-code/1", aliases=["vn-test-1"])
    data["title"]["en"] = HOSTILE
    (folder / "1.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    return penalties.Catalog([folder], use_env=False)


# --- an assessment ----------------------------------------------------------------------------


def test_an_assessment_is_an_html_table_with_the_tier_the_fines_and_the_rate() -> None:
    result = penalties.assess("vn-225", ENTITY, to="USD")
    html = result._repr_html_()
    parsed = checked(html)
    shown = "".join(parsed.text)
    assert {"table", "thead", "tbody", "th", "td", "p"} <= parsed.tags
    assert "Tier 225(4)(a) [C] because:" in shown
    assert "<th>principal penalty (one of)</th><th>from</th><th>to</th>" in html
    assert "<td>₫300,000,000 (≈ $13,355.30)</td><td>₫1,000,000,000 (≈ $44,517.65)</td>" in html
    assert "Converted at 22,463 VND per USD (VND→USD derived from IMF monthly" in shown
    assert "Source: International Monetary Fund" in shown


def test_the_html_follows_the_environments_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PENALTIES_LOCALE", "vi_VN")
    html = penalties.assess("vn-225", ENTITY, to="USD")._repr_html_()
    assert "300.000.000\xa0₫ (≈ 13.355,30\xa0US$)" in html


@pytest.mark.parametrize("columns", [40, 80])
def test_rich_prints_what_penalties_assess_prints(columns: int) -> None:
    result = penalties.assess("vn-225", ENTITY, to="USD")
    # The margins `assess` adds are penalties.margins()' answer, not the assessment's.
    expected = [line for line in cli(*ASSESS, columns=columns)
                if not line.startswith("Margin: ")]
    assert lines(rich_text(result, columns, soft_wrap=True)) == expected
    # On a console that wraps, rich wraps the long lines; the tables are the same.
    wrapped = rich_text(result, columns)
    assert words(wrapped) == words("\n".join(expected))
    assert {line for line in expected if line[:1] and line[0] in "┏┃│└"} <= set(lines(wrapped))


def test_hostile_statute_text_is_escaped_and_never_markup(tmp_path: Path) -> None:
    catalog = hostile_catalog(tmp_path)
    result = penalties.assess("vn-test-1", ENTITY, catalog=catalog, to="USD")
    html = result._repr_html_()
    parsed = checked(html)
    assert "<script" not in html
    assert "<img" not in html
    assert f"vn/test-code/1: {HOSTILE}" in "".join(parsed.text)
    printed = rich_text(result, 200, soft_wrap=True)
    assert f"vn/test-code/1: {HOSTILE}" in printed
    expected = [line for line in cli(*ASSESS[:1], "vn-test-1", *ASSESS[2:], "--statutes",
                                     str(tmp_path), columns=200)
                if not line.startswith("Margin: ")]
    assert lines(printed) == expected


def test_every_string_of_a_table_is_escaped() -> None:
    from penalties._html import html
    from penalties._text import Table

    parsed = checked(html([HOSTILE, Table((HOSTILE, "b"), ((HOSTILE, "x\ny"),), HOSTILE,
                                          no_wrap=("b",))]))
    assert parsed.text == [HOSTILE, HOSTILE, HOSTILE, "b", HOSTILE, "x\ny"]


# --- a tier map -------------------------------------------------------------------------------


def test_a_tier_map_is_an_html_table_and_rich_prints_what_penalties_map_prints() -> None:
    found = penalties.tier_map("vn-225", {"offender": "entity", "offence_date": "2018-03-19"},
                               "profit", to="USD")
    html = found._repr_html_()
    parsed = checked(html)
    assert "<th>illicit_profit</th><th>tier</th><th>principal penalties</th>" in html
    assert ("<td>from ₫200,000,000 (≈ $8,903.53) to under ₫300,000,000 (≈ $13,355.30)</td>"
            "<td>225(4)(a)</td>") in html
    assert "Converted at 22,463 VND per USD" in "".join(parsed.text)
    for columns in (40, 80):
        assert lines(rich_text(found, columns, soft_wrap=True)) == cli(*MAP, columns=columns)


def test_a_tier_maps_rate_attribution_is_escaped() -> None:
    found = penalties.tier_map("vn-225", {"offender": "entity", "offence_date": "2018-03-19"},
                               "profit", to="USD")
    assert found.rate is not None
    hostile = dataclasses.replace(found, rate=dataclasses.replace(found.rate,
                                                                  attribution=HOSTILE))
    html = hostile._repr_html_()
    assert "<script" not in html
    assert HOSTILE in "".join(checked(html).text)
    assert HOSTILE in rich_text(hostile, 400, soft_wrap=True)


# --- a conversion -----------------------------------------------------------------------------


def test_a_conversion_is_an_html_table_of_its_own_words() -> None:
    result = rates.convert("1000000000 VND", "USD", on="2018-03-19")
    html = result._repr_html_()
    parsed = checked(html)
    assert parsed.tags == {"table", "caption", "tbody", "tr", "th", "td"}
    for name, value in (("amount", "1000000000 VND"), ("converted", "44517.65 USD"),
                        ("rate", "22463 VND per USD"), ("rate is", result.rate.describe()),
                        ("rounding", "once, to the minor unit of USD (ROUND_HALF_UP)"),
                        ("attribution", result.rate.legs[0].attribution)):
        assert f'<th scope="row">{name}</th><td>{value}</td>' in html
    # The figures are those of `penalties convert --json`.
    document = json.loads(runner.invoke(app, ["convert", "1000000000 VND", "--to", "USD",
                                              "--on", "2018-03-19", "--json"]).stdout)
    assert f"<td>{document['converted']['amount']} USD</td>" in html
    assert f"<td>{document['unrounded']} (first 50 significant digits)</td>" in html


def test_rich_prints_the_same_rows_as_the_html() -> None:
    from rates._html import rows

    result = rates.convert("1000000000 VND", "USD", on="2018-03-19")
    printed = lines(rich_text(result, 80))
    assert printed[0] == "Conversion"
    cells = [line.split("│")[1:3] for line in printed if line.startswith("│")]
    names = [name.strip() for name, _ in cells if name.strip()]
    assert names == [name for name, _ in rows(result)]
    assert words("".join(value for _, value in cells)) == words(
        "".join(value for _, value in rows(result)))


def test_hostile_rate_text_is_escaped_and_never_markup() -> None:
    from rates.model import Fallback

    result = rates.convert("1000000000 VND", "USD", on="2018-03-19")
    rate = dataclasses.replace(result.rate, attribution=HOSTILE,
                               fallbacks=(Fallback("ecb", "RateNotFound", HOSTILE),))
    hostile = result._replace(rate=rate)
    html = hostile._repr_html_()
    parsed = checked(html)
    assert "<script" not in html
    assert parsed.text.count(HOSTILE) == 1
    assert f"ecb: RateNotFound: {HOSTILE}" in parsed.text
    assert HOSTILE in rich_text(hostile, 400)


# --- light imports ----------------------------------------------------------------------------


def test_import_loads_no_rich_and_html_needs_no_rich() -> None:
    code = ("import sys, penalties, rates\n"
            "watched = ('rich', 'html', 'penalties._html', 'rates._html', 'penalties._console')\n"
            "before = [m for m in watched if m in sys.modules]\n"
            "penalties.assess('vn-225', {'offender': 'entity', 'illicit_profit': 250000000,\n"
            "                 'offence_date': '2018-03-19'}, to='USD')._repr_html_()\n"
            "rates.convert('1 EUR', 'USD', on='2018-03-19')._repr_html_()\n"
            "print(before, 'rich' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PENALTIES_LOCALE": "en_US", "PATH": ""},
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "[] False"
