"""The provider-event inbox (x8.platform.inbox): an event and its job are committed together, a redelivered event
stores and queues nothing, one bad event fails only its own caller, and a handled event is not handled again."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import sql
from x8.kit.jobs import open_queue
from x8.platform.inbox import tasks as inbox_tasks
from x8.platform.inbox.handlers import HANDLERS
from x8.platform.inbox.repository import IncomingEvent
from x8.worker import build_app


def _event(n: int, text: str = "hi") -> IncomingEvent:
    return IncomingEvent(source="test", external_id=f"e{n}", payload={"n": n, "text": text}, lock=f"test:{n}")


async def test_events_are_stored_once_with_one_job_each(app_url: str, owner_url: str) -> None:
    app = build_app(app_url)
    async with app.open_async():
        events = [_event(n) for n in range(20)] + [_event(3), _event(7)]  # two redeliveries in the same burst
        await asyncio.gather(*(inbox_tasks.store(e) for e in events))
        await inbox_tasks.store(_event(5))  # and one later
    stored = sql(owner_url, "SELECT external_id, id FROM webhook_events WHERE source = 'test' ORDER BY id")
    assert sorted(r[0] for r in stored) == sorted(f"e{n}" for n in range(20))
    jobs = sql(
        owner_url,
        "SELECT (args->>'event_id')::bigint, lock FROM procrastinate_jobs WHERE task_name = %s",
        "inbox:handle_event",
    )
    assert sorted(j[0] for j in jobs) == sorted(r[1] for r in stored)  # one job per stored event, none for repeats
    assert {j[1] for j in jobs} == {f"test:{n}" for n in range(20)}


async def test_a_bad_event_fails_only_its_caller(app_url: str, owner_url: str) -> None:
    app = build_app(app_url)
    async with app.open_async():
        events = [_event(n) for n in range(5)]
        events[2] = _event(2, text="\x00")  # PostgreSQL's jsonb refuses a NUL character
        results = await asyncio.gather(*(inbox_tasks.store(e) for e in events), return_exceptions=True)
    assert [isinstance(r, Exception) for r in results] == [False, False, True, False, False]
    assert sql(owner_url, "SELECT count(*) FROM webhook_events WHERE source = 'test'") == [(4,)]
    assert sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'inbox:handle_event'") == [(4,)]


async def test_an_event_is_handled_once_and_a_failure_is_kept(app_url: str, owner_url: str, settings: Any) -> None:
    from tests.conversations.helpers import run_jobs
    from x8.kit.db import Database

    seen: list[int] = []
    fail = {"first": True}

    async def handler(ctx: Any, event: Any) -> None:
        seen.append(int(event.payload["n"]))
        if fail["first"]:
            fail["first"] = False
            raise RuntimeError("the provider said no")

    HANDLERS["test"] = handler
    db = Database.connect(app_url, pool_size=2)
    open_queue(settings, db)
    try:
        app = build_app(app_url)
        async with app.open_async():
            await inbox_tasks.store(_event(1))
            await run_jobs(app_url)  # fails: kept on the event, retried later
            [(handled, attempts, error)] = sql(owner_url, "SELECT handled_at, attempts, error FROM webhook_events")
            assert handled is None and attempts == 1 and "the provider said no" in error
            sql(owner_url, "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")
            await run_jobs(app_url)
            [(handled, attempts, error)] = sql(owner_url, "SELECT handled_at, attempts, error FROM webhook_events")
            assert handled is not None and attempts == 2 and error is None
            # Run its job again (what a dead worker's retry does): the handler is not called a third time.
            [(event_id,)] = sql(owner_url, "SELECT id FROM webhook_events")
            await inbox_tasks.handle_event.defer_async(event_id=event_id)
            await run_jobs(app_url)
    finally:
        HANDLERS.pop("test", None)
        await db.dispose()
    assert seen == [1, 1]
