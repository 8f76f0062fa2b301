"""Deferring jobs in groups: the group commit of the job queue.

Every webhook acknowledgement waits for its job to be committed: that is what makes the acknowledgement safe.
Committed one by one, each costs a statement, a round trip and a WAL flush. Here, while one group is being
written, the jobs that arrive meanwhile gather for the next, which goes out as one statement as soon as the
first is done. A lone job goes out at once (no timer, no added latency when idle); under load, one round trip
carries many. Each caller still returns only after its own job is committed. If a group's write fails, its
jobs are written one by one, so each caller gets its own job's outcome.

Only for jobs without a ``queueing_lock``: one such job refused as already enqueued would fail its whole group.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field

from procrastinate.jobs import Job
from procrastinate.manager import JobManager

MAX_GROUP = 200


@dataclass
class _Waiting:
    manager: JobManager
    job: Job
    committed: asyncio.Future[None]


@dataclass
class _Group:
    waiting: list[_Waiting] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None


_GROUPS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Group] = weakref.WeakKeyDictionary()


async def defer(manager: JobManager, job: Job) -> None:
    """Queue ``job``; returns once it is committed (raises what the write raised)."""
    if job.queueing_lock is not None:
        raise ValueError("a job with a queueing lock cannot be deferred in a group")
    loop = asyncio.get_running_loop()
    group = _GROUPS.setdefault(loop, _Group())
    committed: asyncio.Future[None] = loop.create_future()
    group.waiting.append(_Waiting(manager, job, committed))
    if group.writer is None:
        group.writer = loop.create_task(_write(group))
    await asyncio.shield(committed)  # a caller that gives up does not take its neighbours' write down with it


async def _write(group: _Group) -> None:
    try:
        while group.waiting:
            batch, group.waiting = group.waiting[:MAX_GROUP], group.waiting[MAX_GROUP:]
            by_manager: dict[int, list[_Waiting]] = {}
            for waiting in batch:
                by_manager.setdefault(id(waiting.manager), []).append(waiting)
            for same in by_manager.values():
                await _write_group(same)
    finally:
        group.writer = None


async def _write_group(same: list[_Waiting]) -> None:
    try:
        await same[0].manager.batch_defer_jobs_async([w.job for w in same])
    except Exception as exc:
        if len(same) == 1:
            _settle(same[0], exc)
            return
        # One bad job must not fail its neighbours: write them one by one, each caller gets its own outcome.
        for waiting in same:
            await _write_group([waiting])
    else:
        for waiting in same:
            _settle(waiting, None)


def _settle(waiting: _Waiting, error: Exception | None) -> None:
    if waiting.committed.done():
        return
    if error is None:
        waiting.committed.set_result(None)
    else:
        waiting.committed.set_exception(error)
