"""Fixtures for TikTok lead attribution: a fake WAHA, an app configured for it (and for the sandbox checkout), the
runtime database for making orders directly."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import app_client, make_settings
from tests.fakes.server import serve_in_thread
from tests.fakes.waha import FakeWaha, waha_app
from x8.kit.db import Database
from x8.settings import Settings

WAHA_API_KEY = "waha-test-key"
WAHA_HMAC_KEY = "waha-hmac-secret"


@pytest.fixture
def fake_waha() -> Iterator[tuple[FakeWaha, str]]:
    state = FakeWaha(api_key=WAHA_API_KEY, me_id="4930123456789@c.us")
    with serve_in_thread(waha_app(state)) as url:
        yield state, url


@pytest.fixture
def fake(fake_waha: tuple[FakeWaha, str]) -> FakeWaha:
    return fake_waha[0]


@pytest.fixture
def tiktok_settings(owner_url: str, fake_waha: tuple[FakeWaha, str]) -> Settings:
    return make_settings(
        owner_url,
        WAHA_API_URL=fake_waha[1],
        WAHA_API_KEY=WAHA_API_KEY,
        WAHA_WEBHOOK_HMAC_KEY=WAHA_HMAC_KEY,
        PUBLIC_BASE_URL="https://x8.example",
        X8_TIKTOK_CLICKS_PER_IP_PER_MINUTE="1000",
    )


@pytest.fixture
async def client(tiktok_settings: Settings, app_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(tiktok_settings, app_url) as c:
        yield c


@pytest.fixture
async def db(app_url: str) -> AsyncIterator[Database]:
    database = Database.connect(app_url, pool_size=4)
    yield database
    await database.dispose()
