"""The one Google OAuth 2.0 client (PROVIDERS.md §5), on Authlib's httpx integration (``AsyncOAuth2Client``).

Sign-in uses it today (``x8.platform.oauth.providers.Google``); Calendar and Gmail use it with offline access
and ``x8.integrations.google.api.GoogleApi`` for their calls.

- Addresses come from settings: ``GOOGLE_OAUTH_URL`` + ``/o/oauth2/v2/auth`` to authorize, ``GOOGLE_TOKEN_URL``
  for the code exchange and refreshes. ``GOOGLE_REVOKE_URL`` to revoke (a parameter can override it).
- Google wants the client id and secret in the form body of token requests (``client_secret_post``); a
  revocation sends only ``token=…``.
- Failures are one of two exceptions, with messages safe to show: ``GoogleUnavailable`` (timeouts, refused
  connections, 5xx, rate limits: try again later) and ``GoogleRefused`` (Google answered no: ``invalid_grant``
  for a revoked or expired refresh token, any other 4xx; ``reconnect`` says the person must connect again).
  ``GOOGLE_FAILURES`` keyed by the address (the token URL, the revoke URL, an API's origin) makes calls fail
  fast after an outage; any answer from Google, a refusal included, closes it.
- Tokens are ``GoogleTokens``; their ``repr`` hides the tokens and nothing here logs them.

Authlib has no type hints: every call into it is at the bottom of this module (``_Session``, ``_authorization_url``).
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Final, TypeVar

import authlib.deprecate  # type: ignore[import-untyped]  # before the block below: it installs a filter
import httpx
from authlib.oauth2.client import OAuth2Client  # type: ignore[import-untyped]

from x8.kit import http as provider_http
from x8.kit.clock import utcnow
from x8.kit.failing import FailureWindow
from x8.kit.i18n import Message, msg
from x8.settings import Settings

with warnings.catch_warnings():
    # Recent Authlib 1.x releases prefer the ``httpx2`` fork and warn once at import when they find httpx instead;
    # the project's HTTP library is httpx, which Authlib 1.x supports (hence the ``<2`` pin).
    warnings.simplefilter("ignore", authlib.deprecate.AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError  # type: ignore[import-untyped]

T = TypeVar("T")

AUTHORIZE_PATH: Final = "/o/oauth2/v2/auth"
DEFAULT_REVOKE_URL: Final = "https://oauth2.googleapis.com/revoke"
# An access token this close to its expiry is refreshed before it is used.
EXPIRY_LEEWAY: Final = timedelta(seconds=60)
TIMEOUT_SECONDS: Final = 10.0

GOOGLE_FAILURES: FailureWindow[str] = FailureWindow(seconds=30.0)

UNAVAILABLE: Final = msg("Google is not answering right now. Try again in a moment.")
UNREADABLE: Final = msg("Google sent an answer we could not read. Try again in a moment.")
RATE_LIMITED: Final = msg("Google asked us to slow down. Try again in a moment.")
RECONNECT: Final = msg("Google access for this account has expired or was revoked. Connect the Google account again.")
MISCONFIGURED: Final = msg(
    "Google is not set up correctly on this server (Google did not accept its client). Contact support."
)
REFUSED: Final = msg("Google did not accept the request. Please try again.")


class GoogleNotConfigured(RuntimeError):
    """``GOOGLE_CLIENT_ID`` or ``GOOGLE_CLIENT_SECRET`` is not set."""


class GoogleError(Exception):
    """Base of the two failures. ``message`` is safe to show; ``detail`` is Google's own text, for logs."""

    def __init__(self, message: Message, *, code: str, status: int | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.detail = detail


class GoogleUnavailable(GoogleError):
    """Google did not answer, failed (5xx) or rate-limited us: try again later (after ``retry_after`` s)."""

    def __init__(
        self,
        message: Message = UNAVAILABLE,
        *,
        code: str = "unavailable",
        status: int | None = None,
        detail: str | None = None,
        retry_after: float = 0.0,
    ) -> None:
        super().__init__(message, code=code, status=status, detail=detail)
        self.retry_after = retry_after


class GoogleRefused(GoogleError):
    """Google answered no; retrying the same request will not help. ``reconnect``: the grant is gone (revoked,
    expired, never offline), so the person must connect the Google account again."""

    def __init__(
        self,
        message: Message = REFUSED,
        *,
        code: str,
        status: int | None = None,
        detail: str | None = None,
        reconnect: bool = False,
    ) -> None:
        super().__init__(message, code=code, status=status, detail=detail)
        self.reconnect = reconnect


@dataclass(frozen=True)
class GoogleTokens:
    """What Google granted. ``expires_at`` is aware UTC (None: Google did not say); ``scope`` is Google's
    space-separated string. ``to_dict``/``from_dict`` are the stored (vault) form."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    scope: str = ""

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.scope.split())

    def expires_within(self, window: timedelta = EXPIRY_LEEWAY, *, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        return self.expires_at - window <= (now or utcnow())

    def to_dict(self) -> dict[str, str | None]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "scope": self.scope,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> GoogleTokens:
        access, refresh, expires, scope = (
            data.get(k) for k in ("access_token", "refresh_token", "expires_at", "scope")
        )
        if not isinstance(access, str) or not access:
            raise ValueError("stored Google tokens have no access token")
        if refresh is not None and not isinstance(refresh, str):
            raise ValueError("stored Google refresh token is not a string")
        if expires is not None and not isinstance(expires, str):
            raise ValueError("stored Google expiry is not an ISO 8601 string")
        expires_at = datetime.fromisoformat(expires) if expires else None
        if expires_at is not None and expires_at.tzinfo is None:
            raise ValueError("stored Google expiry has no timezone")
        return cls(access, refresh or None, expires_at, scope if isinstance(scope, str) else "")

    @classmethod
    def from_token_response(cls, token: Mapping[str, Any], previous: GoogleTokens | None = None) -> GoogleTokens:
        """From a token endpoint answer (after Authlib added ``expires_at``). A refresh answer usually has no
        refresh token and may have no scope: the previous ones still hold."""
        access = token.get("access_token")
        if not isinstance(access, str) or not access:
            raise GoogleRefused(msg("Google sent no access token."), code="no_access_token")
        refresh = token.get("refresh_token")
        if not isinstance(refresh, str) or not refresh:
            refresh = previous.refresh_token if previous else None
        scope = token.get("scope")
        if not isinstance(scope, str):
            scope = previous.scope if previous else ""
        expires = token.get("expires_at")
        expires_at = datetime.fromtimestamp(expires, UTC) if isinstance(expires, int | float) else None
        return cls(access_token=access, refresh_token=refresh, expires_at=expires_at, scope=scope)

    def to_authlib(self) -> dict[str, Any]:
        token: dict[str, Any] = {"access_token": self.access_token, "token_type": "Bearer", "scope": self.scope}
        if self.refresh_token:
            token["refresh_token"] = self.refresh_token
        if self.expires_at is not None:
            token["expires_at"] = int(self.expires_at.timestamp())
        return token


OnRefresh = Callable[[GoogleTokens], Awaitable[None]]


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return 0.0


def _refused_by_oauth_error(error: str, description: str | None) -> GoogleRefused:
    # invalid_grant: the refresh token was revoked or expired, or the code was used or expired. token_invalid is
    # Authlib's own: the access token expired and there is no refresh token to renew it.
    if error in ("invalid_grant", "token_invalid"):
        return GoogleRefused(RECONNECT, code=error, detail=description, reconnect=True)
    if error in ("invalid_client", "unauthorized_client"):
        return GoogleRefused(MISCONFIGURED, code=error, detail=description)
    return GoogleRefused(REFUSED, code=error or "oauth_error", detail=description)


def fail_fast(key: str) -> None:
    """Raise ``GoogleUnavailable`` at once while ``key``'s failure window is open."""
    wait = GOOGLE_FAILURES.remaining(key)
    if wait > 0:
        raise GoogleUnavailable(retry_after=wait)


async def guarded(key: str, call: Callable[[], Awaitable[T]]) -> T:
    """Run one request to Google behind ``key``'s failure window, mapping failures to our two exceptions.

    Handles transport errors, Authlib's ``OAuthError`` and ``httpx.HTTPStatusError`` (Authlib raises it for a 5xx
    or a body that is not JSON). A ``GoogleError`` raised by ``call`` (it read the response itself) passes
    through; a ``GoogleUnavailable`` with a status of 500 or more opens the window.
    """
    fail_fast(key)
    try:
        result = await call()
    except httpx.RequestError as exc:  # timeouts, refused connections, broken answers
        GOOGLE_FAILURES.failed(key)
        raise GoogleUnavailable(retry_after=GOOGLE_FAILURES.seconds, detail=type(exc).__name__) from exc
    except httpx.HTTPStatusError as exc:
        status = exc.response.status_code
        if status >= 500:
            GOOGLE_FAILURES.failed(key)
            raise GoogleUnavailable(status=status, retry_after=GOOGLE_FAILURES.seconds) from exc
        GOOGLE_FAILURES.succeeded(key)
        if status == 429:
            raise GoogleUnavailable(
                RATE_LIMITED, code="rate_limited", status=429, retry_after=_retry_after(exc.response)
            ) from exc
        raise GoogleRefused(code=f"http_{status}", status=status) from exc
    except OAuthError as exc:
        GOOGLE_FAILURES.succeeded(key)
        raise _refused_by_oauth_error(str(exc.error or ""), exc.description) from exc
    except GoogleUnavailable as exc:
        if exc.status is not None and exc.status >= 500:
            GOOGLE_FAILURES.failed(key)
            exc.retry_after = GOOGLE_FAILURES.seconds
        elif exc.status is not None:
            GOOGLE_FAILURES.succeeded(key)  # Google answered (429): it is up
        raise
    except GoogleRefused:
        GOOGLE_FAILURES.succeeded(key)
        raise
    except ValueError as exc:  # a 2xx that is not a JSON object
        GOOGLE_FAILURES.succeeded(key)
        raise GoogleUnavailable(UNREADABLE, code="unreadable") from exc
    GOOGLE_FAILURES.succeeded(key)
    return result


class GoogleOAuth:
    """Authorization URLs, code exchange, refresh and revoke for this server's Google client. Holds no
    connection: each token request opens and closes its own (they are rare: a sign-in, a connect, a refresh an
    hour). API calls go through ``GoogleApi(oauth, tokens, on_refresh=…)``."""

    def __init__(self, settings: Settings, *, revoke_url: str | None = None, timeout: float = TIMEOUT_SECONDS) -> None:
        if not settings.google_client_id or not settings.google_client_secret:
            raise GoogleNotConfigured("GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are not set")
        self.client_id = settings.google_client_id
        self._client_secret = settings.google_client_secret
        self.authorize_url = f"{settings.google_oauth_url.rstrip('/')}{AUTHORIZE_PATH}"
        self.token_url = settings.google_token_url
        self.revoke_url = revoke_url or settings.google_revoke_url
        self.timeout = provider_http.timeout(timeout)

    def __repr__(self) -> str:
        return f"GoogleOAuth(client_id={self.client_id!r}, token_url={self.token_url!r})"

    def authorization_url(
        self,
        *,
        redirect_uri: str,
        state: str,
        scopes: Sequence[str],
        offline: bool = False,
        prompt: str | None = "consent",
        login_hint: str | None = None,
    ) -> str:
        """Where to send the browser. ``offline`` asks for a refresh token (``access_type=offline``);
        ``prompt=consent`` makes Google hand one out again on a repeated connect."""
        if not state:
            raise ValueError("an authorization request needs a state")
        return _authorization_url(
            self.client_id,
            self.authorize_url,
            redirect_uri=redirect_uri,
            state=state,
            scope=" ".join(scopes),
            access_type="offline" if offline else "online",
            prompt=prompt,
            login_hint=login_hint,
        )

    async def exchange_code(self, code: str, redirect_uri: str) -> GoogleTokens:
        """Trade the code from the callback (with the redirect URI of the authorization request) for tokens."""
        async with self.session() as session:
            token = await guarded(self.token_url, lambda: session.fetch_token(code, redirect_uri))
        return GoogleTokens.from_token_response(token)

    async def refresh(self, tokens: GoogleTokens) -> GoogleTokens:
        """A new access token from the refresh token; the refresh token and scope carry over."""
        if not tokens.refresh_token:
            raise GoogleRefused(RECONNECT, code="no_refresh_token", reconnect=True)
        refresh_token = tokens.refresh_token
        async with self.session(tokens) as session:
            token = await guarded(self.token_url, lambda: session.refresh(refresh_token))
        return GoogleTokens.from_token_response(token, previous=tokens)

    async def revoke(self, token: GoogleTokens | str) -> None:
        """End the grant (a refresh token ends its access tokens too). Already revoked counts as done."""
        value = token if isinstance(token, str) else (token.refresh_token or token.access_token)

        async def call() -> None:
            async with self.session() as session:
                response = await session.revoke(self.revoke_url, value)
            _check_revoke(response)

        await guarded(self.revoke_url, call)

    def session(self, tokens: GoogleTokens | None = None) -> _Session:
        """An Authlib client for these tokens, as ``GoogleApi`` uses it (an httpx connection pool: close it,
        ``async with``)."""
        return _Session(self, self._client_secret, tokens)


def _check_revoke(response: httpx.Response) -> None:
    if response.status_code < 300:
        return
    if response.status_code >= 500:
        raise GoogleUnavailable(status=response.status_code)
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if response.status_code == 400 and error == "invalid_token":
        return  # already revoked or expired: the grant is gone either way
    if response.status_code == 429:
        raise GoogleUnavailable(RATE_LIMITED, code="rate_limited", status=429, retry_after=_retry_after(response))
    raise GoogleRefused(code=str(error or f"http_{response.status_code}"), status=response.status_code)


# --- the one place that calls Authlib (untyped) ---


def _authorization_url(client_id: str, url: str, *, state: str, **params: str | None) -> str:
    grant = OAuth2Client(None, client_id=client_id)
    uri, _ = grant.create_authorization_url(url, state=state, **{k: v for k, v in params.items() if v})
    return str(uri)


def _no_client_auth(client: object, method: str, uri: str, headers: object, body: object) -> tuple[Any, Any, Any]:
    return uri, headers, body


class _Session:
    """``AsyncOAuth2Client`` behind typed methods. ``tokens`` follows every refresh, whichever way it happens,
    through Authlib's ``update_token`` hook; whoever stores tokens compares it before and after (the hook does not
    call out, so a failure to store is not mistaken for a failure at Google)."""

    def __init__(self, oauth: GoogleOAuth, client_secret: str, tokens: GoogleTokens | None) -> None:
        self.tokens = tokens
        self._client: Any = AsyncOAuth2Client(
            client_id=oauth.client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_post",
            revocation_endpoint_auth_method="token_only",
            token_endpoint=oauth.token_url,
            token=tokens.to_authlib() if tokens else None,
            update_token=self._updated,
            leeway=int(EXPIRY_LEEWAY.total_seconds()),
            timeout=oauth.timeout,
        )
        # Google's revoke takes the token alone (PROVIDERS.md §5), no client credentials.
        self._client.register_client_auth_method(("token_only", _no_client_auth))

    async def _updated(self, token: dict[str, Any], refresh_token: str | None = None, **_: object) -> None:
        self.tokens = GoogleTokens.from_token_response(token, previous=self.tokens)

    async def fetch_token(self, code: str, redirect_uri: str) -> dict[str, Any]:
        token = await self._client.fetch_token(grant_type="authorization_code", code=code, redirect_uri=redirect_uri)
        return dict(token)

    async def refresh(self, refresh_token: str) -> dict[str, Any]:
        token = await self._client.refresh_token(refresh_token=refresh_token)
        return dict(token)

    def expiring(self) -> bool:
        """Authlib's own check (``expires_at`` within the leeway), the one ``ensure_active`` acts on."""
        return bool(self._client.token and self._client.token.is_expired(leeway=self._client.leeway))

    async def ensure_active(self) -> None:
        """Refresh when the access token expires within the leeway (Authlib serialises concurrent refreshes)."""
        await self._client.ensure_active_token(self._client.token)

    async def revoke(self, url: str, token: str) -> httpx.Response:
        response: httpx.Response = await self._client.revoke_token(url, token=token)
        return response

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send with the current access token as it is: refreshing is ``ensure_active``'s job, so a refresh
        never happens inside an API call's error handling."""
        response: httpx.Response = await self._client.request(
            method, url, params=params, json=json, headers=headers, withhold_token=True, auth=self._client.token_auth
        )
        return response

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> _Session:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
