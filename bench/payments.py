"""Stripe webhook benchmark (SPEC.md §16: ≥ 500 events a second, p99 < 50 ms), against a real `x8 serve`.

Signed ``checkout.session.completed`` events of chat orders, each with a new id, to the platform webhook
(``POST /api/v1/subscriptions/webhook/stripe``) of a server without a worker: what is measured is the
acknowledgement (the signature checked by ``stripe.Webhook.construct_event``, the event stored once by its id with
its job in one statement). The most it acknowledges a second over 32 keep-alive connections, beside
``GET /api/v1/health`` on the same server as the baseline, and the latency at 500 events a second (open loop,
counted from when each was due). Events are signed just before they are sent: Stripe's tolerance is 5 minutes.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from typing import Any

import psycopg

from bench import loadgen
from bench.server import x8_server
from tests.fakes.stripe import signed

SECRET = "whsec_bench_platform_webhook"
PATH = "/api/v1/subscriptions/webhook/stripe"
API_PROCESSES = 2
CONCURRENCY = 32
EVENTS = 4000
RATE = 500
SECONDS = 10


def _env(owner_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": owner_url,
        "X8_ENV": "dev",
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "X8_DATA_DIR": tempfile.mkdtemp(prefix="x8b-pay-"),
        "X8_BCRYPT_ROUNDS": "4",
    }


def _event(n: int) -> dict[str, Any]:
    """A chat order's paid Checkout Session, as Stripe's webhook carries it (about 1.5 KB)."""
    session_id = f"cs_test_bench{n:08d}{'x' * 40}"
    return {
        "id": f"evt_bench_{uuid.uuid4().hex}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "type": "checkout.session.completed",
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "mode": "payment",
                "status": "complete",
                "payment_status": "paid",
                "amount_subtotal": 4980,
                "amount_total": 4980,
                "currency": "usd",
                "customer_details": {"email": f"customer{n}@example.com", "name": "Bench Customer"},
                "metadata": {
                    "x8_kind": "order",
                    "x8_order_id": str(uuid.uuid4()),
                    "x8_company_id": str(uuid.uuid4()),
                },
                "payment_intent": f"pi_bench{n:010d}",
                "success_url": "https://x8.bench.example/pay/finished/x",
                "cancel_url": "https://x8.bench.example/pay/finished/x?cancelled=1",
                "url": None,
                "created": int(time.time()),
                "expires_at": int(time.time()) + 86400,
            }
        },
    }


def _requests(host: str, first: int, count: int) -> list[bytes]:
    built = []
    for n in range(first, first + count):
        body, headers = signed(_event(n), SECRET)
        built.append(loadgen.build("POST", PATH, body, {"Stripe-Signature": headers["stripe-signature"]}, host))
    return built


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def run(owner_url: str) -> list[str]:
    env = _env(owner_url)
    with x8_server(env, api_processes=API_PROCESSES) as base:
        host = base.split("//", 1)[1]
        asyncio.run(loadgen.hammer(base, _requests(host, 0, 200), CONCURRENCY))  # warm the connections
        rate, _, errors = asyncio.run(loadgen.hammer(base, _requests(host, 1_000, EVENTS), CONCURRENCY))
        paced = [(request, None) for request in _requests(host, 100_000, RATE * SECONDS)]
        latencies, paced_errors = asyncio.run(loadgen.paced(base, paced, RATE, 2 * CONCURRENCY))
        health = [loadgen.build("GET", "/api/v1/health", None, {}, host) for _ in range(EVENTS)]
        base_rate, _, _ = asyncio.run(loadgen.hammer(base, health, CONCURRENCY))
        if errors or paced_errors:
            raise RuntimeError(f"{errors + paced_errors} Stripe webhook requests were refused")
    with psycopg.connect(owner_url, autocommit=True) as conn:
        stored = conn.execute("SELECT count(*) FROM webhook_events WHERE source = 'stripe'").fetchone()
        conn.execute("DELETE FROM procrastinate_jobs WHERE status = 'todo'")  # for the measurement only
        conn.execute("DELETE FROM webhook_events WHERE source = 'stripe'")
    expected = 200 + EVENTS + RATE * SECONDS
    if stored is None or stored[0] != expected:
        raise RuntimeError(f"{expected} events were acknowledged but {stored} are stored")
    ok = rate >= RATE and _p(latencies, 99) < 50
    return [
        f"stripe webhooks (verify + store once + enqueue)  max {rate:5.0f}/s (GET /health on the same server"
        f" {base_rate:5.0f}/s, ratio {rate / base_rate:4.2f});  at {RATE}/s for {SECONDS} s:"
        f" p50 {_p(latencies, 50):5.1f} ms  p99 {_p(latencies, 99):5.1f} ms"
        f"  (target >= {RATE}/s, p99 < 50 ms){'  OK' if ok else '  MISSED'}"
    ]
