"""Reading and writing KB items in a tenant's schema. Every function takes a ``TenantSession`` (or, for work
around a provider call, a factory of short ones).

Row reads and writes are typed queries on ``x8.tenancy.tables``; text SQL is left where it says something the
Core constructs would only obscure (the staging-table import, the guarded vector write).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, delete, func, insert, or_, select, text, update

from x8.kb_engine import vocabulary
from x8.kb_engine.columns import FIELDS
from x8.kb_engine.embeddings import Embedder, item_text, to_pgvector
from x8.kb_engine.rows import KbItem
from x8.kit.sql import escape_like
from x8.tenancy.session import TenantSession, TenantSessionFactory
from x8.tenancy.tables import kb_embeddings, kb_items

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
_PUBLIC = [kb_items.c[c] for c in PUBLIC_COLUMNS]


def search_config(language: str) -> str:
    return SEARCH_CONFIGS.get(language, "simple")


def _values(item: KbItem, config: str) -> dict[str, Any]:
    """A row's writable columns, for ``insert(kb_items)`` / ``update(kb_items)`` (the same set as ``_UPDATABLE``)."""
    return {**{f: getattr(item, f) for f in FIELDS}, "extra": item.extra, "search_config": config}


def _record(kb_id: uuid.UUID, position: int, item: KbItem, config: str) -> tuple[Any, ...]:
    """A row for COPY, in ``ITEM_COLUMNS`` order (``extra`` as JSON text: asyncpg has no binary COPY for jsonb)."""
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
    Only the COPY itself goes to the driver; every other statement runs through the session.
    """
    copy = await ts.copy_connection()
    columns = ", ".join(f"{c} {_STAGE_TYPES[c]}" for c in ITEM_COLUMNS)
    await ts.execute(text(f"CREATE TEMP TABLE kb_stage ({columns}) ON COMMIT DROP"))
    assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in _UPDATABLE)
    select_list = ", ".join(
        "extra::jsonb" if c == "extra" else "search_config::regconfig" if c == "search_config" else c
        for c in ITEM_COLUMNS
    )
    move = text(
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
        await copy.copy_records_to_table("kb_stage", records=records, columns=ITEM_COLUMNS)
        if not replace:
            existing = await ts.execute(_STAGED_EXISTING)
            stats.updated_skus += list(existing.scalars())
        await ts.execute(move)
        await ts.execute(text("TRUNCATE kb_stage"))
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


_STAGED_EXISTING = text("SELECT s.sku FROM kb_stage s JOIN kb_items i ON i.kb_id = s.kb_id AND i.sku = s.sku")


def _last_position(kb_id: uuid.UUID) -> ScalarSelect[Any]:
    """The KB's highest position, 0 when it is empty (a scalar subquery)."""
    return select(func.coalesce(func.max(kb_items.c.position), 0)).where(kb_items.c.kb_id == kb_id).scalar_subquery()


async def _prepare_kb(ts: TenantSession, kb_id: uuid.UUID, *, replace: bool) -> int:
    """Before the first row goes in: empty the KB (replace), or return the position to append after."""
    if replace:
        await delete_kb_items(ts, kb_id)
        return 0
    return int(await ts.scalar(select(_last_position(kb_id))))


def _row(mapping: Any) -> dict[str, Any]:
    return public_reader(list(mapping.keys()))(tuple(mapping.values()))


def public_reader(keys: Sequence[str]) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """Reads a result's public columns out of its rows as plain tuples, the columns' places found once (reading
    a row mapping column by column cost more than the search itself)."""
    places = [(c, keys.index(c)) for c in PUBLIC_COLUMNS if c in keys]

    def read(row: Sequence[Any]) -> dict[str, Any]:
        found = {c: row[i] for c, i in places}
        if isinstance(found.get("price"), Decimal):
            found["price"] = str(found["price"])
        return found

    return read


def _matching(kb_id: uuid.UUID, q: str | None) -> list[ColumnElement[bool]]:
    """The KB's rows, optionally only those whose name or SKU contains ``q`` (case-insensitive, literally)."""
    where = [kb_items.c.kb_id == kb_id]
    if q:
        pattern = f"%{escape_like(q)}%"
        where.append(or_(kb_items.c.name.ilike(pattern), kb_items.c.sku.ilike(pattern)))
    return where


async def count_items(ts: TenantSession, kb_id: uuid.UUID, q: str | None = None) -> int:
    return int(await ts.scalar(select(func.count()).select_from(kb_items).where(*_matching(kb_id, q))))


async def list_items(
    ts: TenantSession, kb_id: uuid.UUID, *, limit: int, offset: int, q: str | None = None
) -> list[dict[str, Any]]:
    result = await ts.execute(
        select(*_PUBLIC)
        .where(*_matching(kb_id, q))
        .order_by(kb_items.c.position, kb_items.c.id)
        .limit(limit)
        .offset(offset)
    )
    read = public_reader(list(result.keys()))
    return [read(r) for r in result]


async def get_item(ts: TenantSession, kb_id: uuid.UUID, item_id: uuid.UUID) -> dict[str, Any] | None:
    result = await ts.execute(select(*_PUBLIC).where(kb_items.c.kb_id == kb_id, kb_items.c.id == item_id))
    found = result.mappings().first()
    return _row(found) if found else None


async def sku_owner(ts: TenantSession, kb_id: uuid.UUID, sku: str) -> uuid.UUID | None:
    """The row that holds this exact SKU in the KB, if any."""
    found: uuid.UUID | None = await ts.scalar(
        select(kb_items.c.id).where(kb_items.c.kb_id == kb_id, kb_items.c.sku == sku)
    )
    return found


async def add_item(ts: TenantSession, kb_id: uuid.UUID, item: KbItem, *, language: str) -> uuid.UUID:
    new_id: uuid.UUID = await ts.scalar(
        insert(kb_items)
        .values(kb_id=kb_id, position=_last_position(kb_id) + 1, **_values(item, search_config(language)))
        .returning(kb_items.c.id)
    )
    await vocabulary.add_words(ts, kb_id, vocabulary.item_words(item))
    return new_id


async def update_item(ts: TenantSession, kb_id: uuid.UUID, item_id: uuid.UUID, item: KbItem, *, language: str) -> bool:
    result = await ts.execute(
        update(kb_items)
        .where(kb_items.c.kb_id == kb_id, kb_items.c.id == item_id)
        .values(**_values(item, search_config(language)))
        .returning(kb_items.c.id)
    )
    updated = result.first() is not None
    if updated:
        await vocabulary.add_words(ts, kb_id, vocabulary.item_words(item))
    if updated and await has_embeddings_table(ts):  # the text changed: the next embedding run redoes it
        await ts.execute(delete(kb_embeddings).where(kb_embeddings.c.item_id == item_id))
    return updated


async def delete_item(ts: TenantSession, kb_id: uuid.UUID, item_id: uuid.UUID) -> bool:
    result = await ts.execute(
        delete(kb_items).where(kb_items.c.kb_id == kb_id, kb_items.c.id == item_id).returning(kb_items.c.id)
    )
    return result.first() is not None


async def delete_kb_items(ts: TenantSession, kb_id: uuid.UUID) -> None:
    await ts.execute(delete(kb_items).where(kb_items.c.kb_id == kb_id))
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
        select(*(kb_items.c[c] for c in EXPORT_COLUMNS), kb_items.c.extra)
        .where(kb_items.c.kb_id == kb_id)
        .order_by(kb_items.c.position, kb_items.c.id)
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


# Written only for rows still at the version that was embedded (``updated_at``, bumped by the kb_items trigger on
# every write), under FOR SHARE: an edit committed since the read makes the row drop out here (it is re-checked
# against the newest version), and an edit that comes during this short transaction waits for it, so its own
# ``DELETE FROM kb_embeddings`` then removes the vector. One statement for the batch; vectors go as text.
_STORE_VECTORS = text("""
INSERT INTO kb_embeddings (item_id, model, embedding)
SELECT i.id, :model, CAST(v.embedding AS vector)
FROM unnest(CAST(:ids AS uuid[]), CAST(:versions AS timestamptz[]), CAST(:vectors AS text[]))
     AS v (id, version, embedding)
JOIN kb_items i ON i.id = v.id AND i.updated_at = v.version
FOR SHARE OF i
ON CONFLICT (item_id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding, created_at = now()
RETURNING item_id
""")


async def _unembedded(ts: TenantSession, model: str, batch: int, skip: list[uuid.UUID]) -> list[dict[str, Any]]:
    """Up to ``batch`` rows with no vector from ``model``, with the version (``updated_at``) of what is read."""
    query = (
        select(
            kb_items.c.id,
            kb_items.c.updated_at,
            kb_items.c.name,
            kb_items.c.category,
            kb_items.c.tags,
            kb_items.c.description,
        )
        .select_from(
            kb_items.outerjoin(
                kb_embeddings, (kb_embeddings.c.item_id == kb_items.c.id) & (kb_embeddings.c.model == model)
            )
        )
        .where(kb_embeddings.c.item_id.is_(None))
        .order_by(kb_items.c.position, kb_items.c.id)
        .limit(batch)
    )
    if skip:
        query = query.where(kb_items.c.id.not_in(skip))
    return [dict(r) for r in (await ts.execute(query)).mappings()]


async def embed_pending(sessions: TenantSessionFactory, embedder: Embedder, *, batch: int = 64) -> int:
    """Embed rows that have no vector yet (or whose vector came from another model). Returns how many were stored.

    Per batch: one short transaction reads the rows and commits; the embedder is called with no transaction open;
    a second short transaction stores the vectors of the rows that were not edited meanwhile (``_STORE_VECTORS``).
    A row edited meanwhile is left without a vector for the rest of this run; its edit queued another run, which
    embeds the new text.
    """
    done = 0
    skipped: list[uuid.UUID] = []  # edited or deleted while their text was being embedded
    while True:
        async with sessions() as ts:
            if not await has_embeddings_table(ts):
                return done
            rows = await _unembedded(ts, embedder.model, batch, skipped)
        if not rows:
            return done
        vectors = await embedder.embed([item_text(r) for r in rows])  # no transaction is open here
        async with sessions() as ts:
            stored = await ts.execute(
                _STORE_VECTORS,
                {
                    "model": embedder.model,
                    "ids": [r["id"] for r in rows],
                    "versions": [r["updated_at"] for r in rows],
                    "vectors": [to_pgvector(v) for _, v in zip(rows, vectors, strict=True)],
                },
            )
            written = set(stored.scalars())
        done += len(written)
        skipped += [r["id"] for r in rows if r["id"] not in written]
