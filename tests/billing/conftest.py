"""Fixtures for SaaS billing: a fake Stripe on loopback with the four plans' prices, and an app configured for it
(``STRIPE_PRICE_<PLAN>`` pointing at them)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.billing.helpers import PRICES
from tests.conftest import app_client, make_settings
from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, stripe_app
from tests.payments.conftest import WEBHOOK_SECRET, db, fake, stripe_failures
from x8.settings import Settings

__all__ = ["db", "fake", "stripe_failures"]  # the payments tests' fixtures, shared

AMOUNTS = {"SINGLE": 999, "DOUBLE": 1999, "GROWTH": 4999, "SPECIAL": 2999}


@pytest.fixture
def fake_stripe() -> Iterator[tuple[FakeStripe, str]]:
    state = FakeStripe()
    for plan, price in PRICES.items():
        state.add_price(AMOUNTS[plan], price_id=price)
    with serve_in_thread(stripe_app(state)) as url:
        yield state, url


@pytest.fixture
def billing_settings(owner_url: str, fake_stripe: tuple[FakeStripe, str]) -> Settings:
    return make_settings(
        owner_url,
        STRIPE_SECRET_KEY=API_KEY,
        STRIPE_API_BASE=fake_stripe[1],
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_PRICE_SINGLE=PRICES["SINGLE"],
        STRIPE_PRICE_DOUBLE=PRICES["DOUBLE"],
        STRIPE_PRICE_GROWTH=PRICES["GROWTH"],
        # SPECIAL is left off sale: its price is not configured.
    )


@pytest.fixture
async def api(billing_settings: Settings, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The API on a server with Stripe Billing configured."""
    async with app_client(billing_settings, app_url) as client:
        yield client
