"""Integrations API (SPEC.md R-CH1, R-CH2): what the plan allows, what is connected, connect and disconnect.

Only channels the business chose for the company are offered; connecting one not chosen yet chooses it, within
the plan's limit (402). The sandbox ``web`` channel (the playground) is always available and never counted.
"""

from __future__ import annotations

import dataclasses
import uuid

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.channel_adapters.base import ProviderError
from x8.channel_adapters.registry import KINDS, adapter_for
from x8.channel_adapters.waha import WahaAdapter, WahaNotConfigured
from x8.channel_adapters.web import playground_visitor
from x8.conversations import inbox
from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, Forbidden, NotFound, PaymentRequired, ServiceUnavailable, error_responses
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.billing.plans import channel_limit
from x8.platform.channels import repository, service
from x8.platform.channels.schemas import (
    AvailableChannel,
    AvailableChannels,
    ChannelInfo,
    ChannelList,
    CompanyIn,
    ConnectFieldOut,
    ConnectFormOut,
    ConnectOut,
    QrOut,
    TelegramConnectIn,
)
from x8.platform.channels.scope import VisibleWhatsappChannel
from x8.platform.companies.schemas import SELECTABLE_CHANNELS
from x8.platform.companies.scope import VisibleCompany, visible_company
from x8.platform.companies.service import channels_in_use
from x8.platform.users.models import User
from x8.settings import Settings
from x8.tenancy.session import tenant_session

router = APIRouter(prefix="/api/v1/integrations", tags=["integrations"])
CONNECT_ERRORS = error_responses(BadRequest, Forbidden, NotFound, PaymentRequired, ServiceUnavailable)


# The Meta platforms connect through a pool app that offers their product: with no live app for it, this server
# cannot connect them, whatever its settings.
_META_PRODUCTS = {"facebook": "messenger", "instagram": "instagram"}


async def _live_meta_products(session: AsyncSession) -> set[str]:
    from x8.platform.meta_apps.models import MetaApp

    query = select(func.unnest(MetaApp.products)).where(MetaApp.status == "live").distinct()
    return {str(p) for p in (await session.scalars(query)).all()}


def _available(platform: str, chosen: bool, settings: Settings, meta_live: set[str]) -> AvailableChannel:
    kind = KINDS.get(platform)
    if kind is None:
        return AvailableChannel(platform=platform, chosen=chosen, connectable=False, configured=False)
    form = ConnectFormOut(
        kind=kind.connect,
        path=kind.connect_path,
        qr_path=kind.qr_path,
        fields=[ConnectFieldOut(**dataclasses.asdict(f)) for f in kind.fields],
    )
    configured = adapter_for(platform, settings).configured()
    if platform in _META_PRODUCTS:
        configured = configured and _META_PRODUCTS[platform] in meta_live
    return AvailableChannel(platform=platform, chosen=chosen, connectable=True, configured=configured, connect=form)


@router.get("/available-channels", response_model=AvailableChannels, responses=error_responses(NotFound))
async def available_channels(
    user: CurrentUser, session: SessionDep, db: DatabaseDep, settings: SettingsDep, company_id: uuid.UUID | None = None
) -> AvailableChannels:
    """The platforms the plan allows on this server, how to connect each (``connect``), whether this server is
    ``configured`` for it (and why not), and the plan's channel limit across companies. With ``company_id``, also
    whether each is ``chosen`` for that company; without it (the company wizard, before the company exists), for
    the caller's own business, nothing chosen."""
    if company_id is not None:
        company = (await visible_company(company_id, user, session, db)).company
        owner = await session.get(User, company.owner_id)
        if owner is None:
            raise NotFound(msg("Company not found."))
        chosen = set(company.channels)
    else:
        owner, chosen = user, set()
    in_use = await channels_in_use(session, owner.id)
    meta_live = await _live_meta_products(session)
    items = [_available(p.value, p.value in chosen, settings, meta_live) for p in SELECTABLE_CHANNELS]
    return AvailableChannels(items=items, limit=channel_limit(owner), in_use=in_use)


@router.get("/list", response_model=ChannelList, responses=error_responses(NotFound))
async def list_channels(scope: VisibleCompany, session: SessionDep) -> ChannelList:
    """Connected (or once connected) channels of the company: the playground and the chosen platforms."""
    company = scope.company
    rows = await repository.of_company(session, company.id)
    visible = [c for c in rows if c.platform == service.SANDBOX or c.platform in company.channels]
    return ChannelList(items=[ChannelInfo.of(c) for c in visible], total=len(visible))


async def _connect(
    request: Request,
    user: User,
    db: DatabaseDep,
    settings: SettingsDep,
    company_id: uuid.UUID,
    platform: str,
    given: dict[str, str],
) -> ConnectOut:
    try:
        channel = await service.connect(db, settings, request, user, company_id, platform, given)
    except ProviderError as exc:
        if not exc.retryable:  # the provider refused what we sent (a webhook URL it will not call, say)
            raise BadRequest(exc.message) from exc
        raise ServiceUnavailable(msg("{reason} Please try again in a moment.", reason=exc.message)) from exc
    except WahaNotConfigured as exc:
        raise ServiceUnavailable(exc.message) from exc
    return ConnectOut(channel_id=channel.id, platform=channel.platform, status=channel.status)


@router.post("/web/connect", response_model=ConnectOut, responses=CONNECT_ERRORS)
async def connect_web(
    body: CompanyIn, request: Request, user: CurrentUser, settings: SettingsDep, db: DatabaseDep
) -> ConnectOut:
    """The sandbox channel behind the playground. Always available; not counted against the plan. Says which
    conversation is the user's own playground chat, so the page shows it again on any device."""
    connected = await _connect(request, user, db, settings, body.company_id, "web", {})
    async with db.sessions() as session:
        channel = await service.get_channel(session, connected.channel_id)
    async with tenant_session(db, body.company_id) as ts:
        mine = await inbox.find_conversation(ts, channel, playground_visitor(user.id))
    return connected.model_copy(update={"conversation_id": mine})


@router.post("/telegram/connect", response_model=ConnectOut, responses=CONNECT_ERRORS)
async def connect_telegram(
    body: TelegramConnectIn, request: Request, user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> ConnectOut:
    """Validate the bot token with getMe (400 with Telegram's words if wrong), seal it, and set the webhook with
    a random secret token."""
    return await _connect(request, user, db, settings, body.company_id, "telegram", {"bot_token": body.bot_token})


@router.post("/whatsapp/connect", response_model=ConnectOut, responses=CONNECT_ERRORS)
async def connect_whatsapp(
    body: CompanyIn, request: Request, user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> ConnectOut:
    """Create and start a WAHA session for the company, with the webhook and its HMAC key. The channel is
    CONNECTING until the business scans the QR code (``GET /whatsapp/qr``) and WAHA reports WORKING."""
    return await _connect(request, user, db, settings, body.company_id, "whatsapp", {})


@router.get("/whatsapp/qr", response_model=QrOut, responses=CONNECT_ERRORS)
async def whatsapp_qr(scope: VisibleWhatsappChannel, settings: SettingsDep) -> QrOut:
    """The QR code to scan with WhatsApp on the business's phone, as a PNG data URL."""
    try:
        return QrOut(qr=await WahaAdapter(settings).qr_code(scope.channel))
    except ProviderError as exc:
        raise ServiceUnavailable(msg("{reason} Please try again in a moment.", reason=exc.message)) from exc
    except WahaNotConfigured as exc:
        raise ServiceUnavailable(exc.message) from exc


@router.get("/whatsapp/status", response_model=ChannelInfo, responses=error_responses(NotFound))
async def whatsapp_status(scope: VisibleWhatsappChannel) -> ChannelInfo:
    """The channel's status as WAHA's ``session.status`` webhooks left it: DISCONNECTED, CONNECTING, CONNECTED
    or ERROR."""
    return ChannelInfo.of(scope.channel)


@router.post("/disconnect/{channel_id}", response_model=ConnectOut, responses=CONNECT_ERRORS)
async def disconnect(
    channel_id: uuid.UUID, request: Request, user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> ConnectOut:
    """Unregister at the provider (Telegram deleteWebhook), then forget the credentials."""
    try:
        channel = await service.disconnect(db, settings, request, user, channel_id)
    except ProviderError as exc:
        still = msg("{reason} The channel is still connected; please try again.", reason=exc.message)
        raise ServiceUnavailable(still) from exc
    return ConnectOut(channel_id=channel.id, platform=channel.platform, status=channel.status)
