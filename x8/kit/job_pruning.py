"""Finished queue jobs are deleted once they are old: procrastinate keeps every job and its events (two jobs or
more for each customer message), and nothing else removes them, so the queue's tables would grow for ever.

Succeeded, cancelled and aborted jobs go a week after they were queued, failed ones after 30 days (they are
looked at); jobs waiting or running are never touched. A job's age is read from its first event (procrastinate
records one when a job is queued). Job ids grow with the time they were queued, so the boundary is found by a
binary search over ids, each probe one indexed read, rather than by scanning the events; the jobs below it go
a batch at a time (their events with them, by procrastinate's own cascade).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import LiteralString, cast

import procrastinate

blueprint = procrastinate.Blueprint()
log = logging.getLogger(__name__)

FINISHED_DAYS = 7
FAILED_DAYS = 30
BATCH = 5000

_BOUNDS: LiteralString = "SELECT min(id) AS low, max(id) AS high FROM procrastinate_jobs"
# When the first job at or after an id was queued (NULL: it has no event, so no age to keep it for).
_QUEUED_AT: LiteralString = """
SELECT min(e.at) AS at FROM procrastinate_events e
WHERE e.job_id = (SELECT id FROM procrastinate_jobs WHERE id >= %(id)s ORDER BY id LIMIT 1)
"""
_DELETE: LiteralString = """
WITH gone AS (
    DELETE FROM procrastinate_jobs WHERE id IN (
        SELECT id FROM procrastinate_jobs
        WHERE id < %(below)s AND status = ANY(CAST(%(statuses)s AS procrastinate_job_status[]))
        ORDER BY id LIMIT %(batch)s
    ) RETURNING 1
)
SELECT count(*) AS deleted FROM gone
"""


@blueprint.periodic(cron="53 3 * * *")
@blueprint.task(name="prune_jobs", queueing_lock="prune_jobs", pass_context=False)
async def prune_jobs(timestamp: int) -> None:
    """Daily: finished jobs older than FINISHED_DAYS go, failed ones older than FAILED_DAYS."""
    queue = cast(procrastinate.App, prune_jobs.blueprint)
    removed = await prune(queue, now=datetime.now(UTC))
    if removed:
        log.info("job queue: %d old finished jobs removed", removed)


async def prune(queue: procrastinate.App, *, now: datetime) -> int:
    removed = 0
    for statuses, days in ((["succeeded", "cancelled", "aborted"], FINISHED_DAYS), (["failed"], FAILED_DAYS)):
        below = await _first_queued_after(queue, now - timedelta(days=days))
        if below is None:
            continue
        while True:
            row = await queue.connector.execute_query_one_async(_DELETE, below=below, statuses=statuses, batch=BATCH)
            removed += int(row["deleted"])
            if int(row["deleted"]) < BATCH:
                break
    return removed


async def _first_queued_after(queue: procrastinate.App, cutoff: datetime) -> int | None:
    """The smallest job id from which on every job was queued at or after ``cutoff`` (every job below it was
    queued before), or None when there are no jobs."""
    bounds = await queue.connector.execute_query_one_async(_BOUNDS)
    low, high = bounds["low"], bounds["high"]
    if low is None:
        return None
    low, high = int(low), int(high) + 1
    while low < high:
        middle = (low + high) // 2
        queued = (await queue.connector.execute_query_one_async(_QUEUED_AT, id=middle))["at"]
        if queued is not None and queued >= cutoff:
            high = middle
        else:
            low = middle + 1
    return low
