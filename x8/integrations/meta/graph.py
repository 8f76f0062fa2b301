"""Meta's Graph API (PROVIDERS.md §3) over httpx to ``META_GRAPH_URL/<META_GRAPH_VERSION>``: the login's code
exchange, the user's pages, page subscriptions and the Send API.

Graph answers errors as ``{"error":{"message","type","code","fbtrace_id"}}``; each becomes a ``GraphError`` that
says what it means for the channel (``kind``) and whether a retry can help.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

from x8.channel_adapters.base import ProviderError
from x8.kit import http as provider_http
from x8.kit.i18n import Message, msg
from x8.settings import Settings

# What the platform's page subscription asks Meta for: without message_echoes the business's own replies from its
# inbox are never seen (they pause the bot).
SUBSCRIBED_FIELDS = "messages,messaging_postbacks,message_echoes"


class GraphFailure(StrEnum):
    TOKEN = "token"  # 190: the page token expired or was revoked: the business must log in again
    RATE = "rate"  # 613 (and 4, 17, 32): too many calls; later
    RECIPIENT = "recipient"  # 551: the person cannot be reached now
    PERMISSION = "permission"  # 10, 200, 230: the app lacks a permission or the person has not messaged the page
    OTHER = "other"


_FAILURES = {
    190: GraphFailure.TOKEN,
    4: GraphFailure.RATE,
    17: GraphFailure.RATE,
    32: GraphFailure.RATE,
    613: GraphFailure.RATE,
    551: GraphFailure.RECIPIENT,
    10: GraphFailure.PERMISSION,
    200: GraphFailure.PERMISSION,
    230: GraphFailure.PERMISSION,
}


class GraphError(ProviderError):
    def __init__(self, message: Message, *, code: int | None, failure: GraphFailure, http_status: int | None) -> None:
        retryable = failure == GraphFailure.RATE or http_status is None or http_status == 429 or http_status >= 500
        super().__init__(message, retryable=retryable, status=http_status)
        self.code = code
        self.failure = failure


def _explain(failure: GraphFailure, code: int | None, text: str) -> Message:
    if failure == GraphFailure.TOKEN:
        return msg("Meta: the page's access has expired or was revoked (code 190). Log in with Facebook again.")
    if failure == GraphFailure.RATE:
        return msg("Meta: too many messages at once (code {code}); they will be retried.", code=code)
    if failure == GraphFailure.RECIPIENT:
        return msg("Meta: this person cannot be reached right now (code 551).")
    if failure == GraphFailure.PERMISSION:
        return msg(
            "Meta: the app is not allowed to do this (code {code}): {text}. Check the page's permissions and log "
            "in again.",
            code=code,
            text=text,
        )
    return msg("Meta: {text}", text=text)


def _error_of(response: httpx.Response) -> GraphError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    raw_code = error.get("code")
    code = raw_code if isinstance(raw_code, int) else None
    text = str(error.get("message") or f"HTTP {response.status_code}")[:300]
    failure = _FAILURES.get(code, GraphFailure.OTHER) if code is not None else GraphFailure.OTHER
    return GraphError(_explain(failure, code, text), code=code, failure=failure, http_status=response.status_code)


@dataclass(frozen=True)
class Page:
    """A Facebook Page the person manages, with its page token and its Instagram professional account, if any."""

    id: str
    name: str
    access_token: str
    instagram_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "access_token": self.access_token, "instagram_id": self.instagram_id}

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> Page:
        return cls(str(value["id"]), str(value["name"]), str(value["access_token"]), value.get("instagram_id"))


class Graph:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._base = f"{settings.meta_graph_url.rstrip('/')}/{settings.meta_graph_version}"

    async def _call(
        self, method: str, path: str, *, params: dict[str, str] | None = None, body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            response = await provider_http.client().request(
                method,
                f"{self._base}/{path.lstrip('/')}",
                params=params,
                json=body,
                timeout=provider_http.timeout(self._settings.provider_timeout_seconds),
            )
        except httpx.TimeoutException as exc:
            raise GraphError(
                msg("Meta did not answer in time."), code=None, failure=GraphFailure.OTHER, http_status=None
            ) from exc
        except httpx.TransportError as exc:
            raise GraphError(
                msg("Meta could not be reached."), code=None, failure=GraphFailure.OTHER, http_status=None
            ) from exc
        if response.status_code >= 300:
            raise _error_of(response)
        try:
            answer = response.json()
        except ValueError as exc:
            raise GraphError(
                msg("Meta answered something that is not JSON."), code=None, failure=GraphFailure.OTHER, http_status=502
            ) from exc
        return answer if isinstance(answer, dict) else {}

    async def exchange_code(self, client_id: str, client_secret: str, redirect_uri: str, code: str) -> str:
        """The user access token for the login's ``code``."""
        answer = await self._call(
            "GET",
            "oauth/access_token",
            params={"client_id": client_id, "client_secret": client_secret, "redirect_uri": redirect_uri, "code": code},
        )
        token = answer.get("access_token")
        if not isinstance(token, str) or not token:
            raise GraphError(
                msg("Meta gave no access token for this login."), code=None, failure=GraphFailure.OTHER, http_status=502
            )
        return token

    async def user_id(self, user_token: str) -> str:
        """The person's app-scoped id (what Meta's data-deletion requests name)."""
        return str((await self._call("GET", "me", params={"fields": "id", "access_token": user_token})).get("id", ""))

    async def pages(self, user_token: str) -> list[Page]:
        answer = await self._call(
            "GET",
            "me/accounts",
            params={"fields": "id,name,access_token,instagram_business_account", "access_token": user_token},
        )
        pages = []
        for item in answer.get("data") or []:
            if not isinstance(item, dict) or not item.get("id") or not item.get("access_token"):
                continue
            instagram = item.get("instagram_business_account")
            instagram_id = str(instagram["id"]) if isinstance(instagram, dict) and instagram.get("id") else None
            name = str(item.get("name") or item["id"])[:200]
            pages.append(Page(str(item["id"]), name, str(item["access_token"]), instagram_id))
        return pages

    async def subscribe(self, page_id: str, page_token: str) -> None:
        await self._call(
            "POST",
            f"{page_id}/subscribed_apps",
            params={"subscribed_fields": SUBSCRIBED_FIELDS, "access_token": page_token},
        )

    async def unsubscribe(self, page_id: str, page_token: str) -> None:
        await self._call("DELETE", f"{page_id}/subscribed_apps", params={"access_token": page_token})

    async def revoke_login(self, meta_user_id: str, app_id: str, app_secret: str) -> None:
        """End the person's whole login to the app (every user and page token it gave), with the app's own token."""
        await self._call("DELETE", f"{meta_user_id}/permissions", params={"access_token": f"{app_id}|{app_secret}"})

    async def send_text(self, page_id: str, page_token: str, recipient: str, text: str) -> str:
        """Send one message (at most 2,000 characters) as a reply inside the 24-hour window; Meta's message id."""
        answer = await self._call(
            "POST",
            f"{page_id}/messages",
            params={"access_token": page_token},
            body={"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": {"text": text}},
        )
        return str(answer.get("message_id") or "")

    async def check_token(self, page_token: str) -> None:
        await self._call("GET", "me", params={"fields": "id", "access_token": page_token})
