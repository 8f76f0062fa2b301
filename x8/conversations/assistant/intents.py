"""What the customer wants, by keywords in English and Russian (the retrieval responder's understanding; an LLM,
when configured, decides with tool calls instead)."""

from __future__ import annotations

import re
from enum import StrEnum


class Intent(StrEnum):
    GREETING = "greeting"
    QUESTION = "question"
    BUY = "buy"
    BOOK = "book"
    HUMAN = "human"


_PATTERNS: list[tuple[Intent, re.Pattern[str]]] = [
    (
        Intent.HUMAN,
        re.compile(
            r"\b(human|real person|operator|manager|agent|someone real|talk to (a )?person|"
            r"человек|оператор|менеджер|живой|позовите|свяжите)",
            re.IGNORECASE,
        ),
    ),
    (
        Intent.BOOK,
        re.compile(
            r"\b(book|booking|appointment|reserve|schedule|slot|"
            r"запис|бронир|забронир|запиши|свободн\w* (время|слот))",
            re.IGNORECASE,
        ),
    ),
    (
        Intent.BUY,
        re.compile(
            r"\b(buy|purchase|order|pay|checkout|i'?ll take|i want to get|"
            r"купить|куплю|заказ|оплат|беру|хочу взять)",
            re.IGNORECASE,
        ),
    ),
]
_GREETING = re.compile(
    r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|start|/start|привет|здравствуй\w*|добрый (день|вечер)|"
    r"доброе утро|салют)\W*$",
    re.IGNORECASE,
)


def classify(text: str) -> Intent:
    stripped = text.strip()
    for intent, pattern in _PATTERNS:
        if pattern.search(stripped):
            return intent
    if _GREETING.match(stripped):
        return Intent.GREETING
    return Intent.QUESTION


# A short yes to the assistant's offer of a person ("Reply “yes” and I'll pass this chat on").
_YES = re.compile(
    r"^\W*(yes|yeah|yep|yup|sure|ok|okay|please|yes,? please|please do|go ahead|"
    r"да|ага|давайте|давай|хорошо|конечно|да,? пожалуйста|пожалуйста)\W*$",
    re.IGNORECASE,
)


def accepts_offer(text: str) -> bool:
    """The customer answers a yes/no offer with yes."""
    return _YES.match(text.strip()) is not None
