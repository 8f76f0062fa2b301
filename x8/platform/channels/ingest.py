"""Channel events from the inbox (``x8.platform.inbox``), one handler for every provider with a webhook: a
provider's message becomes a stored customer message and a turn; a report on the connection (WAHA's session
events) moves the channel's status, and a lost session is restarted. Handlers are idempotent: a message is stored once
by its provider id, and a status event only sets a status."""

from __future__ import annotations

import logging

from x8.channel_adapters.base import ChannelStatus, InboundMessage, StatusChange
from x8.channel_adapters.registry import KINDS, adapter_for
from x8.kit.jobs import WorkerContext
from x8.platform.channels.cache import channel_for_webhook
from x8.platform.channels.models import Channel
from x8.platform.channels.tasks import schedule_restart
from x8.platform.conversations import service
from x8.platform.conversations.tasks import schedule_turn, turns_asked_once
from x8.platform.inbox.handlers import BATCH_SCOPES, handles
from x8.platform.inbox.repository import StoredEvent
from x8.platform.tiktok.attribution import attribute
from x8.platform.tiktok.whatsapp_number import remember_number

log = logging.getLogger(__name__)


async def _channel(ctx: WorkerContext, event: StoredEvent) -> Channel | None:
    return await channel_for_webhook(ctx.db, event.channel_id) if event.channel_id else None


async def ingest_message(ctx: WorkerContext, channel: Channel, message: InboundMessage) -> None:
    """Store a provider's message in the company's inbox (de-duplicated), then queue its turn: for when its buffer
    window closes (R-M2), or, with no window, in a job of its own at once (not in this one: the channel's other
    events, handled in the same batch, would wait on the assistant's thinking). A rerun (a dead worker) stores
    nothing twice and queues the turn again, which answers nothing twice."""
    received = await service.receive(ctx.db, channel, message, pause_minutes=ctx.settings.human_pause_minutes)
    if received.from_owner:
        return
    if not received.duplicate:
        await attribute(ctx.db, channel, message)  # before the turn: an order it makes carries the lead source
    delay = await service.buffer_seconds_for(ctx.db, ctx.settings, channel.company_id)
    await schedule_turn(channel.company_id, received.conversation_id, delay=delay)


async def channel_event(ctx: WorkerContext, event: StoredEvent) -> None:
    """One stored delivery of a channel's provider: a report on the connection, or messages to store and answer."""
    channel = await _channel(ctx, event)
    if channel is None:
        return  # the channel was deleted with its company
    adapter = adapter_for(channel.platform, ctx.settings)
    change = adapter.status_change(event.payload)
    if change is not None:
        await _apply_status(ctx, channel, change)
        return
    for message in adapter.parse(event.payload):
        await ingest_message(ctx, channel, message)


async def _apply_status(ctx: WorkerContext, channel: Channel, change: StatusChange) -> None:
    if channel.status == ChannelStatus.DISCONNECTED and change.status != ChannelStatus.CONNECTED:
        return  # the business disconnected it: a stopping session is expected, not an outage
    if change.lost:
        # R-CH3: a lost session raises an alert (the channel shows the error) and is restarted with backoff.
        log.warning("the %s session of channel %s is lost (%s); restarting it", channel.platform, channel.id, change)
        await service.set_channel_status(ctx.db, channel.id, ChannelStatus.ERROR, change.description)
        await schedule_restart(channel.id, attempt=0)
        return
    await service.set_channel_status(ctx.db, channel.id, change.status)
    if change.status == ChannelStatus.CONNECTED and change.account:
        await remember_number(ctx.db, channel.id, change.account)  # where TikTok tracking links send customers


for _platform, _kind in KINDS.items():
    if _kind.webhook is not None:
        handles(_platform)(channel_event)
BATCH_SCOPES.append(turns_asked_once)
