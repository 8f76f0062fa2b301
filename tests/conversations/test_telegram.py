"""Telegram end to end over real HTTP to a fake Bot API (PROVIDERS.md §1): connect, webhooks, replies, retries."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, sql
from tests.conversations.conftest import TOKEN
from tests.conversations.helpers import bot_replies, history, run_jobs, shop_with_catalogue
from tests.fakes.telegram import FakeTelegram
from x8.channel_adapters.base import ProviderError
from x8.channel_adapters.pieces import split_text
from x8.channel_adapters.telegram import TelegramAdapter
from x8.platform.conversations import replies, tasks


def update(update_id: int, text: str, *, chat: int = 555001, message_id: int | None = None) -> dict[str, Any]:
    sender = {"id": chat, "is_bot": False, "first_name": "Jane", "username": "janesmith", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id or update_id,
            "from": sender,
            "chat": {"id": chat, "first_name": "Jane", "username": "janesmith", "type": "private"},
            "date": 1746268800,
            "text": text,
        },
    }


async def _connect(client: httpx.AsyncClient, fake: FakeTelegram) -> tuple[dict[str, str], dict[str, Any], str, str]:
    tokens, company = await shop_with_catalogue(client)
    r = await client.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company["id"], "bot_token": TOKEN},
    )
    assert r.status_code == 200, r.text
    assert r.json()["platform"] == "telegram" and r.json()["status"] == "CONNECTED"
    channel_id = str(r.json()["channel_id"])
    webhook = fake.bots[TOKEN].webhook
    assert webhook["url"] == f"https://x8.example/api/v1/webhooks/telegram/{channel_id}"
    return tokens, company, channel_id, str(webhook["secret_token"])


async def _post(client: httpx.AsyncClient, channel_id: str, body: Any, secret: str | None) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return await client.post(f"/api/v1/webhooks/telegram/{channel_id}", json=body, headers=headers)


async def _conversations(client: httpx.AsyncClient, tokens: dict[str, str], company: dict[str, Any]) -> list[Any]:
    r = await client.get("/api/v1/conversations", params={"company_id": company["id"]}, headers=bearer(tokens))
    items: list[Any] = r.json()["items"]
    return items


async def test_connect_answer_and_disconnect(
    tg_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    tokens, company, channel_id, secret = await _connect(tg_client, fake)
    stored = sql(
        owner_url,
        "SELECT s.ciphertext, c.webhook_secret_hash FROM channels c "
        "JOIN vault_secrets s ON s.ref = 'channel:' || c.id WHERE c.id = %s",
        channel_id,
    )[0]
    assert TOKEN.encode() not in bytes(stored[0]) and secret not in str(stored[1])  # sealed and hashed, never plain

    listed = (
        await tg_client.get("/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens))
    ).json()
    assert [(c["platform"], c["display_name"]) for c in listed["items"]] == [("telegram", "@shop_bot")]

    assert (
        await _post(tg_client, channel_id, update(1, "How much is the sourdough bread?"), secret)
    ).status_code == 200
    await run_jobs(app_url)
    assert fake.sent == [{"chat_id": 555001, "text": fake.sent[0]["text"]}]
    assert "Sourdough bread: 4.20 USD" in fake.sent[0]["text"]
    [conversation] = await _conversations(tg_client, tokens, company)
    assert conversation["channel"] == "telegram" and conversation["contact"]["display_name"] == "Jane"

    r = await tg_client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(tokens))
    assert r.status_code == 200 and r.json()["status"] == "DISCONNECTED"
    assert fake.bots[TOKEN].webhook == {} and "deleteWebhook" in fake.calls
    assert (await _post(tg_client, channel_id, update(2, "hello?"), secret)).status_code == 401


async def test_a_bad_token_is_refused_with_telegrams_words(
    tg_client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    tokens, company = await shop_with_catalogue(tg_client)
    r = await tg_client.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company["id"], "bot_token": "999999999:WRONGwrongWRONGwrongWRONG"},
    )
    assert r.status_code == 400 and "Unauthorized" in r.json()["detail"]
    r = await tg_client.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company["id"], "bot_token": "not a token"},
    )
    assert r.status_code == 422


async def test_forged_and_duplicate_webhooks(
    tg_client: httpx.AsyncClient, app_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    tokens, company, channel_id, secret = await _connect(tg_client, fake)
    for forged in (None, "", "wrong-secret", secret + "x"):
        assert (await _post(tg_client, channel_id, update(7, "apples"), forged)).status_code == 401
    assert await _conversations(tg_client, tokens, company) == []  # nothing stored

    bad = await tg_client.post(
        f"/api/v1/webhooks/telegram/{channel_id}",
        content=b"{not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret, "content-type": "application/json"},
    )
    assert bad.status_code == 400
    for _ in range(3):  # Telegram redelivers when it did not see a 2xx in time
        assert (await _post(tg_client, channel_id, update(8, "apples"), secret)).status_code == 200
    await run_jobs(app_url)
    assert len(fake.sent) == 1
    [conversation] = await _conversations(tg_client, tokens, company)
    assert [m["sender"] for m in await history(tg_client, tokens, conversation["id"])] == ["customer", "bot"]


async def test_provider_429_and_500_are_retried_and_nothing_is_lost(
    tg_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    tokens, company, channel_id, secret = await _connect(tg_client, fake)
    fake.fail_next = ["429", "500"]
    await _post(tg_client, channel_id, update(20, "apples"), secret)
    await run_jobs(app_url)  # the turn is taken; the send meets a 429 (retry_after 1)
    [conversation] = await _conversations(tg_client, tokens, company)
    [reply] = bot_replies(await history(tg_client, tokens, conversation["id"]))
    assert reply["status"] == "pending" and "Too Many Requests" in reply["last_error"]
    for _ in range(12):  # 1 s after the 429 (its retry_after), then 2 s of backoff after the 500
        await asyncio.sleep(0.5)
        await run_jobs(app_url)
        [reply] = bot_replies(await history(tg_client, tokens, conversation["id"]))
        if reply["status"] != "pending":
            break
    assert reply["status"] == "sent" and reply["attempts"] == 3 and reply["last_error"] is None
    assert len(fake.sent) == 1
    channel = sql(owner_url, "SELECT error_count, last_error FROM channels WHERE id = %s", channel_id)[0]
    assert channel[0] == 2 and "Internal Server Error" in channel[1]


async def test_a_new_message_does_not_resend_a_reply_waiting_out_a_429(
    tg_client: httpx.AsyncClient, app_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    """Telegram's retry_after is honoured even when the customer writes again meanwhile: the new turn sends its
    own reply and leaves the earlier one to its scheduled retry."""
    fake, _ = fake_telegram
    tokens, company, channel_id, secret = await _connect(tg_client, fake)
    fake.fail_next = ["429"]
    fake.retry_after = 4  # long enough for a slow machine to post again before the retry is due
    await _post(tg_client, channel_id, update(25, "apples"), secret)
    await run_jobs(app_url)  # the first reply meets the 429
    await _post(tg_client, channel_id, update(26, "bread"), secret)
    await run_jobs(app_url)
    assert fake.calls.count("sendMessage") == 2  # the 429, then the second reply: no early retry of the first
    assert len(fake.sent) == 1 and "bread" in fake.sent[0]["text"].lower()
    for _ in range(20):
        await asyncio.sleep(0.5)
        await run_jobs(app_url)
        if len(fake.sent) == 2:
            break
    assert len(fake.sent) == 2 and "apple" in fake.sent[1]["text"].lower()
    [conversation] = await _conversations(tg_client, tokens, company)
    assert [r["status"] for r in bot_replies(await history(tg_client, tokens, conversation["id"]))] == ["sent", "sent"]


async def test_a_reply_that_never_gets_through_ends_failed_not_pending(
    tg_client: httpx.AsyncClient,
    app_url: str,
    fake_telegram: tuple[FakeTelegram, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the retries run out, the message says so (failed, with the provider's error) and the turn still counts
    in the company's statistics; it does not stay 'pending' for ever."""
    monkeypatch.setattr(tasks, "SEND_ATTEMPTS", 1)
    fake, _ = fake_telegram
    tokens, company, channel_id, secret = await _connect(tg_client, fake)
    fake.fail_next = ["500", "500", "500", "500"]
    await _post(tg_client, channel_id, update(70, "apples"), secret)
    reply: dict[str, Any] = {}
    for _ in range(16):
        await run_jobs(app_url)
        listed = await _conversations(tg_client, tokens, company)
        if listed:
            [reply] = bot_replies(await history(tg_client, tokens, listed[0]["id"]))
            if reply["status"] != "pending":
                break
        await asyncio.sleep(0.5)
    assert reply["status"] == "failed" and "Internal Server Error" in reply["last_error"]
    assert reply["attempts"] == 3  # in the turn's job, then the send job's two tries
    assert fake.sent == []
    stats = (await tg_client.get(f"/api/v1/companies/{company['id']}/stats", headers=bearer(tokens))).json()
    assert stats["total_messages"] == 1


async def test_plan_channel_limit_is_enforced(
    tg_client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    tokens, company = await shop_with_catalogue(tg_client)
    r = await tg_client.patch(
        f"/api/v1/companies/{company['id']}", headers=bearer(tokens), json={"channels": ["whatsapp"]}
    )
    assert r.status_code == 200, r.text
    r = await tg_client.post(
        "/api/v1/integrations/telegram/connect",
        headers=bearer(tokens),
        json={"company_id": company["id"], "bot_token": TOKEN},
    )
    assert r.status_code == 402 and r.json()["limit"] == 1 and r.json()["in_use"] == 1
    assert "1 is already in use" in r.json()["detail"]
    available = (
        await tg_client.get(
            "/api/v1/integrations/available-channels", params={"company_id": company["id"]}, headers=bearer(tokens)
        )
    ).json()
    assert available["limit"] == 1 and available["in_use"] == 1
    assert {i["platform"]: i["chosen"] for i in available["items"]}["whatsapp"] is True
    # The playground is always there, whatever the plan.
    r = await tg_client.post(
        "/api/v1/integrations/web/connect", headers=bearer(tokens), json={"company_id": company["id"]}
    )
    assert r.status_code == 200


async def test_a_provider_timeout_is_retried(
    owner_url: str, app_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, url = fake_telegram
    fake.hang_seconds = 2
    settings = make_settings(
        owner_url, TELEGRAM_API_URL=url, PUBLIC_BASE_URL="https://x8.example", X8_PROVIDER_TIMEOUT_SECONDS="0.5"
    )
    async with app_client(settings, app_url) as client:
        tokens, company, channel_id, secret = await _connect(client, fake)
        fake.fail_next = ["hang"]
        await _post(client, channel_id, update(30, "bread"), secret)
        await run_jobs(app_url)
        [conversation] = await _conversations(client, tokens, company)
        [reply] = bot_replies(await history(client, tokens, conversation["id"]))
        assert reply["status"] == "pending" and "did not answer in time" in reply["last_error"]
        for _ in range(10):
            await asyncio.sleep(0.5)
            await run_jobs(app_url)
            [reply] = bot_replies(await history(client, tokens, conversation["id"]))
            if reply["status"] == "sent":
                break
        assert reply["status"] == "sent"
        assert len(fake.sent) == 1


async def test_while_telegram_is_failing_new_messages_do_not_wait_on_it(
    owner_url: str, app_url: str, fake_telegram: tuple[FakeTelegram, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a send timed out, the next customers' messages are stored and answered at once; their replies wait in
    send jobs until the provider is worth trying again, instead of each message's job hanging on it."""
    monkeypatch.setattr(replies.SEND_FAILURES, "seconds", 5.0)  # long enough for a slow machine to post again
    fake, url = fake_telegram
    fake.hang_seconds = 2
    settings = make_settings(
        owner_url, TELEGRAM_API_URL=url, PUBLIC_BASE_URL="https://x8.example", X8_PROVIDER_TIMEOUT_SECONDS="0.5"
    )
    async with app_client(settings, app_url) as client:
        tokens, company, channel_id, secret = await _connect(client, fake)
        fake.fail_next = ["hang"]
        await _post(client, channel_id, update(60, "bread"), secret)
        await run_jobs(app_url)  # the first reply's send times out
        await _post(client, channel_id, update(61, "apples", chat=555002), secret)
        await run_jobs(app_url)
        assert fake.calls.count("sendMessage") == 1  # the second reply was not tried: it waits for its job
        conversations = await _conversations(client, tokens, company)
        assert len(conversations) == 2  # both stored and answered all the same
        for conversation in conversations:
            [reply] = bot_replies(await history(client, tokens, conversation["id"]))
            assert reply["status"] == "pending"
        for _ in range(30):  # the second reply's job is due when the 5 s window ends
            await asyncio.sleep(0.5)
            await run_jobs(app_url)
            if len(fake.sent) == 2:
                break
        assert sorted(m["chat_id"] for m in fake.sent) == [555001, 555002]


async def test_updates_telegram_does_not_send_are_acknowledged_and_not_stored(
    tg_client: httpx.AsyncClient, app_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    tokens, company, channel_id, secret = await _connect(tg_client, fake)
    odd: list[Any] = [
        {"update_id": 1},
        {"update_id": 2, "message": "text"},
        {"update_id": 3, "message": {"message_id": 5, "chat": "nope", "text": "hi"}},
        {"update_id": 4, "message": {"message_id": "5", "chat": {"id": 1}, "text": "hi"}},
        {"update_id": 5, "message": {"message_id": 6, "chat": {"id": 1}, "text": ["hi"]}},
        {"update_id": 6, "message": {"message_id": 7, "chat": {"id": 1}, "from": {"is_bot": True}, "text": "hi"}},
        {"update_id": 7, "edited_message": {"message_id": 8, "chat": {"id": 1}, "text": "edited"}},
    ]
    for body in odd:
        assert (await _post(tg_client, channel_id, body, secret)).status_code == 200, body
    assert (await _post(tg_client, channel_id, [1, 2], secret)).status_code == 400
    long_language = update(9, "apples")
    long_language["message"]["from"]["language_code"] = "x" * 50  # would not fit the contact's column
    assert (await _post(tg_client, channel_id, long_language, secret)).status_code == 200
    await run_jobs(app_url)
    [conversation] = await _conversations(tg_client, tokens, company)
    assert [m["body"] for m in await history(tg_client, tokens, conversation["id"])][:1] == ["apples"]
    assert len(fake.sent) == 1


async def test_a_webhook_url_telegram_refuses_is_a_clear_400(
    owner_url: str, app_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    settings = make_settings(owner_url, TELEGRAM_API_URL=fake_telegram[1], PUBLIC_BASE_URL="http://localhost:8000")
    async with app_client(settings, app_url) as client:
        tokens, company = await shop_with_catalogue(client)
        r = await client.post(
            "/api/v1/integrations/telegram/connect",
            headers=bearer(tokens),
            json={"company_id": company["id"], "bot_token": TOKEN},
        )
        assert r.status_code == 400 and "HTTPS URL must be provided" in r.json()["detail"]
        listed = await client.get(
            "/api/v1/integrations/list", params={"company_id": company["id"]}, headers=bearer(tokens)
        )
        assert listed.json()["items"] == []  # nothing half-connected is left behind


async def test_a_revoked_token_still_lets_the_business_disconnect(
    tg_client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    tokens, _company, channel_id, _secret = await _connect(tg_client, fake)
    del fake.bots[TOKEN]  # the business revoked the token in @BotFather
    r = await tg_client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(tokens))
    assert r.status_code == 200 and r.json()["status"] == "DISCONNECTED"


async def test_a_reply_longer_than_telegram_takes_goes_in_pieces(
    owner_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, url = fake_telegram
    adapter = TelegramAdapter(make_settings(owner_url, TELEGRAM_API_URL=url))
    channel = SimpleNamespace(id=uuid.uuid4(), config={})
    text = "\n\n".join(f"Paragraph {n}. " + "Fresh bread every morning. " * 30 for n in range(8))  # ≈ 6,600
    with pytest.raises(ProviderError) as refused:
        await adapter.send(channel, {"bot_token": TOKEN}, "555001", text)
    assert "too long" in str(refused.value) and refused.value.retryable is False and not fake.sent
    pieces = split_text(text, adapter.max_text)
    assert len(pieces) == 2 and all(p.startswith("Paragraph") for p in pieces)  # cut between paragraphs
    for piece in pieces:
        await adapter.send(channel, {"bot_token": TOKEN}, "555001", piece)
    assert [s["text"] for s in fake.sent] == pieces
