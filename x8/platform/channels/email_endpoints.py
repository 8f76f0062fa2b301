"""Connecting the email channel and Gmail's push (SPEC.md R-CH5, "Shapes and flows" Gmail and Any mailbox).

- ``POST /api/v1/integrations/gmail/auth`` gives the Google URL (Gmail scopes, offline access, a signed state
  naming the company and the user); Google sends the browser back to ``GET …/gmail/callback``, which keeps the
  tokens in the vault, reads the address and starts the watch, then goes back to the Integrations page.
- ``POST /api/v1/integrations/email/connect`` connects any mailbox once both its IMAP and SMTP logins work.
- ``POST /api/v1/webhooks/gmail?token=`` takes Pub/Sub's push: the token is the shared secret ``GMAIL_PUSH_TOKEN``
  (missing 401, wrong 403); a push is stored once by its Pub/Sub ``messageId`` and read by a job.

Both connects go through ``x8.platform.channels.service.connect`` (plan limits, the vault, the audit log), which
calls the provider with no transaction open.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from x8.channel_adapters.base import ChannelStatus, ProviderError
from x8.channel_adapters.email import GMAIL, MAILBOX
from x8.integrations.gmail.client import SCOPES
from x8.integrations.google import GoogleError
from x8.kit import oauth_state
from x8.kit.db import Database, SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PaymentRequired,
    ServiceUnavailable,
    Unauthorized,
    X8Error,
    error_responses,
)
from x8.kit.i18n import msg
from x8.platform import google_connect
from x8.platform.auth.deps import CurrentUser
from x8.platform.channels import email_book, service
from x8.platform.channels.email_tasks import PUSH_SOURCE, sync_lock
from x8.platform.channels.models import Channel
from x8.platform.channels.schemas import ConnectOut
from x8.platform.companies.service import get_editable
from x8.platform.inbox import tasks as inbox_tasks
from x8.platform.inbox.repository import IncomingEvent
from x8.platform.users.models import User
from x8.settings import Settings

assert email_book is not None  # imported for its side effect: the email adapter's book

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/integrations", tags=["integrations"])
webhooks = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"])

STATE_SUBJECT = "gmail"
CONNECT_ERRORS = error_responses(BadRequest, Forbidden, NotFound, PaymentRequired, ServiceUnavailable)
Host = Annotated[str, Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
Port = Annotated[int, Field(ge=1, le=65535)]
Security = Literal["ssl", "starttls", "none"]


class GmailAuthIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company_id: uuid.UUID


class AuthUrl(BaseModel):
    url: str


class MailboxConnectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company_id: uuid.UUID
    address: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    imap_host: Host
    imap_port: Port = 993
    imap_security: Security = "ssl"
    smtp_host: Host
    smtp_port: Port = 587
    smtp_security: Security = "starttls"
    username: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1000, repr=False)


class PushOk(BaseModel):
    ok: bool


# --- Gmail: OAuth ---


def _redirect_uri(settings: Settings) -> str:
    return google_connect.callback_uri(settings, "/api/v1/integrations/gmail/callback")


def _to_integrations(settings: Settings, company_id: uuid.UUID | None, outcome: str) -> RedirectResponse:
    return google_connect.back_to(settings, "integrations", "gmail", outcome, company_id)


@router.post("/gmail/auth", response_model=AuthUrl, responses=error_responses(Forbidden, NotFound, ServiceUnavailable))
async def gmail_auth(body: GmailAuthIn, settings: SettingsDep, user: CurrentUser, session: SessionDep) -> AuthUrl:
    """Where to send the business to let the platform read and answer its Gmail (offline access)."""
    company = await get_editable(session, user, body.company_id)
    await session.commit()
    state = oauth_state.issue_for_company(settings.secret_key, STATE_SUBJECT, company.id, user.id)
    url = google_connect.oauth(settings).authorization_url(
        redirect_uri=_redirect_uri(settings), state=state, scopes=SCOPES, offline=True, prompt="consent"
    )
    return AuthUrl(url=url)


def _claims(settings: Settings, state: str | None) -> tuple[uuid.UUID, uuid.UUID]:
    named = oauth_state.read_company(settings.secret_key, STATE_SUBJECT, state)
    if named is None:
        raise BadRequest(msg("The Gmail connection expired or is invalid. Connect Gmail again."))
    return named


@router.get("/gmail/callback", status_code=302, responses=error_responses(BadRequest))
async def gmail_callback(
    request: Request,
    settings: SettingsDep,
    db: DatabaseDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> RedirectResponse:
    """Google's redirect back: exchange the code, connect the channel (address, watch), and go back to the
    Integrations page with ``gmail=connected|denied|failed|refused``."""
    company_id, user_id = _claims(settings, state)
    async with db.sessions() as session:
        user = await session.get(User, user_id)
    if user is None:
        raise BadRequest(msg("The Gmail connection expired or is invalid. Connect Gmail again."))
    if error or not code:
        return _to_integrations(settings, company_id, "denied")
    try:
        tokens = await google_connect.oauth(settings).exchange_code(code, _redirect_uri(settings))
    except GoogleError as exc:
        log.warning("the Gmail code exchange for company %s failed: %s", company_id, exc.code)
        return _to_integrations(settings, company_id, "failed")
    given = {"provider": GMAIL, "tokens": tokens.to_dict()}
    try:
        await service.connect(db, settings, request, user, company_id, "email", given)
    except ProviderError as exc:
        log.warning("connecting Gmail for company %s failed: %s", company_id, exc)
        return _to_integrations(settings, company_id, "failed")
    except X8Error as exc:  # refused by Gmail, beyond the plan, no longer allowed to edit the company
        log.info("connecting Gmail for company %s was refused: %s", company_id, exc)
        return _to_integrations(settings, company_id, "refused")
    return _to_integrations(settings, company_id, "connected")


# --- any mailbox ---


@router.post("/email/connect", response_model=ConnectOut, responses=CONNECT_ERRORS)
async def connect_mailbox(
    body: MailboxConnectIn, request: Request, user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> ConnectOut:
    """Check the IMAP and the SMTP login (400 naming which failed, nothing stored), keep the password in the
    vault, and read the inbox from now on."""
    given: dict[str, Any] = {"provider": MAILBOX, **body.model_dump(exclude={"company_id"})}
    given["address"] = body.address.lower()
    try:
        channel = await service.connect(db, settings, request, user, body.company_id, "email", given)
    except ProviderError as exc:
        raise ServiceUnavailable(msg("{reason} Please try again in a moment.", reason=exc.message)) from exc
    return ConnectOut(channel_id=channel.id, platform=channel.platform, status=channel.status)


# --- Gmail: Pub/Sub push ---


def _check_token(settings: Settings, token: str | None) -> None:
    if not token:
        raise Unauthorized(msg("The Gmail push token is missing."))
    expected = settings.gmail_push_token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Forbidden(msg("The Gmail push token is wrong."))


def _notification(envelope: object) -> tuple[str, str, str]:
    """(Pub/Sub messageId, emailAddress, historyId) of a push, or 400."""
    bad = BadRequest(msg("This is not a Gmail push notification."))
    message = envelope.get("message") if isinstance(envelope, dict) else None
    if not isinstance(message, dict):
        raise bad
    message_id, data = message.get("messageId") or message.get("message_id"), message.get("data")
    if not isinstance(message_id, str) or not message_id or not isinstance(data, str):
        raise bad
    try:
        decoded = json.loads(base64.b64decode(data + "=" * (-len(data) % 4), altchars=b"-_"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    address, history = (
        (decoded.get(k) for k in ("emailAddress", "historyId")) if isinstance(decoded, dict) else (None, None)
    )
    if not isinstance(address, str) or not isinstance(history, int | str):
        raise bad
    return message_id[:200], address.lower(), str(history)


async def _gmail_channel(db: Database, address: str) -> Channel | None:
    async with db.sessions() as session:
        query = select(Channel).where(
            Channel.platform == "email",
            Channel.status != ChannelStatus.DISCONNECTED,
            Channel.config["provider"].astext == GMAIL,
            func.lower(Channel.config["address"].astext) == address,
        )
        return (await session.execute(query.limit(1))).scalar_one_or_none()


@webhooks.post(
    "/gmail",
    response_model=PushOk,
    responses=error_responses(BadRequest, Unauthorized, Forbidden),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "Pub/Sub's push envelope.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def gmail_push(
    request: Request, db: DatabaseDep, settings: SettingsDep, token: Annotated[str | None, Query()] = None
) -> PushOk:
    """Gmail says a mailbox changed. Stored once per Pub/Sub ``messageId`` and acknowledged at once; a job then
    reads the mailbox's history. A push for a mailbox no channel has is acknowledged and stored nowhere."""
    _check_token(settings, token)
    try:
        envelope = json.loads(await request.body())
    except (ValueError, RecursionError):
        raise BadRequest(msg("This is not a Gmail push notification.")) from None
    message_id, address, history_id = _notification(envelope)
    channel = await _gmail_channel(db, address)
    if channel is None:
        log.info("a Gmail push for a mailbox no channel has was acknowledged")
        return PushOk(ok=True)
    await inbox_tasks.store(
        IncomingEvent(
            source=PUSH_SOURCE,
            external_id=f"{channel.id}:{message_id}",
            payload={"emailAddress": address, "historyId": history_id, "messageId": message_id},
            channel_id=channel.id,
            lock=sync_lock(channel.id),
        )
    )
    return PushOk(ok=True)
