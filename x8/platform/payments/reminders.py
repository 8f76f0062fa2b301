"""The payment reminder (SPEC.md R-P2, the ``payment_reminder`` scenario): once, ``X8_PAYMENT_REMINDER_MINUTES``
after the link, to a customer whose order is still pending.

Its job is queued when the link is made and decides when it runs: a paid, expired or failed order gets nothing (so
nothing has to be cancelled), nor does a conversation a person has taken over, nor a business that switched the
scenario off. The reminder is stored with the order's ``reminder_message_id`` in one transaction, so a retried job
stores nothing twice and only makes sure the stored one is sent.
"""

from __future__ import annotations

import uuid

from x8.kit.db import Database
from x8.platform.conversations.tasks import schedule_send
from x8.platform.orders import store
from x8.platform.payments import notices
from x8.platform.payments.fulfilment import company_facts, scenario_allows
from x8.tenancy.session import tenant_session


async def remind(db: Database, company_id: uuid.UUID, order_id: uuid.UUID) -> uuid.UUID | None:
    """Store the reminder if it is due and send it; the message's id, or None when there is nothing to remind."""
    facts = await company_facts(db, company_id)
    if facts is None:
        return None
    async with tenant_session(db, company_id) as ts:
        order = await store.get(ts, order_id, for_update=True)
        if order is None or order.status != "pending" or order.checkout_url is None:
            return None
        reminded = order.reminder_message_id
        if reminded is None:
            buyer = await store.buyer(ts, order.conversation_id) if order.conversation_id else None
            if buyer is None or buyer.handed_over or buyer.bot_paused:
                return None
            if not scenario_allows(facts.behaviour, buyer.channel_id, "payment_reminder"):
                return None
            reminded = await notices.tell(
                ts, order, buyer, notices.reminder(order), "reminder", company_language=facts.language
            )
            if reminded is None:
                return None
    await schedule_send(company_id, reminded)
    return reminded
