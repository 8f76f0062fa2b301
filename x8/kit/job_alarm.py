"""Wake the workers when a scheduled job falls due, rather than on their next poll.

Procrastinate wakes its workers by NOTIFY when a job is inserted, but a job scheduled for later is not runnable
then, and nothing wakes anyone when it becomes so: it waits for a worker's next poll (``WORKER_POLLING_SECONDS``).
For a buffered turn that poll was most of the latency beyond the window. So the process that schedules a job
also sets a timer for the moment it falls due, and then sends the very notice procrastinate sends for a new job:
every listening worker, in any process, fetches at once. Timers due within ``GRANULARITY`` of each other share
one notice. A timer lost with its process (a restart) costs nothing but precision: the poll still finds the job.

A notice must not be lost either: procrastinate's worker forgets one that arrives while a fetch is in flight (it
clears its wake-up flag when the fetch returns), and a fetch is often in flight under load, so many alarms
went unheard until the poll. ``hear_every_notice`` makes a fetch that found nothing, and heard a notice meanwhile,
look again.
"""

from __future__ import annotations

import asyncio
import logging
import math
import weakref

import procrastinate
from procrastinate import jobs, manager

log = logging.getLogger(__name__)

# Procrastinate's workers listen on this channel for every queue; a ``job_inserted`` notice makes them fetch.
WAKE_CHANNEL = "procrastinate_any_queue_v1"
WAKE_NOTICE = '{"type": "job_inserted", "job_id": 0}'
_WAKE = "SELECT pg_notify(%(channel)s, %(notice)s)"
# A job is runnable once the database's now() has passed its ``scheduled_at`` (set from this process's clock when
# deferred): ring a little after, so the fetch the notice causes finds it.
MARGIN_SECONDS = 0.003
GRANULARITY = 0.005
# Longer waits (payment reminders, restarts with backoff) are not worth a timer: a poll's delay is lost in them.
LONGEST_SECONDS = 300.0

_timers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.TimerHandle]] = (
    weakref.WeakKeyDictionary()
)
_ringing: set[asyncio.Task[None]] = set()


def wake_workers_in(queue: procrastinate.App, seconds: float) -> None:
    """Notify the workers of ``queue`` in ``seconds`` (a job deferred with that ``schedule_in`` falls due then)."""
    if not 0 < seconds <= LONGEST_SECONDS:
        return
    loop = asyncio.get_running_loop()
    slot = math.ceil((loop.time() + seconds + MARGIN_SECONDS) / GRANULARITY)
    timers = _timers.setdefault(loop, {})
    if slot not in timers:
        timers[slot] = loop.call_at(slot * GRANULARITY, _ring, queue, loop, slot)


def pending() -> int:
    """Timers set in this event loop and not rung yet."""
    return len(_timers.get(asyncio.get_running_loop(), {}))


def _ring(queue: procrastinate.App, loop: asyncio.AbstractEventLoop, slot: int) -> None:
    _timers.get(loop, {}).pop(slot, None)
    task = loop.create_task(_notify(queue))
    _ringing.add(task)
    task.add_done_callback(_ringing.discard)


async def _notify(queue: procrastinate.App) -> None:
    try:
        await queue.connector.execute_query_async(_WAKE, channel=WAKE_CHANNEL, notice=WAKE_NOTICE)
    except Exception:  # the queue closed, the database is away: the workers' poll finds the job all the same
        log.debug("could not wake the workers for a due job", exc_info=True)


def hear_every_notice(queue: procrastinate.App) -> None:
    """Make ``queue``'s workers fetch again when a notice came in while a fetch that found nothing was in flight.
    Wraps the two public job-manager calls the worker makes (its listener and its fetch)."""
    job_manager = queue.job_manager
    fetch, listen = job_manager.fetch_job, job_manager.listen_for_jobs
    heard = 0

    async def counting_listen(*, on_notification: manager.NotificationCallback, **kwargs: object) -> None:
        async def count(*, channel: str, notification: jobs.Notification) -> None:
            nonlocal heard
            heard += 1
            await on_notification(channel=channel, notification=notification)

        await listen(on_notification=count, **kwargs)  # type: ignore[arg-type]

    async def fetch_again_if_woken(queues: object, worker_id: int) -> jobs.Job | None:
        while True:
            before = heard
            job = await fetch(queues=queues, worker_id=worker_id)  # type: ignore[arg-type]
            if job is not None or heard == before:
                return job

    job_manager.listen_for_jobs = counting_listen  # type: ignore[method-assign]
    job_manager.fetch_job = fetch_again_if_woken  # type: ignore[method-assign]
