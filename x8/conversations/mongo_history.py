"""The optional MongoDB history store (SPEC.md R-M6): the conversation as LLM context, when ``MONGODB_URL`` is set.

PostgreSQL stays the record of every message (the inbox reads it); this store holds what the assistant needs as
context, so a turn reads it without touching the relational side. The design:

- **Buckets**: one document holds up to ``BUCKET_MESSAGES`` messages of one conversation, each cut to
  ``MAX_CHARS`` characters, so a document stays far below MongoDB's 16 MB limit (at most ~3 MB even in 4-byte
  UTF-8). An append goes to the conversation's open bucket, or upserts a new one when it is full.
- **Tenants**: every document carries its ``tenant_id`` and every query filters on it. Code reaches the store
  only through ``for_tenant(…)``, whose methods cannot leave that tenant.
- **Retention**: a TTL index on ``updated_at`` removes buckets untouched for ``X8_HISTORY_RETENTION_DAYS``
  (0 keeps them); a changed setting is applied to the existing index with ``collMod``.
- **Outages**: callers treat this store as an accelerator, never the record: a failed read falls back to the
  PostgreSQL history and a failed append is logged (``x8.platform.conversations.service``).

The driver is PyMongo's asyncio API (``AsyncMongoClient``): Motor, which SPEC.md names, was deprecated for it
and reached end of life in May 2026.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import OperationFailure

COLLECTION = "conversation_history"
BUCKET_MESSAGES = 100
MAX_CHARS = 8000
TTL_INDEX = "history_ttl"
INDEX_OPTIONS_CONFLICT = 85
TIMEOUT_MS = 2000  # a turn waits at most this long for the store before falling back

_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, AsyncMongoClient[dict[str, Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _client(url: str) -> AsyncMongoClient[dict[str, Any]]:
    """One client per event loop and URL: it pools its connections and must stay on the loop that made it."""
    clients = _CLIENTS.setdefault(asyncio.get_running_loop(), {})
    if url not in clients:
        clients[url] = AsyncMongoClient(
            url,
            tz_aware=True,
            serverSelectionTimeoutMS=TIMEOUT_MS,
            connectTimeoutMS=TIMEOUT_MS,
            socketTimeoutMS=TIMEOUT_MS,
            appname="x8",
        )
    return clients[url]


async def close_clients() -> None:
    for client in _CLIENTS.pop(asyncio.get_running_loop(), {}).values():
        await client.close()


@dataclass(frozen=True)
class MongoHistory:
    url: str
    retention_days: int

    def _collection(self) -> AsyncCollection[dict[str, Any]]:
        return _client(self.url).get_default_database("x8")[COLLECTION]

    async def ensure_indexes(self) -> None:
        """The lookup index and the TTL index (created, changed or dropped to match the retention setting)."""
        collection = self._collection()
        await collection.create_index(
            [("tenant_id", ASCENDING), ("conversation_id", ASCENDING), ("updated_at", DESCENDING)],
            name="history_lookup",
        )
        if self.retention_days == 0:
            existing = {index["name"] async for index in await collection.list_indexes()}
            if TTL_INDEX in existing:
                await collection.drop_index(TTL_INDEX)
            return
        seconds = self.retention_days * 86400
        try:
            await collection.create_index([("updated_at", ASCENDING)], name=TTL_INDEX, expireAfterSeconds=seconds)
        except OperationFailure as exc:
            if exc.code != INDEX_OPTIONS_CONFLICT:
                raise
            await collection.database.command(
                {"collMod": COLLECTION, "index": {"name": TTL_INDEX, "expireAfterSeconds": seconds}}
            )

    def for_tenant(self, tenant_id: uuid.UUID) -> TenantHistory:
        return TenantHistory(self._collection(), str(tenant_id))


class TenantHistory:
    """One tenant's conversations; nothing here can read or write another tenant's documents."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], tenant_id: str) -> None:
        self._collection = collection
        self._tenant = tenant_id

    async def append(self, conversation_id: uuid.UUID, messages: list[dict[str, str]]) -> None:
        """Add chat messages (``role``, ``content``) to the conversation's open bucket, opening one when full."""
        for message in messages:
            now = datetime.datetime.now(datetime.UTC)
            entry = {"role": message["role"], "content": message["content"][:MAX_CHARS], "at": now}
            await self._collection.update_one(
                {"tenant_id": self._tenant, "conversation_id": str(conversation_id), "count": {"$lt": BUCKET_MESSAGES}},
                {
                    "$push": {"messages": entry},
                    "$inc": {"count": 1},
                    "$set": {"updated_at": now},
                    "$setOnInsert": {"created_at": now},
                },
                upsert=True,
            )

    async def recent(self, conversation_id: uuid.UUID, limit: int) -> list[dict[str, str]]:
        """The last ``limit`` messages, oldest first, as chat messages."""
        buckets = (
            await self._collection.find(
                {"tenant_id": self._tenant, "conversation_id": str(conversation_id)},
                projection={"messages": 1, "created_at": 1},
            )
            .sort("updated_at", DESCENDING)
            .limit(limit // BUCKET_MESSAGES + 2)
            .to_list()
        )
        entries = [m for bucket in sorted(buckets, key=lambda b: b["created_at"]) for m in bucket["messages"]]
        return [{"role": m["role"], "content": m["content"]} for m in entries[-limit:]] if limit else []

    async def forget(self, conversation_id: uuid.UUID | None = None) -> int:
        """Delete this tenant's history (one conversation, or all): for account and data deletion."""
        query: dict[str, Any] = {"tenant_id": self._tenant}
        if conversation_id is not None:
            query["conversation_id"] = str(conversation_id)
        result = await self._collection.delete_many(query)
        return int(result.deleted_count)
