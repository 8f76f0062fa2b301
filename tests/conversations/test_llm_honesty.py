"""The LLM path is as honest as the retrieval responder: kb_search tells the model when nothing in the catalogue
answers, over real HTTP to the fake OpenAI-compatible chat API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import app_client, make_settings
from tests.conversations.conftest import KEY
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue
from tests.fakes.openai_chat import FakeChat


@pytest.fixture
async def llm_client(owner_url: str, app_url: str, fake_chat: tuple[FakeChat, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(owner_url, OPENAI_BASE_URL=f"{fake_chat[1]}/v1", OPENAI_API_KEY=KEY, X8_LLM_MODEL="fake-1")
    async with app_client(settings, app_url) as client:
        yield client


async def test_kb_search_says_when_nothing_matched(
    llm_client: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    tokens, company = await shop_with_catalogue(llm_client)
    channel = await connect_web(llm_client, tokens, company["id"])
    sent = await say(llm_client, tokens, channel, "Do you sell green tea?")  # shares "green" with the apples
    await run_jobs(app_url)
    system = state.requests[0]["messages"][0]["content"]
    assert '"matched": false' in system and "never present the related items as the answer" in system
    tool = json.loads(state.requests[1]["messages"][-1]["content"])
    assert tool["matched"] is False and tool["results"] == [] and tool["asked"] == "green tea"
    assert [r["name"] for r in tool["related"]] == ["Green apples"]  # apart, and labelled as not the answer
    assert "do not have it" in tool["note"]
    [reply] = bot_replies(await history(llm_client, tokens, sent["conversation_id"]))
    assert reply["body"] == "I don't know that; a team member will follow up."

    await say(llm_client, tokens, channel, "How much is the sourdough bread?")
    await run_jobs(app_url)
    found = json.loads(state.requests[3]["messages"][-1]["content"])
    assert found["matched"] is True and [r["name"] for r in found["results"]] == ["Sourdough bread"]
    assert found["results"][0]["price"] == "4.20 USD"


async def test_an_invented_price_is_still_never_sent(
    llm_client: httpx.AsyncClient, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, _ = fake_chat
    state.mode = "invent"
    tokens, company = await shop_with_catalogue(llm_client)
    channel = await connect_web(llm_client, tokens, company["id"])
    sent = await say(llm_client, tokens, channel, "Do you sell green tea?")
    await run_jobs(app_url)
    [reply] = bot_replies(await history(llm_client, tokens, sent["conversation_id"]))
    assert "999.99" not in reply["body"] and "“green tea”" in reply["body"]  # the honest retrieval reply
