"""Metrics overview benchmark (SPEC.md §16: p95 < 100 ms over 1M messages), against a real `x8 serve` (two API
processes, no worker):

One tenant gets ``MESSAGES`` messages in ``CONVERSATIONS`` conversations over ``DAYS`` days, with orders and
bookings, generated in the database (``generate_series``), then ``x8 metrics rebuild`` folds them (timed). A fresh
tail of ``TAIL`` messages is added after the fold, so every overview also counts raw rows after the watermark, as
in production between folds. Reported beside it, in the same run: a direct aggregate over the raw messages of the
same range (messages in and out per day, the cheapest of the overview's figures), as the baseline ratio.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import psycopg

from bench import loadgen
from bench.accounts import sign_up
from bench.server import x8_server
from x8.platform.metrics.service import TENANT_READS_AT_ONCE
from x8.tenancy.names import TenantNames

API_PROCESSES = 2
MESSAGES = 1_000_000
CONVERSATIONS = 25_000
DAYS = 180
TAIL = 1_000
REQUESTS = 200
BASELINE_REQUESTS = 20
# One business's overview across all its companies (each company's schema read in turn, a few at once).
COMPANIES = 20  # X8_MAX_COMPANIES' default
COMPANY_MESSAGES = 20_000
COMPANY_CONVERSATIONS = 1_000
MANY_REQUESTS = 50


def _env(owner_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": owner_url,
        "X8_ENV": "dev",
        "X8_DATA_DIR": tempfile.mkdtemp(prefix="x8b-metrics-"),
        "X8_BCRYPT_ROUNDS": "4",
        "X8_RATE_LIMIT_COMPANIES_PER_BUSINESS": str(COMPANIES),  # one business makes its companies at once
    }


def _business(base: str, email: str, companies: int = 1) -> tuple[dict[str, str], list[str]]:
    with httpx.Client(base_url=base, timeout=30) as api:
        auth = sign_up(api, email)
        made = []
        for n in range(companies):
            created = api.post(
                "/api/v1/companies/", headers=auth, json={"name": f"Bench Shop {n}", "company_type": "Product"}
            )
            if created.status_code != 201:
                raise RuntimeError(f"company {n} was refused: {created.status_code} {created.text}")
            made.append(str(created.json()["id"]))
        return auth, made


def _seed(owner_url: str, company_id: str, now: datetime, messages: int, conversations: int) -> None:
    """Contacts, conversations and messages spread over ``DAYS`` days before ``now`` - 1 h (alternating in and out,
    a few failed, every type), an order for one conversation in 10 (half paid) and a booking for half the paid."""
    s = TenantNames(uuid.UUID(company_id)).schema
    per = max(1, messages // conversations)
    start = now - timedelta(days=DAYS)
    span = (DAYS * 86400) - 3600
    params = {"t": company_id, "start": start, "span": span, "n": conversations, "per": per}
    with psycopg.connect(owner_url, autocommit=False) as conn:
        conn.execute(
            f"INSERT INTO {s}.contacts (id, tenant_id, channel, external_id, lead_source, created_at) "
            "SELECT md5('c' || i)::uuid, %(t)s, (ARRAY['whatsapp','telegram','web'])[1 + i %% 3], 'x' || i, "
            "CASE WHEN i %% 4 = 0 THEN 'tiktok' END, "
            "%(start)s + make_interval(secs => (i::float8 / %(n)s) * %(span)s) "
            "FROM generate_series(1, %(n)s) i",
            params,
        )
        conn.execute(
            f"INSERT INTO {s}.conversations (id, tenant_id, contact_id, channel, created_at) "
            "SELECT md5('v' || i)::uuid, %(t)s, md5('c' || i)::uuid, (ARRAY['whatsapp','telegram','web'])[1 + i %% 3], "
            "%(start)s + make_interval(secs => (i::float8 / %(n)s) * %(span)s) "
            "FROM generate_series(1, %(n)s) i",
            params,
        )
        conn.execute(
            f"INSERT INTO {s}.messages (tenant_id, conversation_id, direction, sender, status, body, created_at, "
            "processed_at, message_type) "
            "SELECT %(t)s, md5('v' || i)::uuid, CASE WHEN j %% 2 = 0 THEN 'in' ELSE 'out' END, "
            "CASE WHEN j %% 2 = 0 THEN 'customer' WHEN j %% 17 = 0 THEN 'human' ELSE 'bot' END, "
            "CASE WHEN j %% 2 = 0 THEN 'received' WHEN j %% 29 = 0 THEN 'failed' ELSE 'sent' END, 'hello', "
            "%(start)s + make_interval(secs => (i::float8 / %(n)s) * %(span)s + j * 7.3), "
            "%(start)s + make_interval(secs => (i::float8 / %(n)s) * %(span)s + j * 7.3), "
            "(ARRAY['TYPE1','TYPE1','TYPE2','TYPE3'])[1 + (i + j) %% 4] "
            "FROM generate_series(1, %(n)s) i, generate_series(0, %(per)s - 1) j",
            params,
        )
        conn.execute(
            f"INSERT INTO {s}.orders (id, tenant_id, conversation_id, channel, lead_source, amount, currency, status, "
            "provider, checkout_url, paid_at, created_at) "
            "SELECT md5('o' || i)::uuid, %(t)s, md5('v' || i)::uuid, (ARRAY['whatsapp','telegram','web'])[1 + i %% 3], "
            "CASE WHEN i %% 4 = 0 THEN 'tiktok' END, 1000 + i %% 5000, 'USD', "
            "CASE WHEN i %% 20 = 0 THEN 'paid' ELSE 'pending' END, 'sandbox', 'https://pay.example/x', "
            "CASE WHEN i %% 20 = 0 THEN %(start)s + make_interval(secs => (i::float8 / %(n)s) * %(span)s + 900) END, "
            "%(start)s + make_interval(secs => (i::float8 / %(n)s) * %(span)s + 60) "
            "FROM generate_series(10, %(n)s, 10) i",
            params,
        )
        conn.execute(
            f'INSERT INTO {s}.bookings (tenant_id, kind, start, "end", status, order_id, conversation_id, created_at) '
            "SELECT %(t)s, 'appointment', paid_at + interval '1 day', paid_at + interval '25 hours', 'confirmed', id, "
            f"conversation_id, paid_at + interval '5 minutes' FROM {s}.orders WHERE status = 'paid' AND "
            "(hashtext(id::text) %% 2) = 0",
            params,
        )
        conn.commit()
        conn.execute(f"ANALYZE {s}.messages, {s}.conversations, {s}.contacts, {s}.orders, {s}.bookings")


def _tail(owner_url: str, company_id: str, now: datetime) -> None:
    """Fresh messages after the fold's watermark: counted raw by every overview."""
    s = TenantNames(uuid.UUID(company_id)).schema
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute(
            f"INSERT INTO {s}.messages (tenant_id, conversation_id, direction, sender, status, created_at, "
            "processed_at, message_type) "
            "SELECT %(t)s, md5('v' || (1 + i %% 50))::uuid, 'in', 'customer', 'received', "
            "%(now)s - make_interval(secs => i * 0.05), %(now)s, 'TYPE1' FROM generate_series(1, %(tail)s) i",
            {"t": company_id, "now": now, "tail": TAIL},
        )


# The baseline: the same range's messages in and out per local day, straight from the raw rows.
_DIRECT = (
    "SELECT (created_at AT TIME ZONE 'UTC')::date, direction, count(*) FROM {s}.messages "
    "WHERE created_at >= %s AND created_at < %s AND (direction = 'in' OR status <> 'failed') GROUP BY 1, 2"
)


def _direct(owner_url: str, company_id: str, since: datetime, until: datetime) -> tuple[list[float], int]:
    s = TenantNames(uuid.UUID(company_id)).schema
    latencies = []
    total = 0
    with psycopg.connect(owner_url, autocommit=True) as conn:
        for _ in range(BASELINE_REQUESTS):
            started = time.perf_counter()
            rows = conn.execute(_DIRECT.format(s=s), (since, until)).fetchall()
            latencies.append(time.perf_counter() - started)
            total = sum(int(r[2]) for r in rows)
    return latencies, total


def _p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else values[0] * 1000


def _overviews(base: str, path: str, auth: dict[str, str], requests: int) -> list[float]:
    host = base.split("//", 1)[1]
    reads = [loadgen.build("GET", path, None, auth, host) for _ in range(requests)]
    asyncio.run(loadgen.hammer(base, reads[:10], 1))  # warm up
    _, latencies, errors = asyncio.run(loadgen.hammer(base, reads, 1))
    if errors:
        raise RuntimeError(f"{errors} overviews were refused")
    return latencies


def _many_companies(base: str, env: dict[str, str], owner_url: str) -> str:
    """A business with ``COMPANIES`` companies: its overview of all of them beside one company's, same run. Run
    before the big tenant is seeded, so the fold here is only theirs."""
    auth, companies = _business(base, "bench-metrics-many@example.com", COMPANIES)
    now = datetime.now(UTC)
    for company_id in companies:
        _seed(owner_url, company_id, now, COMPANY_MESSAGES, COMPANY_CONVERSATIONS)
    subprocess.run(
        [sys.executable, "-m", "x8.cli", "metrics", "rebuild"], env=env, check=True, capture_output=True, timeout=3600
    )
    first = (now - timedelta(days=DAYS - 1)).date()
    query = f"from={first}&to={now.date()}&granularity=week"
    every = _overviews(base, f"/api/v1/metrics/overview?{query}", auth, MANY_REQUESTS)
    one = _overviews(base, f"/api/v1/metrics/overview?company_id={companies[0]}&{query}", auth, MANY_REQUESTS)
    p95, o95 = _p(every, 95), _p(one, 95)
    return (
        f"metrics overview of all {COMPANIES} companies of a business ({COMPANY_MESSAGES:,} messages each)"
        f"  p50 {_p(every, 50):5.1f} ms  p95 {p95:5.1f} ms (one of them alone: p95 {o95:5.1f} ms;"
        f" ratio {p95 / o95:.1f}x for {COMPANIES}x the companies, {TENANT_READS_AT_ONCE} read at once)"
    )


def _benchmark(base: str, env: dict[str, str], owner_url: str) -> list[str]:
    many = _many_companies(base, env, owner_url)
    auth, [company_id] = _business(base, "bench-metrics@example.com")
    now = datetime.now(UTC)
    seeded = time.perf_counter()
    _seed(owner_url, company_id, now, MESSAGES, CONVERSATIONS)
    seed_seconds = time.perf_counter() - seeded
    folding = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "x8.cli", "metrics", "rebuild", "--company", company_id],
        env=env,
        check=True,
        capture_output=True,
        timeout=3600,
    )
    fold_seconds = time.perf_counter() - folding
    _tail(owner_url, company_id, datetime.now(UTC))

    first = (now - timedelta(days=DAYS - 1)).date()
    path = f"/api/v1/metrics/overview?company_id={company_id}&from={first}&to={now.date()}&granularity=week"
    with httpx.Client(base_url=base, timeout=60) as api:
        totals = api.get(path, headers=auth).json()["totals"]
    latencies = _overviews(base, path, auth, REQUESTS)
    since = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    direct, counted = _direct(owner_url, company_id, since, now + timedelta(days=1))
    if counted != totals["messages_in"] + totals["messages_out"]:
        raise RuntimeError(f"the overview counted {totals['messages_in'] + totals['messages_out']}, raw {counted}")
    p95, d95 = _p(latencies, 95), _p(direct, 95)
    return [
        f"metrics: {CONVERSATIONS * max(1, MESSAGES // CONVERSATIONS):,} messages in {CONVERSATIONS:,} conversations"
        f" over {DAYS} days seeded in "
        f"{seed_seconds:.0f} s; `x8 metrics rebuild` folded them in {fold_seconds:.1f} s",
        f"metrics overview, {DAYS} days by week ({counted:,} messages), {TAIL} raw after the watermark"
        f"  p50 {_p(latencies, 50):5.1f} ms"
        f"  p95 {p95:5.1f} ms (direct aggregate of messages in/out per day, same range: p95 {d95:6.1f} ms;"
        f" ratio {p95 / d95:.2f}x)  (target p95 < 100 ms){'  OK' if p95 < 100 else '  MISSED'}",
        many,
    ]


def run(owner_url: str) -> list[str]:
    env = _env(owner_url)
    with x8_server(env, api_processes=API_PROCESSES) as base:
        return _benchmark(base, env, owner_url)
