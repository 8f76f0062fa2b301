"""Conversation benchmarks (SPEC.md §16), against a real `x8 serve` and a fake Telegram Bot API on loopback, as the
product runs: the API (`x8 serve --no-worker`, two processes) and one `x8 worker` process beside it, the default
buffer window, a catalogue of CATALOGUE_ROWS products.

- Webhook acknowledgements (verify + durable enqueue) while the worker runs: the most a second (as fast as 32
  connections allow, beside GET /api/v1/health on the same server as the baseline), and the latency at 1,000
  updates a second (open loop, counted from when each was due).
- Inbound → reply sent: RATE messages a second for SECONDS seconds, half from new customers and half from customers
  answered before (after WARMUP_SECONDS of new customers on a cold worker, reported apart), with the retrieval
  responder; latency from posting an update until the fake Telegram has received the reply for that chat (checked
  every 5 ms), reported beyond the buffer window. Each chat writes once per phase, so each message is one turn.
  Baseline: the same run with no window (X8_BUFFER_SECONDS=0), where the turn is taken in the message's own job.
- In a full run, the same windowed load answered by the KB benchmark's 100k-row company among the populated
  tenants (``big_shop``), with distinct customer-like questions, beside the 2,000-row company's figures.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench import loadgen
from bench.accounts import log_in, sign_up
from bench.catalogue import distinct_queries
from bench.kb import BigShop
from bench.server import Served, cpu_seconds, x8_env, x8_processes
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app
from x8.settings import Settings

TOKEN = "424242424:AAbenchBENCHbenchBENCHbenchBENCH01"
WORDS = ["apple", "bread", "honey", "coffee", "tea", "cheese", "olive oil", "pasta", "rice", "juice"]
CATALOGUE_ROWS = 2000
ACK_REQUESTS = 4000
ACK_RATE = 1000
ACK_SECONDS = 10
API_PROCESSES = 2
WORKER_PROCESSES = 1
CONCURRENCY = 32
RATE = 100
SECONDS = 10
WARMUP_SECONDS = 3
BUFFER_SECONDS = float(Settings.model_fields["buffer_seconds"].default)  # the product's default window
NEW_CHAT = 1_000_000  # chat ids from here on are new customers
STATS_FLUSH_SECONDS = 1.5  # PostgreSQL's backends report their counts to pg_stat_database within a second


def _catalogue() -> str:
    return "SKU,Name,Description,Price,Currency\n" + "".join(
        f"SKU-{i},Item {i} {w},A fine {w} for everyday use,{i}.50,EUR\n"
        for i, w in ((i, WORDS[i % len(WORDS)]) for i in range(CATALOGUE_ROWS))
    )


def _env(owner_url: str, telegram_url: str, buffer_seconds: float) -> dict[str, str]:
    return x8_env(owner_url, TELEGRAM_API_URL=telegram_url, X8_BUFFER_SECONDS=str(buffer_seconds))


@contextmanager
def _server(owner_url: str, telegram_url: str, *, buffer_seconds: float = BUFFER_SECONDS) -> Iterator[Served]:
    """`x8 serve --no-worker` and one `x8 worker` process beside it: the production shape (compose runs the API and
    the worker as separate services)."""
    env = _env(owner_url, telegram_url, buffer_seconds)
    with x8_processes(env, api_processes=API_PROCESSES, worker=True, worker_processes=WORKER_PROCESSES) as served:
        yield served


def _business(base: str, email: str) -> str:
    """Sign up, create a company with a catalogue, connect Telegram: the channel id."""
    with httpx.Client(base_url=base, timeout=30) as api:
        auth = sign_up(api, email)
        company = api.post(
            "/api/v1/companies/", headers=auth, json={"name": "Bench Shop", "company_type": "Product"}
        ).json()
        api.post(
            "/api/v1/knowledge-base/upload-csv",
            headers=auth,
            data={"company_id": company["id"]},
            files={"file": ("catalogue.csv", _catalogue().encode(), "text/csv")},
        ).raise_for_status()
        return _connect_telegram(api, auth, company["id"])


def _connect_telegram(api: httpx.Client, auth: dict[str, str], company_id: str) -> str:
    channel = api.post(
        "/api/v1/integrations/telegram/connect", headers=auth, json={"company_id": company_id, "bot_token": TOKEN}
    )
    channel.raise_for_status()
    return str(channel.json()["channel_id"])


def _update(update_id: int, chat: int, text: str) -> dict[str, Any]:
    sender = {"id": chat, "is_bot": False, "first_name": "Bench"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": sender,
            "chat": {"id": chat, "type": "private"},
            "date": 0,
            "text": text,
        },
    }


def _p(values: list[float], q: int) -> float:
    """The ``q``th percentile in milliseconds, by nearest rank (``inf`` when that many went unanswered)."""
    ranked = sorted(values)
    return ranked[max(0, math.ceil(q / 100 * len(ranked)) - 1)] * 1000


def run(owner_url: str, big_shop: BigShop | None = None) -> list[str]:
    fake = FakeTelegram()
    fake.add_bot(TOKEN)
    with serve_in_thread(telegram_app(fake)) as telegram_url:
        lines = [_acks(owner_url, telegram_url, fake)]
        forget_queued_jobs(owner_url)  # the acknowledged updates queued thousands: they were for that line only
        no_window = _end_to_end(owner_url, telegram_url, fake, buffer_seconds=0.0)
        forget_queued_jobs(owner_url)
        windowed = _end_to_end(owner_url, telegram_url, fake, buffer_seconds=BUFFER_SECONDS)
        big = None
        if big_shop is not None:
            forget_queued_jobs(owner_url)
            questions = distinct_queries(RATE * (WARMUP_SECONDS + SECONDS), seed=1619)
            big = _end_to_end(
                owner_url, telegram_url, fake, buffer_seconds=BUFFER_SECONDS, shop=big_shop, questions=questions
            )
    ok = _p(windowed.steady, 95) < 500
    lines.append(
        f"inbound -> reply sent at {RATE} msg/s for {SECONDS} s, half new customers, {BUFFER_SECONDS:g} s window:"
        f"  beyond the window p50 {_p(windowed.steady, 50):4.0f} ms  p95 {_p(windowed.steady, 95):4.0f} ms"
        f"  (no window, same run: p50 {_p(no_window.steady, 50):4.0f} ms  p95 {_p(no_window.steady, 95):4.0f} ms;"
        f" first {WARMUP_SECONDS} s of new customers on a cold worker: p95 {_p(windowed.cold, 95):4.0f} ms)"
        f"  (target p95 < 500 ms beyond the window){'  OK' if ok else '  MISSED'};  CPU per message:"
        f" {_cpu(windowed)}  (no window: {_cpu(no_window)})"
    )
    if big is not None and big_shop is not None:
        lines.append(
            f"inbound -> reply sent, the same load answered by the {big_shop.rows // 1000}k-row company among"
            f" {big_shop.among}, distinct customer-like questions, {BUFFER_SECONDS:g} s window:  beyond the window"
            f" p50 {_p(big.steady, 50):4.0f} ms  p95 {_p(big.steady, 95):4.0f} ms  (the {CATALOGUE_ROWS:,}-row company,"
            f" same run: p50 {_p(windowed.steady, 50):4.0f} ms  p95 {_p(windowed.steady, 95):4.0f} ms)"
            f"{'  OK' if _p(big.steady, 95) < 500 else '  MISSED'};  CPU per message: {_cpu(big)}"
        )
    return lines


def forget_queued_jobs(owner_url: str) -> None:
    """Drop the jobs a finished run left queued: an overloaded run leaves turns behind, and the next run's worker
    would send their replies, through the same bot, to chat ids that run is waiting on."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("DELETE FROM procrastinate_jobs WHERE status = 'todo'")


def _cpu(run: Latencies) -> str:
    return (
        f"worker {run.worker_cpu * 1000:4.1f} ms, API {run.api_cpu * 1000:3.1f} ms, PostgreSQL"
        f" {run.database_cpu * 1000:4.1f} ms in {run.transactions:4.1f} transactions"
        f"{f' ({run.connections:.2f} connections opened)' if run.connections >= 0.005 else ''}"
    )


def _acks(owner_url: str, telegram_url: str, fake: FakeTelegram) -> str:
    with _server(owner_url, telegram_url) as served:
        base = served.base
        channel_id = _business(base, "bench-ack@example.com")
        secret = str(fake.bots[TOKEN].webhook["secret_token"])
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        path = f"/api/v1/webhooks/telegram/{channel_id}"
        host = base.split("//", 1)[1]
        warm = [loadgen.build("POST", path, _update(i, 9000 + i % 50, "hello"), headers, host) for i in range(200)]
        asyncio.run(loadgen.hammer(base, warm, CONCURRENCY))
        updates = [
            loadgen.build("POST", path, _update(10_000 + i, 9000 + i % 500, f"question {i}"), headers, host)
            for i in range(ACK_REQUESTS)
        ]
        cpu = served.api_cpu()
        rate, _, errors = asyncio.run(loadgen.hammer(base, updates, CONCURRENCY))
        ack_cpu = (served.api_cpu() - cpu) / len(updates)
        paced = [
            (loadgen.build("POST", path, _update(20_000 + i, 9000 + i % 500, f"again {i}"), headers, host), i)
            for i in range(ACK_RATE * ACK_SECONDS)
        ]
        latencies, paced_errors = asyncio.run(loadgen.paced(base, paced, ACK_RATE, 2 * CONCURRENCY))
        health = [loadgen.build("GET", "/api/v1/health", None, {}, host) for _ in range(ACK_REQUESTS)]
        cpu = served.api_cpu()
        base_rate, _, _ = asyncio.run(loadgen.hammer(base, health, CONCURRENCY))
        health_cpu = (served.api_cpu() - cpu) / len(health)
        if errors or paced_errors:
            raise RuntimeError(f"{errors + paced_errors} webhook requests were refused")
    ok = rate >= ACK_RATE and _p(latencies, 99) < 50
    return (
        f"webhook ack (verify + durable enqueue), worker running  max {rate:5.0f}/s (GET /health on the same server"
        f" {base_rate:5.0f}/s, ratio {rate / base_rate:4.2f});  at {ACK_RATE}/s for {ACK_SECONDS} s:"
        f" p50 {_p(latencies, 50):5.1f} ms  p99 {_p(latencies, 99):5.1f} ms"
        f"  (target >= 1000/s, p99 < 50 ms){'  OK' if ok else '  MISSED'};  API CPU per ack {ack_cpu * 1000:4.2f} ms"
        f" (per GET /health {health_cpu * 1000:4.2f} ms, ratio {ack_cpu / health_cpu:4.2f})"
    )


def _phase(
    base: str,
    path: str,
    headers: dict[str, str],
    fake: FakeTelegram,
    *,
    chats: list[int],
    first: int,
    questions: Sequence[str] = WORDS,
) -> list[float]:
    """Post RATE updates a second, one from each of ``chats``; the latencies until each reply is sent (infinite for a
    message still unanswered 30 s after the last was posted)."""
    posted: dict[int, float] = {}
    answered: list[float] = []
    seen = len(fake.sent)

    def collect() -> None:
        nonlocal seen
        fresh = fake.sent[seen:]
        seen += len(fresh)
        now = time.perf_counter()
        for message in fresh:
            due = posted.pop(int(message["chat_id"]), None)
            if due is not None:
                answered.append(now - due)

    def sent(chat: int, due: float) -> None:
        posted[chat] = due

    async def drive() -> None:
        host = base.split("//", 1)[1]
        requests = []
        for i, chat in enumerate(chats):
            body = _update(first + i, chat, f"How much is the {questions[i % len(questions)]}?")
            requests.append((loadgen.build("POST", path, body, headers, host), chat))
        sending = asyncio.create_task(loadgen.paced(base, requests, RATE, CONCURRENCY, sent))
        deadline = time.perf_counter() + len(chats) / RATE + 30
        while time.perf_counter() < deadline:
            collect()
            if sending.done() and not posted:
                break
            await asyncio.sleep(0.005)  # the latency's resolution
        if (await sending)[1]:
            raise RuntimeError("some webhook requests were refused")

    asyncio.run(drive())
    # An overloaded run still reports: a message with no reply after the drain counts as never answered.
    return answered + [math.inf] * len(posted)


@dataclass(frozen=True)
class Latencies:
    cold: list[float]  # new customers on a cold worker
    steady: list[float]  # half new customers, half answered before
    worker_cpu: float  # the worker's CPU seconds per message of the steady phase
    api_cpu: float
    transactions: float  # database transactions per message (an autocommit statement is one)
    database_cpu: float
    connections: float = 0.0  # database connections opened per message (a pool overflowing opens and closes them)


def _end_to_end(
    owner_url: str,
    telegram_url: str,
    fake: FakeTelegram,
    *,
    buffer_seconds: float,
    shop: BigShop | None = None,
    questions: Sequence[str] = WORDS,
) -> Latencies:
    """Latencies beyond the window: RATE new customers a second on a cold worker, then RATE a second of which every
    other one is a customer from the first phase writing again. The company answering is a new one with the
    2,000-row catalogue, or ``shop``."""
    with _server(owner_url, telegram_url, buffer_seconds=buffer_seconds) as served:
        base = served.base
        if shop is None:
            channel_id = _business(base, f"bench-e2e-{buffer_seconds:g}@example.com")
        else:
            with httpx.Client(base_url=base, timeout=30) as api:
                channel_id = _connect_telegram(api, log_in(api, shop.owner), str(shop.company_id))
        secret = str(fake.bots[TOKEN].webhook["secret_token"])
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        path = f"/api/v1/webhooks/telegram/{channel_id}"
        new = iter(range(NEW_CHAT, NEW_CHAT + RATE * (WARMUP_SECONDS + SECONDS)))
        first = [next(new) for _ in range(RATE * WARMUP_SECONDS)]
        returning = iter(first)
        mixed = [next(returning, None) if i % 2 else None for i in range(RATE * SECONDS)]
        steady = [chat if chat is not None else next(new) for chat in mixed]
        cold = _phase(base, path, headers, fake, chats=first, first=100_000, questions=questions)
        postgres = _postmaster(owner_url)
        worker_cpu, api_cpu, (transactions, sessions) = served.worker_cpu(), served.api_cpu(), _counts(owner_url)
        database_cpu = cpu_seconds(postgres)
        answered = _phase(base, path, headers, fake, chats=steady, first=200_000, questions=questions)
        worker_cpu, api_cpu = served.worker_cpu() - worker_cpu, served.api_cpu() - api_cpu
        database_cpu = cpu_seconds(postgres) - database_cpu
        time.sleep(STATS_FLUSH_SECONDS)
        after = _counts(owner_url)
        transactions, sessions = after[0] - transactions, after[1] - sessions
    return Latencies(
        cold=[t - buffer_seconds for t in cold],
        steady=[t - buffer_seconds for t in answered],
        worker_cpu=worker_cpu / len(steady),
        api_cpu=api_cpu / len(steady),
        transactions=transactions / len(steady),
        database_cpu=database_cpu / len(steady),
        connections=sessions / len(steady),
    )


def _postmaster(owner_url: str) -> int:
    """The PostgreSQL server's process (on this machine: the embedded one), parent of every backend."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert row is not None
        # Read while the connection is open: its backend exits with it, and /proc forgets it.
        return int(Path(f"/proc/{row[0]}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _counts(owner_url: str) -> tuple[int, int]:
    """Transactions run and connections opened in the database so far."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback, sessions FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])
