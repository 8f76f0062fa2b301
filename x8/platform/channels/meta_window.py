"""Meta's 24-hour messaging window (SPEC.md R-CH4, PROVIDERS.md §3) and what a Graph failure means for the channel.

A reply (``messaging_type=RESPONSE``) may go out only within 24 hours of the customer's last message. A bot reply
due later is not sent: it is stored ``failed`` with the reason ``outside_24h_window``; a person's reply from the
dashboard is refused with ``409 {"error":"OutsideMessagingWindow"}`` before it is stored.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text

from x8.channel_adapters.base import ChannelStatus, ProviderError
from x8.conversations import delivery
from x8.integrations.meta.graph import GraphError, GraphFailure
from x8.kit.db import Database
from x8.kit.errors import X8Error
from x8.kit.i18n import msg
from x8.platform.channels.meta_lookup import META_PLATFORMS
from x8.platform.channels.models import Channel
from x8.platform.conversations.service import record_reply, set_channel_status
from x8.tenancy.session import TenantSession, tenant_session

OUTSIDE_WINDOW = "outside_24h_window"


class OutsideMessagingWindow(X8Error):
    status_code = 409
    error_type = "OutsideMessagingWindow"


# One row for a conversation on a Meta channel whose customer last wrote more than 24 hours ago (or never).
_CLOSED = text("""
SELECT 1 FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
WHERE c.id = :id AND ct.channel IN ('facebook', 'instagram')
  AND coalesce((SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in')
               < now() - interval '24 hours', true)
""")


async def window_closed(ts: TenantSession, conversation_id: uuid.UUID) -> bool:
    return (await ts.execute(_CLOSED, {"id": conversation_id})).first() is not None


async def refuse_human_reply(ts: TenantSession, conversation_id: uuid.UUID) -> None:
    if await window_closed(ts, conversation_id):
        raise OutsideMessagingWindow(
            msg(
                "Meta allows replies only within 24 hours of the customer's last message, and that was longer ago. "
                "The customer has to write first."
            )
        )


async def refused_outside_window(
    db: Database, company_id: uuid.UUID, channel: Channel | None, outgoing: delivery.Outgoing
) -> bool:
    """A claimed reply on a Meta channel whose window has closed is recorded ``failed`` (``outside_24h_window``)
    and not sent; True when that happened."""
    if channel is None or channel.platform not in META_PLATFORMS:
        return False
    async with tenant_session(db, company_id) as ts:
        if not await window_closed(ts, outgoing.conversation_id):
            return False
        stats = await delivery.mark_failed(ts, outgoing, OUTSIDE_WINDOW, final=True)
    if stats is not None:
        await record_reply(db, company_id, stats)
    return True


async def flag_channel(db: Database, channel: Channel, failure: ProviderError) -> None:
    """An expired or revoked page token (Graph code 190) will fail every send until the business logs in again:
    the channel shows ERROR with the reason, on the Integrations page."""
    if isinstance(failure, GraphError) and failure.failure == GraphFailure.TOKEN:
        await set_channel_status(db, channel.id, ChannelStatus.ERROR)
