"""Staff see the companies they look after, read-only for managers; the API docs render with no CDN."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import (
    MANAGER_PASSWORD,
    admin_and_manager_of,
    create_company,
    register,
    sign_in,
    unique_email,
)


def test_manager_sees_assigned_companies_read_only(page: Page, live_server_env: dict[str, str]) -> None:
    base = live_server_env["BASE"]
    business = unique_email("biz")
    register(page, base, business)
    create_company(page, "Assigned Shop", channel=None)
    page.get_by_test_id("sidebar").get_by_role("button", name="Sign out").click()
    _, manager = admin_and_manager_of(live_server_env, business)

    sign_in(page, base, manager, MANAGER_PASSWORD)
    expect(page.get_by_role("heading", name="Your businesses' companies")).to_be_visible()
    card = page.locator("[data-testid=company-card]", has_text="Assigned Shop")
    expect(card).to_be_visible()
    expect(card.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Create company")).to_have_count(0)
    expect(page.get_by_role("link", name="New company")).to_have_count(0)
    shot(page, "manager-dashboard")


def test_api_docs_render_without_a_cdn(page: Page, live_server: str) -> None:
    external: list[str] = []
    page.on(
        "request", lambda request: external.append(request.url) if not request.url.startswith(live_server) else None
    )
    page.goto(f"{live_server}/docs")
    expect(page.get_by_role("heading", name="X8 Network API")).to_be_visible()
    expect(page.get_by_text("/api/v1/auth/login").first).to_be_visible()
    assert external == []
    shot(page, "api-docs")
