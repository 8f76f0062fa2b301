"""Counting straight from a tenant's raw rows between two instants: what a fold adds to the rollups, and the tail
after the watermark that the overview adds to them.

Messages and new contacts only ever arrive, so the ones stored in ``[since, until)`` are simply added.
Conversation figures (started, first response, handover, a person's reply) belong to the day the conversation
started and can change after that day was folded; for every conversation started or written to in the window,
the new summary (as of ``until``) replaces the one the rollups hold (``metrics_conversations``), as a delta. Days
are calendar days in ``tz``, computed by PostgreSQL (``AT TIME ZONE``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from x8.platform.metrics import sketch
from x8.platform.metrics.tally import Key, Tallies, Tally
from x8.tenancy.session import TenantSession
from x8.tenancy.tables import metrics_conversations

# The open ends of a window, as instants PostgreSQL compares cheaply and indexes can use.
DAWN = datetime(1970, 1, 1, tzinfo=UTC)
DOOM = datetime(9999, 1, 1, tzinfo=UTC)

# Counted: every customer message, and every reply except one that failed to send.
_MESSAGES = text("""
SELECT (m.created_at AT TIME ZONE :tz)::date AS day, c.channel, coalesce(ct.lead_source, '') AS lead_source,
       count(*) FILTER (WHERE m.direction = 'in') AS messages_in,
       count(*) FILTER (WHERE m.direction = 'out') AS messages_out,
       count(*) FILTER (WHERE m.message_type = 'TYPE1') AS type1,
       count(*) FILTER (WHERE m.message_type = 'TYPE2') AS type2,
       count(*) FILTER (WHERE m.message_type = 'TYPE3') AS type3
FROM messages m
JOIN conversations c ON c.id = m.conversation_id
JOIN contacts ct ON ct.id = c.contact_id
WHERE m.created_at >= :since AND m.created_at < :until AND (m.direction = 'in' OR m.status <> 'failed')
GROUP BY 1, 2, 3
""")

_CONTACTS = text("""
SELECT (created_at AT TIME ZONE :tz)::date AS day, channel, coalesce(lead_source, '') AS lead_source,
       count(*) AS new_contacts
FROM contacts
WHERE created_at >= :since AND created_at < :until
GROUP BY 1, 2, 3
""")

# Each conversation touched in the window, summarised as of ``until``. First response: the first reply (not failed)
# after the conversation's first customer message. Handed over: ``first_handover_at`` set (kept when the bot is
# resumed, which clears ``handover_at``), or the assistant's handover reply (intent ``human``). A person replied: a
# reply from the dashboard (``human``) or the owner's phone.
_CONVERSATIONS = text("""
WITH touched AS (
    SELECT id FROM conversations WHERE created_at >= :since AND created_at < :until
    UNION
    SELECT conversation_id FROM messages WHERE created_at >= :since AND created_at < :until
)
SELECT c.id, (c.created_at AT TIME ZONE :tz)::date AS day, c.channel, coalesce(ct.lead_source, '') AS lead_source,
       (SELECT (extract(epoch FROM o.created_at - i.first_in) * 1000)::bigint
        FROM (SELECT min(created_at) AS first_in FROM messages
              WHERE conversation_id = c.id AND direction = 'in' AND created_at < :until) i
        CROSS JOIN LATERAL (SELECT created_at FROM messages
              WHERE conversation_id = c.id AND direction = 'out' AND status <> 'failed'
                AND created_at > i.first_in AND created_at < :until
              ORDER BY created_at LIMIT 1) o) AS first_response_ms,
       coalesce(coalesce(c.first_handover_at, c.handover_at) < :until, false) OR EXISTS (
           SELECT 1 FROM messages h WHERE h.conversation_id = c.id AND h.direction = 'out' AND h.intent = 'human'
             AND h.created_at < :until) AS handed_over,
       EXISTS (
           SELECT 1 FROM messages h WHERE h.conversation_id = c.id AND h.direction = 'out'
             AND h.sender IN ('human', 'owner') AND h.status <> 'failed' AND h.created_at < :until) AS human_replied
FROM touched
JOIN conversations c ON c.id = touched.id
JOIN contacts ct ON ct.id = c.contact_id
WHERE c.created_at < :until
""")


@dataclass(frozen=True)
class Summary:
    """What the rollups hold of one conversation (a ``metrics_conversations`` row)."""

    conversation_id: uuid.UUID
    key: Key
    first_response_ms: int | None
    handed_over: bool
    human_replied: bool

    def merged_with(self, folded: Summary | None) -> Summary:
        """Once counted, a first response, a handover or a person's reply stays: a bot resumed after a handover,
        or old messages removed by the retention job, do not rewrite a day already reported."""
        if folded is None:
            return self
        return Summary(
            conversation_id=self.conversation_id,
            key=self.key,
            first_response_ms=folded.first_response_ms
            if folded.first_response_ms is not None
            else self.first_response_ms,
            handed_over=self.handed_over or folded.handed_over,
            human_replied=self.human_replied or folded.human_replied,
        )

    def apply(self, tallies: Tallies, sign: int) -> None:
        tally = tallies.setdefault(self.key, Tally())
        tally.conversations += sign
        tally.handovers += sign * int(self.handed_over)
        tally.assisted += sign * int(self.handed_over or self.human_replied)
        if self.first_response_ms is not None:
            tally.response_times[sketch.bucket_of(self.first_response_ms)] += sign


@dataclass
class Delta:
    """What the window adds: tallies by key (conversation figures as deltas), and the conversations' new
    summaries for the fold to store."""

    tallies: Tallies
    summaries: list[Summary]


async def window(ts: TenantSession, tz: str, since: datetime, until: datetime, *, against_folded: bool = True) -> Delta:
    """Everything stored in ``[since, until)`` of this tenant, as a delta over rollups folded up to ``since``
    (``against_folded``), or as plain counts when nothing is folded on this calendar."""
    bounds = {"tz": tz, "since": since, "until": until}
    tallies: Tallies = {}
    for row in (await ts.execute(_MESSAGES, bounds)).mappings():
        tally = tallies.setdefault(Key(row["day"], row["channel"], row["lead_source"]), Tally())
        for name in ("messages_in", "messages_out", "type1", "type2", "type3"):
            setattr(tally, name, getattr(tally, name) + int(row[name]))
    for row in (await ts.execute(_CONTACTS, bounds)).mappings():
        tallies.setdefault(Key(row["day"], row["channel"], row["lead_source"]), Tally()).new_contacts += int(
            row["new_contacts"]
        )
    fresh = [
        Summary(
            conversation_id=row["id"],
            key=Key(row["day"], row["channel"], row["lead_source"]),
            first_response_ms=None if row["first_response_ms"] is None else int(row["first_response_ms"]),
            handed_over=bool(row["handed_over"]),
            human_replied=bool(row["human_replied"]),
        )
        for row in (await ts.execute(_CONVERSATIONS, bounds)).mappings()
    ]
    folded = await _folded(ts, [s.conversation_id for s in fresh]) if against_folded else {}
    summaries = []
    for summary in fresh:
        before = folded.get(summary.conversation_id)
        after = summary.merged_with(before)
        if before is not None:
            before.apply(tallies, -1)
        after.apply(tallies, +1)
        summaries.append(after)
    return Delta(tallies, summaries)


async def _folded(ts: TenantSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, Summary]:
    if not ids:
        return {}
    t = metrics_conversations.c
    rows = await ts.execute(
        select(
            t.conversation_id, t.day, t.channel, t.lead_source, t.first_response_ms, t.handed_over, t.human_replied
        ).where(t.conversation_id == any_(bindparam("ids", ids, type_=ARRAY(UUID(as_uuid=True)))))
    )
    return {
        r.conversation_id: Summary(
            conversation_id=r.conversation_id,
            key=Key(r.day, r.channel, r.lead_source),
            first_response_ms=r.first_response_ms,
            handed_over=r.handed_over,
            human_replied=r.human_replied,
        )
        for r in rows
    }
