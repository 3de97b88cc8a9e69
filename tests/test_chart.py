"""The chart of a tier map (issue 15 item 2): a step chart of the fine and prison ranges
against the varied fact, thresholds labelled with their clauses, the axis in the chosen
currency, SVG (the same bytes every run) and PNG, and a clear message without matplotlib.

The expected labels come from the statutory text (Penal Code 2015 Art. 225(1): "from VND
50,000,000 to under VND 300,000,000"; 225(2)(c): "VND 300,000,000 or more"; Criminal Law
Art. 217: a fine with no stated maximum), not from the program's output.
"""

from __future__ import annotations

import struct
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from penalties import FileUnavailable, InvalidInput, PenaltyError, tier_map
from penalties._chart import INSTALL, PlottingUnavailable, _pieces, chart, chart_svg
from penalties.assessment._map import TierMap

PERSON_2018 = {"offender": "person", "offence_date": date(2018, 3, 19)}
#: A PNG of the default size (8 inches at 100 dpi) stays well under this.
MAX_PNG_BYTES = 400_000


@pytest.fixture(scope="module")
def vn_usd() -> TierMap:
    return tier_map("vn-225", PERSON_2018, "illicit_profit", to="USD")


@pytest.fixture(scope="module")
def plotting() -> None:
    pytest.importorskip("matplotlib")


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.usefixtures("plotting")
def test_the_225_chart_labels_the_clauses_and_the_axis_currency(vn_usd: TierMap) -> None:
    svg = chart(vn_usd, "svg").decode("utf-8")
    assert svg.startswith("<?xml")
    assert "<svg" in svg
    for text in ("225(1)", "225(2)", "225(2)(c)", "no tier", "illicit profit (USD)",
                 "fine (USD)", "months", "community sentence", "imprisonment",
                 "open-ended", "22,463 VND per USD"):
        assert text in svg, text
    # the boundaries on the axis: converted, rounded once, with the law's own amounts
    for text in ("2,225.88", "(VND 50,000,000)", "13,355.30", "(VND 300,000,000)"):
        assert text in svg, text


@pytest.mark.usefixtures("plotting")
def test_two_runs_give_the_same_svg(vn_usd: TierMap) -> None:
    assert chart(vn_usd, "svg") == chart(vn_usd, "svg")


@pytest.mark.usefixtures("plotting")
def test_a_png_is_valid_and_of_bounded_size(vn_usd: TierMap, tmp_path: Path) -> None:
    target = tmp_path / "chart.PNG"
    data = chart(vn_usd, target)
    assert target.read_bytes() == data
    assert _png_size(data) == (900, 700)  # 9 x (2.4 + 2 panels x 2.3) inches at 100 dpi
    assert len(data) < MAX_PNG_BYTES
    assert _png_size(chart(vn_usd, "png", width=4, height=3, dpi=50)) == (200, 150)


@pytest.mark.usefixtures("plotting")
def test_an_svg_file_and_the_svg_for_a_page(vn_usd: TierMap, tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    data = chart(vn_usd, str(target))
    assert target.read_bytes() == data
    element = chart_svg(vn_usd)
    assert element.startswith("<svg")
    assert element.rstrip().endswith("</svg>")
    assert element in data.decode("utf-8")


@pytest.mark.usefixtures("plotting")
def test_no_maximum_is_an_annotation_not_a_number() -> None:
    found = tier_map("cn/criminal-law/217", {"offender": "person",
                                            "offence_date": date(2021, 6, 1)}, "illicit_profit")
    assert any(p.is_money and p.high is None for s in found.segments
               for p in s.result.principal)
    svg = chart(found, "svg").decode("utf-8")
    assert svg.count("no maximum") == 2  # one arrow per tier with a fine
    assert "fine (CNY)" in svg
    assert "217(first range" in svg
    assert "217(second range" in svg


@pytest.mark.usefixtures("plotting")
def test_ranges_that_read_the_fact_are_marked() -> None:
    found = tier_map("eu/gdpr/83", {"offender": "entity", "offence_date": date(2021, 6, 1),
                                    "act": "83-5-a"}, "turnover", to="USD")
    assert found.segments[-1].ranges_vary
    svg = chart(found, "svg").decode("utf-8")
    assert "shown at" in svg
    assert "turnover (USD)" in svg
    assert "83(5)" in svg


@pytest.mark.usefixtures("plotting")
def test_a_count_map_draws_with_whole_ends() -> None:
    found = tier_map("vn-225", {"offender": "person", "commercial_scale": True,
                                "offence_date": date(2019, 1, 1)}, "times")
    svg = chart(found, "svg").decode("utf-8")
    assert "times (a count)" in svg
    assert _pieces(found, None)[-1].end == 3  # 1.5 x the boundary of 2, a whole count


def test_the_ends_stay_exact_until_drawn(vn_usd: TierMap) -> None:
    pieces = _pieces(vn_usd, None)
    assert [p.start for p in pieces] == [0, Fraction(50_000_000, 22463),
                                         Fraction(300_000_000, 22463)]
    assert pieces[-1].open_ended
    assert pieces[-1].end == Fraction(450_000_000, 22463)
    assert [p.clause for p in pieces[1:]] == ["225(1)", "225(2)(c)"]
    assert [(p.start_in, p.end_in) for p in pieces[:2]] == [(True, False), (True, False)]
    assert pieces[1].money[0].low == Fraction(50_000_000, 22463)
    assert (pieces[2].time[0].kind, pieces[2].time[0].low, pieces[2].time[0].high) == (
        "imprisonment", 6, 36)
    assert _pieces(vn_usd, 600_000_000)[-1].end == Fraction(600_000_000, 22463)


def test_without_matplotlib_the_error_says_how_to_install_it(
        vn_usd: TierMap, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    with pytest.raises(PlottingUnavailable) as caught:
        chart(vn_usd, "svg")
    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, PenaltyError)
    assert INSTALL == "pip install 'penalties[plot]'"
    assert INSTALL in str(caught.value)


@pytest.mark.parametrize(("target", "options", "field"), [
    ("chart.pdf", {}, "output"),
    ("jpeg", {}, "output"),
    ("svg", {"width": 1000}, "width"),
    ("svg", {"dpi": 5000}, "dpi"),
    ("svg", {"right": 300_000_000}, "right"),
])
def test_bad_options_name_the_field(vn_usd: TierMap, target: str, options: dict[str, int],
                                    field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        chart(vn_usd, target, **options)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert caught.value.allowed


@pytest.mark.usefixtures("plotting")
def test_a_file_that_cannot_be_written_is_unavailable(vn_usd: TierMap, tmp_path: Path) -> None:
    with pytest.raises(FileUnavailable, match="cannot write"):
        chart(vn_usd, tmp_path / "missing" / "chart.svg")


@pytest.mark.usefixtures("plotting")
def test_the_chart_leaves_matplotlib_settings_as_they_were(vn_usd: TierMap) -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    chart(vn_usd, "png", width=3, height=3, dpi=50)
    assert dict(matplotlib.rcParams) == before
