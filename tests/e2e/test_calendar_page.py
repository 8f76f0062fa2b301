"""End-to-end: the Calendar page (SPEC.md R-UI2, R-CAL1/R-CAL2): availability, booking by hand, the week, cancelling,
a slot taken meanwhile, a manager's read-only view, a service's duration setting the slots, Google Calendar's card
(connected through the fake Google, then disconnected); in English and Russian, desktop and phone.

Everything runs against the real server; Google is the fake of tests/fakes/oauth.py, or absent (the shared server has
no Google credentials, and says so)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, ViewportSize, expect

from tests.e2e.conftest import serving_x8, shot
from tests.e2e.helpers import MANAGER_PASSWORD, admin_and_manager_of, api_business_token, open_signed_in
from tests.fakes.oauth import Account, FakeOAuthState, google_app
from tests.fakes.server import serve_in_thread

SIZES: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

WORDS = {
    "en": {
        "menu": "Menu",
        "calendar": "Calendar",
        "add_monday": "Add hours on Monday",
        "slot_minutes": "Appointment length, minutes",
        "slot_length": "length, minutes",
        "capacity": "Bookings per slot",
        "save": "Save availability",
        "saved": "Availability saved.",
        "fix": "Some fields need fixing",
        "monday_to": "Monday: until",
        "day": "Day",
        "name": "Customer's name",
        "phone": "Customer's phone",
        "book": "Book this slot",
        "booked": "Booked:",
        "taken": "This slot has just been taken.",
        "next_week": "Next week",
        "cancel": "Cancel booking",
        "yes": "Yes, cancel it",
        "cancelled": "Cancelled",
        "read_only": "only the business can change it",
        "google": "Google Calendar",
        "not_connected": "Not connected",
        "connect": "Connect Google Calendar",
        "cannot_connect": "Google Calendar cannot be connected right now",
    },
    "ru": {
        "menu": "Меню",
        "calendar": "Календарь",
        "add_monday": "Добавить часы: Понедельник",
        "slot_minutes": "Длительность приёма, минут",
        "slot_length": "^Длительность",
        "capacity": "Записей на слот",
        "save": "Сохранить расписание",
        "saved": "Расписание сохранено.",
        "fix": "Некоторые поля нужно исправить",
        "monday_to": "Понедельник: до",
        "day": "День",
        "name": "Имя клиента",
        "phone": "Телефон клиента",
        "book": "Записать на этот слот",
        "booked": "Записано:",
        "taken": "Этот слот только что заняли.",
        "next_week": "Следующая неделя",
        "cancel": "Отменить запись",
        "yes": "Да, отменить",
        "cancelled": "Отменена",
        "read_only": "менять его может только сам бизнес",
        "google": "Google Календарь",
        "not_connected": "Не подключён",
        "connect": "Подключить Google Календарь",
        "cannot_connect": "Сейчас подключить Google Календарь нельзя",
    },
}


@pytest.fixture
def open_page(browser: Browser, live_server: str) -> Iterator[Callable[[dict[str, str], str, str], Page]]:
    """``open_page(tokens, size, language)``: a signed-in tab whose dashboard speaks ``language``."""
    contexts: list[BrowserContext] = []

    def open_page(tokens: dict[str, str], size: str, language: str) -> Page:
        context = browser.new_context(viewport=SIZES[size], locale="en-US")
        contexts.append(context)
        return open_signed_in(context, live_server, tokens, language)

    yield open_page
    for context in contexts:
        context.close()


def _business(base: str, language: str = "en", kind: str = "Service") -> tuple[str, dict[str, str], str]:
    """A business (``language`` in its profile) with one company of ``kind``: its email, both tokens and the
    company's id."""
    access = api_business_token(base, "cal")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {access}"}) as api:
        email = str(api.get("/api/v1/auth/me").json()["email"])
        api.patch("/api/v1/users/profile", json={"language": language}).raise_for_status()
        r = api.post("/api/v1/companies/", json={"name": "Studio Nine", "company_type": kind, "language": "en"})
        assert r.status_code == 201, r.text
        company = str(r.json()["id"])
    r = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": "Business123"})
    r.raise_for_status()
    return email, {"access_token": r.json()["access_token"], "refresh_token": r.json()["refresh_token"]}, company


def _open_calendar(page: Page, base: str, size: str, words: dict[str, str]) -> None:
    """Through the navigation, as a person would: the sidebar on a desktop, the menu drawer on a phone."""
    page.goto(f"{base}/")
    if size == "phone":
        page.get_by_role("button", name=words["menu"]).click()
        page.get_by_test_id("drawer").get_by_role("link", name=words["calendar"]).click()
    else:
        page.get_by_test_id("sidebar").get_by_role("link", name=words["calendar"]).click()
    expect(page.get_by_role("heading", name=words["calendar"], level=1)).to_be_visible()


def _zone(page: Page) -> str:
    text = page.get_by_test_id("week-range").inner_text()
    return text.rsplit(" ", 1)[-1]


def _open_every_day(page: Page, words: dict[str, str]) -> None:
    editor = page.get_by_test_id("availability-editor")
    editor.get_by_label(re.compile(words["slot_length"])).fill("60")
    editor.get_by_label(words["capacity"]).fill("1")
    for weekday in range(7):  # every day, so that "tomorrow" always has hours
        day = editor.get_by_test_id(f"weekly-day-{weekday}")
        if day.locator("input[type=time]").count() == 0:
            day.get_by_role("button").last.click()  # the day's "add hours"


@pytest.mark.parametrize(("size", "language"), [("desktop", "en"), ("phone", "ru")])
def test_the_business_sets_hours_books_a_slot_sees_it_in_the_week_and_cancels_it(
    open_page: Callable[[dict[str, str], str, str], Page], live_server: str, size: str, language: str
) -> None:
    words = WORDS[language]
    _, tokens, _ = _business(live_server, language)
    page = open_page(tokens, size, language)
    _open_calendar(page, live_server, size, words)
    editor = page.get_by_test_id("availability-editor")

    # A range that ends before it starts is refused, and the message sits on that range.
    _open_every_day(page, words)
    editor.get_by_label(words["monday_to"]).first.fill("08:00")
    editor.get_by_role("button", name=words["save"]).click()
    expect(editor.get_by_role("alert")).to_contain_text(words["fix"])
    expect(editor.get_by_label(words["monday_to"]).first).to_have_attribute("aria-invalid", "true")
    editor.get_by_label(words["monday_to"]).first.fill("18:00")
    editor.get_by_role("button", name=words["save"]).click()
    expect(editor.get_by_text(words["saved"])).to_be_visible()
    shot(page, f"calendar-availability-{size}-{language}")

    # Book tomorrow's first free slot by hand.
    zone = ZoneInfo(_zone(page))
    tomorrow = datetime.now(zone).date() + timedelta(days=1)
    booking = page.get_by_test_id("manual-booking")
    booking.get_by_label(words["day"]).fill(tomorrow.isoformat())
    first = booking.get_by_role("radio").first
    first.check(force=True)  # the radio is drawn as its label
    slot = first.get_attribute("value")
    time = booking.locator("label:has(input[type=radio]:checked)").inner_text().split("×")[0].strip()
    booking.get_by_label(words["name"]).fill("Anna Petrova")
    booking.get_by_label(words["phone"]).fill("+7 700 123 45 67")
    booking.get_by_role("button", name=words["book"]).click()
    expect(booking.get_by_role("status").filter(has_text=words["booked"])).to_contain_text(time)

    # It is in the week of tomorrow, at that time.
    week = page.get_by_test_id("week-view")
    if tomorrow.weekday() == 0:
        week.get_by_role("button", name=words["next_week"]).click()
    day = week.get_by_test_id(f"day-{tomorrow.isoformat()}")
    expect(day.get_by_test_id("booking")).to_have_count(1)
    expect(day.get_by_test_id("booking")).to_contain_text(time)
    shot(page, f"calendar-week-{size}-{language}")

    # Cancelled after a confirmation; the slot is free again.
    day.get_by_role("button", name=words["cancel"]).click()
    day.get_by_role("button", name=words["yes"]).click()
    expect(day.get_by_role("button", name=words["cancel"])).to_have_count(0)
    expect(booking.get_by_role("radio").first).to_have_value(slot or "")

    # Google Calendar: not connected, and an honest answer when this server cannot connect it.
    google = page.get_by_test_id("google-calendar")
    expect(google.get_by_test_id("google-calendar-status")).to_have_text(words["not_connected"])
    google.get_by_role("button", name=words["connect"]).click()
    expect(google.get_by_text(words["cannot_connect"])).to_be_visible()
    shot(page, f"calendar-google-{size}-{language}")


def test_a_slot_taken_in_another_tab_is_said_plainly(
    open_page: Callable[[dict[str, str], str, str], Page], live_server: str
) -> None:
    words = WORDS["en"]
    _, tokens, _ = _business(live_server)
    first = open_page(tokens, "desktop", "en")
    _open_calendar(first, live_server, "desktop", words)
    _open_every_day(first, words)
    first.get_by_role("button", name=words["save"]).click()
    expect(first.get_by_text(words["saved"])).to_be_visible()
    tomorrow = (datetime.now(ZoneInfo(_zone(first))).date() + timedelta(days=1)).isoformat()

    second = open_page(tokens, "desktop", "en")
    _open_calendar(second, live_server, "desktop", words)
    tabs = [first.get_by_test_id("manual-booking"), second.get_by_test_id("manual-booking")]
    for form in tabs:  # both tabs see the slot free
        form.get_by_label(words["day"]).fill(tomorrow)
        form.get_by_role("radio").first.check(force=True)
    tabs[0].get_by_role("button", name=words["book"]).click()
    expect(tabs[0].get_by_text(words["booked"])).to_be_visible()
    tabs[1].get_by_role("button", name=words["book"]).click()
    expect(tabs[1].get_by_role("alert")).to_contain_text(words["taken"])
    expect(tabs[1].get_by_role("button", name=words["book"])).to_be_disabled()  # the taken slot left the list
    shot(second, "calendar-slot-taken")


def test_a_manager_reads_the_calendar_but_changes_nothing(
    open_page: Callable[[dict[str, str], str, str], Page], live_server: str, live_server_env: dict[str, str]
) -> None:
    words = WORDS["en"]
    email, _, _ = _business(live_server)
    _, manager = admin_and_manager_of(live_server_env, email)
    login = httpx.post(f"{live_server}/api/v1/auth/login", json={"email": manager, "password": MANAGER_PASSWORD})
    login.raise_for_status()
    tokens = {"access_token": login.json()["access_token"], "refresh_token": login.json()["refresh_token"]}
    page = open_page(tokens, "desktop", "en")
    _open_calendar(page, live_server, "desktop", words)

    editor = page.get_by_test_id("availability-editor")
    expect(editor.get_by_text(words["read_only"])).to_be_visible()
    expect(editor.get_by_role("button", name=words["save"])).to_have_count(0)
    expect(editor.get_by_label(words["slot_minutes"])).to_be_disabled()
    expect(page.get_by_test_id("manual-booking")).to_have_count(0)
    expect(page.get_by_test_id("google-calendar").get_by_role("button")).to_have_count(0)
    expect(page.get_by_test_id("week-view")).to_be_visible()
    shot(page, "calendar-manager")


def test_a_shop_delivers_to_a_city_and_books_a_delivery_there(
    open_page: Callable[[dict[str, str], str, str], Page], live_server: str
) -> None:
    words = WORDS["en"]
    _, tokens, _ = _business(live_server, "en", kind="Product")
    page = open_page(tokens, "desktop", "en")
    _open_calendar(page, live_server, "desktop", words)
    _open_every_day(page, words)
    editor = page.get_by_test_id("availability-editor")
    editor.get_by_role("button", name="Add city").click()
    city = editor.get_by_test_id("city-0")
    city.get_by_label("City").fill("Almaty")
    city.get_by_label("Deliveries per slot").fill("2")
    editor.get_by_role("button", name=words["save"]).click()
    expect(editor.get_by_text(words["saved"])).to_be_visible()

    tomorrow = datetime.now(ZoneInfo(_zone(page))).date() + timedelta(days=1)
    booking = page.get_by_test_id("manual-booking")
    expect(booking.get_by_label("City")).to_have_value("Almaty")
    booking.get_by_label(words["day"]).fill(tomorrow.isoformat())
    first = booking.locator("label", has_text="×2").first  # the city's own capacity
    first.click()
    booking.get_by_label("Delivery address").fill("Abay avenue 10")
    booking.get_by_role("button", name=words["book"]).click()
    expect(booking.get_by_text(words["booked"])).to_be_visible()

    week = page.get_by_test_id("week-view")
    if tomorrow.weekday() == 0:
        week.get_by_role("button", name=words["next_week"]).click()
    delivery = week.get_by_test_id(f"day-{tomorrow.isoformat()}").get_by_test_id("booking")
    expect(delivery).to_contain_text("Delivery")
    expect(delivery).to_contain_text("Almaty, Abay avenue 10")
    shot(page, "calendar-delivery")


SERVICES_CSV = (
    "name,description,price,currency,duration_minutes,format\n"
    "Haircut,A short cut,20,USD,30,offline\n"
    "Massage,A long massage,50,USD,90,offline\n"
)


def _slot_starts(booking: Locator) -> list[datetime]:
    radios = booking.get_by_role("radio")
    expect(radios.first).to_be_attached()
    return [datetime.fromisoformat(v) for v in radios.evaluate_all("(rs) => rs.map((r) => r.value)")]


def test_a_service_picked_sets_the_slots_and_is_booked(
    open_page: Callable[[dict[str, str], str, str], Page], live_server: str
) -> None:
    words = WORDS["ru"]
    _, tokens, company_id = _business(live_server, "ru")
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {tokens['access_token']}"}) as api:
        r = api.post(
            "/api/v1/knowledge-base/upload-csv",
            files={"file": ("services.csv", SERVICES_CSV, "text/csv")},
            data={"company_id": company_id},
        )
        assert r.status_code == 200, r.text
    page = open_page(tokens, "phone", "ru")
    _open_calendar(page, live_server, "phone", words)
    _open_every_day(page, words)
    page.get_by_test_id("availability-editor").get_by_role("button", name=words["save"]).click()
    expect(page.get_by_text(words["saved"])).to_be_visible()

    tomorrow = datetime.now(ZoneInfo(_zone(page))).date() + timedelta(days=1)
    booking = page.get_by_test_id("manual-booking")
    booking.get_by_label(words["day"]).fill(tomorrow.isoformat())
    picker = booking.get_by_label("Услуга")
    expect(picker).to_have_value("")  # no particular service: the availability's 60 minutes
    starts = _slot_starts(booking)
    assert starts[1] - starts[0] == timedelta(minutes=60)

    for name, minutes in (("Massage", 90), ("Haircut", 30)):
        label = f"{name}, {minutes} мин"
        before = starts
        picker.select_option(label=label)
        expect(booking.get_by_role("radio").nth(1)).not_to_have_value(before[1].isoformat())
        starts = _slot_starts(booking)
        assert starts[1] - starts[0] == timedelta(minutes=minutes), label
    shot(page, "calendar-service-picker-phone-ru")

    booking.get_by_role("radio").nth(1).check(force=True)
    booking.get_by_role("button", name=words["book"]).click()
    expect(booking.get_by_role("status").filter(has_text=words["booked"])).to_be_visible()
    with httpx.Client(base_url=live_server, headers={"Authorization": f"Bearer {tokens['access_token']}"}) as api:
        [made] = api.get("/api/v1/bookings", params={"company_id": company_id}).json()["items"]
    assert datetime.fromisoformat(made["start"]) == starts[1]
    assert datetime.fromisoformat(made["end"]) - starts[1] == timedelta(minutes=30)
    assert made["service_id"] and made["format"] == "offline"  # the service's own format, preset in the form


@pytest.fixture(scope="module")
def google_server() -> Iterator[tuple[FakeOAuthState, dict[str, str]]]:
    """The fake Google, and a real `x8 serve` whose Google is that fake."""
    state = FakeOAuthState("g-client", "g-secret", Account("google-sub-1", "owner@example.com"))
    with serve_in_thread(google_app(state)) as url:
        google = {
            "GOOGLE_CLIENT_ID": "g-client",
            "GOOGLE_CLIENT_SECRET": "g-secret",
            "GOOGLE_OAUTH_URL": url,
            "GOOGLE_TOKEN_URL": f"{url}/token",
            "GOOGLE_API_URL": url,
            "GOOGLE_REVOKE_URL": f"{url}/revoke",
        }
        with serving_x8("e2e-calendar", google) as env:
            yield state, env


def test_google_calendar_is_connected_then_disconnected_after_a_confirmation(
    browser: Browser, google_server: tuple[FakeOAuthState, dict[str, str]]
) -> None:
    fake, env = google_server
    base, words = env["BASE"], WORDS["en"]
    _, tokens, company_id = _business(base)
    context = browser.new_context(viewport=SIZES["desktop"], locale="en-US")
    try:
        page = open_signed_in(context, base, tokens, "en")
        _open_calendar(page, base, "desktop", words)
        google = page.get_by_test_id("google-calendar")
        expect(google.get_by_test_id("google-calendar-status")).to_have_text(words["not_connected"])

        # To the fake consent screen and straight back: the page says so, and the address forgets the trip.
        google.get_by_role("button", name=words["connect"]).click()
        expect(google.get_by_text("Google Calendar is connected.")).to_be_visible()
        expect(google.get_by_test_id("google-calendar-status")).to_have_text("Connected")
        expect(page).to_have_url(re.compile(rf"/calendar\?company={company_id}$"))
        assert fake.refresh_tokens

        google.get_by_role("button", name="Disconnect").click()
        expect(google.get_by_text("Disconnect Google Calendar?")).to_be_visible()
        google.get_by_role("button", name="Keep it connected").click()
        expect(google.get_by_test_id("google-calendar-status")).to_have_text("Connected")
        google.get_by_role("button", name="Disconnect").click()
        google.get_by_role("button", name="Yes, disconnect").click()
        expect(google.get_by_test_id("google-calendar-status")).to_have_text(words["not_connected"])
        expect(google.get_by_text("X8's access to it is revoked")).to_be_visible()
        assert len(fake.revoke_requests) == 1 and not fake.refresh_tokens
        shot(page, "calendar-google-disconnected")

        # Saying no at Google brings the page back with that said, and nothing connected.
        fake.deny = True
        google.get_by_role("button", name=words["connect"]).click()
        expect(google.get_by_text("Access was not allowed at Google")).to_be_visible()
        expect(google.get_by_test_id("google-calendar-status")).to_have_text(words["not_connected"])
    finally:
        fake.deny = False
        context.close()
