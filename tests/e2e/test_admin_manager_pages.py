"""The Admin and Manager pages (SPEC.md R-UI2, R-S3, R-S4) in a real browser. The admin reads the figures, finds a
business, assigns it a manager, overrides its plan after a confirmation, and keeps the Meta app pool (the secret
never reaches the page); a manager, on a phone in Russian, sees only their own businesses (another manager's is
404 through the API); a business is kept out of both."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import (
    ADMIN_PASSWORD,
    MANAGER_PASSWORD,
    admin_and_manager_of,
    api_business_token,
    open_signed_in,
    sign_in,
    unique_email,
    x8_cli,
)

SECRET = "a1b2c3d4e5f60718293a4b5c6d7e8f90"


def _login(base: str, email: str, password: str) -> dict[str, Any]:
    r = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    tokens: dict[str, Any] = r.json()
    return tokens


def _auth(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _business(base: str, prefix: str) -> tuple[dict[str, Any], str, str]:
    """A business registered through the API: its tokens, email and id."""
    token = api_business_token(base, prefix)
    me = httpx.get(f"{base}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    return _login(base, me["email"], "Business123"), me["email"], me["id"]


def _client(base: str, admin: dict[str, Any], email: str) -> dict[str, Any]:
    items = httpx.get(f"{base}/api/v1/admin/clients", params={"q": email}, headers=_auth(admin)).json()["items"]
    assert len(items) == 1
    row: dict[str, Any] = items[0]
    return row


def test_the_admin_runs_businesses_managers_and_the_meta_pool(
    page: Page, live_server: str, live_server_env: dict[str, str]
) -> None:
    _, email, _ = _business(live_server, "adminpage")
    admin_email, manager_email = unique_email("root"), unique_email("mgr")
    x8_cli(live_server_env, "admin", "create", "--email", admin_email, "--password", ADMIN_PASSWORD)
    x8_cli(live_server_env, "manager", "create", "--email", manager_email, "--password", MANAGER_PASSWORD)
    admin = _login(live_server, admin_email, ADMIN_PASSWORD)

    sign_in(page, live_server, admin_email, ADMIN_PASSWORD)
    page.get_by_test_id("sidebar").get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Admin · "))
    stats = httpx.get(f"{live_server}/api/v1/admin/stats", headers=_auth(admin)).json()
    expect(page.get_by_test_id("stat-clients")).to_have_text(str(stats["clients"]))
    expect(page.get_by_test_id("stat-mrr")).to_have_text(re.compile(r"^\$\d"))

    # Find the business and give it the manager.
    clients = page.get_by_test_id("clients")
    clients.get_by_label("Search").fill(email)
    row = clients.get_by_test_id("client-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(email)
    expect(row).to_contain_text("Trial")
    managers = httpx.get(f"{live_server}/api/v1/admin/managers", headers=_auth(admin)).json()["items"]
    manager_id = next(m["id"] for m in managers if m["email"] == manager_email)
    row.get_by_label(f"Manager of {email}").select_option(value=manager_id)
    # The select follows the server's answer (it is controlled by the refetched list), so the API has it now.
    expect(row.get_by_label(f"Manager of {email}")).to_have_value(manager_id)
    assert _client(live_server, admin, email)["manager_id"] == manager_id
    expect(
        page.get_by_test_id("managers").get_by_test_id("manager-row").filter(has_text=manager_email)
    ).to_contain_text("1 business")
    # Filtered to businesses without a manager, it is gone.
    clients.get_by_label("Manager", exact=True).select_option(label="No manager")
    expect(clients).to_contain_text("No businesses match these filters.")
    clients.get_by_label("Manager", exact=True).select_option(label="Any")
    expect(row).to_have_count(1)

    # The plan override asks for a confirmation that lists the changes, then applies them.
    row.get_by_role("button", name="Plan…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Plan").select_option(label="Enterprise")
    dialog.get_by_label("Channel limit").fill("5")
    dialog.get_by_role("button", name="Review changes").click()
    expect(dialog.get_by_test_id("override-changes")).to_contain_text("Plan: Trial → Enterprise")
    expect(dialog.get_by_test_id("override-changes")).to_contain_text("Channel limit: 5")
    assert _client(live_server, admin, email)["plan"] == "TRIAL"  # nothing applied before the confirmation
    dialog.get_by_role("button", name="Apply").click()
    expect(dialog).to_have_count(0)
    expect(row).to_contain_text("Enterprise")
    changed = _client(live_server, admin, email)
    assert (changed["plan"], changed["channel_limit_override"]) == ("ENTERPRISE", 5)

    # The Meta app pool: the secret goes in and never comes back.
    pool = page.get_by_test_id("meta-apps")
    pool.get_by_role("button", name="Add an app").click()
    pool.get_by_label("Name").fill("Pool app E2E")
    pool.get_by_label("App ID").fill("987654321012345")
    pool.get_by_label("App secret").fill(SECRET)
    pool.get_by_label("Capacity (businesses)").fill("25")
    pool.get_by_role("button", name="Add to the pool").click()
    app_row = pool.get_by_test_id("meta-app-row").filter(has_text="Pool app E2E")
    expect(app_row).to_contain_text("secret ••••8f90")
    expect(app_row).to_contain_text("0 of 25 businesses")
    assert SECRET not in page.content()
    app_row.get_by_label("Status of Pool app E2E").select_option(label="Live")
    expect(app_row.get_by_label("Status of Pool app E2E")).to_have_value("live")
    shot(page, "admin-page")
    apps = httpx.get(f"{live_server}/api/v1/admin/meta-apps", headers=_auth(admin)).json()["items"]
    assert [a["status"] for a in apps if a["name"] == "Pool app E2E"] == ["live"]
    app_row.get_by_role("button", name="Remove").click()
    app_row.get_by_role("button", name="Remove for good").click()
    expect(pool.get_by_test_id("meta-app-row").filter(has_text="Pool app E2E")).to_have_count(0)

    # On a phone the page fits the screen (the table scrolls inside its card).
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("bottom-nav")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "admin-page-phone")


def test_a_manager_sees_only_their_businesses_on_a_phone_in_russian(
    browser: Browser, live_server: str, live_server_env: dict[str, str]
) -> None:
    _, mine_email, mine_id = _business(live_server, "mine")
    _, theirs_email, theirs_id = _business(live_server, "theirs")
    _, manager_email = admin_and_manager_of(live_server_env, mine_email)
    admin_and_manager_of(live_server_env, theirs_email)
    manager = _login(live_server, manager_email, MANAGER_PASSWORD)
    r = httpx.patch(f"{live_server}/api/v1/users/profile", headers=_auth(manager), json={"language": "ru"})
    assert r.status_code == 200, r.text
    other = httpx.get(f"{live_server}/api/v1/managers/clients/{theirs_id}", headers=_auth(manager))
    assert other.status_code == 404

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    try:
        page = open_signed_in(context, live_server, manager, "ru")
        page.goto(f"{live_server}/")
        page.get_by_role("button", name="Меню").click()
        page.get_by_test_id("drawer").get_by_role("link", name="Мои клиенты").click()
        expect(page.get_by_role("heading", name="Мои клиенты", exact=True)).to_be_visible()
        expect(page.get_by_test_id("stat-clients")).to_have_text("1")
        rows = page.get_by_test_id("my-clients").get_by_test_id("client-row")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text(mine_email)
        expect(rows).to_contain_text("Пробный период до")
        expect(page.get_by_text(theirs_email)).to_have_count(0)
        expect(rows.get_by_role("link", name="Чат")).to_have_attribute("href", f"/support?client_id={mine_id}")
        expect(rows.get_by_role("link", name="Хранилище")).to_have_attribute("href", f"/vault?client_id={mine_id}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off a phone's screen
        shot(page, "manager-page-phone-ru")

        # The Admin page is not theirs.
        page.goto(f"{live_server}/admin")
        expect(page.get_by_text("Эта страница доступна только администратору.")).to_be_visible()
    finally:
        context.close()


def test_a_business_has_neither_page(page: Page, live_server: str) -> None:
    tokens, _, _ = _business(live_server, "neither")
    signed_in = open_signed_in(page.context, live_server, tokens, "en")
    signed_in.goto(f"{live_server}/")
    sidebar = signed_in.get_by_test_id("sidebar")
    expect(sidebar.get_by_role("link", name="Support")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Admin")).to_have_count(0)
    expect(sidebar.get_by_role("link", name="My businesses")).to_have_count(0)
    signed_in.goto(f"{live_server}/manager")
    expect(signed_in.get_by_text("This page is for managers")).to_be_visible()
    assert httpx.get(f"{live_server}/api/v1/admin/stats", headers=_auth(tokens)).status_code == 403
