"""Turns (SPEC.md R-F1 steps 4–7): the buffer is closed, the turn claimed, answered, and the reply stored.

A turn is three steps, and no transaction is open while the assistant thinks:
1. ``claim``: under a short row lock on the conversation, the unanswered customer messages are read and, when
   their buffer window has passed, the turn is claimed: a token and a lease on the conversation, committed.
2. The caller runs the assistant with no transaction open (its KB searches are short transactions of their own).
3. ``record``: the reply is stored and the turn's messages marked processed, only if the claim is still this
   turn's. A turn whose worker died keeps its claim until the lease runs out; then any job may take it again.

So a turn is answered once, however many jobs run it and whenever a worker dies. Delivery of the stored reply is
``x8.conversations.delivery``; the jobs that drive both live in ``x8.platform.conversations.tasks``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from x8.conversations.delivery import Outgoing
from x8.conversations.events import CHANNEL
from x8.platform.booking.requests import OPEN_STAGES
from x8.platform.tiktok.codes import without_ref_codes
from x8.tenancy.session import TenantSession

HISTORY_MESSAGES = 10


@dataclass(frozen=True)
class Waiting:
    """No turn to take now. ``wait_seconds`` > 0: come back then (a buffer window or another turn's claim is
    still open). ``pending_ids``: replies of the conversation still waiting to be sent."""

    wait_seconds: float = 0.0
    pending_ids: tuple[uuid.UUID, ...] = ()
    channel_id: uuid.UUID | None = None
    consumed: int = 0  # customer messages taken in without an answer (a person handles the conversation)
    conversation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Claim:
    """A turn this job holds: the messages it answers, and what the assistant needs to know."""

    conversation_id: uuid.UUID
    token: uuid.UUID
    message_ids: tuple[str, ...]
    text: str  # the turn's messages, merged
    history: list[dict[str, str]]  # the conversation before the turn, oldest first
    first_reply: bool  # the contact's first reply: the privacy link goes with it
    channel_id: uuid.UUID | None
    pending_ids: tuple[uuid.UUID, ...]
    booking_open: bool = False  # a booking is being arranged here: the booking dialogue reads the turn first
    age_seconds: float = 0.0  # since the window of the turn's first message closed


@dataclass(frozen=True)
class Answer:
    """What the assistant decided, to be stored by ``record_many``."""

    text: str
    intent: str
    message_type: str
    handover: bool
    privacy_link: bool


@dataclass(frozen=True)
class Recorded:
    reply_id: uuid.UUID
    outgoing: Outgoing | None  # set when the reply was stored already claimed for sending


_LOCK = text("""
SELECT id, contact_id, channel_id, bot_paused_until > now() AS paused, handover_at,
       extract(epoch FROM (turn_claimed_until - clock_timestamp())) AS claim_left
FROM conversations WHERE id = :id FOR UPDATE
""")
# Everything a turn reads, in one round trip after the lock (a statement of its own, so its snapshot sees what
# a turn that held the lock before committed): the unanswered customer messages with how long their window
# still runs, replies still waiting to be sent, whether this is the contact's first reply, and the
# conversation before the turn as context for an LLM (R-M6), and whether a booking is being arranged in it (the
# booking dialogue's stages that are still open).
_CONTEXT_SQL = """
WITH unanswered AS (
    SELECT id, body, created_at,
           extract(epoch FROM (created_at + make_interval(secs => :buffer) - clock_timestamp())) AS wait
    FROM messages WHERE conversation_id = {id} AND direction = 'in' AND processed_at IS NULL
)
SELECT
    (SELECT coalesce(json_agg(json_build_object('id', id, 'body', body, 'wait', wait) ORDER BY created_at, id), '[]')
     FROM unanswered) AS unanswered,
    ARRAY(SELECT id FROM messages WHERE conversation_id = {id} AND status IN ('pending', 'sending')
          ORDER BY created_at) AS pending,
    (SELECT privacy_policy_sent_at IS NULL FROM contacts WHERE id = {contact})
      AND NOT EXISTS (SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id
                      WHERE c.contact_id = {contact} AND m.direction = 'out') AS first_reply,
    (SELECT coalesce(json_agg(json_build_object('direction', direction, 'body', body) ORDER BY created_at), '[]')
     FROM (SELECT direction, body, created_at FROM messages
           WHERE conversation_id = {id} AND created_at < (SELECT min(created_at) FROM unanswered)
           ORDER BY created_at DESC LIMIT :n) recent) AS history,
    EXISTS (SELECT 1 FROM booking_requests
            WHERE conversation_id = {id} AND stage = ANY(CAST(:open_stages AS text[]))) AS booking_open
"""
_CONTEXT = text(_CONTEXT_SQL.format(id=":id", contact=":contact"))
_CONSUME = text("""
UPDATE messages SET processed_at = now(), intent = :intent, message_type = :type
WHERE id = ANY(CAST(:ids AS uuid[]))
""")
_TAKE = text("""
UPDATE conversations
SET turn_claim = :token, turn_claimed_until = now() + make_interval(secs => CAST(:lease AS double precision))
WHERE id = :id
""")
_RELEASE = text(
    "UPDATE conversations SET turn_claim = NULL, turn_claimed_until = NULL WHERE id = :id AND turn_claim = :token"
)
# Everything the turns of a batch write, in one round trip, each only while its claim is still that turn's: the
# reply (``pending``, or ``sending`` with its send lease when it goes out at once), the turn's messages processed,
# the conversation's preview, handover and released claim, the contact's privacy link, and the live-update notice.
# A turn is a row of ``:turns`` (its ``n`` is its place in the batch); each turn is a different conversation.
_RECORD = text("""
WITH turn AS (
    SELECT * FROM jsonb_to_recordset(CAST(:turns AS jsonb)) AS t(
        n integer, conversation uuid, token uuid, body text, intent text, type text, reply_to uuid, ids uuid[],
        preview text, handover boolean, privacy_link boolean, send_lease double precision)
), claim AS (
    UPDATE conversations c SET last_message_at = now(), last_message_preview = turn.preview,
           handover_at = CASE WHEN turn.handover THEN now() ELSE c.handover_at END,
           first_handover_at = CASE WHEN turn.handover THEN coalesce(c.first_handover_at, now())
                                    ELSE c.first_handover_at END,
           turn_claim = NULL, turn_claimed_until = NULL
    FROM turn WHERE c.id = turn.conversation AND c.turn_claim = turn.token
    RETURNING turn.n, c.id, c.contact_id, c.channel_id
), reply AS (
    INSERT INTO messages (conversation_id, direction, sender, status, body, intent, message_type, reply_to_id,
                          send_claimed_until)
    SELECT claim.id, 'out', 'bot', CASE WHEN turn.send_lease > 0 THEN 'sending' ELSE 'pending' END, turn.body,
           turn.intent, turn.type, turn.reply_to,
           CASE WHEN turn.send_lease > 0 THEN now() + make_interval(secs => turn.send_lease) END
    FROM claim JOIN turn ON turn.n = claim.n
    RETURNING id, conversation_id
), consumed AS (
    UPDATE messages SET processed_at = now(), intent = turn.intent, message_type = turn.type
    FROM claim JOIN turn ON turn.n = claim.n WHERE messages.id = ANY(turn.ids)
), privacy AS (
    UPDATE contacts SET privacy_policy_sent_at = now()
    FROM claim JOIN turn ON turn.n = claim.n WHERE turn.privacy_link AND contacts.id = claim.contact_id
)
SELECT claim.n, reply.id AS reply_id, claim.channel_id, contacts.external_id,
       pg_notify(:notify_channel, :tenant || ':' || CAST(claim.id AS text))
FROM claim JOIN reply ON reply.conversation_id = claim.id JOIN contacts ON contacts.id = claim.contact_id
""")


async def claim(
    ts: TenantSession,
    conversation_id: uuid.UUID,
    *,
    buffer_seconds: float,
    lease_seconds: float,
    answers_on: Callable[[uuid.UUID | None], bool],
) -> Claim | Waiting:
    """Claim the conversation's turn if one is due. When a person handles the conversation, or the assistant may
    not answer on its channel (``answers_on``: switched off there, or the plan has ended), the messages are taken
    in unanswered, for a person to read."""
    conversation = (await ts.execute(_LOCK, {"id": conversation_id})).mappings().first()
    if conversation is None:
        return Waiting()
    context = (
        await ts.execute(
            _CONTEXT,
            {
                "id": conversation_id,
                "contact": conversation["contact_id"],
                "buffer": buffer_seconds,
                "n": HISTORY_MESSAGES,
                "open_stages": list(OPEN_STAGES),
            },
        )
    ).one()
    decided = _decide(conversation, context, answers_on)
    if isinstance(decided, _Consume):
        await ts.execute(_CONSUME, {"ids": list(decided.ids), "intent": None, "type": "TYPE1"})
        return decided.waiting
    if isinstance(decided, Waiting):
        return decided
    await ts.execute(_TAKE, {"id": conversation_id, "token": decided.token, "lease": lease_seconds})
    return decided


@dataclass(frozen=True)
class _Consume:
    """Messages to take in unanswered (a person handles the conversation, or the assistant may not answer)."""

    ids: tuple[str, ...]
    waiting: Waiting


def _decide(
    conversation: Any, context: Any, answers_on: Callable[[uuid.UUID | None], bool]
) -> Claim | Waiting | _Consume:
    """What a turn does with a locked conversation and its context, before anything is written."""
    channel = uuid.UUID(str(conversation["channel_id"])) if conversation["channel_id"] else None
    unanswered: list[dict[str, Any]] = context.unanswered  # json arrives decoded
    pending = tuple(uuid.UUID(str(i)) for i in context.pending)
    if not unanswered:
        return Waiting(pending_ids=pending, channel_id=channel)
    claim_left = conversation["claim_left"]
    if claim_left is not None and float(claim_left) > 0:
        # Another job is answering (or died answering: its lease runs out then). What came in since is the
        # next turn's; look again when that claim is settled.
        return Waiting(wait_seconds=float(claim_left) + 0.05, pending_ids=pending, channel_id=channel)
    wait = float(unanswered[-1]["wait"])
    if wait > 0.02:
        return Waiting(wait_seconds=wait, pending_ids=pending, channel_id=channel)
    ids = tuple(str(r["id"]) for r in unanswered)
    paused = conversation["paused"] or conversation["handover_at"] is not None
    if paused or not answers_on(channel):
        conversation_id = uuid.UUID(str(conversation["id"]))
        waiting = Waiting(pending_ids=pending, channel_id=channel, consumed=len(ids), conversation_id=conversation_id)
        return _Consume(ids, waiting)
    history = [
        {"role": "user" if r["direction"] == "in" else "assistant", "content": without_ref_codes(str(r["body"]))}
        for r in context.history
    ]
    return Claim(
        conversation_id=uuid.UUID(str(conversation["id"])),
        token=uuid.uuid4(),
        message_ids=ids,
        text="\n".join(without_ref_codes(str(r["body"])) for r in unanswered),  # a tracking link's ref is ours
        history=history,
        first_reply=bool(context.first_reply),
        channel_id=channel,
        pending_ids=pending,
        booking_open=bool(context.booking_open),
        age_seconds=-float(unanswered[0]["wait"]),
    )


# Turns that fall due together, in a company: the batch's three statements stand for the three of ``claim`` for
# each conversation. The lock skips conversations another job holds (it answers them), and the context is read
# in a statement of its own after it, so it sees what a turn that held a lock before committed.
_DUE = """
SELECT conversation_id, max(created_at) AS last_at FROM messages
WHERE direction = 'in' AND processed_at IS NULL AND created_at > now() - make_interval(secs => :horizon)
GROUP BY conversation_id
"""
_LOCK_DUE_SQL = """
SELECT c.id, c.contact_id, c.channel_id, c.bot_paused_until > now() AS paused, c.handover_at,
       CAST(NULL AS double precision) AS claim_left
FROM ({due}) due JOIN conversations c ON c.id = due.conversation_id
WHERE due.last_at <= clock_timestamp() - make_interval(secs => :buffer)
  AND coalesce(c.turn_claimed_until, '-infinity') <= clock_timestamp()
  AND NOT coalesce(c.channel_id = ANY(CAST(:elsewhere AS uuid[])), false)
ORDER BY due.last_at
LIMIT :limit
FOR UPDATE OF c SKIP LOCKED
"""
_LOCK_DUE = text(_LOCK_DUE_SQL.format(due=_DUE))
_CONTEXT_DUE_SQL = (
    "SELECT v.id, ctx.* FROM unnest(CAST(:ids AS uuid[]), CAST(:contacts AS uuid[])) AS v(id, contact) "
    "CROSS JOIN LATERAL ({context}) ctx"
)
_CONTEXT_DUE = text(_CONTEXT_DUE_SQL.format(context=_CONTEXT_SQL.format(id="v.id", contact="v.contact")))
_TAKE_DUE = text("""
UPDATE conversations
SET turn_claim = v.token, turn_claimed_until = now() + make_interval(secs => CAST(:lease AS double precision))
FROM unnest(CAST(:ids AS uuid[]), CAST(:tokens AS uuid[])) AS v(id, token)
WHERE conversations.id = v.id
""")
# When the company's next turn falls due (seconds from now; <= 0: already), counting claims still running.
_NEXT_DUE_SQL = """
SELECT extract(epoch FROM min(greatest(due.last_at + make_interval(secs => :buffer),
                                       coalesce(c.turn_claimed_until, '-infinity'))) - clock_timestamp())
FROM ({due}) due JOIN conversations c ON c.id = due.conversation_id
"""
_NEXT_DUE = text(_NEXT_DUE_SQL.format(due=_DUE))
# The same, among turns no job is on its way to take (``left_due``).
_LEFT_DUE = text(
    _NEXT_DUE_SQL.format(due=_DUE)
    + "WHERE c.id <> ALL(CAST(:leaving AS uuid[])) AND due.last_at <= clock_timestamp() - make_interval(secs => :quiet)"
)
_ELSEWHERE_SQL = """
SELECT c.id FROM ({due}) due JOIN conversations c ON c.id = due.conversation_id
WHERE due.last_at <= clock_timestamp() - make_interval(secs => :buffer)
  AND coalesce(c.turn_claimed_until, '-infinity') <= clock_timestamp()
  AND c.channel_id = ANY(CAST(:elsewhere AS uuid[]))
"""
_ELSEWHERE = text(_ELSEWHERE_SQL.format(due=_DUE))
_BACK_OFF = text("""
UPDATE conversations SET turn_claimed_until = now() + make_interval(secs => CAST(:secs AS double precision))
WHERE id = :id AND turn_claim = :token
""")
# A turn older than this is left alone by the batch (R-M2's window is seconds): what was not answered within a
# day (its turn failed every time) is not answered out of the blue; Meta's reply window is a day too.
DUE_HORIZON_SECONDS = 86_400.0
# How long a failed turn waits before a batch tries it again: as long again as it has waited, within these.
BACK_OFF_SHORTEST = 5.0
BACK_OFF_LONGEST = 3600.0


@dataclass(frozen=True)
class DueTurns:
    """The turns a batch took: claimed ones to answer, and conversations whose messages were taken in
    unanswered (``Waiting`` with ``consumed``)."""

    claims: list[Claim]
    consumed: list[Waiting]


async def claim_due(
    ts: TenantSession,
    *,
    buffer_seconds: float,
    lease_seconds: float,
    answers_on: Callable[[uuid.UUID | None], bool],
    elsewhere: frozenset[uuid.UUID] = frozenset(),
    limit: int,
) -> DueTurns:
    """Claim up to ``limit`` of the company's turns whose window has passed, as ``claim`` claims one.
    Conversations on the channels in ``elsewhere`` (another engine takes their turns) are left alone."""
    locked = (
        (
            await ts.execute(
                _LOCK_DUE,
                {
                    "horizon": DUE_HORIZON_SECONDS,
                    "buffer": buffer_seconds,
                    "elsewhere": list(elsewhere),
                    "limit": limit,
                },
            )
        )
        .mappings()
        .all()
    )
    if not locked:
        return DueTurns([], [])
    contexts = {
        str(row.id): row
        for row in await ts.execute(
            _CONTEXT_DUE,
            {
                "ids": [row["id"] for row in locked],
                "contacts": [row["contact_id"] for row in locked],
                "buffer": buffer_seconds,
                "n": HISTORY_MESSAGES,
                "open_stages": list(OPEN_STAGES),
            },
        )
    }
    claims: list[Claim] = []
    consumed: list[_Consume] = []
    for conversation in locked:
        decided = _decide(conversation, contexts[str(conversation["id"])], answers_on)
        if isinstance(decided, Claim):
            claims.append(decided)
        elif isinstance(decided, _Consume):
            consumed.append(decided)
    if claims:
        await ts.execute(
            _TAKE_DUE,
            {"ids": [c.conversation_id for c in claims], "tokens": [c.token for c in claims], "lease": lease_seconds},
        )
    if consumed:
        ids = [i for c in consumed for i in c.ids]
        await ts.execute(_CONSUME, {"ids": ids, "intent": None, "type": "TYPE1"})
    return DueTurns(claims, [c.waiting for c in consumed])


async def due_elsewhere(
    ts: TenantSession, *, buffer_seconds: float, elsewhere: frozenset[uuid.UUID]
) -> list[uuid.UUID]:
    """Conversations on the channels in ``elsewhere`` whose turn is due: ``claim_due`` leaves them to their engine."""
    found = await ts.execute(
        _ELSEWHERE, {"horizon": DUE_HORIZON_SECONDS, "buffer": buffer_seconds, "elsewhere": list(elsewhere)}
    )
    return [uuid.UUID(str(row.id)) for row in found]


async def next_due(ts: TenantSession, *, buffer_seconds: float) -> float | None:
    """Seconds until the company's next turn falls due (<= 0: one is due now), or None: nothing is waiting."""
    found = await ts.scalar(_NEXT_DUE, {"horizon": DUE_HORIZON_SECONDS, "buffer": buffer_seconds})
    return float(found) if found is not None else None


async def left_due(
    ts: TenantSession, *, buffer_seconds: float, leaving: Collection[uuid.UUID], quiet_seconds: float
) -> float | None:
    """``next_due`` among the turns no job may be on its way to take: not in the conversations of ``leaving``
    (a job of their own takes them), and whose last message came more than ``quiet_seconds`` ago (a message is
    stored, then its turn queued: a moment apart)."""
    found = await ts.scalar(
        _LEFT_DUE,
        {"horizon": DUE_HORIZON_SECONDS, "buffer": buffer_seconds, "leaving": list(leaving), "quiet": quiet_seconds},
    )
    return float(found) if found is not None else None


async def back_off(ts: TenantSession, claimed: Claim) -> float:
    """Keep a failed turn's claim a while, so the batch tries it again later: as long again as the turn has
    waited, from 5 s to an hour (a turn failing for a day is tried ≈ 15 times). Returns the wait."""
    seconds = min(max(claimed.age_seconds, BACK_OFF_SHORTEST), BACK_OFF_LONGEST)
    await ts.execute(_BACK_OFF, {"id": claimed.conversation_id, "token": claimed.token, "secs": seconds})
    return seconds


async def release(ts: TenantSession, claimed: Claim) -> None:
    """Give a claim back unanswered (the assistant failed): the next job may take the turn at once."""
    await ts.execute(_RELEASE, {"id": claimed.conversation_id, "token": claimed.token})


@dataclass(frozen=True)
class Answered:
    """A claimed turn and what the assistant decided, to be recorded; ``send_lease_seconds`` > 0 stores the reply
    claimed for sending right away."""

    claimed: Claim
    answer: Answer
    send_lease_seconds: float


async def record_many(ts: TenantSession, answered: list[Answered]) -> list[Recorded | None]:
    """Store every turn's reply in one statement, each only if its claim is still this turn's: for each turn, in
    order, what was recorded, or None when its claim was lost (its lease ran out and another job took the turn)."""
    if not answered:
        return []
    batch = [
        {
            "n": n,
            "conversation": str(a.claimed.conversation_id),
            "token": str(a.claimed.token),
            "body": a.answer.text,
            "intent": a.answer.intent,
            "type": a.answer.message_type,
            "reply_to": str(a.claimed.message_ids[-1]),
            "ids": [str(i) for i in a.claimed.message_ids],
            "preview": a.answer.text[:200],
            "handover": a.answer.handover,
            "privacy_link": a.answer.privacy_link,
            "send_lease": a.send_lease_seconds,
        }
        for n, a in enumerate(answered)
    ]
    params = {"turns": json.dumps(batch), "notify_channel": CHANNEL, "tenant": str(ts.tenant_id)}
    rows = {row.n: row for row in await ts.execute(_RECORD, params)}
    recorded: list[Recorded | None] = []
    for n, a in enumerate(answered):
        row = rows.get(n)
        if row is None:
            recorded.append(None)
            continue
        reply_id = uuid.UUID(str(row.reply_id))
        outgoing = None
        if a.send_lease_seconds > 0 and row.channel_id is not None:
            outgoing = Outgoing(
                id=reply_id,
                conversation_id=a.claimed.conversation_id,
                body=a.answer.text,
                channel_id=uuid.UUID(str(row.channel_id)),
                external_id=str(row.external_id),
            )
        recorded.append(Recorded(reply_id=reply_id, outgoing=outgoing))
    return recorded
