"""The manager ↔ business chat (SPEC.md R-S1): a thread per business, its manager or the admins answering,
unread counts, other managers kept out (404), bad input refused, and live notices after commit."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from tests.conftest import app_client, bearer
from tests.support.helpers import CHAT, admin, assign, business, manager, thread, write
from x8.settings import Settings


async def test_a_business_and_its_manager_talk_with_unread_counts(client: httpx.AsyncClient, app_url: str) -> None:
    boss = await admin(client, app_url)
    anna, anna_id = await manager(client, boss, "anna@example.com")
    shop, shop_id = await business(client, "shop@example.com")
    await assign(client, boss, anna_id, shop_id)

    sent = await write(client, shop, "  How do I connect WhatsApp?  ")
    assert sent["client_id"] == shop_id and sent["sender_role"] == "CLIENT"
    assert sent["text"] == "How do I connect WhatsApp?" and sent["read_at"] is None

    seen = await thread(client, anna, shop_id)
    assert seen["total"] == 1 and seen["unread"] == 1
    assert (await client.get(f"{CHAT}/unread", headers=bearer(anna))).json() == {"unread": 1}
    chats = (await client.get("/api/v1/support/chats", headers=bearer(anna))).json()
    assert [(c["client_id"], c["unread"], c["last_message_preview"]) for c in chats["items"]] == [
        (shop_id, 1, "How do I connect WhatsApp?")
    ]

    r = await client.post(f"{CHAT}/read", headers=bearer(anna), json={"client_id": shop_id})
    assert r.json() == {"marked": 1, "unread": 0}
    assert (await thread(client, shop))["items"][0]["read_at"] is not None

    await write(client, anna, "Open Integrations and scan the QR code.", shop_id)
    mine = await thread(client, shop)
    assert [m["sender_role"] for m in mine["items"]] == ["CLIENT", "MANAGER"]
    assert mine["unread"] == 1 and mine["total"] == 2
    assert (await client.get(f"{CHAT}/unread", headers=bearer(shop))).json() == {"unread": 1}
    # Reading one's own thread marks only the other side's messages.
    r = await client.post(f"{CHAT}/read", headers=bearer(shop), json={})
    assert r.json() == {"marked": 1, "unread": 0}
    contact = (await client.get(f"{CHAT}/contact", headers=bearer(shop))).json()
    assert contact["kind"] == "manager" and contact["email"] == "anna@example.com"


async def test_another_managers_business_is_not_found(client: httpx.AsyncClient, app_url: str) -> None:
    boss = await admin(client, app_url)
    _, anna_id = await manager(client, boss, "anna@example.com")
    boris, _ = await manager(client, boss, "boris@example.com")
    shop, shop_id = await business(client, "shop@example.com")
    await assign(client, boss, anna_id, shop_id)
    await write(client, shop, "Hello")

    for response in (
        await client.get(CHAT, headers=bearer(boris), params={"client_id": shop_id}),
        await client.post(CHAT, headers=bearer(boris), json={"client_id": shop_id, "text": "Hi, I am Boris"}),
        await client.post(f"{CHAT}/read", headers=bearer(boris), json={"client_id": shop_id}),
        await client.get(CHAT, headers=bearer(boris), params={"client_id": str(uuid.uuid4())}),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"] == "NotFound"
    assert (await client.get("/api/v1/support/chats", headers=bearer(boris))).json()["items"] == []
    assert (await client.get(f"{CHAT}/unread", headers=bearer(boris))).json() == {"unread": 0}
    # Nothing of Boris's attempt reached the thread.
    assert (await thread(client, shop))["total"] == 1


async def test_a_business_cannot_open_another_business_thread(client: httpx.AsyncClient) -> None:
    shop, _ = await business(client, "shop@example.com")
    _, other_id = await business(client, "other@example.com")
    r = await client.get(CHAT, headers=bearer(shop), params={"client_id": other_id})
    assert r.status_code == 404
    r = await client.post(CHAT, headers=bearer(shop), json={"client_id": other_id, "text": "hi"})
    assert r.status_code == 404
    r = await client.get("/api/v1/support/chats", headers=bearer(shop))
    assert r.status_code == 403


async def test_a_business_without_a_manager_reaches_the_admins(client: httpx.AsyncClient, app_url: str) -> None:
    boss = await admin(client, app_url)
    shop, shop_id = await business(client, "shop@example.com")
    contact = (await client.get(f"{CHAT}/contact", headers=bearer(shop))).json()
    assert contact == {"kind": "admins", "manager_id": None, "name": None, "email": None}
    await write(client, shop, "Is anyone there?")

    assert (await client.get(f"{CHAT}/unread", headers=bearer(boss))).json() == {"unread": 1}
    chats = (await client.get("/api/v1/support/chats", headers=bearer(boss))).json()
    assert [c["client_id"] for c in chats["items"]] == [shop_id]
    answer = await write(client, boss, "Yes, the admin here.", shop_id)
    assert answer["sender_role"] == "ADMIN"
    assert (await thread(client, shop))["unread"] == 1


async def test_bad_input_is_refused(client: httpx.AsyncClient, app_url: str) -> None:
    boss = await admin(client, app_url)
    shop, _ = await business(client, "shop@example.com")
    for body in ({"text": ""}, {"text": "   \n "}, {"text": "x" * 4001}, {}, {"text": "hi", "extra": 1}):
        r = await client.post(CHAT, headers=bearer(shop), json=body)
        assert r.status_code == 422, (body, r.text)
    # Staff must say whose thread; an unknown or non-business id is 404.
    r = await client.get(CHAT, headers=bearer(boss))
    assert r.status_code == 422 and "client_id" in r.json()["detail"]
    r = await client.post(CHAT, headers=bearer(boss), json={"client_id": str(uuid.uuid4()), "text": "hi"})
    assert r.status_code == 404
    boss_id = (await client.get("/api/v1/auth/me", headers=bearer(boss))).json()["id"]
    r = await client.get(CHAT, headers=bearer(boss), params={"client_id": boss_id})
    assert r.status_code == 404
    assert (await client.get(CHAT)).status_code == 401


async def test_older_pages_with_before(client: httpx.AsyncClient) -> None:
    shop, _ = await business(client, "shop@example.com")
    for n in range(5):
        await write(client, shop, f"message {n}")
    newest = await thread(client, shop, limit=2)
    assert [m["text"] for m in newest["items"]] == ["message 3", "message 4"] and newest["total"] == 5
    older = await thread(client, shop, limit=2, before=newest["items"][0]["created_at"])
    assert [m["text"] for m in older["items"]] == ["message 1", "message 2"]
    assert (await thread(client, shop, before="2000-01-01"))["items"] == []
    for bad in ("0.5", "yesterday", "2026-13-01"):
        r = await client.get(CHAT, headers=bearer(shop), params={"before": bad})
        assert r.status_code == 422, bad


async def test_live_notices_reach_the_thread_audience_after_commit(settings: Settings, app_url: str) -> None:
    async with app_client(settings, app_url) as client:
        boss = await admin(client, app_url)
        anna, anna_id = await manager(client, boss, "anna@example.com")
        _, boris_id = await manager(client, boss, "boris@example.com")
        shop, shop_id = await business(client, "shop@example.com")
        await assign(client, boss, anna_id, shop_id)
        broker = client._transport.app.state.support_broker  # type: ignore[attr-defined]
        to_shop = await broker.subscribe(uuid.UUID(shop_id))
        to_anna = await broker.subscribe(uuid.UUID(anna_id))
        to_boris = await broker.subscribe(uuid.UUID(boris_id))
        to_admins = await broker.subscribe(uuid.UUID(int=0))

        await write(client, anna, "Welcome aboard!", shop_id)
        for queue in (to_shop, to_anna, to_admins):
            assert await asyncio.wait_for(queue.get(), timeout=5) == shop_id
        # A refused write notifies nobody; another manager hears nothing of this thread.
        r = await client.post(CHAT, headers=bearer(shop), json={"text": ""})
        assert r.status_code == 422
        await asyncio.sleep(0.3)
        assert to_boris.empty() and to_shop.empty()

        ticket = await client.post(f"{CHAT}/events/ticket", headers=bearer(shop))
        assert ticket.status_code == 200 and ticket.json()["expires_in"] == 60
        access_token = await client.get(
            f"{CHAT}/events", params={"ticket": bearer(shop)["Authorization"].removeprefix("Bearer ")}
        )
        assert access_token.status_code == 401  # an access token is not a stream ticket
