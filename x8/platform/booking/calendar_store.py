"""A company's Google Calendar connection in its tenant schema: which calendar, the sealed tokens, the last error.

Tokens are sealed with ``X8_VAULT_KEY`` and bound to the company (``x8.kit.secretbox``), as channel credentials are
today; ``seal_tokens`` / ``open_tokens`` are the one place the vault issue moves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from x8.integrations.google import GoogleTokens
from x8.kit.secretbox import open_sealed, seal
from x8.tenancy.session import TenantSession
from x8.tenancy.tables import bookings, calendar_connections

PRIMARY = "primary"
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class Connection:
    calendar_id: str
    tokens: GoogleTokens
    last_error: str | None
    last_error_at: datetime | None


def _bound_to(company_id: uuid.UUID) -> str:
    return f"google-calendar:{company_id}"


def seal_tokens(vault_key: str, company_id: uuid.UUID, tokens: GoogleTokens) -> bytes:
    return seal(vault_key, dict(tokens.to_dict()), bound_to=_bound_to(company_id))


def open_tokens(vault_key: str, company_id: uuid.UUID, sealed: bytes) -> GoogleTokens:
    return GoogleTokens.from_dict(open_sealed(vault_key, sealed, bound_to=_bound_to(company_id)))


async def load(session: TenantSession, vault_key: str, company_id: uuid.UUID) -> Connection | None:
    row = (await session.execute(select(calendar_connections))).mappings().first()
    if row is None:
        return None
    tokens = open_tokens(vault_key, company_id, bytes(row["sealed_tokens"]))
    return Connection(row["calendar_id"], tokens, row["last_error"], row["last_error_at"])


async def is_connected(session: TenantSession) -> bool:
    return (await session.execute(select(calendar_connections.c.id))).first() is not None


async def connect(session: TenantSession, sealed: bytes) -> None:
    """Store (or replace) the connection: a new connect clears the last error."""
    values = {"sealed_tokens": sealed, "calendar_id": PRIMARY, "last_error": None, "last_error_at": None}
    statement = insert(calendar_connections).values(id=1, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=["id"], set_=values | {"connected_at": func.now()})
    )


async def store_tokens(session: TenantSession, sealed: bytes) -> None:
    await session.execute(update(calendar_connections).values(sealed_tokens=sealed))


async def record_error(session: TenantSession, error: str | None) -> None:
    """The last failure a calendar call had (``None``: the last call worked)."""
    await session.execute(
        update(calendar_connections).values(
            last_error=error[:MAX_ERROR_CHARS] if error else None,
            last_error_at=func.now() if error else None,
        )
    )


async def disconnect(session: TenantSession) -> None:
    await session.execute(delete(calendar_connections))


async def set_event_id(session: TenantSession, booking_id: uuid.UUID, event_id: str | None) -> None:
    await session.execute(update(bookings).where(bookings.c.id == booking_id).values(calendar_event_id=event_id))
