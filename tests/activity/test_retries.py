"""Retries from the activity log carry out the owning module's job: a reply that failed for good is sent again (and
the entry closes), a Telegram webhook registration is made again with the bot token the vault keeps."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, sql
from tests.conversations.helpers import bot_replies, history, run_jobs
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app
from tests.n8n.helpers import BOT_TOKEN, PUBLIC, conversation_of, shop_with_telegram, telegram_update
from x8.kit.db import Database
from x8.platform.activity import hooks


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    state = FakeTelegram()
    state.add_bot(BOT_TOKEN)
    with serve_in_thread(telegram_app(state)) as url:
        yield state, url


@pytest.fixture
async def tg_client(
    owner_url: str, app_url: str, telegram: tuple[FakeTelegram, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(owner_url, TELEGRAM_API_URL=telegram[1], PUBLIC_BASE_URL=PUBLIC)
    async with app_client(settings, app_url) as client:
        yield client


async def _entries(client: httpx.AsyncClient, tokens: dict[str, str], kind: str) -> list[dict[str, Any]]:
    r = await client.get("/api/v1/activity", headers=bearer(tokens), params={"kind": kind})
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def test_a_reply_that_failed_for_good_is_sent_again_by_a_retry(
    tg_client: httpx.AsyncClient, telegram: tuple[FakeTelegram, str], app_url: str, owner_url: str
) -> None:
    fake, _ = telegram
    tokens, company_id, channel_id = await shop_with_telegram(tg_client)
    secret = fake.bots[BOT_TOKEN].webhook["secret_token"]
    r = await tg_client.post(
        f"/api/v1/webhooks/telegram/{channel_id}",
        json=telegram_update(1, "sourdough"),
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )
    assert r.status_code == 200, r.text
    await run_jobs(app_url)
    conversation = await conversation_of(tg_client, tokens, company_id)
    [reply] = bot_replies(await history(tg_client, tokens, conversation["id"]))
    # What a send whose retries ran out leaves: the reply failed, and its entry in the log.
    schema = "t_" + uuid.UUID(company_id).hex
    sql(owner_url, f"UPDATE {schema}.messages SET status = 'failed', last_error = 'gone' WHERE id = %s", reply["id"])
    db = Database.connect(app_url, pool_size=1)
    try:
        await hooks.send_failed(db, uuid.UUID(company_id), uuid.UUID(channel_id), uuid.UUID(reply["id"]), "gone")
    finally:
        await db.dispose()
    [entry] = await _entries(tg_client, tokens, "send_failed")
    assert entry["status"] == "error" and entry["retryable"] is True
    sent_before = len(fake.sent)

    r = await tg_client.post(f"/api/v1/activity/{entry['id']}/retry", headers=bearer(tokens))
    assert r.status_code == 202, r.text
    await run_jobs(app_url)

    assert [m["text"] for m in fake.sent[sent_before:]] == [reply["body"]]
    [again] = bot_replies(await history(tg_client, tokens, conversation["id"]))
    assert again["id"] == reply["id"] and again["status"] == "sent"
    [closed] = await _entries(tg_client, tokens, "send_failed")
    assert closed["id"] == entry["id"] and closed["status"] == "ok" and closed["retryable"] is False


async def test_a_webhook_registration_is_made_again_with_the_kept_token(
    tg_client: httpx.AsyncClient, telegram: tuple[FakeTelegram, str], app_url: str
) -> None:
    fake, _ = telegram
    tokens, company_id, channel_id = await shop_with_telegram(tg_client)
    [connected] = await _entries(tg_client, tokens, "webhook_registration")
    assert connected["status"] == "ok" and connected["channel_id"] == channel_id
    db = Database.connect(app_url, pool_size=1)
    try:
        await hooks.webhook_registration(
            db, uuid.UUID(company_id), uuid.UUID(channel_id), "Telegram did not answer", retryable=True
        )
    finally:
        await db.dispose()
    fake.bots[BOT_TOKEN].webhook = {}
    [failed] = [e for e in await _entries(tg_client, tokens, "webhook_registration") if e["status"] == "error"]

    r = await tg_client.post(f"/api/v1/activity/{failed['id']}/retry", headers=bearer(tokens))
    assert r.status_code == 202, r.text
    await run_jobs(app_url)

    assert fake.bots[BOT_TOKEN].webhook["url"].endswith(f"/api/v1/webhooks/telegram/{channel_id}")
    statuses = {e["id"]: e["status"] for e in await _entries(tg_client, tokens, "webhook_registration")}
    assert statuses[failed["id"]] == "ok"
