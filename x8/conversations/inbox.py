"""Storing what customers write (SPEC.md R-M1, R-M7): contacts, one conversation per contact and channel, and
messages de-duplicated by provider message id. Webhooks store and answer; the turn runs later from the queue.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from x8.channel_adapters.base import InboundMessage
from x8.conversations.events import CHANNEL
from x8.platform.channels.models import Channel
from x8.tenancy.session import TenantSession

PREVIEW = 200


@dataclass(frozen=True)
class Received:
    conversation_id: uuid.UUID
    message_id: uuid.UUID | None  # None: a redelivery of a message already stored
    from_owner: bool = False

    @property
    def duplicate(self) -> bool:
        return self.message_id is None


_FIND_SQL = """
SELECT conv.id FROM conversations conv JOIN contacts c ON c.id = conv.contact_id
WHERE c.channel = :platform AND c.external_id = :external AND conv.channel_id = :channel
"""
_FIND = text(_FIND_SQL)
# A new contact and its conversation on the channel in one round trip, the conversation registered on the control
# plane (``conversation_refs``, where ``/api/v1/conversations/{id}`` finds its company) as it is created: the
# tenant's role may insert its own company's refs there and nothing else (control-plane migration 0027). The
# conversation's id is ours, or that of one already there; NULL when a concurrent first message created it after
# this statement's snapshot was taken (the caller then looks it up in a statement of its own, which sees it).
_REGISTER_CONTACT = text("""
WITH contact AS (
    INSERT INTO contacts (channel, external_id, display_name, language)
    VALUES (:platform, :external, :name, :language)
    ON CONFLICT (channel, external_id) DO UPDATE
    SET display_name = CASE WHEN EXCLUDED.display_name <> '' THEN EXCLUDED.display_name ELSE contacts.display_name END
    RETURNING id
), created AS (
    INSERT INTO conversations (id, contact_id, channel, channel_id)
    SELECT :id, contact.id, :platform, :channel FROM contact
    ON CONFLICT (contact_id, channel_id) DO NOTHING
    RETURNING id
), registered AS (
    INSERT INTO public.conversation_refs (conversation_id, company_id) SELECT id, CAST(:tenant AS uuid) FROM created
)
SELECT coalesce(
    (SELECT id FROM created),
    (SELECT c.id FROM conversations c WHERE c.contact_id = (SELECT id FROM contact) AND c.channel_id = :channel)
)
""")

# One round trip: the message (unless it is a redelivery), the conversation's preview and counters, and the
# live-update notice (sent at commit) happen together; a redelivery changes nothing. ``conv`` names the
# conversation: a given id, or the contact's conversation on the channel (no row: not a known contact yet).
_STORE_SQL = """
WITH conv AS ({conversation}), stored AS (
    INSERT INTO messages (conversation_id, direction, sender, status, body, provider_message_id, processed_at, sent_at)
    SELECT conv.id, CAST(:direction AS varchar), :sender, :status, :body, :provider_id,
           CASE WHEN CAST(:direction AS varchar) = 'out' THEN now() END,
           CASE WHEN CAST(:direction AS varchar) = 'out' THEN now() END
    FROM conv
    ON CONFLICT (provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
    RETURNING id, conversation_id
), touched AS (
    UPDATE conversations SET last_message_at = now(), last_message_preview = :preview,
           unread_count = unread_count + CASE WHEN CAST(:direction AS text) = 'in' THEN 1 ELSE 0 END,
           bot_paused_until = CASE WHEN CAST(:pause_minutes AS integer) > 0
                                   THEN now() + make_interval(mins => CAST(:pause_minutes AS integer))
                                   ELSE bot_paused_until END
    WHERE id = (SELECT conversation_id FROM stored)
    RETURNING pg_notify(:notify_channel, CAST(:tenant AS text) || ':' || CAST(id AS text))
)
SELECT (SELECT id FROM conv), (SELECT id FROM stored), (SELECT count(*) FROM touched)
"""
_STORE = text(_STORE_SQL.format(conversation="SELECT CAST(:conversation AS uuid) AS id"))
# A customer's message in one round trip, whether the contact is known or new: the contact's conversation on the
# channel, or (a first message) the contact, its conversation with the message's preview and count already in it
# (an UPDATE in this statement cannot see a row it inserted), and its control-plane ref as ``_REGISTER_CONTACT``
# makes them; then the message and the live-update notice. The conversation's id is NULL when a concurrent first
# message created it after this statement's snapshot was taken: the caller stores in a statement of its own.
_STORE_FROM_CUSTOMER = text(f"""
WITH known AS ({_FIND_SQL}), contact AS (
    INSERT INTO contacts (channel, external_id, display_name, language)
    SELECT :platform, :external, :name, :language WHERE NOT EXISTS (SELECT 1 FROM known)
    ON CONFLICT (channel, external_id) DO UPDATE
    SET display_name = CASE WHEN EXCLUDED.display_name <> '' THEN EXCLUDED.display_name ELSE contacts.display_name END
    RETURNING id
), created AS (
    INSERT INTO conversations (id, contact_id, channel, channel_id, last_message_at, last_message_preview,
                               unread_count)
    SELECT :id, contact.id, :platform, :channel, now(), :preview, 1 FROM contact
    ON CONFLICT (contact_id, channel_id) DO NOTHING
    RETURNING id
), registered AS (
    INSERT INTO public.conversation_refs (conversation_id, company_id) SELECT id, CAST(:tenant AS uuid) FROM created
), conv AS (
    SELECT id FROM known UNION ALL SELECT id FROM created
), stored AS (
    INSERT INTO messages (conversation_id, direction, sender, status, body, provider_message_id)
    SELECT conv.id, 'in', 'customer', 'received', :body, :provider_id FROM conv
    ON CONFLICT (provider_message_id) WHERE provider_message_id IS NOT NULL DO NOTHING
    RETURNING id, conversation_id
), touched AS (
    UPDATE conversations SET last_message_at = now(), last_message_preview = :preview, unread_count = unread_count + 1
    WHERE id = (SELECT conversation_id FROM stored) AND id IN (SELECT id FROM known)
    RETURNING id
), noticed AS (
    SELECT pg_notify(:notify_channel, CAST(:tenant AS text) || ':' || CAST(id AS text))
    FROM (SELECT id FROM touched UNION ALL SELECT id FROM created) changed
)
SELECT (SELECT id FROM conv), (SELECT id FROM stored), (SELECT count(*) FROM noticed)
""")  # noqa: S608 - a constant query shape


async def find_conversation(ts: TenantSession, channel: Channel, external_id: str) -> uuid.UUID | None:
    found = await ts.scalar(_FIND, {"platform": channel.platform, "external": external_id, "channel": channel.id})
    return uuid.UUID(str(found)) if found is not None else None


async def store_inbound(
    ts: TenantSession,
    channel: Channel,
    message: InboundMessage,
    *,
    conversation_id: uuid.UUID | None = None,
    new_conversation_id: uuid.UUID | None = None,
    pause_minutes: int,
) -> Received:
    """Store one inbound message. Safe to call again with the same message: the second call stores nothing.

    Give ``conversation_id`` when the contact's conversation on this channel is known; otherwise
    ``new_conversation_id`` is used to create it, registered on the control plane in the same statement. A message the
    business wrote from its own phone is stored as the owner's outbound message and pauses the bot for
    ``pause_minutes`` (R-M5)."""
    if conversation_id is None:
        if new_conversation_id is None:
            raise ValueError("a new contact needs the id its conversation was registered under")
        params = {"platform": channel.platform, "external": message.external_id, "channel": channel.id}
        conversation_id = await _conversation(ts, new_conversation_id, message, params)
    if message.from_owner and await _is_our_echo(ts, conversation_id, message.text):
        return Received(conversation_id, None, from_owner=True)
    row = await _store(ts, _STORE, channel, message, {"conversation": conversation_id}, pause_minutes)
    message_id = uuid.UUID(str(row[1])) if row[1] is not None else None
    return Received(conversation_id, message_id, from_owner=message.from_owner)


async def store_from_customer(
    ts: TenantSession, channel: Channel, message: InboundMessage, *, new_conversation_id: uuid.UUID
) -> Received:
    """A customer's message, stored in one round trip (the contact and its conversation made on its first message,
    the conversation under ``new_conversation_id``). Safe to call again with the same message: the second call
    stores nothing."""
    if message.from_owner:
        raise ValueError("the owner's messages are checked for our own echoes first: use store_inbound")
    row: Any = (
        await ts.execute(
            _STORE_FROM_CUSTOMER,
            {
                "platform": channel.platform,
                "external": message.external_id,
                "channel": channel.id,
                "id": new_conversation_id,
                "name": message.display_name[:255],
                "language": message.language_hint,
                "body": message.text,
                "provider_id": message.provider_message_id,
                "preview": message.text[:PREVIEW],
                "notify_channel": CHANNEL,
                "tenant": str(ts.tenant_id),
            },
        )
    ).one()
    if row[0] is None:  # a concurrent first message made the conversation meanwhile
        existing = await find_conversation(ts, channel, message.external_id)
        return await store_inbound(ts, channel, message, conversation_id=existing, pause_minutes=0)
    return Received(uuid.UUID(str(row[0])), uuid.UUID(str(row[1])) if row[1] is not None else None)


async def _store(
    ts: TenantSession,
    statement: Any,
    channel: Channel,
    message: InboundMessage,
    conversation: dict[str, Any],
    pause_minutes: int,
) -> Any:
    direction, sender = ("out", "owner") if message.from_owner else ("in", "customer")
    return (
        await ts.execute(
            statement,
            {
                **conversation,
                "direction": direction,
                "sender": sender,
                "status": "sent" if message.from_owner else "received",
                "body": message.text,
                "provider_id": message.provider_message_id,
                "preview": message.text[:PREVIEW],
                "pause_minutes": pause_minutes if message.from_owner else 0,
                "notify_channel": CHANNEL,
                "tenant": str(ts.tenant_id),
            },
        )
    ).one()


_ECHO = text("""
SELECT 1 FROM messages
WHERE conversation_id = :id AND direction = 'out' AND sender IN ('bot', 'human') AND body = :body
  AND (status IN ('pending', 'sending') OR sent_at > now() - interval '10 minutes')
LIMIT 1
""")


async def _is_our_echo(ts: TenantSession, conversation_id: uuid.UUID, body: str) -> bool:
    """WhatsApp reports the platform's own sends back as the business's messages (``fromMe``). One that matches
    a reply we are sending or just sent is that echo, not the owner typing on their phone."""
    return await ts.scalar(_ECHO, {"id": conversation_id, "body": body}) is not None


async def _conversation(
    ts: TenantSession, wanted_id: uuid.UUID, message: InboundMessage, params: dict[str, object]
) -> uuid.UUID:
    found = await ts.scalar(
        _REGISTER_CONTACT,
        {
            **params,
            "id": wanted_id,
            "name": message.display_name[:255],
            "language": message.language_hint,
            "tenant": str(ts.tenant_id),
        },
    )
    if found is None:  # a concurrent first message made it meanwhile
        found = await ts.scalar(_FIND, params)
    return uuid.UUID(str(found))
