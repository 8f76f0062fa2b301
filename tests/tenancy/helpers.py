from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.conftest import bearer, register


async def business_with_companies(
    client: httpx.AsyncClient, email: str, *names: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    tokens = await register(client, email)
    companies = []
    for name in names:
        r = await client.post(
            "/api/v1/companies/", headers=bearer(tokens), json={"name": name, "company_type": "Product"}
        )
        assert r.status_code == 201, r.text
        companies.append(r.json())
    return tokens, companies


def tenant_uuid(company: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(company["id"])
