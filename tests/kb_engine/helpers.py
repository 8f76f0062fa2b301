from __future__ import annotations

import io
from typing import Any

import httpx
from openpyxl import Workbook

from tests.conftest import bearer, register

PRODUCT_CSV = (
    "SKU,Product Name,Description,Цена,Currency,Category,Stock,Tags,Color\n"
    'APL-1,Green apples,Crisp Granny Smith apples,"3,50",USD,Fruit,120,"fruit, organic",green\n'
    "BRD-2,Sourdough bread,Slow-fermented loaf baked every morning,4.20,USD,Bakery,30,bread,brown\n"
    "PHN-3,iPhone 15 case,Silicone case for the iPhone 15,19.99,USD,Accessories,5,phone,black\n"
)


async def business_company(
    client: httpx.AsyncClient, email: str = "kb@example.com", *, language: str = "en", company_type: str = "Product"
) -> tuple[dict[str, str], dict[str, Any]]:
    tokens = await register(client, email)
    r = await client.post(
        "/api/v1/companies/",
        headers=bearer(tokens),
        json={"name": "Shop", "company_type": company_type, "language": language},
    )
    assert r.status_code == 201, r.text
    return tokens, r.json()


async def upload(
    client: httpx.AsyncClient,
    tokens: dict[str, str],
    company_id: str,
    content: bytes,
    filename: str = "catalogue.csv",
    **form: str,
) -> httpx.Response:
    return await client.post(
        "/api/v1/knowledge-base/upload-csv",
        headers=bearer(tokens),
        files={"file": (filename, content, "application/octet-stream")},
        data={"company_id": company_id, **form},
    )


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
