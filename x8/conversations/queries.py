"""Reading the inbox (SPEC.md R-M7) and the human side of a conversation (R-M5), inside a tenant session."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from x8.conversations.events import conversation_changed
from x8.kit.sql import escape_like
from x8.tenancy.session import TenantSession

_CONVERSATION_COLUMNS = """
conv.id, conv.channel, conv.channel_id, conv.status, conv.last_message_at, conv.last_message_preview,
conv.unread_count, conv.bot_paused_until, conv.bot_paused_until > now() AS bot_paused, conv.handover_at,
conv.payment_status, c.id AS contact_id, c.display_name, c.external_id, c.language, c.lead_source
"""
_FILTERS = """
FROM conversations conv JOIN contacts c ON c.id = conv.contact_id
WHERE (CAST(:channel AS text) IS NULL OR conv.channel = :channel)
  AND (CAST(:status AS text) IS NULL OR conv.status = :status
       OR (:status = 'paused' AND (conv.bot_paused_until > now() OR conv.handover_at IS NOT NULL))
       OR (:status = 'unread' AND conv.unread_count > 0))
  AND (CAST(:lead_source AS text) IS NULL OR c.lead_source = :lead_source)
  AND (CAST(:q AS text) IS NULL OR c.display_name ILIKE :like OR EXISTS (
        SELECT 1 FROM messages m WHERE m.conversation_id = conv.id
        AND m.search_vector @@ plainto_tsquery('simple', :q)))
"""


async def list_conversations(
    ts: TenantSession,
    *,
    channel: str | None,
    status: str | None,
    q: str | None,
    lead_source: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    params: dict[str, Any] = {
        "channel": channel,
        "status": status,
        "q": q,
        "like": f"%{escape_like(q or '')}%",
        "lead_source": lead_source,
        "limit": limit,
        "offset": offset,
    }
    total = await ts.scalar(text(f"SELECT count(*) {_FILTERS}"), params)
    rows = await ts.execute(
        text(
            f"SELECT {_CONVERSATION_COLUMNS} {_FILTERS} "
            "ORDER BY conv.last_message_at DESC NULLS LAST, conv.id LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return [dict(r) for r in rows.mappings()], int(total)


async def get_conversation(ts: TenantSession, conversation_id: uuid.UUID) -> dict[str, Any] | None:
    row = await ts.execute(
        text(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations conv JOIN contacts c ON c.id = conv.contact_id "  # noqa: S608
            "WHERE conv.id = :id"
        ),
        {"id": conversation_id},
    )
    found = row.mappings().first()
    return dict(found) if found else None


_MESSAGE_COLUMNS = (
    "id, direction, sender, body, status, intent, message_type, attempts, last_error, created_at, sent_at"
)


async def list_messages(
    ts: TenantSession, conversation_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of history, oldest first within the page; ``offset`` counts back from the newest message."""
    total = await ts.scalar(text("SELECT count(*) FROM messages WHERE conversation_id = :id"), {"id": conversation_id})
    rows = await ts.execute(
        text(
            f"SELECT * FROM (SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = :id "  # noqa: S608
            "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset) page ORDER BY created_at, id"
        ),
        {"id": conversation_id, "limit": limit, "offset": offset},
    )
    return [dict(r) for r in rows.mappings()], int(total)


async def add_human_reply(
    ts: TenantSession, conversation_id: uuid.UUID, body: str, *, pause_minutes: int
) -> dict[str, Any]:
    """Store a reply written in the dashboard as pending, and pause the bot for this conversation (R-M5)."""
    row = await ts.execute(
        text(
            "INSERT INTO messages (conversation_id, direction, sender, status, body, processed_at) "  # noqa: S608
            f"VALUES (:id, 'out', 'human', 'pending', :body, now()) RETURNING {_MESSAGE_COLUMNS}"
        ),
        {"id": conversation_id, "body": body},
    )
    message = dict(row.mappings().one())
    await ts.execute(
        text(
            "UPDATE conversations SET bot_paused_until = now() + make_interval(mins => :minutes), unread_count = 0, "
            "last_message_at = now(), last_message_preview = :preview WHERE id = :id"
        ),
        {"id": conversation_id, "minutes": pause_minutes, "preview": body[:200]},
    )
    await conversation_changed(ts, conversation_id)
    return message


async def pause_bot(ts: TenantSession, conversation_id: uuid.UUID, *, minutes: int) -> None:
    """Stop the assistant answering this conversation for ``minutes`` from now (a person takes it over); the
    customer's messages keep arriving and are taken in unanswered (``turns.claim``)."""
    await ts.execute(
        text("UPDATE conversations SET bot_paused_until = now() + make_interval(mins => :minutes) WHERE id = :id"),
        {"id": conversation_id, "minutes": minutes},
    )
    await conversation_changed(ts, conversation_id)


async def resume_bot(ts: TenantSession, conversation_id: uuid.UUID) -> None:
    await ts.execute(
        text("UPDATE conversations SET bot_paused_until = NULL, handover_at = NULL WHERE id = :id"),
        {"id": conversation_id},
    )
    await conversation_changed(ts, conversation_id)


async def mark_read(ts: TenantSession, conversation_id: uuid.UUID) -> None:
    await ts.execute(text("UPDATE conversations SET unread_count = 0 WHERE id = :id"), {"id": conversation_id})
