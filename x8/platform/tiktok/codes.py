"""Ref codes: what a tracking link's prefilled WhatsApp text carries, and how a customer's message is read for one.

A code is 10 characters of a 32-letter alphabet (50 bits from ``secrets``): short enough to sit in a chat message,
far too many to guess. It is matched case-insensitively after ``ref`` (``ref:k3mz…``, ``REF k3mz…``), wherever the
customer moved it when editing the text around it.
"""

from __future__ import annotations

import re
import secrets

CODE_LENGTH = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: a code read aloud or retyped stays the same
_REF = re.compile(rf"\(?\bref\s*[:#-]?\s*([a-z0-9]{{{CODE_LENGTH}}})\b\)?", re.IGNORECASE)

# The greeting WhatsApp opens with, in the company's language; the customer may change it, the ref stays.
_PREFILL = {
    "en": "Hello! I saw your ad on TikTok and I'd like to know more.",
    "ru": "Здравствуйте! Пишу по вашей рекламе в TikTok, хочу узнать подробнее.",
}


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


def prefill(language: str, code: str) -> str:
    greeting = _PREFILL.get(language.split("-")[0].lower(), _PREFILL["en"])
    return f"{greeting} (ref:{code})"


def codes_in(text: str) -> list[str]:
    """The ref codes a message carries, lower-cased, in order of appearance."""
    return [m.group(1).lower() for m in _REF.finditer(text)]


def without_ref_codes(text: str) -> str:
    """The message as the assistant should read it: the ref code is ours, not the customer's words."""
    if "ref" not in text.lower():
        return text
    return re.sub(r"[ \t]{2,}", " ", _REF.sub("", text)).strip()
