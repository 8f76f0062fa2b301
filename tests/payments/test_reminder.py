"""The payment reminder (SPEC.md R-P2, payment_reminder scenario): X8_PAYMENT_REMINDER_MINUTES after the link, once,
to a customer whose order is still pending; nothing once it is paid or expired, or while a person has the chat."""

from __future__ import annotations

import httpx

from tests.conftest import bearer, sql
from tests.conversations.helpers import run_jobs
from tests.payments.helpers import Shop, bot_messages, open_shop, tenant_sql
from x8.kit.db import Database
from x8.platform.payments import reminders, tasks
from x8.platform.payments.chat import OrderLine, PaymentLink, payment_link
from x8.settings import Settings

REMIND = "payments:remind_unpaid"


def _reminder_jobs(owner_url: str) -> list[tuple[str, object]]:
    return [
        (str(status), scheduled)
        for status, scheduled in sql(
            owner_url, "SELECT status, scheduled_at FROM procrastinate_jobs WHERE task_name = %s", REMIND
        )
    ]


def _due_now(owner_url: str) -> None:
    sql(owner_url, "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE task_name = %s", REMIND)


def _reminders(owner_url: str, shop: Shop) -> list[tuple[str, str, str | None]]:
    return [m for m in bot_messages(owner_url, shop) if m[0].startswith(("A reminder", "Напоминаем"))]


async def _order(db: Database, settings: Settings, shop: Shop, language: str | None = None) -> PaymentLink:
    link = await payment_link(
        db, settings, shop.company, shop.conversation, [OrderLine(shop.row("Classic Rose"), 1)], language=language
    )
    assert isinstance(link, PaymentLink)
    return link


async def test_an_unpaid_order_is_reminded_once_after_the_delay(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str, app_url: str
) -> None:
    shop = await open_shop(sandbox_client)
    await run_jobs(app_url)  # the assistant's answer to "hello", out of the way
    link = await _order(db, sandbox_settings, shop, language="ru")
    [(status, scheduled)] = _reminder_jobs(owner_url)
    [(minutes,)] = sql(owner_url, "SELECT extract(epoch FROM %s - now()) / 60", scheduled)
    assert status == "todo" and 29 < float(minutes) <= 30  # X8_PAYMENT_REMINDER_MINUTES=30
    await run_jobs(app_url)
    assert _reminders(owner_url, shop) == []  # not yet

    _due_now(owner_url)
    await run_jobs(app_url)
    [(body, sent, kind)] = _reminders(owner_url, shop)
    reference = link.order_id.hex[:8].upper()
    assert body == f"Напоминаем: заказ {reference} на 24,90 USD ждёт оплаты. Оплатить можно здесь: {link.url}"
    assert sent == "sent" and kind == "TYPE2"

    # The job again (a retry after a dead worker), and the function again: still one reminder.
    await tasks.remind_unpaid.defer_async(company_id=shop.company_id, order_id=str(link.order_id))
    await run_jobs(app_url)
    assert await reminders.remind(db, shop.company, link.order_id) is not None
    await run_jobs(app_url)
    assert len(_reminders(owner_url, shop)) == 1


async def test_paid_or_expired_orders_and_taken_over_chats_get_no_reminder(
    sandbox_client: httpx.AsyncClient, db: Database, sandbox_settings: Settings, owner_url: str, app_url: str
) -> None:
    shop = await open_shop(sandbox_client)
    paid = await _order(db, sandbox_settings, shop)
    assert (await sandbox_client.post(f"/api/v1/sandbox/payments/{paid.order_id}/pay")).status_code == 200
    expired = await _order(db, sandbox_settings, shop)
    tenant_sql(
        owner_url, shop.company_id, "UPDATE {schema}.orders SET status = 'expired' WHERE id = %s", expired.order_id
    )
    _due_now(owner_url)
    await run_jobs(app_url)
    assert _reminders(owner_url, shop) == []

    waiting = await _order(db, sandbox_settings, shop)
    paused = await sandbox_client.post(
        f"/api/v1/conversations/{shop.conversation_id}/pause-bot", headers=bearer(shop.tokens), json={}
    )
    assert paused.status_code in (200, 204), paused.text
    assert await reminders.remind(db, shop.company, waiting.order_id) is None
    assert _reminders(owner_url, shop) == []


async def test_the_scenario_switched_off_sends_no_reminder_and_zero_minutes_queues_none(
    sandbox_client: httpx.AsyncClient, db: Database, owner_url: str, app_url: str
) -> None:
    from tests.conftest import make_settings

    shop = await open_shop(sandbox_client)
    off = await sandbox_client.put(
        f"/api/v1/companies/{shop.company_id}/assistant/scenarios/payment_reminder",
        headers=bearer(shop.tokens),
        json={"enabled": False},
    )
    assert off.status_code == 200, off.text
    settings = make_settings(owner_url, PUBLIC_BASE_URL="https://x8.example", X8_PAYMENT_REMINDER_MINUTES="30")
    link = await _order(db, settings, shop)
    assert await reminders.remind(db, shop.company, link.order_id) is None

    never = make_settings(owner_url, PUBLIC_BASE_URL="https://x8.example", X8_PAYMENT_REMINDER_MINUTES="0")
    sql(owner_url, "DELETE FROM procrastinate_jobs WHERE task_name = %s", REMIND)
    await _order(db, never, shop)
    assert _reminder_jobs(owner_url) == []
