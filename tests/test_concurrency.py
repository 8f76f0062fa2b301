"""``map_bounded``: results in order, never more than ``limit`` at once, and a failure stops the rest."""

from __future__ import annotations

import asyncio

import pytest

from x8.kit.concurrency import map_bounded


async def test_results_keep_the_items_order_and_no_more_than_the_limit_run_at_once() -> None:
    running, most = 0, 0

    async def slow_square(n: int) -> int:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001 * (7 - n % 7))  # finishing out of order
        running -= 1
        return n * n

    assert await map_bounded(slow_square, list(range(20)), limit=4) == [n * n for n in range(20)]
    assert most == 4
    assert await map_bounded(slow_square, [], limit=4) == []


async def test_the_first_failure_is_raised_and_the_rest_are_cancelled() -> None:
    started: list[int] = []

    async def fail_on_three(n: int) -> int:
        started.append(n)
        if n == 3:
            raise ValueError("three")
        await asyncio.sleep(0.05)
        return n

    with pytest.raises(ValueError, match="three"):
        await map_bounded(fail_on_three, list(range(10)), limit=4)
    assert 3 in started and len(started) < 10  # the items after the failure never started
