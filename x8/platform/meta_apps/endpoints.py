"""The admin's Meta app pool: ``/api/v1/admin/meta-apps``. Every change is audited (never with the secret)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from x8.kit.db import SessionDep
from x8.kit.deps import SettingsDep
from x8.kit.errors import Conflict, Forbidden, NotFound, error_responses
from x8.platform.audit.service import audit
from x8.platform.auth.deps import AdminUser
from x8.platform.channels.meta_lookup import forget_app_secrets
from x8.platform.meta_apps import pool
from x8.platform.meta_apps.schemas import MetaAppCreate, MetaAppList, MetaAppOut, MetaAppUpdate
from x8.platform.vault.keys import vault_keys

router = APIRouter(prefix="/api/v1/admin/meta-apps", tags=["admin"], responses=error_responses(Forbidden))


@router.get("", response_model=MetaAppList)
async def list_meta_apps(admin: AdminUser, session: SessionDep, settings: SettingsDep) -> MetaAppList:
    """The pool, oldest first, with how many businesses each app serves; secrets masked."""
    items = await pool.list_apps(session, vault_keys(settings))
    return MetaAppList(items=items, total=len(items))


@router.post("", response_model=MetaAppOut, status_code=201, responses=error_responses(Conflict))
async def add_meta_app(
    body: MetaAppCreate, request: Request, admin: AdminUser, session: SessionDep, settings: SettingsDep
) -> MetaAppOut:
    """Add a pre-reviewed app; its secret goes to the vault and is never answered. An app id already in the pool
    is 409."""
    app_id = await pool.create_app(session, vault_keys(settings), body)
    await audit(session, request, admin.id, "admin.meta_app_created", ("meta_app", app_id), {"app_id": body.app_id})
    forget_app_secrets()  # this process's next Meta webhook checks signatures with the pool as it is now
    return await pool.get_app(session, vault_keys(settings), app_id)


@router.patch("/{app_id}", response_model=MetaAppOut, responses=error_responses(NotFound))
async def edit_meta_app(
    app_id: uuid.UUID,
    body: MetaAppUpdate,
    request: Request,
    admin: AdminUser,
    session: SessionDep,
    settings: SettingsDep,
) -> MetaAppOut:
    """Rename, re-key, change products, status or capacity; only the fields sent change."""
    changed = await pool.update_app(session, vault_keys(settings), app_id, body)
    await audit(session, request, admin.id, "admin.meta_app_updated", ("meta_app", app_id), {"fields": changed})
    forget_app_secrets()
    return await pool.get_app(session, vault_keys(settings), app_id)


@router.delete("/{app_id}", status_code=204, responses=error_responses(NotFound, Conflict))
async def remove_meta_app(app_id: uuid.UUID, request: Request, admin: AdminUser, session: SessionDep) -> Response:
    """Remove an app no business uses (409 otherwise: disable it instead)."""
    await pool.delete_app(session, app_id)
    await audit(session, request, admin.id, "admin.meta_app_deleted", ("meta_app", app_id))
    forget_app_secrets()
    return Response(status_code=204)
