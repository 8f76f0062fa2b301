""" "What do you sell?" answered from the knowledge base: its categories with a few items each (or, without
categories, a few items with their prices), in the customer's language, copied from the rows. A question that
names something ("what do you have in red?") is still searched; an empty catalogue says so and offers a person."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import bearer
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say
from tests.kb_engine.helpers import business_company, upload
from x8.conversations.assistant.catalogue import Outline, asks_for_catalogue, asks_for_prices, outline_reply
from x8.conversations.assistant.evaluation.labelled import HERE
from x8.conversations.assistant.intents import Intent, classify
from x8.conversations.assistant.texts import t


@pytest.mark.parametrize(
    "text",
    [
        "What do you sell?",
        "what can I buy here?",
        "Hi! What do you have?",
        "What products do you have?",
        "What services do you offer",
        "Can I see your catalogue, please?",
        "menu",
        "price list?",
        "What's on offer today?",
        "Что вы продаёте?",
        "что у вас есть?",
        "Здравствуйте, что можно у вас заказать?",
        "Какие у вас есть услуги?",
        "Покажите каталог, пожалуйста",
        "прайс",
        "Чем вы торгуете?",
        "What are your prices?",
        "Какие у вас цены?",
        "What can I buy here?\nКакие у вас цены?",  # two messages the buffer merged into one turn
        "Hello\n\nwhat do you sell?",
    ],
)
def test_questions_about_the_whole_catalogue(text: str) -> None:
    assert asks_for_catalogue(text)


@pytest.mark.parametrize(
    "text",
    [
        "What do you have in red?",
        "Do you sell tulips?",
        "I want to buy roses",
        "What can I buy for 10 dollars?",
        "How much is the menu of the day?",
        "что у вас есть из роз?",
        "Сколько стоит букет тюльпанов?",
        "Хочу купить монстеру",
        "hello",
        "What do you sell?\nHow much are the tulips?",
    ],
)
def test_questions_that_name_something_are_not(text: str) -> None:
    assert not asks_for_catalogue(text)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Hello there", Intent.GREETING),
        ("hi all!", Intent.GREETING),
        ("Привет всем", Intent.GREETING),
        ("Hello there, how much is the tea?", Intent.QUESTION),
        ("hello kitty mug", Intent.QUESTION),
    ],
)
def test_a_greeting_to_everyone_is_a_greeting(text: str, intent: Intent) -> None:
    assert classify(text) == intent


def _row(n: int, category: str | None, price: str | None = "10.00") -> dict[str, Any]:
    return {"id": f"id-{n}", "name": f"Item {n}", "category": category, "price": price, "currency": "EUR"}


def test_categories_are_listed_biggest_first_in_the_catalogues_order_with_examples() -> None:
    rows = [_row(1, "Bouquets"), _row(2, "Plants"), _row(3, "Bouquets"), _row(4, "Bouquets"), _row(5, "Gifts")]
    text, shown = outline_reply(Outline(rows, complete=True), "Product", "en")
    assert text.splitlines() == [
        t("en", "catalogue_products"),
        "• Bouquets: Item 1, Item 3…",
        "• Plants: Item 2",
        "• Gifts: Item 5",
        t("en", "catalogue_ask"),
    ]
    assert shown == ("id-1", "id-3", "id-2", "id-5")


def test_a_price_list_gives_each_example_its_price() -> None:
    rows = [_row(1, "Bouquets"), _row(2, "Plants", price=None), _row(3, "Bouquets", price="12.50")]
    text, _ = outline_reply(Outline(rows, complete=True), "Product", "en", with_prices=True)
    assert "• Bouquets: Item 1 (10.00 EUR), Item 3 (12.50 EUR)" in text.splitlines()
    assert f"• Plants: Item 2 ({t('en', 'price_on_request')})" in text.splitlines()
    assert asks_for_prices("Покажите прайс") and asks_for_prices("your price list please")
    assert not asks_for_prices("What do you sell?") and not asks_for_prices("что у вас есть?")


def test_only_the_biggest_eight_categories_are_shown_and_an_incomplete_outline_says_there_is_more() -> None:
    rows = [_row(n, f"C{n % 10}") for n in range(30)] + [_row(99, "C3")]
    text, _ = outline_reply(Outline(rows, complete=True), "Product", "en")
    lines = text.splitlines()
    assert len([line for line in lines if line.startswith("• ")]) == 8 and "• C3: Item 3, Item 13…" in lines
    assert t("en", "catalogue_more") in lines
    two = [_row(1, "A"), _row(2, "B")]
    assert t("en", "catalogue_more") not in outline_reply(Outline(two, complete=True), "Product", "en")[0]
    assert t("en", "catalogue_more") in outline_reply(Outline(two, complete=False), "Product", "en")[0]


def test_without_categories_a_few_items_are_listed_with_their_prices() -> None:
    rows = [_row(n, None) for n in range(8)]
    rows[1]["price"] = None
    text, shown = outline_reply(Outline(rows, complete=True), "Service", "ru")
    lines = text.splitlines()
    assert lines[0] == t("ru", "catalogue_services")
    assert lines[1:3] == ["• Item 0: 10.00 EUR", f"• Item 1: {t('ru', 'price_on_request')}"]
    assert len(shown) == 6 and lines[-2] == t("ru", "catalogue_more")


def test_an_empty_catalogue_says_so_and_offers_a_person() -> None:
    text, shown = outline_reply(Outline([], complete=True), "Product", "en")
    assert text == f"{t('en', 'catalogue_empty')} {t('en', 'handover_offer')}" and shown == ()


async def _shop(client: httpx.AsyncClient, email: str, catalogue: str, language: str) -> tuple[dict[str, str], str]:
    tokens, company = await business_company(client, email, language=language)
    r = await upload(client, tokens, company["id"], (HERE / "catalogues" / catalogue).read_bytes(), catalogue)
    assert r.status_code == 200, r.text
    return tokens, str(company["id"])


async def _preview(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str, text: str) -> str:
    r = await client.post(
        f"/api/v1/companies/{company_id}/assistant/preview", headers=bearer(tokens), json={"text": text}
    )
    assert r.status_code == 200, r.text
    reply: str = r.json()["reply"]
    return reply


async def test_the_flower_shop_tells_a_customer_what_it_sells_in_a_chat(
    client: httpx.AsyncClient, app_url: str
) -> None:
    tokens, shop = await _shop(client, "flowers@example.com", "flowers_ru.csv", "ru")
    channel = await connect_web(client, tokens, shop)
    conversation = (await say(client, tokens, channel, "Что вы продаёте?"))["conversation_id"]
    await run_jobs(app_url)
    [reply] = bot_replies(await history(client, tokens, conversation))
    lines = reply["body"].splitlines()
    assert lines[0] == t("ru", "catalogue_products")
    assert "• Букеты: Букет из 25 роз, Букет из 51 розы…" in lines  # the catalogue's own words, in its order
    assert t("ru", "catalogue_ask") in lines
    assert "RUB" not in reply["body"]  # categories, not prices: nothing to misquote
    await say(client, tokens, channel, "Пришлите прайс, пожалуйста")
    await run_jobs(app_url)
    price_list = bot_replies(await history(client, tokens, conversation))[-1]["body"]
    assert "• Букеты: Букет из 25 роз (4500.00 RUB), Букет из 51 розы (8900.00 RUB)…" in price_list.splitlines()


async def test_an_english_question_to_a_russian_catalogue_is_answered_in_english_with_the_catalogues_names(
    client: httpx.AsyncClient,
) -> None:
    tokens, shop = await _shop(client, "flowers-en@example.com", "flowers_ru.csv", "ru")
    reply = await _preview(client, tokens, shop, "What can I buy here?")
    assert reply.startswith(t("en", "catalogue_products")) and "• Букеты:" in reply
    specific = await _preview(client, tokens, shop, "Сколько стоит букет тюльпанов?")
    assert specific.startswith("Букет тюльпанов: 2100.00 RUB")  # a named item is still looked up


async def test_a_company_with_no_catalogue_says_so(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, "empty@example.com", language="en")
    reply = await _preview(client, tokens, str(company["id"]), "What do you sell?")
    assert reply == f"{t('en', 'catalogue_empty')} {t('en', 'handover_offer')}"
