"""R-R1: a worker killed in the middle of sending a reply; the reply still goes out, exactly once."""

from __future__ import annotations

import asyncio
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import app_client, make_settings
from tests.conversations.helpers import bot_replies, history, run_jobs
from tests.conversations.test_telegram import TOKEN, _connect, _conversations, _post, update
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app
from x8.kit.jobs import build_app

X8 = Path(sys.executable).parent / "x8"


def _worker(owner_url: str, telegram_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "X8_ENV": "test",
        "DATABASE_URL": owner_url,
        "TELEGRAM_API_URL": telegram_url,
        "X8_PROVIDER_TIMEOUT_SECONDS": "60",
        "X8_BUFFER_SECONDS": "0",
    }
    return subprocess.Popen([str(X8), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def test_a_worker_killed_mid_send_is_recovered_and_sends_once(owner_url: str, app_url: str) -> None:
    fake = FakeTelegram(hang_seconds=60)
    fake.add_bot(TOKEN)
    with serve_in_thread(telegram_app(fake)) as telegram_url:
        settings = make_settings(owner_url, TELEGRAM_API_URL=telegram_url, PUBLIC_BASE_URL="https://x8.example")
        async with app_client(settings, app_url) as client:
            tokens, company, channel_id, secret = await _connect(client, fake)
            fake.fail_next = ["hang"]  # the first sendMessage never answers
            assert (await _post(client, channel_id, update(40, "apples"), secret)).status_code == 200

            worker = _worker(owner_url, telegram_url)
            try:
                deadline = time.monotonic() + 60
                while fake.calls.count("sendMessage") < 1:  # the worker took the turn and is stuck sending
                    assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
                    assert time.monotonic() < deadline, "the worker never tried to send"
                    await asyncio.sleep(0.1)
            finally:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
            assert fake.sent == []

            # What the periodic retry_stalled_jobs task does once the dead worker's heartbeat is old.
            await asyncio.sleep(1.0)
            manager = build_app(app_url).job_manager
            stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=0.5))
            # With no buffer window the message is stored, answered and sent in one job: that one died.
            assert [job.task_name for job in stalled] == ["conversations:x8.platform.conversations.tasks.ingest"]
            for job in stalled:
                assert job.id is not None
                await manager.retry_job_by_id_async(job.id, retry_at=datetime.datetime.now(datetime.UTC))
            await run_jobs(app_url)
            await run_jobs(app_url)

            assert len(fake.sent) == 1 and "Green apples" in fake.sent[0]["text"]
            [conversation] = await _conversations(client, tokens, company)
            [reply] = bot_replies(await history(client, tokens, conversation["id"]))
            assert reply["status"] == "sent"
