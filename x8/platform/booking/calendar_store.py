"""A company's Google Calendar connection: which calendar and the last error in its tenant schema, the OAuth
tokens in the vault (kind ``google_oauth``, x8.platform.vault).

The tokens are read from the control plane before the tenant session opens (``tokens_of``) and handed to ``load``,
so no tenant transaction waits on a second connection.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from x8.integrations.google import GoogleTokens
from x8.kit.db import Database
from x8.platform.companies.models import Company
from x8.platform.vault import repository as vault
from x8.platform.vault.keys import vault_keys
from x8.platform.vault.models import SecretKind
from x8.settings import Settings
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


def secret_ref(company_id: uuid.UUID) -> str:
    return f"google_calendar:{company_id}"


def _value(tokens: GoogleTokens) -> str:
    """The refresh token last, so the vault's mask shows a piece of it rather than of the JSON."""
    data = dict(tokens.to_dict())
    refresh = data.pop("refresh_token")
    return json.dumps(data | {"refresh_token": refresh}, separators=(",", ":"))


async def tokens_of(db: Database, settings: Settings, company_id: uuid.UUID) -> GoogleTokens | None:
    async with db.sessions() as session:
        value = await vault.read_by_ref(session, vault_keys(settings), secret_ref(company_id))
    return None if value is None else GoogleTokens.from_dict(json.loads(value))


async def keep_tokens(db: Database, settings: Settings, company_id: uuid.UUID, tokens: GoogleTokens) -> None:
    """Store (or replace, after a refresh) the company's tokens in the vault."""
    async with db.sessions() as session, session.begin():
        company = await session.get(Company, company_id)
        if company is None:
            return  # deleted meanwhile: its secrets went with it
        new = vault.NewSecret(
            client_id=company.owner_id,
            company_id=company_id,
            kind=SecretKind.GOOGLE_OAUTH,
            label="Google Calendar",
            ref=secret_ref(company_id),
        )
        await vault.store_secret(session, vault_keys(settings), new, _value(tokens))


async def forget_tokens(db: Database, company_id: uuid.UUID) -> None:
    async with db.sessions() as session, session.begin():
        await vault.delete_secret(session, secret_ref(company_id))


async def load(session: TenantSession, tokens: GoogleTokens | None) -> Connection | None:
    """The connection, given its tokens from ``tokens_of`` (None: no calendar)."""
    row = (await session.execute(select(calendar_connections))).mappings().first()
    if row is None or tokens is None:
        return None
    return Connection(row["calendar_id"], tokens, row["last_error"], row["last_error_at"])


async def is_connected(session: TenantSession) -> bool:
    return (await session.execute(select(calendar_connections.c.id))).first() is not None


async def connect(session: TenantSession) -> None:
    """Store (or replace) the connection, its tokens kept with ``keep_tokens`` first: a new connect clears the
    last error."""
    values = {"calendar_id": PRIMARY, "last_error": None, "last_error_at": None}
    statement = insert(calendar_connections).values(id=1, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=["id"], set_=values | {"connected_at": func.now()})
    )


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
