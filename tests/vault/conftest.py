"""Fixtures of the vault tests: an app whose Telegram is a fake Bot API, businesses, managers and an admin."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import app_client, make_settings
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
NEW_TOKEN = "987654321:BBKfqTcvCH1vGWJxfSeofSAs0K5PALDxyz"


@pytest.fixture
def fake_telegram() -> Iterator[tuple[FakeTelegram, str]]:
    """The fake Bot API, knowing two bots, and its URL."""
    state = FakeTelegram()
    state.add_bot(TOKEN)
    state.add_bot(NEW_TOKEN, username="new_bot")
    with serve_in_thread(telegram_app(state)) as url:
        yield state, url


@pytest.fixture
async def vault_client(
    owner_url: str, app_url: str, fake_telegram: tuple[FakeTelegram, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(owner_url, TELEGRAM_API_URL=fake_telegram[1], PUBLIC_BASE_URL="https://x8.example")
    async with app_client(settings, app_url) as client:
        yield client
