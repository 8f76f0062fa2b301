"""A short-lived, per-process cache of channel rows for the webhook path, which runs hottest."""

from __future__ import annotations

import time
import uuid

from x8.channel_adapters.models import Channel
from x8.kit.db import Database

_CHANNEL_CACHE: dict[uuid.UUID, tuple[Channel | None, float]] = {}
CHANNEL_CACHE_SECONDS = 5.0


async def channel_for_webhook(db: Database, channel_id: uuid.UUID) -> Channel | None:
    """Webhooks are the hottest path: the channel row (status, secret hash) is remembered for a few seconds. A
    reconnect's new secret is thus accepted up to 5 s late; the provider retries what was refused meanwhile."""
    now = time.monotonic()
    cached = _CHANNEL_CACHE.get(channel_id)
    if cached is not None and cached[1] > now:
        return cached[0]
    channel = await _load(db, channel_id)
    if len(_CHANNEL_CACHE) > 10_000:
        _CHANNEL_CACHE.clear()
    _CHANNEL_CACHE[channel_id] = (channel, now + CHANNEL_CACHE_SECONDS)
    return channel


def forget_channel(channel_id: uuid.UUID) -> None:
    """This process changed the channel: its next webhook reads it fresh."""
    _CHANNEL_CACHE.pop(channel_id, None)


async def _load(db: Database, channel_id: uuid.UUID) -> Channel | None:
    async with db.sessions() as session:
        return await session.get(Channel, channel_id)
