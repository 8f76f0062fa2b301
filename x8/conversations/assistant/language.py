"""Which language to answer in: the customer's, judged from their words, else the company's."""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
SUPPORTED = ("en", "ru")


def detect(text: str, *, fallback: str) -> str:
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if cyrillic == 0 and latin == 0:
        return fallback if fallback in SUPPORTED else "en"
    return "ru" if cyrillic >= latin else "en"
