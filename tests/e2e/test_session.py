"""The session survives an expired access token, and a session that is over (revoked, garbage, corrupted) lands on
the sign-in page after one refresh attempt: never a "Loading…" screen that loops on /auth/me (issue 11)."""

from __future__ import annotations

import json
import time

import httpx
from playwright.sync_api import Page, Request, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import register, unique_email

KEY = "x8.tokens"


def _tokens(page: Page) -> dict[str, str]:
    raw = page.evaluate(f"localStorage.getItem('{KEY}')")
    assert raw
    tokens: dict[str, str] = json.loads(raw)
    return tokens


def _store(page: Page, value: str) -> None:
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, value])


def _count_me(page: Page) -> list[str]:
    seen: list[str] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/api/v1/auth/me"):
            seen.append(request.url)

    page.on("request", on_request)
    return seen


def _lands_on_sign_in(page: Page, me_calls: list[str]) -> None:
    page.reload()
    expect(page.get_by_role("heading", name="Sign in to X8 Network")).to_be_visible(timeout=10_000)
    time.sleep(2)  # long enough for a loop to show itself
    assert len(me_calls) <= 2, f"/auth/me was called {len(me_calls)} times"
    assert page.evaluate(f"localStorage.getItem('{KEY}')") is None


def test_an_expired_access_token_is_refreshed_on_reload(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("expired"))
    tokens = _tokens(page)
    _store(page, json.dumps({**tokens, "access_token": "expired.or.garbage"}))
    page.reload()
    expect(page.get_by_role("heading", name="Your companies")).to_be_visible()
    assert _tokens(page)["refresh_token"] != tokens["refresh_token"], "the refresh token rotates"


def test_garbage_tokens_lead_to_sign_in_once(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("garbage"))
    me_calls = _count_me(page)
    _store(page, json.dumps({"access_token": "garbage", "refresh_token": "garbage"}))
    _lands_on_sign_in(page, me_calls)
    shot(page, "session-garbage-tokens")


def test_corrupted_storage_leads_to_sign_in(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("corrupt"))
    me_calls = _count_me(page)
    _store(page, "{not json")
    page.reload()
    expect(page.get_by_role("heading", name="Sign in to X8 Network")).to_be_visible(timeout=10_000)
    assert len(me_calls) == 0


def test_a_session_revoked_elsewhere_leads_to_sign_in(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("revoked"))
    tokens = _tokens(page)
    me_calls = _count_me(page)
    r = httpx.post(f"{live_server}/api/v1/auth/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert r.status_code == 200, r.text
    _lands_on_sign_in(page, me_calls)
