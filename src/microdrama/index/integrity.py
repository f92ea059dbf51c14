"""Star Index step 1: find fake-traffic days per work and platform and discount their volume.

Method `integrity-2` (a series is one work on one platform, its rows sorted by date; each row
counts as one day).

A check compares a day's ratio with a baseline of its own series and fires when the day is off
by at least `ratio_factor` and its modified z-score 0.6745·(x − baseline)/MAD on the log scale is
at least `z_threshold`:
- plays per viewer: plays far above what the day's viewers support;
- engagement: completion rate or watch minutes per play collapse on a volume spike (plays far
  above the centred rolling median of `window` days, by the same z-score), or both collapse at
  once. A spike with matching viewers and engagement (an organic launch) fires nothing;
- likes per play: likes far above what the day's plays support, the baseline taken on the days
  the plays checks left alone (fake plays lower likes per play).
A day is flagged when any check fires; an unknown input silences only the checks that need it.

The baseline is the series median, weighted by the day's count where the ratio has one (a tail
day with three likes tells little), and, for a ratio fraud moves one way only, kept within
`ratio_factor` of the series' cleanest tenth of well-counted days: a launch bought from day one
has its median on the fake level. Detection runs twice; the second pass takes the plays baselines
on the days the first found no fake plays on.

Discount: a day flagged for plays keeps what the evidence that fired supports at the baseline
(viewers × plays per viewer; plays × completion / baseline completion; watch minutes / baseline
watch minutes per play), so "plays 8.3× the viewers support" keeps 1/8.3 of its plays; a flagged
day's likes are capped at effective plays × baseline likes per play. No day is dropped, nothing
rises, and effective volume is null only where plays (likes) are.

Integrity (`summarise`): the share of a work's days, over its platforms, that no check flagged.

Computation (it does not change the method): the rows are put in order once, by an integer key
(the rank of the series' work and platform, then the day) that is cheap to sort when they come in
sorted runs, as a lake's files do, and not moved at all when they are sorted already. The series
long enough to judge are laid out a block at a time as the rows of a NaN-padded matrix, one
series per row, a block small enough to stay in the processor's cache: every per-series median
or quantile is a NumPy sort along the rows, the rolling median a sorting network over shifted
copies. NaN stands for an unknown value while working, null in the output. The second pass only
reruns the series it can change (some but not all days flagged for plays; any other series gets
the same baselines again), and reasons are written only for the flagged days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

METHOD = "integrity-2"  # bump when the method changes

KEY = ("work_id", "platform")
_P = "__integrity_"  # prefix of the working columns of the reasons frame
# Cells (series × padded days) judged at a time: small enough that a block's working arrays
# stay in the processor's cache, large enough that NumPy's per-call overhead does not matter.
_BLOCK_CELLS = 1 << 16

_Floats = npt.NDArray[np.float64]
_Bools = npt.NDArray[np.bool_]
_Ints = npt.NDArray[np.intp]


@dataclass(frozen=True)
class IntegrityParams:
    """Thresholds of the fake-traffic checks."""

    window: int = 7  # days in the centred rolling median baseline: one week evens out weekdays
    # Modified z-score above which a day is anomalous. Iglewicz-Hoaglin suggest 3.5 for clean
    # data; with 20-30% day-to-day noise on viewers and likes that flagged innocent works
    # (precision 0.40), while 6 keeps precision 0.94 at recall 0.97 (1.0 / 0.98 without noise).
    z_threshold: float = 6.0
    ratio_factor: float = 2.5  # a ratio this many times the series' median is anomalous
    min_days: int = 5  # series shorter than this are never flagged (too little baseline)
    # The series' cleanest days that bound its baseline: a tenth still finds the organic ratio when
    # most of a series is inflated, and lies within 2.5× of the median unless the series is so
    # noisy (log-scale sd above 0.7) that the z-score decides anyway.
    clean_quantile: float = 0.1
    # Days expecting fewer counts than this (Poisson noise above 10%) are too noisy to show a
    # series' clean ratio: their lowest tenth is noise, not the organic level.
    min_count: float = 100.0
    # Added to counts before taking log ratios so that zero likes or viewers stay finite; half a
    # count is the usual continuity correction and moves nothing above a handful of counts.
    pseudo_count: float = 0.5
    # Floor of the log-scale spread: a series with a constant ratio (MAD 0) would otherwise turn
    # the rounding of its inputs (completion to 4 decimals) into infinite z-scores.
    min_spread: float = 0.01


# --- per-series statistics on a block: one series per row, NaN where a day is unknown or padding


def _quantiles(x: _Floats, *qs: float) -> list[_Floats]:
    """Per row, the linear quantiles of the known values (as Polars computes them); NaN if none."""
    ordered = np.sort(x, axis=1)  # NaN sorts last
    known = np.count_nonzero(~np.isnan(x), axis=1)
    rows = np.arange(len(x))
    out = []
    for q in qs:
        position = (known - 1) * q
        lower = np.maximum(np.floor(position).astype(np.intp), 0)
        upper = np.minimum(lower + 1, np.maximum(known - 1, 0))
        low, high = ordered[rows, lower], ordered[rows, upper]
        value = low + (high - low) * (position - lower)
        out.append(np.where(known > 0, value, np.nan))
    return out


def _median(x: _Floats) -> _Floats:
    return _quantiles(x, 0.5)[0]


def _weighted_median(x: _Floats, weight: _Floats, saturation: float) -> _Floats:
    """Per row, the median of `x` weighted by its denominator `weight`; NaN where none is known."""
    known = ~np.isnan(x) & (weight > 0)
    xs = np.where(known, x, np.nan)
    ws = np.where(known, weight, 0.0)
    # A day weighs as its denominator only up to the one at which it expects `saturation` counts
    # (at the pooled ratio): below, its ratio is mostly counting noise; above, all days count
    # alike, so that no burst, fake or organic, outweighs the ordinary days.
    # (Sums in day order, so that the padding of a block cannot change their rounding.)
    total = np.cumsum(ws, axis=1)[:, -1]
    cap = saturation * total / np.cumsum(np.where(known, xs * ws, 0.0), axis=1)[:, -1]
    ws = np.minimum(ws, cap[:, None])
    order = np.argsort(xs, axis=1)
    cumulative = np.cumsum(np.take_along_axis(ws, order, axis=1), axis=1)
    half = cumulative[:, -1:] / 2
    first = np.argmax(cumulative >= half, axis=1)
    value = np.take_along_axis(xs, np.take_along_axis(order, first[:, None], axis=1), axis=1)
    return np.where(known.any(axis=1), value[:, 0], np.nan)


def _rolling_median(x: _Floats, window: int) -> _Floats:
    """Per row, the median of the known values in a centred window of `window` days (Polars')."""
    m, w = x.shape
    left = window // 2
    padded = np.full((m, w + window - 1), np.inf)
    padded[:, left : left + w] = np.where(np.isnan(x), np.inf, x)
    seen = np.zeros((m, w + window), np.intp)
    np.cumsum(padded < np.inf, axis=1, out=seen[:, 1:])
    known = seen[:, window:] - seen[:, :w]
    # Sort the window's days with an odd-even transposition network over shifted copies.
    days = [padded[:, j : j + w].copy() for j in range(window)]
    spare = np.empty_like(days[0])
    for sweep in range(window):
        for i in range(sweep % 2, window - 1, 2):
            np.minimum(days[i], days[i + 1], out=spare)
            np.maximum(days[i], days[i + 1], out=days[i + 1])
            days[i], spare = spare, days[i]
    low, high = days[(window - 1) // 2].copy(), days[window // 2].copy()
    # Windows cut by the ends of a series or by unknown days: their median sits elsewhere.
    short = np.nonzero(known < window)
    if short[0].size:
        count = known[short]
        stacked = np.stack([d[short] for d in days])
        cells = np.arange(count.size)
        low[short] = stacked[np.maximum(count - 1, 0) // 2, cells]
        high[short] = stacked[count // 2, cells]
    median = low + (high - low) * 0.5
    return np.where(known > 0, median, np.nan)


def _where(rows: _Bools | None, x: _Floats) -> _Floats:
    return x if rows is None else np.where(rows, x, np.nan)


def _log_excess(count: _Floats, expected: _Floats, params: IntegrityParams) -> _Floats:
    """Log of a count over its expectation, both lifted by the pseudo-count."""
    c = params.pseudo_count
    return np.log((count + c) / (expected + c))


def _zscore(x: _Floats, count: _Floats, rows: _Bools | None, params: IntegrityParams) -> _Floats:
    """Modified z-score of the log residual `x` on the MAD of its usual days and count noise."""
    usual = x < math.log(params.ratio_factor)
    if rows is not None:
        usual &= rows
    centre = _median(np.where(usual, x, np.nan))
    mad = _median(np.where(usual, np.abs(x - centre[:, None]), np.nan))
    floor = np.fmax(1.4826 * mad, params.min_spread)
    noise = 1.0 / np.sqrt(np.maximum(count, 0.0) + 1.0)
    result: _Floats = x / np.fmax(floor[:, None], noise)
    return result


def _fires(excess: _Floats, z: _Floats, params: IntegrityParams) -> _Bools:
    """The day is off by `ratio_factor` with a z-score past the threshold (unknown: no)."""
    hit: _Bools = (excess >= math.log(params.ratio_factor)) & (z >= params.z_threshold)
    return hit


def _collapse(x: _Floats, baseline: _Floats) -> _Floats:
    """Log of baseline / value for an engagement measure: positive when it collapses."""
    m = baseline[:, None]
    # The floor keeps a zero completion finite.
    return np.where((m > 0) & (x >= 0), np.log(m / np.maximum(x, m * 1e-6)), np.nan)


@dataclass
class _Block:
    """The inputs of a block of series, one per row, and what the checks make of them."""

    p: _Floats
    v: _Floats
    l: _Floats  # noqa: E741
    c: _Floats
    wpp: _Floats
    ppv: _Floats
    lpp: _Floats
    roll: _Floats = field(init=False)
    spike: _Bools = field(init=False)
    # Per series: the medians (`med_*`) and the bounded baselines (`m_*`).
    med: dict[str, _Floats] = field(default_factory=dict)
    m: dict[str, _Floats] = field(default_factory=dict)
    exp_p: _Floats = field(init=False)
    exp_l: _Floats = field(init=False)
    f_ppv: _Bools = field(init=False)
    f_c: _Bools = field(init=False)
    f_wpp: _Bools = field(init=False)
    f_eng: _Bools = field(init=False)
    f_plays: _Bools = field(init=False)
    f_lpp: _Bools = field(init=False)


def _plays_checks(b: _Block, rows: _Bools | None, params: IntegrityParams) -> dict[str, Any]:
    """The plays checks of a block with baselines taken over `rows` (None: every day)."""
    ppv, c, wpp = _where(rows, b.ppv), _where(rows, b.c), _where(rows, b.wpp)
    # Plays per viewer only rises with fraud: its lowest well-counted days bound the baseline.
    med_ppv = _weighted_median(ppv, b.v, params.min_count)
    counted = b.v * med_ppv[:, None] >= params.min_count
    (clean,) = _quantiles(np.where(counted, ppv, np.nan), params.clean_quantile)
    m_ppv = np.where(clean > 0, np.fmin(med_ppv, params.ratio_factor * clean), med_ppv)
    # Completion and watch minutes per play only fall: their highest days bound the baseline.
    out: dict[str, Any] = {"med_ppv": med_ppv, "m_ppv": m_ppv}
    for name, x in (("c", c), ("wpp", wpp)):
        med, high = _quantiles(x, 0.5, 1.0 - params.clean_quantile)
        out["med_" + name] = med
        out["m_" + name] = np.fmax(med, high / params.ratio_factor)
    exp_p = b.v * m_ppv[:, None]  # expected plays at the baseline ratio: what viewers support
    e_ppv = _log_excess(b.p, exp_p, params)
    e_c, e_wpp = _collapse(b.c, out["m_c"]), _collapse(b.wpp, out["m_wpp"])
    f_ppv = _fires(e_ppv, _zscore(e_ppv, exp_p, rows, params), params)
    f_c = _fires(e_c, _zscore(e_c, b.p, rows, params), params)
    f_wpp = _fires(e_wpp, _zscore(e_wpp, b.p, rows, params), params)
    f_eng = (f_c | f_wpp) & (b.spike | (f_c & f_wpp))
    out.update(exp_p=exp_p, f_ppv=f_ppv, f_c=f_c, f_wpp=f_wpp, f_eng=f_eng, f_plays=f_ppv | f_eng)
    return out


_PLAYS_FIELDS = ("exp_p", "f_ppv", "f_c", "f_wpp", "f_eng", "f_plays")


def _judge(b: _Block, real: _Bools, params: IntegrityParams) -> None:
    """Runs every check on a block of series long enough to judge."""
    b.roll = _rolling_median(b.p, params.window)
    e_vol = _log_excess(b.p, b.roll, params)
    # Organic spikes are common, so the volume spread keeps every day.
    z_vol = _zscore(e_vol, b.roll, None, params)
    b.spike = (e_vol > 0) & (z_vol >= params.z_threshold)
    first = _plays_checks(b, None, params)
    # The second pass takes the plays baselines on the days the first found no fake plays on; a
    # series flagged on no day, or on every day (no cleaner baseline to take), keeps its own.
    f = first["f_plays"]
    again = np.nonzero(f.any(axis=1) & (real & ~f).any(axis=1))[0]
    if again.size:
        sub = _Block(*(getattr(b, k)[again] for k in ("p", "v", "l", "c", "wpp", "ppv", "lpp")))
        sub.spike = b.spike[again]
        second = _plays_checks(sub, ~f[again], params)
        for name, value in second.items():
            first[name][again] = value
    for name in _PLAYS_FIELDS:
        setattr(b, name, first[name])
    for name in ("ppv", "c", "wpp"):
        b.med[name], b.m[name] = first["med_" + name], first["m_" + name]
    # Likes per play rises with fake likes and falls with fake plays: the median alone, on the
    # days the plays checks left alone.
    likes_rows = ~b.f_plays
    med_lpp = _weighted_median(np.where(likes_rows, b.lpp, np.nan), b.p, params.min_count)
    b.med["lpp"] = b.m["lpp"] = med_lpp
    b.exp_l = b.p * med_lpp[:, None]
    e_lpp = _log_excess(b.l, b.exp_l, params)
    b.f_lpp = _fires(e_lpp, _zscore(e_lpp, b.exp_l, likes_rows, params), params)


def _effective(b: _Block) -> tuple[_Floats, _Floats]:
    """Effective plays and likes: flagged days capped at what their baselines support."""
    p, m_c, m_wpp = b.p, b.m["c"][:, None], b.m["wpp"][:, None]
    supports = [
        np.where(b.f_ppv, b.exp_p, np.nan),
        np.where(b.f_eng & (m_c > 0), p * b.c / m_c, np.nan),
        np.where(b.f_eng & (m_wpp > 0), p * b.wpp / m_wpp, np.nan),
    ]
    plays = p.copy()
    for support in supports:
        plays = np.where(b.f_plays, np.fmin(plays, support), plays)
    plays = np.where(np.isnan(p), np.nan, np.maximum(plays, 0.0))
    flagged = b.f_plays | b.f_lpp
    likes = np.where(flagged, np.fmin(b.l, plays * b.m["lpp"][:, None]), b.l)
    likes = np.where(np.isnan(b.l), np.nan, np.maximum(likes, 0.0))
    return plays, likes


# --- reasons, for the flagged days only ---------------------------------------------------------


def _col(name: str) -> pl.Expr:
    return pl.col(_P + name)


def _fmt(expr: pl.Expr) -> pl.Expr:
    """A number with two significant figures and no trailing ".0"."""
    return expr.round_sig_figs(2).cast(pl.Utf8).str.strip_suffix(".0")


def _reason(params: IntegrityParams) -> pl.Expr:
    """One short English phrase per check that fired, joined by "; "."""
    f_ppv, f_lpp = _col("f_ppv"), _col("f_lpp")
    f_c, f_wpp = _col("f_eng") & _col("f_c"), _col("f_eng") & _col("f_wpp")
    on_spike = _col("f_eng") & _col("spike")

    def num(value: pl.Expr, fired: pl.Expr) -> pl.Expr:
        return _fmt(pl.when(fired).then(value))

    def vs(name: str, fired: pl.Expr) -> pl.Expr:
        baseline = pl.when(fired).then(_col("m_" + name))
        label = pl.when(baseline == _col("med_" + name)).then(pl.lit("median"))
        return pl.format("{} {}", label.otherwise(pl.lit("baseline")), _fmt(baseline))

    spike = pl.format(
        f" on a plays spike ({{}}× the {params.window}-day median)",
        num(_col("p") / _col("roll"), on_spike),
    ).fill_null(pl.lit(""))
    reasons = [
        pl.format(
            "plays {}× the viewers support (plays/viewer {} vs {})",
            num(_col("p") / _col("exp_p"), f_ppv),
            num(_col("ppv"), f_ppv),
            vs("ppv", f_ppv),
        ),
        pl.format(
            "likes {}× the plays support (likes/play {} vs {})",
            num(_col("l") / _col("exp_l"), f_lpp),
            num(_col("lpp"), f_lpp),
            vs("lpp", f_lpp),
        ),
        pl.format("completion {} vs {}{}", num(_col("c"), f_c), vs("c", f_c), spike),
        pl.format(
            "watch minutes per play {} vs {}{}", num(_col("wpp"), f_wpp), vs("wpp", f_wpp), spike
        ),
    ]
    return pl.concat_str(reasons, separator="; ", ignore_nulls=True)


def _evidence(b: _Block, series: _Ints, days: _Ints) -> dict[str, npt.NDArray[Any]]:
    """What the reasons quote, at the flagged cells (`series`, `days`) of a block."""
    cells = (series, days)
    out: dict[str, npt.NDArray[Any]] = {}
    for name in ("p", "l", "c", "wpp", "ppv", "lpp", "roll", "exp_p", "exp_l", "spike"):
        out[name] = getattr(b, name)[cells]
    for name in ("f_ppv", "f_lpp", "f_c", "f_wpp", "f_eng"):
        out[name] = getattr(b, name)[cells]
    for name in ("ppv", "lpp", "c", "wpp"):
        out["med_" + name] = b.med[name][series]
        out["m_" + name] = b.m[name][series]
    return out


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


def _order(daily: pl.DataFrame) -> tuple[_Ints | None, _Ints]:
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


def _column(daily: pl.DataFrame, name: str) -> npt.NDArray[Any]:
    """A column in input order, NaN where unknown: a view of Polars' memory where it can be."""
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


def judge(daily: pl.DataFrame, order: _Ints | None, starts: _Ints, params: IntegrityParams) -> Hits:
    """The flagged days of the rows in sorted order (`_order`); every other day keeps its volume.

    Reads plays, viewers, likes, completion_rate and watch_minutes.
    """
    n = daily.height
    lengths = np.diff(np.append(starts, n))
    names = ("plays", "viewers", "likes", "completion_rate", "watch_minutes")
    p, v, l, c, watch = (_column(daily, k) for k in names)  # noqa: E741
    found: list[dict[str, npt.NDArray[Any]]] = []
    # Series long enough to judge, by length, cut into blocks of similar widths.
    judged = np.flatnonzero(lengths >= max(params.min_days, 1))
    judged = judged[np.argsort(lengths[judged], kind="stable")]
    first = 0
    while first < judged.size:
        ahead = lengths[judged[first : first + _BLOCK_CELLS]]
        fits = np.arange(1, ahead.size + 1) * ahead <= _BLOCK_CELLS  # True, then False
        last = first + max(1, int(np.count_nonzero(fits)))
        series = judged[first:last]
        width = int(lengths[series[-1]])
        first = last
        days = np.arange(width)
        real = days < lengths[series][:, None]
        at = (starts[series][:, None] + days)[real]
        source = at if order is None else order[at]

        def block(x: npt.NDArray[Any], real: _Bools = real, source: _Ints = source) -> _Floats:
            out = np.full(real.shape, np.nan)
            out[real] = x[source]
            return out

        bp, bv, bl, bw = block(p), block(v), block(l), block(watch)
        b = _Block(
            p=bp,
            v=bv,
            l=bl,
            c=block(c),
            wpp=np.where(bp > 0, bw / bp, np.nan),
            ppv=np.where(bv > 0, bp / bv, np.nan),
            lpp=np.where(bp > 0, bl / bp, np.nan),
        )
        _judge(b, real, params)
        hit_series, hit_days = np.nonzero(b.f_plays | b.f_lpp)
        if hit_series.size:
            effective_plays, effective_likes = _effective(b)
            evidence = _evidence(b, hit_series, hit_days)
            evidence["row"] = starts[series][hit_series] + hit_days
            evidence["effective_plays"] = effective_plays[hit_series, hit_days]
            evidence["effective_likes"] = effective_likes[hit_series, hit_days]
            found.append(evidence)
    if not found:
        none = np.empty(0)
        return Hits(np.empty(0, np.intp), none, none, pl.Series("reason", [], pl.Utf8))
    columns = {k: np.concatenate([e[k] for e in found]) for k in found[0]}
    rows = columns.pop("row")
    plays, likes = columns.pop("effective_plays"), columns.pop("effective_likes")
    frame = pl.DataFrame(
        {_P + k: pl.Series(values, nan_to_null=True) for k, values in columns.items()}
    )
    reason = frame.select(_reason(params)).to_series().alias("reason")
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
    order, starts = _order(daily)
    plays = sorted_counts(_column(daily, "plays"), order)
    likes = sorted_counts(_column(daily, "likes"), order)
    flagged, reason = judge(daily, order, starts, params).scatter(daily.height, plays, likes)
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


def summarise(flagged: pl.LazyFrame) -> pl.LazyFrame:
    """Per work: integrity score and flag counts."""
    plays = pl.col("plays").cast(pl.Float64)
    likes = pl.col("likes").cast(pl.Float64)
    totals = flagged.group_by("work_id").agg(
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
