"""Issue 13's browser journeys (selling in chat): a customer asks to buy in the playground, pays on the SANDBOX
checkout, and the business sees the paid order on the Purchases page and "paid" on the conversation; the Billing
page's "Receive payments" on a server without Stripe (the sandbox) and with Stripe (onboarding at a fake Stripe,
what Stripe still needs, enabled, restricted, disconnect); a manager reads the purchases but has no Billing. In
English and Russian, on a desktop and on a phone."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.conftest import serving_x8, shot
from tests.e2e.helpers import MANAGER_PASSWORD, admin_and_manager_of, api_business_token, open_signed_in, sign_in
from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, stripe_app

SIZES: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
EVERY_WAY = [("desktop", "en"), ("desktop", "ru"), ("phone", "en"), ("phone", "ru")]


@dataclass(frozen=True)
class Sale:
    """What a customer buys in each language, from a catalogue in that language, and how the dashboard writes it."""

    catalogue: bytes
    ask: str  # what the customer writes in the playground
    item: str  # the KB row bought
    quantity: int  # as many as the customer asks for
    items_line: re.Pattern[str]  # the order's item on the Purchases page
    amount: re.Pattern[str]  # its total, written the UI language's way by Intl
    currency: str


SALES = {
    "en": Sale(
        catalogue=(
            b"SKU,Name,Description,Price,Currency,Stock\n"
            b"ROSE-1,Classic Rose,A red rose,24.90,USD,100\n"
            b"CARD-2,Greeting card,A card with your words,3.50,USD,\n"
        ),
        ask="I'd like to buy 2 Classic Roses",
        item="Classic Rose",
        quantity=2,
        items_line=re.compile(r"2 × Classic Rose, \$24\.90 each"),
        amount=re.compile(r"^\$49\.80$"),
        currency="USD",
    ),
    "ru": Sale(
        catalogue=(
            "SKU,Name,Description,Price,Currency,Stock\n"
            "BQ-1,Букет Нежность,Розовые пионы и эвкалипт,2490.00,RUB,20\n"
            "CARD-2,Открытка,Открытка с вашими словами,150.00,RUB,\n"
        ).encode(),
        ask="Хочу купить 2 букета Нежность",
        item="Букет Нежность",
        quantity=2,
        items_line=re.compile(r"2 × Букет Нежность, по 2\s490,00\s₽"),
        amount=re.compile(r"^4\s980,00\s₽$"),
        currency="RUB",
    ),
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "purchases": "Purchases",
        "billing": "Billing",
        "menu": "Menu",
        "send": "Send",
        "write": "Write a message…",
        "paid_badge": "Paid",
        "order_paid": "Paid",
        "none_yet": "No orders yet.",
        "try_playground": "Try a purchase in the Playground",
        "status": "Status",
        "awaiting": "Awaiting payment",
        "no_match": "No orders match these filters.",
        "clear": "Clear filters",
        "from": "From",
        "to": "To",
        "backwards": "The start date is after the end date.",
        "export": "Export CSV",
        "open_chat": "Open the chat",
        "in_inbox": "Open this chat in Conversations",
        "link_sent": "Link sent",
        "back": "Back to conversations",
        "sandbox_banner": "SANDBOX: no real payment is made",
        "pay": "Pay",
        "paid_page": "Paid. Thank you! You can go back to the chat.",
        "receive": "Receive payments",
        "sandbox_title": "Test payments: this server has no Stripe account configured.",
        "sandbox_try": "Try a purchase in the Playground",
        "connect": "Set up payments with Stripe",
    },
    "ru": {
        "purchases": "Покупки",
        "billing": "Оплата",
        "menu": "Меню",
        "send": "Отправить",
        "write": "Напишите сообщение…",
        "paid_badge": "Оплачено",
        "order_paid": "Оплачен",
        "none_yet": "Заказов пока нет.",
        "try_playground": "Попробовать покупку в Песочнице",
        "status": "Статус",
        "awaiting": "Ожидает оплаты",
        "no_match": "Нет заказов, подходящих под эти фильтры.",
        "clear": "Сбросить фильтры",
        "from": "С",
        "to": "По",
        "backwards": "Начальная дата позже конечной.",
        "export": "Выгрузить CSV",
        "open_chat": "Открыть чат",
        "in_inbox": "Открыть этот чат в Диалогах",
        "link_sent": "Ссылка отправлена",
        "back": "Назад к диалогам",
        "sandbox_banner": "ПЕСОЧНИЦА: настоящей оплаты не будет",
        "pay": "Оплатить",
        "paid_page": "Оплачено. Спасибо! Можно вернуться в чат.",
        "receive": "Приём платежей",
        "sandbox_title": "Тестовые платежи: на этом сервере не настроен Stripe.",
        "sandbox_try": "Попробовать покупку в Песочнице",
        "connect": "Подключить оплату через Stripe",
    },
}


# --- arranging, through the API ---


@dataclass
class Shop:
    base: str
    email: str
    tokens: dict[str, str]
    company_id: str

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base, headers={"Authorization": f"Bearer {self.tokens['access_token']}"}, timeout=30
        )


def _business(base: str, language: str) -> tuple[str, dict[str, str]]:
    """A business registered through the API with ``language`` in its profile: its email and both tokens."""
    access = api_business_token(base, "shop")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {access}"}) as api:
        email = str(api.get("/api/v1/auth/me").json()["email"])
        api.patch("/api/v1/users/profile", json={"language": language}).raise_for_status()
    r = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": "Business123"})
    r.raise_for_status()
    return email, {"access_token": r.json()["access_token"], "refresh_token": r.json()["refresh_token"]}


def _shop(base: str, language: str, *, catalogue: bool = True) -> Shop:
    """A business with one Product company (in ``language``) and that language's catalogue, uploaded."""
    email, tokens = _business(base, language)
    shop = Shop(base, email, tokens, "")
    with shop.api() as api:
        name = "Flower Room" if language == "en" else "Цветочная"
        r = api.post("/api/v1/companies/", json={"name": name, "company_type": "Product", "language": language})
        assert r.status_code == 201, r.text
        shop.company_id = r.json()["id"]
        if catalogue:
            r = api.post(
                "/api/v1/knowledge-base/upload-csv",
                files={"file": ("catalogue.csv", SALES[language].catalogue, "text/csv")},
                data={"company_id": shop.company_id},
            )
            assert r.status_code == 200, r.text
    return shop


def _conversations(shop: Shop) -> list[dict[str, Any]]:
    with shop.api() as api:
        r = api.get("/api/v1/conversations", params={"company_id": shop.company_id})
        r.raise_for_status()
        items: list[dict[str, Any]] = r.json()["items"]
        return items


def _bot_replies(shop: Shop, conversation_id: str) -> list[str]:
    with shop.api() as api:
        items = api.get(f"/api/v1/conversations/{conversation_id}/messages").json()["items"]
    return [str(m["body"]) for m in items if m["sender"] == "bot"]


SANDBOX_LINK = re.compile(r"https?://\S+/sandbox/pay/[0-9a-f-]{36}")


def _sandbox_link(shop: Shop, conversation_id: str) -> str:
    """The sandbox checkout link the assistant sent in answer to the buy."""
    replies: list[str] = []
    for _ in range(200):
        replies = _bot_replies(shop, conversation_id)
        links = [found.group(0) for found in map(SANDBOX_LINK.search, replies) if found]
        if links:
            return links[-1]
        time.sleep(0.1)
    pytest.fail(f"the assistant answered the buy with no payment link: {replies}")


# --- the browser ---


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[str, dict[str, str], str, str], Page]]:
    """``open_page(base, tokens, size, language)``: a signed-in tab of that size whose dashboard speaks ``language``."""
    contexts = []

    def open_page(base: str, tokens: dict[str, str], size: str, language: str) -> Page:
        context = browser.new_context(viewport=SIZES[size], locale="en-US", accept_downloads=True)
        contexts.append(context)
        return open_signed_in(context, base, tokens, language)

    yield open_page
    for context in contexts:
        context.close()


def _go(page: Page, size: str, words: dict[str, str], name: str) -> None:
    """Follow the navigation as a person would: the sidebar on a desktop, the menu drawer on a phone."""
    if size == "phone":
        expect(page.get_by_test_id("bottom-nav").get_by_role("link", name=name)).to_have_count(0)  # five fit there
        page.get_by_role("button", name=words["menu"]).click()
        page.get_by_test_id("drawer").get_by_role("link", name=name).click()
    else:
        page.get_by_test_id("sidebar").get_by_role("link", name=name).click()


@pytest.mark.parametrize(("size", "language"), [("desktop", "en"), ("phone", "ru")])
def test_a_purchase_in_the_playground_is_paid_in_the_sandbox_and_shows_as_paid(
    open_page: Callable[[str, dict[str, str], str, str], Page],
    live_server: str,
    size: str,
    language: str,
) -> None:
    base, words, sale = live_server, WORDS[language], SALES[language]
    shop = _shop(base, language)
    page = open_page(base, shop.tokens, size, language)

    # Before any order: the log says how customers buy and leads to the Playground.
    page.goto(f"{base}/")
    _go(page, size, words, words["purchases"])
    expect(page.get_by_role("heading", name=words["purchases"], exact=True)).to_be_visible()
    empty = page.get_by_test_id("purchases-empty")
    expect(empty).to_contain_text(words["none_yet"])
    shot(page, f"purchases-empty-{size}-{language}")
    empty.get_by_role("link", name=words["try_playground"]).click()
    expect(page).to_have_url(re.compile(rf"/playground\?company={shop.company_id}$"))

    # The customer asks to buy; the assistant's reply holds the sandbox checkout link.
    page.get_by_label(words["write"]).fill(sale.ask)
    page.get_by_role("button", name=words["send"]).click()
    checkout_link = page.get_by_test_id("message-bot").locator("a[href*='/sandbox/pay/']")
    expect(checkout_link).to_have_count(1, timeout=20_000)
    conversation = _conversations(shop)[0]["id"]
    expect(checkout_link).to_have_attribute("href", _sandbox_link(shop, conversation))
    shot(page, f"purchases-playground-{size}-{language}")

    # The conversation now says a link was sent, in its header and in the list; the link opens the checkout.
    page.get_by_role("link", name=words["in_inbox"]).click()
    thread = page.get_by_test_id("thread")
    expect(thread.get_by_test_id("payment-status")).to_have_text(words["link_sent"])
    if size == "desktop":
        expect(page.get_by_test_id("conversation-row").get_by_test_id("payment-status")).to_have_text(
            words["link_sent"]
        )
    with page.context.expect_page() as opened:
        thread.get_by_test_id("message-bot").locator("a[href*='/sandbox/pay/']").click()
    checkout = opened.value

    # The SANDBOX checkout: labelled, the items and the total; Pay.
    expect(checkout.get_by_role("note")).to_have_text(words["sandbox_banner"])
    expect(checkout.locator("tbody")).to_contain_text(sale.item)
    shot(checkout, f"purchases-sandbox-checkout-{size}-{language}")
    checkout.get_by_role("button", name=re.compile(f"^{words['pay']} ")).click()
    expect(checkout.get_by_role("status")).to_have_text(words["paid_page"])
    checkout.close()

    # The order on the Purchases page: paid, its item, quantity and amount, the playground's channel, the totals.
    page.goto(f"{base}/")
    _go(page, size, words, words["purchases"])
    order = page.get_by_test_id("purchase")
    expect(order).to_have_count(1)
    expect(order.get_by_test_id("purchase-status")).to_have_text(words["order_paid"])
    expect(order.get_by_test_id("purchase-items")).to_have_text(sale.items_line)
    expect(order.get_by_test_id("purchase-amount")).to_have_text(sale.amount)
    expect(order.get_by_test_id("purchase-paid-at")).to_be_visible()
    expect(order.locator("[data-platform='web']")).to_be_visible()
    totals = page.get_by_test_id("currency-total")
    expect(totals).to_have_count(1)
    expect(totals).to_have_attribute("data-currency", sale.currency)
    expect(totals.get_by_test_id("total-paid")).to_have_text(sale.amount)
    shot(page, f"purchases-paid-{size}-{language}")

    # Filters: a status with no orders, a period that runs backwards (refused before asking), then cleared.
    page.get_by_label(words["status"]).select_option("pending")
    expect(page.get_by_test_id("purchases-empty")).to_contain_text(words["no_match"])
    assert "status=pending" in page.url
    page.get_by_test_id("purchases-empty").get_by_role("button", name=words["clear"]).click()
    expect(order).to_have_count(1)
    page.get_by_label(words["from"], exact=True).fill("2030-01-02")
    page.get_by_label(words["to"], exact=True).fill("2030-01-01")
    expect(page.get_by_role("alert")).to_have_text(words["backwards"])
    page.get_by_label(words["to"], exact=True).fill("")
    expect(page.get_by_test_id("purchases-empty")).to_contain_text(words["no_match"])  # nothing from 2030 on
    page.get_by_test_id("purchase-filters").get_by_role("button", name=words["clear"]).click()
    expect(order).to_have_count(1)

    # The CSV holds the same order.
    with page.expect_download() as download:
        page.get_by_role("button", name=words["export"]).click()
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert [(r["status"], r["currency"], r["items"]) for r in rows] == [
        ("paid", sale.currency, f"{sale.quantity} × {sale.item}")
    ]

    # The conversation it was sold in says "paid", in its header and in the list.
    order.get_by_role("link", name=words["open_chat"]).click()
    thread = page.get_by_test_id("thread")
    expect(thread.get_by_test_id("payment-status")).to_have_text(words["paid_badge"])
    shot(page, f"purchases-conversation-paid-{size}-{language}")
    if size == "phone":
        page.get_by_role("button", name=words["back"]).click()
    expect(page.get_by_test_id("conversation-row").get_by_test_id("payment-status")).to_have_text(words["paid_badge"])


@pytest.mark.parametrize(("size", "language"), EVERY_WAY)
def test_billing_says_that_payments_are_the_sandbox_on_a_server_without_stripe(
    open_page: Callable[[str, dict[str, str], str, str], Page], live_server: str, size: str, language: str
) -> None:
    words = WORDS[language]
    shop = _shop(live_server, language, catalogue=False)
    page = open_page(live_server, shop.tokens, size, language)
    page.goto(f"{live_server}/")
    _go(page, size, words, words["billing"])
    expect(page.get_by_role("heading", name=words["billing"], exact=True)).to_be_visible()
    assert page.title().startswith(words["billing"])
    section = page.get_by_test_id("receive-payments")
    expect(section.get_by_role("heading", name=words["receive"])).to_be_visible()
    sandbox = section.get_by_test_id("payments-sandbox")
    expect(sandbox).to_contain_text(words["sandbox_title"])
    expect(sandbox).to_contain_text("STRIPE_SECRET_KEY")
    # No Stripe here: nothing to connect, so no Connect button and no account status (no dead buttons).
    expect(section.get_by_role("button")).to_have_count(0)
    expect(section.get_by_test_id("connect-status")).to_have_count(0)
    shot(page, f"billing-sandbox-{size}-{language}")
    sandbox.get_by_role("link", name=words["sandbox_try"]).click()
    expect(page).to_have_url(re.compile(r"/playground$"))


def _say(shop: Shop, text: str) -> str:
    """A customer writes in the company's playground; the conversation's id."""
    with shop.api() as api:
        channel = api.post("/api/v1/integrations/web/connect", json={"company_id": shop.company_id}).json()
        r = api.post(f"/api/v1/webhooks/web/{channel['channel_id']}", json={"text": text, "visitor_id": "customer-1"})
        assert r.status_code == 202, r.text
        return str(r.json()["conversation_id"])


def test_a_manager_reads_the_businesses_purchases_but_has_no_billing(
    page: Page, live_server_env: dict[str, str]
) -> None:
    base = live_server_env["BASE"]
    shop = _shop(base, "en")
    link = _sandbox_link(shop, _say(shop, SALES["en"].ask))
    paid = httpx.post(f"{base}/api/v1/sandbox/payments/{link.rsplit('/', 1)[-1]}/pay")
    assert paid.status_code == 200, paid.text
    _, manager = admin_and_manager_of(live_server_env, shop.email)

    sign_in(page, base, manager, MANAGER_PASSWORD)
    sidebar = page.get_by_test_id("sidebar")
    expect(sidebar.get_by_role("link", name="Purchases", exact=True)).to_be_visible()
    expect(sidebar.get_by_role("link", name="Billing")).to_have_count(0)
    sidebar.get_by_role("link", name="Purchases", exact=True).click()
    order = page.get_by_test_id("purchase")
    expect(order).to_have_count(1)
    expect(order.get_by_test_id("purchase-status")).to_have_text("Paid")
    expect(order.get_by_test_id("purchase-amount")).to_have_text(SALES["en"].amount)
    expect(page.get_by_role("button", name="Export CSV")).to_be_enabled()  # reading, and taking a copy, is allowed
    shot(page, "purchases-manager")

    # Billing is the business's own: typed in, it says so, with no Stripe button and no call that would be refused.
    page.goto(f"{base}/billing")
    expect(page.get_by_test_id("billing-off")).to_contain_text("Managers see their businesses' data")
    expect(page.get_by_test_id("receive-payments")).to_have_count(0)
    expect(page.get_by_role("button", name=WORDS["en"]["connect"])).to_have_count(0)


# --- Billing with Stripe: a second server, configured for a fake Stripe ---


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[tuple[str, FakeStripe]]:
    """An `x8 serve` whose Stripe is the protocol-faithful fake (tests/fakes/stripe.py) on loopback: chat orders and
    Connect go to "Stripe", so the Billing page offers onboarding."""
    fake = FakeStripe()
    with (
        serve_in_thread(stripe_app(fake)) as stripe_url,
        serving_x8("e2e-stripe", {"STRIPE_SECRET_KEY": API_KEY, "STRIPE_API_BASE": stripe_url}) as env,
    ):
        yield env["BASE"], fake


REQUIREMENTS_EN = [
    "Your business website",
    "Your type of business",
    "A bank account for payouts",
    "Accepting Stripe's terms of service",
]


def test_billing_onboards_the_business_at_stripe_and_shows_where_its_account_stands(
    open_page: Callable[[str, dict[str, str], str, str], Page], stripe_server: tuple[str, FakeStripe]
) -> None:
    base, fake = stripe_server
    email, tokens = _business(base, "en")
    page = open_page(base, tokens, "desktop", "en")
    # Stripe's hosted onboarding is on the internet; here it is a page that stands in for it.
    page.route(
        "https://connect.stripe.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Stripe onboarding</h1>"),
    )
    page.goto(f"{base}/billing")
    section = page.get_by_test_id("receive-payments")
    status = section.get_by_test_id("connect-status")
    expect(status).to_have_text("Not connected")
    expect(section.get_by_test_id("payments-sandbox")).to_have_count(0)
    expect(section.get_by_role("button", name="Disconnect Stripe")).to_have_count(0)  # nothing to disconnect
    shot(page, "billing-stripe-not-connected")

    # Onboarding: an Express account for this business, and the browser goes to Stripe's link.
    section.get_by_role("button", name="Set up payments with Stripe").click()
    expect(page).to_have_url(re.compile(r"^https://connect\.stripe\.test/setup/e/acct_\w+/"))
    [account] = [a for a in fake.accounts.values() if a["email"] == email]
    link = fake.last("/v1/account_links")
    assert link.params["return_url"] == f"{base}/billing?connect=return"
    assert link.params["refresh_url"] == f"{base}/billing?connect=refresh"

    # Back before finishing: what Stripe still needs, in plain words, and the way to continue.
    page.goto(f"{base}/billing?connect=return")
    expect(status).to_have_text("Setup not finished")
    expect(section).to_contain_text("Welcome back.")
    expect(section.get_by_test_id("connect-requirements").get_by_role("listitem")).to_have_text(REQUIREMENTS_EN)
    expect(section.get_by_role("button", name="Continue setup at Stripe")).to_be_visible()
    shot(page, "billing-stripe-pending")

    # Stripe's link expired (its refresh URL): said so, and continuing gets a new link.
    page.goto(f"{base}/billing?connect=refresh")
    expect(section).to_contain_text("That Stripe setup link had expired or was already used.")
    links = fake.requests["/v1/account_links"]
    section.get_by_role("button", name="Continue setup at Stripe").click()
    expect(page).to_have_url(re.compile(r"^https://connect\.stripe\.test/setup/e/"))
    assert fake.requests["/v1/account_links"] == links + 1
    assert [a["id"] for a in fake.accounts.values() if a["email"] == email] == [account["id"]]  # the same account

    # Finished, but Stripe wants more before it takes payments: restricted.
    fake.update_account(account["id"], details_submitted=True)
    page.goto(f"{base}/billing")
    expect(status).to_have_text("Restricted")
    expect(section.get_by_test_id("connect-explain")).to_contain_text("Stripe has paused payments")
    expect(section.get_by_role("button", name="Update your details at Stripe")).to_be_visible()

    # Enabled: nothing more to do at Stripe.
    fake.update_account(account["id"], charges_enabled=True, payouts_enabled=True)
    page.goto(f"{base}/billing?connect=return")
    expect(status).to_have_text("Enabled")
    expect(section).to_contain_text("All set: your customers can now pay in chat.")
    expect(section).to_contain_text("Payouts to your bank account are on.")
    expect(section.get_by_test_id("connect-requirements")).to_have_count(0)
    expect(section.get_by_role("button", name=re.compile("Stripe$"))).to_have_text(["Disconnect Stripe"])
    shot(page, "billing-stripe-enabled")

    # Disconnecting asks first; Stripe refusing (money on the account) is shown and changes nothing.
    section.get_by_role("button", name="Disconnect Stripe").click()
    confirm = section.get_by_test_id("disconnect-confirm")
    expect(confirm).to_contain_text("customers cannot pay in chat until you connect again")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_have_count(0)
    assert account["id"] in fake.accounts
    fake.balances[account["id"]] = 4980
    section.get_by_role("button", name="Disconnect Stripe").click()
    confirm.get_by_role("button", name="Disconnect", exact=True).click()
    expect(confirm.get_by_role("alert")).to_contain_text("Settle its balance in Stripe first")
    expect(status).to_have_text("Enabled")
    shot(page, "billing-stripe-disconnect-refused")
    fake.balances.pop(account["id"])
    confirm.get_by_role("button", name="Disconnect", exact=True).click()
    expect(status).to_have_text("Not connected")
    expect(confirm).to_have_count(0)
    expect(section.get_by_role("button", name="Set up payments with Stripe")).to_be_visible()
    assert account["id"] not in fake.accounts


def test_billing_with_stripe_on_a_phone_in_russian(
    open_page: Callable[[str, dict[str, str], str, str], Page], stripe_server: tuple[str, FakeStripe]
) -> None:
    base = stripe_server[0]
    _, tokens = _business(base, "ru")
    page = open_page(base, tokens, "phone", "ru")
    page.route(
        "https://connect.stripe.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Stripe</h1>"),
    )
    page.goto(f"{base}/")
    _go(page, "phone", WORDS["ru"], WORDS["ru"]["billing"])
    section = page.get_by_test_id("receive-payments")
    expect(section.get_by_test_id("connect-status")).to_have_text("Не подключено")
    section.get_by_role("button", name=WORDS["ru"]["connect"]).click()
    expect(page).to_have_url(re.compile(r"^https://connect\.stripe\.test/"))
    page.goto(f"{base}/billing?connect=return")
    expect(section.get_by_test_id("connect-status")).to_have_text("Настройка не завершена")
    expect(section.get_by_test_id("connect-requirements").get_by_role("listitem")).to_have_text(
        ["Сайт вашего бизнеса", "Форма вашего бизнеса", "Банковский счёт для выплат", "Согласие с условиями Stripe"]
    )
    expect(section.get_by_role("button", name="Продолжить настройку в Stripe")).to_be_visible()
    shot(page, "billing-stripe-pending-phone-ru")
