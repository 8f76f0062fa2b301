"""Queries on tracking links (control plane) and their numbers (the company's tenant schema)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from x8.platform.tiktok.models import TrackingLink
from x8.tenancy.session import TenantSession


async def links_of_channel(session: AsyncSession, channel_id: uuid.UUID) -> list[TrackingLink]:
    query = select(TrackingLink).where(TrackingLink.channel_id == channel_id).order_by(TrackingLink.created_at.desc())
    return list((await session.execute(query)).scalars())


async def live_link(session: AsyncSession, code: str, now: datetime) -> TrackingLink | None:
    """The link behind a code while it may still bring leads (active, not expired)."""
    query = select(TrackingLink).where(
        TrackingLink.code == code.lower(), TrackingLink.active.is_(True), TrackingLink.expires_at > now
    )
    return (await session.execute(query)).scalar_one_or_none()


@dataclass
class Numbers:
    clicks: int = 0
    bot_clicks: int = 0
    leads: int = 0
    orders: int = 0
    revenue: dict[str, int] = field(default_factory=dict)  # currency → minor units


_CLICKS = text("""
SELECT link_id, count(*) FILTER (WHERE NOT bot) AS people, count(*) FILTER (WHERE bot) AS bots
FROM tiktok_clicks WHERE link_id = ANY(:ids) GROUP BY link_id
""")
_LEADS = text(
    "SELECT lead_link_id AS link_id, count(*) AS leads FROM contacts WHERE lead_link_id = ANY(:ids) GROUP BY 1"
)
_PAID = text("""
SELECT c.lead_link_id AS link_id, o.currency, count(*) AS orders, sum(o.amount) AS amount
FROM orders o JOIN conversations conv ON conv.id = o.conversation_id JOIN contacts c ON c.id = conv.contact_id
WHERE c.lead_link_id = ANY(:ids) AND o.status = 'paid'
GROUP BY c.lead_link_id, o.currency
""")


async def numbers(ts: TenantSession, link_ids: list[uuid.UUID]) -> dict[uuid.UUID, Numbers]:
    """Clicks (people and bots apart), leads, paid orders and their revenue per currency, for each link."""
    found: dict[uuid.UUID, Numbers] = {link_id: Numbers() for link_id in link_ids}
    if not link_ids:
        return found
    params = {"ids": link_ids}
    for row in (await ts.execute(_CLICKS, params)).mappings():
        found[row["link_id"]].clicks, found[row["link_id"]].bot_clicks = int(row["people"]), int(row["bots"])
    for row in (await ts.execute(_LEADS, params)).mappings():
        found[row["link_id"]].leads = int(row["leads"])
    for row in (await ts.execute(_PAID, params)).mappings():
        found[row["link_id"]].orders += int(row["orders"])
        found[row["link_id"]].revenue[str(row["currency"])] = int(row["amount"])
    return found
