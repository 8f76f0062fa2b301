"""R-R6 and R-R7 on the API: a NUL or a lone surrogate in any string field is stripped (or replaced), never a 5xx;
bodies are bounded before they are read, and a stranger's upload is refused before it is buffered."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx

from tests.conftest import bearer
from tests.conversations.helpers import connect_web
from tests.kb_engine.helpers import PRODUCT_CSV, business_company, upload


def _raw(body: object) -> dict[str, object]:
    """A JSON body as bytes, so escapes like \\ud800 reach the server as a client would send them."""
    return {"content": json.dumps(body).encode(), "headers": {"Content-Type": "application/json"}}


async def test_nul_and_lone_surrogates_in_string_fields_are_cleaned(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, "nul@example.com")
    auth = bearer(tokens)
    cid = company["id"]

    async def call(method: str, url: str, body: object, **params: str) -> httpx.Response:
        raw = _raw(body)
        r = await client.request(method, url, params=params, content=raw["content"], headers={**auth, **raw["headers"]})  # type: ignore[dict-item]
        assert r.status_code < 500, (url, r.text)
        return r

    r = await call("PATCH", "/api/v1/users/profile", {"full_name": "Jo\x00hn \ud800"})
    assert r.status_code == 200 and r.json()["full_name"] == "John \ufffd"
    r = await call("POST", "/api/v1/companies/", {"name": "Sh\x00op", "company_type": "Product"})
    assert r.status_code == 201 and r.json()["name"] == "Shop"
    r = await call("PATCH", f"/api/v1/companies/{cid}", {"name": "\x00\x00", "shop_type": "Gro\x00cery"})
    assert r.status_code == 422  # nothing is left of the name once the NUL goes
    r = await call("PUT", f"/api/v1/companies/{cid}/assistant", {"instructions": "Be\x00 kind", "rules": ["a\x00"]})
    assert r.status_code == 200 and r.json()["settings"]["instructions"] == "Be kind"
    assert (await upload(client, tokens, cid, PRODUCT_CSV.encode())).status_code == 200
    kb = (await client.get("/api/v1/knowledge-base/list", params={"company_id": cid}, headers=auth)).json()["items"][0]
    r = await call("POST", f"/api/v1/knowledge-base/{kb['id']}/rows", {"name": "Te\x00a", "description": "Gr\x00een"})
    assert r.status_code == 201 and r.json()["name"] == "Tea"
    channel = await connect_web(client, tokens, cid)
    r = await call("POST", f"/api/v1/webhooks/web/{channel}", {"text": "hel\x00lo \ud83d"})
    assert r.status_code == 202, r.text
    sent = r.json()
    r = await call("POST", f"/api/v1/conversations/{sent['conversation_id']}/messages", {"text": "Hi\x00 there"})
    assert r.status_code == 201 and r.json()["body"] == "Hi there"
    r = await client.get("/api/v1/conversations", params={"company_id": cid, "q": "hel\x00lo"}, headers=auth)
    assert r.status_code == 200, r.text
    r = await client.get("/api/v1/knowledge-base/search", params={"company_id": cid, "q": "\x00"}, headers=auth)
    assert r.status_code in (200, 422), r.text


async def test_a_whitespace_name_is_422(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, "ws@example.com")
    r = await client.post("/api/v1/companies/", headers=bearer(tokens), json={"name": "   ", "company_type": "Product"})
    assert r.status_code == 422
    r = await client.patch(f"/api/v1/companies/{company['id']}", headers=bearer(tokens), json={"name": " \t "})
    assert r.status_code == 422
    r = await client.post(
        "/api/v1/companies/", headers=bearer(tokens), json={"name": "  Shop  ", "company_type": "Service"}
    )
    assert r.json()["name"] == "Shop"


async def test_deeply_nested_json_is_422(client: httpx.AsyncClient) -> None:
    for url in ("/api/v1/auth/login", "/api/v1/companies/"):
        r = await client.post(url, content=b"[" * 50_000 + b"]" * 50_000, headers={"Content-Type": "application/json"})
        assert r.status_code in (401, 413, 422), (url, r.status_code, r.text)
    r = await client.post(
        "/api/v1/auth/login", content=b'{"a":' * 2000 + b"1" + b"}" * 2000, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422


class Body:
    """A request body produced on demand, counting what the server pulled: a multipart form whose file never ends."""

    HEAD = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n'

    def __init__(self, size: int, chunk: int = 64 * 1024) -> None:
        self.size, self.chunk, self.pulled = size, chunk, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.HEAD
        while self.pulled < self.size:
            self.pulled += self.chunk
            yield b"x" * self.chunk


async def test_a_strangers_upload_is_refused_before_it_is_read(client: httpx.AsyncClient) -> None:
    for url in ("/api/v1/knowledge-base/upload-csv", "/api/v1/cloudinary/upload"):
        body = Body(300 * 1024 * 1024)
        r = await client.post(
            url,
            content=body,
            headers={"Content-Type": "multipart/form-data; boundary=x", "Authorization": "Bearer forged"},
        )
        assert r.status_code == 401, r.text
        assert body.pulled <= 64 * 1024, f"{body.pulled} bytes were read for a 401"


async def test_bodies_over_their_limit_are_413_before_they_are_read(client: httpx.AsyncClient) -> None:
    tokens, _ = await business_company(client, "big@example.com")
    declared = Body(30 * 1024 * 1024)
    r = await client.post(
        "/api/v1/knowledge-base/upload-csv",
        content=declared,
        headers={
            **bearer(tokens),
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(30 * 1024 * 1024),
        },
    )
    assert r.status_code == 413 and declared.pulled == 0
    chunked = Body(30 * 1024 * 1024)
    r = await client.post(
        "/api/v1/knowledge-base/upload-csv",
        content=chunked,
        headers={**bearer(tokens), "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 413 and chunked.pulled <= 21 * 1024 * 1024
    r = await client.post("/api/v1/auth/login", json={"email": "a@example.com", "password": "x" * 300_000})
    assert r.status_code == 413 and r.json()["error"] == "PayloadTooLarge"
    r = await client.patch(
        "/api/v1/users/profile",
        content=Body(400 * 1024),
        headers={**bearer(tokens), "Content-Type": "application/json"},
    )
    assert r.status_code == 413
