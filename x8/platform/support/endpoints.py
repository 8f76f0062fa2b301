"""The support API (SPEC.md §12 R-S1, R-S2, setup calls of R-CH6): the manager ↔ business chat and its live
stream, the FAQ bot, and setup calls."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import StreamingResponse

from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import Forbidden, NotFound, RateLimited, Unauthorized, error_responses
from x8.kit.i18n import msg
from x8.kit.pagination import Limit, Offset
from x8.kit.ratelimit import hit
from x8.kit.security import decode_token, encode_token
from x8.platform.auth.deps import CurrentPrincipal, CurrentUser, ManagerOrAdmin, principal_from_token, require_role
from x8.platform.booking.errors import SlotTaken, Unprocessable
from x8.platform.booking.schemas import SlotList
from x8.platform.orders.schemas import Moment
from x8.platform.support import calls, chat
from x8.platform.support.errors import NoManager
from x8.platform.support.faq import service as faq
from x8.platform.support.live import SupportBroker, audience_of
from x8.platform.support.schemas import (
    ChatMessageIn,
    ChatMessageOut,
    ChatPage,
    ChatRead,
    ChatReadIn,
    ChatThreads,
    FaqAnswer,
    FaqQuestion,
    FaqStatus,
    SetupCallIn,
    SetupCallList,
    SetupCallOut,
    StreamTicket,
    SupportContact,
    UnreadCount,
)
from x8.platform.users.models import Role, User

KEEPALIVE_SECONDS = 15
STREAM_TICKET_SECONDS = 60
STREAM_NAME = "support"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """One LISTEN connection per process for the chat's live stream, opened on first use."""
    app.state.support_broker = SupportBroker(app.state.db.engine.url.render_as_string(hide_password=False))
    try:
        yield
    finally:
        await app.state.support_broker.close()


router = APIRouter(prefix="/api/v1/support", tags=["support"], lifespan=lifespan)
BusinessUser = Annotated[User, Depends(require_role(Role.CLIENT))]
ClientId = Annotated[uuid.UUID | None, Query(description="The business (managers and admins); a business omits it.")]
From = Annotated[
    Moment | None,
    Query(alias="from", description="From a day (the manager's time zone) or an ISO 8601 time; default now."),
]
To = Annotated[Moment | None, Query(description="Until a day (included) or an ISO 8601 time; default two weeks on.")]


@router.get("/chat", response_model=ChatPage, responses=error_responses(NotFound, Unprocessable))
async def read_chat(
    user: CurrentUser,
    session: SessionDep,
    client_id: ClientId = None,
    limit: Limit = 50,
    before: Annotated[
        Moment | None, Query(description="Only messages written before this time (older pages); a day is UTC.")
    ] = None,
) -> ChatPage:
    """A business's support thread: the newest messages (oldest first), how many there are, and how many from the
    other side the caller has not read. A manager reads only their businesses' threads; anything else is 404."""
    return await chat.page(session, user, client_id, limit=limit, before=_instant(before))


def _instant(moment: date | datetime | None) -> datetime | None:
    """A cursor as an instant: a day is its UTC midnight, a time without an offset is UTC."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return datetime.combine(moment, time(), tzinfo=UTC)


@router.post(
    "/chat",
    status_code=201,
    response_model=ChatMessageOut,
    responses=error_responses(NotFound, Unprocessable, RateLimited),
)
async def write_chat(
    body: ChatMessageIn, user: CurrentUser, session: SessionDep, db: DatabaseDep, settings: SettingsDep
) -> ChatMessageOut:
    """Write in a thread: a business in its own (its manager, or the admins while it has none, answer); a manager in
    their businesses'; an admin in any. A message still unread after a few minutes is sent on by email. At most
    ``X8_RATE_LIMIT_SUPPORT_MESSAGES_PER_MINUTE`` a minute (429)."""
    await hit(
        db,
        keys=[(f"support:chat:{user.id}", settings.rate_limit_support_messages_per_minute)],
        window_seconds=60,
        what=msg("support messages"),
    )
    return await chat.post(session, user, body.client_id, body.text)


@router.post("/chat/read", response_model=ChatRead, responses=error_responses(NotFound, Unprocessable))
async def mark_read(body: ChatReadIn, user: CurrentUser, session: SessionDep) -> ChatRead:
    """Mark the other side's messages in the thread as read."""
    return await chat.read(session, user, body.client_id)


@router.get("/chat/unread", response_model=UnreadCount)
async def unread(user: CurrentUser, session: SessionDep) -> UnreadCount:
    """Unread messages for the navigation's badge: a business's from support, a manager's from their businesses,
    an admin's from every business."""
    return UnreadCount(unread=await chat.unread_total(session, user))


@router.get("/chat/contact", response_model=SupportContact, responses=error_responses(Forbidden))
async def contact(business: BusinessUser, session: SessionDep) -> SupportContact:
    """Who answers this business's chat: its manager, or the admins while it has none."""
    return await chat.contact(session, business)


@router.get("/chats", response_model=ChatThreads, responses=error_responses(Forbidden))
async def threads(
    staff: ManagerOrAdmin,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, description="Part of a business's email or name.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ChatThreads:
    """The threads a manager answers (every business assigned to them) or, for an admin, every thread with
    messages; latest activity first, with unread counts."""
    return await chat.threads(session, staff, q=q, limit=limit, offset=offset)


@router.post("/chat/events/ticket", response_model=StreamTicket)
async def stream_ticket(principal: CurrentPrincipal, settings: SettingsDep) -> StreamTicket:
    """A one-minute ticket to open the chat's live stream with (EventSource cannot send an Authorization header)."""
    ticket = encode_token(
        settings.secret_key,
        subject=str(principal.user.id),
        token_type="stream",
        ttl=timedelta(seconds=STREAM_TICKET_SECONDS),
        claims={"sid": str(principal.session_id), "stream": STREAM_NAME},
    )
    return StreamTicket(ticket=ticket, expires_in=STREAM_TICKET_SECONDS)


@router.get(
    "/chat/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}, **error_responses(Unauthorized)},
)
async def events(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    ticket: Annotated[str, Query(min_length=10, max_length=4000, description="From POST /chat/events/ticket")],
) -> StreamingResponse:
    """Server-Sent Events: ``event: support`` with ``{"client_id"}`` whenever a thread the caller sees changes (a
    message written or read). A comment every 15 s keeps proxies from closing the stream."""
    principal = await principal_from_token(session, settings.secret_key, ticket, expected_type="stream")
    if decode_token(settings.secret_key, ticket, expected_type="stream").get("stream") != STREAM_NAME:
        raise Unauthorized(msg("This ticket is for another stream."))
    audience = audience_of(principal.user)
    broker: SupportBroker = request.app.state.support_broker
    queue = await broker.subscribe(audience)

    async def stream() -> AsyncIterator[str]:
        try:
            yield "retry: 3000\n\n"
            while not await request.is_disconnected():
                try:
                    client_id = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
                except TimeoutError:
                    await broker.ensure_listening()
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: support\ndata: {json.dumps({'client_id': client_id})}\n\n"
        finally:
            broker.unsubscribe(audience, queue)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


@router.post("/ai-faq/chat", response_model=FaqAnswer, responses=error_responses(RateLimited))
async def ask_faq(body: FaqQuestion, user: CurrentUser, settings: SettingsDep, db: DatabaseDep) -> FaqAnswer:
    """Answer a question about the platform from the FAQ (docs/faq), in the question's language, citing the entries
    used; a question the FAQ does not cover gets an honest answer pointing to the support chat, with no sources.
    With ``N8N_AI_FAQ_URL`` set, an n8n workflow answers (the built-in engine when it fails). At most
    ``X8_RATE_LIMIT_FAQ_QUESTIONS_PER_MINUTE`` a minute (429)."""
    await hit(
        db,
        keys=[(f"support:faq:{user.id}", settings.rate_limit_faq_questions_per_minute)],
        window_seconds=60,
        what=msg("questions"),
    )
    return await faq.ask(settings, body.message)


@router.get("/ai-faq/status", response_model=FaqStatus)
async def faq_status(user: CurrentUser, settings: SettingsDep) -> FaqStatus:
    return faq.status(settings)


@router.get(
    "/setup-call/slots",
    response_model=SlotList,
    responses=error_responses(Forbidden, NoManager, Unprocessable),
)
async def setup_call_slots(business: BusinessUser, session: SessionDep, start: From = None, to: To = None) -> SlotList:
    """The business's manager's free setup-call slots (at most 62 days), in the manager's time zone; 409
    ``NoManager`` when the business has no manager yet."""
    return SlotList(items=await calls.slots(session, business, start, to))


@router.post(
    "/setup-call",
    status_code=201,
    response_model=SetupCallOut,
    responses=error_responses(Forbidden, NoManager, SlotTaken, Unprocessable),
)
async def book_setup_call(body: SetupCallIn, business: BusinessUser, session: SessionDep) -> SetupCallOut:
    """Book a video call with the business's manager in a free slot; 409 ``SlotTaken`` when it has gone."""
    return await calls.book(session, business, body)


@router.get("/setup-calls", response_model=SetupCallList)
async def setup_calls(user: CurrentUser, session: SessionDep, limit: Limit = 50, offset: Offset = 0) -> SetupCallList:
    """Setup calls, latest first: a business's own, a manager's with their businesses, every call for an admin."""
    return await calls.listed(session, user, limit=limit, offset=offset)


@router.delete("/setup-calls/{call_id}", response_model=SetupCallOut, responses=error_responses(NotFound))
async def cancel_setup_call(call_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> SetupCallOut:
    """Cancel a call (the business or its manager; an admin any): its slot is offered again."""
    return await calls.cancel(session, user, call_id)
