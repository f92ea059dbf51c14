"""Traditional Chinese folded to simplified one character for one (OpenCC's t2s table).

Scripts from Hong Kong and Taiwan writers, or pasted from traditional sources, write 第1場,
內/夜, 畫外音 and 殺; the parser and the compliance lexicons are written in simplified
characters. Folding one code point for one keeps every offset, so a match in the folded text
slices the text as written.
"""

from __future__ import annotations

from functools import cache

import opencc

# CJK Extension A, the unified block and the compatibility ideographs.
_RANGES = ((0x3400, 0xA000), (0xF900, 0xFB00))


@cache
def simplified_table() -> dict[int, int]:
    """Code point of a traditional character → its simplified form (only where they differ)."""
    chars = [chr(code) for first, last in _RANGES for code in range(first, last)]
    # One character per line: OpenCC converts phrases, and a newline ends every phrase, so
    # each character gets its own single-character reading.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {
        ord(old): ord(new)
        for old, new in zip(chars, converted, strict=True)
        if old != new and len(new) == 1
    }
