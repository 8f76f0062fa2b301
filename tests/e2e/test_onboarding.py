"""Issue 2's browser journey: register with the emailed code → create a Product company → see it → log out."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import create_company, register, unique_email


def test_register_create_company_and_log_out_on_desktop(page: Page, live_server: str) -> None:
    email = unique_email("desk")
    register(page, live_server, email)
    expect(page.get_by_text("You have no companies yet")).to_be_visible()
    expect(page.get_by_text("Trial ends")).to_be_visible()
    shot(page, "desktop-dashboard-empty")

    create_company(page, "Green Leaf Desk")
    card = page.locator("[data-testid=company-card]", has_text="Green Leaf Desk")
    expect(card).to_be_visible()
    expect(card).to_contain_text("COMP")
    expect(card).to_contain_text("Product")
    expect(card.get_by_role("img", name="Telegram")).to_be_visible()
    expect(page.get_by_test_id("sidebar")).to_be_visible()
    shot(page, "desktop-dashboard-company")

    page.get_by_test_id("sidebar").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to X8 Network")).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page.get_by_role("heading", name="Sign in to X8 Network")).to_be_visible()

    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("Sup3rSecret")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-testid=company-card]", has_text="Green Leaf Desk")).to_be_visible()


def test_the_same_journey_on_a_phone(mobile_page: Page, live_server: str) -> None:
    page = mobile_page
    register(page, live_server, unique_email("phone"))
    expect(page.get_by_test_id("sidebar")).to_be_hidden()
    expect(page.get_by_test_id("bottom-nav")).to_be_visible()
    create_company(page, "Green Leaf Phone")
    expect(page.locator("[data-testid=company-card]", has_text="Green Leaf Phone")).to_be_visible()
    shot(page, "mobile-dashboard")

    page.get_by_role("button", name="Menu").click()
    drawer = page.get_by_test_id("drawer")
    expect(drawer).to_be_visible()
    shot(page, "mobile-drawer")
    drawer.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to X8 Network")).to_be_visible()
    shot(page, "mobile-login")
