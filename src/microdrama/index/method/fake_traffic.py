"""The fake-traffic checks of method `integrity-3` on a block of series, and their reasons.

A block holds series of similar lengths as the rows of NaN-padded matrices, one series per row
(NaN where a day is unknown or padding), small enough to stay in the processor's cache: every
per-series median or quantile is a NumPy sort along the rows, the rolling median a selection
network over shifted views. Work that cannot change a result is skipped: a series' spread only
where some day is far enough off to fire, a z-score only on such days, the rolling median and
spikes only for series whose engagement checks fire. The method itself is described in
`integrity`; this module is its arithmetic, and `integrity` lays the rows out and collects what
the checks find.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

P = "__integrity_"  # prefix of the working columns of the reasons frame

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
    # Plays a day needs before its money per play is judged: recharge comes in payments of a few
    # yuan, so fewer plays bring too few payments to average out.
    money_plays: float = 1_000.0
    # The cohort check (`cohort_checks`): a series' money and effortful interactions per play
    # both at least `cohort_z` robust z-scores and `cohort_factor` times under its cohort's
    # median, among `cohort_min_series` series with `cohort_min_plays` plays in the window.
    cohort_z: float = 2.5
    cohort_factor: float = 2.0
    cohort_min_series: int = 40
    cohort_min_plays: float = 1_000.0


# --- per-series statistics on a block: one series per row, NaN where a day is unknown or padding


def quantiles(x: _Floats, *qs: float) -> list[_Floats]:
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
    return quantiles(x, 0.5)[0]


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
    # Unknown days (weight 0) sort last as +inf: NumPy's vectorised argsort gives up on NaN
    # and falls back to a sort five times slower.
    order = np.argsort(np.where(known, x, np.inf), axis=1)
    cumulative = np.cumsum(np.take_along_axis(ws, order, axis=1), axis=1)
    half = cumulative[:, -1:] / 2
    first = np.argmax(cumulative >= half, axis=1)
    value = np.take_along_axis(xs, np.take_along_axis(order, first[:, None], axis=1), axis=1)
    return np.where(known.any(axis=1), value[:, 0], np.nan)


# The fewest compare-exchanges known to sort a few values (Knuth, TAOCP 5.3.4): a week's window
# takes 16 instead of the 21 of odd-even transposition.
_NETWORKS = {
    3: ((0, 2), (0, 1), (1, 2)),
    5: ((0, 3), (1, 4), (0, 2), (1, 3), (0, 1), (2, 4), (1, 2), (3, 4), (2, 3)),
    7: (
        (0, 6), (2, 3), (4, 5), (0, 2), (1, 4), (3, 6), (0, 1), (2, 5),
        (3, 4), (1, 2), (4, 6), (2, 3), (4, 5), (1, 2), (3, 4), (5, 6),
    ),
}  # fmt: skip


def sorting_network(n: int) -> tuple[tuple[int, int], ...]:
    """Compare-exchanges (i < j) that sort `n` values: a known small one, else odd-even
    transposition."""
    if n in _NETWORKS:
        return _NETWORKS[n]
    return tuple((i, i + 1) for sweep in range(n) for i in range(sweep % 2, n - 1, 2))


def selection_network(n: int, wanted: set[int]) -> list[tuple[int, int, bool, bool]]:
    """The compare-exchanges of `sorting_network(n)` that the `wanted` order statistics depend
    on, each with whether its low and its high output is still read."""
    live, steps = set(wanted), []
    for i, j in reversed(sorting_network(n)):
        keep_low, keep_high = i in live, j in live
        if keep_low or keep_high:
            steps.append((i, j, keep_low, keep_high))
            live |= {i, j}
    return steps[::-1]


def rolling_median(x: _Floats, window: int) -> _Floats:
    """Per row, the median of the known values in a centred window of `window` days (Polars')."""
    m, w = x.shape
    left = window // 2
    padded = np.full((m, w + window - 1), np.inf)
    padded[:, left : left + w] = np.where(np.isnan(x), np.inf, x)
    seen = np.zeros((m, w + window), np.intp)
    np.cumsum(padded < np.inf, axis=1, out=seen[:, 1:])
    known = seen[:, window:] - seen[:, :w]
    # The middle days of full windows: a selection network over shifted views (only the
    # compare-exchanges the middle depends on, and only the outputs they read).
    low_k, high_k = (window - 1) // 2, window // 2
    days = [padded[:, j : j + w] for j in range(window)]  # views until first written
    owned = [False] * window
    spare: _Floats | None = None
    for i, j, keep_low, keep_high in selection_network(window, {low_k, high_k}):
        a, b = days[i], days[j]
        if keep_low and keep_high:
            days[i] = np.minimum(a, b, out=spare)
            days[j] = np.maximum(a, b, out=b if owned[j] else None)
            spare = a if owned[i] else None
        elif keep_low:
            days[i] = np.minimum(a, b, out=a if owned[i] else None)
        else:
            days[j] = np.maximum(a, b, out=b if owned[j] else None)
        owned[i] |= keep_low
        owned[j] |= keep_high
    low, high = days[low_k].copy(), days[high_k].copy()
    # Windows cut by the ends of a series or by unknown days: their median sits elsewhere, so
    # their days (few) are sorted outright.
    short = np.nonzero(known < window)
    if short[0].size:
        count = known[short]
        stacked = np.sort(np.stack([padded[short[0], short[1] + j] for j in range(window)]), axis=0)
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


def _spread(x: _Floats, rows: _Bools | None, params: IntegrityParams) -> _Floats:
    """Per row, the scale of the modified z-score of the log residual `x`: the MAD of its usual
    days (floored)."""
    usual = x < math.log(params.ratio_factor)
    if rows is not None:
        usual &= rows
    centre = _median(np.where(usual, x, np.nan))
    mad = _median(np.where(usual, np.abs(x - centre[:, None]), np.nan))
    spread: _Floats = np.fmax(1.4826 * mad, params.min_spread)
    return spread


def _z_past(
    x: _Floats, count: _Floats, spread: _Floats, candidates: _Bools, params: IntegrityParams
) -> _Bools:
    """Candidate days whose modified z-score (on the row's spread and the day's count noise)
    reaches the threshold; computed at the candidates only where they are few."""
    if 8 * np.count_nonzero(candidates) > candidates.size:
        noise_all = 1.0 / np.sqrt(np.maximum(count, 0.0) + 1.0)
        past_all: _Bools = candidates & (
            x / np.fmax(spread[:, None], noise_all) >= params.z_threshold
        )
        return past_all
    series, days = np.nonzero(candidates)
    cells = (series, days)
    noise = 1.0 / np.sqrt(np.maximum(count[cells], 0.0) + 1.0)
    z = x[cells] / np.fmax(spread[series], noise)
    past = np.zeros(x.shape, np.bool_)
    past[cells] = z >= params.z_threshold
    return past


def _fires(excess: _Floats, count: _Floats, rows: _Bools | None, params: IntegrityParams) -> _Bools:
    """The day is off by `ratio_factor` with a z-score past the threshold (unknown: no)."""
    off = excess >= math.log(params.ratio_factor)
    # Most series have no day off by that much: their spread (two sorts) is never read.
    candidates = np.flatnonzero(off.any(axis=1))
    if candidates.size == 0:
        return off
    spread = np.full(len(excess), np.nan)
    spread[candidates] = _spread(
        excess[candidates], None if rows is None else rows[candidates], params
    )
    return _z_past(excess, count, spread, off, params)


def _collapse(x: _Floats, baseline: _Floats) -> _Floats:
    """Log of baseline / value for an engagement measure: positive when it collapses."""
    m = baseline[:, None]
    # The floor keeps a zero completion finite.
    return np.where((m > 0) & (x >= 0), np.log(m / np.maximum(x, m * 1e-6)), np.nan)


@dataclass
class Block:
    """The inputs of a block of series, one per row, and what the checks make of them."""

    p: _Floats
    v: _Floats
    l: _Floats  # noqa: E741
    c: _Floats
    wpp: _Floats
    ppv: _Floats
    lpp: _Floats
    mpp: _Floats  # money (recharge + ad revenue) per play
    ipp: _Floats  # interactions that cost a person's effort (comments, shares, favourites) per play
    # The rolling median of plays and the days on a plays spike, filled in (`volume`) only for
    # the series whose engagement checks fire: no other check reads them.
    roll: _Floats = field(init=False)
    spike: _Bools = field(init=False)
    has_volume: _Bools = field(init=False)
    # Per series: the medians (`med_*`) and the bounded baselines (`m_*`).
    med: dict[str, _Floats] = field(default_factory=dict)
    m: dict[str, _Floats] = field(default_factory=dict)
    exp_p: _Floats = field(init=False)
    exp_l: _Floats = field(init=False)
    f_ppv: _Bools = field(init=False)
    f_c: _Bools = field(init=False)
    f_wpp: _Bools = field(init=False)
    f_eng: _Bools = field(init=False)
    f_mpp: _Bools = field(init=False)
    f_ipp: _Bools = field(init=False)
    f_lpl: _Bools = field(init=False)  # likes per play collapsing (fake plays, not fake likes)
    f_plays: _Bools = field(init=False)
    f_lpp: _Bools = field(init=False)


def volume(b: Block, series: _Ints, params: IntegrityParams) -> _Bools:
    """The spike days of some series (rows of the block), computing those not known yet."""
    todo = series[~b.has_volume[series]]
    if todo.size:
        p = b.p[todo]
        roll = rolling_median(p, params.window)
        e_vol = _log_excess(p, roll, params)
        # Organic spikes are common, so the volume spread keeps every day.
        b.roll[todo] = roll
        b.spike[todo] = _z_past(e_vol, roll, _spread(e_vol, None, params), e_vol > 0, params)
        b.has_volume[todo] = True
    return b.spike[series]


def _plays_checks(
    b: Block, rows: _Bools | None, params: IntegrityParams, spikes: Callable[[_Ints], _Bools]
) -> dict[str, Any]:
    """The plays checks of a block with baselines taken over `rows` (None: every day);
    `spikes(series)` gives the spike days of some of its series."""
    ppv, c, wpp = _where(rows, b.ppv), _where(rows, b.c), _where(rows, b.wpp)
    mpp, ipp, lpp = _where(rows, b.mpp), _where(rows, b.ipp), _where(rows, b.lpp)
    # Plays per viewer only rises with fraud: its lowest well-counted days bound the baseline.
    med_ppv = _weighted_median(ppv, b.v, params.min_count)
    counted = b.v * med_ppv[:, None] >= params.min_count
    (clean,) = quantiles(np.where(counted, ppv, np.nan), params.clean_quantile)
    m_ppv = np.where(clean > 0, np.fmin(med_ppv, params.ratio_factor * clean), med_ppv)
    out: dict[str, Any] = {"med_ppv": med_ppv, "m_ppv": m_ppv}
    # Completion, watch minutes, money, effortful interactions and likes per play only fall
    # with fake plays: their highest days bound the baseline.
    can: dict[str, _Bools] = {}
    for name, x, every in (
        ("c", c, b.c),
        ("wpp", wpp, b.wpp),
        ("mpp", mpp, b.mpp),
        ("ipp", ipp, b.ipp),
        ("lpl", lpp, b.lpp),
    ):
        out["med_" + name], out["m_" + name], can[name] = _falling_baseline(x, every, params)
    exp_p = b.v * m_ppv[:, None]  # expected plays at the baseline ratio: what viewers support
    e_ppv = _log_excess(b.p, exp_p, params)
    e_c, e_wpp = _collapse(b.c, out["m_c"]), _collapse(b.wpp, out["m_wpp"])
    # Interactions are few: their collapse is a count against what the plays should bring,
    # both lifted by the pseudo-count, so a quiet tail day's zero comments fires nothing. Money
    # comes in payments, not per play: a day is judged on it only where its plays are many
    # enough (`money_plays`) for the payments to average out.
    exp_i = b.p * out["m_ipp"][:, None]
    e_ipp = _unless_impossible(-_log_excess(b.p * b.ipp, exp_i, params), b.ipp, can["ipp"])
    # Likes are cheap to buy, so they back nothing; but bought plays that bring no likes show
    # as likes per play collapsing, the one check left where a platform reports little else.
    exp_lpl = b.p * out["m_lpl"][:, None]
    e_lpl = -_log_excess(b.l, exp_lpl, params)
    e_mpp = _unless_impossible(_collapse(b.mpp, out["m_mpp"]), b.mpp, can["mpp"])
    e_mpp = np.where(b.p >= params.money_plays, e_mpp, np.nan)
    f_ppv = _fires(e_ppv, exp_p, rows, params)
    f_c = _fires(e_c, b.p, rows, params)
    f_wpp = _fires(e_wpp, b.p, rows, params)
    # Money is not a count: its noise is the series' own spread; interactions are few, so the
    # counting noise of what the day's plays should bring is part of their z-score.
    f_mpp = _fires(e_mpp, b.p, rows, params)
    f_ipp = _fires(e_ipp, exp_i, rows, params)
    f_lpl = _fires(e_lpl, exp_lpl, rows, params)
    # A real audience brings new viewers, money and comments with it; bots bring none cheaply.
    # A day whose plays are backed by money or effortful interactions (neither off by
    # `ratio_factor`) with viewers in step (plays per viewer within its square root) is casual
    # viewers, not bots, however little they watch. Viewers alone back nothing: a device farm
    # makes them.
    off = math.log(params.ratio_factor)
    known = ~np.isnan(e_mpp) | ~np.isnan(e_ipp)
    strays = (e_mpp >= off) | (e_ipp >= off) | (e_ppv >= off / 2)
    backed = known & ~strays
    either = (f_c | f_wpp) & ~backed
    f_eng = np.zeros_like(either)
    # Money and interactions per play collapse on a spike or on consecutive days: a single
    # day's lumpy recharge or quiet comments is not enough.
    f_mpp &= ~backed
    f_ipp &= ~backed
    f_lpl &= ~backed
    engaged = np.flatnonzero((either | f_mpp | f_ipp | f_lpl).any(axis=1))
    if engaged.size:
        spike = spikes(engaged)
        both = f_c[engaged] & f_wpp[engaged]
        f_eng[engaged] = either[engaged] & (spike | both)
        f_mpp[engaged] &= spike | _sustained(f_mpp[engaged])
        f_ipp[engaged] &= spike | _sustained(f_ipp[engaged])
        f_lpl[engaged] &= spike | _sustained(f_lpl[engaged])
    f_plays = f_ppv | f_eng | f_mpp | f_ipp | f_lpl
    out.update(
        exp_p=exp_p,
        f_ppv=f_ppv,
        f_c=f_c,
        f_wpp=f_wpp,
        f_eng=f_eng,
        f_mpp=f_mpp,
        f_ipp=f_ipp,
        f_lpl=f_lpl,
        f_plays=f_plays,
    )
    return out


def _falling_baseline(
    x: _Floats, every: _Floats, params: IntegrityParams
) -> tuple[_Floats, _Floats, _Bools]:
    """Per row, the median and the bounded baseline of a ratio that only falls with fake
    plays (taken over the days of `x`), and whether any day of `every` can collapse against it.

    The baseline never exceeds the row's highest day, so a row whose lowest day is within
    `ratio_factor` of its highest cannot fire: its sorts are skipped (NaN baselines), which is
    most rows. `every`: the same ratio on all days (`x` may be restricted to some).
    """
    lowest = np.fmin.reduce(every, axis=1)
    highest = np.fmax.reduce(x, axis=1)
    can = lowest * params.ratio_factor <= highest  # NaN compares False
    med = np.full(len(x), np.nan)
    bound = np.full(len(x), np.nan)
    rows = np.flatnonzero(can)
    if rows.size:
        middle, high = quantiles(x[rows], 0.5, 1.0 - params.clean_quantile)
        med[rows] = middle
        bound[rows] = np.fmax(middle, high / params.ratio_factor)
    return med, bound, can


def _unless_impossible(excess: _Floats, x: _Floats, can: _Bools) -> _Floats:
    """A collapse's log excess, and 0 (known, in line) on the known days of rows that cannot
    collapse: their baseline was never computed, but they back a day as much as any."""
    return np.where(can[:, None], excess, np.where(np.isnan(x), np.nan, 0.0))


def _sustained(fired: _Bools) -> _Bools:
    """Days that fire with a neighbouring day firing too."""
    neighbour = np.zeros_like(fired)
    neighbour[:, 1:] |= fired[:, :-1]
    neighbour[:, :-1] |= fired[:, 1:]
    return fired & neighbour


_INPUTS = ("p", "v", "l", "c", "wpp", "ppv", "lpp", "mpp", "ipp")
_PLAYS_FIELDS = ("exp_p", "f_ppv", "f_c", "f_wpp", "f_eng", "f_mpp", "f_ipp", "f_lpl", "f_plays")


def judge_block(b: Block, real: _Bools, params: IntegrityParams) -> None:
    """Runs every check on a block of series long enough to judge."""
    b.roll = np.full(b.p.shape, np.nan)
    b.spike = np.zeros(b.p.shape, np.bool_)
    b.has_volume = np.zeros(len(b.p), np.bool_)
    first = _plays_checks(b, None, params, lambda series: volume(b, series, params))
    # The second pass takes the plays baselines on the days the first found no fake plays on; a
    # series flagged on no day, or on every day (no cleaner baseline to take), keeps its own.
    f = first["f_plays"]
    again = np.nonzero(f.any(axis=1) & (real & ~f).any(axis=1))[0]
    if again.size:
        sub = Block(*(getattr(b, k)[again] for k in _INPUTS))
        second = _plays_checks(
            sub, ~f[again], params, lambda series: volume(b, again[series], params)
        )
        for name, value in second.items():
            first[name][again] = value
    for name in _PLAYS_FIELDS:
        setattr(b, name, first[name])
    for name in ("ppv", "c", "wpp", "mpp", "ipp", "lpl"):
        b.med[name], b.m[name] = first["med_" + name], first["m_" + name]
    # Likes per play rises with fake likes and falls with fake plays: the median alone, on the
    # days the plays checks left alone.
    likes_rows = ~b.f_plays
    med_lpp = _weighted_median(np.where(likes_rows, b.lpp, np.nan), b.p, params.min_count)
    b.med["lpp"] = b.m["lpp"] = med_lpp
    b.exp_l = b.p * med_lpp[:, None]
    e_lpp = _log_excess(b.l, b.exp_l, params)
    b.f_lpp = _fires(e_lpp, b.exp_l, likes_rows, params)


def effective(b: Block, series: _Ints, days: _Ints) -> tuple[_Floats, _Floats]:
    """Effective plays and likes at the flagged cells (`series`, `days`) of a block: capped at
    what their baselines support."""
    cells = (series, days)
    p, c, wpp = b.p[cells], b.c[cells], b.wpp[cells]
    m_c, m_wpp = b.m["c"][series], b.m["wpp"][series]
    f_plays, f_eng = b.f_plays[cells], b.f_eng[cells]
    supports = [
        np.where(b.f_ppv[cells], b.exp_p[cells], np.nan),
        np.where(f_eng & (m_c > 0), p * c / m_c, np.nan),
        np.where(f_eng & (m_wpp > 0), p * wpp / m_wpp, np.nan),
    ]
    for name, ratio in (("mpp", "mpp"), ("ipp", "ipp"), ("lpl", "lpp")):
        baseline = b.m[name][series]
        fired = getattr(b, "f_" + name)[cells] & (baseline > 0)
        supports.append(np.where(fired, p * getattr(b, ratio)[cells] / baseline, np.nan))
    plays = p.copy()
    for support in supports:
        plays = np.where(f_plays, np.fmin(plays, support), plays)
    plays = np.where(np.isnan(p), np.nan, np.maximum(plays, 0.0))
    likes_seen = b.l[cells]
    likes = np.fmin(likes_seen, plays * b.m["lpp"][series])  # every cell here is flagged
    likes = np.where(np.isnan(likes_seen), np.nan, np.maximum(likes, 0.0))
    return plays, likes


# --- reasons, for the flagged days only ---------------------------------------------------------


def _col(name: str) -> pl.Expr:
    return pl.col(P + name)


def _fmt(expr: pl.Expr) -> pl.Expr:
    """A number with two significant figures and no trailing ".0"."""
    return expr.round_sig_figs(2).cast(pl.Utf8).str.strip_suffix(".0")


def reason(params: IntegrityParams) -> pl.Expr:
    """One short English phrase per check that fired, joined by "; "."""
    f_ppv, f_lpp = _col("f_ppv"), _col("f_lpp")
    f_c, f_wpp = _col("f_eng") & _col("f_c"), _col("f_eng") & _col("f_wpp")
    f_mpp, f_ipp, f_lpl = _col("f_mpp"), _col("f_ipp"), _col("f_lpl")
    on_spike = _col("f_eng") & _col("spike")

    def num(value: pl.Expr, fired: pl.Expr) -> pl.Expr:
        return _fmt(pl.when(fired).then(value))

    def vs(name: str, fired: pl.Expr, scale: float = 1.0) -> pl.Expr:
        baseline = pl.when(fired).then(_col("m_" + name))
        label = pl.when(baseline == _col("med_" + name)).then(pl.lit("median"))
        return pl.format("{} {}", label.otherwise(pl.lit("baseline")), _fmt(scale * baseline))

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
        pl.format("money per play {} fen vs {} fen", num(_col("mpp"), f_mpp), vs("mpp", f_mpp)),
        pl.format(
            "comments, shares and favourites per 1,000 plays {} vs {}",
            num(1000 * _col("ipp"), f_ipp),
            vs("ipp", f_ipp, 1000.0),
        ),
        pl.format(
            "likes per play {} vs {} (plays that bring no likes)",
            num(_col("lpp"), f_lpl),
            vs("lpl", f_lpl),
        ),
    ]
    return pl.concat_str(reasons, separator="; ", ignore_nulls=True)


def evidence(b: Block, series: _Ints, days: _Ints) -> dict[str, npt.NDArray[Any]]:
    """What the reasons quote, at the flagged cells (`series`, `days`) of a block."""
    cells = (series, days)
    out: dict[str, npt.NDArray[Any]] = {}
    for name in ("p", "l", "c", "wpp", "ppv", "lpp", "mpp", "ipp", "roll", "exp_p", "exp_l"):
        out[name] = getattr(b, name)[cells]
    out["spike"] = b.spike[cells]
    for name in ("f_ppv", "f_lpp", "f_c", "f_wpp", "f_eng", "f_mpp", "f_ipp", "f_lpl"):
        out[name] = getattr(b, name)[cells]
    for name in ("ppv", "lpp", "c", "wpp", "mpp", "ipp", "lpl"):
        out["med_" + name] = b.med[name][series]
        out["m_" + name] = b.m[name][series]
    return out
