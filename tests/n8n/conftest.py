"""Fixtures of the n8n bridge's tests.

- ``real_n8n``: the real n8n (SPEC R-N5), one per session, started from the cache ``make n8n`` fills. Without the
  cache its tests fail with how to get it, unless ``X8_SKIP_REAL_N8N=1`` says to skip them.
- ``client``: the app wired to the fake n8n and a fake Telegram Bot API, for the fast tests.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import app_client, make_settings
from tests.fakes.n8n import API_KEY, FakeN8n, n8n_app
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app
from tests.n8n import real
from tests.n8n.helpers import BOT_TOKEN, PUBLIC
from tests.serving import artifact
from x8.integrations.n8n import client as n8n_client
from x8.kit.failing import FailureWindow

SKIP_ENV = "X8_SKIP_REAL_N8N"


@pytest.fixture(scope="session")
def real_n8n(tmp_path_factory: pytest.TempPathFactory) -> Iterator[real.RealN8n]:
    if not real.installed():
        if os.environ.get(SKIP_ENV) == "1":
            pytest.skip(f"the real n8n is not installed and {SKIP_ENV}=1")
        pytest.fail(
            f"the real n8n is not installed in {real.install_dir()}: run `make n8n` "
            f"(or set {SKIP_ENV}=1 to skip these tests)"
        )
    with real.running(tmp_path_factory.mktemp("n8n-user"), artifact("n8n.log")) as n8n:
        yield n8n


@pytest.fixture(autouse=True)
def failures(monkeypatch: pytest.MonkeyPatch) -> FailureWindow[str]:
    """A fresh failing-provider window per test (it is per process otherwise)."""
    window: FailureWindow[str] = FailureWindow(seconds=30.0)
    monkeypatch.setattr(n8n_client, "N8N_FAILURES", window)
    return window


@pytest.fixture
def fake_n8n() -> Iterator[tuple[FakeN8n, str]]:
    state = FakeN8n()
    with serve_in_thread(n8n_app(state)) as url:
        yield state, url


@pytest.fixture
def fake(fake_n8n: tuple[FakeN8n, str]) -> FakeN8n:
    return fake_n8n[0]


@pytest.fixture
def fake_telegram() -> Iterator[tuple[FakeTelegram, str]]:
    state = FakeTelegram()
    state.add_bot(BOT_TOKEN)
    with serve_in_thread(telegram_app(state)) as url:
        yield state, url


@pytest.fixture
async def client(
    owner_url: str, app_url: str, fake_n8n: tuple[FakeN8n, str], fake_telegram: tuple[FakeTelegram, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        owner_url,
        N8N_API_URL=fake_n8n[1],
        N8N_API_KEY=API_KEY,
        TELEGRAM_API_URL=fake_telegram[1],
        PUBLIC_BASE_URL=PUBLIC,
    )
    async with app_client(settings, app_url) as c:
        yield c
