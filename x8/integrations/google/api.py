"""Authorised calls to Google's APIs with one account's tokens: Calendar (``GOOGLE_API_URL/calendar/v3/…``), Gmail
(``GMAIL_API_URL/gmail/v1/…``), userinfo.

- Before a call, an access token that expires within ``EXPIRY_LEEWAY`` (60 s) is refreshed (Authlib's
  ``ensure_active_token``). When Google still answers 401 (revoked early, clock skew), the token is refreshed once
  and the call retried once; a second 401 is ``GoogleRefused(reconnect=True)``, never a loop.
- ``on_refresh(tokens)`` is awaited after every refresh, outside the error handling, so the caller can store the new
  tokens (the vault); if it raises, the call fails with its exception. ``api.tokens`` is always the current pair.
- Errors: ``GoogleUnavailable`` for timeouts, refused connections, 5xx, 429 and Google's rate-limit 403s (the
  failure window, keyed by the API's origin, then fails fast); ``GoogleRefused`` for other 4xx with Google's
  ``reason`` as ``code`` and the HTTP ``status`` (Gmail's stale ``startHistoryId`` is ``status == 404``).

Use one per unit of work and close it (``async with GoogleApi(oauth, tokens, on_refresh=store) as api``): it owns
an httpx connection pool. Concurrent calls on one instance share one refresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from x8.integrations.google.oauth import (
    RATE_LIMITED,
    RECONNECT,
    UNREADABLE,
    GoogleOAuth,
    GoogleRefused,
    GoogleTokens,
    GoogleUnavailable,
    OnRefresh,
    fail_fast,
    guarded,
)
from x8.kit.i18n import msg

# Google answers quota and rate limits with 403 and one of these reasons: they pass, so they are not refusals.
RATE_LIMIT_REASONS: Final = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})

_MESSAGES: Final = {
    400: msg("Google did not accept the request."),
    403: msg(
        "Google did not allow this for the connected account; it may need to be connected again with more access."
    ),
    404: msg("Google could not find what was asked for."),
}
_UNAUTHORIZED = msg("Google no longer accepts this account's access. Connect the Google account again.")


def api_origin(url: str) -> str:
    """The failure window's key for an API address: its scheme, host and port."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("a Google API call needs an absolute http(s) URL")
    return f"{parts.scheme}://{parts.netloc}"


def _error(response: httpx.Response) -> tuple[str | None, str | None]:
    """Google's ``{"error": {"message", "status", "errors": [{"reason"}]}}``: (reason, message)."""
    try:
        body = response.json()
    except ValueError:
        return None, None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return (error if isinstance(error, str) else None), None
    reason = None
    errors = error.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = errors[0].get("reason")
    reason = reason if isinstance(reason, str) else error.get("status")
    message = error.get("message")
    return (reason if isinstance(reason, str) else None), (message if isinstance(message, str) else None)


def _raise_for(response: httpx.Response) -> None:
    """Turn anything but a 2xx or a 401 (handled by the caller) into our exceptions."""
    status = response.status_code
    if status < 300 or status == 401:
        return
    if status >= 500:
        raise GoogleUnavailable(status=status)
    reason, message = _error(response)
    if status == 429 or (status == 403 and reason in RATE_LIMIT_REASONS):
        raise GoogleUnavailable(RATE_LIMITED, code=reason or "rate_limited", status=status)
    raise GoogleRefused(
        _MESSAGES.get(status, _MESSAGES[400]),
        code=reason or f"http_{status}",
        status=status,
        detail=message,
    )


class GoogleApi:
    def __init__(self, oauth: GoogleOAuth, tokens: GoogleTokens, *, on_refresh: OnRefresh | None = None) -> None:
        self._oauth = oauth
        self._session = oauth.session(tokens)
        self._on_refresh = on_refresh
        self._lock = asyncio.Lock()

    @property
    def tokens(self) -> GoogleTokens:
        tokens = self._session.tokens
        assert tokens is not None  # the session was made with tokens
        return tokens

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One authorised request to an absolute ``url``; returns the 2xx response."""
        key = api_origin(url)
        fail_fast(key)
        await self._refresh_if_expiring()

        async def send() -> httpx.Response:
            response = await self._session.request(method, url, params=params, json=json, headers=headers)
            _raise_for(response)
            return response

        used = self.tokens.access_token
        response = await guarded(key, send)
        if response.status_code == 401:
            await self._refresh_after_401(used)
            response = await guarded(key, send)
            if response.status_code == 401:
                raise GoogleRefused(_UNAUTHORIZED, code="unauthorized", status=401, reconnect=True)
        return response

    async def request_json(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """``request`` and its JSON object (``{}`` for an empty answer, such as a 204)."""
        response = await self.request(method, url, params=params, json=json, headers=headers)
        if not response.content:
            return {}
        try:
            data = response.json()
        except ValueError as exc:
            raise GoogleUnavailable(UNREADABLE, code="unreadable", status=response.status_code) from exc
        if not isinstance(data, dict):
            raise GoogleUnavailable(UNREADABLE, code="unreadable", status=response.status_code)
        return data

    async def refresh(self) -> GoogleTokens:
        """Refresh now, whatever the expiry says (``on_refresh`` hears of it)."""
        async with self._lock:
            await self._refresh()
        return self.tokens

    async def _refresh_if_expiring(self) -> None:
        if not self._session.expiring():
            return
        async with self._lock:
            before = self._session.tokens
            await guarded(self._oauth.token_url, self._session.ensure_active)  # re-checks the expiry
            await self._changed(before)

    async def _refresh_after_401(self, used: str) -> None:
        async with self._lock:
            if self.tokens.access_token != used:
                return  # a concurrent call refreshed while this one waited
            await self._refresh()

    async def _refresh(self) -> None:
        before = self.tokens
        refresh_token = before.refresh_token
        if not refresh_token:
            raise GoogleRefused(RECONNECT, code="no_refresh_token", reconnect=True)
        await guarded(self._oauth.token_url, lambda: self._session.refresh(refresh_token))
        await self._changed(before)

    async def _changed(self, before: GoogleTokens | None) -> None:
        if self._session.tokens is not before and self._on_refresh is not None:
            await self._on_refresh(self.tokens)

    async def aclose(self) -> None:
        await self._session.aclose()

    async def __aenter__(self) -> GoogleApi:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
