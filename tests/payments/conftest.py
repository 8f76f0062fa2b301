"""Fixtures for chat payments: a fake Stripe on loopback (driven by the official SDK), an app configured for it, the
runtime database for calling the payment port directly, and a fresh Stripe failure window per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import app_client, make_settings
from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, stripe_app
from x8.integrations.stripe import client as stripe_client
from x8.kit.db import Database
from x8.kit.failing import FailureWindow
from x8.settings import Settings

WEBHOOK_SECRET = "whsec_test_platform_webhook"
CONNECT_WEBHOOK_SECRET = "whsec_test_connect_webhook"


@pytest.fixture
def fake_stripe() -> Iterator[tuple[FakeStripe, str]]:
    state = FakeStripe()
    with serve_in_thread(stripe_app(state)) as url:
        yield state, url


@pytest.fixture
def fake(fake_stripe: tuple[FakeStripe, str]) -> FakeStripe:
    return fake_stripe[0]


@pytest.fixture(autouse=True)
def stripe_failures(monkeypatch: pytest.MonkeyPatch) -> FailureWindow[tuple[str, str | None]]:
    """A fresh failure window per test (it is per process otherwise)."""
    window: FailureWindow[tuple[str, str | None]] = FailureWindow(seconds=30.0)
    monkeypatch.setattr(stripe_client, "STRIPE_FAILURES", window)
    return window


@pytest.fixture
def stripe_settings(owner_url: str, fake_stripe: tuple[FakeStripe, str]) -> Settings:
    return make_settings(
        owner_url,
        STRIPE_SECRET_KEY=API_KEY,
        STRIPE_API_BASE=fake_stripe[1],
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_CONNECT_WEBHOOK_SECRET=CONNECT_WEBHOOK_SECRET,
        PUBLIC_BASE_URL="https://x8.example",
        X8_PAYMENT_REMINDER_MINUTES="30",
    )


@pytest.fixture
async def stripe_client_(stripe_settings: Settings, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The API on a server with Stripe configured (its job queue open, for deferring)."""
    async with app_client(stripe_settings, app_url) as client:
        yield client


@pytest.fixture
def sandbox_settings(owner_url: str) -> Settings:
    return make_settings(owner_url, PUBLIC_BASE_URL="https://x8.example", X8_PAYMENT_REMINDER_MINUTES="30")


@pytest.fixture
async def sandbox_client(sandbox_settings: Settings, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The API on a development server without Stripe: chat orders go to the sandbox checkout."""
    async with app_client(sandbox_settings, app_url) as client:
        yield client


@pytest.fixture
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database.connect(app_url, pool_size=4)
    yield database
    await database.dispose()
