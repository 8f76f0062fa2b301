"""The provider webhooks' fast path (x8.platform.channels.webhook_fast) acknowledges a good delivery without the
framework, and answers every other delivery exactly as the route does: it hands them on to it."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.conftest import sql
from tests.conversations.test_telegram import _connect, update
from tests.fakes.telegram import FakeTelegram
from x8.platform.channels import webhooks
from x8.platform.channels.webhook_fast import WebhookFastPath

UNKNOWN = "0b6f7a64-92f4-4a3e-9d55-7d8f3b8f0c11"


async def _events(owner_url: str, channel_id: str) -> int:
    rows = sql(owner_url, "SELECT count(*) FROM webhook_events WHERE channel_id = %s", channel_id)
    return int(rows[0][0])


async def test_a_good_delivery_is_acknowledged_by_the_fast_path_and_stored_once(
    tg_client: httpx.AsyncClient,
    owner_url: str,
    fake_telegram: tuple[FakeTelegram, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, _, channel_id, secret = await _connect(tg_client, fake_telegram[0])

    async def route_never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the route answered a delivery the fast path should have")

    monkeypatch.setattr(webhooks, "_receive", route_never)
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    path = f"/api/v1/webhooks/telegram/{channel_id}"
    for _ in range(2):  # a redelivery is acknowledged and stores nothing
        r = await tg_client.post(path, json=update(7001, "Do you sell honey?"), headers=headers)
        assert r.status_code == 200 and r.json() == {"ok": True}
        assert r.headers["content-type"] == "application/json"
    assert await _events(owner_url, channel_id) == 1
    upper = await tg_client.post(
        f"/api/v1/webhooks/telegram/{channel_id.upper()}", json=update(7002, "And bread?"), headers=headers
    )
    assert upper.status_code == 200  # the channel id in capitals is the same channel
    assert await _events(owner_url, channel_id) == 2


def _cases(channel_id: str, secret: str) -> list[tuple[str, str, dict[str, str], bytes]]:
    good = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
    body = httpx.Request("POST", "/", json=update(8001, "hi")).content
    telegram = f"/api/v1/webhooks/telegram/{channel_id}"
    return [
        ("wrong secret", telegram, {**good, "X-Telegram-Bot-Api-Secret-Token": "nope"}, body),
        ("no secret", telegram, {"Content-Type": "application/json"}, body),
        ("unknown channel", f"/api/v1/webhooks/telegram/{UNKNOWN}", good, body),
        ("not JSON", telegram, good, b"{not json"),
        ("a JSON array", telegram, good, b"[1, 2]"),
        ("not an update", telegram, good, b'{"hello": "world"}'),
        ("channel id without dashes", f"/api/v1/webhooks/telegram/{channel_id.replace('-', '')}", good, body),
        ("not a channel id", "/api/v1/webhooks/telegram/12345", good, body),
        ("trailing slash", telegram + "/", good, body),
        ("too large", telegram, good, b'{"x": "' + b"a" * (1024 * 1024) + b'"}'),
        ("WhatsApp, unsigned", "/api/v1/webhooks/waha", {"Content-Type": "application/json"}, body),
    ]


async def test_every_other_delivery_is_answered_as_the_route_answers_it(
    tg_client: httpx.AsyncClient,
    fake_telegram: tuple[FakeTelegram, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, _, channel_id, secret = await _connect(tg_client, fake_telegram[0])
    answers: dict[str, list[tuple[int, Any]]] = {}
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(WebhookFastPath, "_match", lambda self, path: None)
        for name, path, headers, body in _cases(channel_id, secret):
            r = await tg_client.post(path, content=body, headers=headers)
            answers.setdefault(name, []).append((r.status_code, r.json() if r.content else None))
    for name, (with_fast_path, route_only) in answers.items():
        assert with_fast_path == route_only, name
    assert answers["wrong secret"][0][0] == 401 and answers["unknown channel"][0][0] == 404
    assert answers["not JSON"][0][0] == 400 and answers["too large"][0][0] == 413
    assert answers["not an update"][0] == (200, {"ok": True})


async def test_a_refused_delivery_is_logged_once(
    tg_client: httpx.AsyncClient, fake_telegram: tuple[FakeTelegram, str], caplog: pytest.LogCaptureFixture
) -> None:
    _, _, channel_id, _ = await _connect(tg_client, fake_telegram[0])
    with caplog.at_level(logging.WARNING, logger="x8.platform.channels.webhooks"):
        r = await tg_client.post(
            f"/api/v1/webhooks/telegram/{channel_id}",
            json=update(9001, "hi"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "forged"},
        )
    assert r.status_code == 401
    assert len([m for m in caplog.messages if "rejected a telegram webhook" in m]) == 1


async def test_a_delivery_sent_in_chunks_without_a_length_is_still_acknowledged(
    tg_client: httpx.AsyncClient, owner_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> None:
    _, _, channel_id, secret = await _connect(tg_client, fake_telegram[0])
    body = httpx.Request("POST", "/", json=update(9101, "Chunked hello")).content

    async def chunks() -> Any:
        yield body[:10]
        yield body[10:]

    r = await tg_client.post(
        f"/api/v1/webhooks/telegram/{channel_id}",
        content=chunks(),
        headers={"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"},
    )
    assert r.status_code == 200 and r.json() == {"ok": True}
    assert await _events(owner_url, channel_id) == 1
