"""The n8n engine of a channel (R-N4): its turns are taken by the company's ingress workflow in n8n instead of the
native assistant.

The turn is the one the native engine would take: verified and de-duplicated by the webhook route, buffered, then
claimed (``x8.conversations.turns``). It is posted to the ingress workflow's production webhook with no transaction
open; n8n answers later through ``POST /api/v1/n8n/messages`` with the company's tenant key, so the reply is stored,
sent, retried and counted like any other. When n8n does not take the turn (down, slow, the webhook not registered)
the claim is given back and the native engine answers this turn; the failure is kept on the channel and in the
activity log. The turn's messages are marked answered only after n8n took it, so a worker dying in between makes
n8n see the turn twice rather than never.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
from sqlalchemy import select, text

from x8.channel_adapters.base import ChannelStatus
from x8.conversations import turns
from x8.kit import http as provider_http
from x8.kit.db import Database
from x8.kit.i18n import Message, msg
from x8.kit.ttl_cache import TtlCache
from x8.n8n_bridge import bindings, templates
from x8.n8n_bridge.models import BindingStatus
from x8.n8n_bridge.naming import TENANT_KEY_SLOT, callback_base_url, ingress_slot, ingress_url
from x8.platform.activity import hooks as activity
from x8.platform.channels.cache import channel_for_webhook
from x8.platform.channels.models import Channel
from x8.platform.conversations.replies import TurnOutcome
from x8.platform.conversations.service import buffer_of, cached_company_profile, count_turn, record_channel_error
from x8.settings import Settings
from x8.tenancy.session import tenant_session

log = logging.getLogger(__name__)

NATIVE = "native"
N8N = "n8n"

# Which of a company's channels run on n8n, for the turn job (hot): a switch reaches other processes within this.
_N8N_CHANNELS: TtlCache[uuid.UUID, frozenset[uuid.UUID]] = TtlCache(seconds=5.0)

_CONVERSATION = text("SELECT channel_id, contact_id FROM conversations WHERE id = :id")
# The turn taken by n8n: its messages answered (n8n's reply is stored when it comes) and the claim given back,
# only while the claim is still this turn's.
_HANDED_OVER = text("""
WITH claim AS (
    UPDATE conversations SET turn_claim = NULL, turn_claimed_until = NULL
    WHERE id = :conversation AND turn_claim = :token RETURNING id
)
UPDATE messages SET processed_at = now(), message_type = 'TYPE1'
WHERE id = ANY(CAST(:ids AS uuid[])) AND EXISTS (SELECT 1 FROM claim)
""")


class HandOverFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def n8n_configured(settings: Settings) -> bool:
    return bool(settings.n8n_api_url and settings.n8n_api_key)


async def not_ready_reason(db: Database, settings: Settings, channel: Channel) -> Message | None:
    """Why the channel cannot run on n8n now (None: it can): n8n not configured, no ingress workflow for the
    platform, or the company's workflow or credential not active in n8n yet."""
    if not n8n_configured(settings):
        return msg("n8n is not connected to this server (N8N_API_URL, N8N_API_KEY).")
    template = templates.ingress_of(channel.platform)
    if template is None:
        return msg("There is no n8n workflow for {platform} channels.", platform=channel.platform)
    if channel.status != ChannelStatus.CONNECTED:
        return msg("Connect the channel before switching it to n8n.")
    found = await bindings.of_company(db, channel.company_id)
    for slot in (TENANT_KEY_SLOT, ingress_slot(template, channel.id)):
        binding = found.get(slot)
        if binding is None or binding.status != BindingStatus.ACTIVE:
            status = binding.status.value if binding else "missing"
            return msg(
                "The company's n8n workflow for this channel is not active yet ({status}); provision it in n8n "
                "and try again.",
                status=status,
            )
    return None


async def n8n_channels(db: Database, company_id: uuid.UUID) -> frozenset[uuid.UUID]:
    async def load() -> frozenset[uuid.UUID]:
        async with db.sessions() as session:
            rows = await session.execute(
                select(Channel.id).where(Channel.company_id == company_id, Channel.engine == N8N)
            )
            return frozenset(rows.scalars())

    return await _N8N_CHANNELS.get_or_load(company_id, load)


def forget_engines(company_id: uuid.UUID) -> None:
    _N8N_CHANNELS.forget(company_id)


async def hand_over_turn(
    db: Database, settings: Settings, company_id: uuid.UUID, conversation_id: uuid.UUID
) -> TurnOutcome | None:
    """Take the conversation's turn on the n8n engine, or None when the native engine must take it (the channel
    is on the native engine, or n8n did not take the turn)."""
    if not n8n_configured(settings):
        return None
    on_n8n = await n8n_channels(db, company_id)
    if not on_n8n:
        return None
    async with tenant_session(db, company_id) as ts:
        row = (await ts.execute(_CONVERSATION, {"id": conversation_id})).first()
    if row is None or row.channel_id is None or uuid.UUID(str(row.channel_id)) not in on_n8n:
        return None
    channel = await channel_for_webhook(db, uuid.UUID(str(row.channel_id)))
    if channel is None:
        return None
    profile, _ = await cached_company_profile(db, company_id)
    async with tenant_session(db, company_id) as ts:
        claimed = await turns.claim(
            ts,
            conversation_id,
            buffer_seconds=buffer_of(profile, settings),
            lease_seconds=settings.provider_timeout_seconds + 5.0,
            answers_on=lambda on: (
                profile.may_answer and profile.behaviour.for_channel(str(on) if on else None).enabled is not False
            ),
        )
    if isinstance(claimed, turns.Waiting):
        if claimed.consumed:
            await count_turn(db, company_id, turn_messages=claimed.consumed, message_type="TYPE1")
        return TurnOutcome(
            reply_id=None,
            wait_seconds=claimed.wait_seconds,
            pending_ids=claimed.pending_ids,
            consumed=claimed.consumed,
            channel_id=claimed.channel_id,
        )
    turn = turn_payload(settings, channel, claimed, uuid.UUID(str(row.contact_id)), profile.language)
    try:
        await post_turn(settings, channel, turn)  # no transaction is open here
    except HandOverFailed as failure:
        async with tenant_session(db, company_id) as ts:
            await turns.release(ts, claimed)
        log.warning("n8n did not take a turn of channel %s; the native engine answers it: %s", channel.id, failure)
        await record_channel_error(db, channel.id, failure.message)
        await activity.n8n_handover_failed(db, company_id, channel.id, failure.message)
        return None
    async with tenant_session(db, company_id) as ts:
        await ts.execute(
            _HANDED_OVER,
            {"conversation": conversation_id, "token": claimed.token, "ids": list(claimed.message_ids)},
        )
    return TurnOutcome(
        reply_id=None,
        pending_ids=claimed.pending_ids,
        consumed=len(claimed.message_ids),
        channel_id=claimed.channel_id,
    )


def turn_payload(
    settings: Settings, channel: Channel, claimed: turns.Claim, contact_id: uuid.UUID, language: str
) -> dict[str, Any]:
    """What the ingress workflow gets. It answers with ``reply.body`` posted to ``reply.url`` under the company's
    tenant-key credential (the key, not this payload, decides the company)."""
    api = callback_base_url(settings)
    return {
        "conversation_id": str(claimed.conversation_id),
        "contact_id": str(contact_id),
        "channel_id": str(channel.id),
        "platform": channel.platform,
        "text": claimed.text,
        "message_ids": list(claimed.message_ids),
        "history": claimed.history,
        "first_reply": claimed.first_reply,
        "language": language,
        "fallback_text": msg("Thank you for your message! We will answer you shortly.").render(
            "ru" if language == "ru" else "en"
        ),
        "reply": {
            "url": f"{api}/api/v1/n8n/messages",
            "context_url": f"{api}/api/v1/n8n/conversations/{claimed.conversation_id}/context",
            "body": {
                "channel_id": str(channel.id),
                "conversation_id": str(claimed.conversation_id),
                "direction": "out",
            },
        },
    }


async def post_turn(settings: Settings, channel: Channel, turn: dict[str, Any]) -> None:
    url = ingress_url(settings, channel.platform, channel.id)
    try:
        response = await provider_http.client().post(
            url, json=turn, timeout=provider_http.timeout(settings.provider_timeout_seconds)
        )
    except httpx.HTTPError as exc:
        raise HandOverFailed(f"n8n did not answer at {url}: {type(exc).__name__}") from exc
    if response.status_code >= 300:
        raise HandOverFailed(f"n8n answered {response.status_code} at {url}: {response.text[:300]}")
