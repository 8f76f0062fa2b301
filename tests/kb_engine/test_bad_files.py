"""R-K3: bad files get a clear 400 (or 413) and change nothing."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest

from tests.conftest import app_client, bearer, make_settings
from tests.kb_engine.helpers import PRODUCT_CSV, business_company, upload


@pytest.mark.parametrize(
    ("content", "filename", "detail"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"   \n\n", "blank.csv", "The file is empty."),
        (b"name,description\n", "header.csv", "header but no rows"),
        (b"title,price\nTea,2\n", "noname.csv", "no description column"),
        (b"sku,price\nA,2\n", "neither.csv", "no name and no description column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "image.csv", "binary data"),
        (b"name,description\nTea,Tea\n", "notes.pdf", "Upload a .csv or .xlsx file."),
        (b"this is plain text, not a zip", "fake.xlsx", "not a zip archive"),
    ],
)
async def test_unreadable_files_are_400(client: httpx.AsyncClient, content: bytes, filename: str, detail: str) -> None:
    tokens, company = await business_company(client)
    r = await upload(client, tokens, company["id"], content, filename=filename)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "BadRequest"
    assert detail in r.json()["detail"]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_xlsx_zip_bomb_is_refused(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"0" * 50_000_000})
    assert len(bomb) < 200_000
    r = await upload(client, tokens, company["id"], bomb, filename="bomb.xlsx")
    assert r.status_code == 400
    assert "unsafe" in r.json()["detail"]


async def test_a_zip_that_is_not_a_workbook_is_refused(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    r = await upload(client, tokens, company["id"], _zip({"readme.txt": b"hello"}), filename="x.xlsx")
    assert r.status_code == 400 and "no workbook" in r.json()["detail"]


async def test_over_the_size_limit_is_413(owner_url: str, app_url: str) -> None:
    async with app_client(make_settings(owner_url, X8_KB_MAX_BYTES=1000), app_url) as client:
        tokens, company = await business_company(client)
        big = PRODUCT_CSV.encode() + b"X,Y,Z\n" * 400
        r = await upload(client, tokens, company["id"], big)
        assert r.status_code == 413
        assert r.json()["error"] == "PayloadTooLarge"


async def test_encodings_and_delimiters_are_detected(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, language="ru")
    text = "Название;Описание;Цена\nЧай;Зелёный чай;150,50\n"
    for encoding, expected in (("utf-8-sig", "utf-8-sig"), ("cp1251", "cp1251"), ("utf-8", "utf-8")):
        r = await upload(client, tokens, company["id"], text.encode(encoding))
        assert r.status_code == 200, (encoding, r.text)
        assert (r.json()["encoding"], r.json()["delimiter"]) == (expected, ";")
        rows = (await client.get(f"/api/v1/knowledge-base/{r.json()['kb_id']}", headers=bearer(tokens))).json()
        assert rows["items"][0]["description"] == "Зелёный чай" and rows["items"][0]["price"] == "150.50"
    latin = "name\tdescription\tprice\nCafé crème\tMilchkaffee groß\t3,20\n".encode("latin-1")
    r = await upload(client, tokens, company["id"], latin)
    assert (r.json()["encoding"], r.json()["delimiter"]) == ("latin-1", "\t")


async def test_long_cells_duplicate_skus_and_another_tenants_kb(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client)
    content = (
        "sku,name,description\n"
        f"A1,Long description,{'d' * 10_000}\n"
        f"A2,{'n' * 501},Too long a name\n"
        "A1,Same SKU again,Duplicate\n"
    )
    result = (await upload(client, tokens, company["id"], content.encode())).json()
    assert result["rows_imported"] == 1
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(3, "name"), (4, "sku")]
    assert "already on row 2" in result["errors"][1]["message"]
    other_tokens, _ = await business_company(client, "other@example.com")
    kb = result["kb_id"]
    for method, path in [
        ("GET", f"/api/v1/knowledge-base/{kb}"),
        ("DELETE", f"/api/v1/knowledge-base/{kb}"),
        ("GET", f"/api/v1/knowledge-base/{kb}/export"),
    ]:
        r = await client.request(method, path, headers=bearer(other_tokens))
        assert r.status_code == 404, (method, path)
    r = await client.get(
        "/api/v1/knowledge-base/list", params={"company_id": company["id"]}, headers=bearer(other_tokens)
    )
    assert r.status_code == 404
    r = await upload(client, other_tokens, company["id"], PRODUCT_CSV.encode())
    assert r.status_code == 404
