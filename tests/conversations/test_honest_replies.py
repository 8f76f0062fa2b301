"""Issue 12's examples, as a new user met them, through the real API (the preview endpoint and a web chat): a
Russian flower shop and an English gadget shop with the evaluation's catalogues, answered by the retrieval
responder."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say
from tests.kb_engine.helpers import business_company, upload
from x8.conversations.assistant.evaluation.labelled import HERE
from x8.conversations.assistant.texts import t


async def _shop(client: httpx.AsyncClient, email: str, catalogue: str, language: str) -> tuple[dict[str, str], str]:
    tokens, company = await business_company(client, email, language=language)
    r = await upload(client, tokens, company["id"], (HERE / "catalogues" / catalogue).read_bytes(), catalogue)
    assert r.status_code == 200, r.text
    return tokens, str(company["id"])


async def _ask(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str, text: str) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/companies/{company_id}/assistant/preview", headers=bearer(tokens), json={"text": text}
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_the_flower_shop_is_honest_about_what_it_does_not_sell(client: httpx.AsyncClient) -> None:
    tokens, shop = await _shop(client, "flowers@example.com", "flowers_ru.csv", "ru")
    shoes = await _ask(client, tokens, shop, "Продаёте ли вы кроссовки 42 размера?")
    assert shoes["language"] == "ru"
    assert shoes["reply"].startswith("К сожалению, по запросу «кроссовки 42 размера» в нашем каталоге ничего нет.")
    assert "Монстера" not in shoes["reply"] and "шары" not in shoes["reply"] and "RUB" not in shoes["reply"]
    assert t("ru", "handover_offer") in shoes["reply"]

    dentist = await _ask(client, tokens, shop, "Хочу записаться к стоматологу")
    assert dentist["intent"] == "book" and dentist["reply"].startswith(t("ru", "no_bookings"))
    assert "«стоматологу»" in dentist["reply"] and "С радостью запишу" not in dentist["reply"]

    phone = await _ask(client, tokens, shop, "Сколько стоит Samsung Galaxy 24?")
    assert phone["language"] == "ru" and "RUB" not in phone["reply"]

    monstera = await _ask(client, tokens, shop, "Здравствуйте! Подскажите, пожалуйста, сколько стоит монстера?")
    assert monstera["reply"].startswith("Монстера деликатесная: 4200.00 RUB")


async def test_the_gadget_shop_answers_only_what_was_asked(client: httpx.AsyncClient) -> None:
    tokens, shop = await _shop(client, "gadgets@example.com", "gadgets_en.csv", "en")
    tyres = await _ask(client, tokens, shop, "Do you sell tyres for a 16 inch wheel?")
    assert tyres["reply"].startswith("Sorry, we don't have “tyres for a 16 inch wheel” in our catalogue.")
    assert "Laptop Stand" not in tyres["reply"]
    table = await _ask(client, tokens, shop, "How much is a kitchen table?")
    assert "“kitchen table”" in table["reply"] and "Tablet" not in table["reply"]

    mouse = await _ask(client, tokens, shop, "Hello there! Could you tell me how much the wireless mouse costs?")
    assert mouse["reply"].startswith("Wireless Mouse: 24.00 USD")
    assert "Charging" not in mouse["reply"] and "Earbuds" not in mouse["reply"]

    cheapest = await _ask(client, tokens, shop, "What is your cheapest cable?")
    assert "USB-C to USB-C Cable 1 m: 9.00 USD" in cheapest["reply"] and "HDMI" not in cheapest["reply"]


async def test_yes_to_the_offer_hands_the_chat_to_a_person(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, shop = await _shop(client, "drones@example.com", "gadgets_en.csv", "en")
    channel = await connect_web(client, tokens, shop)
    conversation = (await say(client, tokens, channel, "Do you sell drones?"))["conversation_id"]
    await run_jobs(app_url)
    [offer] = bot_replies(await history(client, tokens, conversation))
    assert "“drones”" in offer["body"] and t("en", "handover_offer") in offer["body"]
    state = (await client.get(f"/api/v1/conversations/{conversation}", headers=bearer(tokens))).json()
    assert state["handover"] is False  # only offered: the customer may well ask about something else

    await say(client, tokens, channel, "yes")
    await run_jobs(app_url)
    assert bot_replies(await history(client, tokens, conversation))[-1]["body"] == t("en", "human")
    state = (await client.get(f"/api/v1/conversations/{conversation}", headers=bearer(tokens))).json()
    assert state["handover"] is True and state["bot_paused"] is True
