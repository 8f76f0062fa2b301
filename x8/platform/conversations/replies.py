"""Taking a turn and delivering a reply, with no transaction open while the assistant or a provider works.

Turn: claim (short tenant transaction, committed) → the assistant, through its ports, outside any transaction →
record the reply, guarded by the claim (short transaction). A reply that goes out at once is stored already
claimed for sending, so its send needs no transaction of its own before the provider call.

Send: claim (``sending`` with a lease, committed) → the provider call outside any transaction → record the
outcome, guarded by the claim. See ``x8.conversations.turns`` and ``x8.conversations.delivery``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from x8.channel_adapters.base import ChannelAdapter, ChannelStatus, ProviderError, SendResult
from x8.channel_adapters.pieces import split_text
from x8.channel_adapters.registry import adapter_for
from x8.conversations import delivery, turns
from x8.conversations.assistant.choice import assistant_for
from x8.conversations.assistant.intents import Intent
from x8.conversations.assistant.language import detect
from x8.conversations.assistant.llm import MAX_ROUNDS
from x8.conversations.assistant.retrieval import CompanyProfile, Reply
from x8.conversations.ports import SharedSearches, TurnPorts, tenant_kb_search
from x8.kit.db import Database
from x8.kit.failing import FailureWindow
from x8.kit.i18n import msg
from x8.platform.activity import hooks as activity
from x8.platform.booking import chat as booking_chat
from x8.platform.channels import meta_window
from x8.platform.channels.cache import channel_for_webhook
from x8.platform.channels.models import Channel
from x8.platform.channels.service import credentials_of
from x8.platform.conversations.history import history_store, recall, remember
from x8.platform.conversations.sales import conversation_checkout
from x8.platform.conversations.scheduling import ConversationScheduler
from x8.platform.conversations.service import (
    buffer_of,
    cached_company_profile,
    count_turn,
    record_channel_error,
    record_replies,
)
from x8.settings import Settings
from x8.tenancy.session import TenantSession, tenant_session, tenant_sessions

log = logging.getLogger(__name__)

# Channels whose provider failed a send (timeout, outage, 5xx) recently in this process. Replies on them wait in
# their send jobs until the window has passed, rather than each job hanging on a provider that is not answering.
SEND_FAILURES: FailureWindow[uuid.UUID] = FailureWindow(seconds=30.0)


class SendInFlight(Exception):
    """Another job holds this message's send claim; look again once it has run out."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the message is being sent by another job (claim runs out in {seconds:.1f} s)")
        self.retry_after = seconds


@dataclass(frozen=True)
class TurnOutcome:
    reply_id: uuid.UUID | None  # the stored reply, if one was made
    outgoing: delivery.Outgoing | None = None  # the reply, claimed for sending now by this job
    wait_seconds: float = 0.0  # > 0: run the turn again after this long (a window or a claim is still open)
    pending_ids: tuple[uuid.UUID, ...] = ()  # every reply of the conversation still waiting to be sent
    consumed: int = 0  # customer messages this turn took in
    message_type: str | None = None
    handover: bool = False  # the customer asked for a person in this turn
    channel_id: uuid.UUID | None = None  # the channel the conversation's replies go out on
    conversation_id: uuid.UUID | None = None


def send_lease_seconds(settings: Settings) -> float:
    """How long a send claim lasts: longer than any provider call may take, so a live claim is never taken over."""
    return settings.provider_timeout_seconds + 5.0


def turn_lease_seconds(settings: Settings) -> float:
    """How long a turn claim lasts: the assistant's slowest honest answer (every LLM round timing out) and more."""
    if settings.openai_base_url and settings.openai_api_key:
        return MAX_ROUNDS * max(settings.provider_timeout_seconds, 20.0) + 30.0
    return 30.0


def _answers_on(profile: CompanyProfile, channel_id: uuid.UUID | None) -> bool:
    """The assistant may answer here: the plan allows it (R-B3) and the business did not switch it off (R-M4)."""
    switched_off = profile.behaviour.for_channel(str(channel_id) if channel_id else None).enabled is False
    return profile.may_answer and not switched_off


async def run_turn(db: Database, settings: Settings, company_id: uuid.UUID, conversation_id: uuid.UUID) -> TurnOutcome:
    profile, kb_ids = await cached_company_profile(db, company_id)
    async with tenant_session(db, company_id) as ts:
        claimed = await turns.claim(
            ts,
            conversation_id,
            buffer_seconds=buffer_of(profile, settings),
            lease_seconds=turn_lease_seconds(settings),
            answers_on=lambda channel: _answers_on(profile, channel),
        )
    if isinstance(claimed, turns.Waiting):
        if claimed.consumed:  # left to a person: they count now (answered turns count when sent or failed)
            await count_turn(db, company_id, turn_messages=claimed.consumed, message_type="TYPE1")
        return TurnOutcome(
            reply_id=None,
            wait_seconds=claimed.wait_seconds,
            pending_ids=claimed.pending_ids,
            consumed=claimed.consumed,
            channel_id=claimed.channel_id,
        )
    try:
        reply = await _think(db, settings, company_id, claimed, profile, kb_ids)
    except Exception:
        async with tenant_session(db, company_id) as ts:
            await turns.release(ts, claimed)
        raise
    async with tenant_session(db, company_id) as ts:
        [recorded] = await turns.record_many(ts, [_answer(settings, claimed, reply, profile)])
    if recorded is None:
        # The claim ran out while the assistant thought, and another job took the turn: this answer is dropped.
        log.warning("the turn of conversation %s outlived its claim; its reply was not stored", conversation_id)
        return TurnOutcome(reply_id=None, pending_ids=claimed.pending_ids, channel_id=claimed.channel_id)
    await _remember(settings, company_id, claimed, reply)
    return _answered(claimed, reply, recorded)


# Turns a batch takes at most, all thought about side by side: without a model 50 (their KB searches share one
# transaction a round, ``SharedSearches``), with one 4 (a model call each).
BATCH_TURNS = 50
THINKING_AT_ONCE = 4
# A batch's replies in flight at once. Each request through the shared HTTP pool checks every pooled connection
# (httpcore's ``has_expired``, a socket poll each), and a batch sending all its replies at once grew the pool to
# its size: at 50, that check was a tenth of the worker's time. Sixteen keep a provider's round trips overlapped
# (a full batch's last reply waits about three more) and under Telegram's 30 messages a second for one bot.
SENDS_AT_ONCE = 16


def batch_size(settings: Settings) -> int:
    """Turns a batch takes. A model's answer takes seconds, and a batch's replies go out together when all are
    recorded: with an LLM a batch is only as large as the turns thought about at once (the next batch is queued
    at once, and another job slot takes it), so no reply waits for others' model calls."""
    llm = bool(settings.openai_base_url and settings.openai_api_key)
    return THINKING_AT_ONCE if llm else BATCH_TURNS


@dataclass(frozen=True)
class DueTurnsOutcome:
    outcomes: list[TurnOutcome]  # the turns the batch answered or took in unanswered
    next_due: float | None  # seconds until the company's next turn falls due (<= 0: now); None: none waiting
    elsewhere: list[uuid.UUID] = field(default_factory=list)  # due on channels another engine (n8n) answers


async def run_due_turns(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    *,
    elsewhere: frozenset[uuid.UUID] = frozenset(),
    when_full: Callable[[], Awaitable[None]] | None = None,
) -> DueTurnsOutcome:
    """Every turn of the company whose window has passed (up to ``batch_size``), as ``run_turn`` takes one, with
    a message's share of three transactions instead of a transaction per step and message: the claims in one,
    the thinking outside any (several at once), the replies recorded in one. A turn whose thinking failed keeps
    its claim a while (``turns.back_off``) and is taken again by a later batch. ``when_full`` is awaited as soon
    as the claims fill the batch."""
    profile, kb_ids = await cached_company_profile(db, company_id)
    buffer = buffer_of(profile, settings)
    async with tenant_session(db, company_id) as ts:
        due = await turns.claim_due(
            ts,
            buffer_seconds=buffer,
            lease_seconds=turn_lease_seconds(settings),
            answers_on=lambda channel: _answers_on(profile, channel),
            elsewhere=elsewhere,
            limit=batch_size(settings),
        )
        others = await turns.due_elsewhere(ts, buffer_seconds=buffer, elsewhere=elsewhere) if elsewhere else []
    if when_full is not None and len(due.claims) + len(due.consumed) >= batch_size(settings):
        await when_full()  # more may be due: the next batch need not wait for this one's thinking
    outcomes = [
        TurnOutcome(
            reply_id=None,
            pending_ids=w.pending_ids,
            consumed=w.consumed,
            channel_id=w.channel_id,
            conversation_id=w.conversation_id,
        )
        for w in due.consumed
    ]
    taken_in = sum(w.consumed for w in due.consumed)
    if taken_in:  # left to a person: they count now (answered turns count when sent or failed)
        await count_turn(db, company_id, turn_messages=taken_in, message_type="TYPE1")
    # Every claimed turn thinks side by side (at most ``batch_size``), their searches in shared rounds.
    searches = SharedSearches(tenant_sessions(db, company_id), kb_ids, language=profile.language)
    thoughts = await asyncio.gather(
        *(_think(db, settings, company_id, c, profile, kb_ids, searches) for c in due.claims), return_exceptions=True
    )
    thought_of: list[tuple[turns.Claim, Reply]] = []
    answered: list[tuple[turns.Claim, Reply, turns.Recorded]] = []
    async with tenant_session(db, company_id) as ts:
        for claimed, thought in zip(due.claims, thoughts, strict=True):
            if not isinstance(thought, BaseException):
                thought_of.append((claimed, thought))
                continue
            if not isinstance(thought, Exception):
                raise thought  # cancelled: the claims run out with their lease
            wait = await turns.back_off(ts, claimed)
            failed = claimed.conversation_id
            log.error("the turn of conversation %s failed; tried again in %.0f s", failed, wait, exc_info=thought)
        records = await turns.record_many(ts, [_answer(settings, c, reply, profile) for c, reply in thought_of])
        for (claimed, reply), recorded in zip(thought_of, records, strict=True):
            if recorded is None:
                log.warning(
                    "the turn of conversation %s outlived its claim; its reply was not stored", claimed.conversation_id
                )
                continue
            answered.append((claimed, reply, recorded))
        next_due = await turns.next_due(ts, buffer_seconds=buffer)
    for claimed, reply, recorded in answered:
        await _remember(settings, company_id, claimed, reply)
        outcomes.append(_answered(claimed, reply, recorded))
    return DueTurnsOutcome(outcomes, next_due, others)


def _answer(settings: Settings, claimed: turns.Claim, reply: Reply, profile: CompanyProfile) -> turns.Answered:
    send_now = not SEND_FAILURES.is_open(claimed.channel_id)
    answer = turns.Answer(
        text=reply.text,
        intent=reply.intent.value,
        message_type=reply.message_type,
        handover=reply.handover,
        privacy_link=claimed.first_reply and bool(profile.privacy_policy_url),
    )
    return turns.Answered(claimed, answer, send_lease_seconds(settings) if send_now else 0.0)


async def _remember(settings: Settings, company_id: uuid.UUID, claimed: turns.Claim, reply: Reply) -> None:
    store = history_store(settings)
    if store is not None:
        messages = [{"role": "user", "content": claimed.text}, {"role": "assistant", "content": reply.text}]
        await remember(store, company_id, claimed.conversation_id, messages)


def _answered(claimed: turns.Claim, reply: Reply, recorded: turns.Recorded) -> TurnOutcome:
    return TurnOutcome(
        reply_id=recorded.reply_id,
        outgoing=recorded.outgoing,
        pending_ids=(*claimed.pending_ids, recorded.reply_id),
        consumed=len(claimed.message_ids),
        message_type=reply.message_type,
        handover=reply.handover,
        channel_id=claimed.channel_id,
        conversation_id=claimed.conversation_id,
    )


async def _think(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    claimed: turns.Claim,
    profile: CompanyProfile,
    kb_ids: list[uuid.UUID],
    searches: SharedSearches | None = None,
) -> Reply:
    """The assistant's reply, with no transaction open: each KB search is a short transaction (its own, or one
    shared with the searches of the batch's other turns, ``searches``), and so is an order (its payment link is
    asked of Stripe between them)."""
    booking = (
        await booking_chat.answer(db, settings, company_id, claimed.conversation_id, claimed.text, claimed.message_ids)
        if claimed.booking_open  # read in the claim's round trip: most turns have no booking to look up
        else None
    )
    if isinstance(booking, booking_chat.Said):  # the customer is choosing a time, a city or giving the address
        language = detect(claimed.text, fallback=profile.language)
        return Reply(booking.text, Intent.BOOK, language, "TYPE1", handover=booking.handover)
    store = history_store(settings)
    history = await recall(store, company_id, claimed.conversation_id) if store else None
    ports = TurnPorts(
        kb_search=tenant_kb_search(tenant_sessions(db, company_id), kb_ids, language=profile.language, shared=searches),
        checkout=conversation_checkout(db, settings, company_id, claimed.conversation_id),
        scheduler=ConversationScheduler(db, settings, company_id, claimed.conversation_id),
    )
    profile = replace(profile, channel_id=str(claimed.channel_id) if claimed.channel_id else None)
    reply = await assistant_for(settings).reply(
        claimed.text,
        history or claimed.history,
        profile,
        ports.kb_search,
        first_reply=claimed.first_reply,
        checkout=ports.checkout,
        scheduler=ports.scheduler,
    )
    if isinstance(booking, booking_chat.Aside):  # a question asked while choosing a time: answered, then reminded
        reply = replace(reply, text=f"{reply.text}\n\n{booking.reminder}")
    return reply


async def deliver(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    message_id: uuid.UUID,
    *,
    claimed: delivery.Outgoing | None = None,
    last_try: bool = False,
) -> str:
    """Send one stored outbound message and return what became of it. ``claimed``: the message, already claimed
    for sending by the caller (a turn stores its reply so); otherwise it is claimed here.

    Raises ``ProviderError`` when the provider failed in a way worth retrying (after recording the attempt),
    unless this is the ``last_try``: then the message is marked failed. Raises ``SendInFlight`` when another
    job holds the message's claim."""
    outgoing = claimed
    if outgoing is None:
        async with tenant_session(db, company_id) as ts:
            found = await delivery.claim(ts, message_id, lease_seconds=send_lease_seconds(settings))
        if found is None:
            return "nothing to send"  # sent meanwhile by another run of this job, or failed for good
        if isinstance(found, delivery.InFlight):
            raise SendInFlight(found.seconds)
        outgoing = found
    attempt = await _send(db, settings, company_id, outgoing, last_try=last_try)
    if isinstance(attempt, str):
        return attempt
    async with tenant_session(db, company_id) as ts:
        stats = await _record_attempt(ts, attempt)
    if stats is not None:
        await record_replies(db, company_id, [stats])
    return await _after_attempt(db, company_id, attempt)


async def deliver_many(
    db: Database, settings: Settings, company_id: uuid.UUID, claimed: list[delivery.Outgoing]
) -> list[tuple[uuid.UUID, float]]:
    """Send replies a batch of turns stored already claimed, ``SENDS_AT_ONCE`` at a time; their outcomes are
    recorded in one transaction and the company's counters in one statement. Returns the replies to send again
    later (the provider failed in a way worth retrying), with how long to wait."""
    gate = asyncio.Semaphore(SENDS_AT_ONCE)

    async def send(outgoing: delivery.Outgoing) -> _Attempt | str:
        async with gate:
            return await _send(db, settings, company_id, outgoing)

    attempts = await asyncio.gather(*(send(outgoing) for outgoing in claimed), return_exceptions=True)
    again: list[tuple[uuid.UUID, float]] = []
    for outgoing, attempt in zip(claimed, attempts, strict=True):
        if isinstance(attempt, BaseException):
            if not isinstance(attempt, Exception):
                raise attempt
            # Not the provider's answer (a bug, the vault): the message keeps its claim, and is tried again once
            # the claim has run out, as a dead worker's would be.
            log.error("sending message %s failed", outgoing.id, exc_info=attempt)
            again.append((outgoing.id, send_lease_seconds(settings)))
    sent = [a for a in attempts if isinstance(a, _Attempt)]
    if not sent:
        return again
    delivered = [(a.outgoing, a.provider_id) for a in sent if a.failure is None]
    async with tenant_session(db, company_id) as ts:
        stats = await delivery.mark_many_sent(ts, delivered)
        for attempt in sent:
            if attempt.failure is not None and (failed := await _record_attempt(ts, attempt)) is not None:
                stats.append(failed)
    await record_replies(db, company_id, stats)
    for attempt in sent:
        try:
            await _after_attempt(db, company_id, attempt)
        except ProviderError as exc:
            log.warning("sending message %s failed, will retry: %s", attempt.outgoing.id, exc)
            again.append((attempt.outgoing.id, exc.retry_after or 1.0))
    return again


@dataclass(frozen=True)
class _Attempt:
    """A provider call made (or refused before it, the channel being gone), to be recorded."""

    outgoing: delivery.Outgoing
    channel: Channel | None
    failure: ProviderError | None
    provider_id: str | None
    retry: bool


async def _send(
    db: Database, settings: Settings, company_id: uuid.UUID, outgoing: delivery.Outgoing, *, last_try: bool = False
) -> _Attempt | str:
    """The provider call, with no transaction open; a string when there was nothing to call (already recorded)."""
    channel = await channel_for_webhook(db, outgoing.channel_id)
    if await meta_window.refused_outside_window(db, company_id, channel, outgoing):
        return "failed"  # Meta's 24-hour window has closed: stored failed, not sent
    if channel is None or channel.status == ChannelStatus.DISCONNECTED:
        failure = ProviderError(msg("The channel was disconnected."), retryable=False)
        return _Attempt(outgoing, channel, failure, None, retry=False)
    adapter = adapter_for(channel.platform, settings)
    try:  # no transaction is open here
        credentials = await credentials_of(db, settings, channel)
        sent = await _send_pieces(db, company_id, adapter, channel, credentials, outgoing)
    except ProviderError as exc:
        return _Attempt(outgoing, channel, exc, None, retry=exc.retryable and not last_try)
    return _Attempt(outgoing, channel, None, sent.provider_message_id, retry=False)


async def _send_pieces(
    db: Database,
    company_id: uuid.UUID,
    adapter: ChannelAdapter,
    channel: Channel,
    credentials: dict[str, Any],
    outgoing: delivery.Outgoing,
) -> SendResult:
    """The message in as many pieces as its platform needs (most are one), from the first piece an earlier
    attempt did not deliver; the provider's answer to the last. Before each further piece, the pieces sent so far
    are recorded, in a transaction of their own between the calls."""
    pieces = split_text(outgoing.body, adapter.max_text)
    first = min(outgoing.parts_sent, len(pieces) - 1)
    sent = await adapter.send(channel, credentials, outgoing.external_id, pieces[first])
    for index in range(first + 1, len(pieces)):
        async with tenant_session(db, company_id) as ts:
            await delivery.mark_parts_sent(ts, outgoing, index)
        sent = await adapter.send(channel, credentials, outgoing.external_id, pieces[index])
    return sent


async def _record_attempt(ts: TenantSession, attempt: _Attempt) -> delivery.ReplyStats | None:
    if attempt.failure is None:
        return await delivery.mark_sent(ts, attempt.outgoing, attempt.provider_id)
    return await delivery.mark_failed(ts, attempt.outgoing, str(attempt.failure), final=not attempt.retry)


async def _after_attempt(db: Database, company_id: uuid.UUID, attempt: _Attempt) -> str:
    """What a recorded attempt leaves to do: the channel's health, and a retry (raised) or the final failure."""
    channel, failure = attempt.channel, attempt.failure
    if channel is None or channel.status == ChannelStatus.DISCONNECTED:
        return "failed"
    _note_send(channel.id, failure)
    if failure is None:
        return "sent"
    await record_channel_error(db, channel.id, str(failure))
    await meta_window.flag_channel(db, channel, failure)
    if attempt.retry:
        raise failure
    await activity.send_failed(db, company_id, channel.id, attempt.outgoing.id, str(failure))
    return "failed"


def _note_send(channel_id: uuid.UUID, failure: ProviderError | None) -> None:
    if failure is None:
        SEND_FAILURES.succeeded(channel_id)
    elif failure.retryable and failure.status != 429:  # a 429 is about pace, with its own retry_after
        SEND_FAILURES.failed(channel_id)
