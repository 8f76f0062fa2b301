"""What a customer's message asks about: its content words, its numbers, and whether it wants the cheapest or the
dearest, with everything else (greetings, politeness, "do you sell", "how much", "I'd like to book", units, …)
set aside, in English and Russian.

Only content words can make a catalogue row an answer: a shared number, a stop word or a unit never does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from x8.conversations.assistant.words import NUMBER_WORDS, Token, fold, is_cyrillic, is_number, stem, tokens


def _listed(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())


# Filler in English, by the word as written (English inflects little; matching stems would drop real products:
# "book" is filler in "I'd like to book", "books" is not).
_FILLER_EN = _listed(
    """
    hi hello hey hiya there good morning afternoon evening day thanks thank thx please pls kindly dear sir madam
    team guys folks how much many what whats which who where when why is are was were be been am do does did doing
    done can could would will shall should may might must don doesn didn isn aren wasn won wouldn couldn ll re ve
    im id me my mine we us our ours you your yours it its this that these those they them their a an the some any
    anything something one ones of for to in on at by from with without about into onto over under up out off as
    than then so also too just only really very still yet ever even and or but if not no yes ok okay hmm um well
    actually currently now today tomorrow right here like want wanted wanna need needed looking look seek searching
    search find get got take buy buying bought purchase purchasing order ordering ordered book booking booked
    reserve reserving reservation schedule appointment appointments sign make have has having had sell sells
    selling sold offer offers offering provide provides stock stocked available availability carry carries price
    prices priced pricing cost costs costing charge charges fee fees expensive cheap cheapest priciest dearest
    affordable budget lowest highest least most rate rates pay paying item items product products thing things
    stuff service services catalogue catalog shop store range selection option options kind kinds type types sort
    gadget gadgets gear equipment device devices goods
    tell know let show give see ask question wonder wondering interested interest info information details detail
    come visit free
    """
)
# Filler in Russian, compared by stem too, so every form of a verb or noun goes ("продаёте", "продаются").
_FILLER_RU = _listed(
    """
    здравствуйте здравствуй привет приветствую добрый доброе добрая день вечер утро спасибо благодарю пожалуйста
    подскажите скажите расскажите уточните покажите посоветуйте можно могу могли бы ли вы вас вам ваш ваша ваше
    ваши вашем вашей у нас наш наша наши я мне меня мой моя мы он она оно они это этот эта эти тот та то что чтобы
    как какой какая какое какие какую каких каким сколько стоит стоят стоимость цена цену цены ценой почём по чем
    за на в во с со к ко о об от до для из и а но или же тоже также ещё уже вот есть имеется имеются наличии
    наличие нет да хочу хотел хотела хотели хотим хотелось нужен нужна нужно нужны надо интересует интересуют
    интересно купить куплю покупать покупаю приобрести заказать закажу заказ оформить оформите оплатить оплачу
    беру возьму взять записаться запишите запишусь
    записать запись забронировать бронь продаёте продаёшь продаётся продаются торгуете найдётся бывает будет
    дешёвый дешёвая дешёвое дешёвые самый самая самое самые дорогой дорогая дорогое дорогие подешевле подороже
    дешевле дороже недорогой недорогая недорогие бюджетный товар товары услуга услуги каталог магазин ассортимент
    вариант варианты вид виды видов штука любой любая какой-нибудь нибудь вообще сейчас сегодня завтра делаете
    делаешь делают сделать сделаете бесплатно бесплатный
    """
)
_FILLER_RU_STEMS = frozenset(stem(w) for w in _FILLER_RU if len(stem(w)) >= 3)
UNITS = _listed(
    """
    inch inches cm mm m kg g gr gram grams l ml liter liters litre litres pcs pc piece pieces pack packs gb tb mb
    mah w v hz ghz mp usd eur euro euros dollar dollars rub шт штук штуки см мм м кг г гр грамм граммов л мл литр
    литра литров дюйм дюйма дюймов руб рублей рубля р гб тб вт мач евро долларов
    """
)
_SIZE_WORDS = frozenset({"size", "sizes", "sized", "размер", "размера", "размеров", "размере", "размером", "размеры"})
_GLUED_UNIT = re.compile(r"(\d+)([a-zа-я]+)")
_CHEAPEST = re.compile(
    r"\b(cheapest|least expensive|lowest[- ]price[ds]?|most affordable|сам(ый|ая|ое|ые|ых|ого|ую) "
    r"(дешев|недорог|бюджетн)\w*|дешевле всего|подешевле|наиболее дешев\w*)"
)
_DEAREST = re.compile(
    r"\b(most expensive|priciest|dearest|highest[- ]price[ds]?|сам(ый|ая|ое|ые|ых|ого|ую) дорог\w*|дороже всего|"
    r"подороже|наиболее дорог\w*)"
)
# Between two things asked in one message: "the kettlebell and the foam roller", "гиря и ролик", "roses, tulips".
_SEPARATOR = re.compile(r"(?:(?<!\d),|,(?!\d)|;|&|\+|\band\b|\bor\b|\bas well as\b|\bи\b|\bили\b|\bа также\b)", re.I)
MAX_ASKED_CHARS = 60


class Superlative(StrEnum):
    CHEAPEST = "cheapest"
    DEAREST = "dearest"


class NumberRole(StrEnum):
    IDENTIFYING = "identifying"  # after the thing named, no unit: a model or variant ("iPhone 15", "51 roses")
    MEASURE = "measure"  # with a unit ("16 inch", "24 кг")
    SIZE = "size"  # a size ("42 размера", "size 10"): a shop rarely lists sizes in the name
    QUANTITY = "quantity"  # before the thing named ("2 bouquets")


@dataclass(frozen=True)
class Term:
    """A content word of the question."""

    word: str  # folded, a hyphenated word joined ("checkup")
    written: str  # folded, as written ("check-up"): what the catalogue's full-text index knows
    stem: str
    parts: tuple[str, ...]  # a hyphenated word's parts, stemmed ("check", "up")
    code: bool  # has a digit ("S24", "1080p"): matched as written, never as a typo


@dataclass(frozen=True)
class Number:
    value: str
    role: NumberRole


@dataclass(frozen=True)
class Question:
    text: str
    terms: tuple[Term, ...]
    numbers: tuple[Number, ...]
    asked: str  # the customer's own words for what they asked about, safe to quote back
    superlative: Superlative | None

    @property
    def names_a_variant(self) -> bool:
        """It names a model or a measure ("foam roller 90 cm", "iPhone 15"), not just a kind of thing."""
        return any(n.role in (NumberRole.IDENTIFYING, NumberRole.MEASURE) for n in self.numbers)

    @property
    def query(self) -> str:
        """What to search the catalogue with: the content words as the customer wrote them."""
        return " ".join(t.written for t in self.terms)


def is_filler(word: str) -> bool:
    if word in _FILLER_EN or word in _FILLER_RU or word in NUMBER_WORDS:
        return True
    return is_cyrillic(word) and stem(word) in _FILLER_RU_STEMS


def _kind(token: Token) -> str:
    """'number', 'unit', 'size', 'filler' or 'term'."""
    word = token.folded
    if is_number(word.replace("-", "")) or all(is_number(p) for p in token.parts):
        return "number"
    if word in UNITS:
        return "unit"
    if word in _SIZE_WORDS:
        return "size"
    if len(word) < 2 and not word.isdigit():
        return "filler"
    glued = _GLUED_UNIT.fullmatch(word)
    if glued and glued.group(2) in UNITS:
        return "number"
    if all(is_filler(p) for p in token.parts):
        return "filler"
    return "term"


def parse(text: str) -> Question:
    words = tokens(text)
    kinds = [_kind(t) for t in words]
    terms: dict[str, Term] = {}  # by stem: "the mouse and the mouse pad" asks about "mouse" once
    numbers: list[Number] = []
    for i, (token, kind) in enumerate(zip(words, kinds, strict=True)):
        if kind == "term":
            parts = tuple(stem(p) for p in token.parts if not is_filler(p))
            term = Term(token.joined, token.folded, stem(token.joined), parts, any(c.isdigit() for c in token.folded))
            terms.setdefault(term.stem, term)
        elif kind == "number":
            numbers.extend(_numbers(words, kinds, i))
    folded = fold(text)
    superlative = (
        Superlative.CHEAPEST if _CHEAPEST.search(folded) else Superlative.DEAREST if _DEAREST.search(folded) else None
    )
    return Question(text, tuple(terms.values()), tuple(numbers), _asked(text, words, kinds), superlative)


def _numbers(words: list[Token], kinds: list[str], i: int) -> list[Number]:
    token = words[i]
    glued = _GLUED_UNIT.fullmatch(token.folded)
    values = [glued.group(1)] if glued else [p for p in token.parts if is_number(p)]
    after = kinds[i + 1] if i + 1 < len(kinds) else None
    before = kinds[i - 1] if i > 0 else None
    if after == "size" or before == "size":
        role = NumberRole.SIZE
    elif glued or after == "unit":
        role = NumberRole.MEASURE
    elif "term" in kinds[:i]:
        role = NumberRole.IDENTIFYING
    else:
        role = NumberRole.QUANTITY
    return [Number(v, role) for v in values]


def _asked(text: str, words: list[Token], kinds: list[str]) -> str:
    """The span from the first content word to the last word describing it ("tyres for a 16 inch wheel",
    "кроссовки 42 размера"), with numbers and units just before it ("16 inch tyres")."""
    if "term" not in kinds:
        return ""
    first = kinds.index("term")
    while first > 0 and kinds[first - 1] in ("number", "unit"):
        first -= 1
    last = max(i for i, k in enumerate(kinds) if i >= first and (k in ("term", "number") or _measures(kinds, i)))
    return quotable(text[words[first].start : words[last].end])


def _measures(kinds: list[str], i: int) -> bool:
    """A unit or size word next to a number ("16 inch", "размер 42"), not a stray "m" from "I'm"."""
    if kinds[i] not in ("unit", "size"):
        return False
    return (i > 0 and kinds[i - 1] == "number") or (i + 1 < len(kinds) and kinds[i + 1] == "number")


def quotable(text: str) -> str:
    """Text safe to quote back inside quotation marks: letters, digits and plain punctuation only, at most
    ``MAX_ASKED_CHARS`` (cut at a word)."""
    clean = " ".join(re.sub(r"[^\w\s\-'.,&+/()]|_", " ", text).split())
    if len(clean) <= MAX_ASKED_CHARS:
        return clean
    return clean[:MAX_ASKED_CHARS].rsplit(" ", 1)[0] + "…"


def split(text: str) -> list[Question]:
    """The things asked in one message ("the kettlebell and the foam roller?" → two questions); a part without a
    content word ("Hello", "please") is not a question of its own."""
    parts = [parse(p) for p in _SEPARATOR.split(text) if p.strip()]
    return [p for p in parts if p.terms]
