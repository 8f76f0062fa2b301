"""What the platform itself tells a customer about an order, through the conversation's channel: the payment link
when it comes late (or that it will not come), the reminder (``payment_reminder`` scenario) and the thank-you
(``after_payment``).

A notice is stored as a pending bot message in the same tenant transaction that decides it (so it is decided once),
and sent after the commit by the reply pipeline's own send job (``conversations:send_message``: claims, retries,
the channel's failure window), exactly like an assistant's reply.
"""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy import func, insert, update

from x8.conversations.events import conversation_changed
from x8.kit.i18n import Language, Message, as_language, msg
from x8.platform.orders.money import to_major
from x8.platform.orders.store import Buyer, MessageKind, Order, attach_message
from x8.tenancy.session import TenantSession
from x8.tenancy.tables import conversations, messages

PREVIEW = 200
Scenario = Literal["after_payment", "payment_reminder"]


def reference(order_id: uuid.UUID) -> str:
    """A short order reference a person can read out: the first eight hex digits of its id."""
    return order_id.hex[:8].upper()


def language_for(order: Order, buyer: Buyer | None, company_language: str) -> Language:
    """The customer's language: as the assistant judged it when the order was made, else the contact's, else the
    company's."""
    for candidate in (order.language, buyer.contact_language if buyer else None):
        if candidate in ("en", "ru"):
            return as_language(candidate)
    return as_language(company_language)


def thank_you(order: Order) -> Message:
    return msg(
        "Thank you! We have received your payment of {amount} {currency} for order {reference}.",
        amount=to_major(order.amount, order.currency),
        currency=order.currency,
        reference=reference(order.id),
    )


def reminder(order: Order) -> Message:
    return msg(
        "A reminder: your order {reference} for {amount} {currency} is waiting for payment. You can pay here: {url}",
        reference=reference(order.id),
        amount=to_major(order.amount, order.currency),
        currency=order.currency,
        url=order.checkout_url or "",
    )


def no_link(order: Order) -> Message:
    return msg(
        "Sorry, we could not prepare the payment link for order {reference}. A person will contact you.",
        reference=reference(order.id),
    )


def payment_link(order: Order, url: str) -> Message:
    return msg(
        "Here is the link to pay for your order {reference} ({amount} {currency}): {url}",
        reference=reference(order.id),
        amount=to_major(order.amount, order.currency),
        currency=order.currency,
        url=url,
    )


# R-M8's classes: a message asking for payment, and one about a payment made.
_MESSAGE_TYPES: dict[MessageKind, str] = {"link": "TYPE2", "reminder": "TYPE2", "after_payment": "TYPE3"}


async def tell(
    ts: TenantSession, order: Order, buyer: Buyer, message: Message, kind: MessageKind, *, company_language: str
) -> uuid.UUID | None:
    """Store ``message`` for the order's buyer, in their language, as a pending bot message for the send job, and
    keep it on the order as its ``kind`` message. None when the conversation has no channel to send it on."""
    if buyer.channel_id is None:
        return None
    text = message.render(language_for(order, buyer, company_language))
    message_id = (
        await ts.execute(
            insert(messages)
            .values(
                conversation_id=buyer.conversation_id,
                direction="out",
                sender="bot",
                status="pending",
                body=text,
                processed_at=func.now(),
                message_type=_MESSAGE_TYPES[kind],
            )
            .returning(messages.c.id)
        )
    ).scalar_one()
    await ts.execute(
        update(conversations)
        .where(conversations.c.id == buyer.conversation_id)
        .values(last_message_at=func.now(), last_message_preview=text[:PREVIEW])
    )
    await conversation_changed(ts, buyer.conversation_id)
    await attach_message(ts, order.id, kind, message_id)
    return uuid.UUID(str(message_id))
