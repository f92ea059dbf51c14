"""Chart specs drawn two ways from the same data: ECharts for the page, SVG for print."""

from __future__ import annotations

import io
import json
import math
import warnings
from dataclasses import dataclass, field
from html import escape
from typing import Any, Literal

from pyecharts import options as opts
from pyecharts.charts import Bar, Line

ChartKind = Literal["line", "bar", "hbar", "interval"]
# The page swaps this placeholder for a function writing 7亿 / 700M (JSON holds no functions).
SHORT_NUMBERS = "__short__"
PALETTE = ("#c23531", "#2f4554", "#61a0a8", "#d48265", "#91c7ae", "#749f83", "#ca8622")
# Fonts for print: CJK first so Chinese labels never fall back to boxes.
FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "DejaVu Sans"]


@dataclass(frozen=True)
class Series:
    """One named series of values, one per category."""

    name: str
    values: list[float | None]
    axis: int = 0  # 1 draws on a second y axis


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows, independent of how it is drawn; `data` names its CSV."""

    key: str
    title: str
    kind: ChartKind
    categories: list[str]
    series: list[Series]
    data: str
    y_label: str = ""
    y2_label: str = ""
    low: list[float | None] = field(default_factory=list)  # interval charts
    high: list[float | None] = field(default_factory=list)
    lang: str = "zh"  # how print axes write large numbers (万/亿 or K/M/B)


def _dump(chart: Any) -> dict[str, Any]:
    options: dict[str, Any] = json.loads(chart.dump_options())
    return options


def to_echarts(spec: ChartSpec) -> dict[str, Any]:
    """ECharts options for the interactive HTML report."""
    size = opts.InitOpts(width="100%", height="360px")
    tooltip = opts.TooltipOpts(trigger="axis")
    if spec.kind == "interval":
        return _interval_options(spec)
    if spec.kind == "line":
        chart: Any = Line(init_opts=size)
    else:
        chart = Bar(init_opts=size)
    chart.add_xaxis(spec.categories)
    short = opts.LabelOpts(formatter=SHORT_NUMBERS)
    if any(s.axis == 1 for s in spec.series):
        chart.extend_axis(
            yaxis=opts.AxisOpts(
                name=spec.y2_label,
                position="right",
                name_location="middle",
                name_gap=48,
                axislabel_opts=short,
            )
        )
    for series in spec.series:
        extra: dict[str, Any] = {"yaxis_index": series.axis}
        if spec.kind == "line":
            extra["is_symbol_show"] = False
        chart.add_yaxis(
            series.name, series.values, label_opts=opts.LabelOpts(is_show=False), **extra
        )
    if spec.kind == "hbar":
        chart.reversal_axis()
    rotate = 30 if len(spec.categories) > 8 else 0
    # Axis names sit along the axis, clear of the labels: at an axis end they are cut off.
    value_axis = opts.AxisOpts(
        name=spec.y_label, name_location="middle", name_gap=56, axislabel_opts=short
    )
    category_axis = opts.AxisOpts(axislabel_opts=opts.LabelOpts(rotate=rotate, interval=0))
    if spec.kind == "line":
        category_axis = opts.AxisOpts(axislabel_opts=opts.LabelOpts(rotate=rotate))
    if spec.kind == "hbar":
        value_axis = opts.AxisOpts(
            name=spec.y_label, name_location="middle", name_gap=28, axislabel_opts=short
        )
        # Largest first, at the top, as in the table beside it.
        category_axis = opts.AxisOpts(is_inverse=True, axislabel_opts=opts.LabelOpts(interval=0))
    chart.set_global_opts(
        tooltip_opts=tooltip,
        legend_opts=opts.LegendOpts(type_="scroll"),
        yaxis_opts=category_axis if spec.kind == "hbar" else value_axis,
        xaxis_opts=value_axis if spec.kind == "hbar" else category_axis,
    )
    options = _dump(chart)
    options["grid"] = {"left": 16, "right": 16, "top": 40, "bottom": 40, "containLabel": True}
    if any(s.axis == 1 for s in spec.series):
        options["grid"]["right"] = 40
    if spec.kind != "hbar":
        options["grid"]["left"] = 40
    return options


def _interval_options(spec: ChartSpec) -> dict[str, Any]:
    """Score dots with 90% interval bars, best at the top (ECharts has no error bar series)."""
    names = list(reversed(spec.categories))
    low = list(reversed(spec.low))
    high = list(reversed(spec.high))
    values = list(reversed(spec.series[0].values))
    known = [v for v in [*low, *high, *values] if v is not None]
    floor = float(math.floor(min(known) - 1.0)) if known else 0.0
    ceiling = float(math.ceil(max(known) + 0.5)) if known else 100.0
    span = [
        None if lo is None or hi is None else round(hi - lo, 3)
        for lo, hi in zip(low, high, strict=True)
    ]
    tips = [
        # Tooltips are HTML: titles come from imported files and are escaped.
        escape(f"{name}") + f"<br/>{escape(spec.series[0].name)} {_one(v)} "
        f"(90%: {_one(lo)}–{_one(hi)})"
        for name, v, lo, hi in zip(names, values, low, high, strict=True)
    ]
    return {
        "grid": {"left": 8, "right": 24, "top": 16, "bottom": 40, "containLabel": True},
        "tooltip": {"trigger": "item"},
        "legend": {"show": False},
        # The axis starts near the lowest interval (scores differ by tenths at the top).
        "xAxis": {
            "type": "value",
            "name": spec.y_label,
            "nameLocation": "middle",
            "nameGap": 26,
            "min": floor,
            "max": ceiling,
            "minInterval": 1,
            "axisLabel": {"showMinLabel": False, "showMaxLabel": False},
        },
        "yAxis": {
            "type": "category",
            "data": names,
            "axisLabel": {"width": 220, "overflow": "truncate"},
        },
        "series": [
            # An invisible bar from zero to the interval's low end (cut off by the axis
            # minimum), then the interval stacked on it: the low end is where the bar starts.
            {
                "type": "bar",
                "stack": "ci",
                "data": low,
                "itemStyle": {"color": "transparent"},
                "tooltip": {"show": False},
                "silent": True,
                "clip": True,
            },
            {
                "type": "bar",
                "stack": "ci",
                "name": "90%",
                "data": [
                    {"value": width, "tooltip": {"formatter": tip}}
                    for width, tip in zip(span, tips, strict=True)
                ],
                "barWidth": 8,
                "itemStyle": {"color": PALETTE[4]},
                "clip": True,
            },
            {
                "type": "scatter",
                "name": spec.series[0].name,
                "symbolSize": 9,
                "data": [
                    {"value": [v, i], "tooltip": {"formatter": tip}}
                    for i, (v, tip) in enumerate(zip(values, tips, strict=True))
                ],
                "itemStyle": {"color": PALETTE[0]},
                "z": 3,
            },
        ],
    }


def _one(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def to_svg(spec: ChartSpec) -> str:
    """A static SVG for print; text stays text so the PDF embeds real (CJK) fonts."""
    import matplotlib
    from matplotlib.figure import Figure

    rc: dict[str, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": spec.key,  # stable element ids: the same data gives the same bytes
        "font.family": "sans-serif",
        "font.sans-serif": FONTS,
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]
        height = 4.6 if spec.kind in ("interval", "hbar") else 3.0
        figure = Figure(figsize=(6.8, height), layout="constrained")
        axes = figure.subplots()
        _draw(axes, spec)
        buffer = io.StringIO()
        with warnings.catch_warnings():
            # Without CJK fonts matplotlib measures with fallbacks; the PDF renderer draws
            # the text itself with the fonts it finds, so a missing glyph here is harmless.
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    # Several charts share one page: element ids must not collide between them.
    svg = buffer.getvalue()
    for old, new in (('id="', 'id="{0}-'), ("url(#", "url(#{0}-"), ('href="#', 'href="#{0}-')):
        svg = svg.replace(old, new.format(spec.key))
    return svg


def _draw(axes: Any, spec: ChartSpec) -> None:
    positions = list(range(len(spec.categories)))
    if spec.kind == "interval":
        values = [v if v is not None else float("nan") for v in spec.series[0].values]
        low = [v - lo if lo is not None else 0 for v, lo in zip(values, spec.low, strict=True)]
        high = [hi - v if hi is not None else 0 for v, hi in zip(values, spec.high, strict=True)]
        axes.errorbar(
            values,
            positions,
            xerr=[low, high],
            fmt="o",
            color=PALETTE[0],
            ecolor=PALETTE[4],
            elinewidth=4,
            capsize=0,
            markersize=4,
        )
        axes.set_yticks(positions, spec.categories)
        axes.invert_yaxis()
        axes.set_xlabel(spec.y_label)
        return
    if spec.kind == "line":
        for index, series in enumerate(spec.series):
            target = axes if series.axis == 0 else _twin(axes, spec)
            target.plot(
                positions,
                [v if v is not None else float("nan") for v in series.values],
                color=PALETTE[index % len(PALETTE)],
                label=series.name,
                linewidth=1.4,
            )
        step = max(1, len(positions) // 6)
        axes.set_xticks(positions[::step], spec.categories[::step], rotation=30, ha="right")
        # Totals start at zero: a truncated axis makes a small wiggle look like a crash.
        axes.set_ylim(bottom=0)
        twin = getattr(axes, "_microdrama_twin", None)
        if twin is not None:
            twin.set_ylim(bottom=0)
    else:
        width = 0.8 / max(1, len(spec.series))
        for index, series in enumerate(spec.series):
            offset = [p + (index - (len(spec.series) - 1) / 2) * width for p in positions]
            values = [v if v is not None else 0.0 for v in series.values]
            color = PALETTE[index % len(PALETTE)]
            if spec.kind == "hbar":
                axes.barh(offset, values, height=width, color=color, label=series.name)
            else:
                target = axes if series.axis == 0 else _twin(axes, spec)
                target.bar(offset, values, width=width, color=color, label=series.name)
        if spec.kind == "hbar":
            axes.set_yticks(positions, spec.categories)
            axes.invert_yaxis()
        else:
            axes.set_xticks(
                positions,
                spec.categories,
                rotation=30 if len(positions) > 6 else 0,
                ha="right" if len(positions) > 6 else "center",
            )
    if spec.kind == "hbar":
        axes.set_xlabel(spec.y_label)
    else:
        axes.set_ylabel(spec.y_label)
    _short_numbers(axes, spec)
    if len(spec.series) > 1:
        figure = axes.get_figure()
        figure.legend(loc="outside upper center", ncols=min(4, len(spec.series)), frameon=False)


def _short_numbers(axes: Any, spec: ChartSpec) -> None:
    """Large values on value axes as 万/亿 or K/M/B instead of a 1e9 offset."""
    from matplotlib.ticker import FuncFormatter

    from microdrama.reports.content.fmt import count

    def short(value: float, _position: int) -> str:
        return count(value, spec.lang) if abs(value) >= 10_000 else f"{value:g}"

    targets = [axes, getattr(axes, "_microdrama_twin", None)]
    for target in filter(None, targets):
        value_axis = target.xaxis if spec.kind == "hbar" else target.yaxis
        value_axis.set_major_formatter(FuncFormatter(short))


def _twin(axes: Any, spec: ChartSpec) -> Any:
    twin = getattr(axes, "_microdrama_twin", None)
    if twin is None:
        twin = axes.twinx()
        twin.set_ylabel(spec.y2_label)
        axes._microdrama_twin = twin
    return twin
