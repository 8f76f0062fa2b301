"""Messages n8n posts (``POST /api/v1/n8n/messages``). A reply (``out``) is stored ``pending`` in the conversation
like the native assistant's replies, then sent by the same job, through the channel's adapter, with the same retries
(x8.conversations.delivery); it answers the turn n8n was handed, so it counts in the statistics like a native
reply. A customer message n8n received itself (``in``) is stored as answered: n8n is handling it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from x8.conversations.events import conversation_changed
from x8.tenancy.session import TenantSession

_COLUMNS = "id, direction, sender, body, status, intent, message_type, attempts, last_error, created_at, sent_at"

# The reply answers the newest customer message n8n was handed that no reply answers yet: so its send counts the
# turn (its size, its response time) as a native reply's does.
_REPLY = text(f"""
INSERT INTO messages (conversation_id, direction, sender, status, body, processed_at, message_type, reply_to_id)
VALUES (:id, 'out', 'bot', 'pending', :body, now(), 'TYPE1', (
    SELECT m.id FROM messages m
    WHERE m.conversation_id = :id AND m.direction = 'in' AND m.processed_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.conversation_id = :id AND r.reply_to_id = m.id)
    ORDER BY m.created_at DESC LIMIT 1))
RETURNING {_COLUMNS}
""")  # noqa: S608
_RECEIVED = text(f"""
INSERT INTO messages (conversation_id, direction, sender, status, body, provider_message_id, processed_at,
                      message_type)
VALUES (:id, 'in', 'customer', 'received', :body, :provider_id, now(), 'TYPE1')
ON CONFLICT (provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
RETURNING {_COLUMNS}
""")  # noqa: S608


async def conversation_channel(ts: TenantSession, conversation_id: uuid.UUID) -> uuid.UUID | None:
    """The channel the conversation is on, or None when the tenant has no such conversation."""
    found = await ts.execute(text("SELECT channel_id FROM conversations WHERE id = :id"), {"id": conversation_id})
    channel_id = found.scalar_one_or_none()
    return uuid.UUID(str(channel_id)) if channel_id is not None else None


async def store_reply(ts: TenantSession, conversation_id: uuid.UUID, body: str) -> dict[str, Any]:
    """The bot's reply, ``pending`` until the send job claims it."""
    row = await ts.execute(_REPLY, {"id": conversation_id, "body": body})
    message = dict(row.mappings().one())
    await _touch(ts, conversation_id, body)
    return message


async def store_received(
    ts: TenantSession, conversation_id: uuid.UUID, body: str, provider_message_id: str | None
) -> dict[str, Any]:
    """A customer's message n8n received itself, already answered; the one stored before when
    ``provider_message_id`` repeats."""
    row = await ts.execute(_RECEIVED, {"id": conversation_id, "body": body, "provider_id": provider_message_id})
    stored = row.mappings().first()
    if stored is None:
        again = await ts.execute(
            text(f"SELECT {_COLUMNS} FROM messages WHERE provider_message_id = :provider_id"),  # noqa: S608
            {"provider_id": provider_message_id},
        )
        return dict(again.mappings().one())
    await _touch(ts, conversation_id, body)
    return dict(stored)


async def contact_conversation(ts: TenantSession, contact_id: uuid.UUID, channel_id: uuid.UUID) -> uuid.UUID | None:
    """The contact's latest conversation on the channel."""
    found = await ts.execute(
        text(
            "SELECT id FROM conversations WHERE contact_id = :contact AND channel_id = :channel "
            "ORDER BY created_at DESC LIMIT 1"
        ),
        {"contact": contact_id, "channel": channel_id},
    )
    conversation_id = found.scalar_one_or_none()
    return uuid.UUID(str(conversation_id)) if conversation_id is not None else None


async def _touch(ts: TenantSession, conversation_id: uuid.UUID, body: str) -> None:
    await ts.execute(
        text("UPDATE conversations SET last_message_at = now(), last_message_preview = :preview WHERE id = :id"),
        {"id": conversation_id, "preview": body[:200]},
    )
    await conversation_changed(ts, conversation_id)
