"""TikTok on the Integrations page (SPEC.md R-CH6), in a browser against a real server and a fake WAHA: connect
TikTok to the company's WhatsApp, create a tracking link, see it with its QR code and its clicks, then find the
customer it brought in Conversations under the TikTok lead source."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import serving_x8, shot
from tests.e2e.helpers import api_business_token, open_signed_in
from tests.fakes.server import serve_in_thread
from tests.fakes.waha import FakeWaha, signed, waha_app

WAHA_KEY = "waha-e2e-key"
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 musical_ly_32.5.0"


@pytest.fixture(scope="module")
def waha() -> Iterator[tuple[FakeWaha, str]]:
    state = FakeWaha(api_key=WAHA_KEY, me_id="4930123456789@c.us")
    with serve_in_thread(waha_app(state)) as url:
        yield state, url


@pytest.fixture(scope="module")
def server(waha: tuple[FakeWaha, str]) -> Iterator[dict[str, str]]:
    with serving_x8("tiktok", {"WAHA_API_URL": waha[1], "WAHA_API_KEY": WAHA_KEY, "X8_BUFFER_SECONDS": "0"}) as env:
        yield env


def _emit(base: str, fake: FakeWaha, session: str, event: str, payload: dict[str, Any]) -> None:
    body, headers = signed(fake.event(session, event, payload), None)
    httpx.post(f"{base}/api/v1/webhooks/waha", content=body, headers=headers).raise_for_status()


def _business_on_whatsapp(env: dict[str, str], fake: FakeWaha) -> tuple[dict[str, str], str, str]:
    """A business (room for two channels) whose company has chosen WhatsApp and TikTok, WhatsApp logged in."""
    base = env["BASE"]
    access = api_business_token(base, "tiktok")
    auth = {"Authorization": f"Bearer {access}"}
    with httpx.Client(base_url=base, headers=auth) as api:
        email = api.get("/api/v1/auth/me").json()["email"]
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("UPDATE users SET channel_limit_override = 5 WHERE email = %s", (email,))
        r = api.post(
            "/api/v1/companies/",
            json={
                "name": "Rose Garden",
                "company_type": "Product",
                "language": "en",
                "channels": ["whatsapp", "tiktok"],
            },
        )
        assert r.status_code == 201, r.text
        company_id = str(r.json()["id"])
        r = api.post("/api/v1/integrations/whatsapp/connect", json={"company_id": company_id})
        assert r.status_code == 200, r.text
        session = "x8_" + str(r.json()["channel_id"]).replace("-", "")
        fake.sessions[session]["status"] = "WORKING"
        _emit(base, fake, session, "session.status", {"status": "WORKING"})
        for _ in range(100):  # the worker applies the status
            status = api.get("/api/v1/integrations/whatsapp/status", params={"channel_id": r.json()["channel_id"]})
            if status.json()["status"] == "CONNECTED":
                break
            time.sleep(0.1)
        assert status.json()["status"] == "CONNECTED"
        login = api.post("/api/v1/auth/login", json={"email": email, "password": "Business123"}).json()
    tokens = {"access_token": login["access_token"], "refresh_token": login["refresh_token"]}
    return tokens, company_id, session


def test_connect_tiktok_create_a_link_and_find_its_lead(
    browser: Browser, server: dict[str, str], waha: tuple[FakeWaha, str]
) -> None:
    fake, _ = waha
    base = server["BASE"]
    tokens, company_id, session = _business_on_whatsapp(server, fake)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = open_signed_in(context, base, tokens, "en")
    page.goto(f"{base}/integrations?company={company_id}")

    card = page.get_by_test_id("channel-tiktok")
    expect(card).to_be_visible()
    expect(card.get_by_label("WhatsApp channel for leads")).to_be_visible()
    card.get_by_role("button", name="Connect").click()
    expect(card.get_by_text("Connected", exact=True)).to_be_visible()

    card.get_by_label("Name").fill("Spring video")
    card.get_by_label("Campaign (optional)").fill("Spring sale")
    card.get_by_role("button", name="Create link").click()
    link = card.get_by_test_id("tiktok-link")
    expect(link).to_have_count(1)
    expect(link.get_by_test_id("tiktok-qr")).to_be_visible()
    url = link.get_by_test_id("tiktok-link-url").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(base)}/t/[a-z2-9]{{10}}", url), url
    expect(link.get_by_text("Spring sale")).to_be_visible()
    shot(page, "tiktok-link-created")

    # A person taps the ad: WhatsApp opens on the session's number with the ref in the text.
    tapped = httpx.get(url, headers={"user-agent": PHONE_UA}, follow_redirects=False)
    assert tapped.status_code == 302 and tapped.headers["location"].startswith("https://wa.me/4930123456789?text=")
    code = url.rsplit("/", 1)[1]
    page.reload()
    expect(page.get_by_test_id("tiktok-clicks")).to_have_text("1")

    # The customer sends the prefilled text (edited around the code): a TikTok lead.
    message = {
        "id": "false_4915112345678@c.us_E2E1",
        "timestamp": 1667561485,
        "from": "4915112345678@c.us",
        "fromMe": False,
        "to": "4930123456789@c.us",
        "body": f"hi, do you have red roses? REF:{code.upper()}",
        "hasMedia": False,
    }
    _emit(base, fake, session, "message", message)
    expect(page.get_by_test_id("tiktok-leads")).to_have_text("1", timeout=45_000)  # the list refreshes itself
    shot(page, "tiktok-link-stats")

    page.goto(f"{base}/conversations?company={company_id}")
    page.get_by_test_id("lead-source-filter").select_option("tiktok")
    row = page.get_by_test_id("conversation-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("lead-source")).to_have_text("From TikTok")
    shot(page, "tiktok-conversations-filter")
    page.get_by_test_id("lead-source-filter").select_option("meta_ads")
    expect(page.get_by_test_id("conversation-row")).to_have_count(0)
    context.close()
