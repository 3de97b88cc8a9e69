"""The tier map of a fact as a step chart (``penalties chart``; the ``plot`` extra: matplotlib).

A panel for money (each kind's minimum and maximum as steps, shaded between) and one for
time (months), against the varied fact in the map's currency (the converted figures when the
map was converted, the rate in a footnote; else the statute's). A dotted line at each boundary
is labelled with the clause that begins there (the reason on the varied fact, else the tier);
a filled dot is an end an interval includes, an open dot one it excludes. The unbounded last
interval is drawn to :data:`OPEN_END` times the last boundary and marked open-ended; no
maximum is an arrow to the top of the panel, never a number. Amounts stay exact until drawn
(``float`` only as coordinates handed to matplotlib; each number written is worded from the
exact figure, rounded once by :mod:`penalties._words`). matplotlib is imported on first use
and draws on its Agg canvas under one lock (its settings are global); an SVG keeps its text
as text and is the same bytes on every run (a fixed ``svg.hashsalt``, no date).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from decimal import Decimal
from io import BytesIO
from math import ceil
from os import PathLike
from pathlib import Path
from textwrap import fill
from typing import TYPE_CHECKING, Any

from penalties import _words as words
from penalties._errors import FileUnavailable, InvalidInput, PenaltyError
from penalties._text_map import unanswered
from penalties.statutes._triggers import clause_of
from rates.exact import Exact, as_fraction, product, total

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as Drawing

    from penalties.assessment._figures import Figure, PenaltyRange
    from penalties.assessment._map import TierMap

__all__ = ["FORMATS", "INSTALL", "OPEN_END", "PlottingUnavailable", "chart", "chart_svg"]

#: The output formats, by name or file suffix.
FORMATS = ("png", "svg")
#: How far the last, unbounded interval is drawn: this times the last boundary.
OPEN_END = Decimal("1.5")
#: What installs matplotlib.
INSTALL = "pip install 'penalties[plot]'"
#: Limits of the size (inches) and dots per inch of a chart: its work is bounded.
SIZES, DPIS = (2.0, 30.0), (50, 400)
#: Colours of the kinds, in the order their bands are listed; other kinds take ``OTHERS``.
COLOURS = {"fine": "#1f5fa8", "statutory_damages": "#6a3d9a", "imprisonment": "#c0392b",
           "community_sentence": "#2e8b57", "suspension": "#d35400"}
OTHERS = ("#7f6000", "#008b8b", "#8b008b", "#556b2f")
_LOCK = threading.Lock()


class PlottingUnavailable(PenaltyError, ImportError):
    """matplotlib, the plotting library of the optional ``plot`` extra, is not installed."""


@dataclass(frozen=True, slots=True)
class _Band:
    """One kind's range on one interval, exact; ``high`` ``None``: no maximum."""

    kind: str
    low: Exact | int
    high: Exact | int | None


@dataclass(frozen=True, slots=True)
class _Piece:
    """A segment as drawn: x ends (an ``open_ended`` one's drawn end), words, bands."""

    start: Exact
    end: Exact
    start_in: bool
    end_in: bool
    open_ended: bool
    label: str
    clause: str
    tick: str
    varies: bool
    money: tuple[_Band, ...]
    time: tuple[_Band, ...]


def chart(found: TierMap, target: str | PathLike[str], *, title: str | None = None,
          right: Decimal | int | None = None, width: float = 9.0,
          height: float | None = None, dpi: int = 100) -> bytes:
    """Draw ``found`` as a step chart and return its bytes; ``target`` is a format (``svg``,
    ``png``) or a file ending in ``.svg`` or ``.png``, then also written. ``right``: where the
    unbounded last interval stops being drawn, in the map's units (the statute's currency or
    a count; default :data:`OPEN_END` times the last boundary); ``width``, ``height`` in
    inches. :class:`PlottingUnavailable` without matplotlib; :class:`~penalties.InvalidInput`
    for a target, size or ``right`` that cannot be used; ``FileUnavailable``: not written."""
    fmt, path = _target(target)
    for name, value, (least, most) in (("width", width, SIZES), ("height", height, SIZES),
                                       ("dpi", dpi, DPIS)):
        if value is not None and not least <= value <= most:
            raise InvalidInput(name, f"{value!r} is out of range", f"{least} to {most}")
    data = _draw(found, _pieces(found, right), fmt, title, width, height, dpi)
    if path is not None:
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise FileUnavailable(f"output: cannot write {path}: {exc.strerror}") from exc
    return data


def chart_svg(found: TierMap, **options: Any) -> str:  # noqa: ANN401 - chart's keywords
    """The chart as an ``<svg>`` element for an HTML page; ``options``: :func:`chart`'s."""
    text = chart(found, "svg", **options).decode("utf-8")
    return text[text.index("<svg"):]


def _target(target: str | PathLike[str]) -> tuple[str, Path | None]:
    if isinstance(target, str) and target.lower() in FORMATS:
        return target.lower(), None
    path = Path(target)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInput("output", f"{str(path)!r} is neither a chart format nor a file "
                           "named for one", "svg, png, or a file ending in .svg or .png")
    return fmt, path


def _x(found: TierMap, value: Exact, twin: Figure | None) -> Exact:
    return twin.exact if found.rate is not None and twin is not None else value


def _pieces(found: TierMap, right: Decimal | int | None) -> list[_Piece]:
    """The segments in exact figures of the chart's currency, with their words."""
    segments, last = found.segments, found.segments[-1]
    start = _x(found, segments[0].low, segments[0].low_converted)
    end: Exact | None = None
    if last.high is None:
        if right is not None and Decimal(right) <= last.low:
            raise InvalidInput("right", f"{right} is not above the last boundary",
                               f"more than {words.number(last.low)}")
        end = (Decimal(right) if right is not None else Decimal(ceil(product(
            last.low, OPEN_END))) if last.low > segments[0].low else None)  # a whole one
        if end is not None and found.rate is not None:
            end = product(end, found.rate.exact)
    out: list[_Piece] = []
    for i, s in enumerate(segments):
        result = s.result
        label = s.tier or ("no tier" if result.liable else "not liable")
        if result.tier and any(t.tier == s.tier and t.result.tier
                               and t.result.tier.id != result.tier.id for t in segments):
            label = f"{s.tier} (tier {result.tier.id})"  # one clause, two tiers
        clause = next((clause_of(r.ref) for r in (result.tier.reasons if result.tier else ())
                       if r.fact == found.fact), label)
        tick = (words.number(s.low_converted.amount) + f"\n({words.amount(s.low, found.currency)})"
                if found.rate is not None and s.low_converted and found.currency
                else words.number(s.low))
        low = start if i == 0 else _x(found, s.low, s.low_converted)
        high = _x(found, s.high, s.high_converted) if s.high is not None else end
        out.append(_Piece(low, low if high is None else high, s.low_included, s.high_included,
                          s.high is None, label, label if clause == s.tier else clause, tick,
                          s.ranges_vary, *_bands(found, result.principal)))
    if end is None:  # one unbounded segment: as far as its largest fine, or 10 counts on
        tops = [b.high for p in out for b in p.money if b.high is not None and b.high > 0]
        out[-1] = replace(out[-1], end=product(max(tops, key=as_fraction), OPEN_END)
                          if tops and found.currency else total(start, 10))
    return out


def _bands(found: TierMap, ranges: tuple[PenaltyRange, ...]
           ) -> tuple[tuple[_Band, ...], tuple[_Band, ...]]:
    """Each kind's range, exact (the widest when a kind comes twice, as alternatives); no
    minimum is drawn from 0."""
    money, time = dict[str, _Band](), dict[str, _Band]()
    for p in ranges:
        ends: tuple[Exact | int | None, ...] = (p.min_months, p.max_months)
        if p.is_money:
            ends = tuple(f and _x(found, f.exact, f.converted) for f in (p.low, p.high))
        elif ends == (None, None):
            continue
        into, (low, high) = money if p.is_money else time, ends
        band = _Band(p.kind, low if low is not None else Decimal(0), high)
        if (was := into.get(p.kind)) is not None:
            band = _Band(p.kind, min(was.low, band.low, key=as_fraction),
                         None if was.high is None or band.high is None
                         else max(was.high, band.high, key=as_fraction))
        into[p.kind] = band
    return tuple(money.values()), tuple(time.values())


def _draw(found: TierMap, pieces: list[_Piece], fmt: str, title: str | None, width: float,
          height: float | None, dpi: int) -> bytes:
    try:
        import matplotlib
    except ImportError as exc:
        raise PlottingUnavailable("charts need matplotlib, which is not installed "
                                  f"(allowed: {INSTALL})") from exc
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as Drawing

    panels = [name for name in ("money", "time") if any(getattr(p, name) for p in pieces)]
    with _LOCK, matplotlib.rc_context({  # text as text; ids from a fixed salt: same bytes
            "svg.hashsalt": "penalties", "svg.fonttype": "none", "font.family": "DejaVu Sans",
            "font.size": 9.0, "axes.spines.top": False, "axes.spines.right": False}):
        drawing = Drawing(figsize=(width, height or 2.4 + 2.3 * max(1, len(panels))),
                          dpi=dpi, layout="constrained")
        FigureCanvasAgg(drawing)
        axes = list(drawing.subplots(max(1, len(panels)), 1, sharex=True, squeeze=False)[:, 0])
        money = found.rate.quote if found.rate else found.segments[0].result.provision.currency
        for ax, panel in zip(axes, panels or ["money"], strict=True):
            _panel(ax, pieces, panel, money)
        _frame(drawing, axes, found, pieces, title)
        out = BytesIO()
        drawing.savefig(out, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()


def _panel(ax: Axes, pieces: list[_Piece], panel: str, currency: str) -> None:
    """The steps of one panel: each kind's minimum and maximum, shaded between."""
    bands = [(p, b) for p in pieces for b in getattr(p, panel)]
    kinds = sorted({b.kind for _, b in bands}, key=lambda k: (
        list(COLOURS).index(k) if k in COLOURS else len(COLOURS), k))
    ax.set_ylabel("months" if panel == "time" else
                  f"{' / '.join(map(words.kind, kinds or ['fine']))} ({currency})")
    finite = [float(v) for _, b in bands for v in (b.low, b.high) if v is not None]
    top = max(finite) * 1.25 if finite and max(finite) > 0 else 1.0
    labelled: set[str] = set()
    for piece, band in bands:
        colour = COLOURS.get(band.kind) or OTHERS[kinds.index(band.kind) % len(OTHERS)]
        x0, x1, low = float(piece.start), float(piece.end), float(band.low)
        high = None if band.high is None else float(band.high)
        ax.fill_between([x0, x1], low, top if high is None else high, color=colour,
                        linewidth=0, alpha=0.12 if high is None else 0.28,
                        hatch="//" if piece.varies else None,
                        label=None if band.kind in labelled else words.kind(band.kind))
        labelled.add(band.kind)
        for y in (v for v in (low, high) if v is not None):
            ax.plot([x0, x1], [y, y], color=colour, linewidth=1.8, solid_capstyle="butt")
            for x, filled in ((x0, piece.start_in), (x1, piece.end_in))[:2 - piece.open_ended]:
                ax.plot([x], [y], "o", color=colour, markersize=4.5, clip_on=False,
                        markerfacecolor=colour if filled else "white")
        if high is None:
            ax.annotate("no maximum", xy=((x0 + x1) / 2, top), xytext=((x0 + x1) / 2,
                        (low + top) / 2), ha="center", va="center", fontsize=8,
                        color=colour, arrowprops={"arrowstyle": "->", "color": colour})
    ax.set_ylim(0, top)
    if finite and max(finite) > 0:
        ax.yaxis.set_major_formatter(lambda v, _: _compact(v))
    else:  # no figure but zero: no scale to show
        ax.set_yticks([0.0], ["0"])
    if bands:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    else:
        ax.text(0.5, 0.5, "no fine or prison on this map", transform=ax.transAxes,
                ha="center", va="center", color="grey")


def _frame(drawing: Drawing, axes: list[Axes], found: TierMap, pieces: list[_Piece],
           title: str | None) -> None:
    """The boundaries with their clauses, the x axis and its words, the open end."""
    from penalties.assessment._figures import Figure

    first, last, bottom = axes[0], pieces[-1], axes[-1]
    currency = found.rate.quote if found.rate is not None else found.currency
    span = float(last.end) - float(pieces[0].start) or 1.0
    crowded = len(pieces) > 6
    ticks: dict[float, str] = {}
    for piece in pieces:
        x0, x1 = float(piece.start), float(piece.end)
        if ticks and x0 not in ticks:  # a boundary (once, when an exact point sits on it)
            for ax in axes:
                ax.axvline(x0, color="#555555", linestyle=":", linewidth=0.9)
            first.annotate(piece.clause, xy=(x0, 1.0), xycoords=("data", "axes fraction"),
                           xytext=(-3, -3), textcoords="offset points", rotation=90,
                           ha="right", va="top", fontsize=8, color="#333333")
        ticks.setdefault(x0, piece.tick)
        middle = (x0 + x1) / 2
        if (x1 - x0) / span >= 0.08 and not crowded:
            first.text(middle, 1.02, piece.label + (" →" if piece.open_ended else ""),
                       transform=first.get_xaxis_transform(), ha="center", va="bottom",
                       fontsize=9, fontweight="bold", color="#333333")
        if piece.varies:
            first.text(middle, 0.06, f"the ranges read {words.kind(found.fact)}:\nshown at "
                       "one value (hatched)", transform=first.get_xaxis_transform(),
                       ha="center", va="bottom", fontsize=7, color="#333333")
    if last.open_ended:  # where the drawing stops, not a boundary of the law
        ticks[float(last.end)] = words.number(Figure(last.end, found.rate.quote).amount
                                              if found.rate else last.end) + " …"
        bottom.plot([1.0], [0.0], ">", color="black", transform=bottom.transAxes,
                    clip_on=False, markersize=5)
        bottom.text(0.995, 0.03, "open-ended: no upper end →", transform=bottom.transAxes,
                    ha="right", va="bottom", fontsize=7, style="italic", color="#333333")
    bottom.set_xlim(float(pieces[0].start), float(last.end))
    texts: list[str] = []  # a tick too close to the one before it goes two lines lower
    points, before, room = (drawing.get_figwidth() - 2.2) * 72 / span, 0.0, 0.0
    for x, text in ticks.items():
        wide = max(map(len, text.split("\n"))) * 4.3  # points, about, in 7-point type
        texts.append("\n\n" + text if texts and not crowded and texts[-1][0] != "\n" and (
            x - before) * points < (wide + room) / 2 + 6 else text)
        before, room = x, wide
    bottom.set_xticks(list(ticks), texts, fontsize=7, rotation=60 if crowded else 0,
                      ha="right" if crowded else "center", rotation_mode="anchor")
    fact = words.kind(found.fact)
    bottom.set_xlabel(f"{fact} ({currency})" if currency else f"{fact} (a count)")
    drawing.suptitle(title or f"{found.provision}: principal penalties by {fact}\n"
                     f"{found.segments[0].result.offender.value}, law in force on "
                     f"{found.offence_date.isoformat()}, the other facts held", fontsize=10)
    note = (f"{said.rstrip('.')}. " if (said := unanswered(found)) else "") + (
        "● end included, ○ end excluded; alternatives drawn together; a shaded band runs "
        "from the minimum to the maximum.")
    if found.rate is not None:
        note += f" Converted at {words.rate(found.rate)}."
    drawing.supxlabel(fill(note, 150), fontsize=6.5, x=0.01, ha="left", color="#444444")


def _compact(value: float) -> str:
    """A tick of a y axis: ``300M``, ``1.5bn``, ``36``."""
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.4g}{suffix}"
    return f"{value:.4g}"
