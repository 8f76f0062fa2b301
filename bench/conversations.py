"""Conversation benchmarks (SPEC.md §16), against a real `x8 serve` and a fake Telegram Bot API on loopback.

- Webhook acknowledgements: signed Telegram updates to a server without a worker (verify + durable enqueue).
  The most it acknowledges a second (as fast as 32 connections allow, beside GET /api/v1/health on the same
  server as the baseline), and its latency at 1,000 updates a second (open loop, counted from when each was due).
- Inbound → reply sent: 100 messages a second for 10 seconds from 100 chats (after 3 seconds that start those
  chats on a cold worker, reported apart), with the retrieval responder, the
  API (`x8 serve --no-worker`) and one `x8 worker` process; latency from posting an update until the fake
  Telegram has received the reply for that chat (checked every 5 ms). An open-loop load from `bench/loadgen.py`.
  The buffer window is set to 0: the target excludes it.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import psycopg

from bench import loadgen
from bench.server import x8_server
from tests.fakes.server import serve_in_thread
from tests.fakes.telegram import FakeTelegram, telegram_app

TOKEN = "424242424:AAbenchBENCHbenchBENCHbenchBENCH01"
CATALOGUE = "SKU,Name,Description,Price,Currency\n" + "".join(
    f"SKU-{i},Item {i} {w},A fine {w} for everyday use,{i}.50,EUR\n"
    for i, w in enumerate(
        ["apple", "bread", "honey", "coffee", "tea", "cheese", "olive oil", "pasta", "rice", "juice"] * 20
    )
)
ACK_REQUESTS = 4000
ACK_RATE = 1000
ACK_SECONDS = 10
API_PROCESSES = 2
CONCURRENCY = 32
RATE = 100
SECONDS = 10
WARMUP_SECONDS = 3
CHATS = 100


def _env(owner_url: str, telegram_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": owner_url,
        "X8_ENV": "dev",
        "PUBLIC_BASE_URL": "https://x8.bench.example",  # Telegram only takes HTTPS webhooks; the fake never calls it
        "TELEGRAM_API_URL": telegram_url,
        "X8_BUFFER_SECONDS": "0",
        "X8_DATA_DIR": tempfile.mkdtemp(prefix="x8b-conv-"),
        "X8_BCRYPT_ROUNDS": "4",
    }


@contextmanager
def _server(owner_url: str, telegram_url: str, *, worker: bool) -> Iterator[str]:
    """`x8 serve --no-worker`, plus (for the end-to-end run) one `x8 worker` process beside it: the production
    shape (compose runs the API and the worker as separate services), each on its own core."""
    with x8_server(_env(owner_url, telegram_url), api_processes=API_PROCESSES, worker=worker) as base:
        yield base


def _business(base: str, email: str) -> str:
    """Sign up, create a company with a catalogue, connect Telegram: the channel id and its webhook secret."""
    with httpx.Client(base_url=base, timeout=30) as api:
        api.post("/api/v1/auth/send-verification-code", json={"email": email}).raise_for_status()
        for _ in range(100):
            items = api.get("/dev/mailbox", params={"to": email, "format": "json"}).json()["items"]
            if items:
                break
            time.sleep(0.1)
        code = re.search(r"\b(\d{6})\b", items[0]["body"])
        assert code
        api.post("/api/v1/auth/verify-code", json={"email": email, "code": code.group(1)}).raise_for_status()
        tokens = api.post(
            "/api/v1/auth/complete-registration", json={"email": email, "password": "BenchPass123", "full_name": "B"}
        ).json()
        auth = {"Authorization": f"Bearer {tokens['access_token']}"}
        company = api.post(
            "/api/v1/companies/", headers=auth, json={"name": "Bench Shop", "company_type": "Product"}
        ).json()
        api.post(
            "/api/v1/knowledge-base/upload-csv",
            headers=auth,
            data={"company_id": company["id"]},
            files={"file": ("catalogue.csv", CATALOGUE.encode(), "text/csv")},
        ).raise_for_status()
        channel = api.post(
            "/api/v1/integrations/telegram/connect",
            headers=auth,
            json={"company_id": company["id"], "bot_token": TOKEN},
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
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def run(owner_url: str) -> list[str]:
    fake = FakeTelegram()
    fake.add_bot(TOKEN)
    lines: list[str] = []
    with serve_in_thread(telegram_app(fake)) as telegram_url:
        with _server(owner_url, telegram_url, worker=False) as base:
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
            rate, _, errors = asyncio.run(loadgen.hammer(base, updates, CONCURRENCY))
            paced = [
                (loadgen.build("POST", path, _update(20_000 + i, 9000 + i % 500, f"again {i}"), headers, host), i)
                for i in range(ACK_RATE * ACK_SECONDS)
            ]
            latencies, paced_errors = asyncio.run(loadgen.paced(base, paced, ACK_RATE, 2 * CONCURRENCY))
            health = [loadgen.build("GET", "/api/v1/health", None, {}, host) for _ in range(ACK_REQUESTS)]
            base_rate, _, _ = asyncio.run(loadgen.hammer(base, health, CONCURRENCY))
            if errors or paced_errors:
                raise RuntimeError(f"{errors + paced_errors} webhook requests were refused")
        ok = rate >= ACK_RATE and _p(latencies, 99) < 50
        lines.append(
            f"webhook ack (verify + durable enqueue)  max {rate:5.0f}/s (GET /health on the same server"
            f" {base_rate:5.0f}/s, ratio {rate / base_rate:4.2f});  at {ACK_RATE}/s for {ACK_SECONDS} s:"
            f" p50 {_p(latencies, 50):5.1f} ms  p99 {_p(latencies, 99):5.1f} ms"
            f"  (target >= 1000/s, p99 < 50 ms){'  OK' if ok else '  MISSED'}"
        )
        # The acknowledged updates queued thousands of turns; they were for the first measurement only.
        with psycopg.connect(owner_url, autocommit=True) as conn:
            conn.execute("DELETE FROM procrastinate_jobs WHERE status = 'todo'")
        lines.append(_end_to_end(owner_url, telegram_url, fake))
    return lines


def _phase(
    base: str, path: str, headers: dict[str, str], fake: FakeTelegram, *, seconds: int, first: int
) -> list[float]:
    """Post RATE updates a second for ``seconds`` from CHATS chats; the latencies until each reply is sent."""
    posted: dict[int, list[float]] = {}
    answered: list[float] = []
    seen = len(fake.sent)

    def collect() -> None:
        nonlocal seen
        fresh = fake.sent[seen:]
        seen += len(fresh)
        now = time.perf_counter()
        for message in fresh:
            waiting = posted.get(int(message["chat_id"]))
            if waiting:
                answered.append(now - waiting.pop(0))

    def sent(chat: int, due: float) -> None:
        posted.setdefault(chat, []).append(due)

    async def drive() -> None:
        host = base.split("//", 1)[1]
        requests = []
        for i in range(RATE * seconds):
            chat = 50_000 + i % CHATS
            words = ["apple", "bread", "honey", "coffee", "tea"][i % 5]
            body = _update(first + i, chat, f"How much is the {words}?")
            requests.append((loadgen.build("POST", path, body, headers, host), chat))
        sending = asyncio.create_task(loadgen.paced(base, requests, RATE, CONCURRENCY, sent))
        deadline = time.perf_counter() + seconds + 30
        while time.perf_counter() < deadline:
            collect()
            if sending.done() and not any(posted.values()):
                break
            await asyncio.sleep(0.005)  # the latency's resolution
        if (await sending)[1]:
            raise RuntimeError("some webhook requests were refused")

    asyncio.run(drive())
    missing = sum(len(v) for v in posted.values())
    if missing:
        raise RuntimeError(f"{missing} messages got no reply within 30 s")
    return answered


def _end_to_end(owner_url: str, telegram_url: str, fake: FakeTelegram) -> str:
    with _server(owner_url, telegram_url, worker=True) as base:
        channel_id = _business(base, "bench-e2e@example.com")
        secret = str(fake.bots[TOKEN].webhook["secret_token"])
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        path = f"/api/v1/webhooks/telegram/{channel_id}"
        # The first seconds start 100 conversations at once on a cold worker (connections, prepared statements):
        # reported, but the target is the steady state that follows.
        cold = _phase(base, path, headers, fake, seconds=WARMUP_SECONDS, first=100_000)
        answered = _phase(base, path, headers, fake, seconds=SECONDS, first=200_000)
    ok = _p(answered, 95) < 500
    return (
        f"inbound -> reply sent at {RATE} msg/s for {SECONDS} s  p50 {_p(answered, 50):5.0f} ms"
        f"  p95 {_p(answered, 95):5.0f} ms  (first {WARMUP_SECONDS} s, 100 new chats on a cold worker:"
        f" p95 {_p(cold, 95):5.0f} ms)  (target p95 < 500 ms, retrieval responder, buffer excluded)"
        f"{'  OK' if ok else '  MISSED'}"
    )
