"""A chat order refunded in Stripe (``charge.refunded`` on the platform webhook: chat orders are destination
charges, so their charges live on the platform account): the order becomes ``refunded`` in the purchase log.

The charge names its PaymentIntent, which the order kept when it was paid; the tenant is found from the charge's
own ``x8_*`` metadata when Stripe copied it there, else from the connected account the money went to (one account
per business, whose companies are searched). Only a full refund changes the order: a partial one is logged for a
person, and the order stays ``paid``.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import select

from x8.kit.db import Database
from x8.platform.companies.models import Company
from x8.platform.orders import store
from x8.platform.payments.models import ConnectedAccount
from x8.tenancy.session import tenant_session

log = logging.getLogger(__name__)


async def record_refund(db: Database, charge: dict[str, Any]) -> bool:
    """Mark the charge's order refunded; False when there is nothing to change (partial, unknown, already)."""
    intent = charge.get("payment_intent")
    if not isinstance(intent, str) or not intent:
        return False
    amount, refunded = int(charge.get("amount") or 0), int(charge.get("amount_refunded") or 0)
    if not (charge.get("refunded") is True or (amount > 0 and refunded >= amount)):
        log.warning("charge %s: %s of %s refunded; the order stays paid", charge.get("id"), refunded, amount)
        return False
    for company_id in await _companies(db, charge):
        async with tenant_session(db, company_id) as ts:
            order = await store.by_payment_intent(ts, intent, for_update=True)
            if order is not None:
                return await store.mark_refunded(ts, order)
    log.warning("charge %s (payment %s) is refunded but no chat order has it", charge.get("id"), intent)
    return False


async def _companies(db: Database, charge: dict[str, Any]) -> list[uuid.UUID]:
    metadata = _object(charge.get("metadata"))
    try:
        return [uuid.UUID(str(metadata["x8_company_id"]))]
    except (KeyError, ValueError):
        pass
    destination = _object(charge.get("transfer_data")).get("destination") or charge.get("destination")
    if not isinstance(destination, str) or not destination:
        return []
    async with db.sessions() as session:
        rows = await session.execute(
            select(Company.id)
            .join(ConnectedAccount, ConnectedAccount.business_id == Company.owner_id)
            .where(ConnectedAccount.account_id == destination)
        )
        return [row[0] for row in rows]


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
