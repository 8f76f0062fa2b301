"""Asking for an account's deletion: check who asks, lock the account out at once, and start the job."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.db import Database
from x8.kit.errors import BadRequest, Forbidden, NotFound
from x8.kit.i18n import msg
from x8.kit.security import verify_password
from x8.platform.auth import codes
from x8.platform.auth.sessions import revoke_all
from x8.platform.channels.models import Channel
from x8.platform.companies.models import Company
from x8.platform.deletion.models import AccountDeletion, AccountDeletionStep, StepStatus
from x8.platform.deletion.schemas import DeleteAccountIn, DeletionStatusOut, DeletionStepOut
from x8.platform.deletion.steps import STEP_NAMES, Subject
from x8.platform.payments.models import ConnectedAccount
from x8.platform.users.models import Role, User


async def confirm_identity(db: Database, secret_key: str, user: User, body: DeleteAccountIn) -> uuid.UUID | None:
    """400 for a wrong password or code (not 401: the caller is signed in, and a 401 would read as a lost session);
    the code's id (to consume with the request) if a code."""
    if body.password is not None:
        if user.hashed_password is None or not verify_password(body.password, user.hashed_password):
            raise BadRequest(msg("The password is wrong. Nothing was deleted."))
        return None
    if body.code is not None:
        return await codes.check_code(
            db, secret_key, user.email, codes.Purpose.DELETE_ACCOUNT, body.code, mark_verified=False
        )
    if user.hashed_password is None:
        raise BadRequest(msg("Confirm with the code we email you: ask for it with send-verification-code."))
    raise BadRequest(msg("Confirm with your password."))


async def start(session: AsyncSession, user: User, code_id: uuid.UUID | None) -> AccountDeletion:
    """In the request's transaction: the account is locked out (no sign-in, every session ended) and the job with
    its steps is written, all or nothing."""
    if user.role == Role.ADMIN:
        raise Forbidden(msg("An administrator account cannot delete itself; another administrator removes it."))
    if code_id is not None:
        await codes.consume(session, code_id)
    companies = (await session.scalars(select(Company.id).where(Company.owner_id == user.id))).all()
    channels = (await session.scalars(select(Channel.id).where(Channel.company_id.in_(companies)))).all()
    accounts = (
        await session.scalars(select(ConnectedAccount.account_id).where(ConnectedAccount.business_id == user.id))
    ).all()
    provider_ids = [str(c) for c in channels] + [str(a) for a in (*accounts, user.stripe_customer_id) if a]
    subject = Subject(user.id, user.email, tuple(companies), tuple(provider_ids))
    user.is_active = False
    await revoke_all(session, user.id, "account_deleted")
    deletion = AccountDeletion(user_id=user.id, subject=subject.as_json())
    session.add(deletion)
    await session.flush()
    for position, name in enumerate(STEP_NAMES):
        session.add(AccountDeletionStep(deletion_id=deletion.id, position=position, name=name))
    await session.flush()
    return deletion


async def status(session: AsyncSession, deletion_id: uuid.UUID) -> DeletionStatusOut:
    deletion = await session.get(AccountDeletion, deletion_id)
    if deletion is None:
        raise NotFound(msg("No such deletion."))
    steps = (
        await session.scalars(
            select(AccountDeletionStep)
            .where(AccountDeletionStep.deletion_id == deletion_id)
            .order_by(AccountDeletionStep.position)
        )
    ).all()
    return DeletionStatusOut(
        status=deletion.status,
        steps=[
            DeletionStepOut(
                name=s.name,
                status=s.status,
                attempts=s.attempts,
                last_error=s.last_error,
            )
            for s in steps
        ],
    )


async def running_for(session: AsyncSession, user_id: uuid.UUID) -> uuid.UUID | None:
    return await session.scalar(
        select(AccountDeletion.id).where(AccountDeletion.user_id == user_id, AccountDeletion.status == "running")
    )


__all__ = ["StepStatus", "confirm_identity", "running_for", "start", "status"]
