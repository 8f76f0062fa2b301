"""The TikTok channel and its tracking links (SPEC.md R-CH6).

Connecting binds the company's TikTok channel to its connected WhatsApp channel (same company; plan limits and the
company's chosen channels as for any channel, R-CH1). The WhatsApp number the links send customers to is the WAHA
session's own; when the session's WORKING report did not carry it, WAHA is asked once here, with no transaction open.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import Request
from sqlalchemy.exc import IntegrityError

from x8.channel_adapters.base import ChannelStatus, ProviderError
from x8.channel_adapters.tiktok import whatsapp_channel_of
from x8.channel_adapters.waha import WahaAdapter, WahaNotConfigured
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.errors import BadRequest, NotFound, ServiceUnavailable
from x8.kit.i18n import msg
from x8.platform.channels import service as channels
from x8.platform.channels.models import Channel
from x8.platform.companies.models import Company
from x8.platform.companies.service import get_editable, get_visible
from x8.platform.orders.money import format_major
from x8.platform.tiktok import codes, repository
from x8.platform.tiktok.models import TrackingLink
from x8.platform.tiktok.schemas import Link, LinkStats, Revenue
from x8.platform.tiktok.whatsapp_number import number_of, remember_number
from x8.platform.users.models import User
from x8.settings import Settings
from x8.tenancy.session import tenant_session

PLATFORM = "tiktok"


async def _whatsapp_channel(db: Database, user: User, company_id: uuid.UUID, channel_id: uuid.UUID) -> Channel:
    async with db.sessions() as session:
        await get_editable(session, user, company_id)  # 404 for a company the caller may not edit
        channel = await session.get(Channel, channel_id)
    if channel is None or channel.company_id != company_id or channel.platform != "whatsapp":
        raise NotFound(msg("This company has no such WhatsApp channel."))
    if channel.status != ChannelStatus.CONNECTED:
        raise BadRequest(
            msg("Connect WhatsApp first: TikTok leads arrive on WhatsApp, so its session must be connected.")
        )
    return channel


async def _ensure_number(db: Database, settings: Settings, whatsapp: Channel) -> None:
    if number_of(whatsapp) is not None:
        return
    try:
        account = await WahaAdapter(settings).own_account(whatsapp)
    except (ProviderError, WahaNotConfigured) as exc:
        raise ServiceUnavailable(
            msg("WhatsApp did not tell its own number yet. Please try again in a moment.")
        ) from exc
    if account is None or await remember_number(db, whatsapp.id, account) is None:
        raise BadRequest(msg("The WhatsApp session has no phone number yet: scan the QR code first."))


async def connect(
    db: Database,
    settings: Settings,
    request: Request,
    user: User,
    company_id: uuid.UUID,
    whatsapp_channel_id: uuid.UUID,
) -> Channel:
    whatsapp = await _whatsapp_channel(db, user, company_id, whatsapp_channel_id)
    await _ensure_number(db, settings, whatsapp)
    given = {"whatsapp_channel_id": str(whatsapp.id)}
    return await channels.connect(db, settings, request, user, company_id, PLATFORM, given)


async def _tiktok_channel(db: Database, user: User, channel_id: uuid.UUID, *, edit: bool) -> tuple[Channel, Company]:
    async with db.sessions() as session:
        channel = await session.get(Channel, channel_id)
        if channel is None or channel.platform != PLATFORM:
            raise NotFound(msg("Channel not found."))
        try:
            check = get_editable if edit else get_visible
            company = await check(session, user, channel.company_id)
        except NotFound as exc:
            raise NotFound(msg("Channel not found.")) from exc
    return channel, company


def link_out(link: TrackingLink, settings: Settings) -> Link:
    return Link(
        id=link.id,
        channel_id=link.channel_id,
        code=link.code,
        url=f"{settings.public_base_url.rstrip('/')}/t/{link.code}",
        prefill=link.prefill,
        name=link.name,
        campaign=link.campaign,
        active=link.active,
        expires_at=link.expires_at,
        created_at=link.created_at,
    )


async def create_link(
    db: Database, settings: Settings, user: User, channel_id: uuid.UUID, name: str, campaign: str | None
) -> Link:
    channel, company = await _tiktok_channel(db, user, channel_id, edit=True)
    if channel.status != ChannelStatus.CONNECTED:
        raise BadRequest(msg("Connect TikTok first: links lead to the WhatsApp channel it is connected to."))
    campaign = (campaign or "").strip() or None
    for _ in range(3):  # a code already taken (about one in 10^15) is simply drawn again
        code = codes.new_code()
        link = TrackingLink(
            company_id=company.id,
            channel_id=channel.id,
            code=code,
            name=name,
            campaign=campaign,
            prefill=codes.prefill(company.language, code),
            active=True,
            expires_at=utcnow() + timedelta(days=settings.tiktok_link_ttl_days),
        )
        try:
            async with db.sessions() as session, session.begin():
                session.add(link)
                await session.flush()
                await session.refresh(link)
        except IntegrityError:
            continue
        return link_out(link, settings)
    raise ServiceUnavailable(msg("Could not make a new link. Please try again."))


async def list_links(db: Database, settings: Settings, user: User, channel_id: uuid.UUID) -> list[LinkStats]:
    channel, company = await _tiktok_channel(db, user, channel_id, edit=False)
    async with db.sessions() as session:
        links = await repository.links_of_channel(session, channel.id)
    async with tenant_session(db, company.id) as ts:
        found = await repository.numbers(ts, [link.id for link in links])
    items = []
    for link in links:
        n = found[link.id]
        revenue = [Revenue(currency=c, amount=format_major(a, c)) for c, a in sorted(n.revenue.items())]
        items.append(
            LinkStats(
                **link_out(link, settings).model_dump(),
                clicks=n.clicks,
                bot_clicks=n.bot_clicks,
                leads=n.leads,
                orders=n.orders,
                revenue=revenue,
            )
        )
    return items


async def deactivate_link(db: Database, settings: Settings, user: User, link_id: uuid.UUID) -> Link:
    """The link stops redirecting and attributing; its numbers stay."""
    async with db.sessions() as session, session.begin():
        link = await session.get(TrackingLink, link_id, with_for_update=True)
        if link is None:
            raise NotFound(msg("Link not found."))
        try:
            await get_editable(session, user, link.company_id)
        except NotFound as exc:
            raise NotFound(msg("Link not found.")) from exc
        link.active = False
    return link_out(link, settings)


async def whatsapp_number_for(db: Database, link: TrackingLink) -> str | None:
    """Where a link sends the customer: the number of the WhatsApp channel its TikTok channel is bound to, while
    both are connected."""
    async with db.sessions() as session:
        tiktok = await session.get(Channel, link.channel_id)
        whatsapp_id = whatsapp_channel_of(tiktok) if tiktok is not None else None
        if tiktok is None or tiktok.status != ChannelStatus.CONNECTED or whatsapp_id is None:
            return None
        whatsapp = await session.get(Channel, whatsapp_id)
    if whatsapp is None or whatsapp.status == ChannelStatus.DISCONNECTED:
        return None
    return number_of(whatsapp)
