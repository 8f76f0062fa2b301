"""Old finished queue jobs are deleted (a week; failed ones 30 days), and nothing waiting, running or recent is."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import sql
from x8.kit import job_pruning
from x8.worker import build_app


def _job(owner_url: str, status: str, days_ago: int) -> int:
    [(job_id,)] = sql(
        owner_url,
        "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status) "
        "VALUES ('default', 'test:job', '{}', %s) RETURNING id",
        status,
    )
    sql(
        owner_url,
        "INSERT INTO procrastinate_events (job_id, type, at) "
        "VALUES (%s, 'deferred', now() - make_interval(days => %s))",
        job_id,
        days_ago,
    )
    return int(job_id)


async def test_old_finished_jobs_go_and_the_rest_stay(app_url: str, owner_url: str) -> None:
    # Queued in this order, as ids grow with time: the oldest first.
    jobs = {
        "old succeeded": _job(owner_url, "succeeded", 40),
        "old failed": _job(owner_url, "failed", 35),
        "week-old succeeded": _job(owner_url, "succeeded", 9),
        "week-old failed": _job(owner_url, "failed", 9),
        "week-old cancelled": _job(owner_url, "cancelled", 8),
        "week-old waiting": _job(owner_url, "todo", 8),
        "recent succeeded": _job(owner_url, "succeeded", 2),
        "recent aborted": _job(owner_url, "aborted", 1),
    }
    async with build_app(app_url).open_async() as queue:
        removed = await job_pruning.prune(queue, now=datetime.now(UTC))
        again = await job_pruning.prune(queue, now=datetime.now(UTC))
    left = {row[0] for row in sql(owner_url, "SELECT id FROM procrastinate_jobs WHERE task_name = 'test:job'")}
    gone = sorted(name for name, job_id in jobs.items() if job_id not in left)
    assert gone == ["old failed", "old succeeded", "week-old cancelled", "week-old succeeded"]
    assert removed == 4
    deleted = [job_id for job_id in jobs.values() if job_id not in left]
    assert sql(owner_url, "SELECT count(*) FROM procrastinate_events WHERE job_id = ANY(%s)", deleted) == [(0,)]
    assert again == 0  # nothing more to do


async def test_an_empty_queue_prunes_nothing(app_url: str) -> None:
    async with build_app(app_url).open_async() as queue:
        assert await job_pruning.prune(queue, now=datetime.now(UTC)) == 0


async def test_the_daily_job_runs_in_a_worker(app_url: str, owner_url: str) -> None:
    old = _job(owner_url, "succeeded", 10)
    queue = build_app(app_url)
    async with queue.open_async():
        await job_pruning.prune_jobs.defer_async(timestamp=0)  # type: ignore[call-arg]  # the periodic tick
        await queue.run_worker_async(wait=False, install_signal_handlers=False, listen_notify=False)
    assert sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE id = %s", old) == [(0,)]
    # (at 03:53 UTC the worker's own periodic tick may run it too)
    ran = sql(owner_url, "SELECT status FROM procrastinate_jobs WHERE task_name = 'queue:prune_jobs'")
    assert ran and {status for (status,) in ran} == {"succeeded"}
