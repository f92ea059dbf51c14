"""Simulated daily metrics: one rise-and-decay series per (work, platform), fake traffic planted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from microdrama.demo.banks import OVERSEAS_FROM, PLATFORMS
from microdrama.demo.sampling import EPOCH, F64, BoolA, choice

if TYPE_CHECKING:
    from microdrama.demo.config import SimulationConfig

# How strongly fake traffic concentrates on weaker works (log-odds per SD of latent quality).
_FRAUD_QUALITY_TILT = 1.0


def simulate_series(
    config: SimulationConfig, w: dict[str, Any], rng: np.random.Generator
) -> dict[str, Any]:
    """One series per (work, platform): primary for all, a second platform for ~15% of works."""
    n = w["n"]
    # A second platform, 0-20 days later, of the same market (domestic or overseas); launches
    # after the window are dropped.
    second = np.flatnonzero(rng.random(n) < 0.15)
    second_release = w["release"][second] + rng.integers(0, 21, second.size)
    inside = second_release < config.days
    second, second_release = second[inside], second_release[inside]
    primary = w["platform"][second]
    platform_ids = np.arange(len(PLATFORMS))
    same_market = (platform_ids[None, :] >= OVERSEAS_FROM) == (primary[:, None] >= OVERSEAS_FROM)
    allowed = same_market & (platform_ids[None, :] != primary[:, None])
    keys = np.log([p[1] for p in PLATFORMS]) + rng.gumbel(size=(second.size, len(PLATFORMS)))
    other = np.argmax(np.where(allowed, keys, -np.inf), axis=1)
    s_work = np.concatenate([np.arange(n), second])
    count = s_work.size
    s = {
        "work": s_work,
        "platform": np.concatenate([w["platform"], other]),
        "release": np.concatenate([w["release"], second_release]),  # days from window start
        "log_life": np.concatenate(
            [w["log_life"], w["log_life"][second] + np.log(rng.uniform(0.05, 0.4, second.size))]
        ),
        # Rise-and-decay: peak 3-9 days after launch, decay e-fold 3-10 days (2-6 weeks to 1%),
        # plus a small slow tail [facts: Distributions / age: most reads in the first weeks].
        "peak": rng.uniform(3.0, 9.0, count),
        "theta": rng.uniform(3.0, 10.0, count),
        "tail": np.exp(rng.uniform(np.log(0.004), np.log(0.03), count)),
        "tau": rng.uniform(30.0, 120.0, count),
        "ppv": rng.uniform(1.3, 3.0, count),  # plays per viewer
    }
    # Normalise each curve to a unit lifetime sum: gamma part on a grid, tail in closed form.
    grid = np.arange(240, dtype=np.float64) + 0.5
    total = np.zeros(count)
    for lo in range(0, count, 4096):
        sl = slice(lo, lo + 4096)
        total[sl] = _gamma_part(grid[None, :], s["peak"][sl, None], s["theta"][sl, None]).sum(1)
    total += s["tail"] * np.exp(-0.5 / s["tau"]) / (1 - np.exp(-1 / s["tau"]))
    s["norm"] = total
    return s


def _gamma_part(t: F64, peak: F64, theta: F64) -> F64:
    """Gamma-shaped curve with value 1 at `peak`: (t/peak)^(peak/theta) * exp(-(t-peak)/theta)."""
    return np.asarray(np.exp((peak / theta) * np.log(t / peak) - (t - peak) / theta))


@dataclass(frozen=True)
class DailyMetrics:
    """What the daily simulation hands on: the metrics table and the fraud it planted."""

    frame: pl.DataFrame
    fraud: pl.DataFrame
    fraud_works: BoolA
    series_viewers: F64  # viewers in the window per series


def simulate_metrics(
    config: SimulationConfig, w: dict[str, Any], s: dict[str, Any], rng: np.random.Generator
) -> DailyMetrics:
    """Daily rows of every series with revenue, ad spend and planted fake-traffic bursts."""
    n_series = s["work"].size
    first_t = np.maximum(0, -s["release"])
    last_t = config.days - 1 - s["release"]
    lengths = last_t - first_t + 1
    idx = np.repeat(np.arange(n_series), lengths)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    t = (np.arange(idx.size) - offsets[idx] + first_t[idx]).astype(np.float64)
    th = t + 0.5
    curve = _gamma_part(th, s["peak"][idx], s["theta"][idx]) + s["tail"][idx] * np.exp(
        -th / s["tau"][idx]
    )
    # Drop the decayed tail (< 0.1% of peak) to keep the table small.
    keep = (th <= s["peak"][idx]) | (curve >= 1e-3)
    idx, t, curve = idx[keep], t[keep], curve[keep]
    rows = idx.size
    day = s["release"][idx] + t.astype(np.int64)  # days from window start
    weekday = (config.start_date.weekday() + day) % 7
    work = s["work"][idx]

    life = np.exp(s["log_life"])[idx]
    mean = life * curve / s["norm"][idx] * np.where(weekday >= 5, 1.1, 1.0)
    plays = np.rint(mean * rng.lognormal(0, 0.08, rows))
    viewers = np.minimum(plays, np.rint(plays / s["ppv"][idx] * rng.lognormal(0, 0.04, rows)))
    q = w["q"][work]
    # Completion 0.15-0.6 rising with quality; watch minutes per play cover a
    # completion-related share of the drama [facts: Works / format].
    completion_w = np.clip(0.375 + 0.09 * w["q"] + rng.normal(0, 0.04, w["n"]), 0.15, 0.6)
    completion = np.clip(completion_w[work] + rng.normal(0, 0.015, rows), 0.1, 0.7)
    eps_per_play = w["episodes"][work] * (0.05 + 0.5 * completion)
    watch = plays * w["episode_minutes"][work] * eps_per_play
    # Favourites per play: median 0.011, p10 0.0055, p90 0.028 [facts: Distributions /
    # favourites per read]; likes, comments, shares at q-dependent multiples.
    # A quadratic term gives the right skew of the catalogue (p90/p50 2.5 against p50/p10 2).
    z = 0.5 * w["q"] + np.sqrt(0.75) * rng.normal(size=w["n"])
    fav_rate = 0.011 * np.exp(0.635 * z + 0.0733 * z**2)
    favorites = rng.poisson(plays * fav_rate[work])
    likes = rng.poisson(plays * fav_rate[work] * 3.0 * np.exp(0.1 * q))
    comments = rng.poisson(plays * fav_rate[work] * 0.25)
    shares = rng.poisson(plays * fav_rate[work] * 0.2 * np.exp(0.2 * q))

    # Revenue. IAP: a few daily payers among viewers buy part of the paid episodes (a whole
    # drama costs tens of yuan to ~100) [facts: Works / format]. IAA: ~0.01-0.03 yuan of ads a
    # play. Hybrid does half of each. The payer rate is set so that ads earn ~55-60% of all
    # revenue [facts: Market / free vs paid: 50% (2024) to 66% (2025)].
    model = w["model"][work]
    conv = 0.001 * np.exp(0.3 * w["q"] + 0.3 * rng.normal(size=w["n"]))
    bought = (w["episodes"] - np.maximum(w["paywall"], 0)) * rng.uniform(0.3, 0.8, w["n"])
    per_payer = np.minimum(w["price"] * bought, 100.0)
    recharge = viewers * conv[work] * per_payer[work] * np.where(model == 2, 0.5, 1.0)
    recharge *= rng.lognormal(0, 0.15, rows)
    ecpm = rng.uniform(0.01, 0.03, w["n"])[work] * np.where(model == 2, 0.5, 1.0)
    ad_revenue = plays * ecpm * rng.lognormal(0, 0.1, rows)
    recharge = np.where(model == 1, np.nan, recharge)
    ad_revenue = np.where(model == 0, np.nan, ad_revenue)
    # Ad spend to buy traffic, known for ~40% of works: 60-90% of revenue in the launch weeks,
    # fading after [facts: Market / ad spend].
    has_spend = (rng.random(w["n"]) < 0.4)[work]
    ratio = rng.uniform(0.6, 0.9, n_series)[idx] * np.exp(-np.maximum(t - 14, 0) / 10)
    revenue = np.nan_to_num(recharge) + np.nan_to_num(ad_revenue)
    spend = np.where(has_spend, revenue * ratio * rng.lognormal(0, 0.15, rows), np.nan)

    # Fake traffic: bursts of 2-7 days, plays and/or likes x3-20, nothing else follows
    # [facts: Works / fake traffic].
    play_factor = np.ones(rows)
    like_factor = np.ones(rows)
    starts = np.searchsorted(idx, np.arange(n_series))
    ends = np.searchsorted(idx, np.arange(n_series), side="right")
    n_fraud = round(config.fraud_share * w["n"])
    eligible = np.flatnonzero(ends[: w["n"]] - starts[: w["n"]] >= 10)
    # Works whose organic numbers disappoint are the ones that buy traffic to climb the charts
    # [facts: Works / fake traffic]: the odds fall with latent quality.
    odds = np.exp(-_FRAUD_QUALITY_TILT * w["q"][eligible])
    chosen = rng.choice(
        eligible, size=min(n_fraud, eligible.size), replace=False, p=odds / odds.sum()
    )
    chosen.sort()
    fraud_works = np.zeros(w["n"], dtype=bool)
    fraud_works[chosen] = True
    bursts: dict[str, list[Any]] = {
        k: [] for k in ("work", "platform", "start", "end", "kind", "factor")
    }
    kinds = ("plays", "likes", "plays_and_likes")
    for series in chosen.tolist():
        lo, hi = int(starts[series]), int(ends[series])
        span = min(hi - lo, 45)
        taken = np.zeros(span, dtype=bool)
        for _ in range(int(rng.integers(1, 4))):
            length = int(rng.integers(2, 8))
            begin = int(rng.integers(0, max(span - length, 0) + 1))
            stop = min(begin + length, span)
            if taken[max(begin - 1, 0) : stop + 1].any():
                continue
            taken[begin:stop] = True
            kind = int(choice(rng, [0.5, 0.2, 0.3], 1)[0])
            factor = float(np.round(rng.uniform(3, 20), 2))
            if kind != 1:
                play_factor[lo + begin : lo + stop] = factor
            if kind != 0:
                like_factor[lo + begin : lo + stop] = factor
            bursts["work"].append(w["work_id"][series])
            bursts["platform"].append(PLATFORMS[int(s["platform"][series])][0])
            bursts["start"].append(int(day[lo + begin]))
            bursts["end"].append(int(day[lo + stop - 1]))
            bursts["kind"].append(kinds[kind])
            bursts["factor"].append(factor)
    reported = np.rint(plays * play_factor)
    completion = completion * np.divide(plays, reported, out=np.ones(rows), where=reported > 0)
    likes = np.rint(likes * like_factor)

    # A few blanks: unknown watch minutes or completion on ~1% of days each.
    watch = np.where(rng.random(rows) < 0.01, np.nan, np.round(watch, 1))
    completion = np.where(rng.random(rows) < 0.01, np.nan, np.round(completion, 4))
    start_abs = (config.start_date - EPOCH).days
    work_ids = pl.Series("work_id", w["work_id"], dtype=pl.Utf8)
    platforms = pl.Series("platform", [p[0] for p in PLATFORMS], dtype=pl.Utf8)

    def money(values: F64) -> pl.Series:
        return pl.Series(np.round(values, 2), nan_to_null=True)

    metrics = pl.DataFrame(
        {
            "work_id": work_ids.gather(work),
            "platform": platforms.gather(s["platform"][idx]),
            "date": pl.Series((day + start_abs).astype(np.int32)).cast(pl.Date),
            "plays": reported.astype(np.int64),
            "viewers": viewers.astype(np.int64),
            "watch_minutes": pl.Series(watch, nan_to_null=True),
            "completion_rate": pl.Series(completion, nan_to_null=True),
            "likes": likes.astype(np.int64),
            "comments": comments.astype(np.int64),
            "shares": shares.astype(np.int64),
            "favorites": favorites.astype(np.int64),
            "recharge_yuan": money(recharge),
            "ad_revenue_yuan": money(ad_revenue),
            "ad_spend_yuan": money(spend),
        }
    ).sort("work_id", "platform", "date")
    fraud = pl.DataFrame(
        {
            "work_id": pl.Series(bursts["work"], dtype=pl.Utf8),
            "platform": pl.Series(bursts["platform"], dtype=pl.Utf8),
            "start": pl.Series(np.asarray(bursts["start"], dtype=np.int32) + start_abs).cast(
                pl.Date
            ),
            "end": pl.Series(np.asarray(bursts["end"], dtype=np.int32) + start_abs).cast(pl.Date),
            "kind": pl.Series(bursts["kind"], dtype=pl.Utf8),
            "factor": pl.Series(bursts["factor"], dtype=pl.Float64),
        }
    )
    series_viewers = np.bincount(idx, weights=viewers, minlength=n_series).astype(np.float64)
    return DailyMetrics(metrics, fraud, fraud_works, series_viewers)
