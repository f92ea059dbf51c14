"""The size, window and seed of a simulated catalogue (read by every part of the simulator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class SimulationConfig:
    """Size, window and seed of a simulated catalogue."""

    works: int = 12_000
    days: int = 180
    seed: int = 20251101
    end_date: date = date(2025, 11, 30)  # last day of metrics
    fraud_share: float = 0.02  # share of works with planted fake traffic
    reviewed_share: float = 0.25  # share of works that get an expert panel
    experts: int = 60

    @property
    def start_date(self) -> date:
        """First day of the metrics window."""
        return self.end_date - timedelta(days=self.days - 1)
