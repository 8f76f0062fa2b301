"""The Conversations page on a phone and on a desktop, in English and in Russian (issue 11): list → thread → back,
links in messages, the empty states, pausing and resuming the assistant, and a manager's read-only view."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import sql
from tests.e2e.conftest import shot
from tests.e2e.helpers import api_business_token, open_signed_in, unique_email, x8_cli

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SIZES = {"desktop": DESKTOP, "phone": PHONE}

WORDS = {
    "en": {
        "title": "Conversations",
        "back": "Back to conversations",
        "pause": "Pause assistant",
        "resume": "Resume assistant",
        "active": "The assistant answers this chat",
        "paused": "The assistant is paused: a person is answering",
        "until": "until",
        "badge": "Paused",
        "search": "Search messages or names",
        "no_match": "No conversations match “helicopter”.",
        "clear": "Clear search",
        "none": "No conversations yet.",
        "playground": "Open the Playground",
        "choose": "Choose a conversation",
        "reply": "Reply as yourself…",
        "send": "Send",
    },
    "ru": {
        "title": "Диалоги",
        "back": "Назад к диалогам",
        "pause": "Приостановить ассистента",
        "resume": "Вернуть ассистента",
        "active": "Ассистент отвечает в этом чате",
        "paused": "Ассистент на паузе: отвечает человек",
        "until": "до",
        "badge": "Пауза",
        "search": "Поиск по сообщениям и именам",
        "no_match": "По запросу «helicopter» диалогов не найдено.",
        "clear": "Очистить поиск",
        "none": "Диалогов пока нет.",
        "playground": "Открыть Песочницу",
        "choose": "Выберите диалог",
        "reply": "Ответить от себя…",
        "send": "Отправить",
    },
}
CHATS = {"anna": "Hello there", "boris": "Do you sell green tea?"}
EVERY_WAY = [("desktop", "en"), ("desktop", "ru"), ("phone", "en"), ("phone", "ru")]

ORDER_LINK = "https://shop.example.com/orders/42"
PAYMENT_LINK = "https://pay.example.com/checkout/" + "a1b2c3d4" * 12  # long: it must wrap inside the bubble


@dataclass
class Shop:
    """A business with one company whose playground has had chats (each answered by the assistant)."""

    base: str
    tokens: dict[str, str]
    company_id: str
    conversations: dict[str, str]  # visitor → conversation id

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base, headers={"Authorization": f"Bearer {self.tokens['access_token']}"}, timeout=30
        )

    def conversation(self, visitor: str) -> dict[str, Any]:
        with self.api() as api:
            r = api.get(f"/api/v1/conversations/{self.conversations[visitor]}")
            r.raise_for_status()
            body: dict[str, Any] = r.json()
            return body


def _business(base: str, language: str) -> dict[str, str]:
    """A business registered through the API, with the language in its profile; both of its tokens."""
    access = api_business_token(base, "inbox")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {access}"}) as api:
        email = api.get("/api/v1/auth/me").json()["email"]
        api.patch("/api/v1/users/profile", json={"language": language}).raise_for_status()
    return _login(base, email, "Business123")


def _login(base: str, email: str, password: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password})
    r.raise_for_status()
    return {"access_token": r.json()["access_token"], "refresh_token": r.json()["refresh_token"]}


def _shop(base: str, language: str, chats: dict[str, str]) -> Shop:
    """``chats``: visitor → the first thing they write in the playground."""
    tokens = _business(base, language)
    shop = Shop(base, tokens, "", {})
    with shop.api() as api:
        r = api.post("/api/v1/companies/", json={"name": "Tea Room", "company_type": "Product", "channels": []})
        assert r.status_code == 201, r.text
        shop.company_id = r.json()["id"]
        channel = api.post("/api/v1/integrations/web/connect", json={"company_id": shop.company_id}).json()
        for visitor, text in chats.items():
            r = api.post(f"/api/v1/webhooks/web/{channel['channel_id']}", json={"text": text, "visitor_id": visitor})
            assert r.status_code == 202, r.text
            shop.conversations[visitor] = r.json()["conversation_id"]
        for conversation in shop.conversations.values():
            _wait_for_answer(api, conversation)
    return shop


def _wait_for_answer(api: httpx.Client, conversation: str) -> None:
    """The assistant's reply is in (so nothing changes under the test): the buffer is 1 s in these servers."""
    for _ in range(150):
        items = api.get(f"/api/v1/conversations/{conversation}/messages").json()["items"]
        if any(m["sender"] == "bot" for m in items):
            return
        time.sleep(0.1)
    pytest.fail(f"the assistant never answered {conversation}")


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Any]:
    """``open_page(base, tokens, size, language)``: a signed-in tab of that size whose dashboard starts in
    ``language`` (the profile's language is set too, so it stays)."""
    contexts = []

    def open_page(base: str, tokens: dict[str, str], size: str, language: str) -> Page:
        context = browser.new_context(viewport=SIZES[size], locale="en-US")
        contexts.append(context)
        return open_signed_in(context, base, tokens, language)

    yield open_page
    for context in contexts:
        context.close()


def _open_inbox(page: Page, shop: Shop, conversation: str | None = None) -> None:
    url = f"{shop.base}/conversations?company={shop.company_id}"
    page.goto(url + (f"&conversation={conversation}" if conversation else ""))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_on_a_phone_the_list_opens_a_thread_and_back_returns(open_page: Any, live_server: str, language: str) -> None:
    words = WORDS[language]
    shop = _shop(live_server, language, CHATS)
    page = open_page(live_server, shop.tokens, "phone", language)
    _open_inbox(page, shop)
    expect(page.get_by_role("heading", name=words["title"])).to_be_visible()
    rows = page.get_by_test_id("conversation-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("thread")).to_have_count(0)
    expect(page.get_by_test_id("no-conversation")).to_be_hidden()  # "choose one" is for side-by-side screens
    shot(page, f"conversations-phone-list-{language}")

    first = _open_row(page, shop, 0)
    thread = page.get_by_test_id("thread")
    expect(thread).to_be_visible()
    expect(page.get_by_test_id("conversations-panel")).to_be_hidden()  # one at a time
    reply = page.get_by_label(words["reply"]).bounding_box()
    bottom_nav = page.get_by_test_id("bottom-nav").bounding_box()
    assert reply and bottom_nav and reply["y"] + reply["height"] <= bottom_nav["y"], "the reply box is under the nav"
    shot(page, f"conversations-phone-thread-{language}")

    page.reload()  # the open conversation is in the URL
    expect(thread.get_by_test_id("message-customer")).to_contain_text(first)
    page.get_by_role("button", name=words["back"]).click()
    expect(page.get_by_test_id("conversations-panel")).to_be_visible()
    expect(page.get_by_test_id("thread")).to_have_count(0)
    assert "conversation=" not in page.url

    # Opened from the list, the thread closes with the browser's back button and with ours, to the same list.
    _open_row(page, shop, 1)
    page.go_back()
    expect(page.get_by_test_id("conversations-panel")).to_be_visible()
    expect(page.get_by_test_id("thread")).to_have_count(0)
    _open_row(page, shop, 1)
    page.get_by_role("button", name=words["back"]).click()
    expect(rows).to_have_count(2)
    assert "conversation=" not in page.url


def _open_row(page: Page, shop: Shop, index: int) -> str:
    """Open the list's row ``index``; check the URL and the thread show that chat; return its first message."""
    page.get_by_test_id("conversation-row").nth(index).click()
    expect(page).to_have_url(re.compile(r"conversation="))
    opened = re.search(r"conversation=([0-9a-f-]+)", page.url)
    assert opened
    visitor = next(v for v, c in shop.conversations.items() if c == opened.group(1))
    first = CHATS[visitor]
    expect(page.get_by_test_id("thread").get_by_test_id("message-customer")).to_contain_text(first)
    return first


@pytest.mark.parametrize("language", ["en", "ru"])
def test_on_a_desktop_the_list_and_the_thread_sit_side_by_side(open_page: Any, live_server: str, language: str) -> None:
    words = WORDS[language]
    shop = _shop(live_server, language, {"anna": "Hello there"})
    page = open_page(live_server, shop.tokens, "desktop", language)
    _open_inbox(page, shop)
    expect(page.get_by_test_id("no-conversation")).to_contain_text(words["choose"])
    page.get_by_test_id("conversation-row").click()
    expect(page.get_by_test_id("thread")).to_be_visible()
    expect(page.get_by_test_id("conversations-panel")).to_be_visible()
    expect(page.get_by_role("button", name=words["back"])).to_be_hidden()  # nothing to go back to
    list_box = page.get_by_test_id("conversations-panel").bounding_box()
    thread_box = page.get_by_test_id("thread").bounding_box()
    assert list_box and thread_box and list_box["x"] + list_box["width"] <= thread_box["x"]
    shot(page, f"conversations-desktop-{language}")


@pytest.mark.parametrize(("size", "language"), EVERY_WAY)
def test_links_in_messages_are_real_links_and_other_text_stays_text(
    open_page: Any, live_server: str, size: str, language: str
) -> None:
    words = WORDS[language]
    customer = f"Where is my order? {ORDER_LINK}. Also javascript:alert(1) and www.example.org/help!"
    shop = _shop(live_server, language, {"anna": customer})
    page = open_page(live_server, shop.tokens, size, language)
    _open_inbox(page, shop, shop.conversations["anna"])
    thread = page.get_by_test_id("thread")
    bubble = thread.get_by_test_id("message-customer")
    expect(bubble).to_contain_text("javascript:alert(1)")

    order = bubble.get_by_role("link", name=ORDER_LINK)
    expect(order).to_have_attribute("href", ORDER_LINK)  # the sentence's full stop is not part of it
    expect(order).to_have_attribute("target", "_blank")
    expect(order).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(bubble.get_by_role("link", name="www.example.org/help")).to_have_attribute(
        "href", "https://www.example.org/help"
    )
    expect(bubble.get_by_role("link")).to_have_count(2)  # javascript: is not one
    expect(page.locator("a[href^='javascript']")).to_have_count(0)

    # A payment link sent by a person is a link too, and a long one wraps inside its bubble.
    page.get_by_label(words["reply"]).fill(f"Pay here: {PAYMENT_LINK}")
    thread.get_by_role("button", name=words["send"]).click()
    payment = thread.get_by_test_id("message-human").get_by_role("link", name=PAYMENT_LINK)
    expect(payment).to_have_attribute("href", PAYMENT_LINK)
    expect(payment).to_have_attribute("rel", "noopener noreferrer nofollow")
    history = thread.locator("ul")
    overflow = history.evaluate("(list) => list.scrollWidth - list.clientWidth")
    assert overflow <= 0, f"the history scrolls sideways by {overflow}px"
    shot(page, f"conversations-links-{size}-{language}")


@pytest.mark.parametrize(("size", "language"), EVERY_WAY)
def test_empty_states_say_what_is_empty(open_page: Any, live_server: str, size: str, language: str) -> None:
    words = WORDS[language]
    shop = _shop(live_server, language, CHATS)
    page = open_page(live_server, shop.tokens, size, language)
    _open_inbox(page, shop)
    rows = page.get_by_test_id("conversation-row")
    expect(rows).to_have_count(2)

    search = page.get_by_role("searchbox", name=words["search"])
    search.fill("helicopter")
    empty = page.get_by_test_id("conversations-empty")
    expect(empty).to_contain_text(words["no_match"])
    expect(empty).not_to_contain_text(words["none"])
    expect(rows).to_have_count(0)
    shot(page, f"conversations-no-match-{size}-{language}")
    empty.get_by_role("button", name=words["clear"]).click()
    expect(search).to_have_value("")
    expect(rows).to_have_count(2)
    search.fill("green tea")
    expect(rows).to_have_count(1)
    # The icon-only button that empties the search box has a name too.
    page.get_by_role("button", name=words["clear"]).click()
    expect(rows).to_have_count(2)

    # A company with no conversation at all points to the Playground.
    with shop.api() as api:
        r = api.post("/api/v1/companies/", json={"name": "Quiet Shop", "company_type": "Product", "channels": []})
        assert r.status_code == 201, r.text
        quiet = r.json()["id"]
    page.goto(f"{shop.base}/conversations?company={quiet}")
    expect(empty).to_contain_text(words["none"])
    shot(page, f"conversations-none-yet-{size}-{language}")
    empty.get_by_role("link", name=words["playground"]).click()
    expect(page).to_have_url(re.compile(rf"/playground\?company={quiet}$"))


@pytest.mark.parametrize(("size", "language"), EVERY_WAY)
def test_pause_then_resume_the_assistant(open_page: Any, live_server: str, size: str, language: str) -> None:
    words = WORDS[language]
    shop = _shop(live_server, language, {"anna": "Hello there"})
    page = open_page(live_server, shop.tokens, size, language)
    _open_inbox(page, shop, shop.conversations["anna"])
    thread = page.get_by_test_id("thread")
    state = thread.get_by_test_id("bot-state")
    expect(state).to_have_text(words["active"])
    expect(thread.get_by_test_id("bot-paused-until")).to_have_count(0)

    thread.get_by_role("button", name=words["pause"]).click()
    expect(state).to_have_text(words["paused"])
    # Paused until a time, written as the person reads time: "until 3:42 PM", "до 15:42"; with the date when that
    # time falls on another day (a pause started late in the evening): "until Dec 7, 2026, 12:49 AM".
    clock = r"\d{1,2}:\d{2}\s?(AM|PM)" if language == "en" else r"\d{2}:\d{2}"
    until = re.compile(rf"^{words['until']} (.+,? )?{clock}$")
    expect(thread.get_by_test_id("bot-paused-until")).to_have_text(until)
    conversation = shop.conversation("anna")
    assert conversation["bot_paused"] is True and conversation["bot_paused_until"] is not None
    if size == "desktop":  # the list beside the thread marks the chat too
        expect(page.get_by_test_id("conversation-row")).to_contain_text(words["badge"])
    shot(page, f"conversations-paused-{size}-{language}")

    thread.get_by_role("button", name=words["resume"]).click()
    expect(state).to_have_text(words["active"])
    expect(thread.get_by_role("button", name=words["pause"])).to_be_visible()
    conversation = shop.conversation("anna")
    assert conversation["bot_paused"] is False and conversation["bot_paused_until"] is None


def _manager_of(shop: Shop, env: dict[str, str], language: str) -> dict[str, str]:
    """A manager the admin assigned to the shop's business, with the language in their profile."""
    admin, manager = unique_email("admin"), unique_email("mgr")
    x8_cli(env, "admin", "create", "--email", admin, "--password", "Adm1nPass!")
    x8_cli(env, "manager", "create", "--email", manager, "--password", "Manag3rPass")
    admin_tokens = _login(shop.base, admin, "Adm1nPass!")
    with httpx.Client(base_url=shop.base, headers={"Authorization": f"Bearer {admin_tokens['access_token']}"}) as api:
        with shop.api() as owner:
            business = owner.get("/api/v1/auth/me").json()["id"]
        managers = api.get("/api/v1/admin/managers").json()["items"]
        manager_id = next(m["id"] for m in managers if m["email"] == manager)
        r = api.post("/api/v1/admin/assignments", json={"manager_id": manager_id, "client_id": business})
        assert r.status_code == 200, r.text
    tokens = _login(shop.base, manager, "Manag3rPass")
    r = httpx.patch(
        f"{shop.base}/api/v1/users/profile",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        json={"language": language},
    )
    r.raise_for_status()
    return tokens


@pytest.mark.parametrize(("size", "language"), [("desktop", "en"), ("phone", "ru")])
def test_a_manager_reads_conversations_without_a_reply_box_or_a_pause_button(
    open_page: Any, live_server_env: dict[str, str], size: str, language: str
) -> None:
    words = WORDS[language]
    shop = _shop(live_server_env["BASE"], language, {"anna": "Hello there"})
    manager = _manager_of(shop, live_server_env, language)
    page = open_page(shop.base, manager, size, language)
    _open_inbox(page, shop)
    page.get_by_test_id("conversation-row").click()
    thread = page.get_by_test_id("thread")
    expect(thread.get_by_test_id("message-customer")).to_contain_text("Hello there")
    expect(thread.get_by_test_id("bot-state")).to_have_text(words["active"])  # the state is shown, read-only
    note = thread.get_by_test_id("read-only-note")
    expect(note).to_be_visible()
    expect(note).to_have_text(re.compile(r"[А-Яа-яЁё]" if language == "ru" else r"^[\x00-\x7f]+$"))
    expect(page.get_by_label(words["reply"])).to_have_count(0)
    expect(thread.get_by_role("button", name=words["send"])).to_have_count(0)
    expect(thread.get_by_role("button", name=words["pause"])).to_have_count(0)
    expect(thread.get_by_test_id("bot-toggle")).to_have_count(0)
    shot(page, f"conversations-manager-{size}-{language}")


@pytest.mark.parametrize(("size", "language"), [("desktop", "en"), ("phone", "ru")])
def test_a_reply_that_was_not_delivered_says_why(
    open_page: Any, live_server_env: dict[str, str], size: str, language: str
) -> None:
    """A reply Meta's 24-hour window stopped is marked "not delivered" with the reason in the reader's language; a
    provider's own refusal is shown in its words."""
    base = live_server_env["BASE"]
    shop = _shop(base, language, {"anna": "Hello there", "boris": "Do you sell green tea?"})
    schema = "t_" + uuid.UUID(shop.company_id).hex
    for visitor, error in (("anna", "outside_24h_window"), ("boris", "Forbidden: bot was blocked by the user")):
        with shop.api() as api:
            items = api.get(f"/api/v1/conversations/{shop.conversations[visitor]}/messages").json()["items"]
        reply = next(m for m in items if m["sender"] == "bot")
        sql(
            live_server_env["DATABASE_URL"],
            f"UPDATE {schema}.messages SET status = 'failed', last_error = %s WHERE id = %s",
            error,
            reply["id"],
        )
    page = open_page(base, shop.tokens, size, language)
    _open_inbox(page, shop, shop.conversations["anna"])
    why = page.get_by_test_id("thread").get_by_test_id("message-error")
    expect(why).to_have_count(1)
    expect(why).to_contain_text("Meta" if language == "en" else "Meta разрешает отвечать")
    expect(why).to_contain_text("24")
    expect(why).not_to_contain_text("outside_24h_window")
    shot(page, f"conversations-not-delivered-{size}-{language}")
    _open_inbox(page, shop, shop.conversations["boris"])
    expect(page.get_by_test_id("thread").get_by_test_id("message-error")).to_have_text(
        "Forbidden: bot was blocked by the user"
    )
