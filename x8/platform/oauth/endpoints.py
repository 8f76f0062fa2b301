"""OAuth sign-in endpoints. State is a signed, short-lived token bound to a browser cookie."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Literal
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from x8.kit import http as provider_http
from x8.kit import oauth_state
from x8.kit.clock import utcnow
from x8.kit.db import SessionDep
from x8.kit.deps import SettingsDep
from x8.kit.errors import BadRequest, NotFound, error_responses
from x8.kit.i18n import Message, language_of, msg
from x8.platform.audit.service import audit
from x8.platform.auth.sessions import start_session
from x8.platform.oauth.providers import PROVIDERS, Identity, OAuthFailed, Provider
from x8.platform.users.models import User
from x8.platform.users.repository import create_user, get_by_email, get_by_provider_subject
from x8.settings import Settings

router = APIRouter(prefix="/api/v1/oauth", tags=["oauth"])

NONCE_COOKIE = "x8_oauth_nonce"
STATE_TTL = timedelta(minutes=10)
ProviderName = Literal["google", "facebook"]


class ProviderStatus(BaseModel):
    name: str
    label: str
    configured: bool
    login_url: str


class ProviderList(BaseModel):
    items: list[ProviderStatus]
    total: int


def _provider(name: str, settings: Settings) -> Provider:
    provider = PROVIDERS.get(name)
    if provider is None:
        raise NotFound(msg("Unknown sign-in provider."))
    if not provider.configured(settings):
        # Not an outage but how this server is set up, so 404 rather than 503.
        raise NotFound(msg("{provider} sign-in is not configured on this server.", provider=provider.label))
    return provider


def _redirect_uri(settings: Settings, provider: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/api/v1/oauth/{provider}/callback"


def _to_frontend(
    settings: Settings,
    path: str,
    *,
    query: dict[str, str] | None = None,
    fragment: dict[str, str] | None = None,
) -> RedirectResponse:
    url = f"{settings.frontend_url.rstrip('/')}{path}"
    if query:
        url += "?" + urlencode(query)
    if fragment:
        url += "#" + urlencode(fragment)
    response = RedirectResponse(url, status_code=302)
    response.delete_cookie(NONCE_COOKIE, path="/api/v1/oauth")
    return response


@router.get("/providers", response_model=ProviderList)
async def providers(settings: SettingsDep) -> ProviderList:
    items = [
        ProviderStatus(
            name=p.name,
            label=p.label,
            configured=p.configured(settings),
            login_url=f"/api/v1/oauth/{p.name}/login",
        )
        for p in PROVIDERS.values()
    ]
    return ProviderList(items=items, total=len(items))


@router.get("/{provider}/login", status_code=302, responses=error_responses(NotFound))
async def login(provider: ProviderName, settings: SettingsDep) -> RedirectResponse:
    """Start sign-in: redirect to the provider with a signed state bound to a cookie."""
    chosen = _provider(provider, settings)
    nonce = secrets.token_urlsafe(24)
    state = oauth_state.issue(settings.secret_key, provider, {"nonce": nonce}, ttl=STATE_TTL)
    response = RedirectResponse(
        chosen.authorize_url(settings, _redirect_uri(settings, provider), state), status_code=302
    )
    response.set_cookie(
        NONCE_COOKIE,
        nonce,
        max_age=int(STATE_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.public_base_url.startswith("https"),
        path="/api/v1/oauth",
    )
    return response


def _check_state(settings: Settings, provider: str, state: str | None, cookie: str | None) -> None:
    if not state or not cookie:
        raise BadRequest(msg("The sign-in request is missing its state. Start the sign-in again."))
    claims = oauth_state.read(settings.secret_key, provider, state)
    if claims is None:
        raise BadRequest(msg("The sign-in state is invalid or expired. Start the sign-in again."))
    if not hmac.compare_digest(str(claims.get("nonce")), cookie):
        raise BadRequest(msg("The sign-in state does not match this browser. Start the sign-in again."))


async def _find_or_create(session: SessionDep, identity: Identity) -> User:
    user = await get_by_provider_subject(session, identity.provider, identity.subject)
    if user is not None:
        return user
    if not identity.email or not identity.email_verified:
        raise OAuthFailed(
            msg(
                "Your {provider} account has no verified email, so we cannot sign you in with it. Register with "
                "your email instead.",
                provider=identity.provider.title(),
            )
        )
    user = await get_by_email(session, identity.email)
    if user is None:
        user = await create_user(
            session,
            email=identity.email,
            password=None,
            full_name=identity.name or identity.email.split("@")[0],
        )
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    if identity.provider == "google":
        user.google_sub = identity.subject
    else:
        user.facebook_id = identity.subject
    return user


@router.get("/{provider}/callback", status_code=302, responses=error_responses(BadRequest, NotFound))
async def callback(
    provider: ProviderName,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> RedirectResponse:
    """Finish sign-in: check state, exchange the code, link by verified email, hand tokens over."""
    chosen = _provider(provider, settings)
    _check_state(settings, provider, state, request.cookies.get(NONCE_COOKIE))
    language = language_of(request)

    def failed(problem: Message) -> RedirectResponse:
        return _to_frontend(settings, "/login", query={"oauth_error": problem.render(language)})

    if error or not code:
        return failed(msg("{provider} sign-in was cancelled.", provider=chosen.label))
    try:
        identity = await chosen.identify(settings, provider_http.client(), code, _redirect_uri(settings, provider))
        user = await _find_or_create(session, identity)
    except OAuthFailed as exc:
        return failed(exc.message)
    except httpx.HTTPError:
        return failed(msg("{provider} is not answering right now. Try again.", provider=chosen.label))
    if not user.is_active:
        return failed(msg("This account is disabled."))
    tokens = await start_session(session, settings.secret_key, user, request)
    await audit(session, request, user.id, f"auth.oauth_{provider}", ("user", user.id))
    return _to_frontend(
        settings,
        "/oauth/complete",
        fragment={"access_token": tokens.access_token, "refresh_token": tokens.refresh_token},
    )
