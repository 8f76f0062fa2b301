"""No transaction waits on a provider (ARCHITECTURE.md, pattern 7): while the LLM thinks or Telegram answers a
send, no connection of the application role is idle inside a transaction (which would hold row locks and a
pooled connection for as long as the provider takes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from tests.conftest import app_client, bearer, make_settings, sql
from tests.conversations.conftest import KEY
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue
from tests.conversations.test_telegram import _connect, _post, update
from tests.fakes.openai_chat import FakeChat
from tests.fakes.telegram import FakeTelegram
from x8.settings import Settings

_OPEN = (
    "SELECT count(*) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid() "
    "AND state LIKE 'idle in transaction%%'"
)


def _probe(owner_url: str, settings: Settings, seen: list[int]) -> None:
    seen.append(int(sql(owner_url, _OPEN, settings.db_app_role)[0][0]))


@asynccontextmanager
async def _llm_shop(
    owner_url: str, app_url: str, chat_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, Settings, dict[str, str], dict[str, Any], str]]:
    """A shop with a catalogue and the playground, answered by the (fake) LLM."""
    settings = make_settings(owner_url, OPENAI_BASE_URL=f"{chat_url}/v1", OPENAI_API_KEY=KEY)
    async with app_client(settings, app_url) as client:
        tokens, company = await shop_with_catalogue(client)
        channel = await connect_web(client, tokens, company["id"])
        yield client, settings, tokens, company, channel


async def test_no_transaction_is_open_while_the_llm_answers(
    owner_url: str, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    state, url = fake_chat
    seen: list[int] = []
    async with _llm_shop(owner_url, app_url, url) as (client, settings, tokens, _, channel):
        first = await say(client, tokens, channel, "sourdough bread")
        state.during_request = lambda: _probe(owner_url, settings, seen)
        await run_jobs(app_url)
        state.during_request = None
        [reply] = bot_replies(await history(client, tokens, first["conversation_id"]))
    assert reply["body"] == "Sourdough bread costs 4.20 USD."  # the model was asked twice: search, then answer
    assert len(seen) == 2 and seen == [0, 0]


async def test_no_transaction_is_open_while_telegram_takes_a_reply(
    tg_client: httpx.AsyncClient, owner_url: str, app_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    settings = make_settings(owner_url)
    seen: list[int] = []
    _, _, channel_id, secret = await _connect(tg_client, fake)
    assert (await _post(tg_client, channel_id, update(70, "apples"), secret)).status_code == 200
    fake.during_send = lambda: _probe(owner_url, settings, seen)
    await run_jobs(app_url)
    fake.during_send = None
    assert len(fake.sent) == 1 and seen == [0]


async def test_no_transaction_is_open_while_telegram_checks_a_connect_or_disconnect(
    tg_client: httpx.AsyncClient, owner_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    """Connecting calls getMe and setWebhook, disconnecting deleteWebhook: the request has read what it needs and
    committed before each call, and writes the outcome after."""
    fake, _ = fake_telegram
    settings = make_settings(owner_url)
    seen: list[tuple[str, int]] = []
    fake.during_call = lambda method: seen.append((method, int(sql(owner_url, _OPEN, settings.db_app_role)[0][0])))
    tokens, _, channel_id, _ = await _connect(tg_client, fake)
    r = await tg_client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(tokens))
    fake.during_call = None
    assert r.status_code == 200 and r.json()["status"] == "DISCONNECTED"
    assert seen == [("getMe", 0), ("setWebhook", 0), ("deleteWebhook", 0)]


async def test_no_transaction_is_open_while_the_llm_answers_a_preview(
    owner_url: str, app_url: str, fake_chat: tuple[FakeChat, str]
) -> None:
    """The behaviour preview runs the real assistant from a request: the access checks have ended their reads
    before the model is asked."""
    state, url = fake_chat
    seen: list[int] = []
    async with _llm_shop(owner_url, app_url, url) as (client, settings, tokens, company, channel):
        state.during_request = lambda: _probe(owner_url, settings, seen)
        r = await client.post(
            f"/api/v1/companies/{company['id']}/assistant/preview",
            headers=bearer(tokens),
            json={"text": "sourdough bread", "channel_id": channel},
        )
        state.during_request = None
    assert r.status_code == 200 and r.json()["reply"] == "Sourdough bread costs 4.20 USD."
    assert seen == [0, 0]
