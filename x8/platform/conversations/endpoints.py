"""Inbox API (SPEC.md R-M5, R-M7): conversations, history, human replies, pausing and resuming the bot.

A conversation id is resolved to its company through the control plane's ``conversation_refs``; access is then
decided on the company (read: visible; write: editor) and the work runs in its tenant session.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from x8.conversations import queries
from x8.kit.db import SessionDep
from x8.kit.deps import SettingsDep
from x8.kit.errors import Forbidden, NotFound, Unauthorized, error_responses
from x8.kit.i18n import msg
from x8.kit.pagination import Limit, Offset
from x8.kit.security import decode_token, encode_token
from x8.platform.audit.service import audit
from x8.platform.auth.deps import CurrentPrincipal, principal_from_token
from x8.platform.channels import meta_window
from x8.platform.companies.scope import CompanyScope, VisibleCompany
from x8.platform.companies.service import get_visible
from x8.platform.conversations.history import history_store, remember
from x8.platform.conversations.live import InboxBroker
from x8.platform.conversations.schemas import (
    ContactOut,
    ConversationList,
    ConversationMessage,
    ConversationMessages,
    ConversationOut,
    HumanReplyIn,
    PauseBotIn,
    StreamTicket,
    StreamTicketIn,
)
from x8.platform.conversations.scope import ConversationCompany, EditableConversationCompany
from x8.platform.conversations.tasks import schedule_send
from x8.tenancy.session import TenantSession

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])
KEEPALIVE_SECONDS = 15


def conversation_out(company_id: uuid.UUID, row: dict[str, Any]) -> ConversationOut:
    return ConversationOut(
        id=row["id"],
        company_id=company_id,
        channel=row["channel"],
        channel_id=row["channel_id"],
        status=row["status"],
        contact=ContactOut(
            id=row["contact_id"],
            display_name=row["display_name"],
            external_id=row["external_id"],
            language=row["language"],
            lead_source=row["lead_source"],
        ),
        last_message_at=row["last_message_at"],
        last_message_preview=row["last_message_preview"],
        unread_count=row["unread_count"],
        bot_paused=bool(row["bot_paused"]) or row["handover_at"] is not None,
        bot_paused_until=row["bot_paused_until"],
        handover=row["handover_at"] is not None,
        payment_status=row["payment_status"],
        lead_source=row["lead_source"],
    )


STREAM_TICKET_SECONDS = 60


@router.post("/events/ticket", response_model=StreamTicket, responses=error_responses(NotFound))
async def stream_ticket(
    body: StreamTicketIn, principal: CurrentPrincipal, session: SessionDep, settings: SettingsDep
) -> StreamTicket:
    """A ticket to open the live stream with. EventSource cannot send an Authorization header, and an access
    token in a URL would outlive the stream in proxies' and browsers' histories: the ticket is good for one
    company's stream, for a minute, and only while the sign-in session is open."""
    await get_visible(session, principal.user, body.company_id)
    ticket = encode_token(
        settings.secret_key,
        subject=str(principal.user.id),
        token_type="stream",
        ttl=timedelta(seconds=STREAM_TICKET_SECONDS),
        claims={"sid": str(principal.session_id), "company": str(body.company_id)},
    )
    return StreamTicket(ticket=ticket, expires_in=STREAM_TICKET_SECONDS)


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}, **error_responses(NotFound, Unauthorized)},
)
async def events(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    company_id: uuid.UUID = Query(...),
    ticket: str = Query(..., min_length=10, max_length=4000, description="From POST /events/ticket"),
) -> StreamingResponse:
    """Server-Sent Events: ``event: conversation`` with ``{"conversation_id"}`` whenever one of the company's
    conversations changes (a message in, a reply stored or sent, a human reply). A comment every 15 s keeps
    proxies from closing the stream."""
    principal = await principal_from_token(session, settings.secret_key, ticket, expected_type="stream")
    if decode_token(settings.secret_key, ticket, expected_type="stream").get("company") != str(company_id):
        raise Unauthorized(msg("This ticket is for another company's stream."))
    await get_visible(session, principal.user, company_id)
    broker: InboxBroker = request.app.state.inbox_broker
    queue = await broker.subscribe(company_id)

    async def stream() -> AsyncIterator[str]:
        try:
            yield "retry: 3000\n\n"
            while not await request.is_disconnected():
                try:
                    conversation = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
                except TimeoutError:
                    await broker.ensure_listening()
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: conversation\ndata: {json.dumps({'conversation_id': conversation})}\n\n"
        finally:
            broker.unsubscribe(company_id, queue)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


@router.get("", response_model=ConversationList, responses=error_responses(NotFound))
async def list_conversations(
    company: VisibleCompany,
    channel: str | None = Query(None, max_length=16),
    status: str | None = Query(None, pattern=r"^(open|closed|paused|unread)$"),
    q: str | None = Query(None, min_length=1, max_length=200),
    lead_source: str | None = Query(None, max_length=32),
    limit: Limit = 50,
    offset: Offset = 0,
) -> ConversationList:
    """Newest activity first, with the last message, unread count, channel, bot state and lead source."""
    async with company.tenant() as ts:
        rows, total = await queries.list_conversations(
            ts, channel=channel, status=status, q=q, lead_source=lead_source, limit=limit, offset=offset
        )
    return ConversationList(items=[conversation_out(company.id, r) for r in rows], total=total)


@router.get("/{conversation_id:uuid}", response_model=ConversationOut, responses=error_responses(NotFound))
async def get_conversation(conversation_id: uuid.UUID, company: ConversationCompany) -> ConversationOut:
    async with company.tenant() as ts:
        row = await queries.get_conversation(ts, conversation_id)
    if row is None:
        raise NotFound(msg("Conversation not found."))
    return conversation_out(company.id, row)


@router.get(
    "/{conversation_id:uuid}/messages", response_model=ConversationMessages, responses=error_responses(NotFound)
)
async def list_messages(
    conversation_id: uuid.UUID,
    company: ConversationCompany,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ConversationMessages:
    """History, a page at a time: ``offset`` counts back from the newest message; each page is oldest first."""
    async with company.tenant() as ts:
        if await queries.get_conversation(ts, conversation_id) is None:
            raise NotFound(msg("Conversation not found."))
        rows, total = await queries.list_messages(ts, conversation_id, limit=limit, offset=offset)
    return ConversationMessages(items=[ConversationMessage(**r) for r in rows], total=total)


@router.post(
    "/{conversation_id:uuid}/messages",
    response_model=ConversationMessage,
    status_code=201,
    responses=error_responses(NotFound, Forbidden, meta_window.OutsideMessagingWindow),
)
async def reply_as_human(
    conversation_id: uuid.UUID,
    body: HumanReplyIn,
    request: Request,
    company: EditableConversationCompany,
    session: SessionDep,
    settings: SettingsDep,
) -> ConversationMessage:
    """Send a reply written by a person. It is stored first, then sent with retries; the bot pauses for this
    conversation until resumed or until ``X8_HUMAN_PAUSE_MINUTES`` pass."""
    async with company.tenant() as ts:
        if await queries.get_conversation(ts, conversation_id) is None:
            raise NotFound(msg("Conversation not found."))
        await meta_window.refuse_human_reply(ts, conversation_id)
        message = await queries.add_human_reply(
            ts, conversation_id, body.text, pause_minutes=settings.human_pause_minutes
        )
    await schedule_send(company.id, message["id"])
    store = history_store(settings)
    if store:
        await remember(store, company.id, conversation_id, [{"role": "assistant", "content": body.text}])
    await audit(session, request, company.user.id, "conversation.human_reply", ("conversation", conversation_id))
    return ConversationMessage(**message)


@router.post(
    "/{conversation_id:uuid}/pause-bot", response_model=ConversationOut, responses=error_responses(NotFound, Forbidden)
)
async def pause_bot(
    conversation_id: uuid.UUID,
    request: Request,
    company: EditableConversationCompany,
    session: SessionDep,
    settings: SettingsDep,
    body: PauseBotIn | None = None,
) -> ConversationOut:
    """A person takes this conversation over: the assistant stays quiet for ``minutes`` (default
    ``X8_HUMAN_PAUSE_MINUTES``) or until resumed; customers' messages still arrive, for the person to answer."""
    minutes = body.minutes if body is not None and body.minutes is not None else settings.human_pause_minutes
    paused = await _change(company, conversation_id, partial(queries.pause_bot, minutes=minutes))
    await audit(
        session,
        request,
        company.user.id,
        "conversation.bot_paused",
        ("conversation", conversation_id),
        {"minutes": minutes},
    )
    return paused


@router.post("/{conversation_id:uuid}/resume-bot", response_model=ConversationOut, responses=error_responses(NotFound))
async def resume_bot(conversation_id: uuid.UUID, company: EditableConversationCompany) -> ConversationOut:
    """The assistant answers this conversation again (after a human reply or a handover)."""
    return await _change(company, conversation_id, queries.resume_bot)


@router.post("/{conversation_id:uuid}/read", response_model=ConversationOut, responses=error_responses(NotFound))
async def mark_read(conversation_id: uuid.UUID, company: ConversationCompany) -> ConversationOut:
    return await _change(company, conversation_id, queries.mark_read)


async def _change(
    company: CompanyScope,
    conversation_id: uuid.UUID,
    change: Callable[[TenantSession, uuid.UUID], Awaitable[object]],
) -> ConversationOut:
    """Apply one change to a conversation and answer with the conversation as it now is."""
    async with company.tenant() as ts:
        await change(ts, conversation_id)
        row = await queries.get_conversation(ts, conversation_id)
    if row is None:
        raise NotFound(msg("Conversation not found."))
    return conversation_out(company.id, row)
