"""The other auth pages: wrong password, reset, magic link, trial channel limit, Russian UI, profile."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import create_company, read_mailbox, register, unique_email


def _sign_out(page: Page) -> None:
    page.get_by_test_id("sidebar").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to X8 Network")).to_be_visible()


def test_wrong_password_then_password_reset(page: Page, live_server: str) -> None:
    email = unique_email("reset")
    register(page, live_server, email)
    _sign_out(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("Wrong12345")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Incorrect email or password.")
    shot(page, "login-error")

    page.get_by_role("link", name="Forgot password?").click()
    # The sign-in page has an Email field too: fill the reset page's once it is there.
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send reset code").click()
    code = read_mailbox(page, live_server, email, r"\b(\d{6})\b", "Reset your X8 Network password")
    page.get_by_label("Verification code").fill(code)
    page.get_by_label("New password").fill("weak")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("at least 8 characters", exact=False).last).to_be_visible()
    page.get_by_label("New password").fill("Br4ndNewPass")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("Your password was changed")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("Br4ndNewPass")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your companies")).to_be_visible()


def test_magic_link_signs_in(page: Page, live_server: str) -> None:
    email = unique_email("magic")
    register(page, live_server, email)
    _sign_out(page)
    page.get_by_role("link", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Sign in with an email link")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send link").click()
    expect(page.get_by_text("a sign-in link is on its way")).to_be_visible()
    link = read_mailbox(page, live_server, email, r"(http\S+/magic-link\?token=\S+)", "sign-in link")
    page.goto(link)
    expect(page.get_by_role("heading", name="Your companies")).to_be_visible()
    page.goto(link)  # a link works once
    expect(page.get_by_role("heading", name="This sign-in link did not work")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("already used")


def test_trial_allows_one_channel_and_says_so(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("limit"))
    create_company(page, "First Shop", channel="Telegram")
    page.get_by_role("link", name="Create company").click()
    page.get_by_role("radio", name=re.compile("^Service")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Company name").fill("Second Clinic")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Your plan allows 1 channel(s) across all companies; 1 chosen.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Telegram")).to_be_disabled()  # the one channel is spent
    expect(page.get_by_text("Your plan's channels are all in use").first).to_be_visible()
    shot(page, "company-channel-limit")
    page.get_by_role("button", name="Create company").click()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Finish").click()
    expect(page.locator("[data-testid=company-card]", has_text="Second Clinic")).to_be_visible()


def test_edit_company_and_russian_interface(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("ru"))
    create_company(page, "Edit Me", channel=None)
    page.locator("[data-testid=company-card]", has_text="Edit Me").get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit company")).to_be_visible()
    page.get_by_label("Company name").fill("Edited Name")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-testid=company-card]", has_text="Edited Name")).to_be_visible()

    page.get_by_test_id("sidebar").get_by_label("Language").select_option("ru")
    expect(page.get_by_role("heading", name="Ваши компании")).to_be_visible()
    expect(page.get_by_text("Товары")).to_be_visible()
    shot(page, "dashboard-russian")
    page.get_by_role("link", name="Профиль").click()
    expect(page.get_by_role("heading", name="Профиль")).to_be_visible()
    page.get_by_label("Имя и фамилия").fill("Анна Петрова")
    page.get_by_role("button", name="Сохранить").first.click()
    expect(page.get_by_text("Сохранено.")).to_be_visible()
    shot(page, "profile-russian")
