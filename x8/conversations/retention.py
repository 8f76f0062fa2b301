"""History retention for the PostgreSQL store (SPEC.md R-M6): messages older than the retention period go.

Deleted in batches, so a large backlog never holds long locks. Contacts and conversations stay (the inbox keeps
its list and the last preview); only message bodies age out.
"""

from __future__ import annotations

from sqlalchemy import text

from x8.tenancy.session import TenantSession

BATCH = 5000

_PRUNE = text("""
DELETE FROM messages WHERE id IN (
    SELECT id FROM messages WHERE created_at < now() - make_interval(days => :days) LIMIT :batch
)
""")


async def prune_batch(ts: TenantSession, days: int) -> int:
    """Delete up to ``BATCH`` messages older than ``days``; returns how many went (fewer than BATCH: done)."""
    result = await ts.execute(_PRUNE, {"days": days, "batch": BATCH})
    return int(getattr(result, "rowcount", 0) or 0)
