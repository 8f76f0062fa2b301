"""``POST /api/v1/n8n/messages`` (SPEC §10): a reply n8n wrote is stored in the conversation and sent through the
channel by the same job as any reply; the key decides the tenant, and a conversation on another channel or of
another company is 404."""

from __future__ import annotations

import httpx

from tests.conftest import bearer
from tests.conversations.helpers import history, run_jobs
from tests.fakes.telegram import FakeTelegram
from tests.n8n.helpers import conversation_of, shop_with_telegram, telegram_update, tenant_key


async def _customer_wrote(
    client: httpx.AsyncClient, fake: FakeTelegram, channel_id: str, text: str, *, chat: int = 555001
) -> None:
    secret = next(iter(fake.bots.values())).webhook["secret_token"]
    r = await client.post(
        f"/api/v1/webhooks/telegram/{channel_id}",
        json=telegram_update(chat, text, chat=chat),
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )
    assert r.status_code == 200, r.text


async def test_a_reply_from_n8n_is_stored_and_sent_through_the_channel(
    client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str], app_url: str
) -> None:
    fake, _ = fake_telegram
    tokens, company_id, channel_id = await shop_with_telegram(client)
    await _customer_wrote(client, fake, channel_id, "hello")
    await run_jobs(app_url)
    conversation = await conversation_of(client, tokens, company_id)
    sent_before = len(fake.sent)
    key = await tenant_key(client, tokens, company_id)

    r = await client.post(
        "/api/v1/n8n/messages",
        headers={"X-X8-Tenant-Key": key},
        json={"channel_id": channel_id, "conversation_id": conversation["id"], "direction": "out", "text": "From n8n"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["sender"] == "bot" and r.json()["status"] == "pending"
    await run_jobs(app_url)

    assert fake.sent[sent_before:] == [{"chat_id": 555001, "text": "From n8n"}]
    stored = [m for m in await history(client, tokens, conversation["id"]) if m["body"] == "From n8n"]
    assert [(m["direction"], m["status"]) for m in stored] == [("out", "sent")]


async def test_a_reply_reaches_only_the_keys_own_conversation_on_its_channel(
    client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str], app_url: str
) -> None:
    fake, _ = fake_telegram
    tokens, company_id, channel_id = await shop_with_telegram(client)
    await _customer_wrote(client, fake, channel_id, "hello")
    await run_jobs(app_url)
    conversation = await conversation_of(client, tokens, company_id)
    other_tokens, other_id, _ = await shop_with_telegram(client, "other@example.com")
    other_key = await tenant_key(client, other_tokens, other_id)
    key = await tenant_key(client, tokens, company_id)
    reply = {"channel_id": channel_id, "conversation_id": conversation["id"], "direction": "out", "text": "Hi"}

    async def post(body: dict[str, object], key: str | None) -> httpx.Response:
        return await client.post("/api/v1/n8n/messages", headers={"X-X8-Tenant-Key": key} if key else {}, json=body)

    assert (await post(reply, other_key)).status_code == 404
    assert (await post({**reply, "channel_id": other_id}, key)).status_code == 404
    assert (await post(reply, None)).status_code == 401
    assert (await post(reply, "x8tk_not-a-key")).status_code == 401
    missing = await post({k: v for k, v in reply.items() if k != "conversation_id"}, key)
    assert missing.status_code == 400 and "conversation_id" in missing.json()["detail"]
    assert (await post({**reply, "text": ""}, key)).status_code == 422
    assert (await post({**reply, "direction": "sideways"}, key)).status_code == 422

    await run_jobs(app_url)
    bodies = [m["body"] for m in await history(client, tokens, conversation["id"])]
    assert "Hi" not in bodies
    r = await client.get(f"/api/v1/conversations/{conversation['id']}", headers=bearer(tokens))
    assert r.status_code == 200
