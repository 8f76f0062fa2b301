from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer

URL = "/api/v1/metrics/overview"


async def company(client: httpx.AsyncClient, tokens: dict[str, str], name: str, tz: str = "UTC") -> dict[str, Any]:
    r = await client.post(
        "/api/v1/companies/", headers=bearer(tokens), json={"name": name, "company_type": "Product", "timezone": tz}
    )
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    return created


async def overview(client: httpx.AsyncClient, tokens: dict[str, str], **params: Any) -> dict[str, Any]:
    r = await client.get(URL, headers=bearer(tokens), params=params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body
