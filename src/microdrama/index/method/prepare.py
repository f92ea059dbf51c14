"""From the lake's daily rows to what the ranking needs: flagged days and window summaries.

Two reads of the lake, neither of which keeps a full-width row:
1. one streaming GROUP BY over the columns the integrity checks never touch (comments, shares,
   favourites, revenue, ad spend) gives their window sums per work and platform in integers, so
   the result does not depend on the order the engine adds them in;
2. the columns the checks read (plays, viewers, likes, completion, watch minutes), with work and
   platform as integer codes, are collected a partition of works at a time (one partition up to
   `partition_rows` rows; the filter is on a range of work ids, so the scan skips the files and
   row groups outside it), put in series order once by an integer key of the codes and the day,
   judged (`integrity.judge`), and summed per series by grouping a sorted series number, which
   Polars does by slicing instead of hashing.
Both give the same numbers as grouping the full flagged rows (up to the rounding of float sums).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from microdrama.index.method import cohort_checks, integrity
from microdrama.index.method.config import IndexConfig
from microdrama.index.method.periods import Period

KEY = ["work_id", "platform"]
# Days of data before the previous window that the integrity baselines may lean on.
LEAD_IN_DAYS = 7
CHECKED = list(integrity.CHECKED)
# Interactions no check reads: summed in one streaming pass, discounted on flagged days after.
OTHER_INTERACTIONS = ("comments", "shares", "favorites")
# The lake's columns behind the derived inputs (money in fen).
_LAKE_PARTS = ("recharge_fen", "ad_revenue_fen", "comments", "shares", "favorites")
FLAG_COLUMNS = [
    "work_id",
    "platform",
    "date",
    "reason",
    "plays",
    "effective_plays",
    "likes",
    "effective_likes",
    "viewers",
]


@dataclass(frozen=True)
class Prepared:
    """The daily rows reduced to what the ranking needs."""

    summaries: pl.DataFrame  # per work × platform: window totals, spreads, previous window
    integrity: pl.DataFrame  # per work: integrity, flagged_days, discounted_plays, plays
    flags: pl.DataFrame  # flagged days in the window: work_id, platform, date, reason, ...


def prepare(
    daily: pl.LazyFrame, *, period: Period, config: IndexConfig, partition_rows: int
) -> Prepared:
    """Flag fake traffic and summarise the daily rows of the period (and its lead-in)."""
    previous = period.previous()
    start = previous.start - timedelta(days=LEAD_IN_DAYS)
    rows = daily.filter(pl.col("date").is_between(start, period.end))
    totals = _totals(rows, period)
    works = pl.Enum(totals.get_column("work_id").unique().sort())
    platforms = pl.Enum(totals.get_column("platform").unique().sort())
    codes = [pl.col("work_id").cast(works), pl.col("platform").cast(platforms)]
    ids = works.categories
    parts: list[pl.LazyFrame] = []
    for low, high in _ranges(totals, works, partition_rows):
        part = rows
        if low > 0 or high < len(ids) - 1:
            # On the ids themselves (sorted as their codes are), so that the scan skips the
            # files and row groups whose statistics lie outside the partition.
            part = rows.filter(pl.col("work_id").is_between(pl.lit(ids[low]), pl.lit(ids[high])))
        parts.append(part.select(*codes, "date", *(_checked(name) for name in CHECKED)))
    series: list[pl.DataFrame] = []
    flags: list[pl.DataFrame] = []
    scores: list[pl.DataFrame] = []
    # The next partition is read (and put in series order) in a thread of its own while this
    # one judges the current one:
    # at most two partitions are held at a time. Each is judged on its own, so the order of
    # the work does not change the results.
    with ThreadPoolExecutor(1) as reader:
        reading: Future[tuple[pl.DataFrame, npt.NDArray[np.intp]]]
        reading = reader.submit(_read, parts[0])
        for index in range(len(parts)):
            frame, starts = reading.result()
            if index + 1 < len(parts):
                reading = reader.submit(_read, parts[index + 1])
            summed, flagged, scored = _judge_and_sum(
                frame, starts, period=period, previous=previous, config=config
            )
            del frame
            series.append(summed)
            flags.append(flagged)
            scores.append(scored)
    per_series = pl.concat(series).with_columns(pl.col(KEY).cast(pl.Utf8))
    flagged = pl.concat(flags).with_columns(pl.col(KEY).cast(pl.Utf8))
    summaries = _summaries(per_series, _discount_other(totals, rows, flagged))
    works_integrity = pl.concat(scores).with_columns(pl.col("work_id").cast(pl.Utf8))
    if config.apply_integrity:
        summaries = cohort_checks.check(summaries, config.integrity)
        works_integrity = _with_cohort(works_integrity, summaries)
    return Prepared(summaries=summaries, integrity=works_integrity, flags=flagged)


def _with_cohort(works: pl.DataFrame, summaries: pl.DataFrame) -> pl.DataFrame:
    """The works' integrity with the cohort check's findings: its series' days count as
    flagged, its discount with the others, and its reason beside them."""
    found = cohort_checks.per_work(summaries)
    days = summaries.group_by("work_id").agg(pl.col("days").sum().alias("_days"))
    return (
        works.join(found, on="work_id", how="left")
        .join(days, on="work_id", how="left")
        .with_columns(
            (pl.col("flagged_days") + pl.col("cohort_days").fill_null(0)).alias("flagged_days"),
            (pl.col("discounted_plays") + pl.col("cohort_discounted").fill_null(0.0)).alias(
                "discounted_plays"
            ),
            (pl.col("integrity") - pl.col("cohort_days").fill_null(0) / pl.col("_days"))
            .clip(0.0, 1.0)
            .fill_null(pl.col("integrity"))
            .alias("integrity"),
        )
        .drop("cohort_days", "cohort_discounted", "_days")
    )


def _discount_other(totals: pl.DataFrame, rows: pl.LazyFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """Comments, shares, favourites and ad revenue of a flagged day lose only what the honest
    plays cannot explain: the day keeps its counted plays times the series' own rate on its
    unflagged days, or what it had when that is less. Bought engagement comes in bundles and
    ads served to bots are paid for by the views they fake, so those are removed; a rival's
    bots that bring none leave the victim's real comments and revenue whole. A series with no
    unflagged day to learn its rate from keeps the share its plays (or likes) kept. Recharge
    is real money and is kept. Only the flagged works' rows are read."""
    if flags.is_empty():
        return totals

    def ratio(effective: str, raw: str) -> pl.Expr:
        return pl.col(effective) / pl.col(raw).cast(pl.Float64)

    kept = flags.select(
        *KEY,
        "date",
        pl.col("effective_plays").alias("counted_plays"),
        _kept_share(
            pl.min_horizontal(ratio("effective_plays", "plays"), ratio("effective_likes", "likes"))
        ).alias("kept"),
        _kept_share(ratio("effective_plays", "plays")).alias("kept_plays"),
    )
    works = kept.get_column("work_id").unique().sort()
    measured = [*OTHER_INTERACTIONS, "ad_revenue_fen"]
    their_rows = (
        rows.filter(pl.col("work_id").is_in(works.implode()))
        .select(*KEY, "date", "plays", *measured)
        .join(kept.lazy(), on=[*KEY, "date"], how="left")
    )
    honest = (
        their_rows.filter(pl.col("kept").is_null(), pl.col("plays") > 0)
        .group_by(KEY)
        .agg(
            *(
                (
                    pl.col(name).sum() / pl.col("plays").filter(pl.col(name).is_not_null()).sum()
                ).alias(f"rate_{name}")
                for name in measured
            )
        )
    )

    def removed(name: str, share: str) -> pl.Expr:
        explained = pl.col("counted_plays") * pl.col(f"rate_{name}")
        excess = (pl.col(name) - explained).clip(lower_bound=0.0)
        fallback = (1.0 - pl.col(share)) * pl.col(name)
        lost = pl.when(pl.col(f"rate_{name}").is_not_null()).then(excess).otherwise(fallback)
        return lost.sum().round().cast(pl.Int64)

    taken = (
        their_rows.filter(pl.col("kept").is_not_null())
        .join(honest, on=KEY, how="left")
        .group_by(KEY)
        .agg(
            *(removed(name, "kept").alias(name) for name in OTHER_INTERACTIONS),
            removed("ad_revenue_fen", "kept_plays").alias("revenue_sum"),
        )
        .collect()
    )
    # The revenue's spread keeps the undiscounted days: it only sizes the bootstrap's noise.
    discounted = [*OTHER_INTERACTIONS, "revenue_sum"]
    return (
        totals.join(taken, on=KEY, how="left", suffix="_removed", maintain_order="left")
        .with_columns(
            (pl.col(name) - pl.col(f"{name}_removed").fill_null(0)).alias(name)
            for name in discounted
        )
        .drop(f"{name}_removed" for name in discounted)
    )


def _checked(name: str) -> pl.Expr:
    """A column the checks read; no viewers under positive plays is a gap in the export (a
    day cannot have plays without a viewer), so it reads as unknown, not as a fact."""
    if name in integrity.DERIVED:
        return integrity.derived(name, _LAKE_PARTS)
    if name != "viewers":
        return pl.col(name)
    gap = (pl.col("viewers") == 0) & (pl.col("plays") > 0)
    return pl.when(gap).then(None).otherwise(pl.col("viewers")).alias("viewers")


def _kept_share(expr: pl.Expr) -> pl.Expr:
    """A kept share in [0, 1]; 1 where it cannot be told (nothing was discounted)."""
    return expr.fill_nan(None).clip(0.0, 1.0).fill_null(1.0)


def _totals(rows: pl.LazyFrame, period: Period) -> pl.DataFrame:
    """Per work and platform (any row in the range): row count and the window's integer sums."""
    window = pl.col("date").is_between(period.start, period.end)
    revenue = pl.when(
        window & (pl.col("recharge_fen").is_not_null() | pl.col("ad_revenue_fen").is_not_null())
    ).then(pl.col("recharge_fen").fill_null(0) + pl.col("ad_revenue_fen").fill_null(0))
    # Plain sums of precomputed columns, which the streaming engine aggregates as it reads.
    columns = rows.select(
        *KEY,
        *(pl.when(window).then(pl.col(name)).alias(name) for name in OTHER_INTERACTIONS),
        revenue.alias("r"),
        pl.when(window).then(pl.col("ad_spend_fen")).alias("s"),
        pl.when(window).then(pl.col("recharge_fen")).alias("rc"),
    )
    return (
        columns.group_by(KEY)
        .agg(
            pl.len().alias("rows"),
            # Each interaction on its own, with the days that know it: unknown is not zero.
            *(pl.col(name).sum() for name in OTHER_INTERACTIONS),
            *(pl.col(name).count().alias(f"{name}_days") for name in OTHER_INTERACTIONS),
            pl.col("r").count().alias("revenue_days"),
            pl.col("r").sum().alias("revenue_sum"),
            (pl.col("r").cast(pl.Int128) * pl.col("r")).sum().alias("revenue_squares"),
            pl.col("s").count().alias("spend_days"),
            pl.col("rc").count().alias("recharge_days"),
            pl.col("s").sum().alias("ad_spend_fen"),
        )
        .collect(engine="streaming")
        .sort(KEY)
    )


def _ranges(totals: pl.DataFrame, works: pl.Enum, partition_rows: int) -> list[tuple[int, int]]:
    """Contiguous ranges of work codes holding about `partition_rows` rows each."""
    per_work = (
        totals.group_by(pl.col("work_id").cast(works).to_physical().alias("code"))
        .agg(pl.col("rows").sum())
        .sort("code")
    )
    code = per_work.get_column("code").to_numpy()
    cumulative = np.cumsum(per_work.get_column("rows").to_numpy())
    if code.size == 0:
        return [(0, 0)]
    parts = max(1, -(-int(cumulative[-1]) // max(1, partition_rows)))
    cuts = np.searchsorted(cumulative, cumulative[-1] * np.arange(1, parts) / parts)
    edges = sorted({0, *(int(c) + 1 for c in cuts if c + 1 < code.size)})
    bounds = [*edges, code.size]
    return [(int(code[a]), int(code[b - 1])) for a, b in zip(bounds, bounds[1:], strict=False)]


def _read(part: pl.LazyFrame) -> tuple[pl.DataFrame, npt.NDArray[np.intp]]:
    """A partition's rows, each column in one chunk, in series order (`_order`); and where
    each series starts."""
    frame = part.collect(engine="streaming")
    # The streaming engine hands over many small chunks, which make every later gather and
    # conversion slower; one column at a time, so that only one is held twice.
    for name in frame.columns:
        frame = frame.with_columns(frame.get_column(name).rechunk())
    if frame.height == 0:
        return frame, np.zeros(0, np.intp)
    order, starts = _order(frame)
    if order is not None:
        frame = frame[pl.Series(order, dtype=pl.UInt64)]  # the unsorted rows are freed
    return frame, starts


@np.errstate(all="ignore")  # NaN stands for unknown while working
def _judge_and_sum(
    frame: pl.DataFrame,
    starts: npt.NDArray[np.intp],
    *,
    period: Period,
    previous: Period,
    config: IndexConfig,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Per series of a partition with a day in the window: the sums the summaries need; its
    flagged window days; and per work, its integrity (`integrity.summarise`).

    The rows come in series order (`_read`), `starts` the first row of each series: the checks
    read them as they lie, and the sums group a sorted series number, which Polars does by
    slicing instead of hashing.
    """
    n = frame.height
    series = np.zeros(n, np.uint32)
    series[starts[1:]] = 1
    np.cumsum(series, out=series)
    if n and config.apply_integrity:
        checked = [integrity.values(frame, name) for name in integrity.CHECKED]
        hits = integrity.judge(checked, None, starts, config.integrity)
        del checked
    else:
        hits = integrity.Hits(np.empty(0, np.intp), np.empty(0), np.empty(0), pl.Series([]))
    at = pl.Series(hits.rows, dtype=pl.get_index_type())
    # Every day no check flagged keeps its volume (clipped at zero).
    effective = [
        frame.get_column(name)
        .cast(pl.Float64)
        .clip(lower_bound=0.0)
        .scatter(at, pl.Series(values, nan_to_null=True))
        .alias("effective_" + name)
        for name, values in (("plays", hits.plays), ("likes", hits.likes))
    ]
    flagged = np.zeros(n, np.bool_)
    flagged[hits.rows] = True
    marked = frame.with_columns(
        *effective,
        pl.Series("typical", _typical_weights(frame, series, period)),
        pl.Series("flagged", flagged),
        pl.Series("series", series).set_sorted(),
        pl.col("work_id").to_physical().set_sorted().alias("work"),
    ).lazy()
    window = pl.col("date").is_between(period.start, period.end)
    current = marked.filter(window)
    before = marked.filter(pl.col("date").is_between(previous.start, previous.end))
    completion_known = pl.col("completion_rate").is_not_null() & pl.col("plays").is_not_null()
    # Engagement is read off the honest days: on a flagged day the bots dilute completion and
    # watch time per viewer, and the discount of their plays would not reach those ratios.
    # A series flagged on every day falls back to all of them.
    honest = ~pl.col("flagged") | pl.col("flagged").all()
    plays = pl.col("plays").cast(pl.Float64)
    typical = pl.col("typical")
    viewers_known = pl.col("viewers").is_not_null() & pl.col("watch_minutes").is_not_null()
    wpv_days = honest & viewers_known & (pl.col("viewers") > 0)
    # The key columns ride along as the first of their group: grouping the sorted series
    # number alone is the fast path.
    summed = current.group_by("series").agg(
        *(pl.col(k).first() for k in KEY),
        pl.col("date").n_unique().alias("days"),
        _known_sum(pl.col("plays"), "plays"),
        pl.col("effective_plays").sum(),
        pl.col("effective_plays").std().fill_null(0.0).alias("sd_effective_plays"),
        _known_sum(pl.col("viewers").filter(honest), "viewers"),
        _known_sum(pl.col("watch_minutes").filter(honest), "watch_minutes"),
        (
            (pl.col("completion_rate") * plays * typical).filter(completion_known & honest).sum()
            / (plays * typical).filter(completion_known & honest).sum()
        ).alias("completion"),
        (
            (pl.col("watch_minutes") * typical).filter(wpv_days).sum()
            / (pl.col("viewers") * typical).filter(wpv_days).sum()
        ).alias("watch_per_viewer"),
        pl.col("completion_rate").std().alias("sd_completion"),
        pl.col("completion_rate").count().alias("completion_days"),
        pl.col("effective_likes").sum(),
        pl.col("likes").count().alias("likes_days"),
        pl.col("flagged").sum().alias("flagged_days"),
    )
    earlier = before.group_by("series").agg(
        pl.col("effective_plays").sum().alias("previous_effective_plays"),
        pl.col("date").n_unique().alias("previous_days"),
    )
    works = integrity.summarise(current, by="work")
    flags = (
        frame.select(*KEY, "date", "plays", "likes", "viewers")[at]
        .with_columns(
            hits.reason.alias("reason"),
            pl.Series("effective_plays", hits.plays, nan_to_null=True),
            pl.Series("effective_likes", hits.likes, nan_to_null=True),
        )
        .filter(window)
        .select(FLAG_COLUMNS)
    )
    summed_frame, earlier_frame, works_frame = pl.collect_all([summed, earlier, works])
    joined = summed_frame.join(earlier_frame, on="series", how="left", maintain_order="left")
    return joined.drop("series"), flags, works_frame


def _typical_weights(
    frame: pl.DataFrame, series: npt.NDArray[np.uint32], period: Period
) -> npt.NDArray[np.float64]:
    """Per row (in series order), the share of its volume a day weighs with in engagement.

    Engagement is a typical day's: each day weighs as its volume, but no day more than its
    series' mean day in the window, so that a surge (of casual viewers, or of bots nobody
    caught) moves it as about one day, not as five. A ratio of the engaged to the counted is
    no measure of quality when one burst sets it. (In NumPy over the sorted rows: one pass,
    where a per-group mean broadcast back in the aggregation cost a second.)
    """
    plays = frame.get_column("plays").cast(pl.Float64).fill_null(np.nan).to_numpy()
    day = frame.get_column("date")
    inside = day.is_between(period.start, period.end).fill_null(False).to_numpy()
    counted = inside & ~np.isnan(plays)
    size = int(series[-1]) + 1 if series.size else 0
    total = np.bincount(series, weights=np.where(counted, plays, 0.0), minlength=size)
    days = np.bincount(series, weights=counted.astype(np.float64), minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        cap = total / days
        share = np.where(plays > 0, np.minimum(1.0, cap[series] / plays), 1.0)
    out: npt.NDArray[np.float64] = np.nan_to_num(share, nan=1.0)
    return out


def _order(frame: pl.DataFrame) -> tuple[npt.NDArray[np.intp] | None, npt.NDArray[np.intp]]:
    """`integrity.order_rows`, read off the integer codes of work and platform: one integer key
    (work, platform, day), sorted stably (None when the rows are in order already)."""
    work = frame.get_column("work_id").to_physical()
    platform = frame.get_column("platform").to_physical()
    day = frame.get_column("date").to_physical()
    if work.has_nulls() or platform.has_nulls() or day.has_nulls():
        return integrity.order_rows(frame)
    codes, days = platform.to_numpy(), day.to_numpy()
    platforms, low = int(codes.max()) + 1, int(days.min())
    span = int(days.max()) - low + 1
    key = work.to_numpy().astype(np.int64)
    key *= platforms
    key += codes
    key *= span
    key += days
    key -= low
    if bool(np.all(key[1:] >= key[:-1])):
        order = None
    else:
        order = np.argsort(key, kind="stable")  # merges the sorted runs a lake's files give
        key = key[order]
    key //= span  # the series
    starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    return order, starts


def _known_sum(expr: pl.Expr, name: str) -> pl.Expr:
    return pl.when(expr.count() > 0).then(expr.sum()).alias(name)


def _known_total(name: str, days: str) -> pl.Expr:
    return pl.when(pl.col(days) > 0).then(pl.col(name)).alias(name)


def _summaries(per_series: pl.DataFrame, totals: pl.DataFrame) -> pl.DataFrame:
    """Per work and platform with a day in the window: the window's totals and spreads."""
    n = pl.col("revenue_days").cast(pl.Int128)
    # Exact in integers, then one rounding: n·Σx² − (Σx)² over n(n − 1).
    variance = (n * pl.col("revenue_squares") - pl.col("revenue_sum").cast(pl.Int128).pow(2)).cast(
        pl.Float64
    ) / (n * (n - 1)).cast(pl.Float64)
    frame = per_series.join(totals, on=KEY, how="left")
    return frame.select(
        *KEY,
        "days",
        "plays",
        "effective_plays",
        "sd_effective_plays",
        "viewers",
        "watch_minutes",
        "completion",
        "watch_per_viewer",
        "sd_completion",
        "completion_days",
        _known_total("effective_likes", "likes_days"),
        *(_known_total(name, f"{name}_days") for name in OTHER_INTERACTIONS),
        _known_total("revenue_sum", "revenue_days").alias("revenue_fen"),
        pl.when(pl.col("revenue_days") >= 2).then(variance.sqrt()).alias("sd_revenue_fen"),
        _known_total("ad_spend_fen", "spend_days"),
        "flagged_days",
        "previous_effective_plays",
        "previous_days",
        "recharge_days",
    ).sort(KEY)
