"""Fixtures shared by the conversation tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import app_client, make_settings
from tests.fakes.openai_chat import FakeChat, chat_app
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app
from tests.fakes.waha import FakeWaha, waha_app

KEY = "sk-test-chat"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # a Telegram bot token the fake knows
WAHA_API_KEY = "waha-test-key"
WAHA_HMAC_KEY = "waha-hmac-secret"


@pytest.fixture
def fake_waha() -> Iterator[tuple[FakeWaha, str]]:
    state = FakeWaha(api_key=WAHA_API_KEY)
    with serve_in_thread(waha_app(state)) as url:
        yield state, url


@pytest.fixture
async def wa_client(owner_url: str, app_url: str, fake_waha: tuple[FakeWaha, str]) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        owner_url,
        WAHA_API_URL=fake_waha[1],
        WAHA_API_KEY=WAHA_API_KEY,
        WAHA_WEBHOOK_HMAC_KEY=WAHA_HMAC_KEY,
        PUBLIC_BASE_URL="https://x8.example",
    )
    async with app_client(settings, app_url) as client:
        yield client


@pytest.fixture
def fake_chat() -> Iterator[tuple[FakeChat, str]]:
    """A fake OpenAI-compatible chat API that expects ``KEY``."""
    state = FakeChat(api_key=KEY)
    with serve_in_thread(chat_app(state)) as url:
        yield state, url


@pytest.fixture
def fake_telegram() -> Iterator[tuple[FakeTelegram, str]]:
    state = FakeTelegram()
    state.add_bot(TOKEN)
    with serve_in_thread(telegram_app(state)) as url:
        yield state, url


@pytest.fixture
async def tg_client(
    owner_url: str, app_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(owner_url, TELEGRAM_API_URL=fake_telegram[1], PUBLIC_BASE_URL="https://x8.example")
    async with app_client(settings, app_url) as client:
        yield client
