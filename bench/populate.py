"""Small but real catalogues in the benchmark's other tenants, so KB search and replies run among populated
schemas (catalog caches, statistics and the buffer pool see a thousand tenants' rows, not empty tables).

Each tenant gets a registered KB (the control plane's ``knowledge_bases`` row) and 50–200 rows stored through the
product's own import path (``store.import_items``: staging COPY, INSERT with the search trigger, vocabulary,
ANALYZE), drawn from the same Zipf vocabulary as the 100k-row catalogue with a seed per tenant.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import text

from bench.catalogue import CATALOGUE_SEED, vocabulary, zipf_weights
from x8.kb_engine import store
from x8.kb_engine.rows import KbItem
from x8.kit.db import Database
from x8.tenancy.session import tenant_session

MIN_ROWS = 50
MAX_ROWS = 200
PARALLEL = 2  # two cores: one import stores while the other's Python builds rows


@dataclass(frozen=True)
class Populated:
    tenants: int
    rows: int
    seconds: float


def _items(seed: int) -> list[tuple[int, KbItem]]:
    rng = random.Random(seed)
    words = vocabulary(random.Random(CATALOGUE_SEED))
    weights = zipf_weights(len(words))
    items = []
    for position in range(1, rng.randint(MIN_ROWS, MAX_ROWS) + 1):
        items.append(
            (
                position,
                KbItem(
                    name=" ".join(rng.choices(words, weights, k=3)).title(),
                    description=" ".join(rng.choices(words, weights, k=14)),
                    sku=f"T{seed}-{position:04d}",
                    price=Decimal(f"{rng.uniform(1, 500):.2f}"),
                    currency="EUR",
                    stock=rng.randint(0, 500),
                    tags=rng.choices(words, weights, k=2),
                ),
            )
        )
    return items


async def _one_batch(items: list[tuple[int, KbItem]]) -> AsyncIterator[list[tuple[int, KbItem]]]:
    yield items


async def _registered(owner_url: str) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    """A KB registered for every company without one: (company id, KB id, the company's human id)."""
    owner = Database.connect(owner_url, pool_size=1)
    try:
        async with owner.engine.begin() as conn:
            rows = await conn.execute(
                text(
                    "WITH added AS (INSERT INTO knowledge_bases (id, company_id, name, kind, row_count) "
                    "SELECT gen_random_uuid(), c.id, 'Catalogue', c.company_type, 0 FROM companies c "
                    "WHERE NOT EXISTS (SELECT 1 FROM knowledge_bases k WHERE k.company_id = c.id) "
                    "RETURNING company_id, id) "
                    "SELECT a.company_id, a.id, c.company_id AS human_id FROM added a JOIN companies c "
                    "ON c.id = a.company_id"
                )
            )
            return [(row.company_id, row.id, row.human_id) for row in rows]
    finally:
        await owner.dispose()


async def _count_rows(owner_url: str, counts: dict[uuid.UUID, int]) -> None:
    """The registry's row counts, as an upload leaves them."""
    owner = Database.connect(owner_url, pool_size=1)
    try:
        async with owner.engine.begin() as conn:
            await conn.execute(
                text("UPDATE knowledge_bases SET row_count = :rows WHERE id = :kb"),
                [{"kb": kb_id, "rows": rows} for kb_id, rows in counts.items()],
            )
    finally:
        await owner.dispose()


async def populate(owner_url: str, app_url: str) -> Populated:
    """Fill every company's tenant that has no KB yet with a catalogue of its own."""
    started = time.perf_counter()
    kbs = await _registered(owner_url)
    pending = list(kbs)
    counts: dict[uuid.UUID, int] = {}
    app_db = Database.connect(app_url, pool_size=PARALLEL)

    async def importer() -> None:
        while pending:
            tenant, kb_id, human_id = pending.pop()
            items = _items(seed=zlib.crc32(human_id.encode()))  # the same catalogue for the same company, run to run
            async with tenant_session(app_db, tenant) as ts:
                stats = await store.import_items(ts, kb_id, _one_batch(items), language="en", replace=True)
            counts[kb_id] = stats.imported

    try:
        await asyncio.gather(*(importer() for _ in range(PARALLEL)))
    finally:
        await app_db.dispose()
    await _count_rows(owner_url, counts)
    return Populated(tenants=len(kbs), rows=sum(counts.values()), seconds=time.perf_counter() - started)


def run(owner_url: str, app_url: str) -> tuple[list[str], Populated]:
    populated = asyncio.run(populate(owner_url, app_url))
    return [
        f"populated {populated.tenants} tenants with {populated.rows:,} KB rows ({MIN_ROWS}-{MAX_ROWS} each, the"
        f" product's import path) in {populated.seconds:5.1f} s"
    ], populated
