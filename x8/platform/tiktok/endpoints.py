"""TikTok integration API (SPEC.md R-CH6): connect, and the tracking links with their numbers. Disconnecting goes
through the common ``POST /api/v1/integrations/disconnect/{channel_id}``."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request

from x8.channel_adapters.base import ProviderError
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, Forbidden, NotFound, PaymentRequired, ServiceUnavailable, error_responses
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.channels.schemas import ConnectOut
from x8.platform.tiktok import service
from x8.platform.tiktok.schemas import Link, LinkIn, LinkList, TikTokConnectIn

router = APIRouter(prefix="/api/v1/integrations/tiktok", tags=["integrations"])
CONNECT_ERRORS = error_responses(BadRequest, Forbidden, NotFound, PaymentRequired, ServiceUnavailable)


@router.post("/connect", response_model=ConnectOut, responses=CONNECT_ERRORS)
async def connect_tiktok(
    body: TikTokConnectIn, request: Request, user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> ConnectOut:
    """Bind the company's TikTok channel to its connected WhatsApp channel (404: not this company's WhatsApp
    channel; 400: not connected yet). Tracking links then send TikTok viewers to that WhatsApp number."""
    try:
        channel = await service.connect(db, settings, request, user, body.company_id, body.whatsapp_channel_id)
    except ProviderError as exc:
        raise ServiceUnavailable(msg("{reason} Please try again in a moment.", reason=exc.message)) from exc
    return ConnectOut(channel_id=channel.id, platform=channel.platform, status=channel.status)


@router.post("/links", response_model=Link, status_code=201, responses=error_responses(BadRequest, Forbidden, NotFound))
async def create_link(body: LinkIn, user: CurrentUser, db: DatabaseDep, settings: SettingsDep) -> Link:
    """A new tracking link: put ``url`` in the ad as its destination. It redirects to WhatsApp with ``prefill``,
    which carries the link's ref code; the code expires after ``X8_TIKTOK_LINK_TTL_DAYS``."""
    return await service.create_link(db, settings, user, body.channel_id, body.name, body.campaign)


@router.get("/links", response_model=LinkList, responses=error_responses(NotFound))
async def list_links(
    user: CurrentUser, db: DatabaseDep, settings: SettingsDep, channel_id: uuid.UUID = Query()
) -> LinkList:
    """The TikTok channel's links, newest first, each with its clicks (people; crawlers apart), leads, paid orders
    and revenue per currency."""
    items = await service.list_links(db, settings, user, channel_id)
    return LinkList(items=items, total=len(items))


@router.post("/links/{link_id}/deactivate", response_model=Link, responses=error_responses(Forbidden, NotFound))
async def deactivate_link(link_id: uuid.UUID, user: CurrentUser, db: DatabaseDep, settings: SettingsDep) -> Link:
    """Stop the link: it no longer redirects or attributes leads. Its numbers are kept."""
    return await service.deactivate_link(db, settings, user, link_id)
