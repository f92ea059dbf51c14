"""ECharts options of the index's own charts (plain dicts, rendered by the page's script)."""

from __future__ import annotations

from typing import Any

from microdrama.index.method.config import DATA_DIMENSIONS


def radar_options(detail: dict[str, Any], *, labels: dict[str, str]) -> dict[str, Any]:
    """ECharts radar of the dimensions' cohort percentiles."""
    names = [*DATA_DIMENSIONS, "expert"]
    values = [detail["dimensions"][n]["score"] for n in names]
    return {
        "tooltip": {},
        "radar": {
            "indicator": [{"name": labels.get(n, n), "max": 100} for n in names],
            "radius": "65%",
        },
        "series": [
            {
                "type": "radar",
                "data": [
                    {
                        "value": [0 if v is None else round(v, 1) for v in values],
                        "name": detail["work_id"],
                        "areaStyle": {"opacity": 0.2},
                    }
                ],
            }
        ],
    }
