"""A channel's events handled in batches (x8.platform.inbox.tasks.handle_channel_events): one job waits per channel
however many events arrive, each contact's events are handled in the order they arrived and different contacts'
side by side, a failed event holds only its own contact's later ones until it is tried again, and an event that
keeps failing is given up and lets its contact go on."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from tests.conftest import sql
from tests.conversations.helpers import run_jobs
from x8.kit import jobs
from x8.kit.db import Database
from x8.kit.jobs import open_queue
from x8.platform.conversations import tasks as conversation_tasks
from x8.platform.inbox import repository as inbox_repository
from x8.platform.inbox import tasks as inbox_tasks
from x8.platform.inbox.handlers import HANDLERS, NotHandledYet
from x8.platform.inbox.repository import IncomingEvent
from x8.settings import Settings
from x8.worker import build_app

BATCH_JOB = "inbox:handle_channel_events"


def _channels(owner_url: str, count: int) -> list[uuid.UUID]:
    owner, company = uuid.uuid4(), uuid.uuid4()
    sql(
        owner_url,
        "INSERT INTO users (id, email, full_name, role, language, timezone, plan, subscription_status, is_active) "
        "VALUES (%s, 'batches@example.com', 'Shop', 'CLIENT', 'en', 'UTC', 'TRIAL', 'trialing', true)",
        owner,
    )
    sql(
        owner_url,
        "INSERT INTO companies (id, company_id, owner_id, name, company_type, timezone, language, status, "
        "tenant_schema, channels, total_messages, type1_count, type2_count, type2_unpaid, type3_count, type3_paid) "
        "VALUES (%s, 'COMPB', %s, 'Shop', 'Product', 'UTC', 'en', 'active', %s, '{}', 0, 0, 0, 0, 0, 0)",
        company,
        owner,
        f"t_{company.hex}",
    )
    channels = [uuid.uuid4() for _ in range(count)]
    for channel, platform in zip(channels, ("web", "telegram"), strict=False):
        sql(
            owner_url,
            "INSERT INTO channels (id, company_id, platform, status, config, error_count) "
            "VALUES (%s, %s, %s, 'CONNECTED', '{}', 0)",
            channel,
            company,
            platform,
        )
    return channels


def _event(channel: uuid.UUID, contact: str, n: int) -> IncomingEvent:
    return IncomingEvent(
        source="test",
        external_id=f"{channel}:{n}",
        payload={"contact": contact, "n": n},
        channel_id=channel,
        lock=f"ingest:{channel}:{contact}",
        batched=True,
    )


@pytest.fixture
def handled() -> Iterator[list[tuple[str, int]]]:
    """The test handler's record of what it handled: (contact, n), in the order handled."""
    seen: list[tuple[str, int]] = []

    async def handler(ctx: Any, event: Any) -> None:
        seen.append((event.payload["contact"], int(event.payload["n"])))

    HANDLERS["test"] = handler
    yield seen
    HANDLERS.pop("test", None)


@pytest.fixture
async def queue(app_url: str, settings: Settings) -> AsyncIterator[None]:
    db = Database.connect(app_url, pool_size=4)
    open_queue(settings, db)
    try:
        async with build_app(app_url).open_async():
            yield
    finally:
        await db.dispose()


def _jobs(owner_url: str, status: str = "todo") -> list[tuple[Any, ...]]:
    return sql(
        owner_url,
        "SELECT task_name, args->>'channel_id', lock, queueing_lock FROM procrastinate_jobs"
        " WHERE task_name LIKE 'inbox:%%' AND status = %s ORDER BY id",
        status,
    )


def _states(owner_url: str) -> dict[int, tuple[Any, ...]]:
    rows = sql(
        owner_url,
        "SELECT (payload->>'n')::int, handled_at IS NOT NULL, attempts, error, retry_at IS NOT NULL"
        " FROM webhook_events ORDER BY id",
    )
    return {row[0]: row[1:] for row in rows}


async def test_a_channels_events_are_stored_once_and_queue_one_batch_job(
    owner_url: str, app_url: str, queue: None
) -> None:
    first, second = _channels(owner_url, 2)
    events = [_event(first, f"c{n % 3}", n) for n in range(10)] + [_event(second, "c0", n) for n in range(10, 13)]
    await asyncio.gather(*(inbox_tasks.store(e) for e in events + events[:2]))  # two redelivered in the burst
    await inbox_tasks.store(_event(first, "c1", 1))  # and one later
    stored = sql(owner_url, "SELECT (payload->>'n')::int, lock, batched FROM webhook_events ORDER BY 1")
    assert [row[0] for row in stored] == list(range(13))
    assert all(batched for _, _, batched in stored)
    assert stored[4][1] == f"ingest:{first}:c1"
    jobs = _jobs(owner_url)
    assert sorted(jobs) == sorted(
        (BATCH_JOB, str(channel), f"events:{channel}", f"events:{channel}") for channel in (first, second)
    )


async def test_a_batch_handles_each_contacts_events_in_order_and_contacts_side_by_side(
    owner_url: str, app_url: str, queue: None
) -> None:
    [channel] = _channels(owner_url, 1)
    seen: list[tuple[str, int]] = []
    started = {"a": asyncio.Event(), "b": asyncio.Event()}

    async def handler(ctx: Any, event: Any) -> None:
        contact, n = event.payload["contact"], int(event.payload["n"])
        started[contact].set()
        if n == 0:  # the first of contact a waits until contact b has begun: only side by side can that happen
            await asyncio.wait_for(started["b"].wait(), timeout=10)
        seen.append((contact, n))

    HANDLERS["test"] = handler
    try:
        for n, contact in enumerate("aab"):
            await inbox_tasks.store(_event(channel, contact, n))
        # Arriving together (one group's statement), in an order their external ids do not sort in ("…:10" < "…:9").
        together = ((9, "a"), (10, "a"), (4, "b"))
        await asyncio.gather(*(inbox_tasks.store(_event(channel, contact, n)) for n, contact in together))
        await run_jobs(app_url)
    finally:
        HANDLERS.pop("test", None)
    assert [n for contact, n in seen if contact == "a"] == [0, 1, 9, 10]
    assert [n for contact, n in seen if contact == "b"] == [2, 4]
    assert all(state == (True, 1, None, False) for state in _states(owner_url).values())
    assert _jobs(owner_url) == []

    # A batch job run again (a dead worker's, put back) finds nothing waiting and handles nothing twice.
    seen.clear()
    await build_app(app_url).configure_task(BATCH_JOB).defer_async(channel_id=str(channel))
    await run_jobs(app_url)
    assert seen == []


async def test_a_failed_event_holds_only_its_contacts_later_events_until_it_is_tried_again(
    owner_url: str, app_url: str, queue: None
) -> None:
    [channel] = _channels(owner_url, 1)
    seen: list[tuple[str, int]] = []
    failures = {0: 1}  # event 0 fails once

    async def handler(ctx: Any, event: Any) -> None:
        n = int(event.payload["n"])
        if failures.get(n, 0) > 0:
            failures[n] -= 1
            raise RuntimeError("the provider said no")
        seen.append((event.payload["contact"], n))

    HANDLERS["test"] = handler
    try:
        for n, contact in enumerate("aab"):
            await inbox_tasks.store(_event(channel, contact, n))
        await run_jobs(app_url)
        assert seen == [("b", 2)]  # contact a's second event waits behind its first
        states = _states(owner_url)
        assert states[0][:2] == (False, 1) and "the provider said no" in states[0][2] and states[0][3]
        assert states[1] == (False, 0, None, False) and states[2][0] is True
        [(retry_in,)] = sql(
            owner_url,
            "SELECT extract(epoch FROM j.scheduled_at - e.retry_at) FROM procrastinate_jobs j, webhook_events e"
            " WHERE j.task_name = 'inbox:retry_channel_events' AND j.status = 'todo' AND (e.payload->>'n') = '0'",
        )
        assert abs(float(retry_in)) < 0.5  # the channel is queued again for when the failed event is due

        # Not due yet: a batch run now (another contact wrote) leaves contact a waiting.
        await inbox_tasks.store(_event(channel, "b", 3))
        await run_jobs(app_url)
        assert seen == [("b", 2), ("b", 3)]

        sql(owner_url, "UPDATE webhook_events SET retry_at = now() WHERE retry_at IS NOT NULL")
        sql(owner_url, "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")
        await run_jobs(app_url)
    finally:
        HANDLERS.pop("test", None)
    assert seen == [("b", 2), ("b", 3), ("a", 0), ("a", 1)]
    assert all(state[0] for state in _states(owner_url).values())
    assert _states(owner_url)[0] == (True, 2, None, False)


async def test_an_event_that_keeps_failing_is_given_up_and_one_not_handled_yet_is_not_retried(
    owner_url: str, app_url: str, queue: None
) -> None:
    [channel] = _channels(owner_url, 1)
    seen: list[int] = []

    async def handler(ctx: Any, event: Any) -> None:
        n = int(event.payload["n"])
        if n == 0:
            raise RuntimeError("still broken")
        if n == 2:
            raise NotHandledYet("nothing acts on this yet")
        seen.append(n)

    HANDLERS["test"] = handler
    try:
        for n in range(4):
            await inbox_tasks.store(_event(channel, "a", n))
        last_try = inbox_tasks.MAX_ATTEMPTS - 1
        sql(owner_url, "UPDATE webhook_events SET attempts = %s WHERE payload->>'n' = '0'", last_try)
        await run_jobs(app_url)
    finally:
        HANDLERS.pop("test", None)
    assert seen == [1, 3]  # the contact went on past the given-up event and the one not handled yet
    states = _states(owner_url)
    assert states[0] == (False, inbox_tasks.MAX_ATTEMPTS, "RuntimeError: still broken", False)
    assert states[2] == (False, 1, "not handled yet: nothing acts on this yet", False)
    assert sql(owner_url, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'") == [(0,)]

    # Neither is taken up again: not by the channel's next batch, nor by the sweep.
    await inbox_tasks.queue_waiting_events.defer_async(timestamp=0)
    await run_jobs(app_url)
    assert seen == [1, 3]


async def test_the_sweep_queues_a_channel_left_with_events_waiting_and_no_job(
    owner_url: str, app_url: str, queue: None, handled: list[tuple[str, int]]
) -> None:
    first, second = _channels(owner_url, 2)
    await inbox_tasks.store(_event(first, "a", 0))
    await inbox_tasks.store(_event(second, "a", 1))
    sql(owner_url, "DELETE FROM procrastinate_jobs WHERE args->>'channel_id' = %s", str(first))  # lost, say
    await inbox_tasks.queue_waiting_events(timestamp=0)
    assert sorted(job[1] for job in _jobs(owner_url)) == sorted([str(first), str(second)])  # one each, no more
    await run_jobs(app_url)
    assert sorted(handled) == [("a", 0), ("a", 1)]


async def test_a_batch_reads_once_the_stores_in_flight_have_committed(
    owner_url: str, app_url: str, queue: None, handled: list[tuple[str, int]]
) -> None:
    """A store that found the channel's batch job waiting queues none; were that job fetched and to read before the
    store committed, the event would wait for a later one. The store holds the channel's barrier till it commits,
    and the batch passes it before reading."""
    [channel] = _channels(owner_url, 1)
    await inbox_tasks.store(_event(channel, "a", 0))
    with psycopg.connect(owner_url) as in_flight:
        in_flight.execute(
            "SELECT pg_advisory_xact_lock_shared(hashtextextended('x8-events:' || %s, 0))", (str(channel),)
        )
        in_flight.execute(
            "INSERT INTO webhook_events (source, external_id, channel_id, payload, lock, batched)"
            " VALUES ('test', %s, %s, %s, %s, true)",
            (f"{channel}:1", channel, Jsonb({"contact": "a", "n": 1}), f"ingest:{channel}:a"),
        )
        worker = asyncio.create_task(run_jobs(app_url))
        await asyncio.sleep(1.0)
        assert not worker.done() and handled == []  # the batch waits at the barrier
        in_flight.commit()
    await asyncio.wait_for(worker, timeout=30)
    assert handled == [("a", 0), ("a", 1)]


async def test_a_batch_that_fails_as_a_whole_is_queued_again(
    owner_url: str, app_url: str, queue: None, handled: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    [channel] = _channels(owner_url, 1)
    await inbox_tasks.store(_event(channel, "a", 0))

    async def database_away(*args: Any, **kwargs: Any) -> Any:
        raise OSError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(inbox_repository, "waiting", database_away)
        await run_jobs(app_url)
    assert handled == []
    [(task, delay)] = sql(
        owner_url,
        "SELECT task_name, extract(epoch FROM scheduled_at - now()) FROM procrastinate_jobs WHERE status = 'todo'",
    )
    assert task == "inbox:retry_channel_events" and 0 < float(delay) <= inbox_tasks.BATCH_RETRY_SECONDS
    sql(owner_url, "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")
    await run_jobs(app_url)  # the retry queues the batch, which runs
    await run_jobs(app_url)
    assert handled == [("a", 0)]


def test_a_locked_job_ending_wakes_the_workers_for_the_next_on_its_lock(owner_url: str) -> None:
    """Procrastinate sends no notice when a job ends; the next job on its lock, queued while it ran, would wait for
    the workers' next poll. The migration's trigger sends the notice an insert sends."""
    sql(
        owner_url,
        "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args, status) VALUES"
        " ('default', 'inbox:handle_channel_events', 'events:x', '{}', 'doing'),"
        " ('default', 'inbox:handle_channel_events', 'events:x', '{}', 'todo'),"
        " ('default', 'inbox:handle_channel_events', 'events:y', '{}', 'doing')",
    )
    [(waiting,)] = sql(owner_url, "SELECT id FROM procrastinate_jobs WHERE status = 'todo'")
    with psycopg.connect(owner_url, autocommit=True) as listener:
        listener.execute("LISTEN procrastinate_any_queue_v1")
        sql(owner_url, "UPDATE procrastinate_jobs SET status = 'succeeded' WHERE lock = 'events:y'")  # none waits
        done = "UPDATE procrastinate_jobs SET status = 'succeeded' WHERE lock = 'events:x' AND id < %s"
        sql(owner_url, done, waiting)
        notices = [notice.payload for notice in listener.notifies(timeout=2, stop_after=2)]
    assert notices == [f'{{"type" : "job_inserted", "job_id" : {waiting}}}']


async def test_a_batch_asks_for_a_companys_turns_once_while_the_asked_job_is_ahead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[float] = []

    async def queue_or_move_earlier(queue: Any, **kwargs: Any) -> None:
        asked.append(kwargs["delay"])

    monkeypatch.setattr(conversation_tasks, "queue_or_move_earlier", queue_or_move_earlier)
    monkeypatch.setattr(conversation_tasks, "_queue", lambda: None)
    company, other = uuid.uuid4(), uuid.uuid4()
    await conversation_tasks.schedule_turns(company, delay=4)
    await conversation_tasks.schedule_turns(company, delay=4)
    assert len(asked) == 2  # outside a batch, every message asks
    asked.clear()
    with conversation_tasks.turns_asked_once():
        for _ in range(5):
            await conversation_tasks.schedule_turns(company, delay=4)
        await conversation_tasks.schedule_turns(other, delay=4)
        await conversation_tasks.schedule_turns(company, delay=1)  # sooner than asked: moves it earlier
        await conversation_tasks.schedule_turns(company, delay=0.05)  # too near to be sure it has not run
        await conversation_tasks.schedule_turns(company, delay=0.05)
    assert asked == [4, 4, 1, 0.05, 0.05]


async def test_a_stopping_worker_ends_a_channels_backlog_at_the_next_page_and_queues_the_rest(
    owner_url: str, app_url: str, queue: None, handled: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker asked to stop (a deploy) does not hold its graceful stop until a channel's whole backlog is handled:
    the batch job finishes the page it is on and queues the channel's next batch, which a worker that goes on
    takes."""
    [channel] = _channels(owner_url, 1)
    monkeypatch.setattr(inbox_tasks, "BATCH_SIZE", 2)
    for n in range(5):
        await inbox_tasks.store(_event(channel, f"c{n}", n))
    sql(owner_url, "DELETE FROM procrastinate_jobs")  # the job the stores queued: the one below runs by hand
    monkeypatch.setattr(jobs, "_stopping", asyncio.Event())
    jobs._stopping.set()
    await inbox_tasks.handle_channel_events(channel_id=str(channel))  # as the stopping worker runs it
    assert len(handled) == 2
    assert _jobs(owner_url) == [(BATCH_JOB, str(channel), f"events:{channel}", f"events:{channel}")]

    jobs._stopping.clear()  # another worker, going on
    await run_jobs(app_url)
    assert sorted(n for _, n in handled) == [0, 1, 2, 3, 4]
    assert _jobs(owner_url) == []
