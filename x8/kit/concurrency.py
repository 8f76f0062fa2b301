"""Independent awaitables run a few at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def map_bounded(fn: Callable[[T], Awaitable[R]], items: Sequence[T], *, limit: int) -> list[R]:
    """``fn`` over ``items`` with at most ``limit`` running at once; the results in the items' order. The first
    failure cancels the rest and is raised."""
    semaphore = asyncio.Semaphore(limit)

    async def one(item: T) -> R:
        async with semaphore:
            return await fn(item)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(item)) for item in items]
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None  # as a plain loop would: callers map it to an answer as before
    return [task.result() for task in tasks]
