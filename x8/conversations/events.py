"""Telling live inbox views that a conversation changed: ``pg_notify`` inside the tenant transaction, so the
notice goes out only when the change commits (and never for one that rolls back)."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from x8.tenancy.session import TenantSession

CHANNEL = "x8_inbox"


async def conversation_changed(ts: TenantSession, conversation_id: uuid.UUID) -> None:
    await ts.execute(
        text("SELECT pg_notify(:channel, :payload)"),
        {"channel": CHANNEL, "payload": f"{ts.tenant_id}:{conversation_id}"},
    )
