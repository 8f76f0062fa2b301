""" "What do you sell?": the customer asks for the catalogue as a whole, and the assistant answers with what the
knowledge base has: its categories, each with a few of its items, or, in a catalogue without categories, a few
items with their prices. Everything is copied from rows; a catalogue with nothing in it says so and offers a
person.

Only a message that asks for the catalogue and nothing else is such a question ("what do you have?", "что у вас
есть?"); "what do you have in red?" names something, so it is searched like any other question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from x8.conversations.assistant.compose import price_text
from x8.conversations.assistant.intents import Intent, classify
from x8.conversations.assistant.texts import t

CATEGORIES_SHOWN = 8
EXAMPLES_PER_CATEGORY = 2
ITEMS_SHOWN = 6  # in a catalogue without categories

_ASKS = (
    # English
    r"what (?:do|can|does) (?:you|u|your (?:shop|store|company)) (?:sell|offer|have|stock|do)(?: for sale)?",
    r"what (?:can|could|may) i (?:buy|order|get|book|purchase)(?: from you| with you)?",
    r"what (?:products|items|goods|services|things|kinds? of (?:products|items|goods|services|things)) "
    r"(?:do you|can i|you) (?:have|sell|offer|buy|order|book)",
    r"what(?: is|'s| are) (?:on offer|for sale|available|in stock)",
    r"what(?: are|'re) (?:your|the) (?:prices|rates)",
    r"how much (?:are|do) (?:your|the) (?:things|items|products|services)(?: cost)?",
    r"(?:can i |could i )?(?:see|show me|send me|give me|share) (?:your |the )?"
    r"(?:catalog(?:ue)?|menu|price ?list|prices|range|products|services|assortment|offer)",
    r"(?:your |the )?(?:catalog(?:ue)?|menu|price ?list|assortment|products|services)",
    # Russian
    r"что (?:вы |у вас )?(?:продаете|продаёте|предлагаете|продается|продаётся)",
    r"что (?:у вас )?(?:есть|имеется)(?: в наличии| у вас| в продаже)?",
    r"что (?:можно|я могу|могу) (?:у вас )?(?:купить|заказать|приобрести)(?: у вас)?",
    r"на что (?:можно |у вас можно )?записаться",
    r"какие (?:у вас )?(?:есть )?(?:товары|услуги|продукты|позиции)(?: у вас)?(?: есть)?(?: в наличии)?",
    r"чем (?:вы )?(?:торгуете|занимаетесь)",
    r"какие (?:у вас )?(?:цены|расценки)",
    r"сколько (?:у вас )?стоят (?:ваши )?(?:товары|услуги)",
    r"(?:покажите|пришлите|скиньте|дайте|отправьте|можно) (?:мне )?(?:ваш |свой )?"
    r"(?:каталог|меню|прайс|прайс-лист|прайслист|ассортимент|список товаров|список услуг)",
    r"(?:ваш )?(?:каталог|меню|прайс|прайс-лист|прайслист|ассортимент)",
)
_CATALOGUE = re.compile(
    r"^\W*(?:(?:hi|hello|hey|привет|здравствуйте|добрый день)\W+)?"
    r"(?:" + "|".join(_ASKS) + r")"
    r"(?:\W+(?:here|today|now|please|then|guys|пожалуйста|сейчас|сегодня))?\W*$",
    re.IGNORECASE,
)


_PRICES = re.compile(r"(\bprice|\bpricing|\bcost|прайс|\bцен|расценк|стоимост)", re.IGNORECASE)


def asks_for_catalogue(text: str) -> bool:
    """The turn asks what the business sells, and nothing more specific. A turn of several messages (merged by the
    buffer, one a line) does when one of them does and the others only greet or ask the same."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    asks = [_CATALOGUE.match(line) is not None for line in lines]
    return any(asks) and all(a or classify(line) == Intent.GREETING for a, line in zip(asks, lines, strict=True))


def asks_for_prices(text: str) -> bool:
    """The catalogue question asks for prices too ("your price list", "прайс")."""
    return _PRICES.search(text) is not None


@dataclass(frozen=True)
class Outline:
    """The start of the catalogue, in its order: the rows' category, name, price, currency, unit and duration."""

    rows: Sequence[dict[str, Any]]
    complete: bool  # every row of the catalogue is in ``rows``


@runtime_checkable
class Outlining(Protocol):
    """A KB search that can also give the catalogue's outline (the platform's search does; a preview's may not)."""

    async def outline(self) -> Outline: ...


def outline_reply(
    outline: Outline, company_type: str, language: str, *, with_prices: bool = False
) -> tuple[str, tuple[str, ...]]:
    """The answer to "what do you sell?", and the ids of the rows it names (``with_prices``: each with its price,
    for "your price list")."""
    service = company_type == "Service"
    if not outline.rows:
        return f"{t(language, 'catalogue_empty')} {t(language, 'handover_offer')}", ()
    by_category: dict[str, list[dict[str, Any]]] = {}
    for row in outline.rows:
        category = " ".join(str(row.get("category") or "").split())
        if category:
            by_category.setdefault(category, []).append(row)
    if len(by_category) >= 2:
        # The biggest categories first (as far as the outline saw), the catalogue's order among equals.
        ranked = sorted(by_category.items(), key=lambda item: -len(item[1]))[:CATEGORIES_SHOWN]
        order = {name: i for i, name in enumerate(by_category)}
        shown = sorted(ranked, key=lambda item: order[item[0]])
        lines = [t(language, "catalogue_services" if service else "catalogue_products")]
        ids: list[str] = []
        for category, rows in shown:
            examples = rows[:EXAMPLES_PER_CATEGORY]
            ids.extend(str(r["id"]) for r in examples)
            names = ", ".join(_example(r, language, with_prices) for r in examples)
            more = "…" if len(rows) > len(examples) else ""
            lines.append(t(language, "catalogue_category", category=category, examples=names + more))
        if len(by_category) > len(shown) or not outline.complete:
            lines.append(t(language, "catalogue_more"))
        lines.append(t(language, "catalogue_ask"))
        return "\n".join(lines), tuple(ids)
    items = list(outline.rows[:ITEMS_SHOWN])  # always with prices: the names alone would say little
    lines = [t(language, "catalogue_services" if service else "catalogue_products")]
    lines.extend(f"• {row['name']}: {price_text(row, language)}" for row in items)
    if len(outline.rows) > len(items) or not outline.complete:
        lines.append(t(language, "catalogue_more"))
    lines.append(t(language, "catalogue_ask"))
    return "\n".join(lines), tuple(str(r["id"]) for r in items)


def _example(row: dict[str, Any], language: str, with_prices: bool) -> str:
    return f"{row['name']} ({price_text(row, language)})" if with_prices else str(row["name"])
