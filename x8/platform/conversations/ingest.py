"""Channel events from the inbox (``x8.platform.inbox``): a provider's message becomes a stored customer message
and a turn; WAHA's session events move the channel's status. Handlers are idempotent: a message is stored once
by its provider id, and a status event only sets a status."""

from __future__ import annotations

import logging

from x8.channel_adapters.base import InboundMessage
from x8.channel_adapters.cache import channel_for_webhook
from x8.channel_adapters.models import Channel, ChannelStatus
from x8.channel_adapters.registry import adapter_for
from x8.channel_adapters.waha import LOST, STATUS_MAP
from x8.kit.jobs import WorkerContext
from x8.platform.conversations import service
from x8.platform.conversations.tasks import schedule_turn, schedule_waha_restart, take_turn_now
from x8.platform.inbox.handlers import handles
from x8.platform.inbox.models import WebhookEvent

log = logging.getLogger(__name__)


async def _channel(ctx: WorkerContext, event: WebhookEvent) -> Channel | None:
    return await channel_for_webhook(ctx.db, event.channel_id) if event.channel_id else None


async def ingest_message(ctx: WorkerContext, channel: Channel, message: InboundMessage) -> None:
    """Store a provider's message in the company's inbox (de-duplicated), then take its turn: later when the company
    has a buffer window (R-M2), else at once, in this job. A rerun (a dead worker) stores nothing twice and still
    sends whatever reply is waiting."""
    received = await service.receive(ctx.db, channel, message, pause_minutes=ctx.settings.human_pause_minutes)
    if received.from_owner:
        return
    delay = await service.buffer_seconds_for(ctx.db, ctx.settings, channel.company_id)
    if delay > 0:
        await schedule_turn(channel.company_id, received.conversation_id, delay=delay)
    else:  # no window to merge messages in: answer now, in this job
        await take_turn_now(ctx, channel.company_id, received.conversation_id)


async def _messages(ctx: WorkerContext, event: WebhookEvent) -> None:
    channel = await _channel(ctx, event)
    if channel is None:
        return  # the channel was deleted with its company
    for message in adapter_for(channel.platform, ctx.settings).parse(event.payload):
        await ingest_message(ctx, channel, message)


@handles("telegram")
async def telegram_event(ctx: WorkerContext, event: WebhookEvent) -> None:
    await _messages(ctx, event)


@handles("whatsapp")
async def whatsapp_event(ctx: WorkerContext, event: WebhookEvent) -> None:
    if event.payload.get("event") == "session.status":
        channel = await _channel(ctx, event)
        if channel is not None:
            await _waha_status(ctx, channel, event.payload)
        return
    await _messages(ctx, event)


async def _waha_status(ctx: WorkerContext, channel: Channel, payload: dict[str, object]) -> None:
    event = payload.get("payload")
    waha_status = str(event.get("status", "")) if isinstance(event, dict) else ""
    status = STATUS_MAP.get(waha_status)
    if status is None:
        return
    if channel.status == ChannelStatus.DISCONNECTED and status != ChannelStatus.CONNECTED:
        return  # the business disconnected it: a stopping session is expected, not an outage
    if waha_status in LOST:
        # R-CH3: a lost session raises an alert (the channel shows the error) and is restarted with backoff.
        log.warning("WhatsApp session of channel %s is %s; restarting it", channel.id, waha_status)
        await service.set_channel_status(
            ctx.db, channel.id, ChannelStatus.ERROR, f"The WhatsApp session is {waha_status}."
        )
        await schedule_waha_restart(channel.id, attempt=0)
        return
    await service.set_channel_status(ctx.db, channel.id, status)
