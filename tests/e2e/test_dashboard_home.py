"""Issue 11's dashboard home: a new business is led through its first steps by a checklist computed from its real
data, the messages-per-day chart appears once there are messages, and staff are offered nothing they cannot do."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import api_business_token, register, sign_in, unique_email, x8_cli

PASSWORD = "Sup3rSecret"  # what helpers.register signs up with
CATALOGUE = b"SKU,Name,Description,Price,Currency\nTEA-1,Green tea,Sencha green tea 100 g,4.50,EUR\n"
RU_MONTHS = [
    *("января", "февраля", "марта", "апреля", "мая", "июня"),
    *("июля", "августа", "сентября", "октября", "ноября", "декабря"),
]
CREATE_LINKS = re.compile(r"^(Create company|Create your first company|New company)$")


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

    def create_company(self, name: str) -> dict[str, Any]:
        return self.call("POST", "/api/v1/companies/", json={"name": name, "company_type": "Product"})

    def upload_catalogue(self, company_id: str) -> None:
        result = self.call(
            "POST",
            "/api/v1/knowledge-base/upload-csv",
            files={"file": ("catalogue.csv", CATALOGUE, "text/csv")},
            data={"company_id": company_id},
        )
        assert result["rows_imported"] == 1, result

    def try_playground(self, company_id: str, text: str) -> None:
        channel = self.call("POST", "/api/v1/integrations/web/connect", json={"company_id": company_id})
        self.call(
            "POST",
            f"/api/v1/webhooks/web/{channel['channel_id']}",
            json={"text": text, "message_id": uuid.uuid4().hex},
        )


def _still(page: Page) -> None:
    """Ask for reduced motion, as some people do: the chart then draws its bars at once (and screenshots show
    them whole, not half-grown)."""
    page.emulate_media(reduced_motion="reduce")


def _checklist(page: Page) -> Any:
    return page.get_by_test_id("onboarding")


def _expect_steps(page: Page, done: list[bool]) -> None:
    for step, is_done in zip(("company", "catalogue", "channel"), done, strict=True):
        expect(page.get_by_test_id(f"onboarding-step-{step}")).to_have_attribute("data-done", str(is_done).lower())


def test_a_new_business_is_led_from_nothing_to_its_first_chart(page: Page, live_server: str) -> None:
    _still(page)
    email = unique_email("home")
    chart_code: list[str] = []
    page.on("request", lambda r: chart_code.append(r.url) if "MessagesChart" in r.url else None)
    register(page, live_server, email)
    assert chart_code == [], "the sign-up pages loaded the chart library"

    checklist = _checklist(page)
    expect(checklist.get_by_role("heading", name="Get started")).to_be_visible()
    expect(checklist.get_by_test_id("onboarding-progress")).to_have_text("0 of 3 done")
    expect(checklist.get_by_role("progressbar", name="Setup progress")).to_have_attribute("aria-valuenow", "0")
    _expect_steps(page, [False, False, False])
    expect(checklist.get_by_role("link", name="Create a company")).to_have_attribute("href", "/companies/new")
    # Nothing to upload to or chat with before there is a company.
    expect(page.get_by_test_id("onboarding-step-catalogue")).to_contain_text("Available once you have a company.")
    expect(checklist.get_by_role("link", name="Open the knowledge base")).to_have_count(0)
    empty = page.get_by_test_id("no-companies")
    expect(empty).to_contain_text("You have no companies yet")
    expect(empty.get_by_role("link", name="Create your first company")).to_have_attribute("href", "/companies/new")
    expect(page.get_by_test_id("messages-chart")).to_have_count(0)
    shot(page, "home-new-business-desktop")

    business = Business(live_server, email)
    company = business.create_company("Tea Room")
    page.reload()
    expect(checklist.get_by_test_id("onboarding-progress")).to_have_text("1 of 3 done")
    _expect_steps(page, [True, False, False])
    expect(page.get_by_test_id("onboarding-step-company").get_by_test_id("onboarding-step-state")).to_have_text("Done")
    expect(checklist.get_by_role("link", name="Open the knowledge base")).to_have_attribute(
        "href", f"/knowledge-base?company={company['id']}"
    )
    # Telegram can be connected on this installation (its adapter exists and needs no server setting).
    channel_step = page.get_by_test_id("onboarding-step-channel")
    expect(channel_step.get_by_role("heading")).to_have_text("3. Connect a channel or try the Playground")
    expect(channel_step.get_by_role("link", name="Connect a channel")).to_have_attribute(
        "href", f"/integrations?company={company['id']}"
    )
    expect(channel_step.get_by_role("link", name="Open the Playground")).to_have_attribute(
        "href", f"/playground?company={company['id']}"
    )
    # A company with no messages yet: an invitation, not an empty chart.
    chart = page.get_by_test_id("messages-chart")
    expect(chart.get_by_test_id("messages-chart-empty")).to_contain_text("No messages yet")
    expect(chart.get_by_role("link", name="Try the Playground")).to_have_attribute("href", "/playground")
    expect(chart.locator("svg")).to_have_count(0)
    expect(page.get_by_role("link", name="Create your first company")).to_have_count(0)
    shot(page, "home-one-step-desktop")

    business.upload_catalogue(company["id"])
    page.reload()
    expect(checklist.get_by_test_id("onboarding-progress")).to_have_text("2 of 3 done")
    _expect_steps(page, [True, True, False])
    expect(checklist.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "2")

    business.try_playground(company["id"], "How much is the green tea?")
    page.reload()
    expect(page.get_by_test_id("company-card")).to_contain_text("Tea Room")
    expect(checklist).to_have_count(0)  # all three done: the checklist goes
    plot = page.get_by_test_id("messages-chart-plot")
    expect(plot.locator("svg.recharts-surface").first).to_be_visible()
    expect(plot.locator(".recharts-bar-rectangle path").first).to_be_visible()
    expect(plot).to_have_attribute("aria-label", re.compile(r"Tea Room: 1 from customers, \d+ replies"))
    expect(plot).to_contain_text("Tea Room")  # the legend
    assert chart_code, "the chart's code was never loaded"
    page.get_by_text("Show the numbers").click()
    table = page.get_by_test_id("messages-table")
    expect(table.get_by_role("columnheader", name="Tea Room")).to_be_visible()
    today = datetime.now(UTC)
    last_row = table.locator("tbody tr").last
    expect(last_row.get_by_role("rowheader")).to_contain_text(f"{today.strftime('%B')} {today.day}")
    expect(last_row.get_by_role("cell").first).to_have_text("1")
    shot(page, "home-chart-desktop")

    page.reload()  # finished stays finished
    expect(page.get_by_test_id("messages-chart-plot")).to_be_visible()
    expect(checklist).to_have_count(0)


def test_on_a_phone_in_russian_the_checklist_can_be_hidden_and_the_chart_speaks_russian(
    mobile_page: Page, live_server: str
) -> None:
    page = mobile_page
    _still(page)
    email = unique_email("home-ru")
    register(page, live_server, email)
    business = Business(live_server, email)
    business.call("PATCH", "/api/v1/users/profile", json={"language": "ru"})
    page.reload()

    checklist = _checklist(page)
    expect(checklist.get_by_role("heading", name="С чего начать")).to_be_visible()
    expect(checklist.get_by_test_id("onboarding-progress")).to_have_text("Готово 0 из 3")
    expect(page.get_by_role("link", name="Создать первую компанию")).to_be_visible()
    shot(page, "home-new-business-phone-ru")

    checklist.get_by_role("button", name="Скрыть список первых шагов").click()
    expect(checklist).to_have_count(0)
    page.reload()
    expect(page.get_by_role("heading", name="Ваши компании")).to_be_visible()
    expect(page.get_by_test_id("no-companies")).to_be_visible()
    expect(checklist).to_have_count(0)  # hidden for good, for this person

    company = business.create_company("Чайная")
    business.try_playground(company["id"], "Здравствуйте! Сколько стоит зелёный чай?")
    page.reload()
    chart = page.get_by_test_id("messages-chart")
    expect(chart.get_by_role("heading", name="Сообщения по дням")).to_be_visible()
    plot = chart.get_by_test_id("messages-chart-plot")
    expect(plot.locator("svg.recharts-surface").first).to_be_visible()
    expect(plot.locator(".recharts-bar-rectangle path").first).to_be_visible()
    today = datetime.now(UTC)
    today_ru = f"{today.day} {RU_MONTHS[today.month - 1]}"
    expect(plot).to_have_attribute(
        "aria-label",
        re.compile(rf"за последние 14 дней, с .+ по {today_ru}\. Чайная: от клиентов — 1"),
    )
    expect(chart).to_contain_text("За последние 14 дней")
    page.get_by_text("Показать цифры").click()
    expect(page.get_by_test_id("messages-table").get_by_role("columnheader", name="От клиентов")).to_be_visible()
    shot(page, "home-chart-phone-ru")

    # Another person on the same browser gets their own checklist.
    other = unique_email("home-other")
    page.evaluate("localStorage.removeItem('x8.tokens'); localStorage.removeItem('x8.language')")
    register(page, live_server, other)
    expect(_checklist(page).get_by_test_id("onboarding-progress")).to_have_text("0 of 3 done")


def test_a_business_whose_trial_ended_is_not_offered_a_channel(page: Page, live_server_env: dict[str, str]) -> None:
    base = live_server_env["BASE"]
    email = unique_email("home-expired")
    register(page, base, email)
    business = Business(base, email)
    business.create_company("Closed Shop")
    with psycopg.connect(live_server_env["DATABASE_URL"], autocommit=True) as db:
        db.execute("UPDATE users SET trial_ends_at = now() - interval '1 day' WHERE email = %s", (email,))
    page.reload()
    step = page.get_by_test_id("onboarding-step-channel")
    expect(step.get_by_role("heading")).to_have_text("3. Try the Playground")
    expect(step.get_by_role("link", name="Open the Playground")).to_be_visible()
    expect(step.get_by_role("link", name="Connect a channel")).to_have_count(0)


def test_managers_and_admins_are_offered_no_company_creation(page: Page, live_server_env: dict[str, str]) -> None:
    _still(page)
    base = live_server_env["BASE"]
    admin, manager = unique_email("home-admin"), unique_email("home-mgr")
    x8_cli(live_server_env, "admin", "create", "--email", admin, "--password", "Adm1nPass!")
    x8_cli(live_server_env, "manager", "create", "--email", manager, "--password", "Manag3rPass")

    sign_in(page, base, manager, "Manag3rPass")
    expect(page.get_by_role("heading", name="Your businesses' companies")).to_be_visible()
    empty = page.get_by_test_id("no-companies")
    expect(empty).to_contain_text("No businesses are assigned to you yet")
    expect(page.get_by_role("link", name=CREATE_LINKS)).to_have_count(0)
    expect(_checklist(page)).to_have_count(0)
    shot(page, "home-manager-unassigned")

    # Assigned a business that has no company yet, the manager is told so.
    with httpx.Client(base_url=base) as api:
        business = {"Authorization": f"Bearer {api_business_token(base, 'home-assigned')}"}
        client_id = api.get("/api/v1/auth/me", headers=business).json()["id"]
        token = api.post("/api/v1/auth/login", json={"email": admin, "password": "Adm1nPass!"}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        manager_id = next(
            m["id"] for m in api.get("/api/v1/admin/managers", headers=auth).json()["items"] if m["email"] == manager
        )
        r = api.post("/api/v1/admin/assignments", headers=auth, json={"manager_id": manager_id, "client_id": client_id})
        assert r.status_code == 200, r.text
    page.reload()
    expect(empty).to_contain_text("Your businesses have not created a company yet")
    expect(page.get_by_role("link", name=CREATE_LINKS)).to_have_count(0)

    page.get_by_test_id("sidebar").get_by_role("button", name="Sign out").click()
    sign_in(page, base, admin, "Adm1nPass!")
    expect(page.get_by_role("heading", name="All companies")).to_be_visible()
    expect(page.get_by_role("link", name=CREATE_LINKS)).to_have_count(0)
    expect(_checklist(page)).to_have_count(0)
    # Every business's companies are the admin's to see, so the chart (or its empty state) is there.
    chart = page.get_by_test_id("messages-chart")
    plot = chart.get_by_test_id("messages-chart-plot")
    expect(plot.or_(chart.get_by_test_id("messages-chart-empty"))).to_be_visible()
    if plot.count():
        expect(plot.locator(".recharts-bar-rectangle path").first).to_be_visible()
    shot(page, "home-admin")


def test_staff_on_a_phone_see_no_create_button(mobile_page: Page, live_server_env: dict[str, str]) -> None:
    page = mobile_page
    manager = unique_email("home-mgr-phone")
    x8_cli(live_server_env, "manager", "create", "--email", manager, "--password", "Manag3rPass")
    sign_in(page, live_server_env["BASE"], manager, "Manag3rPass")
    expect(page.get_by_test_id("no-companies")).to_contain_text("No businesses are assigned to you yet")
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_test_id("drawer")).to_be_visible()
    expect(page.get_by_role("link", name=CREATE_LINKS)).to_have_count(0)
    shot(page, "home-manager-phone")
