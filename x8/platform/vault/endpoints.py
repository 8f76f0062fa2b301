"""The vault API (SPEC.md §12 R-V1, R-V2): masked lists, audited reveals and edits, the vault's audit log."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from x8.kit.client import client_ip
from x8.kit.db import SessionDep
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, NotFound, error_responses
from x8.kit.i18n import msg
from x8.kit.pagination import Limit, Offset
from x8.platform.auth.deps import CurrentUser
from x8.platform.users.models import User
from x8.platform.vault import access, audit_log, repository, service
from x8.platform.vault.audit_log import Actor
from x8.platform.vault.schemas import AuditItem, AuditList, Revealed, SecretList, SecretOut, SecretUpdate

router = APIRouter(prefix="/api/v1/vault", tags=["vault"], responses=error_responses(NotFound))


def _actor(request: Request, user: User) -> Actor:
    return Actor(id=user.id, role=str(user.role), ip=client_ip(request))


@router.get("/secrets", response_model=SecretList)
async def list_secrets(
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    company_id: uuid.UUID | None = None,
    client_id: uuid.UUID | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> SecretList:
    """The caller's secrets, masked: a business its own, a manager their businesses', the admin all."""
    conditions = await access.list_conditions(session, user, client_id=client_id, company_id=company_id)
    secrets, total = await repository.list_secrets(session, conditions, limit=limit, offset=offset)
    return SecretList(items=[service.masked(settings, s) for s in secrets], total=total)


@router.post("/secrets/{secret_id}/reveal", response_model=Revealed)
async def reveal_secret(
    secret_id: uuid.UUID, request: Request, user: CurrentUser, db: DatabaseDep, settings: SettingsDep
) -> Revealed:
    """The value itself, written to the audit log (so is an attempt without the right, which answers 404)."""
    return Revealed(value=await service.reveal(db, settings, user, _actor(request, user), secret_id))


@router.put("/secrets/{secret_id}", response_model=SecretOut, responses=error_responses(BadRequest))
async def update_secret(
    secret_id: uuid.UUID,
    body: SecretUpdate,
    request: Request,
    user: CurrentUser,
    db: DatabaseDep,
    settings: SettingsDep,
) -> SecretOut:
    """Replace the value (and the label), audited. A channel's token is checked with its provider first: one it
    refuses is 400 and the old one stays."""
    secret = await service.update(db, settings, user, _actor(request, user), secret_id, body.value, body.label)
    return service.masked(settings, secret)


@router.get("/audit", response_model=AuditList)
async def vault_audit(
    user: CurrentUser,
    session: SessionDep,
    client_id: uuid.UUID | None = None,
    secret_id: uuid.UUID | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditList:
    """Reveals, edits and rotations, newest first: a business sees its own, a manager their businesses', the
    admin all."""
    if client_id is not None and not await access.can_see_client(session, user, client_id):
        raise NotFound(msg("Client not found."))
    entries, total = await audit_log.list_entries(
        session, user, client_id=client_id, secret_id=secret_id, limit=limit, offset=offset
    )
    items = [
        AuditItem(
            at=e.at,
            actor_id=e.actor_id,
            actor_role=e.actor_role,
            action=e.action,
            secret_id=uuid.UUID(e.secret_id) if e.secret_id else None,
            ip=e.ip,
            denied=e.denied,
        )
        for e in entries
    ]
    return AuditList(items=items, total=total)
