"""Random-draw helpers and array types shared by the demo simulation modules."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]
EPOCH = date(1970, 1, 1)


def choice(rng: np.random.Generator, weights: Any, size: int) -> I64:
    """Draw `size` indices with probabilities proportional to `weights`."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(p.size, size=size, p=p / p.sum()).astype(np.int64)


def zipf_weights(count: int, alpha: float) -> F64:
    """Zipf-like weights 1 / (rank + 1) ** alpha for ranks 1 to `count`."""
    return np.asarray(1.0 / np.arange(2, count + 2, dtype=np.float64) ** alpha)


def distinct_names(rng: np.random.Generator, count: int, capacity: int) -> I64:
    """`count` distinct indices below `capacity` (repeats only once the space is used up)."""
    if count <= capacity:
        return rng.choice(capacity, size=count, replace=False).astype(np.int64)
    return rng.integers(0, capacity, size=count).astype(np.int64)
