"""Connecting and disconnecting channels (SPEC.md R-CH1, R-CH2): plan limits, sealed credentials, provider calls."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.channel_adapters.base import InvalidCredentials, ProviderError
from x8.channel_adapters.models import Channel, ChannelStatus
from x8.channel_adapters.registry import adapter_for
from x8.kit.clock import utcnow
from x8.kit.errors import BadRequest, NotFound
from x8.kit.secretbox import open_sealed, seal, secret_hash
from x8.platform.companies.models import Company
from x8.platform.companies.service import check_channel_choice
from x8.platform.users.models import User
from x8.settings import Settings

SANDBOX = "web"


def credentials_of(settings: Settings, channel: Channel) -> dict[str, Any]:
    if not channel.credentials:
        return {}
    return open_sealed(settings.vault_key, channel.credentials, bound_to=str(channel.id))


async def channel_for(session: AsyncSession, company_id: uuid.UUID, platform: str) -> Channel | None:
    query = select(Channel).where(Channel.company_id == company_id, Channel.platform == platform)
    return (await session.execute(query)).scalar_one_or_none()


async def choose_if_needed(session: AsyncSession, owner: User, company: Company, platform: str) -> None:
    """A connect call on a channel not chosen yet chooses it first, within the plan's limit (402 beyond it)."""
    if platform == SANDBOX or platform in company.channels:
        return
    wanted = [*company.channels, platform]
    await check_channel_choice(session, owner, wanted, company_id=company.id, previous=company.channels)
    company.channels = wanted


async def connect(
    session: AsyncSession, settings: Settings, owner: User, company: Company, platform: str, given: dict[str, Any]
) -> Channel:
    await choose_if_needed(session, owner, company, platform)
    channel = await channel_for(session, company.id, platform)
    if channel is None:
        channel = Channel(id=uuid.uuid4(), company_id=company.id, platform=platform, config={}, error_count=0)
        session.add(channel)
        await session.flush()
    adapter = adapter_for(platform, settings)
    try:
        result = await adapter.connect(channel, given)
    except InvalidCredentials as exc:
        raise BadRequest(str(exc)) from exc
    channel.status = result.status
    channel.display_name = result.display_name
    channel.config = result.config
    channel.credentials = (
        seal(settings.vault_key, result.credentials, bound_to=str(channel.id)) if result.credentials else None
    )
    channel.webhook_secret_hash = secret_hash(result.webhook_secret) if result.webhook_secret else None
    channel.last_error = None
    channel.connected_at = utcnow()
    return channel


async def disconnect(session: AsyncSession, settings: Settings, channel: Channel) -> None:
    """Unregister at the provider, then forget the credentials. If the provider is unreachable, nothing changes
    here and the business can try again (``ProviderError`` propagates). If it refuses outright (a revoked bot
    token, say), it will never accept these credentials again: the channel is disconnected here anyway and the
    refusal kept in ``last_error``."""
    try:
        await adapter_for(channel.platform, settings).disconnect(channel, credentials_of(settings, channel))
    except ProviderError as exc:
        if exc.retryable:
            raise
        channel.last_error = f"Disconnected here; the provider refused to unregister: {exc}"[:1000]
    channel.status = ChannelStatus.DISCONNECTED
    channel.credentials = None
    channel.webhook_secret_hash = None


async def get_channel(session: AsyncSession, channel_id: uuid.UUID) -> Channel:
    channel = await session.get(Channel, channel_id)
    if channel is None:
        raise NotFound("Channel not found.")
    return channel
