"""The company wizard (issue 11, SPEC R-UI2: type → channel → KB → connect): channels this server cannot connect, or
that the plan has no room for, cannot be ticked and say why; the catalogue and connect steps work on the new
company; people who may not create or edit companies are not offered the forms. Desktop and phone, English and
Russian; the dev mailbox is pointed to while signing up."""

from __future__ import annotations

import json
import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import (
    ADMIN_PASSWORD,
    MANAGER_PASSWORD,
    admin_and_manager_of,
    create_company,
    register,
    sign_in,
    unique_email,
)

CATALOGUE = b"name,price,description\nGreen tea,4.50,Loose leaf\nBlack tea,3.90,Assam\n"


def _start_wizard(page: Page) -> None:
    page.get_by_role("link", name=re.compile(r"^Create (your first )?company$")).first.click()
    page.get_by_role("radio", name=re.compile("^Product")).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Company name").fill("Tea Corner")
    page.get_by_role("button", name="Continue").click()


def test_the_whole_wizard_on_a_trial(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("wizard"))
    _start_wizard(page)

    # The e2e server has no WAHA (so no WhatsApp, nor TikTok, whose leads land there) and no live app in the Meta
    # pool (so no Facebook or Instagram): none can be ticked, and each says why. Any mailbox can be connected.
    for name in ("WhatsApp", "Instagram", "Facebook", "TikTok"):
        expect(page.get_by_role("checkbox", name=name)).to_be_disabled()
    for name in ("WhatsApp", "Facebook", "Instagram", "TikTok"):
        expect(page.get_by_text(f"This server is not set up for {name}")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Email")).to_be_enabled()
    expect(page.get_by_text("Not available in this version yet.")).to_have_count(0)
    expect(page.get_by_text("Your plan allows 1 channel(s) across all companies; 0 chosen.")).to_be_visible()
    page.get_by_role("checkbox", name="Telegram").check()
    expect(page.get_by_text("1 chosen")).to_be_visible()
    shot(page, "wizard-channels")
    page.get_by_role("button", name="Create company").click()

    # Catalogue: the upload works on the new company, and the step says how many items it has.
    expect(page.get_by_text(re.compile(r"Tea Corner \(COMP\d+\) is created\."))).to_be_visible()
    expect(page.locator("[aria-current=step]")).to_contain_text("Catalogue")
    assert "step=catalogue" in page.url
    page.get_by_label("CSV or Excel file").set_input_files(
        files=[{"name": "tea.csv", "mimeType": "text/csv", "buffer": CATALOGUE}]
    )
    page.get_by_role("button", name="Upload catalogue").click()
    expect(page.get_by_test_id("wizard-catalogue-rows")).to_have_text("The catalogue has 2 item(s).")
    shot(page, "wizard-catalogue")

    # A reload keeps the person on the step they were on.
    page.reload()
    expect(page.locator("[aria-current=step]")).to_contain_text("Catalogue")
    page.get_by_role("button", name="Continue").click()

    # Connect: the chosen channel's own form, and the playground.
    expect(page.locator("[aria-current=step]")).to_contain_text("Connect")
    telegram = page.get_by_test_id("channel-telegram")
    expect(telegram.get_by_role("button", name="Connect")).to_be_visible()
    expect(page.get_by_role("link", name="Open the playground")).to_be_visible()
    shot(page, "wizard-connect")
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("heading", name="Your companies")).to_be_visible()

    page.goto(f"{live_server}/integrations")
    expect(page.get_by_test_id("channel-telegram")).to_be_visible()
    # The plan's one channel is spent: the card for more says so and offers nothing.
    add = page.get_by_test_id("add-channel")
    expect(add).to_contain_text("Your plan's channels are all in use")
    expect(add.get_by_role("button")).to_have_count(0)
    page.goto(f"{live_server}/")

    # The trial's one channel is spent: a second company cannot tick Telegram, and says why.
    _start_wizard(page)
    expect(page.get_by_role("checkbox", name="Telegram")).to_be_disabled()
    expect(page.get_by_text("Your plan's channels are all in use").first).to_be_visible()


def _speak_russian(page: Page, base: str) -> None:
    """The profile's language is the one the dashboard follows once signed in."""
    tokens = json.loads(page.evaluate("localStorage.getItem('x8.tokens')"))
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    httpx.patch(f"{base}/api/v1/users/profile", json={"language": "ru"}, headers=auth).raise_for_status()


def test_the_wizard_on_a_phone_in_russian(mobile_page: Page, live_server: str) -> None:
    page = mobile_page
    register(page, live_server, unique_email("wizard-ru"))
    _speak_russian(page, live_server)
    page.goto(f"{live_server}/companies/new")
    expect(page.get_by_role("heading", name="Новая компания")).to_be_visible()
    expect(page.get_by_role("list", name="Шаги")).to_contain_text("Каталог")
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_label("Название компании").fill("Чайная")
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_text("Сервер не настроен для канала «WhatsApp»")).to_be_visible()
    shot(page, "wizard-channels-ru-phone")
    page.get_by_role("button", name="Создать компанию").click()
    expect(page.get_by_text(re.compile(r"Компания Чайная \(COMP\d+\) создана\."))).to_be_visible()
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_text("Каналы не выбраны")).to_be_visible()
    page.get_by_role("button", name="Готово").click()
    expect(page.locator("[data-testid=company-card]", has_text="Чайная")).to_be_visible()

    # Integrations offers to add only what this server can connect: Telegram and a mailbox (no WAHA, no Meta app).
    page.goto(f"{live_server}/integrations")
    add = page.get_by_test_id("add-channel")
    expect(add.get_by_role("button", name="Telegram")).to_be_visible()
    expect(add.get_by_role("button", name="Почта")).to_be_visible()
    expect(add.get_by_role("button")).to_have_count(2)


def test_pages_about_a_company_lead_a_new_business_to_create_one(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("empty"))
    for path in ("/knowledge-base", "/integrations", "/playground"):
        page.goto(f"{live_server}{path}")
        empty = page.get_by_test_id("no-companies")
        expect(empty).to_contain_text("you have none yet")
    empty.get_by_role("link", name="Create a company").click()
    expect(page.get_by_role("heading", name="New company")).to_be_visible()


def test_the_sign_up_code_step_points_to_the_dev_mailbox(page: Page, live_server: str) -> None:
    email = unique_email("mailbox")
    page.goto(f"{live_server}/register")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send code").click()
    note = page.get_by_test_id("dev-mailbox-note")
    expect(note).to_contain_text("mail is not sent")
    link = note.get_by_role("link", name="Open the dev mailbox")
    expect(link).to_have_attribute("href", f"/dev/mailbox?to={email.replace('@', '%40')}")


def test_the_behaviour_panel_says_what_works_without_an_llm(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("engine"))
    create_company(page, "Quiet Shop", channel=None)
    page.goto(f"{live_server}/playground")
    panel = page.get_by_test_id("behaviour-panel")
    expect(panel.get_by_test_id("engine-note")).to_contain_text("No language model is configured")
    save = panel.get_by_role("button", name="Save as a new version")
    expect(save).to_be_disabled()
    expect(panel.get_by_text("No changes to save.")).to_be_visible()
    panel.get_by_label("Greeting (word for word)").fill("Hello from the quiet shop!")
    expect(save).to_be_enabled()
    save.click()
    expect(panel.get_by_text("version 1")).to_be_visible()
    expect(save).to_be_disabled()


def test_staff_are_offered_only_what_they_may_do(page: Page, live_server_env: dict[str, str]) -> None:
    base = live_server_env["BASE"]
    business = unique_email("own")
    register(page, base, business)
    create_company(page, "Managed Shop", channel=None)
    page.get_by_test_id("sidebar").get_by_role("button", name="Sign out").click()
    admin, manager = admin_and_manager_of(live_server_env, business)
    with httpx.Client(base_url=base) as api:
        owner = api.post("/api/v1/auth/login", json={"email": business, "password": "Sup3rSecret"}).json()
        mine = api.get("/api/v1/companies/", headers={"Authorization": f"Bearer {owner['access_token']}"}).json()
        company_id = mine["items"][0]["id"]

    # A manager: no wizard, no playground, the company read-only with the reason.
    sign_in(page, base, manager, MANAGER_PASSWORD)
    sidebar = page.get_by_test_id("sidebar")
    expect(sidebar.get_by_role("link", name="Conversations", exact=True)).to_be_visible()
    expect(sidebar.get_by_role("link", name="New company")).to_have_count(0)
    expect(sidebar.get_by_role("link", name="Playground")).to_have_count(0)
    page.goto(f"{base}/companies/new")
    expect(page.get_by_text("Managers see their businesses' data")).to_be_visible()
    expect(page.get_by_label("Company name")).to_have_count(0)
    page.goto(f"{base}/companies/{company_id}/edit")
    expect(page.get_by_role("heading", name="Company", exact=True)).to_be_visible()
    expect(page.get_by_text("Managed Shop (COMP")).to_be_visible()
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    shot(page, "manager-company-read-only")
    page.goto(f"{base}/playground")
    expect(page.get_by_test_id("playground-off")).to_contain_text("Managers see their businesses' data")
    expect(page.get_by_role("textbox")).to_have_count(0)
    sidebar.get_by_role("button", name="Sign out").click()

    # An admin may edit any company but creates none: no wizard to fill in before a 403.
    sign_in(page, base, admin, ADMIN_PASSWORD)
    expect(page.get_by_test_id("sidebar").get_by_role("link", name="New company")).to_have_count(0)
    page.goto(f"{base}/companies/new")
    expect(page.get_by_text("Only a business account creates companies.")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    page.goto(f"{base}/companies/{company_id}/edit")
    expect(page.get_by_role("heading", name="Edit company")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
