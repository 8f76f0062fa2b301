"""Issue 22's figures in the browser: a business whose customers talked to it (through the playground) sees real,
non-zero figures on its dashboard cards and on the Metrics page, with charts, filters and a CSV export."""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import (
    ADMIN_PASSWORD,
    MANAGER_PASSWORD,
    admin_and_manager_of,
    register,
    sign_in,
    unique_email,
)

PASSWORD = "Sup3rSecret"  # what helpers.register signs up with


class Business:
    """The API, as the business that signed up in the browser."""

    def __init__(self, base: str, email: str) -> None:
        self.api = httpx.Client(base_url=base, timeout=30)
        r = self.api.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        r.raise_for_status()
        self.api.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        r = self.api.request(method, path, **kwargs)
        assert r.is_success, r.text
        body: dict[str, Any] = r.json()
        return body

    def talk(self, company_id: str, *texts: str) -> None:
        """A customer writes in the playground; waits until the assistant has answered every message."""
        channel = self.call("POST", "/api/v1/integrations/web/connect", json={"company_id": company_id})
        for text in texts:
            self.call(
                "POST",
                f"/api/v1/webhooks/web/{channel['channel_id']}",
                json={"text": text, "message_id": uuid.uuid4().hex},
            )
        for _ in range(150):
            totals = self.call("GET", "/api/v1/metrics/overview", params={"company_id": company_id})["totals"]
            if totals["messages_out"] >= 1 and totals["messages_in"] == len(texts):
                return
            time.sleep(0.2)
        raise AssertionError(f"the assistant did not answer: {totals}")


def test_a_business_sees_its_real_figures(page: Page, live_server: str) -> None:
    page.emulate_media(reduced_motion="reduce")
    email = unique_email("metrics")
    register(page, live_server, email)
    business = Business(live_server, email)
    tea = business.call("POST", "/api/v1/companies/", json={"name": "Tea Room", "company_type": "Product"})
    business.call("POST", "/api/v1/companies/", json={"name": "Quiet Shop", "company_type": "Product"})
    business.talk(tea["id"], "hello", "do you sell green tea?")
    overview = business.call("GET", "/api/v1/metrics/overview", params={"company_id": tea["id"]})["totals"]

    page.reload()
    card = page.locator("[data-testid=company-card]", has_text="Tea Room")
    expect(card.get_by_test_id("card-conversations")).to_contain_text("1")
    messages = overview["messages_in"] + overview["messages_out"]
    expect(card.get_by_test_id("card-messages")).to_contain_text(str(messages))
    quiet = page.locator("[data-testid=company-card]", has_text="Quiet Shop")
    expect(quiet.get_by_test_id("card-messages")).to_contain_text("0")
    page.get_by_test_id("card-period").get_by_role("button", name="30 days").click()
    expect(card.get_by_test_id("card-messages")).to_contain_text(str(messages))
    shot(page, "metrics-dashboard-cards")

    page.get_by_test_id("card-period").get_by_role("link", name="Details").click()
    expect(page).to_have_url(re.compile(r"/metrics$"))
    expect(page.get_by_role("heading", name="Metrics", exact=True)).to_be_visible()
    expect(page.get_by_test_id("metric-conversations")).to_contain_text("1")
    expect(page.get_by_test_id("metric-messages-in")).to_contain_text("2")
    expect(page.get_by_test_id("metric-messages-out")).to_contain_text(str(overview["messages_out"]))
    expect(page.get_by_test_id("metric-bot-resolution")).to_contain_text("100%")
    expect(page.get_by_test_id("metrics-messages-chart").locator("svg.recharts-surface").first).to_be_visible()
    expect(page.get_by_test_id("metrics-funnel").locator(".recharts-bar-rectangle").first).to_be_visible()
    expect(page.get_by_test_id("metrics-channel-table")).to_contain_text("Playground")
    expect(page.get_by_test_id("metrics-company-table")).to_contain_text("Quiet Shop")
    shot(page, "metrics-page-desktop")

    with page.expect_download() as download:
        page.get_by_test_id("metrics-export").click()
    text = download.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[-1]["period"] == "total"
    assert (rows[-1]["conversations"], rows[-1]["messages_in"]) == ("1", "2")
    assert len(rows) == 31  # thirty days and the total

    # Filters: a company with no conversations, then a week by week view.
    page.get_by_test_id("metrics-company").select_option(label="Quiet Shop")
    expect(page.get_by_test_id("metric-conversations")).to_contain_text("0")
    expect(page.get_by_test_id("metrics-empty")).to_be_visible()
    page.get_by_test_id("metrics-company").select_option(label="All companies")
    page.get_by_test_id("metrics-granularity").select_option(label="Week")
    page.get_by_test_id("metrics-period").select_option(label="Last 90 days")
    expect(page.get_by_test_id("metric-messages-in")).to_contain_text("2")
    page.get_by_test_id("metrics-channel").select_option(label="Playground")
    expect(page.get_by_test_id("metric-messages-in")).to_contain_text("2")
    expect(page.get_by_test_id("metrics-by-channel")).to_contain_text("Playground")


def test_the_metrics_page_on_a_phone_in_russian(mobile_page: Page, live_server: str) -> None:
    page = mobile_page
    page.emulate_media(reduced_motion="reduce")
    email = unique_email("metrics-ru")
    register(page, live_server, email)
    business = Business(live_server, email)
    shop = business.call("POST", "/api/v1/companies/", json={"name": "Чайная", "company_type": "Product"})
    business.talk(shop["id"], "привет")
    business.call("PATCH", "/api/v1/users/profile", json={"language": "ru"})
    page.evaluate("localStorage.setItem('x8.language', 'ru')")
    page.goto(f"{live_server}/metrics")
    expect(page.get_by_role("heading", name="Метрики", exact=True)).to_be_visible()
    expect(page.get_by_test_id("metric-conversations")).to_contain_text("1")
    expect(page.get_by_test_id("metrics-funnel")).to_contain_text("Воронка продаж")
    expect(page.get_by_test_id("metrics-funnel").locator(".recharts-bar-rectangle").first).to_be_visible()
    shot(page, "metrics-page-phone-ru")


def test_admin_and_manager_see_their_clients_activity(
    page: Page, live_server: str, live_server_env: dict[str, str]
) -> None:
    email = unique_email("metrics-client")
    register(page, live_server, email)
    business = Business(live_server, email)
    shop = business.call("POST", "/api/v1/companies/", json={"name": "Managed Shop", "company_type": "Product"})
    business.talk(shop["id"], "hello there")
    page.get_by_test_id("sidebar").get_by_role("button", name="Sign out").click()
    admin, manager = admin_and_manager_of(live_server_env, email)

    sign_in(page, live_server, manager, MANAGER_PASSWORD)
    page.goto(f"{live_server}/manager")
    totals = page.get_by_test_id("activity-totals-clients")
    expect(totals).to_contain_text("Your clients' activity, last 30 days")
    expect(totals.get_by_test_id("activity-conversations")).to_contain_text("1")
    shot(page, "metrics-manager-totals")
    page.get_by_test_id("sidebar").get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, admin, ADMIN_PASSWORD)
    page.goto(f"{live_server}/admin")
    platform = page.get_by_test_id("activity-totals-platform")
    expect(platform).to_contain_text("Platform activity, last 30 days")
    expect(platform.get_by_test_id("activity-messages")).not_to_have_text(re.compile(r"Messages\s*0$"))
    shot(page, "metrics-admin-totals")
