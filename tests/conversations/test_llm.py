"""The assistant with an LLM (R-M3), over real HTTP to a fake OpenAI-compatible chat API with tool calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings
from tests.conversations.conftest import KEY
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue
from tests.fakes.openai_chat import FakeChat


@pytest.fixture
async def llm_client(owner_url: str, app_url: str, fake_chat: tuple[FakeChat, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(owner_url, OPENAI_BASE_URL=f"{fake_chat[1]}/v1", OPENAI_API_KEY=KEY, X8_LLM_MODEL="fake-1")
    async with app_client(settings, app_url) as client:
        yield client


async def test_the_model_looks_up_the_catalogue_and_quotes_its_price(
    llm_client: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    tokens, company = await shop_with_catalogue(llm_client)
    rules = {"instructions": "Mention free delivery over 20 USD.", "rules": ["Never promise discounts"]}
    await llm_client.put(f"/api/v1/companies/{company['id']}/assistant", headers=bearer(tokens), json=rules)
    channel = await connect_web(llm_client, tokens, company["id"])
    first = await say(llm_client, tokens, channel, "sourdough bread")
    await run_jobs(app_url)
    [reply] = bot_replies(await history(llm_client, tokens, first["conversation_id"]))
    assert reply["body"] == "Sourdough bread costs 4.20 USD."
    assert state.requests[0]["model"] == "fake-1"
    system = state.requests[0]["messages"][0]["content"]
    assert "Mention free delivery over 20 USD." in system and "- Never promise discounts" in system
    assert {t["function"]["name"] for t in state.requests[0]["tools"]} == {
        "kb_search",
        "create_payment_link",
        "list_slots",
        "book_slot",
        "handover",
    }
    assert state.requests[1]["messages"][-1]["role"] == "tool"

    await say(llm_client, tokens, channel, "green apples")
    await run_jobs(app_url)
    second_turn = state.requests[2]["messages"]
    assert [m["role"] for m in second_turn[1:3]] == ["user", "assistant"]  # the conversation so far is context
    assert second_turn[2]["content"] == "Sourdough bread costs 4.20 USD."
    assert bot_replies(await history(llm_client, tokens, first["conversation_id"]))[-1]["body"] == (
        "Green apples costs 3.50 USD."
    )


async def test_an_invented_price_is_never_sent(
    llm_client: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.mode = "invent"
    tokens, company = await shop_with_catalogue(llm_client)
    channel = await connect_web(llm_client, tokens, company["id"])
    sent = await say(llm_client, tokens, channel, "How much is the sourdough bread?")
    await run_jobs(app_url)
    [reply] = bot_replies(await history(llm_client, tokens, sent["conversation_id"]))
    assert "999.99" not in reply["body"] and "Sourdough bread: 4.20 USD" in reply["body"]


async def test_an_llm_outage_falls_back_to_the_retrieval_responder(
    llm_client: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.mode = "down"
    tokens, company = await shop_with_catalogue(llm_client)
    channel = await connect_web(llm_client, tokens, company["id"])
    sent = await say(llm_client, tokens, channel, "apples")
    await run_jobs(app_url)
    [reply] = bot_replies(await history(llm_client, tokens, sent["conversation_id"]))
    assert reply["status"] == "sent" and "Green apples: 3.50 USD" in reply["body"]


async def test_the_handover_tool_pauses_the_bot(
    llm_client: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    tokens, company = await shop_with_catalogue(llm_client)
    channel = await connect_web(llm_client, tokens, company["id"])
    sent = await say(llm_client, tokens, channel, "I need a person")
    await run_jobs(app_url)
    state = (await llm_client.get(f"/api/v1/conversations/{sent['conversation_id']}", headers=bearer(tokens))).json()
    assert state["handover"] is True
    [reply] = bot_replies(await history(llm_client, tokens, sent["conversation_id"]))
    assert reply["intent"] == "human" and reply["body"] == "A team member will reply here soon."


async def test_a_wrong_api_key_falls_back_too(owner_url: str, app_url: str, fake_chat: tuple[FakeChat, str]) -> None:
    settings = make_settings(owner_url, OPENAI_BASE_URL=f"{fake_chat[1]}/v1", OPENAI_API_KEY="sk-wrong")
    async with app_client(settings, app_url) as client:
        tokens, company = await shop_with_catalogue(client)
        channel = await connect_web(client, tokens, company["id"])
        sent = await say(client, tokens, channel, "apples")
        await run_jobs(app_url)
        [reply] = bot_replies(await history(client, tokens, sent["conversation_id"]))
        assert "Green apples: 3.50 USD" in reply["body"]
    assert fake_chat[0].requests == []  # refused at the door


async def test_asked_what_the_shop_sells_the_model_gets_the_catalogues_outline_and_may_quote_it(
    llm_client: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    """A search for "products" finds nothing in a real catalogue, so the model is given the outline (categories with
    their items) as context; the prices of its rows are facts an answer may quote."""
    state, _ = fake_chat

    def model(body: dict[str, Any]) -> dict[str, Any]:
        context = "\n".join(str(m["content"]) for m in body["messages"] if m["role"] == "system")
        if "• Fruit: Green apples" not in context:
            return {"content": "We sell many things."}
        return {"content": "We have fruit (Green apples, 3.50 USD), bakery and accessories."}

    state.script = model
    tokens, company = await shop_with_catalogue(llm_client)
    channel = await connect_web(llm_client, tokens, company["id"])
    conversation = (await say(llm_client, tokens, channel, "What do you sell?"))["conversation_id"]
    await run_jobs(app_url)
    [reply] = bot_replies(await history(llm_client, tokens, conversation))
    assert reply["body"] == "We have fruit (Green apples, 3.50 USD), bakery and accessories."
    [request] = state.requests
    outline = request["messages"][1]
    assert outline["role"] == "system" and "• Bakery: Sourdough bread" in outline["content"]

    # Any other question gets no outline.
    await say(llm_client, tokens, channel, "sourdough bread")
    await run_jobs(app_url)
    assert all("• Fruit:" not in str(m["content"]) for m in state.requests[-1]["messages"] if m["role"] == "system")
