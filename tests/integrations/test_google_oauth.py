"""The Google OAuth client and the authorised API helper against the loopback fake Google (tests/fakes/oauth.py)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.fakes.oauth import Account, FakeOAuthState, google_app
from tests.fakes.server import serve_in_thread
from x8.integrations.google import GoogleApi, GoogleOAuth, GoogleRefused, GoogleTokens, GoogleUnavailable
from x8.integrations.google import oauth as google_oauth
from x8.integrations.google.api import _raise_for
from x8.kit.clock import utcnow
from x8.kit.failing import FailureWindow
from x8.platform.oauth.providers import Google
from x8.settings import Settings

REDIRECT = "https://x8.example/api/v1/integrations/google-calendar/callback"
CALENDAR = ("https://www.googleapis.com/auth/calendar.events", "https://www.googleapis.com/auth/calendar.freebusy")
SIGN_IN = ("openid", "email", "profile")


@pytest.fixture(autouse=True)
def failures(monkeypatch: pytest.MonkeyPatch) -> FailureWindow[str]:
    """A fresh failure window per test (it is per process otherwise)."""
    window: FailureWindow[str] = FailureWindow(seconds=30.0)
    monkeypatch.setattr(google_oauth, "GOOGLE_FAILURES", window)
    return window


@pytest.fixture
def served() -> Iterator[tuple[FakeOAuthState, str]]:
    state = FakeOAuthState("g-client", "g-secret", Account("google-sub-1", "gina@example.com", name="Gina"))
    with serve_in_thread(google_app(state)) as url:
        yield state, url


@pytest.fixture
def fake(served: tuple[FakeOAuthState, str]) -> FakeOAuthState:
    return served[0]


@pytest.fixture
def url(served: tuple[FakeOAuthState, str]) -> str:
    return served[1]


def settings_for(url: str, secret: str = "g-secret") -> Settings:
    values: dict[str, Any] = {
        "X8_ENV": "test",
        "GOOGLE_CLIENT_ID": "g-client",
        "GOOGLE_CLIENT_SECRET": secret,
        "GOOGLE_OAUTH_URL": url,
        "GOOGLE_TOKEN_URL": f"{url}/token",
        "GOOGLE_API_URL": url,
        "GMAIL_API_URL": url,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
def oauth(url: str) -> GoogleOAuth:
    return GoogleOAuth(settings_for(url), revoke_url=f"{url}/revoke")


async def consent(oauth: GoogleOAuth, scopes: tuple[str, ...] = CALENDAR, *, offline: bool = True) -> str:
    """Open the authorization URL as the browser would; the fake consents and redirects back with a code."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(
            oauth.authorization_url(redirect_uri=REDIRECT, state="s-1", scopes=scopes, offline=offline)
        )
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT
    query = parse_qs(back.query)
    assert query["state"] == ["s-1"]
    return query["code"][0]


async def connect(oauth: GoogleOAuth, scopes: tuple[str, ...] = CALENDAR, *, offline: bool = True) -> GoogleTokens:
    return await oauth.exchange_code(await consent(oauth, scopes, offline=offline), REDIRECT)


class Stored:
    """An ``on_refresh`` that keeps what it is given, as the vault will."""

    def __init__(self) -> None:
        self.tokens: list[GoogleTokens] = []

    async def __call__(self, tokens: GoogleTokens) -> None:
        self.tokens.append(tokens)


def refreshes(fake: FakeOAuthState) -> int:
    return sum(1 for r in fake.token_requests if r["grant_type"] == "refresh_token")


def userinfo(url: str) -> str:
    return f"{url}/oauth2/v3/userinfo"


# --- authorization URL ---


def test_authorization_url_has_what_google_needs(oauth: GoogleOAuth, url: str) -> None:
    link = urlparse(oauth.authorization_url(redirect_uri=REDIRECT, state="st", scopes=CALENDAR, offline=True))
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"{url}/o/oauth2/v2/auth"
    assert parse_qs(link.query) == {
        "client_id": ["g-client"],
        "redirect_uri": [REDIRECT],
        "response_type": ["code"],
        "scope": [" ".join(CALENDAR)],
        "state": ["st"],
        "access_type": ["offline"],
        "prompt": ["consent"],
    }
    online = parse_qs(urlparse(oauth.authorization_url(redirect_uri=REDIRECT, state="st", scopes=SIGN_IN)).query)
    assert online["access_type"] == ["online"]
    hinted = oauth.authorization_url(redirect_uri=REDIRECT, state="st", scopes=SIGN_IN, prompt=None, login_hint="a@b.c")
    assert "prompt" not in parse_qs(urlparse(hinted).query)
    assert parse_qs(urlparse(hinted).query)["login_hint"] == ["a@b.c"]
    with pytest.raises(ValueError, match="state"):
        oauth.authorization_url(redirect_uri=REDIRECT, state="", scopes=SIGN_IN)


def test_sign_in_url_is_what_it_was(url: str) -> None:
    link = urlparse(Google().authorize_url(settings_for(url), REDIRECT, "st"))
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"{url}/o/oauth2/v2/auth"
    assert parse_qs(link.query) == {
        "client_id": ["g-client"],
        "redirect_uri": [REDIRECT],
        "response_type": ["code"],
        "scope": ["openid email profile"],
        "state": ["st"],
        "access_type": ["online"],
        "prompt": ["select_account"],
    }


def test_unconfigured_client_is_refused_at_construction(url: str) -> None:
    with pytest.raises(google_oauth.GoogleNotConfigured):
        GoogleOAuth(settings_for(url, secret=""))


# --- code exchange, refresh, revoke ---


async def test_code_exchange_sends_the_credentials_in_the_body(oauth: GoogleOAuth, fake: FakeOAuthState) -> None:
    before = utcnow()
    tokens = await connect(oauth)
    [request] = fake.token_requests
    assert request["grant_type"] == "authorization_code"
    assert request["client_id"] == "g-client"
    assert request["redirect_uri"] == REDIRECT
    assert request["basic_auth"] is False  # Google's documented form: client_id and client_secret in the body
    assert tokens.access_token in fake.tokens
    assert tokens.refresh_token in fake.refresh_tokens  # offline access
    assert tokens.scopes == set(CALENDAR)
    assert tokens.expires_at is not None and tokens.expires_at.tzinfo is not None
    assert before + timedelta(seconds=3590) <= tokens.expires_at <= utcnow() + timedelta(seconds=3600)
    assert fake.authorize_requests[0]["access_type"] == "offline"


async def test_online_access_has_no_refresh_token(oauth: GoogleOAuth) -> None:
    tokens = await connect(oauth, SIGN_IN, offline=False)
    assert tokens.refresh_token is None
    with pytest.raises(GoogleRefused) as refused:
        await oauth.refresh(tokens)
    assert refused.value.reconnect is True


async def test_a_used_code_and_a_wrong_secret_are_refused(oauth: GoogleOAuth, url: str) -> None:
    code = await consent(oauth)
    await oauth.exchange_code(code, REDIRECT)
    with pytest.raises(GoogleRefused) as used:
        await oauth.exchange_code(code, REDIRECT)
    assert used.value.code == "invalid_grant"
    wrong = GoogleOAuth(settings_for(url, secret="not-it"))
    with pytest.raises(GoogleRefused) as misconfigured:
        await wrong.exchange_code(await consent(wrong), REDIRECT)
    assert misconfigured.value.code == "invalid_client"
    assert "not set up correctly" in misconfigured.value.message


async def test_refresh_uses_the_refresh_token_and_keeps_it(oauth: GoogleOAuth, fake: FakeOAuthState) -> None:
    tokens = await connect(oauth)
    fresh = await oauth.refresh(tokens)
    request = fake.token_requests[-1]
    assert (request["grant_type"], request["refresh_token"], request["client_id"], request["basic_auth"]) == (
        "refresh_token",
        tokens.refresh_token,
        "g-client",
        False,
    )
    assert fresh.access_token != tokens.access_token and fresh.access_token in fake.tokens
    assert fresh.refresh_token == tokens.refresh_token  # Google sends none on refresh: the old one holds
    assert fresh.scope == tokens.scope
    assert fresh.expires_at is not None


async def test_a_revoked_refresh_token_is_refused(oauth: GoogleOAuth, fake: FakeOAuthState, url: str) -> None:
    tokens = await connect(oauth)
    await oauth.revoke(tokens)
    assert fake.revoke_requests == [{"form": {"token": tokens.refresh_token}, "basic_auth": False}]
    assert not fake.refresh_tokens and tokens.access_token not in fake.tokens  # the grant is gone
    await oauth.revoke(tokens)  # Google answers invalid_token: already done
    with pytest.raises(GoogleRefused) as refused:
        await oauth.refresh(tokens)
    assert (refused.value.code, refused.value.reconnect) == ("invalid_grant", True)
    assert "Connect the Google account again" in refused.value.message
    async with GoogleApi(oauth, tokens) as api:  # the access token went with it: 401, then the refresh fails
        with pytest.raises(GoogleRefused) as refused:
            await api.request("GET", userinfo(url))
    assert refused.value.reconnect is True


# --- authorised calls ---


@pytest.mark.parametrize("seconds_left", [-5, 30])
async def test_an_expiring_access_token_is_refreshed_before_the_call(
    oauth: GoogleOAuth, fake: FakeOAuthState, url: str, seconds_left: int
) -> None:
    tokens = await connect(oauth)
    fake.expire_access_tokens()  # the old token would get 401: a call with it must not happen
    stale = replace(tokens, expires_at=utcnow() + timedelta(seconds=seconds_left))
    stored = Stored()
    async with GoogleApi(oauth, stale, on_refresh=stored) as api:
        info = await api.request_json("GET", userinfo(url))
    assert info["sub"] == "google-sub-1"
    assert refreshes(fake) == 1
    assert [r["token"] for r in fake.api_requests] == [api.tokens.access_token]
    assert api.tokens.access_token != tokens.access_token
    assert api.tokens.refresh_token == tokens.refresh_token
    assert api.tokens.expires_at is not None and api.tokens.expires_at > utcnow() + timedelta(minutes=30)
    assert stored.tokens == [api.tokens]


async def test_a_token_with_time_left_is_used_as_it_is(oauth: GoogleOAuth, fake: FakeOAuthState, url: str) -> None:
    tokens = await connect(oauth)
    stored = Stored()
    async with GoogleApi(
        oauth, replace(tokens, expires_at=utcnow() + timedelta(seconds=120)), on_refresh=stored
    ) as api:
        await api.request_json("GET", userinfo(url))
    assert refreshes(fake) == 0 and stored.tokens == []
    assert [r["token"] for r in fake.api_requests] == [tokens.access_token]


async def test_a_401_refreshes_once_and_retries_once(oauth: GoogleOAuth, fake: FakeOAuthState, url: str) -> None:
    tokens = await connect(oauth)
    fake.expire_access_tokens()  # Google ended it early; our clock still says an hour
    stored = Stored()
    body = {"timeMin": "2030-01-01T00:00:00Z", "timeMax": "2030-01-02T00:00:00Z", "items": [{"id": "primary"}]}
    async with GoogleApi(oauth, tokens, on_refresh=stored) as api:
        answer = await api.request_json("POST", f"{url}/calendar/v3/freeBusy", json=body)
    assert answer["calendars"] == {"primary": {"busy": []}}
    assert [r["token"] for r in fake.api_requests] == [tokens.access_token, api.tokens.access_token]
    assert refreshes(fake) == 1
    assert stored.tokens == [api.tokens] and api.tokens.access_token != tokens.access_token


async def test_a_second_401_is_an_error_not_a_loop(oauth: GoogleOAuth, fake: FakeOAuthState, url: str) -> None:
    tokens = await connect(oauth)
    fake.reject_api = True
    stored = Stored()
    async with GoogleApi(oauth, tokens, on_refresh=stored) as api:
        with pytest.raises(GoogleRefused) as refused:
            await api.request("GET", userinfo(url))
    assert (refused.value.status, refused.value.reconnect) == (401, True)
    assert len(fake.api_requests) == 2 and refreshes(fake) == 1
    assert len(stored.tokens) == 1  # the refresh itself worked and was reported


async def test_concurrent_calls_share_one_refresh(oauth: GoogleOAuth, fake: FakeOAuthState, url: str) -> None:
    tokens = await connect(oauth)
    fake.expire_access_tokens()
    stored = Stored()
    async with GoogleApi(oauth, replace(tokens, expires_at=utcnow()), on_refresh=stored) as api:
        answers = await asyncio.gather(*(api.request_json("GET", userinfo(url)) for _ in range(3)))
    assert [a["sub"] for a in answers] == ["google-sub-1"] * 3
    assert refreshes(fake) == 1 and len(stored.tokens) == 1


async def test_api_refusals_carry_googles_reason(oauth: GoogleOAuth, url: str) -> None:
    async with GoogleApi(oauth, await connect(oauth)) as api:
        with pytest.raises(GoogleRefused) as refused:
            await api.request("POST", f"{url}/calendar/v3/freeBusy", json={"items": []})
    assert (refused.value.status, refused.value.code, refused.value.detail) == (400, "required", "Missing timeMin.")
    assert refused.value.message == "Google did not accept the request."


def test_rate_limits_are_unavailable_and_other_4xx_refused() -> None:
    request = httpx.Request("GET", "https://www.googleapis.com/calendar/v3/x")
    quota = {"error": {"code": 403, "message": "Rate Limit Exceeded", "errors": [{"reason": "rateLimitExceeded"}]}}
    with pytest.raises(GoogleUnavailable):
        _raise_for(httpx.Response(403, json=quota, request=request))
    with pytest.raises(GoogleUnavailable):
        _raise_for(httpx.Response(429, request=request))
    denied = {
        "error": {"code": 403, "message": "Insufficient Permission", "errors": [{"reason": "insufficientPermissions"}]}
    }
    with pytest.raises(GoogleRefused) as refused:
        _raise_for(httpx.Response(403, json=denied, request=request))
    assert refused.value.code == "insufficientPermissions"
    gone = {"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}}
    with pytest.raises(GoogleRefused) as missing:
        _raise_for(httpx.Response(404, json=gone, request=request))
    assert (missing.value.status, missing.value.code) == (404, "NOT_FOUND")


async def test_a_failure_to_store_is_not_taken_for_google_failing(
    oauth: GoogleOAuth, fake: FakeOAuthState, url: str
) -> None:
    async def broken(tokens: GoogleTokens) -> None:
        raise RuntimeError("vault down")

    tokens = await connect(oauth)
    async with GoogleApi(oauth, replace(tokens, expires_at=utcnow()), on_refresh=broken) as api:
        with pytest.raises(RuntimeError, match="vault down"):
            await api.request("GET", userinfo(url))
    assert not google_oauth.GOOGLE_FAILURES.is_open(f"{url}/token")


# --- outages and the failure window ---


async def test_token_outage_is_unavailable_then_fails_fast(
    oauth: GoogleOAuth, fake: FakeOAuthState, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = await connect(oauth)
    fake.fail_token_step = True
    stale = replace(tokens, expires_at=utcnow())
    async with GoogleApi(oauth, stale) as api:
        with pytest.raises(GoogleUnavailable) as down:
            await api.request("GET", userinfo(url))
        assert down.value.status == 503 and "not answering" in down.value.message
        asked = fake.token_request_count
        fake.fail_token_step = False  # back up, but the window is open: no request reaches it
        with pytest.raises(GoogleUnavailable) as fast:
            await api.request("GET", userinfo(url))
        with pytest.raises(GoogleUnavailable):
            await oauth.refresh(tokens)
        assert fake.token_request_count == asked and fast.value.retry_after > 0
        assert fake.api_requests == []
    async with GoogleApi(oauth, tokens) as fresh:  # a call that needs no refresh does not wait for the token endpoint
        await fresh.request("GET", userinfo(url))
    window: FailureWindow[str] = FailureWindow(seconds=0.2)
    monkeypatch.setattr(google_oauth, "GOOGLE_FAILURES", window)
    window.failed(f"{url}/token")
    await asyncio.sleep(0.25)
    assert (await oauth.refresh(tokens)).access_token in fake.tokens  # the window passed


async def test_api_outage_is_unavailable_then_fails_fast(oauth: GoogleOAuth, fake: FakeOAuthState, url: str) -> None:
    tokens = await connect(oauth)
    fake.fail_api = True
    async with GoogleApi(oauth, tokens) as api:
        with pytest.raises(GoogleUnavailable) as down:
            await api.request("GET", userinfo(url))
        assert down.value.status == 503
        fake.fail_api = False
        with pytest.raises(GoogleUnavailable):
            await api.request("GET", userinfo(url))
    assert len(fake.api_requests) == 1
    assert (await oauth.refresh(tokens)).access_token  # the token endpoint has its own window


async def test_refused_connections_and_timeouts_are_unavailable(
    oauth: GoogleOAuth, fake: FakeOAuthState, url: str
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    nowhere = GoogleOAuth(settings_for(closed))
    with pytest.raises(GoogleUnavailable) as refused:
        await nowhere.exchange_code("code", REDIRECT)
    assert refused.value.detail == "ConnectError"
    assert google_oauth.GOOGLE_FAILURES.is_open(f"{closed}/token")

    impatient = GoogleOAuth(settings_for(url), timeout=0.1)
    code = await consent(impatient)
    fake.delay = 0.5
    with pytest.raises(GoogleUnavailable) as slow:
        await impatient.exchange_code(code, REDIRECT)
    assert slow.value.detail is not None and "Timeout" in slow.value.detail


# --- sign-in through the same client, tokens for storage ---


async def test_sign_in_identifies_the_person(url: str, fake: FakeOAuthState) -> None:
    settings = settings_for(url)
    oauth = GoogleOAuth(settings)
    async with httpx.AsyncClient() as unused:
        identity = await Google().identify(settings, unused, await consent(oauth, SIGN_IN, offline=False), REDIRECT)
    assert (identity.subject, identity.email, identity.email_verified, identity.name) == (
        "google-sub-1",
        "gina@example.com",
        True,
        "Gina",
    )
    assert fake.token_requests[0]["redirect_uri"] == REDIRECT


def test_tokens_round_trip_for_storage_and_hide_in_repr() -> None:
    tokens = GoogleTokens("ya29.secret", "1//refresh-secret", datetime(2030, 1, 1, 12, tzinfo=UTC), "a b")
    assert GoogleTokens.from_dict(tokens.to_dict()) == tokens
    assert tokens.to_dict()["expires_at"] == "2030-01-01T12:00:00+00:00"
    assert "secret" not in repr(tokens) and "secret" not in str(tokens)
    assert tokens.scopes == {"a", "b"}
    assert GoogleTokens.from_dict({"access_token": "x"}) == GoogleTokens("x")
    with pytest.raises(ValueError, match="timezone"):
        GoogleTokens.from_dict({"access_token": "x", "expires_at": "2030-01-01T12:00:00"})
    with pytest.raises(ValueError):
        GoogleTokens.from_dict({"refresh_token": "x"})
    soon = GoogleTokens("x", expires_at=utcnow() + timedelta(seconds=59))
    assert soon.expires_within() and not replace(soon, expires_at=utcnow() + timedelta(seconds=61)).expires_within()
