"""Login sessions: issuing, rotating and revoking tokens (R-A2).

Each login is an ``AuthSession`` (a refresh-token family). The access token carries the session id
(``sid``), so revoking the session ends its access tokens too. Presenting an already-rotated refresh
token is treated as theft: the whole session is revoked.
"""

from __future__ import annotations

import uuid

from fastapi import Request
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.client import client_ip
from x8.kit.clock import utcnow
from x8.kit.db import Database
from x8.kit.errors import Unauthorized
from x8.kit.i18n import Message, msg
from x8.kit.security import ACCESS_TTL, REFRESH_TTL, InvalidToken, decode_token, encode_token
from x8.platform.auth.schemas import TokenPair
from x8.platform.users.models import AuthSession, User


def _pair(secret_key: str, user: User, auth_session: AuthSession) -> TokenPair:
    subject = str(user.id)
    sid = str(auth_session.id)
    access = encode_token(
        secret_key,
        subject=subject,
        token_type="access",
        ttl=ACCESS_TTL,
        claims={"sid": sid, "role": user.role},
    )
    refresh = encode_token(
        secret_key,
        subject=subject,
        token_type="refresh",
        ttl=REFRESH_TTL,
        claims={"sid": sid, "jti": auth_session.current_jti},
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=int(ACCESS_TTL.total_seconds()))


async def start_session(session: AsyncSession, secret_key: str, user: User, request: Request) -> TokenPair:
    auth_session = AuthSession(
        id=uuid.uuid4(),
        user_id=user.id,
        current_jti=uuid.uuid4().hex,
        expires_at=utcnow() + REFRESH_TTL,
        user_agent=(request.headers.get("user-agent") or "")[:300],
        ip=client_ip(request),
    )
    session.add(auth_session)
    await session.flush()
    return _pair(secret_key, user, auth_session)


async def rotate(db: Database, secret_key: str, refresh_token: str) -> TokenPair:
    """Exchange a refresh token for a new pair. Runs in its own transaction so a detected reuse
    stays revoked even though the request fails."""
    try:
        claims = decode_token(secret_key, refresh_token, expected_type="refresh")
        sid = uuid.UUID(str(claims.get("sid")))
    except (InvalidToken, ValueError) as exc:
        raise Unauthorized(msg("Invalid or expired refresh token. Please sign in again.")) from exc
    now = utcnow()
    async with db.sessions() as session:
        auth_session = (
            await session.execute(select(AuthSession).where(AuthSession.id == sid).with_for_update())
        ).scalar_one_or_none()
        problem: Message | None = None
        user: User | None = None
        if auth_session is None or auth_session.revoked_at is not None or auth_session.expires_at <= now:
            problem = msg("This session has ended. Please sign in again.")
        elif auth_session.current_jti != claims.get("jti"):
            auth_session.revoked_at = now
            auth_session.revoked_reason = "refresh_token_reuse"
            problem = msg("This refresh token was already used, so the session was signed out for safety.")
        else:
            user = await session.get(User, auth_session.user_id)
            if user is None or not user.is_active:
                problem = msg("This account is disabled.")
            else:
                auth_session.current_jti = uuid.uuid4().hex
                auth_session.last_used_at = now
        await session.commit()
    if problem is not None:
        raise Unauthorized(problem)
    assert user is not None and auth_session is not None
    return _pair(secret_key, user, auth_session)


async def revoke(session: AsyncSession, sid: uuid.UUID, reason: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == sid, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


async def revoke_all(session: AsyncSession, user_id: uuid.UUID, reason: str, *, keep: uuid.UUID | None = None) -> None:
    query = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    await session.execute(query.values(revoked_at=utcnow(), revoked_reason=reason))
