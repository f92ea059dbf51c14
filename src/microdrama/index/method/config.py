"""The index method's versioned configuration: weights, eligibility, uncertainty; and its hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from microdrama.index.method.experts import ExpertParams
from microdrama.index.method.integrity import IntegrityParams

METHOD_VERSION = "star-1.4"
DATA_DIMENSIONS = ("reach", "engagement", "commercial", "reputation", "momentum")


@dataclass(frozen=True)
class IndexConfig:
    """Everything that decides a score; documented in docs/methodology.md."""

    # Weights of the data dimensions inside the data part (renormalised over known ones).
    reach: float = 0.30
    engagement: float = 0.25
    commercial: float = 0.20
    reputation: float = 0.15
    momentum: float = 0.10
    # Weights of the data part and the expert part in the composite (works with an eligible
    # expert score); works without one get the data part alone, labelled data-only.
    data_weight: float = 0.6
    expert_weight: float = 0.4
    # Inside engagement: completion, watch minutes per viewer, interactions per 1,000 plays.
    engagement_parts: tuple[float, float, float] = (0.4, 0.3, 0.3)
    # Inside commercial: revenue (recharge + ads) and return on ad spend where spend is known.
    commercial_parts: tuple[float, float] = (0.7, 0.3)
    # Eligibility: days of data in the window (capped at half the window for short periods).
    min_days: int = 3
    # Cohorts (platform × release month) smaller than this widen: the platform, the month, all.
    min_cohort: int = 20
    # Declared episodes whose runtime holds this many times less of a day's watching than is
    # usual on the scale are implausible: reach counts the episodes the watching implies.
    episode_factor: float = 2.5
    # A block of votes between two imports of at least this many times the votes before, whose
    # own mean sits this many points from the earlier score, is suspicious: the rating counts
    # as it was before the block.
    rating_jump: float = 1.0
    rating_jump_points: float = 2.0
    # Reputation: votes needed before a rating counts fully; IMDb's m, as a cohort quantile.
    rating_prior_votes_quantile: float = 0.5
    # A rating's assumed standard deviation per vote, for its uncertainty (1–10 scale).
    rating_sd: float = 2.0
    # Uncertainty.
    bootstrap: int = 200
    interval: float = 0.90
    seed: int = 20251101
    stability_draws: int = 50
    stability_spread: float = 0.20
    # Switch for validation only: without it flagged traffic counts in full.
    apply_integrity: bool = True
    # A penalty beyond discounting the fake traffic: the composite is multiplied by
    # 1 − penalty × (1 − integrity). None by default: the data cannot tell a work that bought
    # bots from the victim of a rival who bought them, so the honest remainder is scored as
    # if the bots were not there (docs/methodology.md, star-1.3).
    integrity_penalty: float = 0.0
    integrity: IntegrityParams = field(default_factory=IntegrityParams)
    experts: ExpertParams = field(default_factory=ExpertParams)

    def data_weights(self) -> dict[str, float]:
        """The data dimensions' weights by name."""
        return {name: float(getattr(self, name)) for name in DATA_DIMENSIONS}

    def as_dict(self) -> dict[str, object]:
        """The configuration as plain JSON-ready data, method version included."""
        return {"method": METHOD_VERSION, **asdict(self)}

    def parameter_hash(self) -> str:
        """SHA-256 of the canonical JSON of the configuration."""
        text = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()
