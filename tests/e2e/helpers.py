from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid

import httpx
from playwright.sync_api import BrowserContext, Page, expect


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}@example.com"


def read_mailbox(page: Page, base: str, email: str, pattern: str, subject: str) -> str:
    """Open the dev mailbox in a new tab, as a person would, and read the newest mail to ``email`` whose subject has
    ``subject``; reload until it is there (mail goes out from a job, so it can land after the page said it was
    sent, and an older mail to the same address must not be read in its place)."""
    mailbox = page.context.new_page()
    mailbox.goto(f"{base}/dev/mailbox?to={email}")
    mail = mailbox.locator("article.mail", has=mailbox.locator("h2", has_text=subject)).first
    deadline = time.monotonic() + 20
    while mail.count() == 0 and time.monotonic() < deadline:
        mailbox.wait_for_timeout(300)
        mailbox.reload()
    body = mail.locator("pre").inner_text()
    mailbox.close()
    match = re.search(pattern, body)
    assert match, body
    return match.group(1)


def register(page: Page, base: str, email: str, password: str = "Sup3rSecret", name: str = "Owner") -> None:
    page.goto(f"{base}/register")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send code").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    code = read_mailbox(page, base, email, r"\b(\d{6})\b", "verification code")
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Almost there")).to_be_visible()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your companies")).to_be_visible()


def create_company(page: Page, name: str, kind: str = "Product", channel: str | None = "Telegram") -> None:
    """The company wizard, as a person goes through it: type → details → channels (creates the company) →
    catalogue (skipped) → connect (skipped) → back on the dashboard."""
    page.get_by_role("link", name=re.compile(r"^Create (your first )?company$")).first.click()
    expect(page.get_by_role("heading", name="New company")).to_be_visible()
    page.get_by_role("radio", name=re.compile(f"^{kind}")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Company name").fill(name)
    page.get_by_role("button", name="Continue").click()
    if channel:
        page.get_by_role("checkbox", name=channel).check()
    page.get_by_role("button", name="Create company").click()
    expect(page.get_by_text(f"{name} (COMP")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name="Your companies")).to_be_visible()
    # The dashboard's panels (the checklist, the chart, each card's figures) load one after another and move the
    # cards: a click on a card before they are all in can land on what slid under the pointer.
    expect(page.get_by_role("region", name="Messages per day")).to_be_visible()
    card = page.locator("[data-testid=company-card]", has_text=name)
    expect(card.get_by_test_id("card-conversations")).to_contain_text(re.compile(r"\d"))  # its figures are in


def api_business_token(base: str, prefix: str) -> str:
    """Register a business through the API (the code from the dev mailbox) and return its access token."""
    email = unique_email(prefix)
    with httpx.Client(base_url=base) as api:
        api.post("/api/v1/auth/send-verification-code", json={"email": email}).raise_for_status()
        body = ""
        for _ in range(100):  # the code goes out from a background job
            items = api.get("/dev/mailbox", params={"to": email, "format": "json"}).json()["items"]
            if items:
                body = str(items[0]["body"])
                break
            time.sleep(0.1)
        code = re.search(r"\b(\d{6})\b", body)
        assert code, f"no code mailed to {email}"
        api.post("/api/v1/auth/verify-code", json={"email": email, "code": code.group(1)}).raise_for_status()
        r = api.post(
            "/api/v1/auth/complete-registration", json={"email": email, "password": "Business123", "full_name": "Biz"}
        )
        r.raise_for_status()
        return str(r.json()["access_token"])


def x8_cli(env: dict[str, str], *args: str) -> None:
    """Run the `x8` command against the live server's database (``live_server_env``)."""
    subprocess.run([sys.executable, "-m", "x8.cli", *args], env=env, check=True, capture_output=True, timeout=120)


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    """Sign in on the login page and wait until the app has let the person in."""
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


ADMIN_PASSWORD = "Adm1nPass!"
MANAGER_PASSWORD = "Manag3rPass"


def admin_and_manager_of(env: dict[str, str], business_email: str) -> tuple[str, str]:
    """A new admin and a new manager (``ADMIN_PASSWORD``, ``MANAGER_PASSWORD``), the manager assigned to the business
    by the admin through the API, as an admin would."""
    admin, manager = unique_email("admin"), unique_email("mgr")
    x8_cli(env, "admin", "create", "--email", admin, "--password", ADMIN_PASSWORD)
    x8_cli(env, "manager", "create", "--email", manager, "--password", MANAGER_PASSWORD)
    with httpx.Client(base_url=env["BASE"]) as api:
        login = api.post("/api/v1/auth/login", json={"email": admin, "password": ADMIN_PASSWORD})
        auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
        client_id = api.get("/api/v1/admin/clients", params={"q": business_email}, headers=auth).json()["items"][0][
            "id"
        ]
        managers = api.get("/api/v1/admin/managers", headers=auth).json()["items"]
        manager_id = next(m["id"] for m in managers if m["email"] == manager)
        r = api.post("/api/v1/admin/assignments", headers=auth, json={"manager_id": manager_id, "client_id": client_id})
        assert r.status_code == 200, r.text
    return admin, manager


def open_signed_in(context: BrowserContext, base: str, tokens: dict[str, str], language: str) -> Page:
    """A page of ``context`` already signed in with ``tokens`` and speaking ``language`` (no login form)."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login")
    page.evaluate(
        "([tokens, language]) => { localStorage.setItem('x8.tokens', tokens); "
        "localStorage.setItem('x8.language', language); }",
        [json.dumps(tokens), language],
    )
    return page
