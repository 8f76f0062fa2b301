"""Database statements a message takes on its way to a reply (issue 16): the figure the worker's limit follows, and
one the machine's load does not move, unlike latencies and CPU.

A real `x8 serve` (API and one worker, as `bench.conversations` runs them) answers RATE messages a second for
SECONDS seconds, half from new customers and half from customers answered before, with a WINDOW-second buffer;
PostgreSQL logs every statement (`log_statement = all`) while the measured messages are answered, and the log is
read back: statements a message, in all and by kind. Baseline: the same count for the warm-up messages, all new
customers, answered just before on the same server.
"""

from __future__ import annotations

import asyncio
import collections
import re
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from bench import loadgen
from bench.conversations import NEW_CHAT, TOKEN, WORDS, _business, _server, _update
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app

RATE = 20
SECONDS = 5
WINDOW = 1.0
DRAIN_SECONDS = 30
MARK = "x8-bench-statements"
_ENTRY = re.compile(
    r"^\S+ \S+ UTC \[\d+\] LOG:  (?:statement|execute [^:]*): (.*?)(?=^\d{4}-\d\d-\d\d |\Z)", re.S | re.M
)


def run(owner_url: str, admin_url: str) -> list[str]:
    fake = FakeTelegram()
    fake.add_bot(TOKEN)
    log = log_file(admin_url)
    with (
        serve_in_thread(telegram_app(fake)) as telegram_url,
        _server(owner_url, telegram_url, buffer_seconds=WINDOW) as served,
    ):
        channel_id = _business(served.base, "bench-statements@example.com")
        secret = str(fake.bots[TOKEN].webhook["secret_token"])
        path = f"/api/v1/webhooks/telegram/{channel_id}"
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        first = list(range(NEW_CHAT, NEW_CHAT + RATE * SECONDS))
        fresh = iter(range(NEW_CHAT + RATE * SECONDS, NEW_CHAT + 3 * RATE * SECONDS))
        returning = iter(first)
        mixed = [next(returning) if i % 2 else next(fresh) for i in range(RATE * SECONDS)]
        with _statement_log(admin_url, log) as new_only:
            _answer(served.base, path, headers, fake, first, update_from=300_000)
        with _statement_log(admin_url, log) as steady:
            _answer(served.base, path, headers, fake, mixed, update_from=400_000)
    total, kinds = _count(steady.text, len(mixed))
    baseline, _ = _count(new_only.text, len(first))
    lines = [
        f"statements a message on its way to a reply ({RATE} msg/s, half new customers, {WINDOW:g} s window):"
        f" {total:5.1f}  (all new customers, same server just before: {baseline:5.1f});  the most:"
    ]
    lines += [f"    {share:5.2f}  {kind}" for kind, share in kinds[:12]]
    return lines


class _Captured:
    text = ""


@contextmanager
def _statement_log(admin_url: str, log: Path) -> Iterator[_Captured]:
    """``log_statement = all`` while the block runs; then ``text`` holds what was logged meanwhile."""
    captured = _Captured()
    _log_statements(admin_url, "all")
    _mark(admin_url, "start")
    try:
        yield captured
    finally:
        _mark(admin_url, "end")
        _log_statements(admin_url, "none")
    text = log.read_text(errors="replace")
    start, end = text.rfind(f"{MARK}-start"), text.rfind(f"{MARK}-end")
    captured.text = text[text.index("\n", start) + 1 : end]


def _mark(admin_url: str, which: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("SELECT {}").format(sql.Literal(f"{MARK}-{which}")))


def _log_statements(admin_url: str, value: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER SYSTEM SET log_statement = {}").format(sql.Literal(value)))
        conn.execute("SELECT pg_reload_conf()")
    time.sleep(0.3)  # every backend reads the new setting before its next statement


def _answer(
    base: str, path: str, headers: dict[str, str], fake: FakeTelegram, chats: list[int], *, update_from: int
) -> None:
    """Post one question from each chat at RATE a second, and wait until each has its reply."""
    host = base.split("//", 1)[1]
    requests = [
        (
            loadgen.build(
                "POST", path, _update(update_from + i, chat, f"How much is the {WORDS[i % 10]}?"), headers, host
            ),
            chat,
        )
        for i, chat in enumerate(chats)
    ]
    waiting = set(chats)
    seen = len(fake.sent)

    async def drive() -> None:
        nonlocal seen
        sending = asyncio.create_task(loadgen.paced(base, requests, RATE, 8))
        deadline = time.monotonic() + len(chats) / RATE + DRAIN_SECONDS
        while waiting and time.monotonic() < deadline:
            for message in fake.sent[seen:]:
                waiting.discard(int(message["chat_id"]))
            seen = len(fake.sent)
            await asyncio.sleep(0.05)
        await sending

    asyncio.run(drive())
    if waiting:
        raise RuntimeError(f"{len(waiting)} messages were not answered within {DRAIN_SECONDS} s")
    time.sleep(0.5)  # the last replies' outcome and the jobs' finish are written just after the send


def _count(text: str, messages: int) -> tuple[float, list[tuple[str, float]]]:
    kinds: collections.Counter[str] = collections.Counter()
    for match in _ENTRY.finditer(text):
        statement = " ".join(match.group(1).split())
        if MARK in statement or "log_statement" in statement or "pg_reload_conf" in statement:
            continue
        kinds[re.sub(r"\$\d+|'[^']*'|\b\d+\b", "?", statement)[:100]] += 1
    total = sum(kinds.values()) / messages
    return total, [(kind, count / messages) for kind, count in kinds.most_common()]


def log_file(admin_url: str) -> Path:
    """The embedded server's log: ``<data dir>/log``, beside the socket the URL names."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(admin_url).query)
    return Path(query["host"][0]) / "log"
