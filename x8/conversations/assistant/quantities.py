"""Which items a customer wants to buy, and how many of each, from their own words in English and Russian:
"хочу купить 2 букета Нежность", "I'd like to order two Classic Roses and a card", "3 кг бананов и пару лимонов".

The message is cut into items where "and", "и", "plus", a comma, "+" or "&" stand between them (and "or", "или":
then the customer is choosing, and nothing is ordered yet). An item's quantity
is the number said before it: digits, or a number word (zero … twelve, a/an, a couple, a pair, a dozen; ноль,
один/одна/одну … десять, пару/пара, дюжину), perhaps with a unit ("3 кг бананов", "2 pcs of", "2 x Classic Rose");
or, after it, a count with a multiplication mark or a count unit ("Classic Rose x2", "розы × 3", "розы 3 шт"). A
number after the item's first word without such a mark belongs to its name ("букет из 25 роз", "iPhone 15 case").
No quantity said: one. "A few", "some", "несколько": unknown, so the assistant asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from x8.conversations.assistant.question import is_filler
from x8.conversations.assistant.words import NUMBER_WORDS, Token, fold, is_number, tokens

MAX_DIGITS = 6  # a longer run of digits is no quantity anyone means; it stays absurd without a huge int

_ARTICLES = frozenset({"a", "an"})
_VAGUE = frozenset({"few", "several", "some", "несколько", "немного"})
# Units said with a quantity, by what they measure: a count, or a weight or volume.
UNITS = {
    **dict.fromkeys(("pcs", "pc", "piece", "pieces", "pairs", "шт", "штук", "штуки", "штука", "пары", "пар"), "pcs"),
    **dict.fromkeys(("kg", "kgs", "кг", "кило", "килограмм", "килограмма", "килограммов"), "kg"),
    **dict.fromkeys(("g", "gr", "gram", "grams", "г", "гр", "грамм", "грамма", "граммов"), "g"),
    **dict.fromkeys(("l", "liter", "liters", "litre", "litres", "л", "литр", "литра", "литров"), "l"),
    **dict.fromkeys(("ml", "мл"), "ml"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "lb"),
}
COUNT = "pcs"
_TIMES = frozenset({"x", "х"})  # "2 x Classic Rose", "Classic Rose x 2" (Latin and Cyrillic x)
_GLUED = re.compile(r"(\d+)([a-zа-я]+)")  # "3кг", "2x", "2pcs"
_TIMES_GLUED = re.compile(r"[xх×](\d+)")  # "x2", "×2"
# Words that ask for the item rather than name it, before a quantity: "send me 2 …", "пришлите 3 …".
_REQUEST_WORDS = frozenset(
    {"send", "give", "bring", "add", "deliver", "ship", "put", "get", "me", "us", "пришлите", "пришли", "дайте"}
    | {"дай", "добавьте", "добавь", "доставьте", "отправьте", "отправь", "положите", "мне", "нам", "оформите"}
)
# Words that count packs, so a quantity counts the catalogue's packs ("2 packs of balloons", "два набора шаров").
_PACK_WORDS = re.compile(r"\b(packs?|sets?|boxes|box|bundles?|набор\w*|упаковк\w*|пач\w*|коробк\w*|комплект\w*)\b")
_ALTERNATIVES = re.compile(r"\b(?:or|или|либо)\b", re.IGNORECASE)
_CART_SEPARATOR = re.compile(
    r"(?:(?<!\d),|,(?!\d)|;|&|\+|\band\b|\bplus\b|\bas well as\b|\bи\b|\bплюс\b|\bа также\b|"
    + _ALTERNATIVES.pattern
    + ")",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Wanted:
    """One item of a purchase, in the customer's words."""

    text: str  # what the item is, without its quantity ("Classic Roses", "букета Нежность")
    quantity: int | None  # 1 when none was said; None when it was said vaguely ("a few", "несколько")
    said: str | None = None  # the quantity as written, with its unit ("two", "2", "16 кг"); None when not said
    digits: str | None = None  # the quantity's digits, when written in digits: they may name the item instead
    unit: str | None = None  # the unit said with it ("kg", "pcs"), if any
    packs: bool = False  # the customer counts packs ("2 packs of …"), so the quantity is the catalogue's packs

    @property
    def measured(self) -> bool:
        """The quantity is a weight or volume ("3 кг бананов"), not a count."""
        return self.unit not in (None, COUNT)


def offers_alternatives(text: str) -> bool:
    """ "Roses or tulips": the customer has not chosen yet."""
    return _ALTERNATIVES.search(text) is not None


def wanted_items(text: str) -> list[Wanted]:
    """The items of a purchase, in the order named; parts that name nothing ("please", "and two") are left out."""
    found = (_item(part) for part in _CART_SEPARATOR.split(text) if part.strip())
    return [w for w in found if w is not None]


def _item(part: str) -> Wanted | None:
    words = tokens(part)
    i = 0
    while i < len(words):
        number = _number(words, i)
        if number is not None:
            return _after_quantity(part, words, number)
        if not _asks(words[i].folded):
            break
        i += 1
    if i == len(words):
        return None
    return _with_count_after(part, words, i)


@dataclass(frozen=True)
class _Number:
    value: int | None  # None: vague
    said: str  # as written, with its unit ("16 кг", "a couple")
    digits: str | None  # the number, when written in digits
    unit: str | None
    end: int  # the index of the first word after the number (its unit, "x", "of")


def _number(words: list[Token], i: int) -> _Number | None:
    """The quantity that starts at ``words[i]``, with the unit, "x" or "of" that follows it."""
    word = words[i].folded
    value: int | None
    digits: str | None = None
    unit: str | None = None
    end = i + 1
    glued = _GLUED.fullmatch(word)
    if is_number(word):
        value, digits = _digits(word), word
    elif glued and (glued.group(2) in UNITS or glued.group(2) in _TIMES):
        value, digits, unit = _digits(glued.group(1)), glued.group(1), UNITS.get(glued.group(2))
    elif word in NUMBER_WORDS:
        value = NUMBER_WORDS[word]
    elif word in _ARTICLES or word in _VAGUE:
        following = words[i + 1].folded if i + 1 < len(words) else ""
        if following in ("couple", "pair", "dozen"):
            value, end = NUMBER_WORDS[following], i + 2
        elif word in _VAGUE or following in _VAGUE:
            value, end = None, i + (1 if word in _VAGUE else 2)
        else:
            value = 1
    else:
        return None
    if unit is None and end < len(words) and words[end].folded in UNITS:
        unit, end = UNITS[words[end].folded], end + 1
    said = " ".join(w.text for w in words[i:end])
    if end < len(words) and words[end].folded in _TIMES:
        end += 1
    if end < len(words) and words[end].folded in ("of", "из"):
        end += 1
    return _Number(value, said, digits, unit, end)


def _asks(word: str) -> bool:
    """A word of the request around the item ("I'd like to order", "хочу купить", "send me"), not of the item."""
    return (len(word) < 2 and not word.isdigit()) or is_filler(word) or word in _REQUEST_WORDS


def _digits(run: str) -> int:
    return int(run) if len(run) <= MAX_DIGITS else 10**MAX_DIGITS


def _after_quantity(part: str, words: list[Token], number: _Number) -> Wanted | None:
    if number.end >= len(words):
        return None  # "I'll take two": a quantity of nothing named
    text = part[words[number.end].start :].strip()
    return Wanted(text, number.value, number.said, number.digits, number.unit, _counts_packs(part))


def _with_count_after(part: str, words: list[Token], first: int) -> Wanted:
    """The item starting at ``words[first]``, with a count after it ("Classic Rose x2", "розы × 3", "розы 3 шт")
    taken out of its words."""
    for j in range(first + 1, len(words)):
        word = words[j].folded
        gap = part[words[j - 1].end : words[j].start]
        times = _TIMES_GLUED.fullmatch(word)
        if times:
            return _counted(part, words, first, j, j + 1, times.group(1))
        if is_number(word) and ("×" in gap or words[j - 1].folded in _TIMES):
            start = j if "×" in gap else j - 1
            return _counted(part, words, first, start, j + 1, word)
        if is_number(word) and j + 1 < len(words) and UNITS.get(words[j + 1].folded) == COUNT:
            return _counted(part, words, first, j, j + 2, word, unit=COUNT)
        glued = _GLUED.fullmatch(word)
        if glued and UNITS.get(glued.group(2)) == COUNT:
            return _counted(part, words, first, j, j + 1, glued.group(1), unit=COUNT)
    return Wanted(part[words[first].start :].strip(), 1, packs=_counts_packs(part))


def _counted(
    part: str, words: list[Token], first: int, start: int, end: int, digits: str, *, unit: str | None = None
) -> Wanted:
    before = part[words[first].start : words[start].start]
    after = part[words[end - 1].end :]
    text = " ".join(f"{before} {after}".replace("×", " ").split())
    said = part[words[start].start : words[end - 1].end]
    return Wanted(text, _digits(digits), said, digits, unit, _counts_packs(part))


def _counts_packs(part: str) -> bool:
    return _PACK_WORDS.search(fold(part)) is not None
