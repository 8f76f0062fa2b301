"""The ref code is the platform's, not the customer's words: the assistant (the LLM) reads the message without it,
while the stored message keeps it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import app_client, make_settings
from tests.conversations.helpers import history, run_jobs
from tests.fakes.openai_chat import FakeChat, chat_app
from tests.fakes.server import serve_in_thread
from tests.fakes.waha import FakeWaha
from tests.tiktok.conftest import WAHA_API_KEY, WAHA_HMAC_KEY
from tests.tiktok.helpers import business_on_whatsapp, connect_tiktok, emit, new_link, whatsapp_message

KEY = "sk-test-chat"


@pytest.fixture
def fake_chat() -> Iterator[tuple[FakeChat, str]]:
    state = FakeChat(api_key=KEY)
    with serve_in_thread(chat_app(state)) as url:
        yield state, url


async def test_the_assistant_reads_the_message_without_the_ref_code(
    fake: FakeWaha, fake_waha: tuple[FakeWaha, str], fake_chat: tuple[FakeChat, str], owner_url: str, app_url: str
) -> None:
    settings = make_settings(
        owner_url,
        WAHA_API_URL=fake_waha[1],
        WAHA_API_KEY=WAHA_API_KEY,
        WAHA_WEBHOOK_HMAC_KEY=WAHA_HMAC_KEY,
        PUBLIC_BASE_URL="https://x8.example",
        OPENAI_BASE_URL=f"{fake_chat[1]}/v1",
        OPENAI_API_KEY=KEY,
        X8_LLM_MODEL="fake-1",
    )
    async with app_client(settings, app_url) as client:
        business = await business_on_whatsapp(client, fake, owner_url, app_url)
        link = await new_link(client, business, await connect_tiktok(client, business))
        text = f"Do you sell roses? (ref:{link['code']})"
        await emit(client, fake, business.session, "message", whatsapp_message("false_r_1", text, "4915100000009@c.us"))
        await run_jobs(app_url)
        listed = await client.get(
            "/api/v1/conversations",
            params={"company_id": business.company_id},
            headers={"Authorization": f"Bearer {business.tokens['access_token']}"},
        )
        [conversation] = listed.json()["items"]
        stored = await history(client, business.tokens, conversation["id"])
    assert fake_chat[0].requests, "the assistant was not asked"
    asked = json.dumps(fake_chat[0].requests, ensure_ascii=False)
    assert "Do you sell roses?" in asked
    assert link["code"] not in asked and "ref:" not in asked.lower()
    assert stored[0]["body"] == text
