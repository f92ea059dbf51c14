"""Numbers written for readers: 万/亿 in Chinese, K/M/B in English; percentages; yuan."""

from __future__ import annotations


def count(value: float | int | None, lang: str) -> str:
    """A large count, e.g. 1.23亿 or 123.4M."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if lang == "zh":
        if value >= 100_000_000:
            return f"{sign}{value / 100_000_000:.2f}亿"
        if value >= 10_000:
            return f"{sign}{value / 10_000:.1f}万"
        return f"{sign}{value:,.0f}"
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= limit:
            return f"{sign}{value / limit:.1f}{suffix}"
    return f"{sign}{value:,.0f}"


def yuan(fen: float | int | None, lang: str) -> str:
    """Money from integer fen: ¥1.23亿 or ¥123.4M."""
    if fen is None:
        return "—"
    return f"¥{count(fen / 100, lang)}"


def percent(share: float | None, *, digits: int = 1) -> str:
    """A share 0.123 as 12.3%."""
    return "—" if share is None else f"{share * 100:.{digits}f}%"


def change(ratio: float | None, lang: str) -> str:
    """A relative change 0.052 as +5.2% (or 'no comparison')."""
    if ratio is None:
        return "无可比数据" if lang == "zh" else "no comparison"
    return f"{ratio * 100:+.1f}%"


def score(value: float | None) -> str:
    """An index score with one decimal."""
    return "—" if value is None else f"{value:.1f}"
