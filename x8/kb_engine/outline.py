"""The start of a company's catalogue, for "what do you sell?": its first rows in catalogue order, read through
the ``(kb_id, position)`` index so the cost is bounded whatever the catalogue's size."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from x8.kb_engine.store import public_reader
from x8.tenancy.session import TenantSession

SAMPLE_ROWS = 2000  # a small business's whole catalogue; in a bigger one, its start says what it sells

_OUTLINE = text(
    """
    SELECT id, name, category, price, currency, unit, duration_minutes FROM kb_items
    WHERE kb_id = ANY(CAST(:kbs AS uuid[]))
    ORDER BY kb_id, position
    LIMIT :limit
    """
)


async def outline(
    ts: TenantSession, kb_ids: list[uuid.UUID], *, limit: int = SAMPLE_ROWS
) -> tuple[list[dict[str, Any]], bool]:
    """Up to ``limit`` rows in catalogue order, and whether they are all of them."""
    result = await ts.execute(_OUTLINE, {"kbs": [str(k) for k in kb_ids], "limit": limit + 1})
    read = public_reader(list(result.keys()))
    rows = [read(row) for row in result]
    return rows[:limit], len(rows) <= limit
