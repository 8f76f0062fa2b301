"""Words as the assistant compares them: case-folded, ``ё`` → ``е``, stemmed by Snowball (English for Latin words,
Russian for Cyrillic ones), with hyphenated words also joined ("check-up" → "checkup", "Wi-Fi" → "wifi").

Stemming is the costly part (tens of microseconds a word in pure Python), so stems are cached per word.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import snowballstemmer

_STEMMERS = {"en": snowballstemmer.stemmer("english"), "ru": snowballstemmer.stemmer("russian")}
# A word: letters and digits, optionally joined by hyphens ("check-up", "11-17", "гель-лак"). Apostrophes split
# ("what's" → "what", "s"); the one-letter leftovers are not words.
_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
_DIGITS = re.compile(r"\d+")
_ONLY_DIGITS = re.compile(r"\d+")

_EN_NUMBERS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple": 2,
    "pair": 2,
    "dozen": 12,
}
_RU_NUMBERS = {
    **dict.fromkeys(("ноль", "нуль"), 0),
    **dict.fromkeys(("один", "одна", "одно", "одну", "одного", "одной"), 1),
    **dict.fromkeys(("два", "две", "двух"), 2),
    **dict.fromkeys(("три", "трех"), 3),
    **dict.fromkeys(("четыре", "четырех"), 4),
    **dict.fromkeys(("пять", "пяти"), 5),
    **dict.fromkeys(("шесть", "шести"), 6),
    **dict.fromkeys(("семь", "семи"), 7),
    **dict.fromkeys(("восемь", "восьми"), 8),
    **dict.fromkeys(("девять", "девяти"), 9),
    **dict.fromkeys(("десять", "десяти"), 10),
    **dict.fromkeys(("пара", "пару", "парочку", "парочка"), 2),
    **dict.fromkeys(("дюжина", "дюжину"), 12),
}
# Quantities in words, folded ("трёх" is "трех"): they say how many, never what.
NUMBER_WORDS = {**_EN_NUMBERS, **_RU_NUMBERS}


def fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


@functools.lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of a folded word; words with digits (codes, sizes) and mixed scripts are kept as they are."""
    if _DIGITS.search(word):
        return word
    if _CYRILLIC.search(word):
        return word if _LATIN.search(word) else str(_STEMMERS["ru"].stemWord(word))
    return str(_STEMMERS["en"].stemWord(word))


def is_cyrillic(word: str) -> bool:
    return _CYRILLIC.search(word) is not None


def is_latin(word: str) -> bool:
    return _LATIN.search(word) is not None


def is_number(word: str) -> bool:
    return _ONLY_DIGITS.fullmatch(word) is not None


@dataclass(frozen=True)
class Token:
    """One word of a text: as written (for quoting), folded, and where it starts and ends."""

    text: str
    folded: str
    start: int
    end: int

    @property
    def parts(self) -> list[str]:
        """A hyphenated word's parts ("check-up" → ["check", "up"]); a plain word is its own part."""
        return [p for p in self.folded.split("-") if p]

    @property
    def joined(self) -> str:
        return self.folded.replace("-", "")


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def digit_runs(text: str) -> list[str]:
    return _DIGITS.findall(text)
