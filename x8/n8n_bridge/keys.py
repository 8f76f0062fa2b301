"""Issuing a company's tenant key (``POST /api/v1/companies/{id}/n8n-key``): shown once, a new one revokes the old,
and provisioning then replaces the key's credential in n8n."""

from __future__ import annotations

from fastapi import APIRouter, Request

from x8.kit.db import SessionDep, after_commit
from x8.kit.deps import SettingsDep
from x8.kit.errors import Forbidden, NotFound, error_responses
from x8.n8n_bridge.schemas import TenantKeyOut
from x8.n8n_bridge.tasks import schedule_provisioning
from x8.platform.audit.service import audit
from x8.platform.auth.deps import TENANT_KEY_SCOPES
from x8.platform.companies.scope import EditableCompany
from x8.platform.tenant_keys import repository
from x8.platform.vault.keys import vault_keys

router = APIRouter(prefix="/api/v1/companies", tags=["n8n"])


@router.post("/{company_id}/n8n-key", response_model=TenantKeyOut, responses=error_responses(NotFound, Forbidden))
async def issue_tenant_key(
    company: EditableCompany, request: Request, session: SessionDep, settings: SettingsDep
) -> TenantKeyOut:
    """A new tenant key for n8n (header ``X-X8-Tenant-Key``). The previous key stops working at once."""
    issued = await repository.issue(
        session, vault_keys(settings), company.company, scopes=TENANT_KEY_SCOPES, created_by=company.user.id
    )
    await audit(
        session, request, company.user.id, "tenant_key.issued", ("company", company.id), {"prefix": issued.row.prefix}
    )
    if settings.n8n_api_url and settings.n8n_api_key:

        async def reprovision() -> None:  # n8n's credential still holds the revoked key
            await schedule_provisioning(company.id)

        after_commit(session, reprovision)
    return TenantKeyOut(key=issued.key, created_at=issued.row.created_at)
