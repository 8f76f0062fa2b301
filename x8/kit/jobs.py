"""The durable job queue: procrastinate on PostgreSQL, so no other server is needed.

Tasks live in ``tasks.py`` modules as blueprints and are registered once, in ``x8.worker``. Jobs take ids, not
objects.
The worker runs inside ``x8 serve`` or on its own as ``x8 worker``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import logging
import signal
import time
import weakref
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import procrastinate
import procrastinate.worker
import psycopg
import psycopg_pool
from procrastinate.app import WorkerOptions
from procrastinate.jobs import Status

from x8.kit import job_alarm
from x8.kit.db import Database
from x8.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class WorkerContext:
    """What tasks need at run time; set once per process by ``open_queue``."""

    settings: Settings
    db: Database


_context: WorkerContext | None = None


def context() -> WorkerContext:
    if _context is None:
        raise RuntimeError("the job queue is not open in this process")
    return _context


async def _autocommit(connection: psycopg.AsyncConnection[Any]) -> None:
    await connection.set_autocommit(True)


# The pool tests a connection before handing it out (an empty query: one round trip), so one the database closed
# is replaced unseen. A connection given back a moment ago is as good as tested; testing on every checkout
# doubled the round trips of each defer, the hot part of a webhook's acknowledgement.
IDLE_CHECK_SECONDS = 5.0
_returned_at: weakref.WeakKeyDictionary[psycopg.AsyncConnection[Any], float] = weakref.WeakKeyDictionary()


async def _note_return(connection: psycopg.AsyncConnection[Any]) -> None:
    _returned_at[connection] = time.monotonic()


async def _check_if_idle(connection: psycopg.AsyncConnection[Any]) -> None:
    if time.monotonic() - _returned_at.get(connection, 0.0) > IDLE_CHECK_SECONDS:
        await psycopg_pool.AsyncConnectionPool.check_connection(connection)


def _queue_pool(**kwargs: Any) -> psycopg_pool.AsyncConnectionPool[Any]:
    return psycopg_pool.AsyncConnectionPool(**{**kwargs, "check": _check_if_idle, "reset": _note_return})


def connector(app_url: str) -> procrastinate.PsycopgConnector:
    """The queue's connector. Every queue operation is one statement (a procrastinate function): autocommit spares
    a BEGIN and a COMMIT round trip around each, which under load was most of the queue's cost."""
    return procrastinate.PsycopgConnector(conninfo=app_url, configure=_autocommit, pool_factory=_queue_pool)


# A scheduled job (a turn at the end of its buffer window) wakes the workers when it falls due (x8.kit.job_alarm);
# the poll is the fallback for one whose alarm was lost with its process.
WORKER_POLLING_SECONDS = 0.5


def open_queue(settings: Settings, db: Database) -> None:
    global _context
    _context = WorkerContext(settings=settings, db=db)


# One statement: the job waiting under a queueing lock moved earlier when wanted before it is due (a job due now
# has no time), or, when none waits, one queued for then (procrastinate's own defer function, under the queueing
# lock: a concurrent insert fails on the lock's unique index, and the caller moves that one instead).
_QUEUE_OR_MOVE_EARLIER = """
WITH queued AS (
    SELECT id, scheduled_at FROM procrastinate_jobs
    WHERE queueing_lock = %(lock)s AND status = 'todo' FOR UPDATE
), moved AS (
    UPDATE procrastinate_jobs SET scheduled_at = %(at)s
    FROM queued WHERE procrastinate_jobs.id = queued.id AND queued.scheduled_at > %(at)s
    RETURNING procrastinate_jobs.id
), inserted AS (
    SELECT procrastinate_defer_jobs_v1(ARRAY[
        ROW(%(queue)s, %(task)s, 0, NULL, %(lock)s, CAST(%(args)s AS jsonb), %(at)s)::procrastinate_job_to_defer_v1
    ]) AS ids
    WHERE NOT EXISTS (SELECT 1 FROM queued)
)
SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM inserted) AS inserted
"""


async def queue_or_move_earlier(
    queue: procrastinate.App, *, task: Any, queueing_lock: str, args: dict[str, Any], delay: float
) -> None:
    """Have ``task`` run in ``delay`` seconds, or sooner if a job of its queueing lock already waits for sooner:
    one job waits under the lock however often this is asked. The workers are woken when it falls due (an
    insert's own notice comes before the job is due, and a move sends none)."""
    at = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=delay)
    for _ in range(3):
        try:
            done = await queue.connector.execute_query_one_async(
                _QUEUE_OR_MOVE_EARLIER,
                lock=queueing_lock,
                at=at,
                queue=task.queue,
                task=task.name,
                args=json.dumps(args),
            )
        except procrastinate.exceptions.UniqueViolation:
            continue  # queued meanwhile by another process: move that one instead
        if done["inserted"] or done["moved"]:
            job_alarm.wake_workers_in(queue, max(delay, 0.001))
        return
    raise RuntimeError(f"could not queue {task.name} under {queueing_lock}")


# A worker proves it is alive every HEARTBEAT_SECONDS; one silent for STALLED_AFTER_SECONDS is taken for dead (a
# kill -9, a lost machine) and its running jobs go back to the queue. Every worker looks for such jobs every
# RECOVERY_CHECK_SECONDS, and at once when it starts, so a killed worker's jobs resume within seconds of the kill
# once any worker is running. Procrastinate's defaults (10 s, 30 s, and a minutely periodic task) let it take
# over a minute. The pipeline's jobs are idempotent, so a job taken for dead that was merely slow runs twice at
# worst, and its claims (turn, send) keep that from answering or sending twice.
HEARTBEAT_SECONDS = 2.0
STALLED_AFTER_SECONDS = 10.0
RECOVERY_CHECK_SECONDS = 3.0


async def recover_stalled_jobs(queue: procrastinate.App) -> int:
    """Put the jobs of dead workers back in the queue, due now. Another worker may do the same at the same moment:
    a job it already put back is skipped."""
    recovered = 0
    for job in await queue.job_manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_AFTER_SECONDS):
        assert job.id is not None
        try:
            await queue.job_manager.retry_job_by_id_async(job.id, retry_at=datetime.datetime.now(datetime.UTC))
        except procrastinate.exceptions.UniqueViolation:
            # Its queueing lock lets one such job wait, and one does (a company's next batch of turns, say): that
            # one does this one's work, so this one is closed as failed rather than left running for ever.
            await queue.job_manager.finish_job_by_id_async(job.id, status=Status.FAILED, delete_job=False)
            log.warning("job %s (%s) of a stalled worker is done by another waiting job", job.id, job.task_name)
            continue
        except Exception:
            log.debug("stalled job %s was already recovered", job.id)
            continue
        log.warning("retrying job %s (%s) left behind by a stalled worker", job.id, job.task_name)
        recovered += 1
    return recovered


async def _keep_recovering(queue: procrastinate.App) -> None:
    while True:
        try:
            await recover_stalled_jobs(queue)
        except Exception:
            log.warning("could not look for stalled jobs", exc_info=True)
        await asyncio.sleep(RECOVERY_CHECK_SECONDS)


BesideWorker = Callable[[], Coroutine[Any, Any, None]]
_beside_worker: weakref.WeakKeyDictionary[procrastinate.App, list[tuple[str, BesideWorker]]] = (
    weakref.WeakKeyDictionary()
)


def run_beside_worker(queue: procrastinate.App, name: str, start: BesideWorker) -> None:
    """Run ``start()`` as a task named ``name`` for as long as each long-lived worker of ``queue`` (``run_worker``)
    runs. A drain of what is due (``queue.run_worker_async(wait=False)``: tests, one-off runs) runs none."""
    _beside_worker.setdefault(queue, []).append((name, start))


async def run_worker(queue: procrastinate.App, *, concurrency: int, stop: asyncio.Event | None = None) -> None:
    """Run a worker on ``queue`` with fast heartbeats, recovering dead workers' jobs beside it, until ``stop`` is set
    or, without ``stop``, the first SIGTERM or SIGINT (a second one stops the process at once).

    The worker is built here rather than by ``queue.run_worker_async``, whose signal handlers go in only after the
    worker has registered itself: a SIGTERM in between killed the process and left its row in
    ``procrastinate_workers``. Here the handlers are in before the worker starts, and a stop asked for at any moment
    is kept: ``Worker.run`` clears its stop flag before its first await, and the task that calls ``Worker.stop``
    runs only at an await, so after that."""
    queue.perform_import_paths()  # type: ignore[no-untyped-call]
    options: WorkerOptions = {
        **queue.worker_defaults,
        "concurrency": concurrency,
        "fetch_job_polling_interval": WORKER_POLLING_SECONDS,
        "update_heartbeat_interval": HEARTBEAT_SECONDS,
        "stalled_worker_timeout": STALLED_AFTER_SECONDS,
        "install_signal_handlers": False,
    }
    worker = procrastinate.worker.Worker(app=queue, **options)
    _stopping.clear()
    loop = asyncio.get_running_loop()
    on_signals = stop is None
    stop = stop or asyncio.Event()
    if on_signals:
        _stop_on_signals(loop, stop)
    helpers = [asyncio.create_task(start(), name=name) for name, start in _beside_worker.get(queue, [])]
    helpers.append(asyncio.create_task(_keep_recovering(queue)))
    helpers.append(asyncio.create_task(_stop_when_set(stop, worker)))
    try:
        if not stop.is_set():
            await worker.run()  # type: ignore[no-untyped-call]
    finally:
        if on_signals:
            _stop_hearing_signals(loop)
        for helper in helpers:
            helper.cancel()
        for helper in helpers:
            with contextlib.suppress(asyncio.CancelledError):
                await helper


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _stop_on_signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    def first_signal() -> None:
        _stop_hearing_signals(loop)  # the default action again: a second signal ends the process
        stop.set()

    for signum in _STOP_SIGNALS:
        loop.add_signal_handler(signum, first_signal)


def _stop_hearing_signals(loop: asyncio.AbstractEventLoop) -> None:
    for signum in _STOP_SIGNALS:
        loop.remove_signal_handler(signum)


# Set once this process's worker is asked to stop: a long job (a channel's backlog of events) ends at its next
# step and leaves the rest to a job of its own, rather than holding a deploy's graceful stop for minutes.
_stopping = asyncio.Event()


def worker_stopping() -> bool:
    return _stopping.is_set()


async def _stop_when_set(stop: asyncio.Event, worker: procrastinate.worker.Worker) -> None:
    await stop.wait()
    _stopping.set()
    worker.stop()  # type: ignore[no-untyped-call]  # a graceful stop: running jobs finish, then the worker unregisters
