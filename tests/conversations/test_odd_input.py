"""R-R6 on the conversation path: whatever a customer or a provider sends (only "?", an emoji, quotes, NUL in the
text or in the sender's name, lone surrogates, right-to-left marks, 20,000 characters) is stored and answered, and
a body that is not what the provider sends is a 4xx, never a 5xx."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import bearer
from tests.conversations.helpers import run_jobs
from tests.conversations.test_telegram import _connect, _post, update
from tests.fakes.telegram import FakeTelegram

ODD_TEXTS = [
    "?",
    "👍",
    "!!! ...",
    "a'b",
    "price\x00 of apples",
    "\u200f\u202eapples",
    "e\u0301\u0301 apples",
    "apples " * 2_900,  # 20,300 characters
]


async def test_odd_messages_are_stored_and_answered(
    tg_client: httpx.AsyncClient, app_url: str, owner_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    tokens, company, channel_id, secret = await _connect(tg_client, fake)
    for n, text in enumerate(ODD_TEXTS, start=1):
        body = update(n, text, chat=700000 + n)
        body["message"]["from"]["first_name"] = "Ja\x00ne \ud83d"  # NUL and half an emoji, as some clients send
        r = await tg_client.post(
            f"/api/v1/webhooks/telegram/{channel_id}",
            content=json.dumps(body).encode(),
            headers={"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"},
        )
        assert r.status_code == 200, (text[:20], r.text)
    await run_jobs(app_url)
    answered = {m["chat_id"] for m in fake.sent}
    assert answered == {700000 + n for n in range(1, len(ODD_TEXTS) + 1)}, "every customer gets an answer"
    conversations = (
        await tg_client.get(
            "/api/v1/conversations", params={"company_id": company["id"], "limit": 50}, headers=bearer(tokens)
        )
    ).json()["items"]
    assert {c["contact"]["display_name"] for c in conversations} == {"Jane \ufffd"}
    inbound = []
    for c in conversations:
        r = await tg_client.get(f"/api/v1/conversations/{c['id']}/messages", headers=bearer(tokens))
        inbound += [m["body"] for m in r.json()["items"] if m["direction"] == "in"]
    assert "price of apples" in inbound and "?" in inbound and "apples " * 2_900 in inbound


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"update_id": 1, "message": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}",
        b"not json",
        b'"a string"',
        b"\xff\xfe",
    ],
)
async def test_malformed_webhook_bodies_are_4xx(
    tg_client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str], body: bytes
) -> None:
    fake, _ = fake_telegram
    _, _, channel_id, secret = await _connect(tg_client, fake)
    r = await tg_client.post(
        f"/api/v1/webhooks/telegram/{channel_id}",
        content=body,
        headers={"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"},
    )
    assert 400 <= r.status_code < 500, r.text


async def test_a_webhook_body_over_a_megabyte_is_413(
    tg_client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    fake, _ = fake_telegram
    _, _, channel_id, secret = await _connect(tg_client, fake)
    big = json.dumps(update(1, "x" * (1024 * 1024 + 10))).encode()
    r = await _post(tg_client, channel_id, json.loads(big), secret)
    assert r.status_code == 413 and r.json()["error"] == "PayloadTooLarge"
