"""Reading and writing a company's n8n bindings. Each write is its own short transaction, made right after the n8n
call it records, so a crash between the two loses at most one id (and ``adopt`` finds that workflow again)."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from x8.kit.db import Database
from x8.n8n_bridge.models import BindingKind, BindingStatus, N8nBinding


@dataclass(frozen=True)
class Binding:
    """A binding as read, detached from any session."""

    slot: str
    kind: BindingKind
    name: str
    channel_id: uuid.UUID | None
    n8n_id: str | None
    template: str | None
    template_version: int | None
    source: str | None
    status: BindingStatus
    last_error: str | None

    def with_(self, **changes: object) -> Binding:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _of(row: N8nBinding) -> Binding:
    return Binding(
        slot=row.slot,
        kind=BindingKind(row.kind),
        name=row.name,
        channel_id=row.channel_id,
        n8n_id=row.n8n_id,
        template=row.template,
        template_version=row.template_version,
        source=row.source,
        status=BindingStatus(row.status),
        last_error=row.last_error,
    )


async def of_company(db: Database, company_id: uuid.UUID) -> dict[str, Binding]:
    async with db.sessions() as session:
        rows = (await session.execute(select(N8nBinding).where(N8nBinding.company_id == company_id))).scalars()
        return {row.slot: _of(row) for row in rows}


async def listed(db: Database, company_id: uuid.UUID) -> list[N8nBinding]:
    """The company's bindings, credentials first (a company has a handful: no paging)."""
    async with db.sessions() as session:
        rows = await session.execute(
            select(N8nBinding)
            .where(N8nBinding.company_id == company_id)
            .order_by(N8nBinding.kind, N8nBinding.created_at, N8nBinding.slot)
        )
        return list(rows.scalars())


async def save(db: Database, company_id: uuid.UUID, binding: Binding) -> None:
    """Insert or replace the company's binding in ``binding.slot``."""
    values = {
        "kind": binding.kind.value,
        "name": binding.name,
        "channel_id": binding.channel_id,
        "n8n_id": binding.n8n_id,
        "template": binding.template,
        "template_version": binding.template_version,
        "source": binding.source,
        "status": binding.status.value,
        "last_error": binding.last_error,
    }
    statement = insert(N8nBinding).values(id=uuid.uuid4(), company_id=company_id, slot=binding.slot, **values)
    statement = statement.on_conflict_do_update(
        constraint="uq_n8n_bindings_company_slot", set_={**values, "updated_at": func.now()}
    )
    async with db.sessions() as session, session.begin():
        await session.execute(statement)


async def remove(db: Database, company_id: uuid.UUID, slot: str) -> None:
    async with db.sessions() as session, session.begin():
        await session.execute(delete(N8nBinding).where(N8nBinding.company_id == company_id, N8nBinding.slot == slot))
