"""A short-lived, per-process cache of channel rows for the webhook path, which runs hottest."""

from __future__ import annotations

import uuid

from x8.kit.db import Database
from x8.kit.ttl_cache import TtlCache
from x8.platform.channels.models import Channel

# A reconnect's new secret is accepted up to this late; the provider retries what was refused meanwhile.
_CHANNELS: TtlCache[uuid.UUID, Channel | None] = TtlCache(seconds=5.0)


async def load_channel(db: Database, channel_id: uuid.UUID) -> Channel | None:
    async with db.sessions() as session:
        return await session.get(Channel, channel_id)


async def channel_for_webhook(db: Database, channel_id: uuid.UUID) -> Channel | None:
    """The channel row (status, secret hash, sealed credentials), remembered for a few seconds."""
    return await _CHANNELS.get_or_load(channel_id, lambda: load_channel(db, channel_id))


def forget_channel(channel_id: uuid.UUID) -> None:
    """This process changed the channel: its next webhook reads it fresh."""
    _CHANNELS.forget(channel_id)
