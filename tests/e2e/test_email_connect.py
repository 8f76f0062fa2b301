"""Connecting a mailbox on the Integrations page (SPEC.md R-CH5), in a browser against a real server, a real IMAP
server (pymap) and a real SMTP server (aiosmtpd): a refused login shows an error naming IMAP or SMTP and nothing is
connected; the right settings connect the channel."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, Locator, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import api_business_token, open_signed_in
from tests.email.mail_servers import ImapServer, imap_server, smtp_server

MAILBOX = "orders@bakery.test"
PASSWORD = "app-password-1"


def _business_with_email(base: str) -> tuple[dict[str, str], str]:
    access = api_business_token(base, "email")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {access}"}) as api:
        email = api.get("/api/v1/auth/me").json()["email"]
        r = api.post(
            "/api/v1/companies/",
            json={"name": "Bakery", "company_type": "Product", "language": "en", "channels": ["email"]},
        )
        assert r.status_code == 201, r.text
        login = api.post("/api/v1/auth/login", json={"email": email, "password": "Business123"}).json()
    return {"access_token": login["access_token"], "refresh_token": login["refresh_token"]}, str(r.json()["id"])


def _fill(form: Locator, imap: ImapServer, smtp_port: int, password: str) -> None:
    form.get_by_label("Email address").fill(MAILBOX)
    for side, port in (("imap", imap.port), ("smtp", smtp_port)):
        form.locator(f"select[name={side}_security]").select_option("none")  # sets the usual port: typed after it
        form.locator(f"input[name={side}_host]").fill("127.0.0.1")
        form.locator(f"input[name={side}_port]").fill(str(port))
    form.get_by_label("Username").fill(MAILBOX)
    form.get_by_label("Password").fill(password)


def test_a_refused_login_names_imap_or_smtp_and_the_right_one_connects(browser: Browser, live_server: str) -> None:
    base = live_server
    tokens, company_id = _business_with_email(base)
    with (
        imap_server(MAILBOX, PASSWORD) as imap,
        smtp_server(MAILBOX, PASSWORD) as (_, smtp_port),
        smtp_server(MAILBOX, "another-password") as (_, other_smtp_port),
    ):
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = open_signed_in(context, base, tokens, "en")
        page.goto(f"{base}/integrations?company={company_id}")
        card = page.get_by_test_id("channel-email")
        form = card.get_by_test_id("mailbox-connect")
        expect(form).to_be_visible()
        expect(card.get_by_role("button", name="Connect Gmail")).to_be_visible()
        shot(page, "email-connect-form")

        _fill(form, imap, smtp_port, "wrong-password")
        form.get_by_role("button", name="Check and connect").click()
        expect(form.get_by_role("alert")).to_contain_text("IMAP: the login was refused")
        shot(page, "email-connect-imap-refused")

        _fill(form, imap, other_smtp_port, PASSWORD)
        form.get_by_role("button", name="Check and connect").click()
        expect(form.get_by_role("alert")).to_contain_text("SMTP: the login was refused")
        expect(card.get_by_text("Not connected", exact=True)).to_be_visible()
        shot(page, "email-connect-smtp-refused")

        _fill(form, imap, smtp_port, PASSWORD)
        form.get_by_role("button", name="Check and connect").click()
        expect(card.get_by_text("Connected", exact=True)).to_be_visible(timeout=30_000)
        expect(card.get_by_text(MAILBOX)).to_be_visible()
        expect(card.get_by_test_id("mailbox-connect")).to_have_count(0)
        shot(page, "email-connected")
        context.close()
