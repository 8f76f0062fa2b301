"""Issue 15's browser journeys (SaaS billing): the Billing page's plan section on a server with Stripe Billing
(a fake Stripe): the trial with its countdown and usage, subscribing through Checkout (the test plays Stripe: it
completes the session and posts the signed webhook), the page showing the plan, a downgrade refused with the
channels to disconnect listed, the invoices, and the app shell's banner once the subscription ends. In English on
a desktop and in Russian on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.conftest import serving_x8, shot
from tests.e2e.helpers import api_business_token, open_signed_in
from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, signed, stripe_app

SIZES: dict[str, ViewportSize] = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}
WEBHOOK_SECRET = "whsec_e2e_billing"
PRICES = {"SINGLE": ("price_e2esingle0000000000", 999), "DOUBLE": ("price_e2edouble0000000000", 1999)}


@pytest.fixture(scope="module")
def billing_server() -> Iterator[tuple[str, FakeStripe]]:
    """An `x8 serve` whose Stripe is the fake, with SINGLE and DOUBLE on sale and the platform webhook's secret."""
    fake = FakeStripe()
    for price_id, amount in PRICES.values():
        fake.add_price(amount, price_id=price_id)
    with (
        serve_in_thread(stripe_app(fake)) as stripe_url,
        serving_x8(
            "e2e-billing",
            {
                "STRIPE_SECRET_KEY": API_KEY,
                "STRIPE_API_BASE": stripe_url,
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "STRIPE_PRICE_SINGLE": PRICES["SINGLE"][0],
                "STRIPE_PRICE_DOUBLE": PRICES["DOUBLE"][0],
            },
        ) as env,
    ):
        yield env["BASE"], fake


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[str, dict[str, str], str, str], Page]]:
    contexts = []

    def open_page(base: str, tokens: dict[str, str], size: str, language: str) -> Page:
        context = browser.new_context(viewport=SIZES[size], locale="en-US")
        contexts.append(context)
        page = open_signed_in(context, base, tokens, language)
        # Stripe's hosted Checkout is on the internet; here a page stands in for it.
        page.route(
            "https://checkout.stripe.test/**",
            lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Stripe Checkout</h1>"),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


def _business(base: str, language: str, channels: list[str]) -> tuple[str, dict[str, str], str]:
    """A business on its trial, speaking ``language``, with one company that has chosen ``channels``."""
    access = api_business_token(base, "plan")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {access}"}) as api:
        email = str(api.get("/api/v1/auth/me").json()["email"])
        api.patch("/api/v1/users/profile", json={"language": language}).raise_for_status()
        created = api.post(
            "/api/v1/companies/",
            json={"name": "Studio", "company_type": "Service", "language": language, "channels": channels},
        )
        assert created.status_code == 201, created.text
    r = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": "Business123"})
    r.raise_for_status()
    tokens = {"access_token": r.json()["access_token"], "refresh_token": r.json()["refresh_token"]}
    return email, tokens, str(created.json()["id"])


def _webhook(base: str, event: dict[str, Any]) -> None:
    """What Stripe does next: post the signed event to the platform webhook."""
    body, headers = signed(event, WEBHOOK_SECRET)
    response = httpx.post(f"{base}/api/v1/subscriptions/webhook/stripe", content=body, headers=headers)
    assert response.status_code == 200, response.text


def _pay_checkout(page: Page, base: str, fake: FakeStripe, plan_button: str, active: str) -> dict[str, Any]:
    """Click the plan's button, land on (the stand-in for) Stripe Checkout, pay there, and come back: the page has
    X8 confirm the session with Stripe, so the plan starts before any webhook. Stripe's event comes after."""
    page.get_by_test_id(plan_button).click()
    expect(page).to_have_url(re.compile(r"^https://checkout\.stripe\.test/c/pay/cs_test_\w+"))
    session_id = page.url.rsplit("/", 1)[1]
    session = fake.complete_session(session_id)
    assert session["success_url"] == f"{base}/billing?checkout=success&session_id={{CHECKOUT_SESSION_ID}}"
    page.goto(f"{base}/billing?checkout=success&session_id={session_id}")
    expect(page.get_by_test_id("plan-section").get_by_test_id("plan-status")).to_have_text(active)
    assert fake.last(f"/v1/checkout/sessions/{session_id}").method == "GET"
    _webhook(base, fake.event("checkout.session.completed", session))
    subscription: dict[str, Any] = fake.store()[session["subscription"]]
    return subscription


def _set_channels(base: str, tokens: dict[str, str], company: str, channels: list[str]) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tokens['access_token']}"}) as api:
        response = api.patch(f"/api/v1/companies/{company}", json={"channels": channels})
        assert response.status_code == 200, response.text


def test_a_business_subscribes_sees_its_plan_and_is_told_what_to_disconnect_to_downgrade(
    open_page: Callable[[str, dict[str, str], str, str], Page], billing_server: tuple[str, FakeStripe]
) -> None:
    base, fake = billing_server
    _, tokens, company = _business(base, "en", ["telegram"])
    page = open_page(base, tokens, "desktop", "en")
    page.goto(f"{base}/billing")
    section = page.get_by_test_id("plan-section")
    expect(section.get_by_test_id("plan-name")).to_have_text("Trial")
    expect(section.get_by_test_id("plan-status")).to_have_text("Trial")
    expect(section.get_by_test_id("trial-countdown")).to_contain_text(re.compile(r"[67] days of the trial left"))
    expect(section.get_by_test_id("plan-usage")).to_contain_text("1 of 1")
    expect(section.get_by_test_id("plan-action-SINGLE")).to_have_text("Choose")
    expect(section.get_by_test_id("plan-card-DOUBLE")).to_contain_text("$19.99 / month")
    expect(section.get_by_test_id("plan-card-DOUBLE")).to_contain_text("2 channels")
    expect(section.get_by_test_id("plan-card-GROWTH")).to_have_count(0)  # no price on this server
    expect(page.get_by_test_id("plan-banner")).to_have_count(0)
    expect(page.get_by_test_id("invoices-section")).to_contain_text("No invoices yet.")
    expect(page.get_by_test_id("receive-payments")).to_be_visible()  # Connect stays below
    shot(page, "billing-plan-trial")

    subscription = _pay_checkout(page, base, fake, "plan-action-DOUBLE", "Active")
    expect(section.get_by_test_id("plan-name")).to_have_text("Double")
    expect(section).to_contain_text("Thank you! Your Double plan is active.")
    expect(section).not_to_contain_text("Your plan starts as soon as Stripe confirms it")
    expect(section.get_by_test_id("plan-status")).to_have_text("Active")
    expect(section.get_by_test_id("plan-usage")).to_contain_text("1 of 2")
    expect(section.get_by_test_id("plan-action-DOUBLE")).to_have_text("Current plan")
    expect(section.get_by_test_id("plan-action-SINGLE")).to_have_text("Downgrade")
    expect(section.get_by_test_id("trial-countdown")).to_have_count(0)
    expect(section.get_by_test_id("billing-portal")).to_be_visible()

    # Stripe's invoice for it shows in the list.
    _webhook(base, fake.event("invoice.paid", fake.add_invoice(subscription["id"])))
    page.reload()
    row = page.get_by_test_id("invoice-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("$19.99")
    expect(row).to_contain_text("Paid")
    shot(page, "billing-plan-active")

    # Two channels in use: the downgrade to one is refused, with the channels listed, and nothing changes.
    _set_channels(base, tokens, company, ["telegram", "whatsapp"])
    page.reload()
    expect(section.get_by_test_id("plan-usage")).to_contain_text("2 of 2")
    path = f"/v1/subscriptions/{subscription['id']}"
    # Changes only: the worker may still be reading the subscription for the events above.
    updates = sum(1 for r in fake.log if r.path == path and r.method == "POST")
    section.get_by_test_id("plan-action-SINGLE").click()
    refusal = section.get_by_test_id("too-many-channels")
    expect(refusal).to_contain_text("Disconnect channels first")
    expect(refusal).to_contain_text("The Single plan allows 1 channel, and these 2 are in use.")
    expect(refusal.get_by_test_id("too-many-channel")).to_have_count(2)
    expect(refusal.get_by_test_id("too-many-channel").nth(0)).to_contain_text("Telegram")
    expect(refusal.get_by_test_id("too-many-channel").nth(1)).to_contain_text("WhatsApp")
    expect(section.get_by_test_id("plan-name")).to_have_text("Double")
    assert sum(1 for r in fake.log if r.path == path and r.method == "POST") == updates  # nothing sent to Stripe
    shot(page, "billing-plan-downgrade-refused")

    # With one channel removed the downgrade goes through at once.
    _set_channels(base, tokens, company, ["telegram"])
    section.get_by_test_id("plan-action-SINGLE").click()
    expect(section.get_by_test_id("plan-name")).to_have_text("Single")
    expect(section).to_contain_text("Your plan is now Single.")
    expect(section.get_by_test_id("plan-usage")).to_contain_text("1 of 1")


def test_in_russian_on_a_phone_a_subscription_ends_and_the_banner_says_so(
    open_page: Callable[[str, dict[str, str], str, str], Page], billing_server: tuple[str, FakeStripe]
) -> None:
    base, fake = billing_server
    _, tokens, _ = _business(base, "ru", [])
    page = open_page(base, tokens, "phone", "ru")
    page.goto(f"{base}/billing")
    section = page.get_by_test_id("plan-section")
    expect(section.get_by_role("heading", name="Ваш тариф")).to_be_visible()
    expect(section.get_by_test_id("plan-name")).to_have_text("Пробный")
    expect(section.get_by_test_id("plan-status")).to_have_text("Пробный период")
    expect(section.get_by_test_id("trial-countdown")).to_contain_text(re.compile(r"До конца пробного периода [67] д"))
    expect(section.get_by_test_id("plan-usage")).to_contain_text("0 из 1")
    expect(section.get_by_test_id("plan-card-DOUBLE")).to_contain_text("2 канала")
    shot(page, "billing-plan-trial-ru-phone")

    subscription = _pay_checkout(page, base, fake, "plan-action-SINGLE", "Активен")
    expect(section.get_by_test_id("plan-status")).to_have_text("Активен")
    expect(section).to_contain_text("Спасибо! Тариф Single подключён.")
    expect(section.get_by_test_id("plan-action-DOUBLE")).to_have_text("Повысить")

    fake.set_subscription_status(subscription["id"], "canceled")
    _webhook(base, fake.event("customer.subscription.deleted", fake.store()[subscription["id"]]))
    banner = page.get_by_test_id("plan-banner")
    for _ in range(40):  # the webhook's job runs in the server's worker
        page.goto(f"{base}/")
        if banner.count():
            break
        page.wait_for_timeout(500)
    expect(banner).to_contain_text("Подписка закончилась: каналы приостановлены, ассистент не отвечает.")
    shot(page, "billing-banner-canceled-ru-phone")
    banner.get_by_role("link", name="Выбрать тариф").click()
    expect(section.get_by_test_id("plan-status")).to_have_text("Отменён")
    expect(section).to_contain_text("Каналы приостановлены")
    expect(section.get_by_test_id("plan-action-SINGLE")).to_have_text("Выбрать")
    shot(page, "billing-plan-canceled-ru-phone")

    # Subscribing again: back from Checkout, the new plan starts (the ended subscription is not taken for it).
    _pay_checkout(page, base, fake, "plan-action-DOUBLE", "Активен")
    expect(section.get_by_test_id("plan-name")).to_have_text("Double")
    expect(section).to_contain_text("Спасибо! Тариф Double подключён.")
    page.goto(f"{base}/")
    expect(page.get_by_test_id("plan-banner")).to_have_count(0)
