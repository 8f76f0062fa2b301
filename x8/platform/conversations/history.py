"""The optional MongoDB history store (R-M6) as the reply pipeline uses it: the LLM context is read from it and
appended to it, with PostgreSQL as the record and the fallback. An unreachable store is left alone for a while
(``MONGO_FAILURES``), so turns do not pay its timeout on every message of an outage."""

from __future__ import annotations

import logging
import uuid

from pymongo.errors import PyMongoError

from x8.conversations.mongo_history import MongoHistory
from x8.conversations.turns import HISTORY_MESSAGES
from x8.kit.failing import FailureWindow
from x8.settings import Settings

log = logging.getLogger(__name__)

MONGO_FAILURES: FailureWindow[str] = FailureWindow(seconds=30.0)
_INDEXED: set[tuple[str, int]] = set()


def history_store(settings: Settings) -> MongoHistory | None:
    """The MongoDB history store when ``MONGODB_URL`` is set and not in its window after a failure."""
    if not settings.mongodb_url or MONGO_FAILURES.is_open(settings.mongodb_url):
        return None
    return MongoHistory(settings.mongodb_url, settings.history_retention_days)


def _failed(store: MongoHistory, what: str, exc: Exception) -> None:
    MONGO_FAILURES.failed(store.url)
    log.warning(
        "MongoDB history: %s (%s); PostgreSQL only for %.0f s", what, type(exc).__name__, MONGO_FAILURES.seconds
    )


async def recall(store: MongoHistory, company_id: uuid.UUID, conversation_id: uuid.UUID) -> list[dict[str, str]] | None:
    """The LLM context from MongoDB; None when the store cannot answer (the turn then reads PostgreSQL)."""
    try:
        return await store.for_tenant(company_id).recent(conversation_id, HISTORY_MESSAGES)
    except PyMongoError as exc:
        _failed(store, "could not read", exc)
        return None


async def remember(
    store: MongoHistory, company_id: uuid.UUID, conversation_id: uuid.UUID, messages: list[dict[str, str]]
) -> None:
    """Append to the MongoDB history. PostgreSQL has already committed the messages: a failure here costs only
    context, so it is logged and the turn goes on."""
    try:
        key = (store.url, store.retention_days)
        if key not in _INDEXED:
            await store.ensure_indexes()
            _INDEXED.add(key)
        await store.for_tenant(company_id).append(conversation_id, messages)
    except PyMongoError as exc:
        _failed(store, "could not append", exc)
