"""Pausing the assistant by hand (issue 11): POST /api/v1/conversations/{id}/pause-bot, the mirror of resume-bot."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import bearer, create_staff, login, sql
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue


async def _answered_conversation(client: httpx.AsyncClient, app_url: str) -> tuple[dict[str, str], str, str]:
    """A shop whose playground chat has had one answer: (owner's tokens, channel id, conversation id)."""
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    conversation = str((await say(client, tokens, channel, "apples"))["conversation_id"])
    await run_jobs(app_url)
    assert len(bot_replies(await history(client, tokens, conversation))) == 1
    return tokens, channel, conversation


async def _state(client: httpx.AsyncClient, tokens: dict[str, str], conversation: str) -> dict[str, Any]:
    r = await client.get(f"/api/v1/conversations/{conversation}", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _minutes_from_now(moment: str) -> float:
    return (datetime.fromisoformat(moment) - datetime.now(UTC)) / timedelta(minutes=1)


async def test_a_paused_conversation_is_not_answered_until_resumed(
    client: httpx.AsyncClient, app_url: str, owner_url: str
) -> None:
    tokens, channel, conversation = await _answered_conversation(client, app_url)

    r = await client.post(f"/api/v1/conversations/{conversation}/pause-bot", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    paused = r.json()
    assert paused["id"] == conversation and paused["bot_paused"] is True and paused["handover"] is False
    assert 59 < _minutes_from_now(paused["bot_paused_until"]) <= 60  # X8_HUMAN_PAUSE_MINUTES, 60 by default
    assert (await _state(client, tokens, conversation))["bot_paused"] is True  # stored, not only answered

    await say(client, tokens, channel, "bread?")
    await run_jobs(app_url)
    messages = await history(client, tokens, conversation)
    assert [m["sender"] for m in messages] == ["customer", "bot", "customer"]  # taken in, left for a person

    r = await client.post(f"/api/v1/conversations/{conversation}/resume-bot", headers=bearer(tokens))
    assert r.status_code == 200 and r.json()["bot_paused"] is False and r.json()["bot_paused_until"] is None
    await say(client, tokens, channel, "bread?")
    await run_jobs(app_url)
    assert [m["sender"] for m in await history(client, tokens, conversation)][-2:] == ["customer", "bot"]

    actions = [row[0] for row in sql(owner_url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("conversation.bot_paused") == 1


async def test_the_pause_lasts_the_minutes_asked_for(client: httpx.AsyncClient, app_url: str, owner_url: str) -> None:
    tokens, _, conversation = await _answered_conversation(client, app_url)
    url = f"/api/v1/conversations/{conversation}/pause-bot"

    r = await client.post(url, headers=bearer(tokens), json={"minutes": 5})
    assert r.status_code == 200, r.text
    assert 4 < _minutes_from_now(r.json()["bot_paused_until"]) <= 5

    # Pausing again starts the pause over from now: a week is the longest, and an empty body means the default.
    r = await client.post(url, headers=bearer(tokens), json={"minutes": 7 * 24 * 60})
    assert 7 * 24 * 60 - 1 < _minutes_from_now(r.json()["bot_paused_until"]) <= 7 * 24 * 60
    r = await client.post(url, headers=bearer(tokens), json={})
    assert 59 < _minutes_from_now(r.json()["bot_paused_until"]) <= 60

    details = sql(owner_url, "SELECT details FROM audit_log WHERE action = 'conversation.bot_paused' ORDER BY id")
    assert [row[0]["minutes"] for row in details] == [5, 7 * 24 * 60, 60]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": -5}, "minutes"),
        ({"minutes": 7 * 24 * 60 + 1}, "minutes"),
        ({"minutes": "30"}, "minutes"),
        ({"minutes": 1.5}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"hours": 1}, "hours"),
        ([30], "body"),
    ],
)
async def test_bad_minutes_are_refused_and_change_nothing(
    client: httpx.AsyncClient, app_url: str, body: Any, field: str
) -> None:
    tokens, _, conversation = await _answered_conversation(client, app_url)
    r = await client.post(f"/api/v1/conversations/{conversation}/pause-bot", headers=bearer(tokens), json=body)
    assert r.status_code == 422, r.text
    assert field in r.text
    assert (await _state(client, tokens, conversation))["bot_paused"] is False


async def test_another_business_cannot_pause_a_conversation(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, _, conversation = await _answered_conversation(client, app_url)
    other, _ = await shop_with_catalogue(client, "other@example.com")
    for target in (conversation, str(uuid.uuid4())):
        r = await client.post(f"/api/v1/conversations/{target}/pause-bot", headers=bearer(other), json={"minutes": 5})
        assert r.status_code == 404, r.text
        assert r.json()["error"] == "NotFound"
    assert (await _state(client, tokens, conversation))["bot_paused"] is False


async def test_a_manager_reads_the_conversation_but_cannot_pause_it(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, _, conversation = await _answered_conversation(client, app_url)
    business = (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()["id"]
    manager_id = await create_staff(app_url, "MANAGER", "mgr@example.com")
    await create_staff(app_url, "ADMIN", "root@example.com")
    admin = await login(client, "root@example.com", "StaffPass123")
    r = await client.post(
        "/api/v1/admin/assignments", headers=bearer(admin), json={"manager_id": manager_id, "client_id": business}
    )
    assert r.status_code == 200, r.text
    manager = await login(client, "mgr@example.com", "StaffPass123")

    assert (await _state(client, manager, conversation))["id"] == conversation  # the manager may read it
    r = await client.post(f"/api/v1/conversations/{conversation}/pause-bot", headers=bearer(manager))
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "Forbidden"
    assert (await _state(client, tokens, conversation))["bot_paused"] is False
