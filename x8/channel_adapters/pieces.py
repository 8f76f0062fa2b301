"""A reply longer than its platform takes in one message, cut into pieces sent in order (Messenger and Instagram
take 2,000 characters, Telegram 4,096). The delivery layer sends the pieces one by one and records how many went
out, so a retry after a failure half-way sends only the rest (``x8.platform.conversations.replies``)."""

from __future__ import annotations

import re

_CUTS = (re.compile(r"\n\s*\n"), re.compile(r"(?<=[.!?…])\s"), re.compile(r"\s"))


def split_text(text: str, limit: int | None) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters (None: no limit), cut at a paragraph, else a sentence,
    else a word, in order; nothing is lost but the whitespace at the cuts. A text that fits is one piece, as it is.
    The same text always gives the same pieces: a retry counts on it."""
    if limit is None or len(text) <= limit:
        return [text]  # as it is: one message
    rest = text.strip()
    pieces: list[str] = []
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for pattern in _CUTS:
            found = [m.end() for m in pattern.finditer(window) if m.end() <= limit]
            if found and found[-1] > limit // 3:
                cut = found[-1]
                break
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces or [text]  # only whitespace: as it is, for the provider to refuse
