"""ECharts options for catalogue pages, built with pyecharts, drawn by the vendored echarts.js."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
from pyecharts import options as opts
from pyecharts.charts import Line


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
