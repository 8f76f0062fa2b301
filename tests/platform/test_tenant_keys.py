"""R-N3's tenant keys and the principal they yield: shown once, checked by hash, revoked by the next one, never
reaching another tenant; the tenant-scoped API answers from the key's company only."""

from __future__ import annotations

import asyncio
import hashlib

import httpx

from tests.conftest import bearer, sql
from tests.conversations.helpers import connect_web, shop_with_catalogue
from tests.kb_engine.helpers import business_company


def _key(key: str) -> dict[str, str]:
    return {"X-X8-Tenant-Key": key}


async def _issue(client: httpx.AsyncClient, tokens: dict[str, str], company_id: str) -> str:
    r = await client.post(f"/api/v1/companies/{company_id}/n8n-key", headers=bearer(tokens))
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"key", "created_at"}
    return str(r.json()["key"])


async def test_a_key_searches_its_own_companys_catalogue(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens, company = await shop_with_catalogue(client, "keys@example.com")
    key = await _issue(client, tokens, company["id"])
    r = await client.get("/api/v1/n8n/kb/search", params={"q": "apples"}, headers=_key(key))
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["row"]["name"] == "Green apples"
    # The same shape as the dashboard's search.
    mine = await client.get(
        "/api/v1/knowledge-base/search", params={"q": "apples", "company_id": company["id"]}, headers=bearer(tokens)
    )
    assert mine.json() == r.json()
    # Only the hash is kept with the key's row; the key itself is a vault secret (which n8n provisioning reads),
    # sealed, never in clear.
    stored = sql(owner_url, "SELECT key_hash, prefix FROM tenant_api_keys")
    assert stored[0][0] == hashlib.sha256(key.encode()).hexdigest() and key[12:] not in stored[0][1]
    [(kind, ref, sealed)] = sql(
        owner_url, "SELECT kind, ref, ciphertext FROM vault_secrets WHERE company_id = %s", company["id"]
    )
    assert (kind, ref) == ("n8n_tenant_key", f"tenant_api_key:{company['id']}") and key.encode() not in bytes(sealed)
    listed = await client.get("/api/v1/vault/secrets", headers=bearer(tokens))
    assert [i["kind"] for i in listed.json()["items"]] == ["n8n_tenant_key"] and key not in listed.text


async def test_missing_wrong_and_revoked_keys_are_401(client: httpx.AsyncClient) -> None:
    tokens, company = await shop_with_catalogue(client, "keys2@example.com")
    first = await _issue(client, tokens, company["id"])
    url = "/api/v1/n8n/kb/search?q=apples"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=_key("x8tk_" + "A" * 43))).status_code == 401
    assert (await client.get(url, headers=_key("not-a-key"))).status_code == 401
    assert (await client.get(url, headers=_key(first))).status_code == 200
    second = await _issue(client, tokens, company["id"])
    assert second != first
    assert (await client.get(url, headers=_key(first))).status_code == 401, "the old key must stop at once"
    assert (await client.get(url, headers=_key(second))).status_code == 200
    # A tenant key is not a user's sign-in, and a user's token is not a tenant key.
    assert (await client.get("/api/v1/companies/", headers={"Authorization": f"Bearer {second}"})).status_code == 401
    assert (await client.get(url, headers=bearer(tokens))).status_code == 401


async def test_concurrent_issues_leave_exactly_one_live_key(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens, company = await business_company(client, "keys3@example.com")
    keys = await asyncio.gather(*(_issue(client, tokens, company["id"]) for _ in range(5)))
    live = [k for k in keys if (await client.get("/api/v1/n8n/settings", headers=_key(k))).status_code == 200]
    assert len(live) == 1
    assert sql(owner_url, "SELECT count(*) FROM tenant_api_keys WHERE revoked_at IS NULL") == [(1,)]
    # One vault secret, holding the live key: each issue replaced the value in place.
    [(value_count,)] = sql(owner_url, "SELECT count(*) FROM vault_secrets WHERE kind = 'n8n_tenant_key'")
    assert value_count == 1


async def test_a_key_never_reaches_another_tenant(client: httpx.AsyncClient) -> None:
    alice, alice_company = await shop_with_catalogue(client, "alice-k@example.com")
    bob, bob_company = await business_company(client, "bob-k@example.com")
    bob_channel = await connect_web(client, bob, bob_company["id"])
    alice_key = await _issue(client, alice, alice_company["id"])
    # Bob's channel through Alice's key: 404, as if it did not exist.
    r = await client.get("/api/v1/n8n/settings", params={"channel_id": bob_channel}, headers=_key(alice_key))
    assert r.status_code == 404
    # A company id parameter does not switch the tenant: the key decides.
    r = await client.get(
        "/api/v1/n8n/kb/search", params={"q": "apples", "company_id": bob_company["id"]}, headers=_key(alice_key)
    )
    assert r.status_code == 200 and r.json()["results"][0]["row"]["name"] == "Green apples"
    # Only someone who may edit the company can issue its key.
    r = await client.post(f"/api/v1/companies/{alice_company['id']}/n8n-key", headers=bearer(bob))
    assert r.status_code == 404


async def test_effective_settings_merge_channel_over_company(client: httpx.AsyncClient) -> None:
    tokens, company = await business_company(client, "keys4@example.com", language="ru")
    channel = await connect_web(client, tokens, company["id"])
    base = f"/api/v1/companies/{company['id']}/assistant"
    r = await client.put(base, headers=bearer(tokens), json={"instructions": "Be brief.", "greeting": "Hello!"})
    assert r.status_code == 200, r.text
    r = await client.put(f"{base}/channels/{channel}", headers=bearer(tokens), json={"greeting": "Привет!"})
    assert r.status_code == 200, r.text
    r = await client.put(f"{base}/scenarios/purchase", headers=bearer(tokens), json={"rules": ["Quote the price"]})
    assert r.status_code == 200, r.text
    key = await _issue(client, tokens, company["id"])
    got = (await client.get("/api/v1/n8n/settings", params={"channel_id": channel}, headers=_key(key))).json()
    assert got["channel_id"] == channel and got["language"] == "ru"
    assert got["settings"]["greeting"] == "Привет!" and got["settings"]["instructions"] == "Be brief."
    assert got["scenarios"]["purchase"]["rules"] == ["Quote the price"]
    assert got["scenarios"]["purchase"]["greeting"] == "Привет!"
    company_wide = (await client.get("/api/v1/n8n/settings", headers=_key(key))).json()
    assert company_wide["settings"]["greeting"] == "Hello!"
