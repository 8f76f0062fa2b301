"""Jobs deferred in groups (x8.kit.group_defer): fewer writes under load, each caller's job committed before it
returns, and one bad job failing only its own caller."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from procrastinate.manager import JobManager

from tests.conftest import sql
from x8.kit import group_defer
from x8.platform.conversations.tasks import send_message, take_turn
from x8.worker import build_app


class CountingManager:
    """The real job manager, counting its batch writes."""

    def __init__(self, manager: JobManager) -> None:
        self.manager = manager
        self.writes: list[int] = []

    async def batch_defer_jobs_async(self, jobs: list[Any]) -> list[Any]:
        self.writes.append(len(jobs))
        return await self.manager.batch_defer_jobs_async(jobs)


def _job(n: int, conversation: str = "") -> Any:
    return take_turn.configure(lock=f"test:{n}").make_new_job(
        company_id=f"c{n}", conversation_id=conversation or str(n)
    )


async def test_concurrent_defers_share_writes_and_all_commit(app_url: str, owner_url: str) -> None:
    app = build_app(app_url)
    async with app.open_async():
        counting = CountingManager(app.job_manager)
        await asyncio.gather(*(group_defer.defer(counting, _job(n)) for n in range(50)))  # type: ignore[arg-type]
    assert sum(counting.writes) == 50 and len(counting.writes) < 50  # grouped, nothing dropped
    rows = sql(owner_url, "SELECT args->>'company_id' FROM procrastinate_jobs WHERE lock LIKE %s", "test:%")
    assert sorted(r[0] for r in rows) == sorted(f"c{n}" for n in range(50))


async def test_a_lone_job_is_written_at_once(app_url: str, owner_url: str) -> None:
    app = build_app(app_url)
    async with app.open_async():
        counting = CountingManager(app.job_manager)
        await group_defer.defer(counting, _job(1))  # type: ignore[arg-type]
        # Committed when defer returns: another connection sees it.
        assert sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE lock = 'test:1'") == [(1,)]
    assert counting.writes == [1]


async def test_one_bad_job_fails_only_its_caller(app_url: str, owner_url: str) -> None:
    app = build_app(app_url)
    async with app.open_async():
        counting = CountingManager(app.job_manager)
        jobs = [_job(n) for n in range(5)]
        jobs[2] = _job(2, conversation="\x00")  # PostgreSQL's jsonb refuses a NUL character
        results = await asyncio.gather(
            *(group_defer.defer(counting, job) for job in jobs),  # type: ignore[arg-type]
            return_exceptions=True,
        )
    assert [isinstance(r, Exception) for r in results] == [False, False, True, False, False]
    rows = sql(owner_url, "SELECT lock FROM procrastinate_jobs WHERE lock LIKE %s ORDER BY lock", "test:%")
    assert [r[0] for r in rows] == ["test:0", "test:1", "test:3", "test:4"]


async def test_jobs_with_a_queueing_lock_are_refused(app_url: str) -> None:
    app = build_app(app_url)
    job = send_message.configure(queueing_lock="send:x").make_new_job(company_id="c", message_id="m")
    with pytest.raises(ValueError, match="queueing lock"):
        await group_defer.defer(app.job_manager, job)
