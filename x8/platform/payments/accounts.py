"""Where a business's Stripe connected account is kept, and what Stripe last said about it (SPEC.md R-P1).

The one module that reads or writes ``connected_accounts``: when the vault issue moves account ids into the vault,
this is what changes. Every function is a short transaction of its own, so callers hold none while they call
Stripe. What Stripe says about an account (an ``account.updated`` event, or a retrieve) is stored only when it is
newer than what is stored (``state_as_of``): webhooks arrive in any order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert

from x8.kit.db import Database
from x8.platform.companies.models import Company
from x8.platform.payments.models import ConnectedAccount

ConnectStatus = Literal["not_connected", "pending", "enabled", "restricted"]


@dataclass(frozen=True)
class AccountState:
    """A connected account as X8 last heard of it. ``account_id`` None: the business has none (now)."""

    account_id: str | None
    generation: int
    charges_enabled: bool = False
    payouts_enabled: bool = False
    details_submitted: bool = False
    transfers_active: bool = False
    requirements: tuple[str, ...] = ()
    disabled_reason: str | None = None

    @property
    def status(self) -> ConnectStatus:
        """``enabled``: chat orders can be paid to it (charges on, and transfers active for destination charges);
        ``pending``: onboarding is not finished, or Stripe is still verifying; ``restricted``: onboarding was
        finished but Stripe needs more before it takes payments."""
        if self.account_id is None:
            return "not_connected"
        if self.charges_enabled and self.transfers_active:
            return "enabled"
        if not self.details_submitted or self.disabled_reason in (None, "requirements.pending_verification"):
            return "pending"
        return "restricted"

    @property
    def enabled(self) -> bool:
        return self.status == "enabled"


NOT_CONNECTED = AccountState(account_id=None, generation=0)


def state_from_stripe(account: dict[str, Any]) -> dict[str, Any]:
    """The columns kept from a Stripe account object (``account.updated``'s ``data.object``, or a retrieve)."""
    requirements = account.get("requirements") or {}
    due: list[str] = []
    for key in ("past_due", "currently_due"):
        due += [str(r) for r in requirements.get(key) or [] if str(r) not in due]
    capabilities = account.get("capabilities") or {}
    return {
        "charges_enabled": bool(account.get("charges_enabled")),
        "payouts_enabled": bool(account.get("payouts_enabled")),
        "details_submitted": bool(account.get("details_submitted")),
        "transfers_active": capabilities.get("transfers") == "active",
        "requirements": due,
        "disabled_reason": requirements.get("disabled_reason"),
    }


def _state(row: ConnectedAccount | None) -> AccountState:
    if row is None:
        return NOT_CONNECTED
    return AccountState(
        account_id=row.account_id,
        generation=row.generation,
        charges_enabled=row.charges_enabled,
        payouts_enabled=row.payouts_enabled,
        details_submitted=row.details_submitted,
        transfers_active=row.transfers_active,
        requirements=tuple(str(r) for r in row.requirements),
        disabled_reason=row.disabled_reason,
    )


async def of_business(db: Database, business_id: uuid.UUID) -> AccountState:
    async with db.sessions() as session:
        return _state(await session.get(ConnectedAccount, business_id))


async def of_company(db: Database, company_id: uuid.UUID) -> AccountState:
    """The account the company's business is paid to."""
    async with db.sessions() as session:
        row = (
            await session.execute(
                select(ConnectedAccount)
                .join(Company, Company.owner_id == ConnectedAccount.business_id)
                .where(Company.id == company_id)
            )
        ).scalar_one_or_none()
        return _state(row)


async def keep_new_account(db: Database, business_id: uuid.UUID, generation: int, account_id: str) -> AccountState:
    """Keep the account just created at Stripe for this business, unless one is kept already (two onboardings at
    once create the same account: they send the same idempotency key). Returns what is kept now."""
    async with db.sessions() as session, session.begin():
        statement = insert(ConnectedAccount).values(business_id=business_id, account_id=account_id)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[ConnectedAccount.business_id],
                set_={"account_id": account_id, "updated_at": func.now()},
                where=(ConnectedAccount.account_id.is_(None)) & (ConnectedAccount.generation == generation),
            )
        )
        return _state(await session.get(ConnectedAccount, business_id, populate_existing=True))


async def record_state(db: Database, account_id: str, account: dict[str, Any], *, as_of: datetime) -> bool:
    """Store what Stripe says about the account, unless a newer view is stored already. False when the account is
    not (or no longer) any business's."""
    async with db.sessions() as session, session.begin():
        result = await session.execute(
            update(ConnectedAccount)
            .where(
                ConnectedAccount.account_id == account_id,
                or_(ConnectedAccount.state_as_of.is_(None), ConnectedAccount.state_as_of <= as_of),
            )
            .values(**state_from_stripe(account), state_as_of=as_of, updated_at=func.now())
            .returning(ConnectedAccount.business_id)
        )
        return result.first() is not None


async def forget(db: Database, account_id: str) -> uuid.UUID | None:
    """The account is no longer the business's (disconnected here, or deauthorized at Stripe): its id and state go,
    and the next onboarding makes a new account. Returns the business it was, or None if no business had it."""
    async with db.sessions() as session, session.begin():
        result = await session.execute(
            update(ConnectedAccount)
            .where(ConnectedAccount.account_id == account_id)
            .values(
                account_id=None,
                generation=ConnectedAccount.generation + 1,
                charges_enabled=False,
                payouts_enabled=False,
                details_submitted=False,
                transfers_active=False,
                requirements=[],
                disabled_reason=None,
                state_as_of=None,
                updated_at=func.now(),
            )
            .returning(ConnectedAccount.business_id)
        )
        business_id: uuid.UUID | None = result.scalar_one_or_none()
        return business_id


def event_time(created: Any) -> datetime:
    """A Stripe event's ``created`` (Unix seconds) as a time."""
    return datetime.fromtimestamp(int(created), UTC)
