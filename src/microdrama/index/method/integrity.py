"""Star Index step 1: find fake-traffic days per work and platform and discount their volume.

Method `integrity-3` (a series is one work on one platform, its rows sorted by date; each row
counts as one day).

A check compares a day's ratio with a baseline of its own series and fires when the day is off
by at least `ratio_factor` and its modified z-score 0.6745·(x − baseline)/MAD on the log scale is
at least `z_threshold`:
- plays per viewer: plays far above what the day's viewers support;
- engagement: completion rate or watch minutes per play collapse on a volume spike (plays far
  above the centred rolling median of `window` days, by the same z-score), or both collapse at
  once. A spike with matching viewers and engagement (an organic launch) fires nothing;
- likes per play: likes far above what the day's plays support, the baseline taken on the days
  the plays checks left alone (fake plays lower likes per play);
- money, effortful interactions (comments, shares, favourites) and likes per play collapsing on
  a plays spike or on two consecutive days: bots that keep every ratio they are sold with bring
  no money and no comments (money is judged on days of at least `money_plays` plays).
A day backed by a real audience (money or effortful interactions known and in line, plays per
viewer within the square root of `ratio_factor`) fires none of the collapse checks: casual
viewers watch little but pay and comment. A day is flagged when any check fires; an unknown
input silences only the checks that need it.

The baseline is the series median, weighted by the day's count where the ratio has one (a tail
day with three likes tells little), and, for a ratio fraud moves one way only, kept within
`ratio_factor` of the series' cleanest tenth of well-counted days: a launch bought from day one
has its median on the fake level. Detection runs twice; the second pass takes the plays baselines
on the days the first found no fake plays on.

Discount: a day flagged for plays keeps what the evidence that fired supports at the baseline
(viewers × plays per viewer; plays × completion / baseline completion; watch minutes / baseline
watch minutes per play; money, interactions or likes over their baseline per play), so "plays
8.3× the viewers support" keeps 1/8.3 of its plays; a flagged
day's likes are capped at effective plays × baseline likes per play. No day is dropped, nothing
rises, and effective volume is null only where plays (likes) are.

Integrity (`summarise`): the share of a work's days, over its platforms, that no check flagged.

Computation (it does not change the method): the rows are put in order once, by an integer key
(the rank of the series' work and platform, then the day) that is cheap to sort when they come in
sorted runs, as a lake's files do, and not moved at all when they are sorted already. The series
long enough to judge are laid out a block at a time as the rows of a NaN-padded matrix, one
series per row, a block small enough to stay in the processor's cache: every per-series median
or quantile is a NumPy sort along the rows, the rolling median a selection network over shifted
views (the arithmetic is in `fake_traffic`). Blocks are independent, so `WORKERS` threads judge them
side by side (NumPy lets go of the interpreter while it computes) and their findings are taken in
block order. NaN stands for an unknown value while working, null in the output. The second pass
only reruns the series it can change (some but not all days flagged for plays; any other series
gets the same baselines again), and reasons are written only for the flagged days.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from microdrama.index.method import fake_traffic
from microdrama.index.method.fake_traffic import IntegrityParams

__all__ = [
    "CHECKED",
    "METHOD",
    "Hits",
    "IntegrityParams",
    "flag_days",
    "judge",
    "order_rows",
    "summarise",
]

METHOD = "integrity-3"  # bump when the method changes

KEY = ("work_id", "platform")
# Cells (series × padded days) judged at a time: small enough that a block's working arrays
# stay in the processor's cache, large enough that NumPy's per-call overhead does not matter.
_BLOCK_CELLS = 1 << 17
# Threads judging blocks side by side (the result does not depend on how many there are).
WORKERS = max(1, min(4, os.cpu_count() or 1))

_Floats = npt.NDArray[np.float64]
_Bools = npt.NDArray[np.bool_]
_Ints = npt.NDArray[np.intp]


# --- the frame ----------------------------------------------------------------------------------


def _same(name: str) -> pl.Expr:
    return pl.col(name).eq_missing(pl.col(name).shift(1))


def _columns(daily: pl.DataFrame, names: Sequence[str]) -> pl.DataFrame:
    """Some columns as a frame of their own (`select` would first rechunk the whole frame when
    its columns are split unlike, as a filtered scan's are)."""
    return pl.DataFrame([daily.get_column(name) for name in names])


def _series_starts(daily: pl.DataFrame) -> _Ints:
    """The rows whose work or platform differs from the row above (zero-copy comparisons)."""
    n = daily.height
    same = np.ones(max(n - 1, 0), np.bool_)
    for name in KEY:
        column = daily.get_column(name)
        same &= column.slice(1).eq_missing(column.slice(0, n - 1)).to_numpy()
    starts: _Ints = np.flatnonzero(np.concatenate([[True], ~same]))
    return starts


def order_rows(daily: pl.DataFrame) -> tuple[_Ints | None, _Ints]:
    """The permutation that sorts the rows by work, platform and date (nulls first, ties in
    input order; None when they are sorted already), and the sorted rows that start a series.

    Only the first row of each run of one series is compared by work and platform; the rows are
    then ordered by an integer key (that rank, then the day), which is cheap to sort when the
    rows come in sorted runs (a file of the lake each, say).
    """
    day = daily.get_column("date")
    starts = _series_starts(daily)
    lengths = np.diff(np.append(starts, daily.height))
    if 8 * starts.size <= daily.height and (day.dtype.is_integer() or day.dtype.is_temporal()):
        heads = _columns(daily, KEY)[starts].with_row_index("run").sort(KEY, maintain_order=True)
        pair = heads.select((~(_same(KEY[0]) & _same(KEY[1]))).fill_null(True)).to_series()
        rank = np.empty(starts.size, np.int64)
        rank[heads.get_column("run").to_numpy()] = np.cumsum(pair.to_numpy()) - 1
        days = day.to_physical()
        known = days.drop_nulls().to_numpy() if days.has_nulls() else days.to_numpy()
        low = int(known.min()) if known.size else 0
        span = (int(known.max()) - low if known.size else 0) + 2  # 0 is the unknown day
        if int(rank.max()) < 2**62 // span:  # else the key would overflow
            key = np.repeat(rank * span, lengths)
            if days.has_nulls():
                key += (days.cast(pl.Int64) - low + 1).fill_null(0).to_numpy()
            else:
                np.add(key, known, out=key, casting="unsafe")  # no full-size temporaries
                key -= low - 1
            if bool(np.all(key[1:] >= key[:-1])):
                return None, starts
            order: _Ints = np.argsort(key, kind="stable")  # timsort: merges sorted runs fast
            key = key[order]
            key //= span  # the series' rank
            return order, np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    # Rows not in runs (shuffled), or days that are not integers: Polars sorts.
    by = pl.arg_sort_by([*KEY, "date"], maintain_order=True)
    order = _columns(daily, [*KEY, "date"]).select(by).to_series().to_numpy().astype(np.intp)
    return order, _series_starts(_columns(daily, KEY)[order])


def sorted_counts(values: npt.NDArray[Any], order: _Ints | None) -> _Floats:
    """A count in sorted order as floats, clipped at zero, NaN where unknown: the effective
    volume of every day no check flagged."""
    clipped: _Floats = np.maximum(values if order is None else values[order], 0.0, dtype=np.float64)
    return clipped  # NaN stays NaN


# The checked inputs a daily frame may spell out instead of carrying: the sum of the known
# parts, unknown when none is known (money in fen, or in yuan as import files give it).
DERIVED = {
    "money": (("recharge_fen", "ad_revenue_fen"), ("recharge_yuan", "ad_revenue_yuan")),
    "interactions": (("comments", "shares", "favorites"),),
}


def derived(name: str, columns: Sequence[str]) -> pl.Expr:
    """The expression of a derived input (`DERIVED`) from the columns a frame has; unknown
    where it has none of them."""
    for parts in DERIVED[name]:
        present = [part for part in parts if part in columns]
        if present:
            scale = 100.0 if present[0].endswith("_yuan") else 1.0
            known = pl.any_horizontal(pl.col(part).is_not_null() for part in present)
            total = pl.sum_horizontal(pl.col(part).cast(pl.Float64) for part in present)
            return pl.when(known).then(total * scale).alias(name)
    return pl.repeat(None, pl.len(), dtype=pl.Float64).alias(name)


def values(daily: pl.DataFrame, name: str) -> npt.NDArray[Any]:
    """A column in input order, NaN where unknown: a view of Polars' memory where it can be."""
    if name in DERIVED and name not in daily.columns:
        expr = derived(name, daily.columns)
        return values(daily.select(expr) if daily.width else pl.DataFrame(), name)
    column = daily.get_column(name)
    if not (column.dtype.is_integer() or column.dtype.is_float()):
        column = column.cast(pl.Float64)
    return column.to_numpy()


@dataclass(frozen=True)
class Hits:
    """The flagged days of sorted rows: where they are, what they keep, and why."""

    rows: _Ints  # positions in sorted order, ascending
    plays: _Floats  # effective plays (NaN where plays are unknown)
    likes: _Floats  # effective likes (NaN where likes are unknown)
    reason: pl.Series

    def scatter(self, n: int, plays: _Floats, likes: _Floats) -> tuple[_Bools, pl.Series]:
        """Write the effective volumes into full sorted arrays; the flags and reasons of all."""
        plays[self.rows] = self.plays
        likes[self.rows] = self.likes
        flagged = np.zeros(n, np.bool_)
        flagged[self.rows] = True
        reason = pl.repeat(None, n, dtype=pl.Utf8, eager=True)
        if self.rows.size:
            reason.scatter(self.rows, self.reason)
        return flagged, reason


CHECKED = ("plays", "viewers", "likes", "completion_rate", "watch_minutes", "money", "interactions")


def judge(
    columns: Sequence[npt.NDArray[Any]], order: _Ints | None, starts: _Ints, params: IntegrityParams
) -> Hits:
    """The flagged days of the rows in sorted order (`order_rows`); every other day keeps its
    volume.

    `columns`: plays, viewers, likes, completion_rate, watch_minutes, money and interactions
    (`CHECKED`) in input order, NaN where unknown; `order` puts them in sorted order (None:
    they are sorted already).
    """
    p, v, l, c, watch, money, effort = columns  # noqa: E741
    n = p.size
    lengths = np.diff(np.append(starts, n))
    # Series long enough to judge, by length, cut into blocks of similar widths.
    judged = np.flatnonzero(lengths >= max(params.min_days, 1))
    judged = judged[np.argsort(lengths[judged], kind="stable")]
    blocks: list[_Ints] = []
    first = 0
    while first < judged.size:
        ahead = lengths[judged[first : first + _BLOCK_CELLS]]
        fits = np.arange(1, ahead.size + 1) * ahead <= _BLOCK_CELLS  # True, then False
        last = first + max(1, int(np.count_nonzero(fits)))
        blocks.append(judged[first:last])
        first = last

    @np.errstate(all="ignore")  # per thread: NaN stands for unknown while working
    def judge_series(series: _Ints) -> dict[str, npt.NDArray[Any]] | None:
        width = int(lengths[series[-1]])
        days = np.arange(width)
        real = days < lengths[series][:, None]
        at = (starts[series][:, None] + days)[real]
        source = at if order is None else order[at]

        def block(x: npt.NDArray[Any]) -> _Floats:
            out = np.full(real.shape, np.nan)
            out[real] = x[source]
            return out

        bp, bv, bl, bw = block(p), block(v), block(l), block(watch)
        bm, bi = block(money), block(effort)
        b = fake_traffic.Block(
            p=bp,
            v=bv,
            l=bl,
            c=block(c),
            wpp=np.where(bp > 0, bw / bp, np.nan),
            ppv=np.where(bv > 0, bp / bv, np.nan),
            lpp=np.where(bp > 0, bl / bp, np.nan),
            mpp=np.where(bp > 0, bm / bp, np.nan),
            ipp=np.where(bp > 0, bi / bp, np.nan),
        )
        fake_traffic.judge_block(b, real, params)
        hit_series, hit_days = np.nonzero(b.f_plays | b.f_lpp)
        if not hit_series.size:
            return None
        evidence = fake_traffic.evidence(b, hit_series, hit_days)
        evidence["row"] = starts[series][hit_series] + hit_days
        plays, likes = fake_traffic.effective(b, hit_series, hit_days)
        evidence["effective_plays"], evidence["effective_likes"] = plays, likes
        return evidence

    # Blocks are independent and NumPy lets go of the interpreter while it works on one, so
    # threads judge them side by side; `map` keeps their order.
    with ThreadPoolExecutor(WORKERS) as pool:
        found = [e for e in pool.map(judge_series, blocks) if e is not None]
    if not found:
        none = np.empty(0)
        return Hits(np.empty(0, np.intp), none, none, pl.Series("reason", [], pl.Utf8))
    quoted = {k: np.concatenate([e[k] for e in found]) for k in found[0]}
    rows = quoted.pop("row")
    plays, likes = quoted.pop("effective_plays"), quoted.pop("effective_likes")
    frame = pl.DataFrame(
        {fake_traffic.P + k: pl.Series(values, nan_to_null=True) for k, values in quoted.items()}
    )
    reason = frame.select(fake_traffic.reason(params)).to_series().alias("reason")
    ordered = np.argsort(rows, kind="stable")
    return Hits(rows[ordered], plays[ordered], likes[ordered], reason[ordered])


@np.errstate(all="ignore")  # NaN stands for unknown while working
def _flag_frame(daily: pl.DataFrame, params: IntegrityParams) -> pl.DataFrame:
    """The checks on a materialised frame: sorted rows with the four columns added."""
    if daily.height == 0:
        return daily.with_columns(
            pl.lit(False).alias("flagged"),
            pl.lit(None, pl.Utf8).alias("reason"),
            pl.col("plays").cast(pl.Float64).alias("effective_plays"),
            pl.col("likes").cast(pl.Float64).alias("effective_likes"),
        )
    order, starts = order_rows(daily)
    plays = sorted_counts(values(daily, "plays"), order)
    likes = sorted_counts(values(daily, "likes"), order)
    hits = judge([values(daily, k) for k in CHECKED], order, starts, params)
    flagged, reason = hits.scatter(daily.height, plays, likes)
    # The working arrays are gone before the rows are moved into order.
    if order is not None:
        rows = pl.Series(order, dtype=pl.get_index_type())
        daily = pl.DataFrame([column.gather(rows) for column in daily.get_columns()])
    return daily.with_columns(
        pl.Series("flagged", flagged),
        reason.alias("reason"),
        pl.Series("effective_plays", plays, nan_to_null=True),
        pl.Series("effective_likes", likes, nan_to_null=True),
    )


def flag_days(daily: pl.LazyFrame, params: IntegrityParams = IntegrityParams()) -> pl.LazyFrame:
    """The daily rows with flag columns and discounted volumes added.

    Still lazy: the input is collected, whole, when the result is (a series needs all its rows).
    """
    schema = daily.collect_schema()
    schema.update(
        flagged=pl.Boolean(),
        reason=pl.Utf8(),
        effective_plays=pl.Float64(),
        effective_likes=pl.Float64(),
    )
    return pl.defer(lambda: _flag_frame(daily.collect(), params), schema=schema)


def summarise(flagged: pl.LazyFrame, *, by: str = "work_id") -> pl.LazyFrame:
    """Per work: integrity score and flag counts.

    `by`: a column that numbers the works in the order of their ids (grouping a sorted integer
    is faster than grouping the ids); the result keeps `work_id` either way.
    """
    plays = pl.col("plays").cast(pl.Float64)
    likes = pl.col("likes").cast(pl.Float64)
    ids = [] if by == "work_id" else [pl.col("work_id").first()]
    totals = flagged.group_by(by).agg(
        *ids,
        pl.col("flagged").sum().cast(pl.UInt32).alias("flagged_days"),
        pl.len().alias("series_days"),
        plays.sum().alias("plays"),
        (plays - pl.col("effective_plays")).sum().alias("discounted_plays"),
        likes.sum().alias("likes"),
        (likes - pl.col("effective_likes")).sum().alias("discounted_likes"),
    )
    # The share of the work's days (over its platforms) that were observed rather than
    # reconstructed. The discount already took the fake volume out of the dimensions; scaling the
    # score by the discounted share of volume as well (integrity-1) counted the same fake plays
    # twice, by how much was bought rather than by how much of the evidence is sound, and sank
    # caught works far below their organic standing.
    integrity = 1.0 - pl.col("flagged_days") / pl.col("series_days")
    return (
        totals.with_columns(integrity.clip(0.0, 1.0).alias("integrity"))
        .select(
            "work_id",
            "integrity",
            "flagged_days",
            "discounted_plays",
            "plays",
            "discounted_likes",
            "likes",
        )
        .sort("work_id")
    )
