"""Expert-panel part of the Star Index: leniency-corrected, genre-shrunk scores per work.

Experts score works 1-10 on four dimensions (思想性 values, 艺术性 artistry, 制作水准 production,
创新性 innovation). Several reviews of one work by one expert are averaged into one observation
y[w,e,d]; a null dimension is simply missing.

Model, for each dimension d (a crossed random-effects model):

    y[w,e,d] = mu_d + theta[w,d] + b[e] + eps,      eps   ~ N(0, s2[e])
    theta[w,d] ~ N(gamma[g(w),d], s2 / k)            k = genre_prior_reviews (pseudo-reviews)
    gamma[g,d] ~ N(0, eta2_d)                        genre effect; works without genre: gamma = 0
    b[e]       ~ N(0, beta2)                         leniency, + = lenient

The leniency b[e] is shared by the four dimensions: it is a trait of the rater (the simulator
and panel practice treat it so), and sharing gives each expert four times the data; a
per-dimension b would double the noise of a 3-review expert's correction. Each expert has an own
error variance s2[e], so erratic experts weigh less (weights p = 1/s2[e]).

The BLUPs are found by block Gauss-Seidel over two exact blocks, mu_d in both (alone, the
direction mu + c, b - c is nearly flat and plain backfitting crawls); all sums by `np.bincount`:

    work block, given b:     m[w,d] = sum_e p (y - b) / P[w,d],   P[w,d] = sum_e p
                             M[g,d] = sum_w u m / U[g,d],  u = 1 / (1/P + s2/k),  U = sum_w u
                             mu_d = sum_g U' M / sum_g U',  U' = U / (1 + eta2_d U)   (GLS)
                             gamma = eta2_d U (M - mu_d) / (1 + eta2_d U)   (genre mean, shrunk)
                             theta = (P (m - mu_d) + (k/s2) gamma) / (P + k/s2)   (shrunk work)
    expert block, given theta: b[e] = sum_{w,d} p (y - mu_d - theta) / (sum_{w,d} p + 1/beta2),
                             mu_d solved jointly with b (b eliminated: a 4 x 4 system)
    variances:               s2[e] by EM, E[eps^2] = residual^2 + posterior variances, pulled
                             toward the pooled s2 by 8 pseudo-observations; beta2 and eta2_d by
                             DerSimonian-Laird moments of the expert offsets and genre means
                             (EM stalls when a variance is near 0)

It stops when no estimate moves by more than `tolerance` (15-30 sweeps on the simulator) or after
`max_iterations`. eta2_d is capped so that a genre mean counts at least 5 typical works at the
overall mean: a genre with few works leans to the overall mean even when genres differ. Posterior
covariances between blocks are ignored in the EM step and in se (approximations).

Outputs:
- works: corrected dimension = clip(mu_d + theta[w,d], 1, 10); score = mean of the four, null
  when fewer than `min_reviews` experts reviewed the work; se = posterior sd of that mean
  (work, genre and leniency uncertainty); raw_mean = mean of the four raw dimension means;
  spread = the largest, over dimensions, sample sd of the leniency-corrected scores y - b[e]
  across the work's experts (null with one expert); disagreement = spread > disagreement_sd,
  flagged on the dimension of that largest spread.
- experts: leniency b[e] (score points against the average expert), reviews (works reviewed),
  rmse of residuals y - mu - theta - b, infit = sum r^2 / sum s2 (1 - h), the mean square of
  residuals standardised by the pooled variance, h the observation's weight in its work's
  estimate (about 1 = as expected, > 1 erratic, < 1 muted).
- reliability: Krippendorff's alpha (interval) of the raw scores per dimension over the
  experts x works matrix; works = works with at least two experts (the pairable units), experts
  = experts scoring them; alpha is null when it is undefined (fewer than two distinct values).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import krippendorff
import numpy as np
import numpy.typing as npt
import polars as pl

METHOD = "experts-2"
DIMENSIONS = ("values", "artistry", "production", "innovation")

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]

_D = len(DIMENSIONS)
_WORK_SCHEMA = {  # after work_id
    "reviews": pl.Int64,
    "eligible": pl.Boolean,
    "raw_mean": pl.Float64,
    "score": pl.Float64,
    "se": pl.Float64,
    **dict.fromkeys(DIMENSIONS, pl.Float64),
    "spread": pl.Float64,
    "disagreement": pl.Boolean,
    "disagreement_dimension": pl.Utf8,
}
_EXPERT_SCHEMA = {
    "reviews": pl.Int64,
    "leniency": pl.Float64,
    "scale": pl.Float64,
    "rmse": pl.Float64,
    "infit": pl.Float64,
    "favoured_company": pl.Utf8,
    "favour_points": pl.Float64,
    "favoured_reviews": pl.Int64,
}
_RELIABILITY_SCHEMA = {
    "dimension": pl.Utf8,
    "alpha": pl.Float64,
    "works": pl.Int64,
    "experts": pl.Int64,
}
_EXPERT_PRIOR_OBS = 8.0  # pseudo-observations pulling an expert's error variance to the pool
_GENRE_PRIOR_WORKS = 5.0  # least pseudo-works pulling a genre mean toward the overall mean
_MIN_ERROR_VAR = 0.01  # 0.1 points: keeps weights finite when experts agree exactly


@dataclass(frozen=True)
class ExpertParams:
    """Tuning of the expert-panel model."""

    min_reviews: int = 3  # works with fewer reviews get no expert score (eligibility)
    # Pseudo-reviews pulling a work toward its genre mean; 0.5 keeps the standard errors honest
    # on the simulator (errors ÷ se ≈ 1.1; at 3 it was 2.4), at little cost in ranking error.
    genre_prior_reviews: float = 0.5
    # Expert noise alone reaches an SD of 1.5 on the simulator; 2.0 flags real disagreement.
    disagreement_sd: float = 2.0
    max_iterations: int = 100
    tolerance: float = 1e-6
    # Rater scale: pseudo-works pulling an expert's scale toward the typical expert's (a
    # three-review expert keeps about the typical scale), and the range it may take.
    scale_prior_works: float = 8.0
    scale_range: tuple[float, float] = (0.33, 3.0)
    # Rater × company: an expert whose scores of one company's works sit this many points above
    # (or below) what the other experts see, on at least `favour_min_works` works and with a
    # t-statistic of `favour_t`, is favouring it; those reviews are left out of the scores.
    favour_points: float = 1.0
    favour_t: float = 3.0
    favour_min_works: int = 3

    def __post_init__(self) -> None:
        if self.min_reviews < 1 or self.max_iterations < 1:
            raise ValueError("min_reviews and max_iterations must be at least 1")
        if self.genre_prior_reviews < 0 or self.disagreement_sd <= 0 or self.tolerance <= 0:
            raise ValueError("genre_prior_reviews must be >= 0, disagreement_sd and tolerance > 0")


@dataclass(frozen=True)
class ExpertModel:
    """Per-work corrected scores, per-expert leniency and fit, per-dimension reliability."""

    works: pl.DataFrame
    experts: pl.DataFrame
    reliability: pl.DataFrame


@dataclass(frozen=True)
class _Panel:
    """One observation per (work, expert): integer codes and an (n, 4) score matrix."""

    work_ids: pl.Series
    expert_ids: pl.Series
    work: I64
    expert: I64
    y: F64  # 0 where missing
    seen: BoolA  # (n, 4): the dimension was scored
    genre: I64  # per work; -1 = no genre
    n_genres: int


@dataclass(frozen=True)
class _Fit:
    """Estimates of the rater-effects model."""

    mu: F64  # (4,)
    theta: F64  # (works, 4)
    var_theta: F64  # (works, 4), genre uncertainty included
    b: F64
    var_b: F64
    sigma2: float  # pooled error variance
    prior_precision: float  # k / sigma2
    weight: F64  # (n, 4) p = 1/s2[e], 0 where missing
    precision: F64  # (works, 4) P


def fit(
    reviews: pl.DataFrame,
    genres: pl.DataFrame,
    params: ExpertParams = ExpertParams(),
    *,
    companies: pl.DataFrame | None = None,
) -> ExpertModel:
    """Fit the rater-effects model to expert reviews and score every reviewed work.

    reviews: work_id, expert_id, values, artistry, production, innovation (Float64; several
    reviews of one work by one expert are averaged). genres: work_id, genre (one primary genre
    per work). companies: work_id, company (the producer), for the rater × company check; None
    skips it.
    """
    panel = _panel(reviews, genres)
    if panel.work.size == 0:
        return _empty(reviews)
    raw = panel
    panel, scale = _rescaled(panel, _estimate(panel, params), params)
    est = _estimate(panel, params)
    favoured = _favoured(panel, est, companies, params)
    if favoured.kept is not None:
        # The favoured reviews leave the panel; the model is fitted again without them.
        raw, panel = _subset(raw, favoured.kept), _subset(panel, favoured.kept)
        est = _estimate(panel, params)
    return ExpertModel(
        works=_works_frame(panel, est, params, raw=raw),
        experts=_experts_frame(panel, est, scale=scale, favoured=favoured),
        reliability=_reliability(raw),
    )


# --- rater scale and rater × company -------------------------------------------------------------


def _rescaled(p: _Panel, est: _Fit, params: ExpertParams) -> tuple[_Panel, F64]:
    """The panel with each expert's scores stretched (or squeezed) about the expert's own mean
    to the typical expert's scale, and that scale per expert (1 = typical).

    An expert who uses 6-8 only and one who uses 1-10 rank the same works alike but differ by
    more than a shift: leniency alone cannot bring them onto one scale. The scale is the slope
    of the expert's leniency-corrected scores on the works' estimated quality (a first fit, in
    which an erratic expert already weighs little), relative to the median expert's slope,
    shrunk toward 1 by `scale_prior_works`.
    """
    n_experts = p.expert_ids.len()
    weight = p.seen.astype(np.float64)
    obs = _sums(p.expert, weight.sum(axis=1), n_experts)

    def centred(values: F64) -> F64:
        mean = np.divide(
            _sums(p.expert, (values * weight).sum(axis=1), n_experts),
            obs,
            out=np.zeros(n_experts),
            where=obs > 0,
        )
        return (values - mean[p.expert, None]) * weight

    y_c = centred(p.y - est.mu)
    x_c = centred(np.broadcast_to(est.theta[p.work], p.y.shape).copy())
    sxy = _sums(p.expert, (x_c * y_c).sum(axis=1), n_experts)
    sxx = _sums(p.expert, (x_c * x_c).sum(axis=1), n_experts)
    slope = np.divide(sxy, sxx, out=np.full(n_experts, np.nan), where=sxx > 1e-9)
    works_seen = np.bincount(p.expert, minlength=n_experts).astype(np.float64)
    finite = np.isfinite(slope) & (slope > 0)
    typical = float(np.median(slope[finite])) if finite.any() else 1.0
    relative = np.where(finite, slope / typical, 1.0)
    k = params.scale_prior_works
    scale = np.clip((works_seen * relative + k) / (works_seen + k), *params.scale_range)
    own = np.divide(
        _sums(p.expert, (p.y * weight).sum(axis=1), n_experts),
        obs,
        out=np.zeros(n_experts),
        where=obs > 0,
    )
    mean = own[p.expert, None]
    # Kept on the 1-10 scale the experts scored on.
    y = np.where(p.seen, np.clip(mean + (p.y - mean) / scale[p.expert, None], 1.0, 10.0), 0.0)
    return replace(p, y=y), scale


@dataclass(frozen=True)
class _Favoured:
    """Experts found favouring a company: per expert the company, points and reviews; the
    observations kept (None: all)."""

    company: list[str | None]
    points: F64
    reviews: I64
    kept: BoolA | None


def _favoured(
    p: _Panel, est: _Fit, companies: pl.DataFrame | None, params: ExpertParams
) -> _Favoured:
    """Rater × company interaction: each expert's mean residual on each company's works."""
    n_experts = p.expert_ids.len()
    none = _Favoured(
        [None] * n_experts, np.full(n_experts, np.nan), np.zeros(n_experts, np.int64), None
    )
    if companies is None or companies.is_empty():
        return none
    company = p.work_ids.to_frame("work_id").join(
        companies.select(pl.col("work_id").cast(pl.Utf8), pl.col("company").cast(pl.Utf8))
        .drop_nulls()
        .unique("work_id", keep="first", maintain_order=True),
        on="work_id",
        how="left",
        maintain_order="left",
    )["company"]
    codes = company.fill_null("").rank("dense").cast(pl.Int64).to_numpy() - 1
    known = company.is_not_null().to_numpy()
    seen = p.seen.astype(np.float64)
    residual = (p.y - est.mu - est.theta[p.work] - est.b[p.expert, None]) * seen
    per_obs = np.divide(
        residual.sum(axis=1),
        seen.sum(axis=1),
        out=np.zeros(len(p.work)),
        where=seen.sum(axis=1) > 0,
    )
    spread = np.sqrt(
        _sums(p.expert, per_obs**2, n_experts)
        / np.maximum(np.bincount(p.expert, minlength=n_experts), 1)
    )
    n_companies = int(codes.max()) + 1
    cell = p.expert * n_companies + codes[p.work]
    use = known[p.work]
    size = n_experts * n_companies
    count = np.bincount(cell[use], minlength=size).astype(np.float64)
    mean = np.divide(
        np.bincount(cell[use], weights=per_obs[use], minlength=size),
        count,
        out=np.zeros(size),
        where=count > 0,
    )
    se = np.repeat(spread, n_companies) / np.sqrt(np.maximum(count, 1.0))
    t = np.divide(mean, se, out=np.zeros(size), where=se > 0)
    hit = (
        (count >= params.favour_min_works)
        & (np.abs(mean) >= params.favour_points)
        & (np.abs(t) >= params.favour_t)
    )
    if not hit.any():
        return none
    names = company.fill_null("").to_numpy()
    label = {int(c): str(names[np.flatnonzero(codes == c)[0]]) for c in range(n_companies)}
    worst = np.abs(np.where(hit, mean, 0.0)).reshape(n_experts, n_companies).argmax(axis=1)
    flagged = hit.reshape(n_experts, n_companies)[np.arange(n_experts), worst]
    out_company = [label[int(c)] if f else None for c, f in zip(worst, flagged, strict=True)]
    points = np.where(
        flagged, mean.reshape(n_experts, n_companies)[np.arange(n_experts), worst], np.nan
    )
    reviews = np.where(
        flagged, count.reshape(n_experts, n_companies)[np.arange(n_experts), worst], 0
    ).astype(np.int64)
    kept = ~(hit[cell] & use)
    return _Favoured(out_company, points, reviews, kept)


def _subset(p: _Panel, kept: BoolA) -> _Panel:
    """The panel without the observations not kept (works and experts keep their codes)."""
    return replace(p, work=p.work[kept], expert=p.expert[kept], y=p.y[kept], seen=p.seen[kept])


# --- input --------------------------------------------------------------------------------------


def _panel(reviews: pl.DataFrame, genres: pl.DataFrame) -> _Panel:
    missing = [c for c in ("work_id", "expert_id", *DIMENSIONS) if c not in reviews.columns]
    missing += [f"genres.{c}" for c in ("work_id", "genre") if c not in genres.columns]
    if missing:
        raise ValueError(f"missing columns: {', '.join(missing)}")
    dims = [pl.col(d).cast(pl.Float64).fill_nan(None) for d in DIMENSIONS]
    obs = (
        reviews.select("work_id", "expert_id", *dims)
        .drop_nulls(["work_id", "expert_id"])
        .group_by("work_id", "expert_id")
        .agg(pl.col(d).mean() for d in DIMENSIONS)
        .filter(pl.any_horizontal(pl.col(d).is_not_null() for d in DIMENSIONS))
        .sort("work_id", "expert_id")
        .with_columns(
            (pl.col("work_id").rank("dense").cast(pl.Int64) - 1).alias("_w"),
            (pl.col("expert_id").rank("dense").cast(pl.Int64) - 1).alias("_e"),
        )
    )
    work_ids = obs["work_id"].unique(maintain_order=True)
    primary = (
        genres.select(pl.col("work_id").cast(work_ids.dtype), pl.col("genre"))
        .drop_nulls()
        .unique(subset="work_id", keep="first", maintain_order=True)
    )
    per_work = (
        work_ids.to_frame()
        .join(primary, on="work_id", how="left", maintain_order="left")
        .select(pl.col("genre").rank("dense").cast(pl.Int64).fill_null(0) - 1)
    )
    genre = per_work["genre"].to_numpy()
    scores = obs.select(DIMENSIONS).to_numpy().astype(np.float64)
    seen = ~np.isnan(scores)
    return _Panel(
        work_ids=work_ids,
        expert_ids=obs["expert_id"].unique().sort(),
        work=obs["_w"].to_numpy(),
        expert=obs["_e"].to_numpy(),
        y=np.where(seen, scores, 0.0),
        seen=seen,
        genre=genre,
        n_genres=int(genre.max()) + 1 if genre.size else 0,
    )


# --- estimation ---------------------------------------------------------------------------------


def _sums(codes: I64, values: F64, size: int) -> F64:
    """Group sums of an (n,) or (n, k) array by integer codes."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=size).astype(np.float64)
    return np.stack(
        [np.bincount(codes, weights=values[:, j], minlength=size) for j in range(values.shape[1])],
        axis=1,
    )


def _estimate(p: _Panel, params: ExpertParams) -> _Fit:
    n_works, n_experts = p.work_ids.len(), p.expert_ids.len()
    seen = p.seen.astype(np.float64)
    per_dim = seen.sum(axis=0)
    mu = np.divide(p.y.sum(axis=0), per_dim, out=np.zeros(_D), where=per_dim > 0)
    total = float((((p.y - mu) * seen) ** 2).sum() / seen.sum())
    sigma2 = max(total / 2, _MIN_ERROR_VAR)
    s2_expert = np.full(n_experts, sigma2)
    theta = np.zeros((n_works, _D))
    b = np.zeros(n_experts)
    expert_obs = _sums(p.expert, seen.sum(axis=1), n_experts)

    for _ in range(params.max_iterations):
        weight = seen / s2_expert[p.expert, None]
        prior = params.genre_prior_reviews / sigma2
        work = _work_block(p, weight, b, mu, prior)
        mu_new, b_new, var_b = _expert_block(p, weight, work.theta, work.mu)
        error = (p.y - mu_new - work.theta[p.work] - b_new[p.expert, None]) ** 2
        error = (error + work.var_theta[p.work] + var_b[p.expert, None]) * seen
        expert_error = _sums(p.expert, error.sum(axis=1), n_experts)
        sigma2 = max(float(expert_error.sum() / expert_obs.sum()), _MIN_ERROR_VAR)
        s2_new = (expert_error + _EXPERT_PRIOR_OBS * sigma2) / (expert_obs + _EXPERT_PRIOR_OBS)
        s2_new = np.maximum(s2_new, _MIN_ERROR_VAR)
        change = max(
            float(np.abs(mu_new - mu).max()),
            float(np.abs(work.theta - theta).max()),
            float(np.abs(b_new - b).max()),
            float(np.abs(s2_new / s2_expert - 1).max()),
        )
        mu, theta, b, s2_expert = mu_new, work.theta, b_new, s2_new
        if change < params.tolerance:
            break

    weight = seen / s2_expert[p.expert, None]
    return _Fit(
        mu=np.where(per_dim > 0, mu, np.nan),
        theta=theta,
        var_theta=work.var_theta,
        b=b,
        var_b=var_b,
        sigma2=sigma2,
        prior_precision=params.genre_prior_reviews / sigma2,
        weight=weight,
        precision=_sums(p.work, weight, n_works),
    )


@dataclass(frozen=True)
class _WorkBlock:
    """What the work block hands on."""

    mu: F64
    theta: F64
    var_theta: F64


def _work_block(p: _Panel, weight: F64, b: F64, mu: F64, prior: float) -> _WorkBlock:
    """Exact update of intercepts, genre and work effects given the leniencies."""
    n_works = p.work_ids.len()
    precision = _sums(p.work, weight, n_works)
    means = np.divide(
        _sums(p.work, weight * (p.y - b[p.expert, None]), n_works),
        precision,
        out=np.zeros_like(precision),
        where=precision > 0,
    )
    # precision of a work's corrected mean as a measure of its genre: 1 / (1/P + 1/prior)
    marginal = np.divide(
        precision * prior,
        precision + prior,
        out=np.zeros_like(precision),
        where=precision + prior > 0,
    )
    has = p.genre >= 0
    genre = p.genre[has]
    pooled = _sums(genre, marginal[has], p.n_genres)
    genre_mean = np.divide(
        _sums(genre, (marginal * means)[has], p.n_genres),
        pooled,
        out=np.zeros_like(pooled),
        where=pooled > 0,
    )
    # a genre mean counts at least _GENRE_PRIOR_WORKS typical works at the overall mean, more
    # when the genres differ little
    used = marginal > 0
    typical = np.divide(
        marginal.sum(axis=0), used.sum(axis=0), out=np.zeros(_D), where=used.any(axis=0)
    )
    cap = np.divide(1.0, _GENRE_PRIOR_WORKS * typical, out=np.zeros(_D), where=typical > 0)
    eta2 = np.minimum(_between_variance(genre_mean, pooled), cap)
    # intercept by generalised least squares over genres (and works without one)
    genre_weight = pooled / (1 + eta2 * pooled)
    numerator = (genre_weight * genre_mean).sum(axis=0) + (marginal * means)[~has].sum(axis=0)
    denominator = genre_weight.sum(axis=0) + marginal[~has].sum(axis=0)
    mu = np.divide(numerator, denominator, out=mu.copy(), where=denominator > 0)
    gamma = eta2 * pooled * (genre_mean - mu) / (eta2 * pooled + 1)
    var_gamma = eta2 / (eta2 * pooled + 1)
    rows = np.where(has, p.genre, 0)
    gamma_w = np.where(has[:, None], gamma[rows], 0.0) if p.n_genres else np.zeros_like(means)
    var_gamma_w = np.where(has[:, None], var_gamma[rows], 0.0) if p.n_genres else gamma_w
    total = precision + prior
    safe = np.where(total > 0, total, 1.0)
    toward = np.where(total > 0, prior / safe, 1.0)  # weight of the genre mean
    theta = np.where(total > 0, (precision * (means - mu) + prior * gamma_w) / safe, gamma_w)
    var_theta = np.where(total > 0, 1 / safe, 0.0) + toward**2 * var_gamma_w
    return _WorkBlock(mu=mu, theta=theta, var_theta=var_theta)


def _expert_block(p: _Panel, weight: F64, theta: F64, mu: F64) -> tuple[F64, F64, F64]:
    """Exact update of intercepts and leniencies given the work effects: mu, b, var(b)."""
    n_experts = p.expert_ids.len()
    by_dim = _sums(p.expert, weight, n_experts)  # P[e, d]
    sums = _sums(p.expert, weight * (p.y - theta[p.work]), n_experts)
    precision, total = by_dim.sum(axis=1), sums.sum(axis=1)
    offsets = np.divide(
        total - by_dim @ mu, precision, out=np.zeros_like(total), where=precision > 0
    )
    beta2 = float(_between_variance(offsets[:, None], precision[:, None])[0])
    shrink = beta2 / (beta2 * precision + 1)  # posterior variance of b
    # b = shrink (S_e - sum_d P[e,d] mu_d) eliminated from the intercept equations: 4 x 4
    matrix = np.diag(by_dim.sum(axis=0)) - (by_dim * shrink[:, None]).T @ by_dim
    rhs = sums.sum(axis=0) - by_dim.T @ (shrink * total)
    empty = by_dim.sum(axis=0) == 0
    matrix[empty, empty] = 1.0
    mu = np.linalg.solve(matrix, np.where(empty, 0.0, rhs))
    return mu, shrink * (total - by_dim @ mu), shrink


def _between_variance(means: F64, precision: F64) -> F64:
    """DerSimonian-Laird moment estimate, per column, of the variance between group means."""
    used = precision > 0
    weight = np.where(used, precision, 0.0)
    total = weight.sum(axis=0)
    safe = np.where(total > 0, total, 1.0)
    centre = (weight * means).sum(axis=0) / safe
    q = (weight * (means - centre) ** 2).sum(axis=0)
    scale = total - (weight**2).sum(axis=0) / safe
    excess = q - (used.sum(axis=0) - 1)
    return np.where(scale > 0, np.maximum(excess, 0.0) / np.where(scale > 0, scale, 1.0), 0.0)


# --- output -------------------------------------------------------------------------------------


def _float(name: str, values: F64) -> pl.Series:
    return pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)


def _works_frame(p: _Panel, est: _Fit, params: ExpertParams, *, raw: _Panel) -> pl.DataFrame:
    """Per work: corrected scores and se from the fitted (rescaled) panel; raw means from the
    scores as given."""
    n_works = p.work_ids.len()
    seen = p.seen.astype(np.float64)
    reviews = np.bincount(p.work, minlength=n_works)
    eligible = reviews >= params.min_reviews
    corrected = np.clip(est.mu + est.theta, 1.0, 10.0)
    # a dimension is nan only when nobody scored it; every work has some scored dimension
    score = np.nanmean(corrected, axis=1)

    # se^2 of the mean of the dimensions: their own variances plus the shared leniency terms
    share = np.divide(
        est.weight,
        (est.precision + est.prior_precision)[p.work],
        out=np.zeros_like(est.weight),
        where=est.weight > 0,
    ).mean(axis=1)
    leniency_var = np.bincount(p.work, weights=share**2 * est.var_b[p.expert], minlength=n_works)
    se = np.sqrt(np.nansum(est.var_theta, axis=1) / _D**2 + leniency_var)

    counts = _sums(p.work, seen, n_works)
    given = np.divide(
        _sums(raw.work, raw.y, n_works), counts, out=np.full_like(counts, np.nan), where=counts > 0
    )
    raw_mean = np.nanmean(given, axis=1)

    sd = _spread(p, est.b, counts)
    multi = ~np.isnan(sd).all(axis=1)
    worst = np.argmax(np.where(np.isnan(sd), -1.0, sd), axis=1)
    spread = np.where(multi, sd[np.arange(n_works), worst], np.nan)
    flagged = multi & (np.nan_to_num(spread) > params.disagreement_sd)
    return pl.DataFrame(
        [
            p.work_ids.alias("work_id"),
            pl.Series("reviews", reviews, dtype=pl.Int64),
            pl.Series("eligible", eligible, dtype=pl.Boolean),
            _float("raw_mean", raw_mean),
            _float("score", np.where(eligible, score, np.nan)),
            _float("se", se),
            *(_float(d, corrected[:, j]) for j, d in enumerate(DIMENSIONS)),
            _float("spread", spread),
            pl.Series("disagreement", flagged, dtype=pl.Boolean),
            pl.Series(
                "disagreement_dimension",
                [DIMENSIONS[j] if f else None for j, f in zip(worst, flagged, strict=True)],
                dtype=pl.Utf8,
            ),
        ]
    )


def _spread(p: _Panel, b: F64, counts: F64) -> F64:
    """Sample sd across experts of the leniency-corrected scores, per work and dimension."""
    n_works = counts.shape[0]
    corrected = (p.y - b[p.expert, None]) * p.seen
    mean = np.divide(
        _sums(p.work, corrected, n_works), counts, out=np.zeros_like(counts), where=counts > 0
    )
    squares = _sums(p.work, ((corrected - mean[p.work]) * p.seen) ** 2, n_works)
    return np.divide(squares, counts - 1, out=np.full_like(counts, np.nan), where=counts > 1) ** 0.5


def _experts_frame(p: _Panel, est: _Fit, *, scale: F64, favoured: _Favoured) -> pl.DataFrame:
    n_experts = p.expert_ids.len()
    seen = p.seen.astype(np.float64)
    residual = (p.y - est.mu - est.theta[p.work] - est.b[p.expert, None]) * seen
    residual = np.nan_to_num(residual)  # dimensions nobody scored
    squares = _sums(p.expert, (residual**2).sum(axis=1), n_experts)
    obs = _sums(p.expert, seen.sum(axis=1), n_experts)
    leverage = est.weight / (est.precision + est.prior_precision)[p.work].clip(min=1e-300)
    expected = _sums(p.expert, (est.sigma2 * (1 - leverage) * seen).sum(axis=1), n_experts)
    return pl.DataFrame(
        [
            p.expert_ids.alias("expert_id"),
            pl.Series("reviews", np.bincount(p.expert, minlength=n_experts), dtype=pl.Int64),
            _float("leniency", est.b),
            _float("scale", scale),
            _float("rmse", np.sqrt(np.divide(squares, obs, out=np.zeros_like(obs), where=obs > 0))),
            _float(
                "infit",
                np.divide(squares, expected, out=np.zeros_like(squares), where=expected > 0),
            ),
            pl.Series("favoured_company", favoured.company, dtype=pl.Utf8),
            _float("favour_points", favoured.points),
            pl.Series("favoured_reviews", favoured.reviews, dtype=pl.Int64),
        ]
    )


def _reliability(p: _Panel) -> pl.DataFrame:
    rows: list[tuple[str, float | None, int, int]] = []
    for j, name in enumerate(DIMENSIONS):
        rows.append(
            (name, *_alpha(p.work[p.seen[:, j]], p.expert[p.seen[:, j]], p.y[p.seen[:, j], j]))
        )
    return pl.DataFrame(rows, schema=_RELIABILITY_SCHEMA, orient="row")


def _alpha(work: I64, expert: I64, y: F64) -> tuple[float | None, int, int]:
    """Krippendorff's alpha (interval) over the pairable works, their count and their experts."""
    per_work = np.bincount(work) if work.size else np.zeros(0, dtype=np.int64)
    keep = per_work[work] >= 2 if work.size else np.zeros(0, dtype=bool)
    units, unit = np.unique(work[keep], return_inverse=True)
    domain, value = np.unique(y[keep], return_inverse=True)
    n_experts = int(np.unique(expert[keep]).size)
    if units.size == 0 or domain.size < 2:
        return None, int(units.size), n_experts
    # value counts (works x values) instead of the experts x works matrix: same alpha, and its
    # size does not grow with the number of experts
    counts = np.bincount(unit * domain.size + value, minlength=units.size * domain.size)
    value_counts = counts.reshape(units.size, domain.size)
    alpha = krippendorff.alpha(
        value_counts=value_counts, value_domain=domain, level_of_measurement="interval"
    )
    return float(alpha), int(units.size), n_experts


def _empty(reviews: pl.DataFrame) -> ExpertModel:
    ids = {c: reviews.schema.get(c, pl.Utf8) for c in ("work_id", "expert_id")}
    rows = [(d, None, 0, 0) for d in DIMENSIONS]
    return ExpertModel(
        works=pl.DataFrame(schema={"work_id": ids["work_id"], **_WORK_SCHEMA}),
        experts=pl.DataFrame(schema={"expert_id": ids["expert_id"], **_EXPERT_SCHEMA}),
        reliability=pl.DataFrame(rows, schema=_RELIABILITY_SCHEMA, orient="row"),
    )
