"""Jobs of the channels domain: restarting a provider session that was lost (R-CH3)."""

from __future__ import annotations

import logging
import uuid

import procrastinate

from x8.channel_adapters.base import ChannelStatus, ProviderError
from x8.channel_adapters.registry import adapter_for
from x8.kit.jobs import context
from x8.platform.activity import hooks as activity
from x8.platform.conversations import service

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)

RESTARTS = 8
MAX_BACKOFF_SECONDS = 600


@blueprint.task(name="restart_session", pass_context=False)
async def restart_session(channel_id: str, attempt: int) -> None:
    """Restart a lost session (a WhatsApp one); if the provider cannot do it now, try again later, waiting longer
    each time."""
    ctx = context()
    channel = await service.load_channel(ctx.db, uuid.UUID(channel_id))
    if channel.status != ChannelStatus.ERROR:
        return  # it came back, or the business disconnected it
    try:
        await adapter_for(channel.platform, ctx.settings).restart(channel)
    except ProviderError as exc:
        await service.record_channel_error(ctx.db, channel.id, str(exc))
        will_retry = attempt + 1 < RESTARTS
        if will_retry:
            await schedule_restart(channel.id, attempt=attempt + 1)
        else:
            log.error("gave up restarting the session of channel %s: %s", channel_id, exc)
        await activity.session_start(ctx.db, channel.company_id, channel.id, str(exc), will_retry=will_retry)
        return
    await activity.session_start(ctx.db, channel.company_id, channel.id, None)


async def schedule_restart(channel_id: uuid.UUID, *, attempt: int) -> None:
    delay = min(5 * 2**attempt, MAX_BACKOFF_SECONDS)
    try:
        await restart_session.configure(
            schedule_in={"seconds": delay}, queueing_lock=f"restart:{channel_id}"
        ).defer_async(channel_id=str(channel_id), attempt=attempt)
    except procrastinate.exceptions.AlreadyEnqueued:
        log.debug("a restart of channel %s is already queued", channel_id)
