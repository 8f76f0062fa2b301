"""Small helpers for hand-written SQL."""

from __future__ import annotations


def escape_like(term: str) -> str:
    """``term`` as a literal inside a LIKE/ILIKE pattern (the default escape character is the backslash)."""
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
