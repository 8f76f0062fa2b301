"""Names of a tenant's database objects, derived from the company id and never from user text."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ident(name: str) -> str:
    """Quote a generated identifier after checking it is one of ours."""
    if not _IDENT.match(name):
        raise ValueError(f"refusing unexpected identifier {name!r}")
    return f'"{name}"'


@dataclass(frozen=True)
class TenantNames:
    tenant_id: uuid.UUID

    @property
    def schema(self) -> str:
        return f"t_{self.tenant_id.hex}"

    @property
    def owner_role(self) -> str:
        """Owns the schema and its objects; NOLOGIN. Migrations run as this role."""
        return f"{self.schema}_owner"

    @property
    def app_role(self) -> str:
        """What requests and jobs become (SET LOCAL ROLE) to touch this tenant's data; NOLOGIN."""
        return f"{self.schema}_app"

    @classmethod
    def from_schema(cls, schema: str) -> TenantNames:
        if not schema.startswith("t_") or len(schema) != 34:
            raise ValueError(f"not a tenant schema: {schema!r}")
        return cls(uuid.UUID(hex=schema[2:]))


def schema_name(company_uuid: uuid.UUID) -> str:
    return TenantNames(company_uuid).schema
