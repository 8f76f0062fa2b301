"""Which company an order belongs to (``order_refs``): written before the tenant row, like a conversation's ref, so
anything holding only an order id (the sandbox page, a provider event) finds the tenant. A ref whose order was
never written (the tenant transaction failed) finds nothing there and answers 404."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from x8.kit.db import Database
from x8.platform.orders.models import OrderRef


async def register(db: Database, order_id: uuid.UUID, company_id: uuid.UUID) -> None:
    async with db.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")  # one statement
        await autocommit.execute(insert(OrderRef).values(order_id=order_id, company_id=company_id))


async def company_of(db: Database, order_id: uuid.UUID) -> uuid.UUID | None:
    async with db.sessions() as session:
        company_id: uuid.UUID | None = await session.scalar(
            select(OrderRef.company_id).where(OrderRef.order_id == order_id)
        )
        return company_id
