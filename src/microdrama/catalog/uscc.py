"""Unified social credit code (统一社会信用代码, GB 32100-2015): check-digit validation."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}


def check_char(first17: str) -> str:
    """Return the check character for the first 17 characters of a code."""
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """Explain why `code` is not a valid unified social credit code, or None when it is."""
    if len(code) != 18:
        return f"must have 18 characters, has {len(code)}"
    bad = sorted({char for char in code if char not in _VALUE})
    if bad:
        return f"contains characters not allowed in a credit code: {''.join(bad)}"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"check digit is {code[17]}, expected {expected}"
    return None


def is_valid(code: str) -> bool:
    """True when `code` is a well-formed credit code with a correct check digit."""
    return problem(code) is None
