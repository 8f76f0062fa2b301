"""R-K4 rows editing and R-K5 hybrid search, through the API."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import bearer
from tests.kb_engine.helpers import PRODUCT_CSV, business_company, upload

RU_CSV = (
    "Артикул,Название,Описание,Цена,Категория\n"
    "SM-1,Смартфон Galaxy A55,Смартфон с экраном 6.6 дюйма и камерой 50 Мп,32990,Телефоны\n"
    "CH-2,Зарядное устройство,Быстрая зарядка для телефонов и планшетов,1490,Аксессуары\n"
    "HD-3,Наушники беспроводные,Наушники с шумоподавлением,5990,Аудио\n"
)


async def _search(client: httpx.AsyncClient, tokens: dict[str, str], company: dict[str, Any], q: str) -> list[Any]:
    r = await client.get(
        "/api/v1/knowledge-base/search", params={"company_id": company["id"], "q": q}, headers=bearer(tokens)
    )
    assert r.status_code == 200, r.text
    results: list[Any] = r.json()["results"]
    return results


async def test_english_search_exact_stemmed_partial_and_typo(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    await upload(client, tokens, company["id"], PRODUCT_CSV.encode())
    for query, expected in [
        ("apples", "Green apples"),
        ("apple", "Green apples"),
        ("sourdo", "Sourdough bread"),
        ("iphone", "iPhone 15 case"),
        ("ipone case", "iPhone 15 case"),
        ("sourdugh", "Sourdough bread"),
        ("BRD-2", "Sourdough bread"),
    ]:
        results = await _search(client, tokens, company, query)
        assert results, query
        assert results[0]["row"]["name"] == expected, (query, [r["row"]["name"] for r in results])
        assert results[0]["score"] > 0
    top = (await _search(client, tokens, company, "bread"))[0]["row"]
    assert (top["price"], top["currency"]) == ("4.20", "USD")  # exact values come from the row
    assert await _search(client, tokens, company, "helicopter") == []


async def test_russian_search_with_morphology_and_typos(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, language="ru")
    await upload(client, tokens, company["id"], RU_CSV.encode())
    for query, expected in [
        ("смартфоны", "Смартфон Galaxy A55"),
        ("смартфон", "Смартфон Galaxy A55"),
        ("зарядка", "Зарядное устройство"),
        ("наушник", "Наушники беспроводные"),
        ("смартфн", "Смартфон Galaxy A55"),
        ("galaxy", "Смартфон Galaxy A55"),
    ]:
        results = await _search(client, tokens, company, query)
        assert results and results[0]["row"]["name"] == expected, (query, [r["row"]["name"] for r in results])


async def test_search_never_crosses_tenants(client: httpx.AsyncClient) -> None:
    tokens_a, company_a = await business_company(client, "a@example.com")
    tokens_b, company_b = await business_company(client, "b@example.com")
    await upload(client, tokens_a, company_a["id"], PRODUCT_CSV.encode())
    assert await _search(client, tokens_b, company_b, "apples") == []
    r = await client.get(
        "/api/v1/knowledge-base/search", params={"company_id": company_a["id"], "q": "apples"}, headers=bearer(tokens_b)
    )
    assert r.status_code == 404


async def test_rows_crud_and_search_follows_edits(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    kb = (await upload(client, tokens, company["id"], PRODUCT_CSV.encode())).json()["kb_id"]
    r = await client.post(
        f"/api/v1/knowledge-base/{kb}/rows",
        headers=bearer(tokens),
        json={
            "name": "Blueberry jam",
            "description": "Homemade jam",
            "price": "5.75",
            "currency": "USD",
            "sku": "JAM-7",
        },
    )
    assert r.status_code == 201, r.text
    row = r.json()
    assert (row["price"], row["position"]) == ("5.75", 5)
    assert (await _search(client, tokens, company, "blueberry"))[0]["row"]["id"] == row["id"]

    r = await client.patch(
        f"/api/v1/knowledge-base/{kb}/rows/{row['id']}",
        headers=bearer(tokens),
        json={"name": "Raspberry jam", "price": 6},
    )
    assert r.status_code == 200 and (r.json()["name"], r.json()["price"]) == ("Raspberry jam", "6.00")
    assert r.json()["description"] == "Homemade jam"
    assert (await _search(client, tokens, company, "raspberry"))[0]["row"]["id"] == row["id"]
    assert await _search(client, tokens, company, "blueberry") == []

    bad = await client.patch(
        f"/api/v1/knowledge-base/{kb}/rows/{row['id']}", headers=bearer(tokens), json={"price": -1}
    )
    assert bad.status_code == 422
    dup = await client.patch(
        f"/api/v1/knowledge-base/{kb}/rows/{row['id']}", headers=bearer(tokens), json={"sku": "APL-1"}
    )
    assert dup.status_code == 400 and "APL-1" in dup.json()["detail"]
    # An exact duplicate is found even behind many earlier rows whose SKUs contain it (AB-10…AB-16 before AB-1),
    # so the unique index never turns it into a 500.
    for sku in [f"AB-1{n}" for n in range(7)] + ["AB-1"]:
        similar = {"name": f"Item {sku}", "description": "Item", "sku": sku}
        r = await client.post(f"/api/v1/knowledge-base/{kb}/rows", headers=bearer(tokens), json=similar)
        assert r.status_code == 201
    copy = {"name": "Copy", "description": "Copy", "sku": "AB-1"}
    clash = await client.post(f"/api/v1/knowledge-base/{kb}/rows", headers=bearer(tokens), json=copy)
    assert clash.status_code == 400
    assert (
        await client.post(f"/api/v1/knowledge-base/{kb}/rows", headers=bearer(tokens), json={"name": "No description"})
    ).status_code == 422

    r = await client.delete(f"/api/v1/knowledge-base/{kb}/rows/{row['id']}", headers=bearer(tokens))
    assert r.status_code == 204
    assert (
        await client.delete(f"/api/v1/knowledge-base/{kb}/rows/{row['id']}", headers=bearer(tokens))
    ).status_code == 404
    listing = (
        await client.get("/api/v1/knowledge-base/list", params={"company_id": company["id"]}, headers=bearer(tokens))
    ).json()
    assert listing["total"] == 1 and listing["items"][0]["row_count"] == 11  # 3 imported + 8 added


async def test_paging_and_filter(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    kb = (await upload(client, tokens, company["id"], PRODUCT_CSV.encode())).json()["kb_id"]
    page = (
        await client.get(f"/api/v1/knowledge-base/{kb}", params={"limit": 2, "offset": 1}, headers=bearer(tokens))
    ).json()
    assert page["total"] == 3 and [i["sku"] for i in page["items"]] == ["BRD-2", "PHN-3"]
    filtered = (await client.get(f"/api/v1/knowledge-base/{kb}", params={"q": "iphone"}, headers=bearer(tokens))).json()
    assert filtered["total"] == 1 and filtered["items"][0]["sku"] == "PHN-3"
    percent = (await client.get(f"/api/v1/knowledge-base/{kb}", params={"q": "%"}, headers=bearer(tokens))).json()
    assert percent["total"] == 0


async def test_delete_kb_and_templates(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    kb = (await upload(client, tokens, company["id"], PRODUCT_CSV.encode())).json()["kb_id"]
    assert (await client.delete(f"/api/v1/knowledge-base/{kb}", headers=bearer(tokens))).status_code == 204
    assert (await client.get(f"/api/v1/knowledge-base/{kb}", headers=bearer(tokens))).status_code == 404
    assert await _search(client, tokens, company, "apples") == []
    for kind, column in (("product", "stock"), ("service", "duration_minutes")):
        r = await client.get(f"/api/v1/knowledge-base/templates/{kind}")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert column in r.text.splitlines()[0]
        # A template uploads cleanly.
        result = (await upload(client, tokens, company["id"], r.content, filename=f"{kind}.csv")).json()
        assert result["rows_imported"] == 2 and result["rows_rejected"] == 0


async def test_product_codes_whole_and_partial(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    # The other code comes first, so a tie would put it on top.
    codes = "SKU,Name,Description\nSKU-05555,Olive tapenade,Spread\nSKU-04242,Olive oil,Cold pressed\n"
    await upload(client, tokens, company["id"], codes.encode())
    for query in ("SKU-04242", "sku-0424", "sku04242", "SKU 04242"):
        results = await _search(client, tokens, company, query)
        assert [r["row"]["sku"] for r in results][:1] == ["SKU-04242"], query
    assert [r["row"]["sku"] for r in await _search(client, tokens, company, "sku-0424")] == ["SKU-04242"]
    assert await _search(client, tokens, company, "SKU-09999") == []


async def test_a_replaced_catalogue_forgets_its_old_words(client: httpx.AsyncClient) -> None:
    """Typo correction works from the KB's vocabulary, which a replace import rebuilds."""
    tokens, company = await business_company(client)
    await upload(client, tokens, company["id"], PRODUCT_CSV.encode())
    assert (await _search(client, tokens, company, "sourdugh"))[0]["row"]["name"] == "Sourdough bread"
    replacement = "Name,Description\nBlueberry muffin,Baked fresh\n"
    await upload(client, tokens, company["id"], replacement.encode(), mode="replace")
    assert await _search(client, tokens, company, "sourdugh") == []
    assert (await _search(client, tokens, company, "bluebery"))[0]["row"]["name"] == "Blueberry muffin"
