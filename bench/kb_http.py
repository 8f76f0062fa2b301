"""KB search over HTTP, as n8n (or any machine client) asks it: ``GET /api/v1/n8n/kb/search`` with the company's
tenant key, against a real `x8 serve` (two API processes, as the conversation benchmark runs it), one question at
a time. Each search is followed on the same connection by ``GET /api/v1/health``, the same-run baseline: one
database round trip through the same server, so the two see the same moment's load."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import psycopg

from bench import loadgen
from bench.accounts import sign_up
from bench.catalogue import WORDS
from bench.server import x8_env, x8_processes

API_PROCESSES = 2
WARM_UP = 20


@dataclass(frozen=True)
class OverHttp:
    search: list[float]  # seconds, one per question
    health: list[float]


def adopt(owner_url: str, api: httpx.Client, company_id: uuid.UUID, email: str) -> dict[str, str]:
    """Sign ``email`` up and hand it the benchmark's company (made in-process, with no owner who can log in): the
    bearer header of its owner from now on."""
    auth = sign_up(api, email)
    with psycopg.connect(owner_url, autocommit=True) as conn:
        changed = conn.execute(
            "UPDATE companies SET owner_id = (SELECT id FROM users WHERE email = %s) WHERE id = %s", (email, company_id)
        ).rowcount
    assert changed == 1, f"company {company_id} not found"
    return auth


def _tenant_key(api: httpx.Client, auth: dict[str, str], company_id: uuid.UUID) -> str:
    issued = api.post(f"/api/v1/companies/{company_id}/n8n-key", headers=auth)
    issued.raise_for_status()
    return str(issued.json()["key"])


def search_over_http(
    owner_url: str, company_id: uuid.UUID, email: str, questions: list[str], warm_up: list[str]
) -> OverHttp:
    """Each of ``questions`` asked once over HTTP, each beside a health check; the company's owner is ``email``."""
    with x8_processes(x8_env(owner_url), api_processes=API_PROCESSES) as served:
        with httpx.Client(base_url=served.base, timeout=30) as api:
            key = _tenant_key(api, adopt(owner_url, api, company_id, email), company_id)
            # The catalogue's commonest word: no result would mean the search does not reach the catalogue.
            answer = api.get("/api/v1/n8n/kb/search", params={"q": WORDS[0]}, headers={"X-X8-Tenant-Key": key})
            answer.raise_for_status()
            assert answer.json()["results"], f"no result for {WORDS[0]!r}: the catalogue is not searched"
        host = served.base.split("//", 1)[1]
        headers = {"X-X8-Tenant-Key": key}

        def search(question: str) -> bytes:
            query = urlencode({"q": question, "limit": 10})
            return loadgen.build("GET", f"/api/v1/n8n/kb/search?{query}", None, headers, host)

        health = loadgen.build("GET", "/api/v1/health", None, {}, host)
        asyncio.run(loadgen.hammer(served.base, [r for q in warm_up for r in (search(q), health)], API_PROCESSES))
        _, latencies, errors = asyncio.run(
            loadgen.hammer(served.base, [r for q in questions for r in (search(q), health)], 1)
        )
    if errors:
        raise RuntimeError(f"{errors} KB searches or health checks over HTTP failed")
    return OverHttp(search=latencies[0::2], health=latencies[1::2])
