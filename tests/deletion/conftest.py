"""An app wired to fake providers (Telegram, Stripe, Cloudinary) for the account deletion tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.billing.helpers import PRICES
from tests.conftest import app_client, make_settings
from tests.fakes.cloudinary import FakeCloudinary, cloudinary_app
from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, stripe_app
from tests.fakes.telegram import FakeTelegram, telegram_app
from tests.payments.conftest import CONNECT_WEBHOOK_SECRET, WEBHOOK_SECRET, stripe_failures
from x8.settings import Settings

__all__ = ["stripe_failures"]

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@dataclass
class Fakes:
    telegram: FakeTelegram
    stripe: FakeStripe
    cloudinary: FakeCloudinary


@pytest.fixture
def fakes() -> Iterator[tuple[Fakes, dict[str, str]]]:
    telegram, stripe, cloudinary = FakeTelegram(), FakeStripe(), FakeCloudinary()
    telegram.add_bot(BOT_TOKEN)
    stripe.add_price(1999, price_id=PRICES["DOUBLE"])
    with (
        serve_in_thread(telegram_app(telegram)) as telegram_url,
        serve_in_thread(stripe_app(stripe)) as stripe_url,
        serve_in_thread(cloudinary_app(cloudinary)) as cloudinary_url,
    ):
        yield (
            Fakes(telegram, stripe, cloudinary),
            {
                "TELEGRAM_API_URL": telegram_url,
                "STRIPE_SECRET_KEY": API_KEY,
                "STRIPE_API_BASE": stripe_url,
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "STRIPE_CONNECT_WEBHOOK_SECRET": CONNECT_WEBHOOK_SECRET,
                "STRIPE_PRICE_DOUBLE": PRICES["DOUBLE"],
                "CLOUDINARY_CLOUD_NAME": cloudinary.cloud,
                "CLOUDINARY_API_KEY": cloudinary.api_key,
                "CLOUDINARY_API_SECRET": cloudinary.api_secret,
                "CLOUDINARY_API_URL": cloudinary_url,
                "PUBLIC_BASE_URL": "https://x8.example",
            },
        )


@pytest.fixture
def deletion_settings(owner_url: str, fakes: tuple[Fakes, dict[str, str]]) -> Settings:
    return make_settings(owner_url, **fakes[1])


@pytest.fixture
async def api(deletion_settings: Settings, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(deletion_settings, app_url) as client:
        yield client
