"""The Meta login API (SPEC.md R-CH4): ``/api/v1/integrations/meta/login``, ``callback``, ``pages``, ``connect``.

The callback is Meta's redirect of the person's browser: it carries no session, trusts only the signed state, and
ends on the dashboard's Integrations page with ``meta=<outcome>`` in the query (``connected``, ``choose``,
``no_pages``, ``denied`` or ``failed``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from x8.channel_adapters.base import ProviderError
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, Forbidden, NotFound, PaymentRequired, ServiceUnavailable, X8Error, error_responses
from x8.kit.i18n import msg
from x8.platform.auth.deps import CurrentUser
from x8.platform.channels.meta_connect import (
    MetaPlatform,
    complete_login,
    connect_chosen,
    decode_state,
    login_url,
    pending_pages,
)
from x8.platform.channels.schemas import ConnectOut
from x8.platform.companies.service import get_editable
from x8.settings import Settings

router = APIRouter(prefix="/api/v1/integrations/meta", tags=["integrations"])
log = logging.getLogger(__name__)
ERRORS = error_responses(BadRequest, Forbidden, NotFound, PaymentRequired, ServiceUnavailable)


class LoginUrl(BaseModel):
    url: str


class PageOut(BaseModel):
    id: str
    name: str
    instagram_id: str | None = Field(description="The page's Instagram professional account, if one is linked.")


class PendingPages(BaseModel):
    platform: MetaPlatform
    expires_at: datetime
    pages: list[PageOut]


class MetaConnectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company_id: uuid.UUID
    page_id: str = Field(min_length=1, max_length=64, pattern=r"^[0-9]+$")
    platform: MetaPlatform


def _to_integrations(settings: Settings, company_id: uuid.UUID, outcome: str, platform: str) -> RedirectResponse:
    query = {"company": str(company_id), "meta": outcome, "platform": platform}
    return RedirectResponse(f"{settings.frontend_url.rstrip('/')}/integrations?{urlencode(query)}", status_code=302)


@router.get("/login", response_model=LoginUrl, responses=ERRORS)
async def login(
    company_id: uuid.UUID, platform: MetaPlatform, user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> LoginUrl:
    """Where to send the business to log in with Facebook (or for Instagram): Meta's login dialog for the pool app
    this business keeps (given the least-loaded live one on its first login). 503 when the pool has none."""
    return LoginUrl(url=await login_url(db, settings, user, company_id, platform))


@router.get("/callback", status_code=302, responses=error_responses(BadRequest, NotFound))
async def callback(
    request: Request,
    db: DatabaseDep,
    settings: SettingsDep,
    state: Annotated[str | None, Query(max_length=4000)] = None,
    code: Annotated[str | None, Query(max_length=4000)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> RedirectResponse:
    """Meta's redirect back: exchange the code with the app's secret, read the pages, connect the one page or keep
    several for the business to choose, and go back to the Integrations page."""
    login = decode_state(settings, state)
    if error or not code:
        return _to_integrations(settings, login.company_id, "denied", login.platform)
    try:
        outcome = await complete_login(db, settings, request, code, login)
    except (ProviderError, X8Error) as exc:
        if isinstance(exc, NotFound):
            raise
        log.warning("the Meta login of company %s failed: %s", login.company_id, exc)
        return _to_integrations(settings, login.company_id, "failed", login.platform)
    return _to_integrations(settings, outcome.company_id, outcome.result, outcome.platform)


@router.get("/pages", response_model=PendingPages, responses=error_responses(Forbidden, NotFound))
async def pages(company_id: uuid.UUID, user: CurrentUser, db: DatabaseDep, settings: SettingsDep) -> PendingPages:
    """The pages of the company's last Facebook login, to choose the one to connect (kept for 30 minutes)."""
    async with db.sessions() as session:
        await get_editable(session, user, company_id)
    pending = await pending_pages(db, settings, company_id)
    return PendingPages(
        platform=pending.platform,
        expires_at=pending.expires_at,
        pages=[PageOut(id=p.id, name=p.name, instagram_id=p.instagram_id) for p in pending.pages],
    )


@router.post("/connect", response_model=ConnectOut, responses=ERRORS)
async def connect(
    body: MetaConnectIn, request: Request, user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> ConnectOut:
    """Connect the chosen page: its token goes to the vault and the page is subscribed to the app."""
    try:
        channel = await connect_chosen(db, settings, request, user, body.company_id, body.page_id, body.platform)
    except ProviderError as exc:
        if not exc.retryable:
            raise BadRequest(exc.message) from exc
        raise ServiceUnavailable(msg("{reason} Please try again in a moment.", reason=exc.message)) from exc
    return ConnectOut(channel_id=channel.id, platform=channel.platform, status=channel.status)
