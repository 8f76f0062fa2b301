"""The Vault page (SPEC.md §12 R-V1, R-V2, R-UI2) in a real browser, on a server whose Telegram is a fake Bot API:
a business sees its bot token masked, reveals it after a confirmation (shown once, with a copy button, audited),
and a token Telegram refuses is shown as the provider's error with the old one kept; a manager chooses among their
businesses (in Russian) and another manager's business is not found."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import serving_x8, shot
from tests.e2e.helpers import MANAGER_PASSWORD, admin_and_manager_of, api_business_token, open_signed_in
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
OTHER_TOKEN = "555555555:CCKfqTcvCH1vGWJxfSeofSAs0K5PALDzzz"


@pytest.fixture(scope="module")
def vault_env() -> Iterator[dict[str, str]]:
    state = FakeTelegram()
    state.add_bot(TOKEN)
    state.add_bot(OTHER_TOKEN, username="other_bot")
    with (
        serve_in_thread(telegram_app(state)) as telegram,
        serving_x8(
            "vault",
            {
                "TELEGRAM_API_URL": telegram,
                "PUBLIC_BASE_URL": "https://x8.example",  # Telegram takes https webhooks only
                "X8_RATE_LIMIT_CODES_PER_IP": "100000",
                "X8_RATE_LIMIT_LOGINS_PER_IP": "100000",
            },
        ) as env,
    ):
        yield env


def business_with_bot(base: str, prefix: str, token: str) -> tuple[dict[str, Any], str, str]:
    """A business (through the API) whose company's Telegram bot is connected: tokens, email, id."""
    access = api_business_token(base, prefix)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {access}"}) as api:
        company = api.post("/api/v1/companies/", json={"name": "Bakery", "company_type": "Product"}).json()
        r = api.post("/api/v1/integrations/telegram/connect", json={"company_id": company["id"], "bot_token": token})
        assert r.status_code == 200, r.text
        me = api.get("/api/v1/auth/me").json()
    tokens = httpx.post(f"{base}/api/v1/auth/login", json={"email": me["email"], "password": "Business123"}).json()
    return tokens, me["email"], me["id"]


def test_a_business_reveals_its_token_once_and_a_refused_token_keeps_the_old(
    browser: Browser, vault_env: dict[str, str]
) -> None:
    base = vault_env["BASE"]
    tokens, _, _ = business_with_bot(base, "vault-biz", TOKEN)
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = open_signed_in(context, base, tokens, "en")
    page.goto(f"{base}/vault")
    expect(page.get_by_role("heading", name="Vault", exact=True)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Vault · "))
    expect(page.get_by_test_id("vault-client-picker")).to_have_count(0)  # a business sees its own

    row = page.get_by_test_id("vault-secret")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Telegram bot token")
    expect(row.get_by_test_id("vault-masked")).to_have_text(re.compile(f"^•+{TOKEN[-4:]}$"))
    assert TOKEN[:-4] not in page.content()
    # Connecting the bot stored its token: the audit log's first entry.
    created = page.get_by_test_id("vault-audit-row")
    expect(created).to_have_count(1)
    expect(created.first).to_contain_text("Created")
    expect(created.first).to_contain_text("Business (you)")

    # Reveal: a confirmation first, then the value once, with a copy button; closing hides it again.
    row.get_by_role("button", name="Reveal").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("recorded in the audit log")
    expect(dialog.get_by_test_id("revealed-value")).to_have_count(0)
    dialog.get_by_role("button", name="Reveal").click()
    expect(dialog.get_by_test_id("revealed-value")).to_have_text(TOKEN)
    dialog.get_by_role("button", name="Copy").click()
    expect(dialog.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == TOKEN
    shot(page, "vault-revealed")
    dialog.get_by_role("button", name="Close").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert TOKEN not in page.content()
    audit = page.get_by_test_id("vault-audit-row")
    expect(audit).to_have_count(2)
    expect(audit.first).to_contain_text("Revealed")
    expect(audit.first).to_contain_text("Business (you)")

    # A token Telegram refuses: its error on the form, and the old token stays.
    row.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("New value").fill("111:not-a-bot")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Telegram: Unauthorized")
    shot(page, "vault-edit-refused")
    dialog.get_by_role("button", name="Cancel").click()
    row.get_by_role("button", name="Reveal").click()
    page.get_by_role("dialog").get_by_role("button", name="Reveal").click()
    expect(page.get_by_test_id("revealed-value")).to_have_text(TOKEN)
    page.get_by_role("dialog").get_by_role("button", name="Close").click()

    # A new name (and the same token) is saved; the change is in the audit log.
    row.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("New value").fill(TOKEN)
    dialog.get_by_label("Name").fill("Shop bot")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(row).to_contain_text("Shop bot")
    expect(page.get_by_test_id("vault-audit-row").first).to_contain_text("Changed")
    shot(page, "vault-business")
    context.close()


def test_a_manager_chooses_their_business_and_another_managers_is_not_found(
    browser: Browser, vault_env: dict[str, str]
) -> None:
    base = vault_env["BASE"]
    _, mine_email, mine_id = business_with_bot(base, "vault-mine", TOKEN)
    _, _, theirs_id = business_with_bot(base, "vault-theirs", OTHER_TOKEN)
    _, manager_email = admin_and_manager_of(vault_env, mine_email)
    manager = httpx.post(f"{base}/api/v1/auth/login", json={"email": manager_email, "password": MANAGER_PASSWORD})
    speaks_russian = httpx.patch(
        f"{base}/api/v1/users/profile",
        headers={"Authorization": f"Bearer {manager.json()['access_token']}"},
        json={"language": "ru"},
    )
    assert speaks_russian.status_code == 200, speaks_russian.text
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="ru-RU")
    page = open_signed_in(context, base, manager.json(), "ru")

    page.goto(f"{base}/vault")
    expect(page.get_by_role("heading", name="Хранилище секретов")).to_be_visible()
    picker = page.get_by_test_id("vault-client-picker").get_by_label("Клиент")
    picker.select_option(label=f"Biz · {mine_email}")
    expect(page).to_have_url(re.compile(f"client_id={mine_id}"))
    row = page.get_by_test_id("vault-secret")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("vault-masked")).to_have_text(re.compile(f"{TOKEN[-4:]}$"))
    row.get_by_role("button", name="Показать").click()
    page.get_by_role("dialog").get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("revealed-value")).to_have_text(TOKEN)
    page.get_by_role("dialog").get_by_role("button", name="Закрыть").click()
    expect(page.get_by_test_id("vault-audit-row").first).to_contain_text("Менеджер (вы)")
    shot(page, "vault-manager")

    # Another manager's business, even by link: not found, and nothing of it shown.
    page.goto(f"{base}/vault?client_id={theirs_id}")
    expect(page.get_by_test_id("vault-secrets").get_by_role("alert")).to_contain_text("Клиент не найден.")
    expect(page.get_by_test_id("vault-secret")).to_have_count(0)
    assert OTHER_TOKEN[-4:] not in page.content()
    shot(page, "vault-manager-not-found")
    context.close()
