"""R-M4 behaviour settings: versioned company, channel and scenario levels; precedence; preview; access."""

from __future__ import annotations

import asyncio
import time
import uuid
from types import SimpleNamespace

import httpx
import pytest

from tests.conftest import bearer
from tests.conversations.helpers import bot_replies, connect_web, history, run_jobs, say, shop_with_catalogue
from x8.kit import ttl_cache
from x8.kit.db import Database
from x8.platform.assistant import endpoints as assistant_endpoints
from x8.platform.conversations.service import _PROFILES, buffer_seconds_for
from x8.settings import Settings


async def test_versions_are_kept(client: httpx.AsyncClient) -> None:
    tokens, company = await shop_with_catalogue(client)
    url = f"/api/v1/companies/{company['id']}/assistant"
    empty = (await client.get(url, headers=bearer(tokens))).json()
    assert empty["version"] == 0 and empty["settings"]["greeting"] is None
    first = await client.put(url, headers=bearer(tokens), json={"greeting": "Hi from the bakery!"})
    assert first.status_code == 200 and first.json()["version"] == 1
    second = await client.put(url, headers=bearer(tokens), json={"greeting": "Welcome!", "rules": ["No discounts"]})
    assert second.json()["version"] == 2
    assert (await client.get(url, headers=bearer(tokens))).json()["settings"]["greeting"] == "Welcome!"
    old = await client.get(url, params={"version": 1}, headers=bearer(tokens))
    assert old.json()["settings"] == {
        "instructions": None,
        "rules": None,
        "greeting": "Hi from the bakery!",
        "enabled": None,
        "buffer_seconds": None,
    }
    assert (await client.get(url, params={"version": 9}, headers=bearer(tokens))).status_code == 404
    too_many = await client.put(url, headers=bearer(tokens), json={"rules": ["x"] * 51})
    assert too_many.status_code == 422
    unknown = await client.get(f"{url}/scenarios/dancing", headers=bearer(tokens))
    assert unknown.status_code == 404


async def test_a_save_that_changes_nothing_makes_no_version(client: httpx.AsyncClient) -> None:
    tokens, company = await shop_with_catalogue(client)
    url = f"/api/v1/companies/{company['id']}/assistant"
    body = {"greeting": "Hello!", "rules": ["Be brief"], "buffer_seconds": 4}
    first = (await client.put(url, headers=bearer(tokens), json=body)).json()
    assert first["version"] == 1 and first["changed"] is True
    again = await client.put(url, headers=bearer(tokens), json={**body, "buffer_seconds": 4.0})
    assert again.status_code == 200 and again.json()["version"] == 1 and again.json()["changed"] is False
    assert again.json()["created_at"] == first["created_at"]
    changed = (await client.put(url, headers=bearer(tokens), json={**body, "greeting": "Hi!"})).json()
    assert changed["version"] == 2 and changed["changed"] is True
    back = (await client.put(url, headers=bearer(tokens), json=body)).json()
    assert back["version"] == 3, "going back to an earlier version's settings is a change from the latest"
    assert (await client.get(url, headers=bearer(tokens))).json()["changed"] is None


async def test_scenario_beats_channel_beats_company(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    base = f"/api/v1/companies/{company['id']}/assistant"
    await client.put(base, headers=bearer(tokens), json={"greeting": "Company hello"})

    async def greeting() -> str:
        sent = await say(client, tokens, channel, "Hello")
        await run_jobs(app_url)
        return str(bot_replies(await history(client, tokens, sent["conversation_id"]))[-1]["body"])

    assert await greeting() == "Company hello"
    await client.put(f"{base}/channels/{channel}", headers=bearer(tokens), json={"greeting": "Channel hello"})
    assert await greeting() == "Channel hello"
    await client.put(f"{base}/scenarios/greeting", headers=bearer(tokens), json={"greeting": "Scenario hello"})
    assert await greeting() == "Scenario hello"


async def test_switching_the_assistant_off_for_a_channel(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    url = f"/api/v1/companies/{company['id']}/assistant/channels/{channel}"
    assert (await client.put(url, headers=bearer(tokens), json={"enabled": False})).status_code == 200
    sent = await say(client, tokens, channel, "apples")
    await run_jobs(app_url)
    messages = await history(client, tokens, sent["conversation_id"])
    assert [m["sender"] for m in messages] == ["customer"]  # kept for a person, not answered


async def test_preview_tries_a_draft_without_saving_it(client: httpx.AsyncClient) -> None:
    tokens, company = await shop_with_catalogue(client)
    url = f"/api/v1/companies/{company['id']}/assistant"
    r = await client.post(
        f"{url}/preview", headers=bearer(tokens), json={"text": "Hi", "draft": {"greeting": "Draft hi"}}
    )
    assert r.status_code == 200 and r.json() == {
        "reply": "Draft hi",
        "intent": "greeting",
        "scenario": "greeting",
        "language": "en",
    }
    price = await client.post(
        f"{url}/preview", headers=bearer(tokens), json={"text": "How much is the sourdough bread?"}
    )
    assert "Sourdough bread: 4.20 USD" in price.json()["reply"] and price.json()["scenario"] == "product_question"
    assert (await client.get(url, headers=bearer(tokens))).json()["version"] == 0


async def test_who_may_read_and_write(client: httpx.AsyncClient) -> None:
    tokens, company = await shop_with_catalogue(client)
    other, _ = await shop_with_catalogue(client, "other@example.com")
    url = f"/api/v1/companies/{company['id']}/assistant"
    assert (await client.get(url, headers=bearer(other))).status_code == 404
    assert (await client.put(url, headers=bearer(other), json={"greeting": "x"})).status_code == 404
    missing_channel = f"{url}/channels/00000000-0000-0000-0000-000000000000"
    assert (await client.put(missing_channel, headers=bearer(tokens), json={"greeting": "x"})).status_code == 404


async def test_a_company_sets_its_own_buffer_window(client: httpx.AsyncClient, app_url: str) -> None:
    tokens, company = await shop_with_catalogue(client)
    channel = await connect_web(client, tokens, company["id"])
    url = f"/api/v1/companies/{company['id']}/assistant"
    assert (await client.put(url, headers=bearer(tokens), json={"buffer_seconds": 0.6})).status_code == 200
    assert (await client.put(url, headers=bearer(tokens), json={"buffer_seconds": 61})).status_code == 422
    first = await say(client, tokens, channel, "Hi, I'm looking for")
    await say(client, tokens, channel, "sourdough")
    await run_jobs(app_url)
    assert bot_replies(await history(client, tokens, first["conversation_id"])) == []  # the window is open
    await asyncio.sleep(0.8)
    await run_jobs(app_url)
    [reply] = bot_replies(await history(client, tokens, first["conversation_id"]))
    assert "Sourdough bread" in reply["body"]


async def test_a_changed_window_reaches_every_process_within_two_seconds(
    client: httpx.AsyncClient, app_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingest reads the window from the profile turns read: the process that saved it at once, any other (the
    worker, another API process) within the profile's two seconds, not half a minute later (a window switched on
    meanwhile would still send each message down the no-window path: a job more per message)."""
    tokens, company = await shop_with_catalogue(client)
    company_id = uuid.UUID(company["id"])
    url = f"/api/v1/companies/{company['id']}/assistant"
    db = Database.connect(app_url, pool_size=1)
    try:
        assert (await client.put(url, headers=bearer(tokens), json={"buffer_seconds": 0})).status_code == 200
        assert await buffer_seconds_for(db, settings, company_id) == 0
        assert (await client.put(url, headers=bearer(tokens), json={"buffer_seconds": 4})).status_code == 200
        assert await buffer_seconds_for(db, settings, company_id) == 4  # saved here: forgotten here
        monkeypatch.setattr(assistant_endpoints, "forget_company_profile", lambda _company: None)  # as elsewhere
        assert (await client.put(url, headers=bearer(tokens), json={"buffer_seconds": 6})).status_code == 200
        assert await buffer_seconds_for(db, settings, company_id) == 4  # another process's copy, for now
        later = time.monotonic() + _PROFILES.seconds + 0.1
        monkeypatch.setattr(ttl_cache, "time", SimpleNamespace(monotonic=lambda: later))  # the cache's clock only
        assert await buffer_seconds_for(db, settings, company_id) == 6
    finally:
        await db.dispose()
