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


# A purchase the customer is making, not a mention of one: "I'd like to order", "хочу купить", "pay for", but not
# "where is my order", "доставка заказа" or "can I pay by card". Only this makes the assistant create an order.
_PURCHASE = re.compile(
    r"\b(buy|buying|purchase|purchasing|i'?ll take|i will take|i want to get|i'?d like to get|pay for|"
    r"(?<!\bmy )(?<!\byour )(?<!\bthe )(?<!\bour )(?<!\ban )(?<!\bthis )(?<!\bthat )(?<!\bin )order|"
    r"купить|куплю|покупаю|приобрести|приобрету|заказать|закажу|закажем|закажите|заказываю|оформ\w* заказ|"
    r"сделать заказ|оплатить|оплачу|беру|возьму|хочу взять)\b",
    re.IGNORECASE,
)


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
    (Intent.BUY, _PURCHASE),
]
_GREETING = re.compile(
    r"^\W*(hi|hello|hey|good (morning|afternoon|evening)|start|/start|привет|здравствуй\w*|добрый (день|вечер)|"
    r"доброе утро|салют)(\W+(there|all|everyone|guys|всем))?\W*$",
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
