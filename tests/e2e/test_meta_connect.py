"""Facebook and Instagram on the Integrations page (SPEC.md R-CH4), in a browser against a real server and a fake
Meta (login dialog and Graph API): "Log in with Facebook" goes through Meta's dialog and back; with several Pages the
business chooses one, which connects; Instagram then connects the Page's Instagram account at once."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import serving_x8, shot
from tests.e2e.helpers import ADMIN_PASSWORD, api_business_token, open_signed_in, unique_email, x8_cli
from tests.fakes.meta_graph import FakeMetaGraph, meta_graph_app
from tests.fakes.server import serve_in_thread

APP_ID = "1234567890123"
APP_SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def meta() -> Iterator[tuple[FakeMetaGraph, str]]:
    state = FakeMetaGraph(apps={APP_ID: APP_SECRET})
    state.add_page("1000000001", "Rose Garden Florist")
    state.add_page("1000000002", "Rose Garden Cafe", instagram_id="17841400000000002")
    with serve_in_thread(meta_graph_app(state)) as url:
        yield state, url


@pytest.fixture(scope="module")
def server(meta: tuple[FakeMetaGraph, str]) -> Iterator[dict[str, str]]:
    with serving_x8("meta", {"META_GRAPH_URL": meta[1], "FACEBOOK_OAUTH_URL": meta[1]}) as env:
        yield env


def _pool_app(env: dict[str, str]) -> None:
    admin = unique_email("root")
    x8_cli(env, "admin", "create", "--email", admin, "--password", ADMIN_PASSWORD)
    with httpx.Client(base_url=env["BASE"]) as api:
        login = api.post("/api/v1/auth/login", json={"email": admin, "password": ADMIN_PASSWORD}).json()
        r = api.post(
            "/api/v1/admin/meta-apps",
            headers={"Authorization": f"Bearer {login['access_token']}"},
            json={
                "name": "Pool 1",
                "app_id": APP_ID,
                "app_secret": APP_SECRET,
                "products": ["messenger", "instagram"],
                "status": "live",
                "capacity": 10,
            },
        )
        assert r.status_code == 201, r.text


def _business(env: dict[str, str]) -> tuple[dict[str, str], str]:
    """A business (room for both channels) whose company chose Facebook and Instagram."""
    base = env["BASE"]
    access = api_business_token(base, "meta")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {access}"}) as api:
        email = api.get("/api/v1/auth/me").json()["email"]
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("UPDATE users SET channel_limit_override = 5 WHERE email = %s", (email,))
        r = api.post(
            "/api/v1/companies/",
            json={
                "name": "Rose Garden",
                "company_type": "Product",
                "language": "en",
                "channels": ["facebook", "instagram"],
            },
        )
        assert r.status_code == 201, r.text
        login = api.post("/api/v1/auth/login", json={"email": email, "password": "Business123"}).json()
    return {"access_token": login["access_token"], "refresh_token": login["refresh_token"]}, str(r.json()["id"])


def test_login_with_facebook_choose_a_page_then_instagram(
    browser: Browser, server: dict[str, str], meta: tuple[FakeMetaGraph, str]
) -> None:
    fake, _ = meta
    base = server["BASE"]
    _pool_app(server)
    tokens, company_id = _business(server)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = open_signed_in(context, base, tokens, "en")
    page.goto(f"{base}/integrations?company={company_id}")
    facebook = page.get_by_test_id("channel-facebook")
    instagram = page.get_by_test_id("channel-instagram")
    expect(facebook.get_by_role("button", name="Log in with Facebook")).to_be_visible()
    expect(instagram.get_by_role("button", name="Log in with Instagram")).to_be_visible()
    shot(page, "meta-integrations")

    facebook.get_by_role("button", name="Log in with Facebook").click()  # Meta's dialog sends the browser back
    chooser = page.get_by_test_id("channel-facebook").get_by_test_id("meta-page-chooser")
    expect(chooser).to_be_visible(timeout=20_000)
    expect(chooser.get_by_text("Rose Garden Florist")).to_be_visible()
    shot(page, "meta-page-chooser")
    chooser.get_by_role("listitem").filter(has_text="Rose Garden Cafe").get_by_role("button").click()
    facebook = page.get_by_test_id("channel-facebook")
    expect(facebook.get_by_text("Connected", exact=True)).to_be_visible(timeout=20_000)
    expect(facebook.get_by_text("Rose Garden Cafe")).to_be_visible()
    assert list(fake.page("1000000002").subscribed) == [APP_ID]

    page.get_by_test_id("channel-instagram").get_by_role("button", name="Log in with Instagram").click()
    instagram = page.get_by_test_id("channel-instagram")
    expect(instagram.get_by_text("Connected", exact=True)).to_be_visible(timeout=20_000)  # one Page has Instagram
    shot(page, "meta-connected")

    context.close()
