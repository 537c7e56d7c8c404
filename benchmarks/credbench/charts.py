"""Horizontal bar charts of the results, one per corpus (like the chart in ruff's
README): each tool's median wall time of the cold full scan, fastest on top,
credlint highlighted, the value written at the end of each bar. Plain SVG written
by hand (standard library only); the same results give the same bytes.

A scenario that has a chart returns it from its `charts(results)` (bench.Scenario);
cli.py writes them all to <the report's directory>/charts/<name>.svg whenever it
writes the report (so benchmarks/charts/ for a full run), and the scenario's section
of the report links it."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple
from xml.sax.saxutils import escape, quoteattr

from .stats import fmt_seconds

HIGHLIGHT = "credlint"

# Layout, in SVG user units (pixels)
WIDTH = 760
LABEL_WIDTH = 170  # the tools' names, right-aligned left of the bars
BAR_AREA = 470  # the longest bar
ROW = 30
BAR = 20
TOP = 72  # title and subtitle above the first bar
FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif"
COLOR = "#adb5bd"
COLOR_HIGHLIGHT = "#e8590c"
TEXT = "#212529"
MUTED = "#6c757d"


FOOTER = "median wall-clock time of a cold full scan; lower is better"


class Chart(NamedTuple):
    name: str  # the file: charts/<name>.svg
    title: str
    subtitle: str
    bars: Tuple[Tuple[str, float], ...]  # (tool, median seconds), in any order
    footer: str = FOOTER  # what the bars measure, under the axis


def sorted_bars(bars: Iterable[Tuple[str, Optional[float]]]) -> List[Tuple[str, float]]:
    """The bars that have a value, fastest first (ties by name)."""
    return sorted(((label, float(value)) for label, value in bars if value is not None),
                  key=lambda bar: (bar[1], bar[0]))


def nice_step(largest: float, most: int = 6) -> float:
    """A round grid step (1, 2 or 5 times a power of ten) giving at most `most` steps up to `largest`."""
    if largest <= 0:
        return 1.0
    raw = largest / most
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def _number(value: float) -> str:
    """A coordinate, short and always written the same way."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _tick_label(value: float, step: float) -> str:
    if step >= 1:
        return f"{value:.0f} s"
    decimals = max(0, -math.floor(math.log10(step)))
    return f"{value:.{decimals}f} s"


def bar_chart_svg(title: str, bars: Sequence[Tuple[str, Optional[float]]], subtitle: str = "",
                  highlight: str = HIGHLIGHT, footer: str = FOOTER) -> str:
    """A horizontal bar chart: one bar per (label, seconds) with a value, sorted
    fastest first; the bar labelled `highlight` in colour and its label bold."""
    rows = sorted_bars(bars)
    largest = max((value for _, value in rows), default=0.0)
    step = nice_step(largest)
    top_tick = step * math.ceil(largest / step) if largest > 0 else step
    scale = BAR_AREA / top_tick
    height = TOP + ROW * len(rows) + 46
    out: List[str] = []
    w = out.append
    w(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
      f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(title)} font-family={quoteattr(FONT)}>')
    w(f"<title>{escape(title)}</title>")
    w(f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>')
    w(f'<text x="16" y="28" font-size="17" font-weight="600" fill="{TEXT}">{escape(title)}</text>')
    if subtitle:
        w(f'<text x="16" y="50" font-size="12" fill="{MUTED}">{escape(subtitle)}</text>')
    bottom = TOP + ROW * len(rows) - (ROW - BAR) / 2
    ticks = int(round(top_tick / step))
    for i in range(ticks + 1):
        x = LABEL_WIDTH + i * step * scale
        w(f'<line class="grid" x1="{_number(x)}" y1="{TOP - 6}" x2="{_number(x)}" y2="{_number(bottom)}" '
          f'stroke="#e9ecef" stroke-width="1"/>')
        w(f'<text x="{_number(x)}" y="{_number(bottom + 16)}" font-size="11" fill="{MUTED}" '
          f'text-anchor="middle">{escape(_tick_label(i * step, step))}</text>')
    for index, (label, value) in enumerate(rows):
        y = TOP + index * ROW
        mine = label == highlight
        width = max(value * scale, 1.5)  # a bar too short to see still shows
        fill = COLOR_HIGHLIGHT if mine else COLOR
        cls = "bar highlight" if mine else "bar"
        weight = ' font-weight="700"' if mine else ""
        w(f'<text x="{LABEL_WIDTH - 10}" y="{_number(y + BAR / 2 + 4)}" font-size="13" fill="{TEXT}" '
          f'text-anchor="end"{weight}>{escape(label)}</text>')
        w(f'<rect class="{cls}" data-tool={quoteattr(label)} data-seconds="{value:.6g}" x="{LABEL_WIDTH}" '
          f'y="{_number(y)}" width="{_number(width)}" height="{BAR}" rx="2" fill="{fill}"/>')
        w(f'<text x="{_number(LABEL_WIDTH + width + 6)}" y="{_number(y + BAR / 2 + 4)}" font-size="12" '
          f'fill="{TEXT}"{weight}>{escape(fmt_seconds(value))}</text>')
    w(f'<text x="{LABEL_WIDTH}" y="{height - 8}" font-size="11" fill="{MUTED}">{escape(footer)}</text>')
    w("</svg>")
    return "\n".join(out) + "\n"


def bars_of(stats: Dict[str, Any], tools: Sequence[Tuple[str, str]]) -> Tuple[Tuple[str, float], ...]:
    """(name in the chart, median wall) of the commands `tools` names ((chart
    name, label in `stats`)) that ran, from a scenario's stats (stats.stats_of)."""
    out = []
    for name, label in tools:
        entry = stats.get(label)
        median = entry["wall"]["median"] if entry else None
        if median is not None:
            out.append((name, median))
    return tuple(out)


def write_charts(charts: Iterable[Chart], directory: Path) -> List[Path]:
    """Write each chart to <directory>/<name>.svg; returns the files written."""
    written = []
    for chart in charts:
        if not chart.bars:
            continue
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{chart.name}.svg"
        path.write_text(bar_chart_svg(chart.title, chart.bars, chart.subtitle, footer=chart.footer), encoding="utf-8")
        written.append(path)
    return written


def chart_link(chart_name: str, title: str) -> str:
    """The Markdown line that shows a chart in the report (a path relative to it)."""
    return f"![{title}](charts/{chart_name}.svg)"
