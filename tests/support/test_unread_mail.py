"""A support message left unread is sent on by email (R-S1): to the manager, to the admins while a business has
none, to the business in its own language; once per unread run; not after it was read. And the chat and the FAQ
bot are rate limited."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import bearer, mailbox, sql
from tests.support.helpers import CHAT, admin, assign, business, manager, write
from x8.kit.db import Database
from x8.platform.support import notices
from x8.settings import Settings


@pytest.fixture
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database.connect(app_url, pool_size=2)
    yield database
    await database.dispose()


def _queued_mails(owner_url: str) -> list[tuple[str, float]]:
    return sql(
        owner_url,
        "SELECT args->>'message_id', extract(epoch FROM scheduled_at - now()) FROM procrastinate_jobs "
        "WHERE task_name = 'support:mail_unread' ORDER BY id",
    )


async def test_the_manager_hears_of_an_unread_message_once_per_run(
    client: httpx.AsyncClient, app_url: str, owner_url: str, settings: Settings, db: Database
) -> None:
    boss = await admin(client, app_url)
    anna, anna_id = await manager(client, boss, "anna@example.com")
    shop, shop_id = await business(client, "shop@example.com")
    await assign(client, boss, anna_id, shop_id)

    first = await write(client, shop, "How do I connect WhatsApp?")
    second = await write(client, shop, "And Instagram?")
    queued = _queued_mails(owner_url)
    assert [q[0] for q in queued] == [first["id"], second["id"]]
    assert all(240 < seconds <= 300 for _, seconds in queued)  # a few minutes: time to read it on the page

    assert await notices.mail_unread(db, settings, uuid.UUID(first["id"])) == 1
    assert await notices.mail_unread(db, settings, uuid.UUID(second["id"])) == 0  # the same unread run
    mails = await mailbox(client, "anna@example.com")
    assert len(mails) == 1
    assert "wrote in the support chat" in mails[0]["subject"]
    assert "How do I connect WhatsApp?" in mails[0]["body"] and f"client={shop_id}" in mails[0]["body"]
    assert await mailbox(client, "admin@example.com") == []

    await client.post(f"{CHAT}/read", headers=bearer(anna), json={"client_id": shop_id})
    assert await notices.mail_unread(db, settings, uuid.UUID(first["id"])) == 0  # read: nothing to tell
    third = await write(client, shop, "Thanks!")
    assert await notices.mail_unread(db, settings, uuid.UUID(third["id"])) == 1  # a new run
    assert len(await mailbox(client, "anna@example.com")) == 2


async def test_the_business_hears_in_its_language_and_admins_stand_in_for_a_manager(
    client: httpx.AsyncClient, app_url: str, settings: Settings, db: Database
) -> None:
    boss = await admin(client, app_url)
    shop, shop_id = await business(client, "shop@example.com")
    r = await client.patch("/api/v1/users/profile", headers=bearer(shop), json={"language": "ru"})
    assert r.status_code == 200, r.text

    question = await write(client, shop, "Is anyone there?")
    assert await notices.mail_unread(db, settings, uuid.UUID(question["id"])) == 1
    assert len(await mailbox(client, "admin@example.com")) == 1

    answer = await write(client, boss, "Yes, the admin here.", shop_id)
    assert await notices.mail_unread(db, settings, uuid.UUID(answer["id"])) == 1
    mails = await mailbox(client, "shop@example.com")
    letter = next(m for m in mails if "X8 Network" in m["subject"] and "код" not in m["subject"])
    assert letter["subject"] == "Вам написала поддержка X8 Network"
    assert "Yes, the admin here." in letter["body"] and "/support" in letter["body"]


async def test_an_unknown_message_mails_nobody(settings: Settings, db: Database) -> None:
    assert await notices.mail_unread(db, settings, uuid.uuid4()) == 0


@pytest.mark.usefixtures("one_rate_limit_window")
async def test_the_chat_and_the_faq_bot_are_rate_limited(client: httpx.AsyncClient, settings: Settings) -> None:
    shop, _ = await business(client, "shop@example.com")
    for n in range(settings.rate_limit_support_messages_per_minute):
        await write(client, shop, f"message {n}")
    refused = await client.post(CHAT, headers=bearer(shop), json={"text": "one more"})
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert refused.json()["error"] == "RateLimited"

    answers = [
        (await client.post("/api/v1/support/ai-faq/chat", headers=bearer(shop), json={"message": "How do plans work?"}))
        for _ in range(settings.rate_limit_faq_questions_per_minute + 1)
    ]
    assert [a.status_code for a in answers] == [200] * settings.rate_limit_faq_questions_per_minute + [429]
