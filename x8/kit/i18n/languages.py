"""The languages the server speaks. English is the default and the language of every message id."""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "ru"]
DEFAULT: Language = "en"


def as_language(value: str | None) -> Language:
    """A stored language (a profile's ``language``) as one we speak; English for anything else."""
    return "ru" if value == "ru" else DEFAULT
