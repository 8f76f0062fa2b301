"""R-A4: Google and Facebook sign-in over real HTTP against local fake providers."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings, register, sql
from tests.fakes.oauth import Account, FakeOAuthState, facebook_app, google_app
from tests.fakes.server import serve_in_thread


@pytest.fixture
def google() -> Iterator[tuple[FakeOAuthState, str]]:
    state = FakeOAuthState("g-client", "g-secret", Account("google-sub-1", "gina@example.com", name="Gina"))
    with serve_in_thread(google_app(state)) as url:
        yield state, url


@pytest.fixture
def facebook() -> Iterator[tuple[FakeOAuthState, str]]:
    state = FakeOAuthState("fb-client", "fb-secret", Account("fb-id-1", "fred@example.com", name="Fred"))
    with serve_in_thread(facebook_app(state)) as url:
        yield state, url


def _settings(owner_url: str, google_url: str = "", facebook_url: str = "") -> object:
    overrides: dict[str, object] = {}
    if google_url:
        overrides.update(
            GOOGLE_CLIENT_ID="g-client",
            GOOGLE_CLIENT_SECRET="g-secret",
            GOOGLE_OAUTH_URL=google_url,
            GOOGLE_TOKEN_URL=f"{google_url}/token",
            GOOGLE_API_URL=google_url,
        )
    if facebook_url:
        overrides.update(
            FACEBOOK_CLIENT_ID="fb-client",
            FACEBOOK_CLIENT_SECRET="fb-secret",
            FACEBOOK_OAUTH_URL=facebook_url,
            META_GRAPH_URL=facebook_url,
        )
    return make_settings(owner_url, **overrides)


async def _sign_in(client: httpx.AsyncClient, provider: str) -> httpx.Response:
    """Click the button, let the (fake) provider consent, follow back to our callback."""
    start = await client.get(f"/api/v1/oauth/{provider}/login")
    assert start.status_code == 302, start.text
    async with httpx.AsyncClient() as browser:
        consent = await browser.get(start.headers["location"])
    assert consent.status_code in (302, 307), consent.text
    back = urlparse(consent.headers["location"])
    assert back.path == f"/api/v1/oauth/{provider}/callback"
    return await client.get(f"{back.path}?{back.query}")


def _tokens(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    target = urlparse(response.headers["location"])
    assert target.path == "/oauth/complete", response.headers["location"]
    return {k: v[0] for k, v in parse_qs(target.fragment).items()}


async def test_google_sign_in_creates_a_trial_business(
    owner_url: str, app_url: str, google: tuple[FakeOAuthState, str]
) -> None:
    state, url = google
    async with app_client(_settings(owner_url, google_url=url), app_url) as client:  # type: ignore[arg-type]
        tokens = _tokens(await _sign_in(client, "google"))
        me = (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()
        assert (me["email"], me["full_name"], me["role"], me["plan"]) == (
            "gina@example.com",
            "Gina",
            "CLIENT",
            "TRIAL",
        )
        assert me["has_password"] is False
        assert state.token_requests[0]["redirect_uri"] == "http://testserver/api/v1/oauth/google/callback"
        # Signing in again finds the same account.
        again = _tokens(await _sign_in(client, "google"))
        assert (await client.get("/api/v1/auth/me", headers=bearer(again))).json()["id"] == me["id"]
    assert sql(owner_url, "SELECT count(*) FROM users")[0][0] == 1


async def test_existing_account_is_linked_by_verified_email(
    owner_url: str, app_url: str, facebook: tuple[FakeOAuthState, str]
) -> None:
    _, url = facebook
    async with app_client(_settings(owner_url, facebook_url=url), app_url) as client:  # type: ignore[arg-type]
        existing = await register(client, "fred@example.com")
        tokens = _tokens(await _sign_in(client, "facebook"))
        me = (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()
        assert me["id"] == (await client.get("/api/v1/auth/me", headers=bearer(existing))).json()["id"]
        assert me["has_password"] is True
    assert sql(owner_url, "SELECT facebook_id FROM users")[0][0] == "fb-id-1"


async def test_unverified_google_email_is_not_linked(
    owner_url: str, app_url: str, google: tuple[FakeOAuthState, str]
) -> None:
    state, url = google
    state.account = Account("google-sub-2", "victim@example.com", email_verified=False)
    async with app_client(_settings(owner_url, google_url=url), app_url) as client:  # type: ignore[arg-type]
        await register(client, "victim@example.com")
        r = await _sign_in(client, "google")
        assert r.status_code == 302
        target = urlparse(r.headers["location"])
        assert target.path == "/login"
        assert "verified email" in parse_qs(target.query)["oauth_error"][0]
    assert sql(owner_url, "SELECT google_sub FROM users")[0][0] is None


async def test_forged_or_missing_state_is_400(owner_url: str, app_url: str, google: tuple[FakeOAuthState, str]) -> None:
    _, url = google
    async with app_client(_settings(owner_url, google_url=url), app_url) as client:  # type: ignore[arg-type]
        start = await client.get("/api/v1/oauth/google/login")
        async with httpx.AsyncClient() as browser:
            consent = await browser.get(start.headers["location"])
        back = urlparse(consent.headers["location"])
        code = parse_qs(back.query)["code"][0]
        r = await client.get("/api/v1/oauth/google/callback", params={"code": code, "state": "forged"})
        assert r.status_code == 400 and r.json()["error"] == "BadRequest"
        r = await client.get("/api/v1/oauth/google/callback", params={"code": code})
        assert r.status_code == 400
        # A valid state from another browser (no matching cookie) is refused too.
        client.cookies.clear()
        r = await client.get(f"{back.path}?{back.query}")
        assert r.status_code == 400
    assert sql(owner_url, "SELECT count(*) FROM users")[0][0] == 0


async def test_provider_denial_and_outage_return_to_login_with_a_message(
    owner_url: str, app_url: str, google: tuple[FakeOAuthState, str]
) -> None:
    state, url = google
    async with app_client(_settings(owner_url, google_url=url), app_url) as client:  # type: ignore[arg-type]
        state.deny = True
        r = await _sign_in(client, "google")
        assert urlparse(r.headers["location"]).path == "/login"
        assert "cancelled" in r.headers["location"]
        state.deny = False
        state.fail_token_step = True
        r = await _sign_in(client, "google")
        assert urlparse(r.headers["location"]).path == "/login"
        assert "not answering" in parse_qs(urlparse(r.headers["location"]).query)["oauth_error"][0]
    assert sql(owner_url, "SELECT count(*) FROM users")[0][0] == 0


async def test_unconfigured_provider_is_404_and_listed_as_such(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/oauth/google/login")
    assert r.status_code == 404
    assert "not configured" in r.json()["detail"]
    providers = (await client.get("/api/v1/oauth/providers")).json()
    assert {p["name"]: p["configured"] for p in providers["items"]} == {"google": False, "facebook": False}
    assert (await client.get("/api/v1/oauth/github/login")).status_code == 422
