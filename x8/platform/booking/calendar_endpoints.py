"""Connecting a company's Google Calendar (SPEC.md §11, PROVIDERS.md §5): ``auth`` gives the URL to send the
browser to, Google sends it back to ``callback`` (which keeps the tokens sealed, then redirects to the dashboard's
Calendar page), and ``status`` says whether a calendar is connected and the last error a call had.

The state is a signed, short-lived token naming the company and the user who asked; the callback needs no session
(Google's redirect carries none) and trusts only that signature.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from x8.integrations.google import GoogleError, GoogleNotConfigured, GoogleOAuth, GoogleTokens
from x8.kit import oauth_state
from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, Forbidden, NotFound, ServiceUnavailable, error_responses
from x8.kit.i18n import msg
from x8.platform import google_connect
from x8.platform.auth.deps import CurrentUser
from x8.platform.booking import calendar_store
from x8.platform.booking.calendar import SCOPES
from x8.platform.companies.models import Company
from x8.platform.companies.scope import VisibleCompany
from x8.platform.companies.service import get_editable
from x8.settings import Settings
from x8.tenancy.session import tenant_session

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/integrations/google-calendar", tags=["booking"])

STATE_SUBJECT = "google-calendar"


class CalendarCompanyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company_id: uuid.UUID


class AuthUrl(BaseModel):
    url: str


class Disconnected(BaseModel):
    revoked: bool = Field(
        description="Google ended the access too. False when no calendar was connected, Google is not set up here, or"
        " Google could not be reached: the tokens are dropped all the same, and the person can remove the access in"
        " their Google account."
    )


class CalendarStatus(BaseModel):
    connected: bool
    calendar_id: str | None
    last_error: str | None


def _redirect_uri(settings: Settings) -> str:
    return google_connect.callback_uri(settings, "/api/v1/integrations/google-calendar/callback")


def _to_calendar_page(settings: Settings, company_id: uuid.UUID | None, outcome: str) -> RedirectResponse:
    return google_connect.back_to(settings, "calendar", "google_calendar", outcome, company_id)


@router.post("/auth", response_model=AuthUrl, responses=error_responses(Forbidden, NotFound, ServiceUnavailable))
async def auth(body: CalendarCompanyIn, settings: SettingsDep, user: CurrentUser, session: SessionDep) -> AuthUrl:
    """Where to send the business to allow access to its calendar (offline access: events and free/busy)."""
    company = await get_editable(session, user, body.company_id)
    await session.commit()
    state = oauth_state.issue_for_company(settings.secret_key, STATE_SUBJECT, company.id, user.id)
    url = google_connect.oauth(settings).authorization_url(
        redirect_uri=_redirect_uri(settings), state=state, scopes=SCOPES, offline=True
    )
    return AuthUrl(url=url)


@router.get("/callback", status_code=302, responses=error_responses(BadRequest))
async def callback(
    settings: SettingsDep,
    db: DatabaseDep,
    session: SessionDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> RedirectResponse:
    """Google's redirect back: exchange the code, keep the tokens sealed, and go back to the Calendar page."""
    if not state:
        raise BadRequest(msg("The calendar connection is missing its state. Connect the calendar again."))
    named = oauth_state.read_company(settings.secret_key, STATE_SUBJECT, state)
    if named is None:
        raise BadRequest(msg("The calendar connection expired or is invalid. Connect the calendar again."))
    company_id, _ = named
    if await session.get(Company, company_id) is None:
        raise BadRequest(msg("The calendar connection expired or is invalid. Connect the calendar again."))
    await session.commit()
    if error or not code:
        return _to_calendar_page(settings, company_id, "denied")
    try:
        tokens = await google_connect.oauth(settings).exchange_code(code, _redirect_uri(settings))
    except GoogleError:
        return _to_calendar_page(settings, company_id, "failed")
    await calendar_store.keep_tokens(db, settings, company_id, tokens)
    async with tenant_session(db, company_id) as tenant:
        await calendar_store.connect(tenant)
    return _to_calendar_page(settings, company_id, "connected")


@router.get("/status", response_model=CalendarStatus, responses=error_responses(NotFound))
async def status(scope: VisibleCompany, settings: SettingsDep) -> CalendarStatus:
    """Whether the company's Google Calendar is connected, and the last error a calendar call had."""
    tokens = await calendar_store.tokens_of(scope.db, settings, scope.id)
    async with scope.tenant() as session:
        connection = await calendar_store.load(session, tokens)
    if connection is None:
        return CalendarStatus(connected=False, calendar_id=None, last_error=None)
    return CalendarStatus(connected=True, calendar_id=connection.calendar_id, last_error=connection.last_error)


@router.post("/disconnect", response_model=Disconnected, responses=error_responses(Forbidden, NotFound))
async def disconnect(
    body: CalendarCompanyIn, settings: SettingsDep, user: CurrentUser, session: SessionDep, db: DatabaseDep
) -> Disconnected:
    """Stop using the company's Google Calendar: revoke the access at Google, then drop the tokens. Bookings keep
    their events' ids, but nothing is synced or read from the calendar any more. Disconnecting twice is harmless."""
    company = await get_editable(session, user, body.company_id)
    await session.commit()
    tokens = await calendar_store.tokens_of(db, settings, company.id)
    async with tenant_session(db, company.id) as tenant:
        connection = await calendar_store.load(tenant, tokens)
    revoked = connection is not None and await _revoke(settings, connection.tokens, company.id)
    async with tenant_session(db, company.id) as tenant:
        await calendar_store.disconnect(tenant)
    await calendar_store.forget_tokens(db, company.id)
    return Disconnected(revoked=revoked)


async def _revoke(settings: Settings, tokens: GoogleTokens, company_id: uuid.UUID) -> bool:
    """Revoke at Google (outside any transaction); whether it worked. A failure does not keep the tokens: the
    business asked to stop, and a grant we no longer hold is harmless to it."""
    try:
        await GoogleOAuth(settings).revoke(tokens)
    except GoogleNotConfigured:
        return False
    except GoogleError as failure:
        log.warning("revoking company %s's Google Calendar access failed: %s", company_id, failure.code)
        return False
    return True
