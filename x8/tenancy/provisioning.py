"""The seam between the control plane and tenant storage (SPEC.md §9, R-T3).

``provision_tenant`` runs inside the same transaction that inserts the company row, so a failure leaves
nothing half-made; ``drop_tenant`` runs inside the transaction that deletes it. The tenancy issue turns
these into schema + roles + RLS provisioning; until then a company only reserves its schema name, which
is derived from its id and never from user text.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession


def schema_name(company_uuid: uuid.UUID) -> str:
    return f"t_{company_uuid.hex}"


async def provision_tenant(session: AsyncSession, company_uuid: uuid.UUID) -> str:
    """Create the tenant's storage and return its schema name."""
    del session  # storage is created by the tenancy layer once it exists (issue: tenancy)
    return schema_name(company_uuid)


async def drop_tenant(session: AsyncSession, company_uuid: uuid.UUID) -> None:
    """Remove everything the tenant's storage holds."""
    del session, company_uuid
