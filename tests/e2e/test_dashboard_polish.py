"""Issue 11's finishing touches, in the browser: tab titles, the time-zone picker, channel logos, the KB page in
Russian and the catalogue drop zone; at desktop and phone width."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.e2e.conftest import shot
from tests.e2e.helpers import register, unique_email

APP = "X8 Network"

# Excel's "Unicode Text" export: UTF-16 little-endian with a BOM, tab-separated. Stock and duration columns give
# the rows the "stock" and "min" labels the page shows.
UNICODE_TEXT = (
    "\ufeffSKU\tName\tDescription\tPrice\tCurrency\tStock\tDuration\n"
    "TEA-1\tGreen tea\tSencha, 100 g\t4.50\tEUR\t12\t\n"
    "MS-2\tTea tasting\tSix teas with a tea master\t20\tEUR\t\t45\n"
).encode("utf-16-le")
CSV = (
    b"SKU,Name,Description,Price,Currency\n"
    b"HN-3,Wildflower honey,Raw honey,7.40,EUR\n"
    b"HN-4,Acacia honey,Light honey,8.90,EUR\n"
)


@pytest.fixture(params=["desktop", "phone"])
def any_page(request: pytest.FixtureRequest) -> Page:
    page: Page = request.getfixturevalue("page" if request.param == "desktop" else "mobile_page")
    return page


def _width(page: Page) -> str:
    size = page.viewport_size
    return "phone" if size and size["width"] < 640 else "desktop"


def _api(page: Page, base: str) -> httpx.Client:
    """The API as the signed-in dashboard user (its access token from the page's storage)."""
    tokens = json.loads(page.evaluate("localStorage.getItem('x8.tokens')"))
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens['access_token']}"})


def _create_company(page: Page, base: str, name: str, channels: list[str]) -> str:
    with _api(page, base) as api:
        r = api.post("/api/v1/companies/", json={"name": name, "company_type": "Product", "channels": channels})
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


def _use_russian(page: Page, base: str) -> None:
    """Switch the signed-in person to Russian: the profile's language wins over the browser's choice."""
    with _api(page, base) as api:
        api.patch("/api/v1/users/profile", json={"language": "ru"}).raise_for_status()
    page.evaluate("localStorage.setItem('x8.language', 'ru')")
    page.reload()


def _expect_title(page: Page, words: str) -> None:
    expect(page).to_have_title(f"{words} · {APP}")


# Titles


def test_every_route_names_the_tab_in_the_ui_language(any_page: Page, live_server: str) -> None:
    page = any_page
    page.goto(f"{live_server}/login")
    _expect_title(page, "Sign in")
    page.goto(f"{live_server}/reset-password")
    _expect_title(page, "Reset password")
    # The language switch renames the tab at once, without a reload.
    page.get_by_label("Language").select_option("ru")
    _expect_title(page, "Сброс пароля")
    # The page's own words, not the server's English sentence, say what happened.
    page.get_by_label("Эл. почта").fill("nobody@example.com")
    page.get_by_role("button", name="Отправить код").click()
    expect(page.get_by_role("status")).to_have_text(
        "Если аккаунт nobody@example.com существует, мы отправили на эту почту код для нового пароля."
    )
    page.get_by_label("Язык").select_option("en")

    register(page, live_server, unique_email("titles"))
    _expect_title(page, "Dashboard")
    company = _create_company(page, live_server, "Title Shop", [])
    for path, english in [
        ("/profile", "Profile"),
        ("/knowledge-base", "Knowledge base"),
        ("/integrations", "Integrations"),
        ("/playground", "Playground"),
        ("/conversations", "Conversations"),
        ("/companies/new", "New company"),
        (f"/companies/{company}/edit", "Edit company"),
        ("/no-such-page", "Page not found"),
    ]:
        page.goto(f"{live_server}{path}")
        _expect_title(page, english)

    _use_russian(page, live_server)
    _expect_title(page, "Страница не найдена")
    for path, russian in [
        ("/", "Главная"),
        ("/profile", "Профиль"),
        ("/knowledge-base", "База знаний"),
        ("/integrations", "Интеграции"),
        (f"/companies/{company}/edit", "Редактирование компании"),
    ]:
        page.goto(f"{live_server}{path}")
        _expect_title(page, russian)
    # A signed-in person sent to /login lands on the dashboard, and the tab follows.
    page.goto(f"{live_server}/login")
    _expect_title(page, "Главная")
    shot(page, f"polish-title-ru-{_width(page)}")


# Time-zone picker


def test_time_zone_picker_finds_by_place_and_offset_and_is_saved(any_page: Page, live_server: str) -> None:
    page = any_page
    register(page, live_server, unique_email("tz"))
    page.goto(f"{live_server}/profile")
    picker = page.get_by_role("combobox", name="Time zone")
    expect(picker).to_have_value("UTC")
    listbox = page.get_by_role("listbox", name="Time zone")
    expect(listbox).to_be_hidden()

    picker.click()
    expect(listbox).to_be_visible()
    picker.press_sequentially("almat")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Almaty")
    expect(options.first).to_contain_text("Asia/Almaty")
    expect(options.first).to_contain_text("UTC+05:00")
    # Keyboard only: the arrows move the active option (announced through aria-activedescendant), Enter chooses.
    picker.press("ArrowDown")
    picker.press("ArrowUp")
    active = picker.get_attribute("aria-activedescendant")
    assert active and page.locator(f"[id='{active}']").get_attribute("data-zone") == "Asia/Almaty"
    shot(page, f"polish-tz-search-{_width(page)}")
    picker.press("Enter")
    expect(listbox).to_be_hidden()
    expect(picker).to_have_value("Asia/Almaty")
    expect(page.get_by_test_id("timezone-offset")).to_have_text("UTC+05:00")

    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("combobox", name="Time zone")).to_have_value("Asia/Almaty")
    with _api(page, live_server) as api:
        assert api.get("/api/v1/auth/me").json()["timezone"] == "Asia/Almaty"

    # An offset finds every zone that is at it now, and only those.
    picker = page.get_by_role("combobox", name="Time zone")
    picker.click()
    picker.press_sequentially("+05")
    offsets = listbox.get_by_role("option").evaluate_all("els => els.map(e => e.textContent)")
    assert len(offsets) >= 3, offsets
    assert all("UTC+05:" in text for text in offsets), offsets
    expect(listbox.locator("[data-zone='Asia/Tashkent']")).to_have_count(1)
    expect(listbox.locator("[data-zone='Europe/Moscow']")).to_have_count(0)
    shot(page, f"polish-tz-offset-{_width(page)}")
    # Escape closes the list and gives back the chosen zone; nothing else changed.
    picker.press("Escape")
    expect(listbox).to_be_hidden()
    expect(picker).to_have_value("Asia/Almaty")

    # A region finds its zones; something that is nowhere says so.
    picker.fill("asia")
    expect(listbox.locator("[data-zone='Asia/Tokyo']")).to_have_count(1)
    expect(listbox.locator("[data-zone='Europe/Berlin']")).to_have_count(0)
    picker.fill("atlantis")
    expect(page.get_by_text("No time zone matches “atlantis”.")).to_be_visible()
    picker.press("Escape")


def test_time_zone_picker_offers_only_zones_the_server_knows(page: Page, live_server: str) -> None:
    # A browser whose tz database has a zone the server's lacks (here made up), and one of Chromium's old names.
    page.add_init_script(
        "Intl.supportedValuesOf = () => ['Asia/Almaty', 'Asia/Calcutta', 'Mars/Olympus_Mons', 'Europe/Kiev'];"
    )
    register(page, live_server, unique_email("tz-server"))
    page.goto(f"{live_server}/profile")
    picker = page.get_by_role("combobox", name="Time zone")
    picker.click()
    zones = page.get_by_role("listbox", name="Time zone").get_by_role("option")
    expect(zones).to_have_count(4)
    assert sorted(zones.evaluate_all("els => els.map(e => e.dataset.zone)")) == [
        "Asia/Almaty",
        "Asia/Kolkata",  # stored under today's name
        "Europe/Kyiv",
        "UTC",
    ]
    # An old name still finds the place.
    picker.press_sequentially("kiev")
    expect(zones).to_have_count(1)
    expect(zones.first).to_have_attribute("data-zone", "Europe/Kyiv")
    picker.press("Enter")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    with _api(page, live_server) as api:
        assert api.get("/api/v1/auth/me").json()["timezone"] == "Europe/Kyiv"


def test_profile_shows_the_plan_by_name_with_the_trial_end(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("plan"))
    page.goto(f"{live_server}/profile")
    with _api(page, live_server) as api:
        me = api.get("/api/v1/auth/me").json()
    assert me["plan"] == "TRIAL" and me["subscription_status"] == "trialing"
    summary = page.get_by_test_id("plan-summary")
    expect(summary).to_contain_text("Trial · 1 channel")
    ends = page.evaluate(
        "d => new Date(d).toLocaleDateString('en', {day: 'numeric', month: 'long', year: 'numeric'})",
        me["trial_ends_at"],
    )
    expect(summary).to_contain_text(f"Trial until {ends}")
    expect(summary).not_to_contain_text("TRIAL")
    expect(summary).not_to_contain_text("trialing")
    _use_russian(page, live_server)
    ends_ru = page.evaluate(
        "d => new Date(d).toLocaleDateString('ru', {day: 'numeric', month: 'long', year: 'numeric'})",
        me["trial_ends_at"],
    )
    expect(summary).to_contain_text("Пробный · 1 канал")
    expect(summary).to_contain_text(f"Пробный период до {ends_ru}")
    shot(page, "polish-profile-plan-ru")


# Channel logos


def test_channel_logos_are_named_images(any_page: Page, live_server: str) -> None:
    page = any_page
    register(page, live_server, unique_email("logos"))
    _create_company(page, live_server, "Logo Shop", ["telegram"])
    page.goto(f"{live_server}/integrations")
    telegram = page.get_by_test_id("channel-telegram").get_by_role("img", name="Telegram")
    expect(telegram).to_be_visible()
    # A drawn brand mark (Telegram's blue), not two letters in a circle.
    expect(telegram).to_have_text("")
    assert telegram.locator("svg path").first.get_attribute("fill") == "#26A5E4"
    playground = page.get_by_role("img", name="Playground")
    expect(playground).to_be_visible()
    assert playground.locator("svg path").count() >= 1
    # Beside their names the logos are decorative: not announced a second time.
    for name in ("WhatsApp", "Instagram", "Facebook", "TikTok", "Email"):
        expect(page.get_by_role("img", name=name)).to_have_count(0)
    shot(page, f"polish-logos-{_width(page)}")

    _use_russian(page, live_server)
    expect(page.get_by_role("img", name="Песочница")).to_be_visible()
    expect(page.get_by_test_id("channel-telegram").get_by_role("img", name="Telegram")).to_be_visible()
    page.goto(live_server)
    expect(page.get_by_role("img", name="Telegram")).to_be_visible()  # the company card's channels
    shot(page, f"polish-logos-dashboard-{_width(page)}")


# Knowledge base in Russian, and the drop zone


def test_kb_page_in_russian_has_no_english_left(any_page: Page, live_server: str) -> None:
    page = any_page
    register(page, live_server, unique_email("kb-ru"))
    _create_company(page, live_server, "Чайная", [])
    page.goto(f"{live_server}/knowledge-base")
    _use_russian(page, live_server)
    expect(page.get_by_role("heading", name="База знаний", exact=True)).to_be_visible()

    # The file chooser, opened by clicking the drop zone as a person would.
    zone = page.get_by_test_id("catalogue-drop-zone")
    expect(zone).to_contain_text("Перетащите файл сюда")
    with page.expect_file_chooser() as chooser:
        zone.click()
    chooser.value.set_files(files=FilePayload(name="чай.txt", mimeType="text/plain", buffer=UNICODE_TEXT))
    expect(page.get_by_test_id("chosen-file")).to_contain_text("чай.txt")
    expect(page.get_by_test_id("chosen-file")).to_contain_text(re.compile(r"\d+ байт"))
    page.get_by_role("button", name="Загрузить каталог").click()
    expect(page.get_by_test_id("upload-result")).to_contain_text("Импортировано 2 из 2 строк.")

    rows = page.get_by_test_id("kb-rows")
    expect(rows).to_contain_text("В наличии: 12")
    expect(rows).to_contain_text("45 мин")
    expect(page.get_by_role("heading", name=re.compile("^Каталог"))).to_be_visible()
    expect(page.get_by_role("button", name="Найти")).to_be_visible()
    body = page.locator("main").inner_text()
    for english in ("Catalogue", "stock", "min", "Search", "score"):
        assert not re.search(rf"\b{english}\b", body), f"{english!r} left in the Russian page:\n{body}"
    shot(page, f"polish-kb-ru-{_width(page)}")

    # The search button has its name in the UI language.
    page.get_by_label("Проверьте вопрос клиента").fill("green")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_test_id("search-results")).to_contain_text("Green tea")


def _drop(page: Page, name: str, mime: str, data: bytes) -> None:
    """Drag a file from the desktop onto the drop zone: a real DataTransfer carrying a File, as a browser builds it."""
    transfer = page.evaluate_handle(
        """([name, mime, bytes]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mime }));
            return transfer;
        }""",
        [name, mime, list(data)],
    )
    zone = page.get_by_test_id("catalogue-drop-zone")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    expect(zone).to_have_attribute("data-dragging", "true")
    zone.dispatch_event("drop", {"dataTransfer": transfer})


def test_drop_zone_takes_a_dragged_catalogue_and_refuses_other_files(page: Page, live_server: str) -> None:
    register(page, live_server, unique_email("kb-drop"))
    _create_company(page, live_server, "Honey House", [])
    page.goto(f"{live_server}/knowledge-base")
    upload = page.get_by_role("button", name="Upload catalogue")
    expect(upload).to_be_disabled()

    _drop(page, "photo.png", "image/png", b"\x89PNG\r\n\x1a\n")
    expect(page.get_by_role("alert")).to_have_text(
        "“photo.png” is not a catalogue file: choose a .csv, .xlsx or .txt file."
    )
    expect(upload).to_be_disabled()

    _drop(page, "honey.csv", "text/csv", CSV)
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_test_id("chosen-file")).to_contain_text("honey.csv")
    expect(page.get_by_test_id("chosen-file")).to_contain_text(f"{len(CSV)} bytes")
    # The file input keeps its name for keyboards and screen readers, and says which file is chosen.
    file_input = page.get_by_label("CSV or Excel file")
    expect(file_input).to_have_accessible_description(re.compile(r"Chosen: honey\.csv"))
    shot(page, "polish-kb-dropped")
    upload.click()
    expect(page.get_by_test_id("upload-result")).to_contain_text("Imported 2 of 2 rows.")
    expect(page.get_by_test_id("kb-row")).to_have_count(2)
    expect(page.get_by_role("heading", name=re.compile("^Catalogue"))).to_be_visible()
