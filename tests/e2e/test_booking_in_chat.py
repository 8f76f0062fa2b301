"""Issue 14's browser journey: a shop with opening hours sells in the playground, the customer pays on the SANDBOX
checkout, is offered numbered delivery times in the chat, picks one, gives the address, and the business sees the
booking on the Calendar page and on the order in Purchases."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import open_signed_in
from tests.e2e.test_purchases import SALES, _shop

EVERY_HOUR = [{"weekday": d, "start": "00:00", "end": "23:00"} for d in range(7)]


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    yield context
    context.close()


def test_a_paid_order_is_booked_in_the_chat_and_shows_on_the_calendar(
    desktop: BrowserContext, live_server: str
) -> None:
    base = live_server
    shop = _shop(base, "en")
    with shop.api() as api:
        r = api.put(
            f"/api/v1/companies/{shop.company_id}/availability",
            json={"timezone": "UTC", "slot_minutes": 60, "capacity": 1, "weekly": EVERY_HOUR},
        )
        assert r.status_code == 200, r.text
    page = open_signed_in(desktop, base, shop.tokens, "en")
    page.set_default_timeout(20_000)

    # The customer buys in the playground and pays on the sandbox checkout.
    page.goto(f"{base}/playground?company={shop.company_id}")
    page.get_by_label("Write a message…").fill(SALES["en"].ask)
    page.get_by_role("button", name="Send").click()
    link = page.get_by_test_id("message-bot").locator("a[href*='/sandbox/pay/']")
    expect(link).to_have_count(1)
    with page.context.expect_page() as opened:
        link.click()
    checkout = opened.value
    checkout.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(checkout.get_by_role("status")).to_have_text("Paid. Thank you! You can go back to the chat.")
    checkout.close()

    # Back in the chat: the thank-you, then numbered delivery times.
    bot = page.get_by_test_id("message-bot")
    expect(bot.filter(has_text="Thank you! We have received your payment")).to_have_count(1)
    offer = bot.filter(has_text="Please choose a delivery time:")
    expect(offer).to_have_count(1)
    expect(offer).to_contain_text("1. ")
    shot(page, "booking-chat-offer-desktop-en")

    page.get_by_label("Write a message…").fill("1")
    page.get_by_role("button", name="Send").click()
    expect(bot.filter(has_text="What is the delivery address?")).to_have_count(1)
    page.get_by_label("Write a message…").fill("12 Rose Street, flat 4")
    page.get_by_role("button", name="Send").click()
    booked = bot.filter(has_text="Booked: delivery on")
    expect(booked).to_have_count(1)
    expect(booked).to_contain_text("12 Rose Street, flat 4")
    shot(page, "booking-chat-booked-desktop-en")

    with shop.api() as api:
        [booking] = api.get("/api/v1/bookings", params={"company_id": shop.company_id}).json()["items"]
    start = datetime.fromisoformat(booking["start"])

    # The Calendar page shows it in its week (the next one, should the first free hour fall after Sunday).
    page.goto(f"{base}/calendar?company={shop.company_id}")
    week = page.get_by_test_id("week-view")
    expect(week).to_be_visible()
    today = date.today()
    if start.date().isocalendar()[:2] != today.isocalendar()[:2]:
        page.get_by_role("button", name="Next week").click()
    card = week.get_by_test_id("booking")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(re.compile(f"{start:%H:%M}|{start:%I:%M %p}"))  # en-US writes 08:00 PM
    expect(card).to_contain_text("12 Rose Street, flat 4")
    shot(page, "booking-calendar-desktop-en")

    # The order in Purchases carries it too.
    page.goto(f"{base}/purchases?company={shop.company_id}")
    order = page.get_by_test_id("purchase")
    expect(order).to_have_count(1)
    expect(order.get_by_test_id("purchase-booking")).to_contain_text("12 Rose Street, flat 4")
    shot(page, "booking-purchase-desktop-en")
