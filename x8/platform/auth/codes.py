"""One-time email codes (registration, password reset) and magic-link tokens (R-A1, R-A3).

Only an HMAC of each secret is stored. A code is valid for 10 minutes, is single use and allows at
most five tries. Checking runs in its own transaction so that a wrong try is counted even though the
request itself fails.
"""

from __future__ import annotations

import hmac
import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.errors import BadRequest
from x8.kit.i18n import Message, msg
from x8.kit.security import new_numeric_code, new_url_token, secret_digest
from x8.platform.users.models import EmailCode

CODE_TTL = timedelta(minutes=10)
MAGIC_TTL = timedelta(minutes=15)
VERIFIED_GRACE = timedelta(minutes=30)
MAX_ATTEMPTS = 5


class Purpose(StrEnum):
    REGISTER = "register"
    RESET = "reset"
    MAGIC = "magic"
    DELETE_ACCOUNT = "delete_account"


async def _supersede(session: AsyncSession, email: str, purpose: Purpose) -> None:
    await session.execute(
        update(EmailCode)
        .where(EmailCode.email == email, EmailCode.purpose == purpose, EmailCode.consumed_at.is_(None))
        .values(consumed_at=utcnow())
    )


def new_code() -> str:
    return new_numeric_code()


def new_magic_token() -> str:
    return new_url_token()


async def store_code(session: AsyncSession, secret_key: str, email: str, purpose: Purpose, code: str) -> None:
    """Keep a code that was just sent (sent first, so an email outage stores nothing and no transaction waits on
    the mail server), replacing any earlier one for the same email and purpose."""
    await _supersede(session, email, purpose)
    session.add(
        EmailCode(
            email=email,
            purpose=purpose,
            secret_hash=secret_digest(secret_key, purpose, email, code),
            expires_at=utcnow() + CODE_TTL,
        )
    )


async def store_magic_token(session: AsyncSession, secret_key: str, email: str, token: str) -> None:
    await _supersede(session, email, Purpose.MAGIC)
    session.add(
        EmailCode(
            email=email,
            purpose=Purpose.MAGIC,
            secret_hash=secret_digest(secret_key, Purpose.MAGIC, token),
            expires_at=utcnow() + MAGIC_TTL,
        )
    )


async def check_code(
    db: Database, secret_key: str, email: str, purpose: Purpose, code: str, *, mark_verified: bool
) -> uuid.UUID:
    """Check a code in its own transaction; count wrong tries. Returns the code's id."""
    now = utcnow()
    async with db.sessions() as session:
        row = (
            await session.execute(
                select(EmailCode)
                .where(EmailCode.email == email, EmailCode.purpose == purpose, EmailCode.consumed_at.is_(None))
                .order_by(EmailCode.created_at.desc())
                .limit(1)
                .with_for_update()
            )
        ).scalar_one_or_none()
        problem = _problem(row, secret_key, email, purpose, code, now)
        if row is not None and problem is None and mark_verified and row.verified_at is None:
            row.verified_at = now
        await session.commit()
    if problem is not None:
        raise BadRequest(problem)
    assert row is not None
    return row.id


def _problem(
    row: EmailCode | None, secret_key: str, email: str, purpose: Purpose, code: str, now: datetime
) -> Message | None:
    """What is wrong with this try, if anything. A wrong code counts one attempt on ``row``."""
    if row is None:
        return msg("There is no active code for this email. It was already used or replaced; request a new one.")
    if row.expires_at <= now:
        return msg("This code has expired. Request a new one.")
    if row.attempts >= MAX_ATTEMPTS:
        return msg("Too many wrong attempts. Request a new code.")
    if hmac.compare_digest(secret_digest(secret_key, purpose, email, code), row.secret_hash):
        return None
    row.attempts += 1
    left = MAX_ATTEMPTS - row.attempts
    if left <= 0:
        return msg("Wrong code. No attempts left: request a new code.")
    return msg("Wrong code. {left} {left:plural:attempt|attempts} left.", left=left)


async def consume(session: AsyncSession, code_id: uuid.UUID) -> None:
    """Mark a code used, inside the caller's transaction. Fails if someone used it first."""
    result = await session.execute(
        update(EmailCode)
        .where(EmailCode.id == code_id, EmailCode.consumed_at.is_(None))
        .values(consumed_at=utcnow())
        .returning(EmailCode.id)
    )
    if result.scalar_one_or_none() is None:
        raise BadRequest(msg("This code was already used. Request a new one."))


async def take_verified_registration(session: AsyncSession, email: str) -> None:
    """Consume the verified registration code for ``email``; refuse if the email was not verified."""
    now = utcnow()
    row = (
        await session.execute(
            select(EmailCode)
            .where(
                EmailCode.email == email,
                EmailCode.purpose == Purpose.REGISTER,
                EmailCode.consumed_at.is_(None),
                EmailCode.verified_at.is_not(None),
            )
            .order_by(EmailCode.created_at.desc())
            .limit(1)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None or row.verified_at is None or row.verified_at + VERIFIED_GRACE <= now:
        raise BadRequest(msg("Verify your email with the code we sent before completing registration."))
    row.consumed_at = now


async def take_magic_token(session: AsyncSession, secret_key: str, token: str) -> str:
    """Consume a magic-link token and return its email."""
    now = utcnow()
    row = (
        await session.execute(
            select(EmailCode)
            .where(
                EmailCode.secret_hash == secret_digest(secret_key, Purpose.MAGIC, token),
                EmailCode.purpose == Purpose.MAGIC,
            )
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None or row.consumed_at is not None or row.expires_at <= now:
        raise BadRequest(msg("This sign-in link is invalid, was already used or has expired. Request a new one."))
    row.consumed_at = now
    return row.email
