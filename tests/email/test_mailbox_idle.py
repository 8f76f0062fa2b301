"""IMAP IDLE against a real server (pymap offers IDLE): mail appended by another client is read within seconds,
not at the next poll; the listener follows mailboxes connected and disconnected while it runs, only one worker
listens at a time, a dropped connection is reopened, and an IDLE mailbox is polled only as a safety net."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest

from tests.conftest import bearer, sql
from tests.conversations.helpers import run_jobs, shop_with_catalogue
from tests.email.mail_servers import PASSWORD, SHOP, ImapServer, SmtpInbox, imap_server
from tests.email.test_mailbox import CONNECT, customer_mail, form, stored
from x8.kit.jobs import context, run_worker
from x8.platform.channels import email_idle, email_tasks
from x8.worker import build_app


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> float:
    """Wait until ``check`` holds; how long it took."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s: {what}")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def connect(client: httpx.AsyncClient, imap: ImapServer, smtp_port: int) -> tuple[dict[str, str], str, str]:
    tokens, company = await shop_with_catalogue(client)
    r = await client.post(CONNECT, json=form(company["id"], imap, smtp_port), headers=bearer(tokens))
    assert r.status_code == 200, r.text
    return tokens, company["id"], r.json()["channel_id"]


def queued_syncs(owner_url: str, channel_id: str) -> int:
    [(count,)] = sql(
        owner_url,
        "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'email:sync_email' AND status = 'todo' "
        "AND args->>'channel_id' = %s",
        channel_id,
    )
    return int(count)


def idle_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("imap-idle:") and t.is_alive()]


async def test_new_mail_is_read_on_the_servers_notice_without_the_poll(
    client: httpx.AsyncClient,
    imap: ImapServer,
    smtp: tuple[SmtpInbox, int],
    owner_url: str,
    app_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(email_tasks, "SAFETY_POLL_SECONDS", 10**12)  # a poll never reads a listened mailbox here
    _, company_id, channel_id = await connect(client, imap, smtp[1])
    [(config,)] = sql(owner_url, "SELECT config FROM channels WHERE id = %s", channel_id)
    assert config["idle"] is True  # pymap offers IDLE
    listener = email_idle.IdleListener(context(), app_url, refresh_seconds=0.2)
    task = asyncio.create_task(listener.run())
    try:

        async def listening() -> bool:
            return uuid.UUID(channel_id) in listener.listening and len(idle_threads()) == 1

        await eventually(listening, 5, "the listener watches the mailbox")
        await asyncio.sleep(0.5)  # the catch-up sync of a new IDLE session is queued; run it away first
        await run_jobs(app_url)
        assert stored(owner_url, company_id) == []

        imap.append(customer_mail("Is the rye bread vegan?"))

        async def read() -> bool:
            await run_jobs(app_url)
            return any(m[2] == "Is the rye bread vegan?" for m in stored(owner_url, company_id))

        # The poll skips a mailbox IDLE listens to (and its safety poll is off here): only the server's notice can
        # have queued the sync that reads it. How soon is the benchmarks' business, not a test's.
        await eventually(read, 30, "the mail reaches the conversation")
        assert [sent["to"] for sent in smtp[0].received] == [["jane@example.com"]]  # and it was answered
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    for _ in range(100):  # the watcher logged out; its thread ends just after it said so
        if not idle_threads():
            break
        await asyncio.sleep(0.05)
    assert idle_threads() == []


async def test_the_listener_follows_mailboxes_connected_and_disconnected(
    client: httpx.AsyncClient, imap: ImapServer, smtp: tuple[SmtpInbox, int], app_url: str
) -> None:
    news: list[uuid.UUID] = []

    async def note(channel_id: uuid.UUID) -> None:
        news.append(channel_id)

    listener = email_idle.IdleListener(context(), app_url, refresh_seconds=0.2, on_news=note)
    task = asyncio.create_task(listener.run())
    try:
        await asyncio.sleep(0.5)
        assert listener.listening == set()
        tokens, _, channel_id = await connect(client, imap, smtp[1])
        channel = uuid.UUID(channel_id)

        async def watched() -> bool:
            return channel in listener.listening and channel in news  # listening, and asked to catch up

        await eventually(watched, 5, "a mailbox connected meanwhile is watched")
        news.clear()
        imap.append(customer_mail("Hello?"))

        async def heard() -> bool:
            return channel in news

        await eventually(heard, 3, "the server's EXISTS is heard")

        r = await client.post(f"/api/v1/integrations/disconnect/{channel_id}", headers=bearer(tokens))
        assert r.status_code == 200, r.text

        async def dropped() -> bool:
            return listener.listening == set() and idle_threads() == []

        await eventually(dropped, 5, "a disconnected mailbox is no longer watched")
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_one_listener_at_a_time_and_another_takes_over(
    client: httpx.AsyncClient, imap: ImapServer, smtp: tuple[SmtpInbox, int], app_url: str
) -> None:
    _, _, channel_id = await connect(client, imap, smtp[1])
    channel = uuid.UUID(channel_id)
    first = email_idle.IdleListener(context(), app_url, refresh_seconds=0.2)
    second = email_idle.IdleListener(context(), app_url, refresh_seconds=0.2)
    first_task = asyncio.create_task(first.run())

    async def first_listens() -> bool:
        return channel in first.listening

    await eventually(first_listens, 5, "the first listener leads")
    second_task = asyncio.create_task(second.run())
    try:
        await asyncio.sleep(1)
        assert second.listening == set()  # the lock is held: one IDLE connection per mailbox, not one per worker
        first_task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first_task

        async def second_listens() -> bool:
            return channel in second.listening

        await eventually(second_listens, 5, "the second listener takes over")
    finally:
        second_task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await second_task


async def test_a_dropped_connection_is_reopened_and_catches_up(
    client: httpx.AsyncClient, smtp: tuple[SmtpInbox, int], app_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(email_idle, "FIRST_BACKOFF_SECONDS", 0.2)
    news: list[uuid.UUID] = []

    async def note(channel_id: uuid.UUID) -> None:
        news.append(channel_id)

    with imap_server(SHOP, PASSWORD) as server:
        _, _, channel_id = await connect(client, server, smtp[1])
        listener = email_idle.IdleListener(context(), app_url, refresh_seconds=0.2, on_news=note)
        task = asyncio.create_task(listener.run())

        async def caught_up() -> bool:
            return len(idle_threads()) == 1 and news.count(uuid.UUID(channel_id)) >= 1

        await eventually(caught_up, 5, "the first IDLE session")
    try:
        # The server went away (and, below, comes back on the same port): the watcher reconnects and asks for a
        # sync of what arrived meanwhile.
        await asyncio.sleep(1)
        before = len(news)
        with imap_server(SHOP, PASSWORD, port=server.port):

            async def reopened() -> bool:
                return len(news) > before and len(idle_threads()) == 1

            await eventually(reopened, 10, "the IDLE connection is reopened")
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_an_idle_mailbox_is_polled_only_as_a_safety_net(
    client: httpx.AsyncClient, imap: ImapServer, smtp: tuple[SmtpInbox, int], owner_url: str
) -> None:
    _, _, channel_id = await connect(client, imap, smtp[1])
    await email_tasks.poll_email(email_tasks.POLL_SECONDS)  # five minutes past a half hour: not due
    assert queued_syncs(owner_url, channel_id) == 0
    await email_tasks.poll_email(email_tasks.SAFETY_POLL_SECONDS * 7)
    assert queued_syncs(owner_url, channel_id) == 1
    sql(owner_url, "DELETE FROM procrastinate_jobs")
    sql(owner_url, "UPDATE channels SET config = config || '{\"idle\": false}' WHERE id = %s", channel_id)
    await email_tasks.poll_email(email_tasks.POLL_SECONDS)  # without IDLE, every poll reads it
    assert queued_syncs(owner_url, channel_id) == 1


async def test_the_listener_runs_only_beside_a_long_lived_worker(client: httpx.AsyncClient, app_url: str) -> None:
    def listeners() -> list[asyncio.Task[object]]:
        return [t for t in asyncio.all_tasks() if t.get_name() == "imap-idle"]

    queue = build_app(app_url)  # as `x8 serve` and `x8 worker` build it: the listener hooked in
    async with queue.open_async():
        drain = asyncio.create_task(queue.run_worker_async(wait=False, install_signal_handlers=False))
        seen_beside_drain = False
        while not drain.done():  # a drain of what is due (tests, one-off runs): no listener
            seen_beside_drain = seen_beside_drain or bool(listeners())
            await asyncio.sleep(0)
        await drain
        assert not seen_beside_drain

        stop = asyncio.Event()
        worker = asyncio.create_task(run_worker(queue, concurrency=1, stop=stop))  # `x8 worker`, `x8 serve`
        await asyncio.sleep(0.1)
        assert listeners()  # a listener for as long as the worker runs
        stop.set()
        await worker
        await asyncio.sleep(0)
        assert not listeners()  # stopped with the worker
