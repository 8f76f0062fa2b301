"""Deleting an account from the Profile page in a real browser (SPEC.md R-S5): the danger zone asks for the email
and the password, the person is signed out at once and lands on the status page, which follows the job to the
end without a session; signing in again is refused."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import create_company, register, unique_email


def test_a_business_deletes_its_account_and_watches_it_go(page: Page, live_server: str) -> None:
    email = unique_email("leaving")
    register(page, live_server, email)
    create_company(page, "Leaving Shop")

    page.goto(f"{live_server}/profile")
    zone = page.get_by_test_id("delete-account")
    expect(zone.get_by_role("heading", name="Delete account")).to_be_visible()
    zone.get_by_role("button", name="Delete my account…").click()
    confirm = zone.get_by_role("button", name="Delete everything")
    expect(confirm).to_be_disabled()
    zone.get_by_label("Type your email to confirm").fill(email)
    zone.get_by_label("Your password").fill("wrong-password")
    expect(confirm).to_be_enabled()
    shot(page, "deletion-01-confirm")
    confirm.click()
    expect(zone.get_by_text("The password is wrong. Nothing was deleted.")).to_be_visible()

    zone.get_by_label("Your password").fill("Sup3rSecret")
    confirm.click()
    expect(page).to_have_url(re.compile(r"/account-deletion/[0-9a-f-]{36}$"))
    status = page.get_by_test_id("deletion-status")
    expect(status.get_by_text("Companies and their data")).to_be_visible()
    expect(status.get_by_text("Your account has been deleted.")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("deletion-step-user")).to_contain_text("Done")
    shot(page, "deletion-02-done")

    # The status page outlives the session; the account is gone.
    page.reload()
    expect(status.get_by_text("Your account has been deleted.")).to_be_visible()
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("Sup3rSecret")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Incorrect email or password.")).to_be_visible()
