"""What a payment does to an order, the same code for Stripe's webhook and the sandbox's Pay button (SPEC.md R-P2,
R-E5): the order becomes ``paid`` (once: the update is guarded by the order's status), the conversation ``paid``,
and the customer's ``after_payment`` message is stored in that same transaction and sent after it commits.

A rerun (a job retried after its worker died, a webhook delivered twice, the Pay button pressed twice) finds the
order paid and changes nothing; it only makes sure the thank-you that was stored is on its way.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, update

from x8.conversations.assistant.behaviour import BehaviourSet
from x8.kit.db import Database
from x8.platform.assistant.service import behaviour_set
from x8.platform.booking.tasks import schedule_booking_offer
from x8.platform.companies.models import Company
from x8.platform.conversations.tasks import schedule_send
from x8.platform.orders import store
from x8.platform.orders.store import Order, Payment
from x8.platform.payments import notices
from x8.settings import Settings
from x8.tenancy.session import TenantSession, tenant_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompanyFacts:
    language: str
    behaviour: BehaviourSet


async def company_facts(db: Database, company_id: uuid.UUID) -> CompanyFacts | None:
    """The company's language and behaviour settings; None when the company is gone (with its orders)."""
    async with db.sessions() as session:
        company = await session.get(Company, company_id)
        if company is None:
            return None
        return CompanyFacts(language=company.language, behaviour=await behaviour_set(session, company_id))


def scenario_allows(behaviour: BehaviourSet, channel_id: uuid.UUID | None, scenario: notices.Scenario) -> bool:
    """The business did not switch this scenario (or the assistant on that channel) off (R-M4)."""
    base = behaviour.for_channel(str(channel_id) if channel_id else None)
    own = behaviour.scenarios.get(scenario)
    return (own.over(base) if own else base).enabled is not False


@dataclass(frozen=True)
class Outcome:
    order: Order
    newly_paid: bool = False
    refused: Literal["amount_mismatch", "closed"] | None = None


async def fulfil(
    db: Database,
    settings: Settings,
    company_id: uuid.UUID,
    order_id: uuid.UUID,
    payment: Payment,
    *,
    sandbox: bool = False,
) -> Outcome | None:
    """Record a payment for the order. None: no such order (or company) any more.

    Stripe's word is the truth about money: a verified payment of the order's exact amount marks it paid even if
    X8 had given up on it (``expired``, ``failed``). A different amount or currency is not a payment of this order:
    it is ``failed`` with ``amount_mismatch`` and logged for a person to look at. The sandbox pays pending orders
    only."""
    facts = await company_facts(db, company_id)
    if facts is None:
        return None
    thank_you: uuid.UUID | None = None
    async with tenant_session(db, company_id) as ts:
        order = await store.get(ts, order_id, for_update=True)
        if order is None:
            return None
        if order.status == "paid":
            outcome = Outcome(order)
            thank_you = order.after_payment_message_id
        elif order.status != "pending" and (sandbox or order.status not in ("expired", "failed")):
            return Outcome(order, refused="closed")
        elif payment.amount != order.amount or payment.currency.upper() != order.currency.upper():
            log.error(
                "order %s of company %s: paid %s %s, but it is for %s %s; marked failed",
                order.id,
                company_id,
                payment.amount,
                payment.currency,
                order.amount,
                order.currency,
            )
            await store.close(ts, order, "failed", reason="amount_mismatch")
            return Outcome(order, refused="amount_mismatch")
        else:
            paid = await store.mark_paid(ts, order, payment, reopen=order.status != "pending")
            assert paid is not None  # the row is locked and was payable
            outcome = Outcome(paid, newly_paid=True)
            thank_you = await _store_thank_you(ts, paid, facts)
    if thank_you is not None:
        await schedule_send(company_id, thank_you)
    if outcome.newly_paid:
        await _count_paid(db, company_id)
        for hook in AFTER_PAYMENT_HOOKS:
            await hook(db, settings, company_id, outcome.order)
    return outcome


async def _store_thank_you(ts: TenantSession, order: Order, facts: CompanyFacts) -> uuid.UUID | None:
    buyer = await store.buyer(ts, order.conversation_id) if order.conversation_id else None
    if buyer is None or not scenario_allows(facts.behaviour, buyer.channel_id, "after_payment"):
        return None
    return await notices.tell(
        ts, order, buyer, notices.thank_you(order), "after_payment", company_language=facts.language
    )


async def _count_paid(db: Database, company_id: uuid.UUID) -> None:
    """R-M8: one more paid transaction, one payment request fewer left unpaid."""
    async with db.sessions() as session, session.begin():
        await session.execute(
            update(Company)
            .where(Company.id == company_id)
            .values(type3_paid=Company.type3_paid + 1, type2_unpaid=func.greatest(Company.type2_unpaid - 1, 0))
        )


async def offer_booking_after_payment(db: Database, settings: Settings, company_id: uuid.UUID, order: Order) -> None:
    """A Product order (or a Service row) goes on to a city, a slot and an address (SPEC.md §11, "After payment"),
    in a job of its own, so a failure there is retried and never undoes the payment."""
    await schedule_booking_offer(company_id, order.id)


AFTER_PAYMENT_HOOKS: list[Callable[[Database, Settings, uuid.UUID, Order], Awaitable[None]]] = [
    offer_booking_after_payment
]


async def close(
    db: Database,
    company_id: uuid.UUID,
    order_id: uuid.UUID,
    status: Literal["expired", "failed"],
    *,
    reason: str | None = None,
    session_id: str | None = None,
) -> bool:
    """A pending order that will not be paid through its link: its checkout expired, or payment failed. With
    ``session_id``, only if that checkout is the order's. False when there was nothing to close."""
    async with db.sessions() as session:
        if await session.get(Company, company_id) is None:
            return False
    async with tenant_session(db, company_id) as ts:
        order = await store.get(ts, order_id, for_update=True)
        if order is None:
            return False
        return await store.close(ts, order, status, reason=reason, session_id=session_id)
