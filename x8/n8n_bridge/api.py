"""The tenant-scoped API n8n calls (R-N3), under ``/api/v1/n8n/`` with ``X-X8-Tenant-Key``. The key decides the
tenant: no parameter can name another company, and another company's channel or conversation answers 404."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from x8.conversations.assistant.behaviour import SCENARIOS, Behaviour
from x8.kit.db import Database
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, Forbidden, NotFound, Unauthorized, error_responses
from x8.kit.i18n import msg
from x8.n8n_bridge import outbound
from x8.n8n_bridge.schemas import EffectiveSettings, MessageIn
from x8.platform.assistant import service as assistant_service
from x8.platform.assistant.schemas import BehaviourIn
from x8.platform.auth.deps import Scope, TenantKeyPrincipal, require_scope
from x8.platform.booking import service as booking_service
from x8.platform.booking.endpoints import From, To
from x8.platform.booking.errors import SlotTaken, Unprocessable
from x8.platform.booking.schemas import BookingFields, BookingIn, BookingOut, SlotList
from x8.platform.channels.service import company_channel
from x8.platform.companies.scope import TenantScope
from x8.platform.conversations.schemas import ConversationMessage
from x8.platform.conversations.tasks import schedule_send
from x8.platform.knowledge_base import service as kb_service
from x8.platform.knowledge_base.schemas import SearchResults

router = APIRouter(prefix="/api/v1/n8n", tags=["n8n"])
ERRORS = error_responses(Unauthorized, Forbidden, NotFound)


def tenant_scope(scope: Scope) -> Callable[[Database, TenantKeyPrincipal], Awaitable[TenantScope]]:
    """The key's company, if the key holds ``scope``."""
    checked = require_scope(scope)

    # A default, not Annotated: the annotations are strings, and FastAPI resolves them in the module's globals,
    # where this closure's ``checked`` is not.
    async def dependency(db: DatabaseDep, principal: TenantKeyPrincipal = Depends(checked)) -> TenantScope:
        return TenantScope(principal.company, db)

    return dependency


def settings_out(behaviour: Behaviour) -> BehaviourIn:
    return BehaviourIn(
        instructions=behaviour.instructions,
        rules=list(behaviour.rules) if behaviour.rules is not None else None,
        greeting=behaviour.greeting,
        enabled=behaviour.enabled,
        buffer_seconds=behaviour.buffer_seconds,
    )


@router.get("/kb/search", response_model=SearchResults, responses=ERRORS)
async def kb_search(
    tenant: Annotated[TenantScope, Depends(tenant_scope(Scope.KB_READ))],
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """The company's KB search, in the shape of ``GET /api/v1/knowledge-base/search`` (R-K5)."""
    # A plain dict: FastAPI validates it against the response model once (a model returned is validated twice).
    return {"results": await kb_service.search(tenant, settings, q, limit=limit)}


@router.get("/settings", response_model=EffectiveSettings, responses=ERRORS)
async def effective_settings(
    tenant: Annotated[TenantScope, Depends(tenant_scope(Scope.SETTINGS_READ))],
    channel_id: uuid.UUID | None = None,
) -> EffectiveSettings:
    """The assistant settings in force on one of the company's channels (or company-wide without a channel)."""
    if channel_id is not None and await company_channel(tenant.db, tenant.id, channel_id) is None:
        raise NotFound(msg("Channel not found."))
    async with tenant.db.sessions() as session:
        behaviours = await assistant_service.behaviour_set(session, tenant.id)
    base = behaviours.for_channel(str(channel_id) if channel_id else None)
    return EffectiveSettings(
        company_id=tenant.id,
        channel_id=channel_id,
        company_type=tenant.company.company_type,
        language=tenant.company.language,
        settings=settings_out(base),
        scenarios={
            name: settings_out(behaviours.scenarios[name].over(base) if name in behaviours.scenarios else base)
            for name in SCENARIOS
        },
    )


@router.post(
    "/messages",
    response_model=ConversationMessage,
    status_code=201,
    responses=error_responses(BadRequest, Unauthorized, Forbidden, NotFound),
)
async def post_message(
    tenant: Annotated[TenantScope, Depends(tenant_scope(Scope.MESSAGES_WRITE))], body: MessageIn
) -> ConversationMessage:
    """A message n8n wrote or received, in a conversation on ``channel_id`` (``conversation_id``, or the contact's
    latest conversation there with ``contact_id``). ``out``: a reply, stored, then sent through the channel with the
    same retries as any reply. ``in``: a customer's message n8n received itself, stored as answered (a repeated
    ``provider_message_id`` gives the message stored before)."""
    async with tenant.tenant() as ts:
        conversation_id = body.conversation_id
        if conversation_id is None and body.contact_id is not None:
            conversation_id = await outbound.contact_conversation(ts, body.contact_id, body.channel_id)
        if conversation_id is None:
            raise BadRequest(msg("A message needs the conversation_id (or the contact_id) it belongs to."))
        if await outbound.conversation_channel(ts, conversation_id) != body.channel_id:
            raise NotFound(msg("Conversation not found."))
        if body.direction == "in":
            return ConversationMessage(
                **await outbound.store_received(ts, conversation_id, body.text, body.provider_message_id)
            )
        message = await outbound.store_reply(ts, conversation_id, body.text)
    await schedule_send(tenant.id, message["id"])
    return ConversationMessage(**message)


@router.get("/slots", response_model=SlotList, responses=error_responses(Unauthorized, Forbidden, Unprocessable))
async def slots(
    tenant: Annotated[TenantScope, Depends(tenant_scope(Scope.BOOKINGS_WRITE))],
    settings: SettingsDep,
    start: From = None,
    to: To = None,
    city: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    service_id: uuid.UUID | None = None,
) -> SlotList:
    """The key's company's free slots, as ``GET /api/v1/companies/{id}/slots`` gives them."""
    items = await booking_service.list_slots(tenant, settings, start=start, end=to, city=city, service_id=service_id)
    return SlotList(items=items)


@router.post(
    "/bookings",
    status_code=201,
    response_model=BookingOut,
    responses=error_responses(Unauthorized, Forbidden, SlotTaken, Unprocessable),
)
async def book(
    tenant: Annotated[TenantScope, Depends(tenant_scope(Scope.BOOKINGS_WRITE))],
    settings: SettingsDep,
    body: BookingFields,
) -> BookingOut:
    """Book a slot for the key's company: the body of ``POST /api/v1/bookings`` without ``company_id``; 409
    ``SlotTaken`` when it has no capacity left."""
    return await booking_service.book(tenant, BookingIn(company_id=tenant.id, **body.model_dump()), settings)
