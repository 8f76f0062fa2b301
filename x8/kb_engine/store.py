"""Reading and writing KB items in a tenant's schema. Every function takes a ``TenantSession``."""

from __future__ import annotations

import csv
import io
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from x8.kb_engine import vocabulary
from x8.kb_engine.columns import FIELDS
from x8.kb_engine.rows import KbItem
from x8.kit.sql import escape_like
from x8.tenancy.session import TenantSession

log = logging.getLogger(__name__)
SEARCH_CONFIGS = {"en": "english", "ru": "russian"}
# The order is the COPY order of ``_record``.
ITEM_COLUMNS = ["kb_id", "position", *FIELDS, "extra", "search_config"]
_STAGE_TYPES = {
    "kb_id": "uuid",
    "position": "integer",
    "sku": "text",
    "name": "text",
    "description": "text",
    "price": "numeric",
    "currency": "text",
    "category": "text",
    "unit": "text",
    "stock": "integer",
    "website": "text",
    "tags": "text[]",
    "images": "text[]",
    "duration_minutes": "integer",
    "format": "text",
    "location": "text",
    "extra": "text",
    "search_config": "text",
}
_UPDATABLE = [c for c in ITEM_COLUMNS if c not in ("kb_id", "position")]
PUBLIC_COLUMNS = ["id", *FIELDS, "extra", "position", "created_at", "updated_at"]


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, "simple")


def _record(kb_id: uuid.UUID, position: int, item: KbItem, config: str) -> tuple[Any, ...]:
    return (
        kb_id,
        position,
        item.sku,
        item.name,
        item.description,
        item.price,
        item.currency,
        item.category,
        item.unit,
        item.stock,
        item.website,
        item.tags,
        item.images,
        item.duration_minutes,
        item.format,
        item.location,
        json.dumps(item.extra, ensure_ascii=False),
        config,
    )


@dataclass
class ImportStats:
    imported: int = 0
    updated_skus: list[str] = field(default_factory=list)


class NothingToImport(Exception):
    """No row of the file could be imported; the KB was left as it was."""


async def import_items(
    ts: TenantSession,
    kb_id: uuid.UUID,
    batches: AsyncIterator[list[tuple[int, KbItem]]],
    *,
    language: str,
    replace: bool,
) -> ImportStats:
    """Load items batch by batch: COPY into a temporary staging table, then INSERT … SELECT into ``kb_items``.

    PostgreSQL refuses COPY FROM into a table with row-level security, so COPY goes to an unpoliced temp
    table and the policies apply on the INSERT. Storing each batch as it comes lets the database work on one
    batch while the next is parsed in a thread. Everything is one transaction: ``replace`` deletes the KB's rows
    before the first batch, and if anything fails, the previous rows are still there. In append mode a row
    whose SKU is already in the KB updates that row, and new rows come after the ones already there.
    """
    driver = await ts.driver_connection()
    columns = ", ".join(f"{c} {_STAGE_TYPES[c]}" for c in ITEM_COLUMNS)
    await driver.execute(f"CREATE TEMP TABLE kb_stage ({columns}) ON COMMIT DROP")
    assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATABLE)
    select_list = ", ".join(
        "extra::jsonb" if c == "extra" else "search_config::regconfig" if c == "search_config" else c
        for c in ITEM_COLUMNS
    )
    move = (
        f"INSERT INTO kb_items ({', '.join(ITEM_COLUMNS)}) SELECT {select_list} FROM kb_stage "  # noqa: S608
        f"ON CONFLICT (kb_id, sku) WHERE sku IS NOT NULL DO UPDATE SET {assignments}"
    )
    config = search_config(language)
    stats = ImportStats()
    staged = 0
    offset: int | None = None
    started = time.perf_counter()
    new_words: set[str] = set()
    async for batch in batches:
        if offset is None:
            offset = await _prepare_kb(ts, kb_id, replace=replace)
        records = [_record(kb_id, position + offset, item, config) for position, item in batch]
        for _position, item in batch:
            new_words |= vocabulary.item_words(item)
        await driver.copy_records_to_table("kb_stage", records=records, columns=ITEM_COLUMNS)
        if not replace:
            existing = await driver.fetch(
                "SELECT s.sku FROM kb_stage s JOIN kb_items i ON i.kb_id = s.kb_id AND i.sku = s.sku"
            )
            stats.updated_skus += [r[0] for r in existing]
        await driver.execute(move)
        await driver.execute("TRUNCATE kb_stage")
        staged += len(records)
    if staged == 0:
        raise NothingToImport
    stored_at = time.perf_counter()
    await vocabulary.add_words(ts, kb_id, new_words)
    await ts.execute(text("SELECT kb_after_bulk_load()"))  # flush GIN pending lists, ANALYZE: see t0004
    stats.imported = staged
    log.info(
        "kb import: %d rows parsed and stored in %.2fs, vocabulary and statistics in %.2fs",
        staged,
        stored_at - started,
        time.perf_counter() - stored_at,
    )
    return stats


async def _prepare_kb(ts: TenantSession, kb_id: uuid.UUID, *, replace: bool) -> int:
    """Before the first row goes in: empty the KB (replace), or return the position to append after."""
    if replace:
        await ts.execute(text("DELETE FROM kb_items WHERE kb_id = :kb"), {"kb": kb_id})
        await vocabulary.clear(ts, kb_id)
        return 0
    last = await ts.scalar(text("SELECT coalesce(max(position), 0) FROM kb_items WHERE kb_id = :kb"), {"kb": kb_id})
    return int(last)


def _row(mapping: Any) -> dict[str, Any]:
    row = {c: mapping[c] for c in PUBLIC_COLUMNS if c in mapping}
    if isinstance(row.get("price"), Decimal):
        row["price"] = str(row["price"])
    return row


async def count_items(ts: TenantSession, kb_id: uuid.UUID, q: str | None = None) -> int:
    if q:
        return int(
            await ts.scalar(
                text("SELECT count(*) FROM kb_items WHERE kb_id = :kb AND (name ILIKE :p OR sku ILIKE :p)"),
                {"kb": kb_id, "p": f"%{escape_like(q)}%"},
            )
        )
    return int(await ts.scalar(text("SELECT count(*) FROM kb_items WHERE kb_id = :kb"), {"kb": kb_id}))


async def list_items(
    ts: TenantSession, kb_id: uuid.UUID, *, limit: int, offset: int, q: str | None = None
) -> list[dict[str, Any]]:
    where = "kb_id = :kb" + (" AND (name ILIKE :p OR sku ILIKE :p)" if q else "")
    result = await ts.execute(
        text(
            f"SELECT {', '.join(PUBLIC_COLUMNS)} FROM kb_items WHERE {where} "  # noqa: S608
            "ORDER BY position, id LIMIT :limit OFFSET :offset"
        ),
        {"kb": kb_id, "limit": limit, "offset": offset, "p": f"%{escape_like(q or '')}%"},
    )
    return [_row(r) for r in result.mappings()]


async def get_item(ts: TenantSession, kb_id: uuid.UUID, item_id: uuid.UUID) -> dict[str, Any] | None:
    result = await ts.execute(
        text(f"SELECT {', '.join(PUBLIC_COLUMNS)} FROM kb_items WHERE kb_id = :kb AND id = :id"),  # noqa: S608
        {"kb": kb_id, "id": item_id},
    )
    found = result.mappings().first()
    return _row(found) if found else None


def _bind(column: str) -> str:
    """The bind parameter for a column, cast where the driver sends text (``extra``, ``search_config``)."""
    return {"extra": "CAST(:extra AS jsonb)", "search_config": "CAST(:search_config AS regconfig)"}.get(
        column, f":{column}"
    )


async def sku_owner(ts: TenantSession, kb_id: uuid.UUID, sku: str) -> uuid.UUID | None:
    """The row that holds this exact SKU in the KB, if any."""
    found = await ts.scalar(text("SELECT id FROM kb_items WHERE kb_id = :kb AND sku = :sku"), {"kb": kb_id, "sku": sku})
    return uuid.UUID(str(found)) if found else None


async def add_item(ts: TenantSession, kb_id: uuid.UUID, item: KbItem, *, language: str) -> uuid.UUID:
    position = await ts.scalar(
        text("SELECT coalesce(max(position), 0) + 1 FROM kb_items WHERE kb_id = :kb"), {"kb": kb_id}
    )
    values = dict(zip(ITEM_COLUMNS, _record(kb_id, int(position), item, search_config(language)), strict=True))
    placeholders = ", ".join(_bind(c) for c in ITEM_COLUMNS)
    new_id = await ts.scalar(
        text(f"INSERT INTO kb_items ({', '.join(ITEM_COLUMNS)}) VALUES ({placeholders}) RETURNING id"),  # noqa: S608
        values,
    )
    await vocabulary.add_words(ts, kb_id, vocabulary.item_words(item))
    return uuid.UUID(str(new_id))


async def update_item(ts: TenantSession, kb_id: uuid.UUID, item_id: uuid.UUID, item: KbItem, *, language: str) -> bool:
    values = dict(zip(ITEM_COLUMNS, _record(kb_id, 0, item, search_config(language)), strict=True))
    sets = ", ".join(f"{c} = {_bind(c)}" for c in _UPDATABLE)
    result = await ts.execute(
        text(f"UPDATE kb_items SET {sets} WHERE kb_id = :kb_id AND id = :id RETURNING id"),  # noqa: S608
        {**values, "id": item_id},
    )
    updated = result.first() is not None
    if updated:
        await vocabulary.add_words(ts, kb_id, vocabulary.item_words(item))
    if updated and await has_embeddings_table(ts):  # the text changed: the next embedding run redoes it
        await ts.execute(text("DELETE FROM kb_embeddings WHERE item_id = :id"), {"id": item_id})
    return updated


async def delete_item(ts: TenantSession, kb_id: uuid.UUID, item_id: uuid.UUID) -> bool:
    result = await ts.execute(
        text("DELETE FROM kb_items WHERE kb_id = :kb AND id = :id RETURNING id"), {"kb": kb_id, "id": item_id}
    )
    return result.first() is not None


async def delete_kb_items(ts: TenantSession, kb_id: uuid.UUID) -> None:
    await ts.execute(text("DELETE FROM kb_items WHERE kb_id = :kb"), {"kb": kb_id})
    await vocabulary.clear(ts, kb_id)


def item_from_row(row: dict[str, Any]) -> KbItem:
    values = {k: row[k] for k in asdict(KbItem(name="", description="")) if k in row}
    return KbItem(**values)


EXPORT_COLUMNS = list(FIELDS)


def escape_cell(value: Any) -> str:
    """Spreadsheet-safe text: a cell that would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text_value = str(value)
    if text_value and text_value[0] in "=+-@\t\r":
        return "'" + text_value
    return text_value


async def export_csv(ts: TenantSession, kb_id: uuid.UUID) -> str:
    """The KB as CSV: fixed columns, then every extra column; formula-looking cells escaped."""
    result = await ts.execute(
        text(
            f"SELECT {', '.join(EXPORT_COLUMNS)}, extra FROM kb_items WHERE kb_id = :kb "  # noqa: S608
            "ORDER BY position, id"
        ),
        {"kb": kb_id},
    )
    rows = [dict(r) for r in result.mappings()]
    extra_keys: list[str] = []
    for row in rows:
        extra_keys += [k for k in row["extra"] if k not in extra_keys]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS + extra_keys)
    for row in rows:
        writer.writerow(
            [escape_cell(row[c]) for c in EXPORT_COLUMNS] + [escape_cell(row["extra"].get(k)) for k in extra_keys]
        )
    return buffer.getvalue()


async def has_embeddings_table(ts: TenantSession) -> bool:
    return bool(await ts.scalar(text("SELECT to_regclass('kb_embeddings') IS NOT NULL")))


async def embed_pending(ts: TenantSession, embedder: Any, *, batch: int = 64) -> int:
    """Embed rows that have no vector yet (or whose vector came from another model). Returns how many."""
    from x8.kb_engine.embeddings import item_text, to_pgvector

    if not await has_embeddings_table(ts):
        return 0
    done = 0
    while True:
        result = await ts.execute(
            text(
                "SELECT i.id, i.name, i.category, i.tags, i.description FROM kb_items i "
                "LEFT JOIN kb_embeddings e ON e.item_id = i.id AND e.model = :model "
                "WHERE e.item_id IS NULL ORDER BY i.position LIMIT :batch"
            ),
            {"model": embedder.model, "batch": batch},
        )
        rows = [dict(r) for r in result.mappings()]
        if not rows:
            return done
        vectors = await embedder.embed([item_text(r) for r in rows])
        await ts.execute(
            text(
                "INSERT INTO kb_embeddings (item_id, model, embedding) VALUES (:id, :model, CAST(:v AS vector)) "
                "ON CONFLICT (item_id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding"
            ),
            [{"id": r["id"], "model": embedder.model, "v": to_pgvector(v)} for r, v in zip(rows, vectors, strict=True)],
        )
        done += len(rows)
