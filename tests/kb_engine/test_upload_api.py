"""R-K1 … R-K4 through the API, on a real tenant schema."""

from __future__ import annotations

import csv
import io

import httpx

from tests.conftest import bearer, sql
from tests.kb_engine.helpers import PRODUCT_CSV, business_company, upload, xlsx


async def test_csv_upload_maps_columns_types_values_and_keeps_extras(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    r = await upload(client, tokens, company["id"], PRODUCT_CSV.encode())
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["rows_total"], result["rows_imported"], result["rows_rejected"]) == (3, 3, 0)
    assert result["columns_mapped"] == {
        "SKU": "sku",
        "Product Name": "name",
        "Description": "description",
        "Цена": "price",
        "Currency": "currency",
        "Category": "category",
        "Stock": "stock",
        "Tags": "tags",
        "Color": "extra.Color",
    }
    rows = (await client.get(f"/api/v1/knowledge-base/{result['kb_id']}", headers=bearer(tokens))).json()
    assert rows["total"] == 3 and rows["kb"]["row_count"] == 3
    apples = rows["items"][0]
    assert (apples["name"], apples["price"], apples["currency"], apples["stock"]) == (
        "Green apples",
        "3.50",
        "USD",
        120,
    )
    assert apples["tags"] == ["fruit", "organic"]
    assert apples["extra"] == {"Color": "green"}


async def test_bad_rows_are_reported_and_good_rows_go_in(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    content = (
        "name,description,price\n"
        "Tea,Green tea 100 g,2.5\n"
        ",No name here,3\n"
        "Coffee,Ground coffee,cheap\n"
        "Cocoa,Hot chocolate powder,-1\n"
    )
    r = await upload(client, tokens, company["id"], content.encode())
    assert r.status_code == 200
    result = r.json()
    assert (result["rows_total"], result["rows_imported"], result["rows_rejected"]) == (4, 1, 3)
    assert result["errors"] == [
        {"row": 3, "column": "name", "message": "The name is missing."},
        {"row": 4, "column": "price", "message": "The price 'cheap' is not a number."},
        {"row": 5, "column": "price", "message": "The price must be zero or more."},
    ]


async def test_replace_failure_leaves_the_previous_kb_untouched(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    first = (await upload(client, tokens, company["id"], PRODUCT_CSV.encode())).json()
    r = await upload(client, tokens, company["id"], b"name,description,price\n,missing name,1\n")
    assert r.status_code == 400
    assert "not changed" in r.json()["detail"]
    assert r.json()["errors"][0]["column"] == "name"
    rows = (await client.get(f"/api/v1/knowledge-base/{first['kb_id']}", headers=bearer(tokens))).json()
    assert rows["total"] == 3


async def test_append_adds_and_updates_by_sku(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    kb = (await upload(client, tokens, company["id"], PRODUCT_CSV.encode())).json()["kb_id"]
    more = "sku,name,description,price\nAPL-1,Green apples,Now even crisper,3.80\nNEW-9,Honey,Wildflower honey,7\n"
    r = await upload(client, tokens, company["id"], more.encode(), mode="append")
    assert r.status_code == 200 and r.json()["updated_skus"] == ["APL-1"]
    rows = (await client.get(f"/api/v1/knowledge-base/{kb}", headers=bearer(tokens))).json()
    assert rows["total"] == 4
    by_sku = {i["sku"]: i for i in rows["items"]}
    assert by_sku["APL-1"]["price"] == "3.80" and by_sku["APL-1"]["description"] == "Now even crisper"
    assert rows["items"][-1]["sku"] == "NEW-9"


async def test_replace_swaps_all_rows(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    kb = (await upload(client, tokens, company["id"], PRODUCT_CSV.encode())).json()["kb_id"]
    r = await upload(client, tokens, company["id"], b"name,description\nOnly,The only row\n")
    assert r.status_code == 200
    rows = (await client.get(f"/api/v1/knowledge-base/{kb}", headers=bearer(tokens))).json()
    assert [i["name"] for i in rows["items"]] == ["Only"]


async def test_xlsx_with_formulas_is_stored_as_text_and_escaped_on_export(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    content = xlsx(
        [
            ["Название", "Описание", "Цена"],
            ["Чай", '=HYPERLINK("http://evil")', 150],
            ["Кофе", "Молотый кофе", "1 200,50"],
        ]
    )
    r = await upload(client, tokens, company["id"], content, filename="каталог.xlsx")
    assert r.status_code == 200, r.text
    kb = r.json()["kb_id"]
    rows = (await client.get(f"/api/v1/knowledge-base/{kb}", headers=bearer(tokens))).json()["items"]
    assert rows[0]["description"] == '=HYPERLINK("http://evil")'
    assert rows[1]["price"] == "1200.50"
    exported = (await client.get(f"/api/v1/knowledge-base/{kb}/export", headers=bearer(tokens))).text
    parsed = list(csv.reader(io.StringIO(exported)))
    assert parsed[0][:3] == ["sku", "name", "description"]
    assert parsed[1][2] == '\'=HYPERLINK("http://evil")'


async def test_a_column_named_like_sql_is_just_data(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens, company = await business_company(client)
    content = b'name,description,"""; DROP TABLE kb_items; --"\nTea,Green tea,x\n'
    r = await upload(client, tokens, company["id"], content)
    assert r.status_code == 200
    assert r.json()["columns_mapped"]['"; DROP TABLE kb_items; --'] == 'extra."; DROP TABLE kb_items; --'
    rows = (await client.get(f"/api/v1/knowledge-base/{r.json()['kb_id']}", headers=bearer(tokens))).json()
    assert rows["items"][0]["extra"] == {'"; DROP TABLE kb_items; --': "x"}
    assert sql(owner_url, "SELECT count(*) FROM pg_tables WHERE tablename = 'kb_items'")[0][0] >= 1
