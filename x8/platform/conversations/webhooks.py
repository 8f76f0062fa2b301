"""Inbound webhooks (SPEC.md R-M1): verify, store in the inbox, answer at once.

A provider webhook is verified and, when it carries something to act on, stored as an event in the inbox
(``webhook_events``, unique by source and external id) together with its ``handle_event`` job, in one statement
committed before the 200 goes back. The job (``x8.platform.conversations.ingest``) writes the message into the
company's inbox (de-duplicated by provider message id) and takes its turn. A webhook that fails verification gets
401 and nothing is stored; a redelivered event is accepted and stores nothing. The playground's webhook is not a
provider's: it stores synchronously, because it answers with the conversation id.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from x8.channel_adapters.base import InboundMessage, WebhookRejected
from x8.channel_adapters.cache import channel_for_webhook
from x8.channel_adapters.models import Channel, ChannelStatus
from x8.channel_adapters.registry import adapter_for
from x8.channel_adapters.waha import WahaAdapter
from x8.channel_adapters.web import playground_visitor
from x8.conversations.inbox import Received
from x8.kit.db import Database, SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, NotFound, Unauthorized, error_responses
from x8.platform.auth.deps import CurrentUser
from x8.platform.companies.service import get_visible
from x8.platform.conversations.schemas import Accepted, WebMessageIn
from x8.platform.conversations.service import (
    buffer_seconds_for,
    receive,
)
from x8.platform.conversations.tasks import schedule_turn
from x8.platform.inbox import tasks as inbox_tasks
from x8.platform.inbox.repository import IncomingEvent
from x8.settings import Settings

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])
log = logging.getLogger(__name__)


class Ok(BaseModel):
    ok: bool


async def _channel(db: Database, channel_id: uuid.UUID | None, platform: str) -> Channel:
    """A short read on its own connection: provider webhooks hold no connection while they store the message."""
    channel = await channel_for_webhook(db, channel_id) if channel_id else None
    if channel is None or channel.platform != platform:
        raise NotFound("Channel not found.")
    return channel


async def _after_store(db: Database, settings: Settings, channel: Channel, received: Received) -> None:
    if not received.from_owner:
        delay = await buffer_seconds_for(db, settings, channel.company_id)
        await schedule_turn(channel.company_id, received.conversation_id, delay=delay)


def _json_object(body: bytes, what: str) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"The {what} is not JSON.") from exc
    if not isinstance(payload, dict):
        raise BadRequest(f"The {what} is not a JSON object.")
    return payload


async def _store_messages(channel: Channel, payload: dict[str, Any], messages: list[InboundMessage]) -> None:
    """One event per message-bearing delivery, keyed by the message's provider id (unique per channel), handled in
    order with the contact's other messages."""
    if not messages:
        return  # nothing a customer said (an edit, a join, a shape the provider does not send)
    first = messages[0]
    await inbox_tasks.store(
        IncomingEvent(
            source=channel.platform,
            external_id=f"{channel.id}:{first.provider_message_id}",
            payload=payload,
            channel_id=channel.id,
            lock=f"ingest:{channel.id}:{first.external_id}",
        )
    )


@router.post("/telegram/{channel_id}", response_model=Ok, responses=error_responses(BadRequest, Unauthorized, NotFound))
async def telegram(channel_id: uuid.UUID, request: Request, db: DatabaseDep, settings: SettingsDep) -> Ok:
    """Telegram updates; ``X-Telegram-Bot-Api-Secret-Token`` must match the secret set with setWebhook."""
    channel = await _channel(db, channel_id, "telegram")
    body = await request.body()
    adapter = adapter_for("telegram", settings)
    try:
        adapter.verify(channel, {k.lower(): v for k, v in request.headers.items()}, body)
    except WebhookRejected as exc:
        log.warning("rejected a Telegram webhook for channel %s: %s", channel_id, exc)
        raise Unauthorized(str(exc)) from exc
    payload = _json_object(body, "update")
    await _store_messages(channel, payload, adapter.parse(payload))
    return Ok(ok=True)


@router.post("/web/{channel_id}", response_model=Accepted, status_code=202, responses=error_responses(NotFound))
async def web(
    channel_id: uuid.UUID,
    body: WebMessageIn,
    user: CurrentUser,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> Accepted:
    """The playground: a signed-in user who can see the company writes to its assistant as a customer would."""
    channel = await _channel(db, channel_id, "web")
    try:
        await get_visible(session, user, channel.company_id)
    except NotFound as exc:
        raise NotFound("Channel not found.") from exc
    message = adapter_for("web", settings).parse(
        {
            "message_id": str(body.message_id or uuid.uuid4()),
            "visitor_id": body.visitor_id or playground_visitor(user.id),
            "text": body.text,
            "display_name": user.full_name,
        }
    )[0]
    received = await receive(db, channel, message, pause_minutes=settings.human_pause_minutes)
    await _after_store(db, settings, channel, received)
    return Accepted(
        conversation_id=received.conversation_id, message_id=received.message_id, duplicate=received.duplicate
    )


def _waha_channel_id(session_name: object) -> uuid.UUID | None:
    """Our WAHA sessions are named ``x8_<channel id hex>``."""
    if not isinstance(session_name, str) or not session_name.startswith("x8_"):
        return None
    try:
        return uuid.UUID(hex=session_name[3:])
    except ValueError:
        return None


@router.post("/waha", response_model=Ok, responses=error_responses(BadRequest, Unauthorized, NotFound))
async def waha(request: Request, db: DatabaseDep, settings: SettingsDep) -> Ok:
    """WAHA events for every WhatsApp session: ``message.any`` and ``session.status``. Verified with
    ``X-Webhook-Hmac`` (HMAC-SHA512 of the raw body) when ``WAHA_WEBHOOK_HMAC_KEY`` is set."""
    body = await request.body()
    adapter = WahaAdapter(settings)
    try:
        adapter.verify(None, {k.lower(): v for k, v in request.headers.items()}, body)
    except WebhookRejected as exc:
        log.warning("rejected a WAHA webhook: %s", exc)
        raise Unauthorized(str(exc)) from exc
    payload = _json_object(body, "event")
    try:
        channel = await _channel(db, _waha_channel_id(payload.get("session")), "whatsapp")
    except NotFound as exc:
        raise NotFound("No WhatsApp channel has this session.") from exc
    if payload.get("event") == "session.status":
        await inbox_tasks.store(
            IncomingEvent(
                source="whatsapp",
                external_id=f"{channel.id}:{_event_id(payload, body)}",
                payload=payload,
                channel_id=channel.id,
                lock=f"waha_status:{channel.id}",
            )
        )
        return Ok(ok=True)
    if channel.status == ChannelStatus.DISCONNECTED:
        return Ok(ok=True)  # a late event for a session the business disconnected
    await _store_messages(channel, payload, adapter.parse(payload))
    return Ok(ok=True)


def _event_id(payload: dict[str, Any], body: bytes) -> str:
    """WAHA's own event id (``evt_…``); a body without one is known by its digest, so a redelivery still matches."""
    given = payload.get("id")
    if isinstance(given, str) and 0 < len(given) <= 100:
        return given
    return "sha256:" + hashlib.sha256(body).hexdigest()
