"""Delivery state of outbound messages (SPEC.md R-R1): claimed, then sent or failed, with no transaction open
while the provider is called.

An outbound message is stored ``pending``. To send it, a job claims it: ``sending`` with a lease, committed.
The provider call runs outside any transaction; its outcome is recorded in a new short one (``mark_sent``,
``mark_failed``), only while the message is still ``sending``. A claim whose worker died runs out with its lease
and the message can be claimed again: that is the one window where a message may reach the customer twice (the
provider accepted it, the worker died before recording it), because Telegram and WAHA take no idempotency key.
docs/conversations.md, "Delivery guarantee", says what is exactly-once and what is at-least-once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import text

from x8.conversations.events import CHANNEL
from x8.tenancy.session import TenantSession


@dataclass(frozen=True)
class Outgoing:
    """A message claimed for sending: where it goes and what it says."""

    id: uuid.UUID
    conversation_id: uuid.UUID
    body: str
    channel_id: uuid.UUID
    external_id: str
    parts_sent: int = 0  # pieces of a long reply already delivered by an earlier attempt (x8.channel_adapters.pieces)


@dataclass(frozen=True)
class InFlight:
    """Another job holds the message's send claim; it runs out in ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class ReplyStats:
    """What a finished bot reply adds to the company's R-M8 counters."""

    turn_size: int  # customer messages the turn answered
    message_type: str
    waited: float | None  # seconds from the turn's last message to the send; None when it failed


_CLAIM = text("""
WITH claimed AS (
    UPDATE messages SET status = 'sending',
           send_claimed_until = now() + make_interval(secs => CAST(:lease AS double precision))
    WHERE id = :id AND direction = 'out'
      AND (status = 'pending' OR (status = 'sending' AND coalesce(send_claimed_until, '-infinity') <= now()))
    RETURNING id, conversation_id, body, parts_sent
)
SELECT claimed.id, claimed.conversation_id, claimed.body, c.channel_id, ct.external_id, claimed.parts_sent
FROM claimed JOIN conversations c ON c.id = claimed.conversation_id JOIN contacts ct ON ct.id = c.contact_id
""")
_IN_FLIGHT = text("""
SELECT greatest(extract(epoch FROM (send_claimed_until - clock_timestamp())), 0) FROM messages
WHERE id = :id AND direction = 'out' AND status = 'sending'
""")


async def claim(ts: TenantSession, message_id: uuid.UUID, *, lease_seconds: float) -> Outgoing | InFlight | None:
    """Claim a message for sending. None: nothing to send (sent, failed for good, unknown, or its conversation
    has no channel); ``InFlight``: another job is sending it right now."""
    row = (await ts.execute(_CLAIM, {"id": message_id, "lease": lease_seconds})).first()
    if row is None:
        left = await ts.scalar(_IN_FLIGHT, {"id": message_id})
        return InFlight(float(left)) if left is not None else None
    if row.channel_id is None:
        return None
    return Outgoing(
        row.id, row.conversation_id, str(row.body), row.channel_id, str(row.external_id), int(row.parts_sent)
    )


_PARTS_SENT = text("UPDATE messages SET parts_sent = :parts WHERE id = :id AND status = 'sending'")


async def mark_parts_sent(ts: TenantSession, outgoing: Outgoing, parts: int) -> None:
    """A long reply's first ``parts`` pieces reached the provider: an attempt after this one starts after them.
    Recorded after each piece but the last (its own short transaction), so a dead worker's claim, run out and
    taken again, resends at most the piece it was sending, as it would a one-piece message."""
    await ts.execute(_PARTS_SENT, {"id": outgoing.id, "parts": parts})


# A send's outcome, its live-update notice and (for a bot reply) what its turn adds to the company's counters,
# in one round trip: the turn's size is the number of its messages processed at the same moment. Only a message
# still ``sending`` is recorded: a late outcome of a claim that ran out changes nothing.
_RECORD_SEND = """
WITH recorded AS ({update} WHERE id = :id AND status = 'sending' RETURNING id, conversation_id, reply_to_id,
                  message_type)
SELECT r.reply_to_id IS NOT NULL AS is_turn, r.message_type,
       extract(epoch FROM (now() - q.created_at)) AS waited,
       (SELECT count(*) FROM messages i
        WHERE i.conversation_id = r.conversation_id AND i.direction = 'in' AND i.processed_at = q.processed_at) AS size,
       pg_notify(:notify_channel, :notify_payload)
FROM recorded r LEFT JOIN messages q ON q.id = r.reply_to_id
"""
_MARK_SENT = text(
    _RECORD_SEND.format(
        update="UPDATE messages SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL, "
        "send_claimed_until = NULL, provider_message_id = coalesce(:provider_id, provider_message_id)"
    )
)
_MARK_FAILED = text(
    _RECORD_SEND.format(
        update="UPDATE messages SET attempts = attempts + 1, last_error = :error, status = :status, "
        "send_claimed_until = NULL"
    )
)


async def _record(ts: TenantSession, statement: Any, outgoing: Outgoing, **params: Any) -> ReplyStats | None:
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
    ).first()
    if row is None or not row.is_turn:
        return None  # recorded already, or a person's reply: not a turn
    return ReplyStats(turn_size=int(row.size), message_type=str(row.message_type or "TYPE1"), waited=float(row.waited))


async def mark_sent(ts: TenantSession, outgoing: Outgoing, provider_message_id: str | None) -> ReplyStats | None:
    """Record the send; for a bot reply, what its turn adds to the company's counters."""
    return await _record(ts, _MARK_SENT, outgoing, provider_id=provider_message_id)


# ``_RECORD_SEND``'s ``mark_sent`` for many messages in one statement (a batch of turns' replies sent at once).
_MARK_MANY_SENT = text("""
WITH sent AS (
    SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:provider_ids AS text[])) AS s(id, provider_id)
), recorded AS (
    UPDATE messages m SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL,
        send_claimed_until = NULL, provider_message_id = coalesce(sent.provider_id, m.provider_message_id)
    FROM sent WHERE m.id = sent.id AND m.status = 'sending'
    RETURNING m.id, m.conversation_id, m.reply_to_id, m.message_type
)
SELECT r.reply_to_id IS NOT NULL AS is_turn, r.message_type,
       extract(epoch FROM (now() - q.created_at)) AS waited,
       (SELECT count(*) FROM messages i
        WHERE i.conversation_id = r.conversation_id AND i.direction = 'in' AND i.processed_at = q.processed_at) AS size,
       pg_notify(:notify_channel, CAST(:tenant AS text) || ':' || r.conversation_id)
FROM recorded r LEFT JOIN messages q ON q.id = r.reply_to_id
""")


async def mark_many_sent(ts: TenantSession, sent: list[tuple[Outgoing, str | None]]) -> list[ReplyStats]:
    """``mark_sent`` for each (message, provider's id) in one round trip; the stats of the bot replies among them."""
    if not sent:
        return []
    rows = await ts.execute(
        _MARK_MANY_SENT,
        {
            "ids": [outgoing.id for outgoing, _ in sent],
            "provider_ids": [provider_id for _, provider_id in sent],
            "notify_channel": CHANNEL,
            "tenant": str(ts.tenant_id),
        },
    )
    return [
        ReplyStats(turn_size=int(row.size), message_type=str(row.message_type or "TYPE1"), waited=float(row.waited))
        for row in rows
        if row.is_turn
    ]


async def mark_failed(ts: TenantSession, outgoing: Outgoing, error: str, *, final: bool) -> ReplyStats | None:
    """Record a failed attempt: back to ``pending`` while it will be retried, ``failed`` when it will not (then
    the turn still counts in the company's statistics, with no response time)."""
    stats = await _record(ts, _MARK_FAILED, outgoing, error=error[:1000], status="failed" if final else "pending")
    return replace(stats, waited=None) if stats is not None and final else None
