"""An app wired to a fake of every provider that keeps something of an account, for the account deletion tests:
Telegram, Stripe, Cloudinary, n8n, WAHA, Meta's Graph API, Google (OAuth, Gmail and Calendar on one server) and
MongoDB."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from tests.billing.helpers import PRICES
from tests.conftest import app_client, make_settings
from tests.fakes.cloudinary import FakeCloudinary, cloudinary_app
from tests.fakes.gmail import FakeGmail, gmail_app
from tests.fakes.meta_graph import FakeMetaGraph, meta_graph_app
from tests.fakes.mongo import FakeMongo, serve_mongo
from tests.fakes.n8n import API_KEY as N8N_API_KEY
from tests.fakes.n8n import FakeN8n, n8n_app
from tests.fakes.oauth import Account, FakeOAuthState
from tests.fakes.server import serve_in_thread
from tests.fakes.stripe import API_KEY, FakeStripe, stripe_app
from tests.fakes.telegram import FakeTelegram, telegram_app
from tests.fakes.waha import FakeWaha, waha_app
from tests.meta.helpers import clear_meta_app_pool
from tests.payments.conftest import CONNECT_WEBHOOK_SECRET, WEBHOOK_SECRET, stripe_failures
from x8.conversations import mongo_history
from x8.integrations.google import oauth as google_oauth
from x8.integrations.n8n import client as n8n_client
from x8.kit.failing import FailureWindow
from x8.platform.conversations import history as history_module
from x8.settings import Settings

__all__ = ["stripe_failures"]

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
GOOGLE_CLIENT, GOOGLE_SECRET = "g-client", "g-secret"
MAILBOX = "orders@doomed-shop.test"  # the business's Gmail address
WAHA_API_KEY, WAHA_HMAC_KEY = "waha-test-key", "waha-hmac-secret"


@dataclass
class Fakes:
    telegram: FakeTelegram
    stripe: FakeStripe
    cloudinary: FakeCloudinary
    n8n: FakeN8n
    waha: FakeWaha
    meta: FakeMetaGraph
    google: FakeGmail  # Google's OAuth server, Gmail and Calendar
    mongo: FakeMongo


@pytest.fixture(autouse=True)
def fresh_failure_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The failing-provider windows are per process: a fresh one per test, so one test's outage stays its own."""
    monkeypatch.setattr(n8n_client, "N8N_FAILURES", FailureWindow(seconds=30.0))
    monkeypatch.setattr(google_oauth, "GOOGLE_FAILURES", FailureWindow(seconds=30.0))
    monkeypatch.setattr(history_module, "MONGO_FAILURES", FailureWindow(seconds=30.0))


@pytest.fixture(autouse=True)
async def _fresh_mongo_clients() -> AsyncIterator[None]:
    yield
    await mongo_history.close_clients()  # each test has its own fake mongod


@pytest.fixture(autouse=True)
def _clean_meta_apps(owner_url: str) -> Iterator[None]:
    yield
    clear_meta_app_pool(owner_url)


@pytest.fixture
def fakes() -> Iterator[tuple[Fakes, dict[str, str]]]:
    fake = Fakes(
        telegram=FakeTelegram(),
        stripe=FakeStripe(),
        cloudinary=FakeCloudinary(),
        n8n=FakeN8n(),
        waha=FakeWaha(api_key=WAHA_API_KEY),
        meta=FakeMetaGraph(),
        google=FakeGmail(FakeOAuthState(GOOGLE_CLIENT, GOOGLE_SECRET, Account("google-sub-1", MAILBOX)), MAILBOX),
        mongo=FakeMongo(),
    )
    fake.telegram.add_bot(BOT_TOKEN)
    fake.stripe.add_price(1999, price_id=PRICES["DOUBLE"])
    with ExitStack() as stack:
        serve = stack.enter_context
        telegram_url = serve(serve_in_thread(telegram_app(fake.telegram)))
        stripe_url = serve(serve_in_thread(stripe_app(fake.stripe)))
        cloudinary_url = serve(serve_in_thread(cloudinary_app(fake.cloudinary)))
        n8n_url = serve(serve_in_thread(n8n_app(fake.n8n)))
        waha_url = serve(serve_in_thread(waha_app(fake.waha)))
        meta_url = serve(serve_in_thread(meta_graph_app(fake.meta)))
        google_url = serve(serve_in_thread(gmail_app(fake.google)))
        mongo_url = serve(serve_mongo(fake.mongo))
        yield (
            fake,
            {
                "TELEGRAM_API_URL": telegram_url,
                "STRIPE_SECRET_KEY": API_KEY,
                "STRIPE_API_BASE": stripe_url,
                "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                "STRIPE_CONNECT_WEBHOOK_SECRET": CONNECT_WEBHOOK_SECRET,
                "STRIPE_PRICE_DOUBLE": PRICES["DOUBLE"],
                "CLOUDINARY_CLOUD_NAME": fake.cloudinary.cloud,
                "CLOUDINARY_API_KEY": fake.cloudinary.api_key,
                "CLOUDINARY_API_SECRET": fake.cloudinary.api_secret,
                "CLOUDINARY_API_URL": cloudinary_url,
                "N8N_API_URL": n8n_url,
                "N8N_API_KEY": N8N_API_KEY,
                "WAHA_API_URL": waha_url,
                "WAHA_API_KEY": WAHA_API_KEY,
                "WAHA_WEBHOOK_HMAC_KEY": WAHA_HMAC_KEY,
                "META_GRAPH_URL": meta_url,
                "FACEBOOK_OAUTH_URL": meta_url,
                "META_VERIFY_TOKEN": "meta-verify-token-for-tests",
                "GOOGLE_CLIENT_ID": GOOGLE_CLIENT,
                "GOOGLE_CLIENT_SECRET": GOOGLE_SECRET,
                "GOOGLE_OAUTH_URL": google_url,
                "GOOGLE_TOKEN_URL": f"{google_url}/token",
                "GOOGLE_REVOKE_URL": f"{google_url}/revoke",
                "GOOGLE_API_URL": google_url,
                "GMAIL_API_URL": google_url,
                "GMAIL_PUBSUB_TOPIC": "projects/x8-test/topics/gmail",
                "GMAIL_PUSH_TOKEN": "push-secret-0123456789",
                "MONGODB_URL": f"{mongo_url}/x8",
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
