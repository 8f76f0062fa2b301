"""``DELETE /api/v1/users/me`` and the deletion's status (SPEC.md R-S5)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from x8.kit.client import client_ip
from x8.kit.db import SessionDep, after_commit
from x8.kit.deps import DatabaseDep, SettingsDep
from x8.kit.errors import BadRequest, Forbidden, NotFound, Unauthorized, error_responses
from x8.platform.audit.service import record
from x8.platform.auth.deps import CurrentUser
from x8.platform.deletion import service, tasks
from x8.platform.deletion.schemas import DeleteAccountIn, DeletionStarted, DeletionStatusOut

router = APIRouter(prefix="/api/v1/users", tags=["users"])


@router.delete(
    "/me",
    status_code=202,
    response_model=DeletionStarted,
    responses=error_responses(BadRequest, Unauthorized, Forbidden),
)
async def delete_account(
    body: DeleteAccountIn,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> DeletionStarted:
    """Delete the account and everything of it, in every system: confirmed with the password (or an emailed code
    for an account without one). From this moment the account cannot sign in; the deletion runs as a job whose
    steps can be followed at ``status_url`` without signing in."""
    code_id = await service.confirm_identity(db, settings.secret_key, user, body)
    deletion = await service.start(session, user, code_id)
    await record(
        session,
        actor_id=None,
        action="account.deletion_requested",
        target_type="account_deletion",
        target_id=str(deletion.id),
        ip=client_ip(request),
    )
    deletion_id = deletion.id
    after_commit(session, lambda: tasks.schedule(deletion_id))
    return DeletionStarted(job_id=deletion_id, status_url=f"/api/v1/users/me/deletion/{deletion_id}")


@router.get("/me/deletion/{job_id}", response_model=DeletionStatusOut, responses=error_responses(NotFound))
async def deletion_status(job_id: uuid.UUID, session: SessionDep) -> DeletionStatusOut:
    """No token needed: the id is an unguessable UUID and the answer holds nothing personal (the account may be
    gone already)."""
    return await service.status(session, job_id)
