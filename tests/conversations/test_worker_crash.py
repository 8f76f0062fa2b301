"""R-R1: a worker killed in the middle of sending a reply. The reply still goes out, and the window where it can
go out twice is exactly the one no client can close without an idempotency key from the provider: the provider
accepted it and the worker died before recording that (docs/conversations.md, "Delivery guarantee")."""

from __future__ import annotations

import asyncio
import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import app_client, make_settings
from tests.conversations.helpers import bot_replies, history, run_jobs
from tests.conversations.test_telegram import TOKEN, _connect, _conversations, _post, update
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app
from x8.kit.jobs import RECOVERY_CHECK_SECONDS, STALLED_AFTER_SECONDS
from x8.worker import build_app

X8 = Path(sys.executable).parent / "x8"
PROVIDER_TIMEOUT = 3  # the send claim's lease is this plus 5 s: how long a dead worker's claim blocks a resend


def _worker(owner_url: str, telegram_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "X8_ENV": "test",
        "DATABASE_URL": owner_url,
        "TELEGRAM_API_URL": telegram_url,
        "X8_PROVIDER_TIMEOUT_SECONDS": str(PROVIDER_TIMEOUT),
        "X8_BUFFER_SECONDS": "0",
    }
    return subprocess.Popen([str(X8), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def _kill_the_worker_mid_send(owner_url: str, telegram_url: str, fake: FakeTelegram) -> None:
    worker = _worker(owner_url, telegram_url)
    try:
        deadline = time.monotonic() + 60
        while fake.calls.count("sendMessage") < 1:  # the worker took the turn and is waiting on the send
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            assert time.monotonic() < deadline, "the worker never tried to send"
            await asyncio.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)


async def _recover(app_url: str, client: httpx.AsyncClient, tokens: dict[str, str], company: dict[str, str]) -> str:
    """What a running worker's recovery loop does once the dead worker's heartbeat is old, then a worker running
    what falls due until the reply is sent. Returns the reply's final status."""
    await asyncio.sleep(1.0)
    manager = build_app(app_url).job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=0.5))
    # With no buffer window the turn is taken and its reply sent in one job of its own: that one died.
    assert [job.task_name for job in stalled] == ["conversations:take_turn"]
    for job in stalled:
        assert job.id is not None
        await manager.retry_job_by_id_async(job.id, retry_at=datetime.datetime.now(datetime.UTC))
    [conversation] = await _conversations(client, tokens, company)
    deadline = time.monotonic() + PROVIDER_TIMEOUT + 20
    while True:
        await run_jobs(app_url)
        [reply] = bot_replies(await history(client, tokens, conversation["id"]))
        if reply["status"] == "sent" or time.monotonic() > deadline:
            return str(reply["status"])
        await asyncio.sleep(0.5)


@dataclass
class _Shop:
    fake: FakeTelegram
    fake_url: str
    client: httpx.AsyncClient
    tokens: dict[str, str]
    company: dict[str, str]


@asynccontextmanager
async def _customer_wrote_while_sends(
    owner_url: str, app_url: str, failure: str, update_id: int
) -> AsyncIterator[_Shop]:
    """A shop on Telegram whose customer just wrote, with the first sendMessage failing as ``failure``, and the
    worker killed while it waits on that send."""
    fake = FakeTelegram(hang_seconds=60)
    fake.add_bot(TOKEN)
    with serve_in_thread(telegram_app(fake)) as telegram_url:
        settings = make_settings(owner_url, TELEGRAM_API_URL=telegram_url, PUBLIC_BASE_URL="https://x8.example")
        async with app_client(settings, app_url) as client:
            tokens, company, channel_id, secret = await _connect(client, fake)
            fake.fail_next = [failure]
            assert (await _post(client, channel_id, update(update_id, "apples"), secret)).status_code == 200
            await _kill_the_worker_mid_send(owner_url, telegram_url, fake)
            yield _Shop(fake, telegram_url, client, tokens, company)


async def test_a_worker_killed_before_the_provider_took_the_reply_sends_it_once(owner_url: str, app_url: str) -> None:
    # The first sendMessage never answers and never delivers.
    async with _customer_wrote_while_sends(owner_url, app_url, "hang", 40) as shop:
        assert shop.fake.sent == []
        assert await _recover(app_url, shop.client, shop.tokens, shop.company) == "sent"
        assert len(shop.fake.sent) == 1 and "Green apples" in shop.fake.sent[0]["text"]
        [conversation] = await _conversations(shop.client, shop.tokens, shop.company)
        assert len(bot_replies(await history(shop.client, shop.tokens, conversation["id"]))) == 1  # answered once


async def test_a_worker_killed_after_the_provider_took_the_reply_may_send_it_twice(
    owner_url: str, app_url: str
) -> None:
    """Telegram accepted the reply and the worker died before committing that: nothing on our side can tell this
    from a send that never arrived, so the reply is sent again once the claim's lease has run out (at-least-once).
    The turn is still answered once: one reply row, sent, and no second answer from the assistant."""
    async with _customer_wrote_while_sends(owner_url, app_url, "deliver-then-hang", 41) as shop:
        assert len(shop.fake.sent) == 1  # the customer has it; our record still says "sending"
        [conversation] = await _conversations(shop.client, shop.tokens, shop.company)
        [reply] = bot_replies(await history(shop.client, shop.tokens, conversation["id"]))
        assert reply["status"] == "sending"

        started = time.monotonic()
        assert await _recover(app_url, shop.client, shop.tokens, shop.company) == "sent"
        assert time.monotonic() - started >= PROVIDER_TIMEOUT  # not before the dead worker's claim ran out
        assert [m["text"] for m in shop.fake.sent] == [shop.fake.sent[0]["text"]] * 2
        assert len(bot_replies(await history(shop.client, shop.tokens, conversation["id"]))) == 1


async def test_a_new_worker_resumes_a_killed_workers_job_on_its_own(owner_url: str, app_url: str) -> None:
    """No manual retry: a worker started after the kill finds the dead worker's job (its heartbeat stopped) and
    runs it, within seconds of the heartbeat going stale rather than at the next minute's periodic task."""
    async with _customer_wrote_while_sends(owner_url, app_url, "hang", 42) as shop:
        shop.fake.hang_seconds = 0
        [conversation] = await _conversations(shop.client, shop.tokens, shop.company)
        killed_at = time.monotonic()
        second = _worker(owner_url, shop.fake_url)
        try:
            while len(shop.fake.sent) < 1:
                assert second.poll() is None, second.stderr.read() if second.stderr else ""
                # Generous for a loaded machine, and far below what procrastinate's own defaults take (> 60 s).
                assert time.monotonic() - killed_at < STALLED_AFTER_SECONDS + RECOVERY_CHECK_SECONDS + 25
                await asyncio.sleep(0.2)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=20)
        [reply] = bot_replies(await history(shop.client, shop.tokens, conversation["id"]))
        assert reply["status"] == "sent" and len(shop.fake.sent) == 1
