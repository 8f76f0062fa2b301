"""The Activity page (SPEC.md R-UI2) in a browser, against a real server, a fake Telegram and a fake n8n that is
down: connecting a bot logs its webhook registration, the n8n setup that fails is shown retrying with a Retry
button, and once n8n is back a Retry makes it "Done"; then the channel's engine switch on the Integrations page puts
the bot on n8n. In English on a desktop and in Russian on a phone."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, ViewportSize, expect

from tests.e2e.conftest import serving_x8, shot
from tests.e2e.helpers import open_signed_in, unique_email
from tests.fakes.n8n import API_KEY, FakeN8n, n8n_app
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
PASSWORD = "Business123"
WAYS: list[tuple[str, ViewportSize, str]] = [
    ("en", {"width": 1280, "height": 860}, "desktop"),
    ("ru", {"width": 390, "height": 844}, "phone"),
]
WORDS = {
    "en": {
        "setup": "n8n setup",
        "webhook": "Webhook registration",
        "retry": "Retry",
        "done": "Done",
        "retrying": "Retrying",
        "n8n": "Your n8n workflow",
        "nav": "Activity",
    },
    "ru": {
        "setup": "Настройка n8n",
        "webhook": "Регистрация вебхука",
        "retry": "Повторить",
        "done": "Готово",
        "retrying": "Повторяется",
        "n8n": "Ваш сценарий n8n",
        "nav": "Журнал",
    },
}


@pytest.fixture(scope="module")
def n8n() -> Iterator[tuple[FakeN8n, str]]:
    state = FakeN8n()
    with serve_in_thread(n8n_app(state)) as url:
        yield state, url


@pytest.fixture(scope="module")
def telegram() -> Iterator[str]:
    state = FakeTelegram()
    state.add_bot(BOT_TOKEN)
    with serve_in_thread(telegram_app(state)) as url:
        yield url


@pytest.fixture(scope="module")
def server(n8n: tuple[FakeN8n, str], telegram: str) -> Iterator[dict[str, str]]:
    env = {
        "N8N_API_URL": n8n[1],
        "N8N_API_KEY": API_KEY,
        "TELEGRAM_API_URL": telegram,
        "PUBLIC_BASE_URL": "https://x8.example",  # Telegram takes only an HTTPS webhook
    }
    with serving_x8("activity", env) as running:
        yield running


def _shop_with_a_bot(base: str, language: str) -> dict[str, str]:
    """A business with a company whose Telegram bot is connected; its tokens. Connecting queues its n8n setup."""
    email = unique_email(f"activity-{language}")
    with httpx.Client(base_url=base, timeout=30) as api:
        api.post("/api/v1/auth/send-verification-code", json={"email": email}).raise_for_status()
        for _ in range(100):  # the code goes out from a background job
            mails = api.get("/dev/mailbox", params={"to": email, "format": "json"}).json()["items"]
            if mails:
                break
            time.sleep(0.1)
        code = re.search(r"\b(\d{6})\b", str(mails[0]["body"]))
        assert code, f"no code mailed to {email}"
        api.post("/api/v1/auth/verify-code", json={"email": email, "code": code.group(1)}).raise_for_status()
        r = api.post(
            "/api/v1/auth/complete-registration", json={"email": email, "password": PASSWORD, "full_name": "Biz"}
        )
        r.raise_for_status()
        tokens = {"access_token": r.json()["access_token"], "refresh_token": r.json()["refresh_token"]}
        api.headers["Authorization"] = f"Bearer {tokens['access_token']}"
        api.patch("/api/v1/users/profile", json={"language": language}).raise_for_status()  # the UI follows it
        r = api.post("/api/v1/companies/", json={"name": "Bakery", "company_type": "Product", "language": language})
        assert r.status_code == 201, r.text
        company_id = r.json()["id"]
        r = api.post("/api/v1/integrations/telegram/connect", json={"company_id": company_id, "bot_token": BOT_TOKEN})
        assert r.status_code == 200, r.text
    return tokens


@pytest.mark.parametrize(("language", "size", "device"), WAYS)
def test_a_failed_n8n_setup_is_retried_from_the_activity_page(
    browser: Browser,
    server: dict[str, str],
    n8n: tuple[FakeN8n, str],
    language: str,
    size: ViewportSize,
    device: str,
) -> None:
    fake, _ = n8n
    words = WORDS[language]
    base = server["BASE"]
    fake.outage = "503"
    tokens = _shop_with_a_bot(base, language)
    context = browser.new_context(viewport=size, locale="en-US")
    try:
        page = open_signed_in(context, base, tokens, language)
        page.goto(f"{base}/activity")
        rows = page.get_by_test_id("activity-row")
        setup = rows.filter(has_text=words["setup"])
        expect(setup).to_have_count(1, timeout=20_000)
        expect(setup).to_contain_text(words["retrying"])
        expect(setup).to_contain_text("503")
        webhook = rows.filter(has_text=words["webhook"])
        expect(webhook).to_contain_text(words["done"])
        expect(webhook.get_by_role("button", name=words["retry"])).to_have_count(0)
        shot(page, f"activity-{device}-{language}-failed")

        fake.outage = None
        setup.get_by_role("button", name=words["retry"]).click()
        expect(setup).to_contain_text(words["done"], timeout=20_000)
        expect(setup.get_by_role("button", name=words["retry"])).to_have_count(0)
        shot(page, f"activity-{device}-{language}-retried")

        page.goto(f"{base}/integrations")
        switch = page.get_by_test_id("engine-switch")
        switch.get_by_role("radio", name=words["n8n"]).click()
        expect(switch.get_by_role("radio", name=words["n8n"])).to_have_attribute("aria-checked", "true")
        shot(page, f"integrations-engine-{device}-{language}")
        expect(page).to_have_title(re.compile("X8"))
    finally:
        context.close()
