"""The Support page (SPEC.md R-UI2, R-S1, R-S2, setup calls of R-CH6) in a real browser: a business asks the FAQ bot
(cited entries, an honest "not in the FAQ"), chats with its manager live (with the unread badge in the navigation)
and books a setup call; a manager answers their business and cannot open another manager's; phone width, Russian."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import (
    MANAGER_PASSWORD,
    admin_and_manager_of,
    api_business_token,
    open_signed_in,
    register,
    sign_in,
    unique_email,
)

ALL_DAY = {
    "timezone": "UTC",
    "slot_minutes": 60,
    "weekly": [{"weekday": day, "start": "00:00", "end": "24:00"} for day in range(7)],
}


def login(base: str, email: str, password: str) -> dict[str, Any]:
    r = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    tokens: dict[str, Any] = r.json()
    return tokens


def auth(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def business_by_api(base: str, prefix: str, language: str = "en") -> tuple[dict[str, Any], str, str]:
    """A business registered through the API (``language`` in its profile): its tokens, email and id."""
    token = api_business_token(base, prefix)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api:
        me = api.get("/api/v1/auth/me").json()
        api.patch("/api/v1/users/profile", json={"language": language}).raise_for_status()
    return login(base, me["email"], "Business123"), me["email"], me["id"]


def test_a_business_asks_the_faq_chats_live_and_books_a_call(
    page: Page, live_server: str, live_server_env: dict[str, str]
) -> None:
    email = unique_email("support")
    register(page, live_server, email)
    _, manager_email = admin_and_manager_of(live_server_env, email)
    manager = login(live_server, manager_email, MANAGER_PASSWORD)
    r = httpx.put(f"{live_server}/api/v1/managers/me/availability", headers=auth(manager), json=ALL_DAY)
    assert r.status_code == 200, r.text

    page.get_by_test_id("sidebar").get_by_role("link", name="Support").click()
    expect(page.get_by_role("heading", name="Support", exact=True)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Support · "))

    # The FAQ bot: an answer with the entry it came from, and an honest answer without one.
    faq = page.get_by_test_id("faq-bot")
    faq.get_by_label("Your question").fill("How do I connect WhatsApp?")
    faq.get_by_role("button", name="Ask").click()
    first = faq.get_by_test_id("faq-exchange").first
    expect(first).to_contain_text("QR code")
    expect(first.get_by_test_id("faq-sources")).to_contain_text("How do I connect WhatsApp?")
    faq.get_by_label("Your question").fill("How do I connect Spotify?")
    faq.get_by_role("button", name="Ask").click()
    second = faq.get_by_test_id("faq-exchange").nth(1)
    expect(second).to_contain_text("could not find this in the FAQ")
    expect(second.get_by_test_id("faq-no-sources")).to_be_visible()

    # The chat with the manager, named on the page.
    chat = page.get_by_test_id("business-chat")
    expect(chat).to_contain_text("Your manager:")
    chat.get_by_label("Message").fill("Hello, can you help me with TikTok ads?")
    chat.get_by_role("button", name="Send").click()
    expect(chat.get_by_test_id("support-message")).to_have_count(1)
    threads = httpx.get(f"{live_server}/api/v1/support/chats", headers=auth(manager)).json()["items"]
    business = next(t for t in threads if t["email"] == email)
    assert business["unread"] == 1

    # A reply arrives live, with no reload.
    r = httpx.post(
        f"{live_server}/api/v1/support/chat",
        headers=auth(manager),
        json={"client_id": business["client_id"], "text": "Sure! Book a call below."},
    )
    assert r.status_code == 201
    expect(chat.get_by_text("Sure! Book a call below.")).to_be_visible(timeout=10_000)

    # Away from the page, a new answer shows as the navigation's unread badge, live; reading it clears it.
    page.get_by_test_id("sidebar").get_by_role("link", name="Dashboard", exact=True).click()
    httpx.post(
        f"{live_server}/api/v1/support/chat",
        headers=auth(manager),
        json={"client_id": business["client_id"], "text": "Also: the FAQ explains tracking links."},
    )
    badge = page.get_by_test_id("sidebar").get_by_test_id("support-unread")
    expect(badge).to_have_text("1", timeout=10_000)
    shot(page, "support-unread-badge")
    page.get_by_test_id("sidebar").get_by_role("link", name="Support").click()
    expect(page.get_by_text("Also: the FAQ explains tracking links.")).to_be_visible()
    expect(badge).to_have_count(0, timeout=10_000)

    # A setup call in the manager's free time.
    booking = page.get_by_test_id("setup-call")
    booking.locator("label:has(input[name=slot])").first.click()
    booking.get_by_label("What would you like to set up?").fill("TikTok ads and WhatsApp")
    booking.get_by_role("button", name="Book the call").click()
    expect(booking.get_by_role("status")).to_contain_text("Booked:")
    calls = page.get_by_test_id("setup-calls")
    expect(calls.get_by_test_id("setup-call-item")).to_have_count(1)
    expect(calls).to_contain_text("TikTok ads and WhatsApp")
    expect(calls.get_by_role("link", name="Join the video call")).to_have_attribute(
        "href", re.compile(r"^https://meet\.jit\.si/x8-setup-")
    )
    shot(page, "support-business")
    seen = httpx.get(f"{live_server}/api/v1/support/setup-calls", headers=auth(manager)).json()
    assert [c["topic"] for c in seen["items"]] == ["TikTok ads and WhatsApp"]

    # Cancelled from the page: both sides see it, and the slot is offered again.
    calls.get_by_role("button", name="Cancel").click()
    expect(calls).to_contain_text("Cancelled")
    seen = httpx.get(f"{live_server}/api/v1/support/setup-calls", headers=auth(manager)).json()
    assert [c["status"] for c in seen["items"]] == ["cancelled"]


def test_a_manager_answers_their_business_and_not_another_managers(
    page: Page, live_server: str, live_server_env: dict[str, str]
) -> None:
    tokens, email, _ = business_by_api(live_server, "mine")
    _, other_email, other_id = business_by_api(live_server, "theirs")
    _, manager_email = admin_and_manager_of(live_server_env, email)
    admin_and_manager_of(live_server_env, other_email)  # another manager's business
    r = httpx.post(f"{live_server}/api/v1/support/chat", headers=auth(tokens), json={"text": "Where is my QR code?"})
    assert r.status_code == 201

    sign_in(page, live_server, manager_email, MANAGER_PASSWORD)
    expect(page.get_by_test_id("sidebar").get_by_test_id("support-unread")).to_have_text("1")
    page.get_by_test_id("sidebar").get_by_role("link", name="Support").click()
    chats = page.get_by_test_id("client-chats")
    thread = chats.get_by_test_id("chat-thread")
    expect(thread).to_have_count(1)
    expect(thread).to_contain_text("Where is my QR code?")
    thread.click()
    expect(chats.get_by_text("Where is my QR code?").last).to_be_visible()
    chats.get_by_label("Message").fill("Open Integrations → WhatsApp → Connect.")
    chats.get_by_role("button", name="Send").click()
    expect(chats.get_by_test_id("support-message")).to_have_count(2)
    answer = httpx.get(f"{live_server}/api/v1/support/chat", headers=auth(tokens)).json()
    assert [m["sender_role"] for m in answer["items"]] == ["CLIENT", "MANAGER"] and answer["unread"] == 1

    # The manager publishes call hours on the same page.
    hours = page.get_by_test_id("call-hours")
    expect(hours).to_be_visible()
    hours.get_by_role("button", name="Save hours").click()
    expect(hours.get_by_role("status")).to_contain_text("Saved")
    shot(page, "support-manager")

    # Another manager's business: not found, in the page as in the API.
    page.goto(f"{live_server}/support?client={other_id}")
    expect(page.get_by_test_id("client-chats")).to_contain_text(
        "This business is not one of yours, or it does not exist."
    )
    manager = login(live_server, manager_email, MANAGER_PASSWORD)
    r = httpx.get(f"{live_server}/api/v1/support/chat", headers=auth(manager), params={"client_id": other_id})
    assert r.status_code == 404


def test_support_on_a_phone_in_russian(browser: Browser, live_server: str) -> None:
    tokens, _, _ = business_by_api(live_server, "phone", "ru")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    try:
        page = open_signed_in(context, live_server, tokens, "ru")
        page.goto(f"{live_server}/")
        page.get_by_role("button", name="Меню").click()
        page.get_by_test_id("drawer").get_by_role("link", name="Поддержка").click()
        expect(page.get_by_role("heading", name="Поддержка", exact=True)).to_be_visible()
        # No manager yet: the chat says the admins answer, and booking a call says why it cannot.
        expect(page.get_by_test_id("business-chat")).to_contain_text("администраторы платформы")
        expect(page.get_by_test_id("setup-call")).to_contain_text("не назначен")
        faq = page.get_by_test_id("faq-bot")
        faq.get_by_label("Ваш вопрос").fill("Как подключить Telegram?")
        faq.get_by_role("button", name="Спросить").click()
        expect(faq.get_by_test_id("faq-sources")).to_contain_text("Как подключить Telegram?")
        expect(faq).to_contain_text("BotFather")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide on a 390px phone"
        shot(page, "support-phone-ru")
    finally:
        context.close()
