"""Google and Facebook sign-in, authorization-code flow (R-A4). Base URLs come from settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import httpx

from x8.integrations.google import GoogleApi, GoogleOAuth, GoogleRefused, GoogleUnavailable
from x8.kit.i18n import UserFacingError, msg
from x8.settings import Settings


class OAuthFailed(UserFacingError):
    """The provider refused or could not be reached; the message is safe to show."""


@dataclass(frozen=True)
class Identity:
    provider: str
    subject: str
    email: str | None
    email_verified: bool
    name: str


class Provider(Protocol):
    name: str
    label: str

    def configured(self, settings: Settings) -> bool: ...

    def authorize_url(self, settings: Settings, redirect_uri: str, state: str) -> str: ...

    async def identify(
        self, settings: Settings, client: httpx.AsyncClient, code: str, redirect_uri: str
    ) -> Identity: ...


def _json(response: httpx.Response, what: str) -> dict[str, object]:
    if response.status_code >= 500:
        raise OAuthFailed(msg("{what} is not answering right now. Try again in a moment.", what=what))
    try:
        data = response.json()
    except ValueError as exc:
        raise OAuthFailed(msg("{what} sent an answer we could not read.", what=what)) from exc
    if response.status_code >= 400 or not isinstance(data, dict):
        raise OAuthFailed(msg("{what} refused the sign-in. Please try again.", what=what))
    return data


class Google:
    """Sign-in through the shared Google client (``x8.integrations.google``): online access, no refresh token."""

    name = "google"
    label = "Google"
    scopes = ("openid", "email", "profile")

    def configured(self, settings: Settings) -> bool:
        return bool(settings.google_client_id and settings.google_client_secret)

    def authorize_url(self, settings: Settings, redirect_uri: str, state: str) -> str:
        return GoogleOAuth(settings).authorization_url(
            redirect_uri=redirect_uri, state=state, scopes=self.scopes, offline=False, prompt="select_account"
        )

    async def identify(self, settings: Settings, client: httpx.AsyncClient, code: str, redirect_uri: str) -> Identity:
        # ``client`` (the shared one) is not used: the Google client brings its own, with Authlib.
        oauth = GoogleOAuth(settings)
        try:
            tokens = await oauth.exchange_code(code, redirect_uri)
            async with GoogleApi(oauth, tokens) as api:
                info = await api.request_json("GET", f"{settings.google_api_url.rstrip('/')}/oauth2/v3/userinfo")
        except GoogleUnavailable as exc:
            raise OAuthFailed(exc.message) from exc
        except GoogleRefused as exc:
            raise OAuthFailed(msg("Google refused the sign-in. Please try again.")) from exc
        if not isinstance(info.get("sub"), str):
            raise OAuthFailed(msg("Google sent no account id."))
        email = info.get("email")
        return Identity(
            provider=self.name,
            subject=str(info["sub"]),
            email=email.lower() if isinstance(email, str) else None,
            email_verified=info.get("email_verified") is True,
            name=str(info.get("name") or ""),
        )


class Facebook:
    name = "facebook"
    label = "Facebook"

    def configured(self, settings: Settings) -> bool:
        return bool(settings.facebook_client_id and settings.facebook_client_secret)

    def _graph(self, settings: Settings) -> str:
        return f"{settings.meta_graph_url.rstrip('/')}/{settings.meta_graph_version}"

    def authorize_url(self, settings: Settings, redirect_uri: str, state: str) -> str:
        query = urlencode(
            {
                "client_id": settings.facebook_client_id,
                "redirect_uri": redirect_uri,
                "state": state,
                "scope": "email,public_profile",
                "response_type": "code",
            }
        )
        return f"{settings.facebook_oauth_url.rstrip('/')}/{settings.meta_graph_version}/dialog/oauth?{query}"

    async def identify(self, settings: Settings, client: httpx.AsyncClient, code: str, redirect_uri: str) -> Identity:
        token = _json(
            await client.get(
                f"{self._graph(settings)}/oauth/access_token",
                params={
                    "client_id": settings.facebook_client_id,
                    "client_secret": settings.facebook_client_secret,
                    "redirect_uri": redirect_uri,
                    "code": code,
                },
            ),
            "Facebook",
        )
        access_token = token.get("access_token")
        if not isinstance(access_token, str):
            raise OAuthFailed(msg("Facebook sent no access token."))
        me = _json(
            await client.get(
                f"{self._graph(settings)}/me",
                params={
                    "fields": "id,name,email",
                    "access_token": access_token,
                },
            ),
            "Facebook",
        )
        if not isinstance(me.get("id"), str):
            raise OAuthFailed(msg("Facebook sent no account id."))
        email = me.get("email")
        # Facebook only returns an email the person has confirmed.
        return Identity(
            provider=self.name,
            subject=str(me["id"]),
            email=email.lower() if isinstance(email, str) else None,
            email_verified=isinstance(email, str),
            name=str(me.get("name") or ""),
        )


PROVIDERS: dict[str, Provider] = {"google": Google(), "facebook": Facebook()}
