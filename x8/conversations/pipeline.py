"""The reply pipeline's tenant side (SPEC.md R-F1 steps 4–7): buffer, assistant, stored reply, delivery state.

``take_turn`` runs when a conversation's buffer window has passed: under a row lock on the conversation it merges
every unanswered inbound message into one turn, asks the assistant, and stores the reply as ``pending`` in the
same transaction that marks the turn's messages processed. So a turn is answered once, however many jobs run it
and whenever a worker dies. ``claim_outgoing`` / ``mark_sent`` / ``mark_failed`` bracket one send: a sent
message is never claimed again. The queue jobs that drive this live in ``x8.platform.conversations.tasks``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import text

from x8.conversations.assistant.choice import Assistant
from x8.conversations.assistant.retrieval import CompanyProfile, Reply
from x8.conversations.events import CHANNEL
from x8.kb_engine import search as kb_search
from x8.tenancy.session import TenantSession


@dataclass(frozen=True)
class TurnOutcome:
    reply_id: uuid.UUID | None  # the stored reply to send, if one was made
    wait_seconds: float = 0.0  # > 0: the buffer window is still open; run the turn again after this long
    pending_ids: tuple[uuid.UUID, ...] = ()  # every reply of the conversation still waiting to be sent
    consumed: int = 0  # customer messages this turn took in
    message_type: str | None = None
    handover: bool = False  # the customer asked for a person in this turn
    channel_id: uuid.UUID | None = None  # the channel the conversation's replies go out on
    turn_text: str = ""  # what the customer said in this turn, merged
    reply_text: str = ""


_LOCK = text(
    "SELECT id, contact_id, channel_id, bot_paused_until > now() AS paused, handover_at FROM conversations "
    "WHERE id = :id FOR UPDATE"
)
HISTORY_MESSAGES = 10
# Everything a turn reads, in one round trip after the lock (a statement of its own, so its snapshot sees what
# a turn that held the lock before committed): the unanswered customer messages with how long their window
# still runs, replies still waiting to be sent, whether this is the contact's first reply (the privacy link goes
# with it), and the conversation before the turn as context for an LLM (R-M6).
_CONTEXT = text("""
WITH unanswered AS (
    SELECT id, body, created_at,
           extract(epoch FROM (created_at + make_interval(secs => :buffer) - clock_timestamp())) AS wait
    FROM messages WHERE conversation_id = :id AND direction = 'in' AND processed_at IS NULL
)
SELECT
    (SELECT coalesce(json_agg(json_build_object('id', id, 'body', body, 'wait', wait) ORDER BY created_at, id), '[]')
     FROM unanswered) AS unanswered,
    ARRAY(SELECT id FROM messages WHERE conversation_id = :id AND status = 'pending' ORDER BY created_at) AS pending,
    (SELECT privacy_policy_sent_at IS NULL FROM contacts WHERE id = :contact)
      AND NOT EXISTS (SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id
                      WHERE c.contact_id = :contact AND m.direction = 'out') AS first_reply,
    (SELECT coalesce(json_agg(json_build_object('direction', direction, 'body', body) ORDER BY created_at), '[]')
     FROM (SELECT direction, body, created_at FROM messages
           WHERE conversation_id = :id AND created_at < (SELECT min(created_at) FROM unanswered)
           ORDER BY created_at DESC LIMIT :n) recent) AS history
""")
_CONSUME = text("""
UPDATE messages SET processed_at = now(), intent = :intent, message_type = :type
WHERE id = ANY(CAST(:ids AS uuid[]))
""")
# Everything a turn writes, in one round trip: the reply (pending), the turn's messages processed, the
# conversation's preview and handover, the contact's privacy link, and the live-update notice (sent at commit).
_ANSWER = text("""
WITH reply AS (
    INSERT INTO messages (conversation_id, direction, sender, status, body, intent, message_type, reply_to_id)
    VALUES (:conversation, 'out', 'bot', 'pending', :body, :intent, :type, :reply_to)
    RETURNING id
), consumed AS (
    UPDATE messages SET processed_at = now(), intent = :intent, message_type = :type
    WHERE id = ANY(CAST(:ids AS uuid[]))
), conversation AS (
    UPDATE conversations SET last_message_at = now(), last_message_preview = :preview,
           handover_at = CASE WHEN :handover THEN now() ELSE handover_at END
    WHERE id = :conversation
    RETURNING contact_id
), privacy AS (
    UPDATE contacts SET privacy_policy_sent_at = now()
    WHERE CAST(:privacy_link AS boolean) AND id = (SELECT contact_id FROM conversation)
)
SELECT (SELECT id FROM reply), pg_notify(:notify_channel, :notify_payload)
""")


async def take_turn(
    ts: TenantSession,
    conversation_id: uuid.UUID,
    profile: CompanyProfile,
    kb_ids: list[uuid.UUID],
    *,
    assistant: Assistant,
    buffer_seconds: float,
    history: list[dict[str, str]] | None = None,
) -> TurnOutcome:
    """``history``: the conversation so far from another store (MongoDB, R-M6); None or empty reads it here."""
    conversation = (await ts.execute(_LOCK, {"id": conversation_id})).mappings().first()
    if conversation is None:
        return TurnOutcome(reply_id=None)
    channel = uuid.UUID(str(conversation["channel_id"])) if conversation["channel_id"] else None
    context = (
        await ts.execute(
            _CONTEXT,
            {
                "id": conversation_id,
                "contact": conversation["contact_id"],
                "buffer": buffer_seconds,
                "n": HISTORY_MESSAGES,
            },
        )
    ).one()
    unanswered: list[dict[str, Any]] = context.unanswered  # json arrives decoded
    pending = tuple(uuid.UUID(str(i)) for i in context.pending)
    if not unanswered:
        return TurnOutcome(reply_id=None, pending_ids=pending, channel_id=channel)
    wait = float(unanswered[-1]["wait"])
    if wait > 0.02:
        return TurnOutcome(reply_id=None, wait_seconds=wait, pending_ids=pending, channel_id=channel)
    ids = [r["id"] for r in unanswered]
    profile = replace(profile, channel_id=str(channel) if channel else None)
    switched_off = profile.behaviour.for_channel(profile.channel_id).enabled is False
    if conversation["paused"] or conversation["handover_at"] is not None or not profile.may_answer or switched_off:
        # A human is handling this conversation, the business switched the assistant off here (R-M4), or its
        # trial or plan has ended (R-B3): the messages stay in the inbox for a person; the bot does not answer.
        await ts.execute(_CONSUME, {"ids": ids, "intent": None, "type": "TYPE1"})
        return TurnOutcome(
            reply_id=None, pending_ids=pending, consumed=len(ids), message_type="TYPE1", channel_id=channel
        )
    turn_text = "\n".join(str(r["body"]) for r in unanswered)
    first_reply = bool(context.first_reply)
    if not history:
        history = [
            {"role": "user" if r["direction"] == "in" else "assistant", "content": str(r["body"])}
            for r in context.history
        ]
    reply = await _assistant_reply(ts, assistant, turn_text, history, profile, kb_ids, first_reply=first_reply)
    row = (
        await ts.execute(
            _ANSWER,
            {
                "conversation": conversation_id,
                "body": reply.text,
                "intent": reply.intent.value,
                "type": reply.message_type,
                "reply_to": ids[-1],
                "ids": ids,
                "preview": reply.text[:200],
                "handover": reply.handover,
                "privacy_link": first_reply and bool(profile.privacy_policy_url),
                "notify_channel": CHANNEL,
                "notify_payload": f"{ts.tenant_id}:{conversation_id}",
            },
        )
    ).one()
    reply_uuid = uuid.UUID(str(row[0]))
    return TurnOutcome(
        reply_id=reply_uuid,
        pending_ids=(*pending, reply_uuid),
        consumed=len(ids),
        message_type=reply.message_type,
        handover=reply.handover,
        channel_id=channel,
        turn_text=turn_text,
        reply_text=reply.text,
    )


async def _assistant_reply(
    ts: TenantSession,
    assistant: Assistant,
    turn_text: str,
    history: list[dict[str, str]],
    profile: CompanyProfile,
    kb_ids: list[uuid.UUID],
    *,
    first_reply: bool,
) -> Reply:
    async def search(query: str, language: str) -> list[dict[str, Any]]:
        # The catalogue is indexed in the company's language, whatever language the customer writes in.
        return await kb_search.search(ts, kb_ids, query, language=profile.language, limit=5, enough=1)

    return await assistant.reply(turn_text, history, profile, search, first_reply=first_reply)


@dataclass(frozen=True)
class Outgoing:
    id: uuid.UUID
    conversation_id: uuid.UUID
    body: str
    channel_id: uuid.UUID
    external_id: str
    reply_to_id: uuid.UUID | None


_FOR_SENDING = text("""
SELECT m.id, m.conversation_id, m.status, m.body, m.reply_to_id, c.channel_id, ct.external_id
FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts ct ON ct.id = c.contact_id
WHERE m.id = :id AND m.direction = 'out' FOR UPDATE OF m
""")


async def channel_of(ts: TenantSession, message_id: uuid.UUID) -> uuid.UUID | None:
    """The channel an outbound message waiting to be sent goes out on (None if there is nothing to send)."""
    found = await ts.scalar(
        text(
            "SELECT c.channel_id FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE m.id = :id AND m.direction = 'out' AND m.status IN ('pending', 'sending')"
        ),
        {"id": message_id},
    )
    return uuid.UUID(str(found)) if found is not None else None


async def claim_outgoing(ts: TenantSession, message_id: uuid.UUID) -> Outgoing | None:
    """The message to send, locked for this transaction; None when it is already sent, failed, or unknown."""
    row = (await ts.execute(_FOR_SENDING, {"id": message_id})).mappings().first()
    if row is None or row["status"] not in ("pending", "sending") or row["channel_id"] is None:
        return None
    return Outgoing(
        row["id"],
        row["conversation_id"],
        str(row["body"]),
        row["channel_id"],
        str(row["external_id"]),
        row["reply_to_id"],
    )


@dataclass(frozen=True)
class ReplyStats:
    """What a finished bot reply adds to the company's R-M8 counters."""

    turn_size: int  # customer messages the turn answered
    message_type: str
    waited: float | None  # seconds from the turn's last message to the send; None when it failed


# A send's outcome, its live-update notice and (for a bot reply) what its turn adds to the company's counters,
# in one round trip: the turn's size is the number of its messages processed at the same moment.
_RECORD_SEND = """
WITH recorded AS ({update})
SELECT r.reply_to_id IS NOT NULL AS is_turn, r.message_type,
       extract(epoch FROM (now() - q.created_at)) AS waited,
       (SELECT count(*) FROM messages i
        WHERE i.conversation_id = r.conversation_id AND i.direction = 'in' AND i.processed_at = q.processed_at) AS size,
       pg_notify(:notify_channel, :notify_payload)
FROM messages r LEFT JOIN messages q ON q.id = r.reply_to_id
WHERE r.id = :id
"""
_MARK_SENT = text(
    _RECORD_SEND.format(
        update="UPDATE messages SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL, "
        "provider_message_id = coalesce(:provider_id, provider_message_id) WHERE id = :id"
    )
)
_MARK_FAILED = text(
    _RECORD_SEND.format(
        update="UPDATE messages SET attempts = attempts + 1, last_error = :error, status = :status WHERE id = :id"
    )
)


async def _record_send(ts: TenantSession, statement: Any, outgoing: Outgoing, **params: Any) -> ReplyStats | None:
    row = (
        await ts.execute(
            statement,
            {
                "id": outgoing.id,
                "notify_channel": CHANNEL,
                "notify_payload": f"{ts.tenant_id}:{outgoing.conversation_id}",
                **params,
            },
        )
    ).one()
    if not row.is_turn:
        return None  # a person's reply: not a turn
    return ReplyStats(turn_size=int(row.size), message_type=str(row.message_type or "TYPE1"), waited=float(row.waited))


async def mark_sent(ts: TenantSession, outgoing: Outgoing, provider_message_id: str | None) -> ReplyStats | None:
    """Record the send; for a bot reply, what its turn adds to the company's counters."""
    return await _record_send(ts, _MARK_SENT, outgoing, provider_id=provider_message_id)


async def mark_failed(ts: TenantSession, outgoing: Outgoing, error: str, *, final: bool) -> ReplyStats | None:
    """Record a failed attempt: still ``pending`` while it will be retried, ``failed`` when it will not (then the
    turn still counts in the company's statistics, with no response time)."""
    stats = await _record_send(ts, _MARK_FAILED, outgoing, error=error[:1000], status="failed" if final else "pending")
    return replace(stats, waited=None) if stats is not None and final else None
