"""Words and character trigrams for typo and partial-word search, computed in Python so no contrib extension
is needed.

Words are case-folded (ё → е) and padded like pg_trgm ("  word "), so "ipone" still shares most trigrams
with "iphone", and "смартфн" with "смартфон". Rows do not carry trigrams: each KB keeps its distinct words
once, in ``kb_vocabulary`` (see ``x8.kb_engine.vocabulary``).
"""

from __future__ import annotations

import functools
import re

_WORD = re.compile(r"\w+", re.UNICODE)
_DIGIT = re.compile(r"\d")
MAX_WORD = 40  # longer "words" (hashes, run-together text) are not worth correcting, and keep the index small


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold().replace("ё", "е")) if 2 <= len(w) <= MAX_WORD]


def vocabulary_words(text: str) -> list[str]:
    """The words worth correcting: codes and numbers (anything with a digit) are matched exactly or by prefix."""
    return [w for w in words(text) if not _DIGIT.search(w)]


@functools.lru_cache(maxsize=65536)
def word_trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity: shared trigrams over all trigrams of both words."""
    ta, tb = word_trigrams(a), word_trigrams(b)
    return len(ta & tb) / len(ta | tb)
