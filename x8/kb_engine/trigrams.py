"""Character trigrams for typo and partial-word search, computed in Python so no contrib extension is needed.

Words are case-folded (ё → е) and padded like pg_trgm ("  word "), so "ipone" still shares most trigrams
with "iphone", and "смартф" with "смартфон".
"""

from __future__ import annotations

import functools
import re
from itertools import pairwise

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TRIGRAMS = 400
MAX_PAIRS = 8


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold().replace("ё", "е")) if len(w) >= 2]


@functools.lru_cache(maxsize=65536)
def word_trigrams(word: str) -> frozenset[str]:
    """Catalogue words repeat a lot (the same brands, units, categories), so each word is cut up once."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def trigrams(*texts: str | None) -> list[str]:
    found: set[str] = set()
    for text in texts:
        for word in words(text or ""):
            found |= word_trigrams(word)
            if len(found) >= MAX_TRIGRAMS:
                return sorted(found)[:MAX_TRIGRAMS]
    return sorted(found)


def query_trigrams(query: str) -> list[str]:
    """Trigrams of a search query, without the leading-blank ones that every word shares a lot of."""
    return [t for t in trigrams(query) if not t.startswith("  ")]


def query_trigram_pairs(query: str) -> list[list[str]]:
    """Adjacent trigram pairs of each query word, in order ("ipone" → [" ip","ipo"], ["ipo","pon"], …)."""
    pairs: list[list[str]] = []
    for word in words(query):
        padded = f"  {word} "
        sequence = [padded[i : i + 3] for i in range(1, len(padded) - 2)]  # skips the "  x" trigram
        pairs += [[a, b] for a, b in pairwise(sequence)]
    if len(pairs) <= MAX_PAIRS:
        return pairs
    step = len(pairs) / MAX_PAIRS  # spread the pairs we keep over the whole query
    return [pairs[int(i * step)] for i in range(MAX_PAIRS)]
