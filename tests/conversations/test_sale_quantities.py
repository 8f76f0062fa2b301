"""Items and quantities from a customer's words (x8/conversations/assistant/quantities.py), in Russian and English:
digits and number words, each attached to the item it precedes (or follows with "x"/"шт"), one by default."""

from __future__ import annotations

import pytest

from x8.conversations.assistant.intents import Intent, classify
from x8.conversations.assistant.quantities import offers_alternatives, wanted_items


def _items(text: str) -> list[tuple[str, int | None]]:
    return [(w.text, w.quantity) for w in wanted_items(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("хочу купить 2 букета Нежность", [("букета Нежность", 2)]),
        ("I'd like to order two Classic Roses and a card", [("Classic Roses", 2), ("card", 1)]),
        ("3 кг бананов и пару лимонов", [("бананов", 3), ("лимонов", 2)]),
        ("одну розу и две открытки", [("розу", 1), ("открытки", 2)]),
        ("Хочу заказать три букета, пять открыток и десять шаров", [("букета", 3), ("открыток", 5), ("шаров", 10)]),
        ("I want to buy a dozen roses", [("roses", 12)]),
        ("send me a couple of roses please", [("roses please", 2)]),
        ("a pair of gym gloves plus eleven socks", [("gym gloves", 2), ("socks", 11)]),
        ("Classic Rose x2, greeting card × 3", [("Classic Rose", 2), ("greeting card", 3)]),
        ("2x Sourdough bread + 4 pcs of baguette", [("Sourdough bread", 2), ("baguette", 4)]),
        ("розы 3 шт и 2шт тюльпанов", [("розы", 3), ("тюльпанов", 2)]),
        ("Здравствуйте, хочу купить перчатки для фитнеса", [("перчатки для фитнеса", 1)]),
        # A number after the item's first word is part of its name, not a quantity.
        ("букет из 25 роз", [("букет из 25 роз", 1)]),
        ("I'd like to buy the iPhone 15 case", [("iPhone 15 case", 1)]),
        ("хочу купить 0 букетов", [("букетов", 0)]),
        ("Хочу купить ноль открыток", [("открыток", 0)]),
        # Said vaguely: unknown, so the assistant asks.
        ("I want to buy some apples", [("apples", None)]),
        ("Хочу купить несколько открыток", [("открыток", None)]),
        ("I'd like a few candles", [("candles", None)]),
        # Nothing named: nothing to order.
        ("I'll take two", []),
        ("хочу купить, пожалуйста", []),
    ],
)
def test_items_and_their_quantities(text: str, expected: list[tuple[str, int | None]]) -> None:
    assert _items(text) == expected


def test_how_the_quantity_was_said_is_kept() -> None:
    [kilos, lemons] = wanted_items("3 кг бананов и пару лимонов")
    assert (kilos.said, kilos.digits, kilos.unit, kilos.measured) == ("3 кг", "3", "kg", True)
    assert (lemons.said, lemons.digits, lemons.unit, lemons.measured) == ("пару", None, None, False)
    [roses] = wanted_items("хочу 25 роз")
    assert (roses.said, roses.digits, roses.quantity) == ("25", "25", 25)  # may name "the bouquet of 25"
    [glued] = wanted_items("2pcs of baguette")
    assert (glued.said, glued.digits, glued.unit) == ("2pcs", "2", "pcs")


def test_packs_are_counted_as_packs() -> None:
    assert [w.packs for w in wanted_items("2 packs of balloons and 2 roses")] == [True, False]
    assert [w.packs for w in wanted_items("два набора шаров")] == [True]


def test_an_absurd_run_of_digits_stays_absurd() -> None:
    [(_, quantity)] = _items("Хочу купить 1000000000000000000000 роз")
    assert quantity is not None and quantity > 99


def test_alternatives_are_items_of_a_choice() -> None:
    assert _items("Хочу купить монстеру или фикус") == [("монстеру", 1), ("фикус", 1)]
    assert offers_alternatives("roses or tulips") and offers_alternatives("розы либо тюльпаны")
    assert not offers_alternatives("two Classic Roses and a card")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("I'd like to order two roses", Intent.BUY),
        ("Order 2 roses please", Intent.BUY),
        ("I want to pay for a teeth cleaning", Intent.BUY),
        ("хочу купить 2 букета", Intent.BUY),
        ("Оформите заказ: букет лилий", Intent.BUY),
        ("Можно заказать 20 шаров?", Intent.BUY),
        ("беру две открытки", Intent.BUY),
        # Mentions of buying and orders are not purchases: nothing may be ordered from them.
        ("Where is my order?", Intent.QUESTION),
        ("Do you deliver orders?", Intent.QUESTION),
        ("Can I pay by card?", Intent.QUESTION),
        ("Сколько стоит доставка заказа?", Intent.QUESTION),
        ("Какие способы оплаты?", Intent.QUESTION),
    ],
)
def test_only_a_purchase_is_a_wish_to_buy(text: str, intent: Intent) -> None:
    assert classify(text) == intent
