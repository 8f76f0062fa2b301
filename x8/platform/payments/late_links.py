"""A payment link that comes late: Stripe did not answer while the assistant was replying, the customer was told
to wait, and this keeps trying (the same idempotency key every time, so at most one session is ever made) and
sends the link through the conversation's channel when it comes.

The order's one message about its link (``link_message_id``) is stored in the transaction that records the
session, or that gives up, so it is stored once; a rerun only makes sure it is sent. Giving up (Stripe still not
answering after the job's last try, or refusing, or the business no longer able to take payments) fails the order,
tells the customer, and hands the conversation to a person.
"""

from __future__ import annotations

import logging
import uuid
from typing import Literal

from sqlalchemy import func, update

from x8.kit.db import Database
from x8.platform.conversations.tasks import notify_handover, schedule_send
from x8.platform.orders import store
from x8.platform.orders.store import Order
from x8.platform.payments import notices
from x8.platform.payments.checkout import NotOpened, open_session
from x8.platform.payments.fulfilment import company_facts
from x8.settings import Settings
from x8.tenancy.session import TenantSession, tenant_session
from x8.tenancy.tables import conversations

log = logging.getLogger(__name__)

Delivered = Literal["sent", "retry", "closed"]


async def deliver(db: Database, settings: Settings, company_id: uuid.UUID, order_id: uuid.UUID) -> Delivered:
    """``sent``: the link is on its way; ``retry``: Stripe is still not answering; ``closed``: no link will come
    (the order is no longer pending, or cannot be paid online: then the customer is told so)."""
    facts = await company_facts(db, company_id)
    if facts is None:
        return "closed"

    async def store_link(ts: TenantSession, order: Order, url: str) -> None:
        buyer = await store.buyer(ts, order.conversation_id) if order.conversation_id else None
        if buyer is None:
            return
        await notices.tell(ts, order, buyer, notices.payment_link(order, url), "link", company_language=facts.language)

    opened = await open_session(db, settings, company_id, order_id, on_recorded=store_link)
    if isinstance(opened, NotOpened):
        if opened.reason == "provider_unavailable":
            return "retry"
        if opened.reason in ("no_account", "refused"):
            await give_up(db, company_id, order_id)
        return "closed"
    async with tenant_session(db, company_id) as ts:
        order = await store.get(ts, order_id)
    if order is not None and order.link_message_id is not None:
        await schedule_send(company_id, order.link_message_id)
    return "sent"


async def give_up(db: Database, company_id: uuid.UUID, order_id: uuid.UUID) -> None:
    """No link will come for the order: it fails (if still pending), the customer hears it once, and a person takes
    the conversation over."""
    facts = await company_facts(db, company_id)
    if facts is None:
        return
    handed_over: uuid.UUID | None = None
    async with tenant_session(db, company_id) as ts:
        order = await store.get(ts, order_id, for_update=True)
        if order is None or order.checkout_url is not None:
            return
        sorry = order.link_message_id
        if sorry is None:
            if order.status == "pending":
                await store.close(ts, order, "failed", reason="checkout_unavailable")
            elif order.status != "failed":
                return
            buyer = await store.buyer(ts, order.conversation_id) if order.conversation_id else None
            if buyer is not None:
                sorry = await notices.tell(
                    ts, order, buyer, notices.no_link(order), "link", company_language=facts.language
                )
                handed_over = (
                    await ts.execute(
                        update(conversations)
                        .where(conversations.c.id == buyer.conversation_id, conversations.c.handover_at.is_(None))
                        .values(
                            handover_at=func.now(),
                            first_handover_at=func.coalesce(conversations.c.first_handover_at, func.now()),
                        )
                        .returning(conversations.c.id)
                    )
                ).scalar_one_or_none()
    if sorry is not None:
        await schedule_send(company_id, sorry)
    if handed_over is not None:
        log.warning("no payment link for order %s of company %s; handed over to a person", order_id, company_id)
        await notify_handover.defer_async(company_id=str(company_id), conversation_id=str(handed_over))
