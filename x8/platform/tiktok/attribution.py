"""Attributing a lead (SPEC.md R-CH6): a WhatsApp customer's message carrying a live ref code marks the contact
``lead_source='tiktok'`` with the link and campaign; Meta's Click-to-WhatsApp ``referral`` marks it
``'meta_ads'`` with the ad. The first attribution is kept: a later code from the same contact changes nothing.

Most messages carry neither, and cost nothing here: the text is only looked up when it has a code's shape.
"""

from __future__ import annotations

import logging

from sqlalchemy import text

from x8.channel_adapters.base import InboundMessage
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.platform.channels.models import Channel
from x8.platform.tiktok.codes import codes_in
from x8.platform.tiktok.models import TrackingLink
from x8.platform.tiktok.repository import live_link
from x8.tenancy.session import tenant_session

log = logging.getLogger(__name__)

TIKTOK = "tiktok"
META_ADS = "meta_ads"

# Only a contact with no source yet is attributed (the first one wins, also under concurrent deliveries).
_ATTRIBUTE = text("""
UPDATE contacts SET lead_source = :source, lead_link_id = :link, lead_campaign = :campaign, lead_ad_id = :ad,
       lead_attributed_at = now()
WHERE channel = :platform AND external_id = :external AND lead_source IS NULL
""")


async def _tiktok_link(db: Database, channel: Channel, message: InboundMessage) -> TrackingLink | None:
    codes = codes_in(message.text)
    if not codes:
        return None
    now = utcnow()
    async with db.sessions() as session:
        for code in codes:
            link = await live_link(session, code, now)
            # A code of another company's link (a customer forwarding an ad) attributes nothing here.
            if link is not None and link.company_id == channel.company_id:
                return link
    return None


async def attribute(db: Database, channel: Channel, message: InboundMessage) -> None:
    """Record where the customer who wrote ``message`` came from, if it says and they have no source yet. Runs
    after the message is stored (its contact exists)."""
    if channel.platform != "whatsapp" or message.from_owner:
        return
    values: dict[str, object]
    link = await _tiktok_link(db, channel, message)
    if link is not None:
        values = {"source": TIKTOK, "link": link.id, "campaign": link.campaign or link.name, "ad": None}
    elif message.ad_referral is not None:
        referral = message.ad_referral
        values = {"source": META_ADS, "link": None, "campaign": referral.headline or None, "ad": referral.ad_id}
    else:
        return
    async with tenant_session(db, channel.company_id) as ts:
        result = await ts.execute(_ATTRIBUTE, {**values, "platform": channel.platform, "external": message.external_id})
    if getattr(result, "rowcount", 0):
        log.info("contact on channel %s attributed to %s", channel.id, values["source"])
