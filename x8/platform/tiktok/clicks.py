"""Recording a hit on a tracking link: the ad's macros and UTM parameters as TikTok appends them, the user agent,
and the visitor's IP only as a keyed hash (HMAC-SHA256 under the server's SECRET_KEY), which still tells repeat
visitors and rate limits apart without keeping an address anyone could read back."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import insert

from x8.tenancy.session import TenantSession
from x8.tenancy.tables import tiktok_clicks

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id")
_MAX = 100  # ids from TikTok's macros are digits; anything longer is not TikTok's


@dataclass(frozen=True)
class Click:
    link_id: uuid.UUID
    bot: bool
    user_agent: str
    ip_hash: str | None
    ttclid: str | None = None
    campaign_id: str | None = None
    adgroup_id: str | None = None
    ad_id: str | None = None
    utm: dict[str, str] = field(default_factory=dict)


def ip_hash(secret: str, ip: str | None) -> str | None:
    if not ip:
        return None
    return hmac.new(f"tiktok-click:{secret}".encode(), ip.encode(), hashlib.sha256).hexdigest()


def _param(query: Mapping[str, str], name: str, limit: int = _MAX) -> str | None:
    value = query.get(name, "").strip()
    # A macro TikTok did not fill in comes through as its own name (__CAMPAIGN_ID__): that is no value.
    if not value or (value.startswith("__") and value.endswith("__")):
        return None
    return value[:limit]


def click_from(
    link_id: uuid.UUID, query: Mapping[str, str], *, user_agent: str, ip_digest: str | None, bot: bool
) -> Click:
    utm = {key: value for key in UTM_KEYS if (value := _param(query, key, 200)) is not None}
    return Click(
        link_id=link_id,
        bot=bot,
        user_agent=user_agent[:500],
        ip_hash=ip_digest,
        ttclid=_param(query, "ttclid", 255),
        campaign_id=_param(query, "campaign_id"),
        adgroup_id=_param(query, "adgroup_id"),
        ad_id=_param(query, "ad_id"),
        utm=utm,
    )


async def record_click(ts: TenantSession, click: Click) -> None:
    await ts.execute(
        insert(tiktok_clicks).values(
            link_id=click.link_id,
            bot=click.bot,
            user_agent=click.user_agent,
            ip_hash=click.ip_hash,
            ttclid=click.ttclid,
            campaign_id=click.campaign_id,
            adgroup_id=click.adgroup_id,
            ad_id=click.ad_id,
            utm=click.utm,
        )
    )
