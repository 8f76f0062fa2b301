"""IMAP IDLE for the mailboxes that offer it: new mail is read seconds after it arrives, not at the next poll.

One listener runs beside the job worker (``listen_beside_worker``, hooked in by ``x8.worker``), so ``x8 serve`` and
``x8 worker`` both have it and it stops with the worker. With several worker processes only one listens: the one
holding a PostgreSQL advisory lock (session-level, on a connection of its own that holds no transaction). If that
process dies, its connection closes, the lock is freed, and another worker takes over at its next look.

The leader re-reads the connected mailboxes whose server offers IDLE (``config.idle``) every
``REFRESH_SECONDS`` and keeps one IDLE connection per mailbox, each in a thread of its own (the IMAP client is
blocking). When the server announces mail, the same sync job the poll queues is queued; its queueing lock means a
push and a poll never read a mailbox twice at once. A watcher whose connection fails reconnects with backoff and,
each time it is listening again, queues a sync for what arrived meanwhile. The five-minute poll still reads IDLE
mailboxes, but only every ``SAFETY_POLL_SECONDS``, in case a push was missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import threading
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Final

import procrastinate
import psycopg
from sqlalchemy import select

from x8.channel_adapters.base import ChannelStatus
from x8.channel_adapters.email import MAILBOX, mailbox_account
from x8.integrations.mailbox import idle
from x8.integrations.mailbox.account import MailboxAccount, MailboxError
from x8.kit.jobs import WorkerContext, context, run_beside_worker
from x8.platform.channels.cache import load_channel
from x8.platform.channels.email_tasks import schedule_sync
from x8.platform.channels.models import Channel
from x8.platform.channels.service import credentials_of

log = logging.getLogger(__name__)

REFRESH_SECONDS: Final = 30.0
FIRST_BACKOFF_SECONDS: Final = 5.0
MAX_BACKOFF_SECONDS: Final = 300.0
STOP_WAIT_SECONDS: Final = 15.0  # a watcher's thread notices a stop within idle.WAIT_SECONDS, then logs out
_LEADER_LOCK: Final = "SELECT pg_try_advisory_lock(hashtextextended('x8:email-idle', 0))"


def listen_beside_worker(queue: procrastinate.App, app_url: str) -> None:
    """Run an ``IdleListener`` for as long as each long-lived worker of ``queue`` runs. A worker that only drains
    what is due (``wait=False``: tests, one-off runs) listens to nothing."""
    run_beside_worker(queue, "imap-idle", lambda: IdleListener(context(), app_url).run())


def fingerprint(channel: Channel) -> str:
    """What a watcher's connection depends on: a change (a reconnect to another server or user) restarts it."""
    keys = ("imap_host", "imap_port", "imap_security", "username")
    return json.dumps([channel.config.get(k) for k in keys])


async def idle_mailboxes(ctx: WorkerContext) -> list[Channel]:
    async with ctx.db.sessions() as session:
        query = select(Channel).where(
            Channel.platform == "email",
            Channel.status == ChannelStatus.CONNECTED,
            Channel.config["provider"].astext == MAILBOX,
            Channel.config["idle"].astext == "true",
        )
        return list((await session.execute(query)).scalars())


class IdleListener:
    def __init__(
        self,
        ctx: WorkerContext,
        app_url: str,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        on_news: Callable[[uuid.UUID], Awaitable[None]] = schedule_sync,
    ) -> None:
        self._ctx = ctx
        self._app_url = app_url
        self._refresh_seconds = refresh_seconds
        self._on_news = on_news
        self._lock: psycopg.AsyncConnection[Any] | None = None
        self._watchers: dict[uuid.UUID, Watcher] = {}

    @property
    def listening(self) -> set[uuid.UUID]:
        """The channels with a watcher running."""
        return {channel_id for channel_id, w in self._watchers.items() if not w.done}

    async def run(self) -> None:
        try:
            while True:
                try:
                    if await self._lead():
                        await self._refresh()
                except Exception:  # the database is away: look again later, the watchers keep running
                    log.warning("the IMAP IDLE listener could not refresh its mailboxes", exc_info=True)
                await asyncio.sleep(self._refresh_seconds)
        finally:
            await self._stop_all()
            if self._lock is not None:
                await self._lock.close()

    async def _lead(self) -> bool:
        """Hold the deployment-wide listener lock, or take it if it is free."""
        if self._lock is not None:
            try:
                await self._lock.execute("SELECT 1")
                return True
            except psycopg.Error:
                log.warning("the IMAP IDLE listener lost its lock connection; stopping its watchers")
                await self._stop_all()
                with contextlib.suppress(psycopg.Error):
                    await self._lock.close()
                self._lock = None
        connection = await psycopg.AsyncConnection.connect(self._app_url, autocommit=True)
        row = await (await connection.execute(_LEADER_LOCK)).fetchone()
        if row is not None and row[0]:
            self._lock = connection
            log.info("this worker listens to the IMAP IDLE mailboxes")
            return True
        await connection.close()
        return False

    async def _refresh(self) -> None:
        wanted = {channel.id: fingerprint(channel) for channel in await idle_mailboxes(self._ctx)}
        for channel_id, watcher in list(self._watchers.items()):
            if wanted.get(channel_id) != watcher.fingerprint:
                del self._watchers[channel_id]
                await watcher.stop()
        for channel_id, print_ in wanted.items():
            if channel_id not in self._watchers:
                self._watchers[channel_id] = Watcher(self._ctx, channel_id, print_, self._on_news)

    async def _stop_all(self) -> None:
        watchers, self._watchers = list(self._watchers.values()), {}
        await asyncio.gather(*(w.stop() for w in watchers), return_exceptions=True)


class Watcher:
    """One mailbox's IDLE connection, reconnected with backoff until stopped."""

    def __init__(
        self,
        ctx: WorkerContext,
        channel_id: uuid.UUID,
        fingerprint: str,
        on_news: Callable[[uuid.UUID], Awaitable[None]],
    ) -> None:
        self.channel_id = channel_id
        self.fingerprint = fingerprint
        self._ctx = ctx
        self._on_news = on_news
        self._stop = threading.Event()  # read by the listening thread
        self._stopped = asyncio.Event()  # wakes the backoff sleep
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._run(), name=f"imap-idle:{channel_id}")

    @property
    def done(self) -> bool:
        return self._task.done()

    async def stop(self) -> None:
        self._stop.set()
        self._stopped.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_WAIT_SECONDS)
        except TimeoutError:
            log.warning("the IDLE watcher of channel %s did not stop in time", self.channel_id)
            self._task.cancel()

    async def _run(self) -> None:
        delay = FIRST_BACKOFF_SECONDS
        while not self._stop.is_set():
            listened = threading.Event()
            try:
                account = await self._account()
                if account is None:
                    return  # disconnected meanwhile: the next refresh drops this watcher
                await _in_own_thread(functools.partial(self._listen, account, listened), f"imap-idle:{self.channel_id}")
            except idle.IdleNotOffered:
                log.info("channel %s: the server no longer offers IDLE; the poll reads it", self.channel_id)
                return
            except MailboxError as exc:
                log.warning("channel %s: IMAP IDLE: %s", self.channel_id, exc)
                if exc.refused:  # the sync records the refusal on the channel (and the activity log)
                    await self._news()
                    delay = MAX_BACKOFF_SECONDS
            except Exception:
                log.exception("channel %s: the IMAP IDLE watcher failed", self.channel_id)
            if listened.is_set():
                delay = FIRST_BACKOFF_SECONDS
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), delay)
            delay = min(delay * 2, MAX_BACKOFF_SECONDS)

    async def _account(self) -> MailboxAccount | None:
        channel = await load_channel(self._ctx.db, self.channel_id)
        if channel is None or channel.status != ChannelStatus.CONNECTED:
            return None
        return mailbox_account(channel, await credentials_of(self._ctx.db, self._ctx.settings, channel))

    def _listen(self, account: MailboxAccount, listened: threading.Event) -> None:
        """In the watcher's thread: news is handed to the event loop, which queues the sync."""

        def news() -> None:
            asyncio.run_coroutine_threadsafe(self._news(), self._loop)

        def listening() -> None:
            listened.set()
            news()  # what arrived while nobody listened

        idle.listen(account, news, self._stop, on_listening=listening)

    async def _news(self) -> None:
        try:
            await self._on_news(self.channel_id)
        except Exception:
            log.warning("channel %s: could not queue the sync IMAP IDLE asked for", self.channel_id, exc_info=True)


async def _in_own_thread(work: Callable[[], None], name: str) -> None:
    """Run blocking ``work`` in a new thread (an IDLE connection lasts for hours: not one for the shared pool)."""
    loop = asyncio.get_running_loop()
    finished: asyncio.Future[None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if finished.done():
            return
        if error is None:
            finished.set_result(None)
        else:
            finished.set_exception(error)

    def run() -> None:
        error: BaseException | None = None
        try:
            work()
        except BaseException as exc:  # handed to the awaiting coroutine, which decides
            error = exc
        with contextlib.suppress(RuntimeError):  # the event loop closed meanwhile
            loop.call_soon_threadsafe(settle, error)

    threading.Thread(target=run, name=name, daemon=True).start()
    await finished
