"""R-K3: bad files get a clear 400 (or 413) and change nothing."""

from __future__ import annotations

import codecs
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
        (bytes(range(1, 256)) * 20, "noise.csv", "binary data"),  # no NUL byte, but control characters
        (codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le"), "bom.txt", "The file is empty."),
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


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
async def test_excel_unicode_text_export_is_read(client: httpx.AsyncClient, bom: bytes) -> None:
    # Excel's "Unicode text" (.txt): UTF-16 with a byte-order mark, tab-separated, CRLF line ends.
    tokens, company = await business_company(client, language="ru")
    text = (
        "Название товара\tDescription\tЦена\tSKU\r\n"
        "Чай зелёный\tLoose-leaf green tea, 100 g\t150,50\tT-1\r\n"
        'Coffee\t"Кофе «Арабика»\tмолотый"\t300\tC-2\r\n'
    )
    content = bom + text.encode("utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be")
    r = await upload(client, tokens, company["id"], content, filename="catalogue.txt")
    assert r.status_code == 200, r.text
    result = r.json()
    assert (result["encoding"], result["delimiter"], result["rows_imported"]) == ("utf-16", "\t", 2)
    assert result["columns_mapped"] == {
        "Название товара": "name",
        "Description": "description",
        "Цена": "price",
        "SKU": "sku",
    }
    rows = (await client.get(f"/api/v1/knowledge-base/{result['kb_id']}", headers=bearer(tokens))).json()["items"]
    by_sku = {row["sku"]: row for row in rows}
    assert (by_sku["T-1"]["name"], by_sku["T-1"]["price"]) == ("Чай зелёный", "150.50")
    assert by_sku["C-2"]["description"] == "Кофе «Арабика»\tмолотый"


async def test_cp1251_with_english_headers_and_windows_western_text(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, language="ru")
    # Russian values under English headers and names: the Cyrillic words decide, however few (charset-normalizer,
    # restricted to cp1251/cp1252, reads the first file as cp1252). The second ends inside a word, with no line break.
    for text, descriptions in (
        ("name;description;price\nTea;Чай;1\nCoffee;Кофе;2\n", {"Чай", "Кофе"}),
        ("SKU;Name;Description;Price\nT-1;Green tea;Чай;150\nX-3;Tea set;Набор", {"Чай", "Набор"}),
    ):
        r = await upload(client, tokens, company["id"], text.encode("cp1251"), mode="replace")
        assert r.status_code == 200, r.text
        assert (r.json()["encoding"], r.json()["rows_imported"]) == ("cp1251", 2)
        rows = (await client.get(f"/api/v1/knowledge-base/{r.json()['kb_id']}", headers=bearer(tokens))).json()
        assert {row["description"] for row in rows["items"]} == descriptions
    # Windows' Western code page: € and typographic quotes and dashes are cp1252, not latin-1's control characters.
    western = "name;description;price\nCafé crème;Milchkaffee – „fein“;3,20 €\n".encode("cp1252")
    r = await upload(client, tokens, company["id"], western, mode="replace")
    assert r.status_code == 200, r.text
    assert r.json()["encoding"] == "cp1252"
    rows = (await client.get(f"/api/v1/knowledge-base/{r.json()['kb_id']}", headers=bearer(tokens))).json()
    assert rows["items"][0]["description"] == "Milchkaffee – „fein“"


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
