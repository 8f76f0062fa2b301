"""Inbound webhooks (SPEC.md R-M1): verify, store in the inbox, answer at once.

A provider webhook is verified and, when it carries something to act on, stored as an event in the inbox
(``webhook_events``, unique by source and external id) together with its channel's batch job (queued unless one
waits already), in one statement committed before the 200 goes back. The job (``x8.platform.inbox.tasks``, with
the handler in ``x8.platform.channels.ingest``) writes the message into the
company's inbox (de-duplicated by provider message id) and takes its turn. A webhook that fails verification gets
401 and nothing is stored; a redelivered event is accepted and stores nothing. The playground's webhook is not a
provider's: it stores synchronously, because it answers with the conversation id.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from x8.channel_adapters.base import Channel as AdapterChannel
from x8.channel_adapters.base import ChannelAdapter, ChannelKind, ChannelStatus, WebhookRejected
from x8.channel_adapters.registry import KINDS, adapter_for
from x8.channel_adapters.web import playground_visitor
from x8.conversations.inbox import Received
from x8.kit.cleaning import clean_json, json_needs_cleaning
from x8.kit.db import Database, SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, NotFound, Unauthorized, error_responses
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.channels.cache import channel_for_webhook
from x8.platform.channels.models import Channel
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
        raise NotFound(msg("Channel not found."))
    return channel


async def _after_store(db: Database, settings: Settings, channel: Channel, received: Received) -> None:
    if not received.from_owner:
        delay = await buffer_seconds_for(db, settings, channel.company_id)
        await schedule_turn(channel.company_id, received.conversation_id, delay=delay)


def _json_object(body: bytes) -> dict[str, Any]:
    """The webhook's JSON, with what PostgreSQL cannot store cleaned out (x8.kit.cleaning): it is stored as sent,
    and a NUL in a sender's name must not lose the message. Only parsed after the signature check, which is over
    the raw bytes."""
    try:
        payload = json.loads(body)
        if json_needs_cleaning(body):
            payload = clean_json(payload)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(msg("The event is not JSON the provider sends.")) from exc
    if not isinstance(payload, dict):
        raise BadRequest(msg("The event is not a JSON object."))
    return payload


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
        raise NotFound(msg("Channel not found.")) from exc
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


async def _receive(adapter: ChannelAdapter, request: Request, db: Database, channel_id: uuid.UUID | None) -> Ok:
    headers = {k.lower(): v for k, v in request.headers.items()}
    await accept(adapter, headers, await request.body(), db, channel_id)
    return Ok(ok=True)


async def accept(
    adapter: ChannelAdapter,
    headers: dict[str, str],
    body: bytes,
    db: Database,
    channel_id: uuid.UUID | None,
    *,
    quiet: bool = False,
) -> None:
    """Verify a provider's delivery, find its channel (from the URL, or from the event for shared URLs), and store
    what it carries in the inbox: one event per item, unique within the channel. ``quiet``: a refusal is not
    logged (``webhook_fast`` hands a refused delivery on to this route, which logs it)."""
    webhook = adapter.kind.webhook
    assert webhook is not None
    if webhook.verify_first:
        _verify(adapter, None, headers, body, quiet=quiet)
    payload = _json_object(body)
    try:
        channel = await _channel(db, channel_id if webhook.per_channel else adapter.route(payload), adapter.platform)
    except NotFound as exc:
        raise NotFound(webhook.unknown_channel) from exc
    if not webhook.verify_first:
        _verify(adapter, channel, headers, body, quiet=quiet)
    for item in adapter.events(channel, payload, body):
        if item.message and channel.status == ChannelStatus.DISCONNECTED:
            continue  # a late message for a channel the business disconnected
        await inbox_tasks.store(
            IncomingEvent(
                source=adapter.platform,
                external_id=f"{channel.id}:{item.external_id}",
                payload=payload,
                channel_id=channel.id,
                lock=item.lock,
                batched=True,
            )
        )


def _verify(
    adapter: ChannelAdapter,
    channel: AdapterChannel | None,
    headers: dict[str, str],
    body: bytes,
    *,
    quiet: bool = False,
) -> None:
    try:
        adapter.verify(channel, headers, body)
    except WebhookRejected as exc:
        if not quiet:
            log.warning(
                "rejected a %s webhook%s: %s", adapter.platform, f" for channel {channel.id}" if channel else "", exc
            )
        raise Unauthorized(exc.message) from exc


def _add_provider_route(platform: str, kind: ChannelKind) -> None:
    """``POST /api/v1/webhooks/<path>`` for one provider, from its adapter's ``kind``."""
    webhook = kind.webhook
    assert webhook is not None

    if webhook.per_channel:

        async def endpoint(channel_id: uuid.UUID, request: Request, db: DatabaseDep, settings: SettingsDep) -> Ok:
            return await _receive(adapter_for(platform, settings), request, db, channel_id)

    else:

        async def endpoint(request: Request, db: DatabaseDep, settings: SettingsDep) -> Ok:  # type: ignore[misc]
            return await _receive(adapter_for(platform, settings), request, db, None)

    router.add_api_route(
        f"/{webhook.path}",
        endpoint,
        methods=["POST"],
        name=webhook.name,
        description=webhook.description,
        response_model=Ok,
        responses=error_responses(BadRequest, Unauthorized, NotFound),
        # Read raw (the signature is over the bytes), so FastAPI cannot see it: any JSON object is taken, and what
        # is not one of the provider's events is acknowledged and stored nowhere.
        openapi_extra={
            "requestBody": {
                "required": True,
                "description": "The provider's event, as it sends it.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    )


for _platform, _kind in KINDS.items():
    if _kind.webhook is not None:
        _add_provider_route(_platform, _kind)
