"""Text that PostgreSQL cannot store, made storable: NUL (U+0000, refused in ``text`` and ``jsonb``) is removed and
lone surrogates (``"\\ud800"`` in JSON decodes to one; UTF-8 cannot encode it) become U+FFFD.

Customers and providers send such text (a NUL in a Telegram first name, a broken emoji from an old client), and
what they send must be stored and answered (R-R6), so it is cleaned at the edge rather than refused.
"""

from __future__ import annotations

import re
from typing import Any

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What a JSON text must contain for its decoded strings to need cleaning: an escaped NUL or an escaped surrogate
# (valid pairs too; those decode to one code point and are left alone). Raw NUL bytes are not valid JSON.
_NEEDS_CLEANING = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def clean_text(value: str) -> str:
    if "\x00" in value:
        value = value.replace("\x00", "")
    if _LONE_SURROGATE.search(value):
        value = _LONE_SURROGATE.sub("\ufffd", value)
    return value


def clean_json(value: Any) -> Any:
    """``value`` with every string (keys too) cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    return value


def json_needs_cleaning(body: bytes) -> bool:
    """A fast check on the raw JSON (no decoding): most bodies need nothing."""
    return _NEEDS_CLEANING.search(body) is not None


# json's C decoder raises RecursionError past about a thousand nested levels; a body with fewer brackets than this
# cannot get there, so only such bodies are decoded to check.
MAX_BRACKETS_UNCHECKED = 900


def may_nest_too_deep(body: bytes) -> bool:
    return body.count(b"[") + body.count(b"{") > MAX_BRACKETS_UNCHECKED
