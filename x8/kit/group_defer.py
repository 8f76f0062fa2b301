"""Group commit: writes that arrive together go out as one statement.

Every webhook acknowledgement waits for its write (its inbox event and job) to be committed: that is what makes
the acknowledgement safe. Committed one by one, each costs a statement, a round trip and a WAL flush. Here, while
one group is being written, the items that arrive meanwhile gather for the next, which goes out as one statement
as soon as the first is done. A lone item goes out at once (no timer, no added latency when idle); under load,
one round trip carries many. Each caller still returns only after its own item is committed. If a group's write
fails, its items are written one by one, so each caller gets its own item's outcome.

``defer`` groups plain procrastinate jobs; ``GroupWriter`` groups anything with a batch write (the inbox's
events and their jobs, ``x8.platform.inbox.repository``).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from procrastinate.jobs import Job
from procrastinate.manager import JobManager

MAX_GROUP = 200
T = TypeVar("T")


@dataclass
class _Waiting(Generic[T]):
    item: T
    committed: asyncio.Future[None]


@dataclass
class _Group(Generic[T]):
    waiting: list[_Waiting[T]] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None


class GroupWriter(Generic[T]):
    """Items submitted while a write is in flight are written together by ``write_many`` (one statement)."""

    def __init__(self, write_many: Callable[[list[T]], Awaitable[object]]) -> None:
        self._write_many = write_many
        self._groups: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Group[T]] = weakref.WeakKeyDictionary()

    async def submit(self, item: T) -> None:
        """Write ``item``; returns once it is committed (raises what its write raised)."""
        loop = asyncio.get_running_loop()
        group = self._groups.setdefault(loop, _Group())
        committed: asyncio.Future[None] = loop.create_future()
        group.waiting.append(_Waiting(item, committed))
        if group.writer is None:
            group.writer = loop.create_task(self._write(group))
        await asyncio.shield(committed)  # a caller that gives up does not take its neighbours' write down with it

    async def _write(self, group: _Group[T]) -> None:
        try:
            while group.waiting:
                batch, group.waiting = group.waiting[:MAX_GROUP], group.waiting[MAX_GROUP:]
                await self._write_group(batch)
        finally:
            group.writer = None

    async def _write_group(self, same: list[_Waiting[T]]) -> None:
        try:
            await self._write_many([w.item for w in same])
        except Exception as exc:
            if len(same) == 1:
                _settle(same[0], exc)
                return
            # One bad item must not fail its neighbours: write them one by one, each caller gets its own outcome.
            for waiting in same:
                await self._write_group([waiting])
        else:
            for waiting in same:
                _settle(waiting, None)


def _settle(waiting: _Waiting[T], error: Exception | None) -> None:
    if waiting.committed.done():
        return
    if error is None:
        waiting.committed.set_result(None)
    else:
        waiting.committed.set_exception(error)


_JOB_WRITERS: dict[int, GroupWriter[Job]] = {}


async def defer(manager: JobManager, job: Job) -> None:
    """Queue ``job``; returns once it is committed. Only for jobs without a ``queueing_lock``: one such job refused
    as already enqueued would fail its whole group."""
    if job.queueing_lock is not None:
        raise ValueError("a job with a queueing lock cannot be deferred in a group")
    writer = _JOB_WRITERS.get(id(manager))
    if writer is None:
        writer = _JOB_WRITERS[id(manager)] = GroupWriter(manager.batch_defer_jobs_async)
    await writer.submit(job)
