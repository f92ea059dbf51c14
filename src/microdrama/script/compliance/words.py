"""jieba segmentation for word-boundary checks, reading jieba's dictionary only as far as needed.

jieba's own start-up reads its whole prefix dictionary (about 0.7 s, and a cache file in the
temp dir). A boundary check segments a few short clauses, and jieba's accurate mode (HMM off)
only consults dictionary entries that start with a character of the clause. So the tokenizer
here is given exactly those entries, read from ``dict.txt`` by first character on demand: the
tokens are the ones full jieba gives, jieba never initialises from disk and writes no cache.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
import zlib
from collections.abc import Collection
from importlib.resources import files
from typing import Any

# Sum of all frequencies in jieba 0.42.1's dict.txt, keyed by (size, CRC-32): summing 349k
# numbers costs 60 ms, a third of the cold start. Any other dictionary is summed.
_KNOWN_TOTALS = {(5_071_852, 0x1394096D): 60_101_967}
# jieba's block pattern (re_han_default): segmentation never crosses these runs.
BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


class LazyDictionaryTokenizer:
    """A jieba tokenizer whose dictionary is filled one first character at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._text = ""
        self._loaded: set[str] = set()

    def cut(self, blocks: Collection[str]) -> dict[str, list[str]]:
        """jieba's accurate-mode tokens (HMM off) of each block of text."""
        with self._lock:
            # One pass over dict.txt for all new first characters: each pass costs ~30 ms.
            self._ensure(set().union(*blocks))
            return {block: list(self._tokenizer.cut(block, HMM=False)) for block in blocks}

    def _ensure(self, characters: set[str]) -> None:
        if self._tokenizer is None:
            self._start()
        missing = characters - self._loaded
        if not missing:
            return
        alternatives = "".join(re.escape(char) for char in sorted(missing))
        entry = re.compile(rf"^([{alternatives}][^ \n]*) ([0-9]+)", re.MULTILINE)
        freq: dict[str, int] = self._tokenizer.FREQ
        words = entry.findall(self._text)
        for word, count in words:
            freq[word] = int(count)
        # jieba's DAG walks prefixes: every prefix of a word must be a key (0 if not a word).
        for word, _ in words:
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)
        self._loaded |= missing

    def _start(self) -> None:
        with warnings.catch_warnings():
            # jieba 0.42 imports pkg_resources (deprecated by newer setuptools) and has
            # invalid escapes in string literals, warned about when compiled.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.filterwarnings("ignore", message=".*pkg_resources")
            import jieba  # lazily: importing jieba costs about 0.1 s

        jieba.setLogLevel(logging.WARNING)
        data = files("jieba").joinpath(jieba.DEFAULT_DICT_NAME).read_bytes()
        self._text = data.decode("utf-8")
        key = (len(data), zlib.crc32(data))
        total = _KNOWN_TOTALS.get(key) or sum(map(int, re.findall(r" ([0-9]+)", self._text)))
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = {}
        tokenizer.total = total
        # Marked ready so that jieba never loads (or caches) its full dictionary; were it to,
        # the cache would go to the temp dir like jieba's default.
        tokenizer.initialized = True
        self._tokenizer = tokenizer


_TOKENIZER = LazyDictionaryTokenizer()


def segment(blocks: Collection[str]) -> dict[str, list[str]]:
    """Each block's tokens, from the process-wide lazy tokenizer."""
    return _TOKENIZER.cut(blocks)
