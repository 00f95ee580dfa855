"""Charts as inline SVG (matplotlib, imported lazily, Agg-free SVG canvas).

Output is deterministic: a fixed ``svg.hashsalt``, no date or creator in the
metadata, text kept as text (``svg.fonttype: none``) so it stays readable,
searchable and small. Every SVG gets ``role="img"``, a ``<title>`` and a
``<desc>`` and ids prefixed per chart so several charts share one page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

# Every colour of a bar or line has at least 3:1 contrast against the white
# page (WCAG 2.1, 1.4.11 non-text contrast); bars that touch are parted by a
# white edge (EDGE), so each is seen against white. tests/test_report.py checks
# every colour in the charts.
PRIMARY = "#1f4e79"  # 8.7:1
SECONDARY = "#5b8fc7"  # the previous period, 3.4:1
LINE = "#c55a11"  # the previous period as a line, 4.3:1
OUTCOME_COLOURS = {"taken_up": "#2e7d32", "not_taken_up": "#c62828", "pending": "#767676"}
EDGE = {"edgecolor": "#ffffff", "linewidth": 1.0}

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "mokoord",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "path.simplify": True,
}
_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}
_ID_RE = re.compile(r'\bid="([^"]+)"')


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasSVG(figure)
    return figure


def _finish(figure, chart_id: str, title: str, description: str) -> Markup:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    ids = set(_ID_RE.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{chart_id}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"#{old})", f"#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    svg = re.sub(r'^<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    head_end = svg.index(">") + 1
    root = svg[:head_end].replace(
        "<svg",
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' class="chart" focusable="false"',
        1,
    )
    extra = (
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return Markup(root + extra + svg[head_end:].rstrip() + "\n")


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    horizontal: bool = True,
    previous: Sequence[float] | None = None,
    legend: tuple[str, str] | None = None,
) -> Markup:
    """A bar chart; ``previous`` adds a second series (a line when vertical)."""
    import matplotlib

    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        if horizontal:
            figure = _figure(7.0, max(1.6, 0.38 * len(labels) + 0.9))
            axes = figure.add_subplot()
            positions = list(range(len(labels)))[::-1]
            if previous is not None:
                height = 0.4
                now_bars = axes.barh(
                    [p + height / 2 for p in positions],
                    values,
                    height,
                    color=PRIMARY,
                    label=legend[0] if legend else None,
                    **EDGE,
                )
                before_bars = axes.barh(
                    [p - height / 2 for p in positions],
                    previous,
                    height,
                    color=SECONDARY,
                    label=legend[1] if legend else None,
                    **EDGE,
                )
                for bars in (now_bars, before_bars):
                    axes.bar_label(bars, padding=3, fmt="%g", fontsize=8)
                figure.legend(loc="outside lower center", frameon=False, ncols=2)
            else:
                bars = axes.barh(positions, values, 0.6, color=PRIMARY)
                axes.bar_label(bars, padding=3, fmt="%g")
            axes.set_yticks(positions, list(labels))
            axes.xaxis.get_major_locator().set_params(integer=True)
        else:
            figure = _figure(7.0, 3.0)
            axes = figure.add_subplot()
            positions = list(range(len(labels)))
            axes.bar(positions, values, 0.65, color=PRIMARY, label=legend[0] if legend else None)
            if previous is not None:
                axes.plot(
                    positions,
                    previous,
                    color=LINE,
                    marker="o",
                    linewidth=1.5,
                    label=legend[1] if legend else None,
                )
                figure.legend(loc="outside lower center", frameon=False, ncols=2)
            axes.set_xticks(positions, list(labels))
            axes.yaxis.get_major_locator().set_params(integer=True)
        figure.suptitle(title, x=0.01, ha="left", fontweight="bold")
        return _finish(figure, chart_id, title, description)


def stacked_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
) -> Markup:
    """Horizontal stacked bars: ``series`` is (legend label, colour, values) each."""
    import matplotlib

    with matplotlib.rc_context(_RC):  # type: ignore[arg-type]
        figure = _figure(7.0, max(1.8, 0.42 * len(labels) + 1.2))
        axes = figure.add_subplot()
        positions = list(range(len(labels)))[::-1]
        left = [0.0] * len(labels)
        for name, colour, values in series:
            axes.barh(positions, values, 0.6, left=left, color=colour, label=name, **EDGE)
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_yticks(positions, list(labels))
        axes.xaxis.get_major_locator().set_params(integer=True)
        figure.legend(loc="outside lower center", frameon=False, ncols=len(series))
        figure.suptitle(title, x=0.01, ha="left", fontweight="bold")
        return _finish(figure, chart_id, title, description)
