"""Staff see the companies they look after, read-only for managers; the API docs render with no CDN."""

from __future__ import annotations

import subprocess
import sys

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import create_company, register, unique_email


def _x8(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "x8.cli", *args], env=env, check=True, capture_output=True, timeout=120)


def _sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_manager_sees_assigned_companies_read_only(page: Page, live_server_env: dict[str, str]) -> None:
    base = live_server_env["BASE"]
    business, admin, manager = unique_email("biz"), unique_email("admin"), unique_email("mgr")
    register(page, base, business)
    create_company(page, "Assigned Shop", channel=None)
    page.get_by_test_id("sidebar").get_by_role("button", name="Sign out").click()
    _x8(live_server_env, "admin", "create", "--email", admin, "--password", "Adm1nPass!")
    _x8(live_server_env, "manager", "create", "--email", manager, "--password", "Manag3rPass")
    with httpx.Client(base_url=base) as api:
        token = api.post("/api/v1/auth/login", json={"email": admin, "password": "Adm1nPass!"}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        clients = api.get("/api/v1/admin/clients", params={"q": business}, headers=auth).json()["items"]
        managers = api.get("/api/v1/admin/managers", headers=auth).json()["items"]
        manager_id = next(m["id"] for m in managers if m["email"] == manager)
        r = api.post(
            "/api/v1/admin/assignments", headers=auth, json={"manager_id": manager_id, "client_id": clients[0]["id"]}
        )
        assert r.status_code == 200

    _sign_in(page, base, manager, "Manag3rPass")
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
