"""Ending a Meta login when the last channel that relies on it goes (disconnected, or deleted with its company or
account). Unsubscribing a page stops its webhooks, but
the page tokens the login gave stay valid at Meta until the person's permissions for the app are revoked; X8 does
that (``DELETE /{user}/permissions`` with the pool app's token) once no live channel of any business still uses
the same person's login to the same app, so an agency's login serving another business keeps working."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from x8.channel_adapters.base import ChannelStatus
from x8.integrations.meta.graph import Graph
from x8.kit.db import Database
from x8.platform.channels.models import Channel
from x8.platform.meta_apps.models import MetaApp
from x8.platform.meta_apps.pool import app_secret
from x8.platform.vault.keys import vault_keys
from x8.settings import Settings

log = logging.getLogger(__name__)
META_PLATFORMS = frozenset({"facebook", "instagram"})


async def _still_used(db: Database, channel: Channel, meta_user: str, meta_app: str) -> bool:
    async with db.sessions() as session:
        other = await session.scalar(
            select(Channel.id)
            .where(
                Channel.id != channel.id,
                Channel.platform.in_(META_PLATFORMS),
                Channel.status != ChannelStatus.DISCONNECTED,
                Channel.config["meta_user_id"].astext == meta_user,
                Channel.config["meta_app"].astext == meta_app,
            )
            .limit(1)
        )
    return other is not None


async def end_meta_login(db: Database, settings: Settings, channel: Channel) -> None:
    """Revoke the login behind a Meta channel unless another live channel uses it. Run with no transaction open,
    before the channel is marked disconnected (so a retry after a kill revokes again, which Meta accepts).
    Raises ``GraphError`` as Meta refuses; a pool app that is gone, or has no secret, cannot revoke anything."""
    config = channel.config or {}
    meta_user, meta_app = str(config.get("meta_user_id") or ""), str(config.get("meta_app") or "")
    if channel.platform not in META_PLATFORMS or not meta_user or not meta_app:
        return
    if await _still_used(db, channel, meta_user, meta_app):
        return
    try:
        app_uuid = uuid.UUID(meta_app)
    except ValueError:
        return
    async with db.sessions() as session:
        app = await session.get(MetaApp, app_uuid)
        secret = await app_secret(session, vault_keys(settings), app_uuid) if app is not None else None
    if app is None or not secret:
        log.warning("channel %s: its Meta app is no longer in the pool; the login cannot be revoked", channel.id)
        return
    await Graph(settings).revoke_login(meta_user, app.app_id, secret)
