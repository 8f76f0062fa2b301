"""Connecting and disconnecting channels (SPEC.md R-CH1, R-CH2): plan limits, credentials in the vault, provider
calls.

No transaction is open while the provider is called: the checks run in one short transaction (which writes
nothing), the provider is called, and the outcome is written in a second one that checks the plan again under a
lock on the company. A new channel's id is chosen before the call, because the provider needs it (the webhook URL
carries it). If the second transaction refuses (another connect took the last channel slot meanwhile), the
provider registration is undone, best effort.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.channel_adapters.base import ChannelStatus, ConnectResult, InvalidCredentials, ProviderError
from x8.channel_adapters.registry import adapter_for
from x8.kit.client import client_ip
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.errors import BadRequest, NotFound, PaymentRequired
from x8.kit.i18n import msg
from x8.kit.secretbox import secret_hash
from x8.platform.activity import hooks as activity
from x8.platform.audit.service import record
from x8.platform.billing.plans import can_operate
from x8.platform.channels.cache import channel_secret, forget_channel
from x8.platform.channels.meta_login import end_meta_login
from x8.platform.channels.models import Channel, channel_secret_ref
from x8.platform.companies.models import Company
from x8.platform.companies.service import check_channel_choice, get_editable
from x8.platform.users.models import User
from x8.platform.vault import audit_log as vault_audit
from x8.platform.vault import repository as vault
from x8.platform.vault.audit_log import Actor as VaultActor
from x8.platform.vault.audit_log import VaultAction
from x8.platform.vault.keys import vault_keys
from x8.platform.vault.models import SecretKind, VaultSecret
from x8.settings import Settings

SANDBOX = "web"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _SecretShape:
    """How a platform's credentials are one vault value: the field that holds the secret, or the whole JSON."""

    kind: SecretKind
    field: str | None
    label: str


_SECRET_SHAPES = {
    "telegram": _SecretShape(SecretKind.TELEGRAM_BOT_TOKEN, "bot_token", "Telegram bot token"),
    # The email channel's credentials name their provider: Gmail's OAuth tokens or a mailbox's password.
    "email:gmail": _SecretShape(SecretKind.GMAIL_OAUTH, None, "Gmail"),
    "email:mailbox": _SecretShape(SecretKind.IMAP_PASSWORD, None, "Mailbox password"),
    "facebook": _SecretShape(SecretKind.META_PAGE_TOKEN, "page_token", "Facebook Page token"),
    "instagram": _SecretShape(SecretKind.META_PAGE_TOKEN, "page_token", "Instagram (Facebook Page) token"),
}


def _shape(platform: str) -> _SecretShape:
    return _SECRET_SHAPES.get(platform, _SecretShape(SecretKind.OTHER, None, f"{platform} credentials"))


def credentials_to_value(platform: str, credentials: dict[str, Any]) -> str:
    field = _shape(platform).field
    return str(credentials[field]) if field is not None else json.dumps(credentials, separators=(",", ":"))


def value_to_credentials(platform: str, value: str) -> dict[str, Any]:
    field = _shape(platform).field
    if field is not None:
        return {field: value}
    credentials: dict[str, Any] = json.loads(value)
    return credentials


async def credentials_of(db: Database, settings: Settings, channel: Channel) -> dict[str, Any]:
    """The channel's credentials, from the vault ({} for a channel that keeps none)."""
    value = await channel_secret(db, vault_keys(settings), channel.id)
    return {} if value is None else value_to_credentials(channel.platform, value)


async def _keep_credentials(
    session: AsyncSession, settings: Settings, company: Company, channel: Channel, credentials: dict[str, Any]
) -> tuple[VaultAction, VaultSecret] | None:
    """Store (or replace, or drop) the channel's secret; what happened to the vault, for its audit entry."""
    ref = channel_secret_ref(channel.id)
    existing = await vault.secret_by_ref(session, ref)
    if not credentials:
        await vault.delete_secret(session, ref)
        return None if existing is None else (VaultAction.DELETE, existing)
    provider = credentials.get("provider")
    shape = _SECRET_SHAPES.get(f"{channel.platform}:{provider}") or _shape(channel.platform)
    new = vault.NewSecret(
        client_id=company.owner_id, company_id=company.id, kind=shape.kind, label=shape.label, ref=ref
    )
    value = credentials_to_value(channel.platform, credentials)
    secret = await vault.store_secret(session, vault_keys(settings), new, value)
    return (VaultAction.CREATE if existing is None else VaultAction.UPDATE), secret


async def _audit_secret(
    session: AsyncSession, request: Request | None, user: User, change: tuple[VaultAction, VaultSecret] | None
) -> None:
    """The vault's own audit entry for a channel secret written or dropped by a connect or a disconnect, so the
    vault's audit list tells every change of a secret, not only the edits made on the Vault page."""
    if change is None:
        return
    action, secret = change
    actor = VaultActor(id=user.id, role=str(user.role), ip=client_ip(request) if request is not None else None)
    await vault_audit.write(session, actor, action, secret_id=secret.id, secret=secret)


async def channel_for(session: AsyncSession, company_id: uuid.UUID, platform: str) -> Channel | None:
    query = select(Channel).where(Channel.company_id == company_id, Channel.platform == platform)
    return (await session.execute(query)).scalar_one_or_none()


async def _check_choice(session: AsyncSession, company: Company, platform: str) -> None:
    """A connect call on a channel not chosen yet chooses it, within the plan's limit (402 beyond it). Nothing but
    the playground connects while the trial or subscription has ended (402)."""
    if platform == SANDBOX:
        return
    owner = await session.get(User, company.owner_id)
    if owner is None:
        raise NotFound(msg("Company not found."))
    if not can_operate(owner):
        raise PaymentRequired(
            msg(
                "Your trial or subscription has ended, so channels cannot be connected. Choose a plan on the "
                "Billing page; your data is kept."
            )
        )
    if platform in company.channels:
        return
    await check_channel_choice(
        session, owner, [*company.channels, platform], company_id=company.id, previous=company.channels
    )


@dataclass(frozen=True)
class _Planned:
    channel: Channel  # detached: the existing row, or a new one not written yet
    is_new: bool


async def _plan_connect(db: Database, user: User, company_id: uuid.UUID, platform: str) -> _Planned:
    async with db.sessions() as session, session.begin():
        company = await get_editable(session, user, company_id)
        await _check_choice(session, company, platform)
        existing = await channel_for(session, company.id, platform)
    if existing is not None:
        return _Planned(existing, is_new=False)
    fresh = Channel(id=uuid.uuid4(), company_id=company_id, platform=platform, config={}, error_count=0)
    return _Planned(fresh, is_new=True)


async def connect(
    db: Database,
    settings: Settings,
    request: Request | None,
    user: User,
    company_id: uuid.UUID,
    platform: str,
    given: dict[str, Any],
) -> Channel:
    """Connect (or reconnect) the company's channel on ``platform``. Raises ``BadRequest`` for credentials the
    provider refuses, ``ProviderError`` when it cannot be reached, ``PaymentRequired`` beyond the plan."""
    planned = await _plan_connect(db, user, company_id, platform)
    adapter = adapter_for(platform, settings)
    try:
        result = await adapter.connect(planned.channel, given)  # no transaction is open here
    except InvalidCredentials as exc:
        raise BadRequest(exc.message) from exc
    except ProviderError as exc:
        await activity.channel_connect(
            db, company_id, planned.channel.id, platform, str(exc), registered_before=not planned.is_new
        )
        raise
    try:
        channel = await _record_connect(db, settings, request, user, planned, result)
    except Exception:
        if planned.is_new:  # a reconnect's registration replaced the old one: nothing to undo
            await _undo_at_provider(settings, planned.channel, result)
        raise
    forget_channel(channel.id)  # committed: this process's next webhook reads the new row
    await activity.channel_connect(db, company_id, channel.id, platform, None)
    await _keep_n8n_in_step(settings, channel)
    return channel


async def _keep_n8n_in_step(settings: Settings, channel: Channel) -> None:
    """A channel with an n8n workflow (Telegram, WhatsApp, Meta, email) connected or disconnected: the company's
    n8n workflows follow (committed first; the job calls n8n). Nothing to do on a server without n8n."""
    # Imported here: the n8n bridge reads channels through this module.
    from x8.n8n_bridge.tasks import schedule_provisioning
    from x8.n8n_bridge.templates import ingress_of

    if ingress_of(channel.platform) is None or not (settings.n8n_api_url and settings.n8n_api_key):
        return

    await schedule_provisioning(channel.company_id)


async def _record_connect(
    db: Database, settings: Settings, request: Request | None, user: User, planned: _Planned, result: ConnectResult
) -> Channel:
    async with db.sessions() as session, session.begin():
        company = await session.get(Company, planned.channel.company_id, with_for_update=True)
        if company is None:
            raise NotFound(msg("Company not found."))
        await _check_choice(session, company, planned.channel.platform)  # again, now under the company's lock
        if planned.channel.platform != SANDBOX and planned.channel.platform not in company.channels:
            company.channels = [*company.channels, planned.channel.platform]
        channel = await session.get(Channel, planned.channel.id, with_for_update=True)
        if channel is None:
            if not planned.is_new or await channel_for(session, company.id, planned.channel.platform):
                raise ProviderError(msg("The channel changed while it was being connected."), retryable=True)
            channel = Channel(id=planned.channel.id, company_id=company.id, platform=planned.channel.platform)
            channel.error_count = 0
            session.add(channel)
        channel.status = result.status
        channel.display_name = result.display_name
        channel.config = result.config
        channel.webhook_secret_hash = secret_hash(result.webhook_secret) if result.webhook_secret else None
        channel.last_error = None
        channel.connected_at = utcnow()
        await session.flush()
        change = await _keep_credentials(session, settings, company, channel, result.credentials)
        await _audit(session, request, user, "channel.connected", channel)
        await _audit_secret(session, request, user, change)
    return channel


async def _undo_at_provider(settings: Settings, channel: Channel, result: ConnectResult) -> None:
    try:
        await adapter_for(channel.platform, settings).disconnect(channel, result.credentials)
    except ProviderError as exc:
        log.warning("could not undo the registration of channel %s at its provider: %s", channel.id, exc)


async def disconnect(db: Database, settings: Settings, request: Request, user: User, channel_id: uuid.UUID) -> Channel:
    """Unregister at the provider, then forget the credentials. If the provider is unreachable, nothing changes
    here and the business can try again (``ProviderError`` propagates). If it refuses outright (a revoked bot
    token, say), it will never accept these credentials again: the channel is disconnected here anyway and the
    refusal kept in ``last_error``."""
    async with db.sessions() as session, session.begin():
        channel = await _editable_channel(session, user, channel_id)
    refusal: str | None = None
    try:  # no transaction is open here
        await adapter_for(channel.platform, settings).disconnect(channel, await credentials_of(db, settings, channel))
        await end_meta_login(db, settings, channel)  # a Meta channel's login, when no other channel uses it
    except ProviderError as exc:
        if exc.retryable:
            raise
        refusal = f"Disconnected here; the provider refused to unregister: {exc}"[:1000]
    async with db.sessions() as session, session.begin():
        row = await session.get(Channel, channel_id, with_for_update=True)
        if row is None:
            raise NotFound(msg("Channel not found."))
        row.status = ChannelStatus.DISCONNECTED
        secret = await vault.secret_by_ref(session, channel_secret_ref(row.id))
        await vault.delete_secret(session, channel_secret_ref(row.id))
        await _audit_secret(session, request, user, None if secret is None else (VaultAction.DELETE, secret))
        row.webhook_secret_hash = None
        if refusal is not None:
            row.last_error = refusal
        await _audit(session, request, user, "channel.disconnected", row)
    forget_channel(channel_id)
    await _keep_n8n_in_step(settings, row)
    return row


async def replace_credentials(
    db: Database,
    settings: Settings,
    channel_id: uuid.UUID,
    value: str,
    then: Callable[[AsyncSession], Awaitable[None]],
) -> None:
    """Register the channel again with a new secret (the vault's edit of a channel token): the provider checks it
    first, with no transaction open (``BadRequest`` when it refuses, and the old secret stays), then the channel,
    its vault secret and the caller's ``then`` (its audit entry) are written in one transaction. The caller has
    checked who may do this."""
    async with db.sessions() as session:
        channel = await get_channel(session, channel_id)
    adapter = adapter_for(channel.platform, settings)
    try:
        result = await adapter.connect(channel, value_to_credentials(channel.platform, value))
    except InvalidCredentials as exc:
        raise BadRequest(exc.message) from exc
    async with db.sessions() as session, session.begin():
        row = await session.get(Channel, channel_id, with_for_update=True)
        company = await session.get(Company, channel.company_id)
        if row is None or company is None:
            raise NotFound(msg("Channel not found."))
        row.status = result.status
        row.display_name = result.display_name
        row.config = result.config
        row.webhook_secret_hash = secret_hash(result.webhook_secret) if result.webhook_secret else None
        row.last_error = None
        await _keep_credentials(session, settings, company, row, result.credentials)
        await then(session)
    forget_channel(channel_id)


async def _audit(session: AsyncSession, request: Request | None, user: User, action: str, channel: Channel) -> None:
    await record(
        session,
        actor_id=user.id,
        action=action,
        target_type="channel",
        target_id=str(channel.id),
        ip=client_ip(request) if request is not None else None,
        details={"platform": channel.platform},
    )


async def _editable_channel(session: AsyncSession, user: User, channel_id: uuid.UUID) -> Channel:
    channel = await get_channel(session, channel_id)
    try:
        await get_editable(session, user, channel.company_id)
    except NotFound as exc:
        raise NotFound(msg("Channel not found.")) from exc
    return channel


async def company_channel(db: Database, company_id: uuid.UUID, channel_id: uuid.UUID) -> Channel | None:
    """The company's channel by id (None for another company's), in a short read of its own."""
    async with db.sessions() as session:
        channel = await session.get(Channel, channel_id)
    return channel if channel is not None and channel.company_id == company_id else None


async def get_channel(session: AsyncSession, channel_id: uuid.UUID) -> Channel:
    channel = await session.get(Channel, channel_id)
    if channel is None:
        raise NotFound(msg("Channel not found."))
    return channel
