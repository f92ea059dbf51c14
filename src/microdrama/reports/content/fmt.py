"""Numbers written for readers: 万/亿 in Chinese, K/M/B/T in English; percentages; yuan."""

from __future__ import annotations

import re

# A Han character next to a Latin letter, either way round.
_HAN_LATIN = re.compile(r"(?<=[\u3400-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u3400-\u9fff])")


def _significant(value: float) -> str:
    """Three significant figures: 1.23, 12.3, 123."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def count(value: float | int | None, lang: str) -> str:
    """A large count, e.g. 1.23亿 or 123M; small counts exactly."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if lang == "zh":
        for limit, suffix in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
            if value >= limit:
                return f"{sign}{_significant(value / limit)}{suffix}"
        return f"{sign}{value:,.0f}"
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= limit:
            return f"{sign}{_significant(value / limit)}{suffix}"
    return f"{sign}{value:,.0f}"


def integer(value: float | int | None) -> str:
    """A count of things (works, days, experts) exactly, with thousands separators."""
    return "—" if value is None else f"{round(value):,}"


def yuan(fen: float | int | None, lang: str) -> str:
    """Money from integer fen: ¥1.23亿 or ¥123M."""
    if fen is None:
        return "—"
    return f"¥{count(fen / 100, lang)}"


def percent(share: float | None, *, digits: int = 1) -> str:
    """A share 0.123 as 12.3%."""
    return "—" if share is None else f"{share * 100:.{digits}f}%"


def change(ratio: float | None, lang: str) -> str:
    """A relative change 0.052 as +5.2% (tables), or 'no comparison'."""
    if ratio is None:
        return "无可比数据" if lang == "zh" else "no comparison"
    return f"{ratio * 100:+.1f}%"


def trend(ratio: float | None, lang: str) -> str:
    """A relative change in words: 'up 5.2%' / '增长 5.2%', 'down 4.0%' / '下降 4.0%'."""
    if ratio is None:
        return "无可比数据" if lang == "zh" else "with no comparison"
    size = f"{abs(ratio) * 100:.1f}%"
    if lang == "zh":
        return f"增长 {size}" if ratio >= 0 else f"下降 {size}"
    return f"up {size}" if ratio >= 0 else f"down {size}"


def score(value: float | None) -> str:
    """An index score with one decimal."""
    return "—" if value is None else f"{value:.1f}"


def spaced(text: str) -> str:
    """Chinese text with a space between Han characters and Latin words: 是 DramaBox 的."""
    return _HAN_LATIN.sub(" ", text)
