"""The assistant's checkout port for one conversation's turn (SPEC.md §11 "A sale in chat"): the payments module's
``payment_link``, with its answers in the assistant's terms (``x8.conversations.assistant.checkout``), so the
assistant never imports the platform. Called with no transaction open; ``payment_link`` commits the order before
it calls Stripe."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from x8.conversations.assistant.checkout import (
    CartLine,
    CartRefused,
    Checkout,
    CheckoutResult,
    LinkLater,
    NotPayable,
    PaymentLink,
)
from x8.kit.db import Database
from x8.settings import Settings


def conversation_checkout(
    db: Database, settings: Settings, company_id: uuid.UUID, conversation_id: uuid.UUID
) -> Checkout:
    async def checkout(lines: Sequence[CartLine], language: str, /) -> CheckoutResult:
        # Imported when first used: the payments jobs import the reply pipeline's jobs (a late link is sent as a
        # reply), which import this module, so a module-level import would be circular.
        from x8.platform.payments import chat

        order = [chat.OrderLine(uuid.UUID(line.kb_row_id), line.quantity) for line in lines]
        try:
            answer = await chat.payment_link(db, settings, company_id, conversation_id, order, language=language)
        except chat.CartRejected as refused:
            row = str(refused.kb_row_id) if refused.kb_row_id else None
            return CartRefused(refused.problem, row, refused.available, refused.currencies)
        if isinstance(answer, chat.PaymentLink):
            return PaymentLink(answer.url, Decimal(answer.amount), answer.currency, answer.sandbox)
        if answer.reason == "provider_unavailable":
            return LinkLater()  # the order waits; payments:deliver_late_link sends its link, or says it will not
        return NotPayable(answer.reason)

    return checkout
