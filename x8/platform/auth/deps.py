"""Authentication and role dependencies (R-A5). Role checks are dependencies, never inline ifs."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.clock import utcnow
from x8.kit.db import SessionDep
from x8.kit.errors import Forbidden, Unauthorized
from x8.kit.security import InvalidToken, TokenType, decode_token
from x8.platform.users.models import AuthSession, Role, User

bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/login")


@dataclass
class Principal:
    user: User
    session_id: uuid.UUID


def _unauthorized(detail: str) -> Unauthorized:
    return Unauthorized(detail, headers={"WWW-Authenticate": "Bearer"})


async def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("Sign in to continue: no access token was given.")
    principal = await principal_from_token(session, request.app.state.settings.secret_key, credentials.credentials)
    # The lookup's read ends here, so the request holds no transaction while its endpoint calls a provider; the
    # user stays attached to the session, and whatever the endpoint writes starts the next transaction.
    await session.commit()
    return principal


async def principal_from_token(
    session: AsyncSession, secret_key: str, token: str, *, expected_type: TokenType = "access"
) -> Principal:
    """Who a token belongs to, if its sign-in session is still open: an access token, or (for the one place that
    cannot send a header, an EventSource stream) a short-lived stream ticket."""
    try:
        claims = decode_token(secret_key, token, expected_type=expected_type)
        user_id = uuid.UUID(claims["sub"])
        sid = uuid.UUID(str(claims.get("sid")))
    except (InvalidToken, ValueError, KeyError) as exc:
        raise _unauthorized("Invalid or expired access token.") from exc
    row = (
        await session.execute(
            select(User, AuthSession)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(User.id == user_id, AuthSession.id == sid)
        )
    ).one_or_none()
    if row is None:
        raise _unauthorized("Invalid or expired access token.")
    user, auth_session = row
    if auth_session.revoked_at is not None or auth_session.expires_at <= utcnow():
        raise _unauthorized("This session has ended. Please sign in again.")
    if not user.is_active:
        raise _unauthorized("This account is disabled.")
    return Principal(user=user, session_id=sid)


async def get_current_user(principal: Annotated[Principal, Depends(get_principal)]) -> User:
    return principal.user


def require_role(*roles: Role) -> Callable[[User], Awaitable[User]]:
    allowed = {r.value for r in roles}

    async def dependency(user: Annotated[User, Depends(get_current_user)]) -> User:
        if user.role not in allowed:
            raise Forbidden(f"This action needs the {' or '.join(sorted(allowed))} role.")
        return user

    return dependency


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
CurrentUser = Annotated[User, Depends(get_current_user)]
AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
ManagerUser = Annotated[User, Depends(require_role(Role.MANAGER))]
ManagerOrAdmin = Annotated[User, Depends(require_role(Role.MANAGER, Role.ADMIN))]
