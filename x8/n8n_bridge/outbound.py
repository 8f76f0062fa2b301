"""A reply n8n wrote (``POST /api/v1/n8n/messages`` with ``direction: "out"``): stored ``pending`` in the
conversation like the native assistant's replies, then sent by the same job, through the channel's adapter, with the
same retries (x8.conversations.delivery)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from x8.conversations.events import conversation_changed
from x8.tenancy.session import TenantSession

_COLUMNS = "id, direction, sender, body, status, intent, message_type, attempts, last_error, created_at, sent_at"


async def conversation_channel(ts: TenantSession, conversation_id: uuid.UUID) -> uuid.UUID | None:
    """The channel the conversation is on, or None when the tenant has no such conversation."""
    found = await ts.execute(text("SELECT channel_id FROM conversations WHERE id = :id"), {"id": conversation_id})
    channel_id = found.scalar_one_or_none()
    return uuid.UUID(str(channel_id)) if channel_id is not None else None


async def store_reply(ts: TenantSession, conversation_id: uuid.UUID, body: str) -> dict[str, Any]:
    """The bot's reply, ``pending`` until the send job claims it."""
    row = await ts.execute(
        text(
            "INSERT INTO messages (conversation_id, direction, sender, status, body, processed_at) "  # noqa: S608
            f"VALUES (:id, 'out', 'bot', 'pending', :body, now()) RETURNING {_COLUMNS}"
        ),
        {"id": conversation_id, "body": body},
    )
    message = dict(row.mappings().one())
    await ts.execute(
        text("UPDATE conversations SET last_message_at = now(), last_message_preview = :preview WHERE id = :id"),
        {"id": conversation_id, "preview": body[:200]},
    )
    await conversation_changed(ts, conversation_id)
    return message
