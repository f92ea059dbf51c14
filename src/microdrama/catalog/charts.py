"""ECharts options for catalogue pages, built with pyecharts, drawn by the vendored echarts.js."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
from pyecharts import options as opts
from pyecharts.charts import Line, Pie


def daily_metrics_chart(frame: pl.DataFrame, *, labels: dict[str, str]) -> dict[str, Any]:
    """Daily plays per platform (left axis) and completion rate (right axis)."""
    days = frame["date"].unique().sort()
    x = [d.isoformat() for d in days.to_list()]
    chart = Line(init_opts=opts.InitOpts(width="100%", height="360px"))
    chart.add_xaxis(x)
    for platform in frame["platform"].unique().sort().to_list():
        per_day = dict(
            frame.filter(pl.col("platform") == platform).select("date", "plays").iter_rows()
        )
        chart.add_yaxis(
            f"{labels['plays']} · {platform}",
            [per_day.get(d) for d in days.to_list()],
            is_symbol_show=False,
            label_opts=opts.LabelOpts(is_show=False),
        )
    completion = frame.group_by("date").agg(pl.col("completion_rate").mean()).sort("date")
    by_day = dict(completion.iter_rows())
    chart.extend_axis(
        yaxis=opts.AxisOpts(name=labels["completion"], min_=0, max_=1, position="right")
    )
    chart.add_yaxis(
        labels["completion"],
        [by_day.get(d) for d in days.to_list()],
        yaxis_index=1,
        is_symbol_show=False,
        label_opts=opts.LabelOpts(is_show=False),
        linestyle_opts=opts.LineStyleOpts(type_="dashed"),
    )
    chart.set_global_opts(
        tooltip_opts=opts.TooltipOpts(trigger="axis"),
        legend_opts=opts.LegendOpts(type_="scroll"),
        yaxis_opts=opts.AxisOpts(name=labels["plays"]),
        datazoom_opts=[opts.DataZoomOpts(type_="inside"), opts.DataZoomOpts()],
    )
    options: dict[str, Any] = json.loads(chart.dump_options())
    return options


def share_pie(shares: list[tuple[str, int]], *, title: str, top: int = 8) -> dict[str, Any]:
    """A pie of the largest shares, the rest summed as one slice."""
    head = shares[:top]
    rest = sum(value for _, value in shares[top:])
    data = [(name, value) for name, value in head] + ([("…", rest)] if rest else [])
    chart = Pie(init_opts=opts.InitOpts(width="100%", height="320px"))
    chart.add(title, data, radius=["35%", "65%"], label_opts=opts.LabelOpts(formatter="{b}: {d}%"))
    chart.set_global_opts(
        legend_opts=opts.LegendOpts(is_show=False), tooltip_opts=opts.TooltipOpts(trigger="item")
    )
    options: dict[str, Any] = json.loads(chart.dump_options())
    return options


def trend_line(points: list[tuple[Any, int]], *, label: str) -> dict[str, Any]:
    """Daily totals as a line."""
    chart = Line(init_opts=opts.InitOpts(width="100%", height="300px"))
    chart.add_xaxis([day.isoformat() for day, _ in points])
    chart.add_yaxis(
        label,
        [value for _, value in points],
        is_symbol_show=False,
        areastyle_opts=opts.AreaStyleOpts(opacity=0.15),
        label_opts=opts.LabelOpts(is_show=False),
    )
    chart.set_global_opts(
        tooltip_opts=opts.TooltipOpts(trigger="axis"), legend_opts=opts.LegendOpts(is_show=False)
    )
    options: dict[str, Any] = json.loads(chart.dump_options())
    return options
