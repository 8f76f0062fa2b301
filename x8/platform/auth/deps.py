"""Who is calling (R-A5): one authenticator yields a principal, and role and scope checks are dependencies, never
inline ifs.

Principals are of two kinds. A **user** signs in and is governed by roles plus company visibility. A **tenant key**
(``X-X8-Tenant-Key``, a machine client such as n8n) belongs to one company and is governed by scopes; the key, never
a parameter, decides the tenant. Each kind has its own credential dependency, so the OpenAPI schema shows each
route the one credential it takes; both go through ``authenticate``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from x8.kit.clock import utcnow
from x8.kit.db import SessionDep
from x8.kit.errors import Forbidden, Unauthorized
from x8.kit.i18n import Message, msg
from x8.kit.security import InvalidToken, TokenType, decode_token
from x8.platform.companies.models import Company
from x8.platform.tenant_keys.repository import find_live
from x8.platform.users.models import AuthSession, Role, User

bearer = HTTPBearer(auto_error=False, description="Access token from /api/v1/auth/login")
tenant_key_header = APIKeyHeader(
    name="X-X8-Tenant-Key", auto_error=False, description="A company's tenant API key (POST /companies/{id}/n8n-key)"
)


class Scope(StrEnum):
    """What a machine principal may do. Users are not scoped: their role and the company's visibility decide."""

    KB_READ = "kb:read"
    SETTINGS_READ = "settings:read"
    CONVERSATIONS_READ = "conversations:read"
    MESSAGES_WRITE = "messages:write"
    PAYMENTS_WRITE = "payments:write"
    BOOKINGS_WRITE = "bookings:write"


# Everything R-N3 lets n8n do; a narrower key is a list away when another machine client comes.
TENANT_KEY_SCOPES = [s.value for s in Scope]


@dataclass
class UserPrincipal:
    user: User
    session_id: uuid.UUID


@dataclass(frozen=True)
class TenantKeyPrincipal:
    key_id: uuid.UUID
    company: Company
    scopes: frozenset[str]


Principal = UserPrincipal | TenantKeyPrincipal


def _unauthorized(detail: Message) -> Unauthorized:
    return Unauthorized(detail, headers={"WWW-Authenticate": "Bearer"})


async def authenticate(
    session: AsyncSession, secret_key: str, *, access_token: str | None = None, tenant_key: str | None = None
) -> Principal:
    """The principal behind a credential, or 401. The lookup's read ends here, so the request holds no transaction
    while its endpoint calls a provider; what the principal holds stays attached to the session, and whatever the
    endpoint writes starts the next transaction."""
    principal: Principal
    if tenant_key is not None:
        live = await find_live(session, tenant_key)
        if live is None:
            refused = msg("The tenant key is missing, wrong or revoked.")
            raise Unauthorized(refused, headers={"WWW-Authenticate": "ApiKey"})
        principal = TenantKeyPrincipal(key_id=live.id, company=live.company, scopes=live.scopes)
    elif access_token is not None:
        principal = await principal_from_token(session, secret_key, access_token)
    else:
        raise _unauthorized(msg("Sign in to continue: no access token was given."))
    await session.commit()
    return principal


async def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> UserPrincipal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized(msg("Sign in to continue: no access token was given."))
    principal = await authenticate(session, request.app.state.settings.secret_key, access_token=credentials.credentials)
    assert isinstance(principal, UserPrincipal)
    return principal


async def get_tenant_key_principal(
    request: Request, session: SessionDep, key: Annotated[str | None, Depends(tenant_key_header)]
) -> TenantKeyPrincipal:
    principal = await authenticate(session, request.app.state.settings.secret_key, tenant_key=key or "")
    assert isinstance(principal, TenantKeyPrincipal)
    return principal


def require_scope(scope: Scope) -> Callable[[TenantKeyPrincipal], Awaitable[TenantKeyPrincipal]]:
    async def dependency(
        principal: Annotated[TenantKeyPrincipal, Depends(get_tenant_key_principal)],
    ) -> TenantKeyPrincipal:
        if scope.value not in principal.scopes:
            raise Forbidden(msg("This key may not {scope}.", scope=scope.value))
        return principal

    return dependency


async def principal_from_token(
    session: AsyncSession, secret_key: str, token: str, *, expected_type: TokenType = "access"
) -> UserPrincipal:
    """Who a token belongs to, if its sign-in session is still open: an access token, or (for the one place that
    cannot send a header, an EventSource stream) a short-lived stream ticket."""
    try:
        claims = decode_token(secret_key, token, expected_type=expected_type)
        user_id = uuid.UUID(claims["sub"])
        sid = uuid.UUID(str(claims.get("sid")))
    except (InvalidToken, ValueError, KeyError) as exc:
        raise _unauthorized(msg("Invalid or expired access token.")) from exc
    row = (
        await session.execute(
            select(User, AuthSession)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(User.id == user_id, AuthSession.id == sid)
        )
    ).one_or_none()
    if row is None:
        raise _unauthorized(msg("Invalid or expired access token."))
    user, auth_session = row
    if auth_session.revoked_at is not None or auth_session.expires_at <= utcnow():
        raise _unauthorized(msg("This session has ended. Please sign in again."))
    if not user.is_active:
        raise _unauthorized(msg("This account is disabled."))
    return UserPrincipal(user=user, session_id=sid)


async def get_current_user(principal: Annotated[UserPrincipal, Depends(get_principal)]) -> User:
    return principal.user


def require_role(*roles: Role) -> Callable[[User], Awaitable[User]]:
    allowed = {r.value for r in roles}

    async def dependency(user: Annotated[User, Depends(get_current_user)]) -> User:
        if user.role not in allowed:
            raise Forbidden(msg("This action needs the {roles:or} role.", roles=sorted(allowed)))
        return user

    return dependency


CurrentPrincipal = Annotated[UserPrincipal, Depends(get_principal)]
CurrentUser = Annotated[User, Depends(get_current_user)]
AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
ManagerUser = Annotated[User, Depends(require_role(Role.MANAGER))]
ManagerOrAdmin = Annotated[User, Depends(require_role(Role.MANAGER, Role.ADMIN))]
