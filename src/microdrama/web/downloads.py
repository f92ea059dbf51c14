"""Download headers that every browser reads and no file name can break (RFC 6266, RFC 5987)."""

from __future__ import annotations

import re
from urllib.parse import quote

# What the plain `filename=` may hold: printable ASCII without quotes, backslashes or separators.
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._\-]+")
MAX_NAME = 150


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` for any name: Chinese, quotes, slashes.

    The quoted ASCII name is a fallback with everything else replaced by `_`; browsers that
    read `filename*` get the name as written (path separators and control characters removed,
    cut to a length file systems take).
    """
    cleaned = re.sub(r"[\x00-\x1f\x7f/\\]+", "_", filename).strip(" .") or "download"
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and len(cleaned) > MAX_NAME:
        cleaned = stem[: MAX_NAME - len(suffix) - 1] + "." + suffix
    cleaned = cleaned[:MAX_NAME]
    fallback = _UNSAFE_ASCII.sub("_", cleaned).strip("_") or "download"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"
