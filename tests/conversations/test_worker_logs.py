"""R-R4: the worker's log never carries a bot token, although Telegram's URLs do (``/bot<token>/sendMessage``)."""

from __future__ import annotations

import asyncio
import time

from tests.conftest import app_client, make_settings
from tests.conversations.test_telegram import TOKEN, _connect, _post, update
from tests.conversations.test_worker_crash import _worker
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app


async def test_a_worker_that_sends_logs_no_token(owner_url: str, app_url: str) -> None:
    fake = FakeTelegram()
    fake.add_bot(TOKEN)
    with serve_in_thread(telegram_app(fake)) as telegram_url:
        settings = make_settings(owner_url, TELEGRAM_API_URL=telegram_url, PUBLIC_BASE_URL="https://x8.example")
        async with app_client(settings, app_url) as client:
            _, _, channel_id, secret = await _connect(client, fake)
            assert (await _post(client, channel_id, update(50, "apples"), secret)).status_code == 200
            worker = _worker(owner_url, telegram_url)
            try:
                deadline = time.monotonic() + 60
                while not fake.sent:
                    assert worker.poll() is None and time.monotonic() < deadline
                    await asyncio.sleep(0.1)
            finally:
                worker.terminate()
                _, stderr = worker.communicate(timeout=30)
    log = stderr.decode()
    assert "INFO" in log  # the worker did log at INFO while it sent
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
