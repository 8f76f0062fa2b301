"""Taking a turn and delivering a reply, with no transaction open while the assistant or a provider works.

Turn: claim (short tenant transaction, committed) → the assistant, through its ports, outside any transaction →
record the reply, guarded by the claim (short transaction). A reply that goes out at once is stored already
claimed for sending, so its send needs no transaction of its own before the provider call.

Send: claim (``sending`` with a lease, committed) → the provider call outside any transaction → record the
outcome, guarded by the claim. See ``x8.conversations.turns`` and ``x8.conversations.delivery``.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace

from x8.channel_adapters.base import ChannelStatus, ProviderError
from x8.channel_adapters.registry import adapter_for
from x8.conversations import delivery, turns
from x8.conversations.assistant.choice import assistant_for
from x8.conversations.assistant.intents import Intent
from x8.conversations.assistant.language import detect
from x8.conversations.assistant.llm import MAX_ROUNDS
from x8.conversations.assistant.retrieval import CompanyProfile, Reply
from x8.conversations.ports import TurnPorts, tenant_kb_search
from x8.kit.db import Database
from x8.kit.failing import FailureWindow
from x8.kit.i18n import msg
from x8.platform.activity import hooks as activity
from x8.platform.booking import chat as booking_chat
from x8.platform.channels import meta_window
from x8.platform.channels.cache import channel_for_webhook
from x8.platform.channels.service import credentials_of
from x8.platform.conversations.history import history_store, recall, remember
from x8.platform.conversations.sales import conversation_checkout
from x8.platform.conversations.scheduling import ConversationScheduler
from x8.platform.conversations.service import (
    buffer_of,
    cached_company_profile,
    count_turn,
    record_channel_error,
    record_reply,
)
from x8.settings import Settings
from x8.tenancy.session import tenant_session, tenant_sessions

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
    send_now = not SEND_FAILURES.is_open(claimed.channel_id)
    answer = turns.Answer(
        text=reply.text,
        intent=reply.intent.value,
        message_type=reply.message_type,
        handover=reply.handover,
        privacy_link=claimed.first_reply and bool(profile.privacy_policy_url),
    )
    async with tenant_session(db, company_id) as ts:
        recorded = await turns.record(
            ts, claimed, answer, send_lease_seconds=send_lease_seconds(settings) if send_now else 0.0
        )
    if recorded is None:
        # The claim ran out while the assistant thought, and another job took the turn: this answer is dropped.
        log.warning("the turn of conversation %s outlived its claim; its reply was not stored", conversation_id)
        return TurnOutcome(reply_id=None, pending_ids=claimed.pending_ids, channel_id=claimed.channel_id)
    store = history_store(settings)
    if store is not None:
        messages = [{"role": "user", "content": claimed.text}, {"role": "assistant", "content": reply.text}]
        await remember(store, company_id, conversation_id, messages)
    return TurnOutcome(
        reply_id=recorded.reply_id,
        outgoing=recorded.outgoing,
        pending_ids=(*claimed.pending_ids, recorded.reply_id),
        consumed=len(claimed.message_ids),
        message_type=reply.message_type,
        handover=reply.handover,
        channel_id=claimed.channel_id,
    )


async def _think(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    claimed: turns.Claim,
    profile: CompanyProfile,
    kb_ids: list[uuid.UUID],
) -> Reply:
    """The assistant's reply, with no transaction open: each KB search is a short transaction of its own, and so
    is an order (its payment link is asked of Stripe between them)."""
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
        kb_search=tenant_kb_search(tenant_sessions(db, company_id), kb_ids, language=profile.language),
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
    channel = await channel_for_webhook(db, outgoing.channel_id)
    if await meta_window.refused_outside_window(db, company_id, channel, outgoing):
        return "failed"  # Meta's 24-hour window has closed: stored failed, not sent
    failure: ProviderError | None = None
    provider_id: str | None = None
    retry = False
    if channel is None or channel.status == ChannelStatus.DISCONNECTED:
        failure = ProviderError(msg("The channel was disconnected."), retryable=False)
    else:
        adapter = adapter_for(channel.platform, settings)
        try:  # no transaction is open here
            credentials = await credentials_of(db, settings, channel)
            sent = await adapter.send(channel, credentials, outgoing.external_id, outgoing.body)
        except ProviderError as exc:
            failure = exc
            retry = exc.retryable and not last_try
        else:
            provider_id = sent.provider_message_id
    async with tenant_session(db, company_id) as ts:
        if failure is None:
            stats = await delivery.mark_sent(ts, outgoing, provider_id)
        else:
            stats = await delivery.mark_failed(ts, outgoing, str(failure), final=not retry)
    if stats is not None:
        await record_reply(db, company_id, stats)
    if channel is None or channel.status == ChannelStatus.DISCONNECTED:
        return "failed"
    _note_send(channel.id, failure)
    if failure is None:
        return "sent"
    await record_channel_error(db, channel.id, str(failure))
    await meta_window.flag_channel(db, channel, failure)
    if retry:
        raise failure
    await activity.send_failed(db, company_id, channel.id, outgoing.id, str(failure))
    return "failed"


def _note_send(channel_id: uuid.UUID, failure: ProviderError | None) -> None:
    if failure is None:
        SEND_FAILURES.succeeded(channel_id)
    elif failure.retryable and failure.status != 429:  # a 429 is about pace, with its own retry_after
        SEND_FAILURES.failed(channel_id)
