"""A job scheduled for later runs when it falls due, woken by ``x8.kit.job_alarm``, not on a worker's next poll.

The workers here poll once an hour: anything that runs within the test's bounds ran because the alarm woke them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import procrastinate
import psycopg
import pytest
from procrastinate.testing import InMemoryConnector

from tests.conftest import app_client, make_settings
from tests.conversations.helpers import bot_replies, connect_web, history, say, shop_with_catalogue
from x8.kit import job_alarm
from x8.kit.jobs import connector
from x8.worker import build_app

NEVER = 3600.0  # a poll interval no test outlives


async def _until_listening(owner_url: str) -> None:
    """A worker hears notices only once its LISTEN is in place; an alarm before that would go unheard."""
    for _ in range(200):
        with psycopg.connect(owner_url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%procrastinate_any_queue%'"
            ).fetchone()
        if row and row[0]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the worker never listened")


@contextlib.asynccontextmanager
async def _worker(queue: procrastinate.App, owner_url: str) -> AsyncIterator[None]:
    running = asyncio.create_task(
        queue.run_worker_async(fetch_job_polling_interval=NEVER, install_signal_handlers=False, concurrency=2)
    )
    try:
        await _until_listening(owner_url)
        yield
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


async def test_a_scheduled_job_runs_when_it_falls_due(owner_url: str, app_url: str) -> None:
    queue = procrastinate.App(connector=connector(app_url))
    ran = asyncio.Event()

    @queue.task(name="perf_probe", pass_context=False)
    async def probe() -> None:
        ran.set()

    async with queue.open_async(), _worker(queue, owner_url):
        await probe.configure(schedule_in={"milliseconds": 300}).defer_async()
        job_alarm.wake_workers_in(queue, 0.3)
        await asyncio.wait_for(ran.wait(), timeout=20)


async def test_without_the_alarm_a_scheduled_job_waits_for_the_poll(owner_url: str, app_url: str) -> None:
    """The control for the test above: the same job, no alarm, is still waiting when the alarm's would have run."""
    queue = procrastinate.App(connector=connector(app_url))
    ran = asyncio.Event()

    @queue.task(name="perf_probe", pass_context=False)
    async def probe() -> None:
        ran.set()

    async with queue.open_async(), _worker(queue, owner_url):
        await probe.configure(schedule_in={"milliseconds": 1000}).defer_async()
        await asyncio.sleep(2.0)
        assert not ran.is_set()


async def test_a_buffered_turn_is_answered_when_its_window_closes(owner_url: str, app_url: str) -> None:
    async with app_client(make_settings(owner_url, X8_BUFFER_SECONDS="0.5"), app_url) as client:
        tokens, company = await shop_with_catalogue(client)
        channel = await connect_web(client, tokens, company["id"])
        async with _worker(build_app(app_url), owner_url):
            conversation = (await say(client, tokens, channel, "sourdough"))["conversation_id"]
            for _ in range(200):
                if bot_replies(await history(client, tokens, conversation)):
                    break
                await asyncio.sleep(0.1)
        replies = bot_replies(await history(client, tokens, conversation))
        assert len(replies) == 1 and "Sourdough bread" in replies[0]["body"]


async def test_alarms_due_together_share_one_notice() -> None:
    queue = procrastinate.App(connector=InMemoryConnector())
    before = job_alarm.pending()
    job_alarm.wake_workers_in(queue, 60.0)
    job_alarm.wake_workers_in(queue, 60.0)
    assert job_alarm.pending() == before + 1
    job_alarm.wake_workers_in(queue, 61.0)
    assert job_alarm.pending() == before + 2


@pytest.mark.parametrize("seconds", [0.0, -1.0, job_alarm.LONGEST_SECONDS + 1])
async def test_no_alarm_for_a_job_due_now_or_far_off(seconds: float) -> None:
    queue = procrastinate.App(connector=InMemoryConnector())
    before = job_alarm.pending()
    job_alarm.wake_workers_in(queue, seconds)
    assert job_alarm.pending() == before
