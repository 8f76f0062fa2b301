"""Which language to answer in: the customer's, judged from their words, else the company's.

Words are counted, not letters, and inside Russian text the Latin words that look like names (a capital letter:
"Samsung", "iPhone") and tokens with digits ("S24") do not count: "Сколько стоит Samsung Galaxy 24?" is Russian.
"""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
SUPPORTED = ("en", "ru")


def detect(text: str, *, fallback: str) -> str:
    words = _WORD.findall(text)
    cyrillic = [w for w in words if _CYRILLIC.search(w)]
    latin = [w for w in words if _LATIN.search(w) and not _CYRILLIC.search(w)]
    if cyrillic:
        latin = [w for w in latin if not _looks_like_a_name(w)]
    if not cyrillic and not latin:
        return fallback if fallback in SUPPORTED else "en"
    return "ru" if len(cyrillic) >= len(latin) else "en"


def _looks_like_a_name(word: str) -> bool:
    return any(c.isupper() or c.isdigit() for c in word)
