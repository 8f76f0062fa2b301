"""The WhatsApp number tracking links send customers to: the WAHA session's own account (``me``), kept in the
WhatsApp channel's config as digits when the session reports WORKING (or asked of WAHA once, at TikTok connect)."""

from __future__ import annotations

import re
import uuid

from x8.kit.db import Database
from x8.platform.channels.cache import forget_channel
from x8.platform.channels.models import Channel

_DIGITS = re.compile(r"^\+?(\d{6,15})(?:[:@].*)?$")  # 79110000000@c.us, 79110000000:12@s.whatsapp.net


def digits_of(account: str) -> str | None:
    """``79110000000@c.us`` → ``79110000000`` (what wa.me takes); None for anything that is not a phone id."""
    match = _DIGITS.match(account.strip())
    return match.group(1) if match else None


def number_of(channel: Channel) -> str | None:
    value = (channel.config or {}).get("phone")
    return value if isinstance(value, str) and value else None


async def remember_number(db: Database, channel_id: uuid.UUID, account: str) -> str | None:
    """Keep the session's own number on the channel (a changed phone replaces it). Returns the digits kept."""
    digits = digits_of(account)
    if digits is None:
        return None
    async with db.sessions() as session, session.begin():
        channel = await session.get(Channel, channel_id, with_for_update=True)
        if channel is None or (channel.config or {}).get("phone") == digits:
            return digits
        channel.config = {**(channel.config or {}), "phone": digits}
    forget_channel(channel_id)
    return digits
