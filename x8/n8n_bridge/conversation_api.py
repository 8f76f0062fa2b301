"""What an n8n workflow reads and does in one conversation (R-N3), with the company's tenant key:
``GET /api/v1/n8n/conversations/{id}/context`` (recent messages, the contact, the company's facts and the assistant
settings in force, for the workflow's prompt) and ``POST /api/v1/n8n/payment-links`` (an order and its link,
through the payments code the native assistant uses)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import text

from x8.kit.deps import SettingsDep
from x8.kit.errors import Conflict, Forbidden, NotFound, Unauthorized, error_responses
from x8.kit.i18n import msg
from x8.n8n_bridge.api import settings_out, tenant_scope
from x8.n8n_bridge.schemas import (
    CompanyFacts,
    ContextContact,
    ContextMessage,
    ConversationContext,
    PaymentLinkIn,
    PaymentLinkOut,
)
from x8.platform.assistant import service as assistant_service
from x8.platform.auth.deps import Scope
from x8.platform.booking.errors import Unprocessable
from x8.platform.companies.scope import TenantScope
from x8.platform.payments import chat

router = APIRouter(prefix="/api/v1/n8n", tags=["n8n"])

_CONVERSATION = text("""
SELECT c.id, c.channel_id, c.status, ct.id AS contact_id, ct.display_name, ct.language, ct.lead_source
FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = :id
""")
_RECENT = text("""
SELECT direction, sender, body, status, created_at FROM (
    SELECT direction, sender, body, status, created_at, id FROM messages WHERE conversation_id = :id
    ORDER BY created_at DESC, id DESC LIMIT :limit
) recent ORDER BY created_at, id
""")


@router.get(
    "/conversations/{conversation_id}/context",
    response_model=ConversationContext,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def conversation_context(
    conversation_id: uuid.UUID,
    tenant: Annotated[TenantScope, Depends(tenant_scope(Scope.CONVERSATIONS_READ))],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ConversationContext:
    """The conversation's last ``limit`` messages (oldest first), its contact, the company's facts and the assistant
    settings in force on its channel. Another company's conversation is 404."""
    async with tenant.tenant() as ts:
        found = (await ts.execute(_CONVERSATION, {"id": conversation_id})).mappings().first()
        if found is None:
            raise NotFound(msg("Conversation not found."))
        recent = (await ts.execute(_RECENT, {"id": conversation_id, "limit": limit})).mappings().all()
    async with tenant.db.sessions() as session:
        behaviours = await assistant_service.behaviour_set(session, tenant.id)
    channel_id = found["channel_id"]
    company = tenant.company
    return ConversationContext(
        conversation_id=conversation_id,
        channel_id=channel_id,
        status=found["status"],
        contact=ContextContact(
            id=found["contact_id"],
            display_name=found["display_name"],
            language=found["language"],
            lead_source=found["lead_source"],
        ),
        messages=[ContextMessage(**dict(row)) for row in recent],
        company=CompanyFacts(
            name=company.name,
            company_type=company.company_type,
            shop_type=company.shop_type,
            language=company.language,
            timezone=company.timezone,
            privacy_policy_url=company.privacy_policy_url,
        ),
        settings=settings_out(behaviours.for_channel(str(channel_id) if channel_id else None)),
    )


@router.post(
    "/payment-links",
    status_code=201,
    response_model=PaymentLinkOut,
    responses=error_responses(Unauthorized, Forbidden, NotFound, Conflict, Unprocessable),
)
async def payment_link(
    body: PaymentLinkIn,
    tenant: Annotated[TenantScope, Depends(tenant_scope(Scope.PAYMENTS_WRITE))],
    settings: SettingsDep,
) -> PaymentLinkOut:
    """Order the items for the conversation's customer and give the link to pay, as the native assistant does.
    ``status: "pending"``: the payment provider is not answering; the order waits and X8 sends the link to the
    customer itself once it can. 409 when this company cannot take payments (the reason says why), 422 when the cart
    cannot be ordered (``problem``)."""
    lines = [chat.OrderLine(item.kb_row_id, item.quantity) for item in body.items]
    try:
        answer = await chat.payment_link(
            tenant.db, settings, tenant.id, body.conversation_id, lines, language=body.language
        )
    except chat.UnknownConversation as exc:
        raise NotFound(msg("Conversation not found.")) from exc
    except chat.CartRejected as rejected:
        extra: dict[str, Any] = {"problem": rejected.problem}
        if rejected.kb_row_id is not None:
            extra["kb_row_id"] = str(rejected.kb_row_id)
        raise Unprocessable(msg("The cart cannot be ordered: {problem}.", problem=rejected.problem), **extra) from None
    if isinstance(answer, chat.PaymentLink):
        return PaymentLinkOut(
            status="ready",
            order_id=answer.order_id,
            url=answer.url,
            amount=answer.amount,
            currency=answer.currency,
            sandbox=answer.sandbox,
        )
    if answer.reason == "provider_unavailable":
        return PaymentLinkOut(status="pending", order_id=answer.order_id)
    reasons = {
        "not_configured": msg("This server takes no online payments."),
        "no_account": msg("The business has no Stripe account able to take payments yet."),
        "refused": msg("The payment provider refused this checkout."),
    }
    raise Conflict(reasons[answer.reason], reason=answer.reason)
