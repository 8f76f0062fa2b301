"""The sale's own rules (x8/conversations/assistant/sale.py), on a catalogue in memory: a number that names the item
is not a quantity, packs and units are asked about rather than guessed, a cart is ordered once per turn, and each
answer of the checkout port becomes the right reply."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from x8.conversations.assistant import sale
from x8.conversations.assistant.checkout import (
    CartLine,
    CartRefused,
    CheckoutResult,
    LinkLater,
    NotPayable,
    OncePerTurn,
    PaymentLink,
)
from x8.conversations.assistant.evaluation.labelled import Labelled
from x8.conversations.assistant.evaluation.scoring import score
from x8.conversations.assistant.intents import Intent
from x8.conversations.assistant.quantities import wanted_items
from x8.conversations.assistant.retrieval import CompanyProfile, Reply, respond

ROWS: list[dict[str, Any]] = [
    {"id": "r25", "sku": "R25", "name": "Букет из 25 роз", "price": "4500.00", "currency": "RUB", "stock": 12},
    {"id": "r51", "sku": "R51", "name": "Букет из 51 розы", "price": "8900.00", "currency": "RUB", "stock": 6},
    {"id": "bal", "sku": "BAL", "name": "Воздушные шары гелиевые 10 шт", "price": "1500.00", "currency": "RUB"},
    {"id": "ban", "sku": "BAN", "name": "Бананы", "price": "150.00", "currency": "RUB", "unit": "кг"},
    {"id": "g16", "sku": "G16", "name": "Гиря 16 кг", "price": "4290.00", "currency": "RUB", "stock": 10},
    {"id": "g24", "sku": "G24", "name": "Гиря 24 кг", "price": "5990.00", "currency": "RUB", "stock": 0},
    {"id": "hdmi", "sku": "HDMI", "name": "HDMI Cable 2 m", "price": "12.00", "currency": "USD", "stock": 80},
    {
        "id": "oil",
        "sku": "OIL",
        "name": "Olive oil",
        "description": "Extra virgin, one 500 ml bottle.",
        "price": "9.00",
        "currency": "EUR",
    },
]


async def search(query: str, language: str, /, *, limit: int = 10) -> list[dict[str, Any]]:
    """Every row: the judgement decides which answer, as it does after the real search."""
    return [{"row": row, "score": 1.0} for row in ROWS][:limit]


class Checkout:
    def __init__(self, result: CheckoutResult | None = None) -> None:
        self.carts: list[list[tuple[str, int]]] = []
        self.result = result

    async def __call__(self, lines: Sequence[CartLine], language: str, /) -> CheckoutResult:
        self.carts.append([(line.kb_row_id, line.quantity) for line in lines])
        return self.result or PaymentLink("https://pay.example/o", Decimal("1"), "RUB", sandbox=False)


async def _sell(text: str, checkout: Checkout | None = None) -> sale.Outcome:
    return await sale.sell(wanted_items(text), search, checkout or Checkout(), "ru")


def _cart(outcome: sale.Outcome) -> list[tuple[str, int]]:
    return [(line.row["id"], line.quantity) for line in outcome.lines]


def _issues(outcome: sale.Outcome) -> list[tuple[str | None, str | None]]:
    return [(u.row["id"] if u.row else None, u.issue) for u in outcome.unclear]


@pytest.mark.parametrize(
    ("text", "cart"),
    [
        ("Хочу купить 25 роз", [("r25", 1)]),  # the bouquet of 25, not 25 bouquets
        ("Хочу купить 2 букета из 25 роз", [("r25", 2)]),
        ("Хочу заказать 10 воздушных шаров", [("bal", 1)]),  # one pack of ten
        ("Хочу купить 16 кг гирю", [("g16", 1)]),  # the 16 kg kettlebell
        ("хочу купить 2 гири по 16 кг", [("g16", 2)]),
        ("Хочу купить 3 кг бананов", [("ban", 3)]),  # sold by the kilogram
        ("I want to buy 2 HDMI Cable 2 m", [("hdmi", 2)]),  # the 2 of the name is said again
        ("I want to buy two olive oils", [("oil", 2)]),
    ],
)
async def test_numbers_that_name_the_item_and_numbers_that_count_it(text: str, cart: list[tuple[str, int]]) -> None:
    checkout = Checkout()
    outcome = await _sell(text, checkout)
    assert _cart(outcome) == cart and outcome.unclear == ()
    assert checkout.carts == [cart]


@pytest.mark.parametrize(
    ("text", "issues"),
    [
        ("Можно заказать 20 воздушных шаров?", [("bal", "per_pack")]),  # twenty balloons, or twenty packs?
        ("Хочу купить 3 шт бананов", [("ban", "per_unit")]),  # sold by the kilogram
        ("I want to buy 2 l of olive oil", [("oil", "per_pack")]),  # sold in 500 ml bottles
        ("Хочу купить гирю 24 кг", [("g24", "out_of_stock")]),
        ("Хочу купить 7 букетов из 51 розы", [("r51", "over_stock")]),
        ("Хочу купить 0 букетов из 25 роз", [("r25", "how_many")]),
        ("Хочу купить несколько гирь 16 кг", [("g16", "how_many")]),
        ("Хочу купить 100 букетов из 25 роз", [("r25", "too_many")]),
    ],
)
async def test_what_does_not_fit_is_asked_and_nothing_is_ordered(
    text: str, issues: list[tuple[str | None, str | None]]
) -> None:
    checkout = Checkout()
    outcome = await _sell(text, checkout)
    assert _issues(outcome) == issues and checkout.carts == []


async def test_a_cart_is_ordered_once_per_turn() -> None:
    checkout = Checkout()
    once = OncePerTurn(checkout)
    first = await sale.sell(wanted_items("Хочу купить 2 букета из 25 роз"), search, once, "ru")
    again = await sale.sell(wanted_items("хочу купить два букета из 25 роз"), search, once, "ru")
    other = await sale.sell(wanted_items("хочу купить букет из 25 роз"), search, once, "ru")
    assert first.result is again.result and checkout.carts == [[("r25", 2)], [("r25", 1)]]
    assert other.result is not None


def _reply(outcome: sale.Outcome, language: str = "en") -> sale.SaleReply:
    return sale.reply(outcome, "Product", language, catalogue_language="ru")


ROSES = sale.Outcome((sale.Line(ROWS[0], 2),))


def test_each_answer_of_the_checkout_is_told_honestly() -> None:
    link = _reply(
        sale.Outcome(ROSES.lines, result=PaymentLink("https://pay.example/o", Decimal("9000.00"), "RUB", sandbox=True))
    )
    assert link.text.startswith("Here is your order:\n• Букет из 25 роз (4500.00 RUB) × 2\nTotal: 9000.00 RUB")
    assert "Your secure payment link: https://pay.example/o" in link.text and "test checkout" in link.text
    assert link.message_type == "TYPE2" and not link.handover
    assert link.summary == sale.SaleSummary((("r25", "Букет из 25 роз", 2),), "9000.00", "RUB", "https://pay.example/o")

    later = _reply(sale.Outcome(ROSES.lines, result=LinkLater()), "ru")
    assert "Итого: 9000.00 RUB" in later.text and "Минутку" in later.text and "http" not in later.text
    assert later.message_type == "TYPE1" and not later.handover

    unavailable = _reply(sale.Outcome(ROSES.lines, result=NotPayable("no_account")))
    assert "online payment isn't available yet" in unavailable.text and unavailable.handover
    assert "http" not in unavailable.text

    gone = _reply(sale.Outcome(ROSES.lines, result=CartRefused("out_of_stock", "r25", available=0)))
    assert gone.text.startswith("Sorry, Букет из 25 роз is out of stock right now.") and "Reply “yes”" in gone.text
    fewer = _reply(sale.Outcome(ROSES.lines, result=CartRefused("out_of_stock", "r25", available=1)))
    assert fewer.text == "We have only 1 of Букет из 25 роз (4500.00 RUB) in stock. How many would you like?"
    mixed = _reply(sale.Outcome(ROSES.lines, result=CartRefused("mixed_currencies", currencies=("RUB", "USD"))))
    assert "different currencies (RUB, USD)" in mixed.text


def test_a_payment_the_rows_do_not_make_is_what_is_quoted() -> None:
    """Should a price change between the search and the order, the total is the order's (what will be charged)."""
    changed = PaymentLink("https://pay.example/o", Decimal("9200.00"), "RUB", sandbox=False)
    assert "Total: 9200.00 RUB" in _reply(sale.Outcome(ROSES.lines, result=changed)).text


async def test_without_a_checkout_a_purchase_gets_the_promise_of_a_person() -> None:
    """A preview has no checkout: nothing is ordered, and the reply says a person sends the link."""
    company = CompanyProfile("Цветы", "ru", "Product", privacy_policy_url=None)
    reply = await respond("Хочу купить 2 букета из 25 роз", company, search, first_reply=False)
    assert reply.intent == Intent.BUY and reply.sale is None and "сотрудник пришлёт" in reply.text


def test_the_evaluation_accepts_only_the_total_the_rows_make() -> None:
    rows = {row["id"]: row for row in ROWS}
    labelled = Labelled(
        "Хочу купить 2 букета из 25 роз", (frozenset({"R25"}),), "ru", (), False, sale={"R25": 2}, total="9000.00"
    )

    def reply(total: str) -> Reply:
        text = f"Ваш заказ:\n• Букет из 25 роз (4500.00 RUB) × 2\nИтого: {total} RUB\n\nhttps://pay.example/o"
        summary = sale.SaleSummary((("r25", "Букет из 25 роз", 2),), total, "RUB", "https://pay.example/o")
        return Reply(text, Intent.BUY, "ru", "TYPE2", items=("r25",), sale=summary)

    right = score(labelled, reply("9000.00"), rows, ordered=True)
    assert right.correct and right.stray_numbers == ()
    wrong = score(labelled, reply("9100.00"), rows, ordered=True)
    assert not wrong.correct and wrong.stray_numbers == ("9100.00",)
    unsold = Labelled("Хочу купить 0 букетов", (frozenset({"R25"}),), "ru", (), False, sale={})
    assert score(unsold, reply("9000.00"), rows, ordered=True).why == "made an order"
