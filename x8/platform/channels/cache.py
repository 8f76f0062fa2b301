"""A short-lived, per-process cache of channel rows and their credentials for the webhook and send paths, which
run hottest."""

from __future__ import annotations

import uuid

from x8.kit.db import Database
from x8.kit.secretbox import Keyring
from x8.kit.ttl_cache import TtlCache
from x8.platform.channels.models import Channel, channel_secret_ref
from x8.platform.vault.repository import read_by_ref

# A reconnect's new secret is accepted up to this late; the provider retries what was refused meanwhile.
_CHANNELS: TtlCache[uuid.UUID, Channel | None] = TtlCache(seconds=5.0)
_SECRETS: TtlCache[uuid.UUID, str | None] = TtlCache(seconds=5.0)


async def load_channel(db: Database, channel_id: uuid.UUID) -> Channel | None:
    async with db.sessions() as session:
        return await session.get(Channel, channel_id)


async def channel_for_webhook(db: Database, channel_id: uuid.UUID) -> Channel | None:
    """The channel row (status, secret hash), remembered for a few seconds."""
    return await _CHANNELS.get_or_load(channel_id, lambda: load_channel(db, channel_id))


async def channel_secret(db: Database, keys: Keyring, channel_id: uuid.UUID) -> str | None:
    """The channel's secret from the vault (None: it keeps none), remembered for a few seconds."""

    async def load() -> str | None:
        async with db.sessions() as session:
            return await read_by_ref(session, keys, channel_secret_ref(channel_id))

    return await _SECRETS.get_or_load(channel_id, load)


def forget_channel(channel_id: uuid.UUID) -> None:
    """This process changed the channel: its next webhook or send reads it fresh."""
    _CHANNELS.forget(channel_id)
    _SECRETS.forget(channel_id)
