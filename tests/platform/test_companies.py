"""R-C1 … R-C3: companies, channel choices within the plan, isolation between businesses."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import bearer, create_staff, login, register, sql


async def _company(client: httpx.AsyncClient, tokens: dict[str, str], **body: object) -> httpx.Response:
    payload = {"name": "Green Leaf", "company_type": "Product", **body}
    return await client.post("/api/v1/companies/", headers=bearer(tokens), json=payload)


async def test_create_and_read_a_company(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    r = await _company(client, tokens, shop_type="Grocery", timezone="Europe/Berlin", language="ru")
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["company_id"].startswith("COMP") and len(body["company_id"]) >= 7
    assert body["status"] == "ACTIVE"
    assert body["tenant_schema"] == f"t_{uuid.UUID(body['id']).hex}"
    assert (body["company_type"], body["timezone"], body["language"]) == ("Product", "Europe/Berlin", "ru")
    got = (await client.get(f"/api/v1/companies/{body['id']}", headers=bearer(tokens))).json()
    assert got == body
    listing = (await client.get("/api/v1/companies/", headers=bearer(tokens))).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == body["id"]


async def test_company_ids_are_sequential_and_unique(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    ids = [
        (await _company(client, tokens, name=f"C{i}", company_type=t)).json()["company_id"]
        for i, t in enumerate(["Product", "Service", "Hybrid"])
    ]
    numbers = [int(i.removeprefix("COMP")) for i in ids]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert numbers[1] == numbers[0] + 1


async def test_bad_company_input_is_422(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    assert (await _company(client, tokens, company_type="Shop")).status_code == 422
    assert (await _company(client, tokens, name="")).status_code == 422
    assert (await _company(client, tokens, timezone="Nowhere/City")).status_code == 422
    assert (await _company(client, tokens, channels=["fax"])).status_code == 422
    assert (await _company(client, tokens, channels=["telegram", "telegram"])).status_code == 422
    assert (await _company(client, tokens, privacy_policy_url="javascript:alert(1)")).status_code == 422
    long_url = "https://shop.example/" + "p" * 2000
    assert (await _company(client, tokens, privacy_policy_url=long_url)).status_code == 422


async def test_another_businesses_company_is_404_everywhere(client: httpx.AsyncClient) -> None:
    alice = await register(client, "alice@example.com")
    bob = await register(client, "bob@example.com")
    company = (await _company(client, alice)).json()
    url = f"/api/v1/companies/{company['id']}"
    for method, path in [
        ("GET", url),
        ("PATCH", url),
        ("DELETE", url),
        ("GET", f"{url}/channels"),
        ("GET", f"{url}/stats"),
    ]:
        r = await client.request(
            method, path, headers=bearer(bob), json={"name": "mine"} if method == "PATCH" else None
        )
        assert r.status_code == 404, (method, path)
        assert r.json() == {"error": "NotFound", "detail": "Company not found."}
    assert (await client.get("/api/v1/companies/", headers=bearer(bob))).json()["total"] == 0
    assert (await client.get(url, headers=bearer(alice))).json()["name"] == "Green Leaf"
    r = await client.get(f"/api/v1/companies/{uuid.uuid4()}", headers=bearer(alice))
    assert r.status_code == 404
    assert (await client.get("/api/v1/companies/not-a-uuid", headers=bearer(alice))).status_code == 422


async def test_trial_allows_one_channel_across_all_companies(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    first = await _company(client, tokens, channels=["whatsapp"])
    assert first.status_code == 201
    r = await _company(client, tokens, name="Second", channels=["telegram"])
    assert r.status_code == 402
    assert r.json()["error"] == "PaymentRequired"
    assert r.json()["limit"] == 1
    r = await _company(client, tokens, name="Second", channels=[])
    assert r.status_code == 201
    second = r.json()
    r = await client.patch(f"/api/v1/companies/{second['id']}", headers=bearer(tokens), json={"channels": ["telegram"]})
    assert r.status_code == 402
    # Moving the one channel is fine: free it first, then choose it elsewhere.
    company = first.json()
    r = await client.patch(f"/api/v1/companies/{company['id']}", headers=bearer(tokens), json={"channels": []})
    assert r.status_code == 200
    r = await client.patch(f"/api/v1/companies/{second['id']}", headers=bearer(tokens), json={"channels": ["telegram"]})
    assert r.status_code == 200
    channels = (await client.get(f"/api/v1/companies/{second['id']}/channels", headers=bearer(tokens))).json()
    assert channels == {"items": [{"platform": "telegram", "status": "DISCONNECTED"}], "total": 1}


async def test_expired_trial_cannot_choose_channels_but_keeps_data(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens = await register(client, "late@example.com")
    company = (await _company(client, tokens)).json()
    sql(
        owner_url,
        "UPDATE users SET trial_ends_at = now() - interval '1 minute' WHERE email = 'late@example.com'",
    )
    me = (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()
    assert me["subscription_status"] == "expired"
    r = await client.patch(
        f"/api/v1/companies/{company['id']}", headers=bearer(tokens), json={"channels": ["telegram"]}
    )
    assert r.status_code == 402
    assert "ended" in r.json()["detail"]
    assert (await client.get(f"/api/v1/companies/{company['id']}", headers=bearer(tokens))).status_code == 200


async def test_plan_with_more_channels_allows_more(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens = await register(client, "grow@example.com")
    sql(
        owner_url,
        "UPDATE users SET plan = 'DOUBLE', subscription_status = 'active' WHERE email = 'grow@example.com'",
    )
    r = await _company(client, tokens, channels=["telegram", "whatsapp"])
    assert r.status_code == 201
    assert (await _company(client, tokens, name="B", channels=["email"])).status_code == 402


async def test_update_and_delete(client: httpx.AsyncClient, owner_url: str) -> None:
    tokens = await register(client)
    company = (await _company(client, tokens)).json()
    r = await client.patch(
        f"/api/v1/companies/{company['id']}",
        headers=bearer(tokens),
        json={
            "name": "Renamed",
            "company_type": "Hybrid",
            "privacy_policy_url": "https://shop.example/privacy",
        },
    )
    assert r.status_code == 200
    assert (r.json()["name"], r.json()["company_type"]) == ("Renamed", "Hybrid")
    assert r.json()["privacy_policy_url"] == "https://shop.example/privacy"
    assert r.json()["company_id"] == company["company_id"]
    r = await client.delete(f"/api/v1/companies/{company['id']}", headers=bearer(tokens))
    assert r.status_code == 204
    assert (await client.get(f"/api/v1/companies/{company['id']}", headers=bearer(tokens))).status_code == 404
    actions = [row[0] for row in sql(owner_url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions == ["company.created", "company.deleted"]


async def test_stats_start_at_zero(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    company = (await _company(client, tokens)).json()
    stats = (await client.get(f"/api/v1/companies/{company['id']}/stats", headers=bearer(tokens))).json()
    assert stats["total_messages"] == 0 and stats["type2_unpaid"] == 0 and stats["avg_response_time"] is None


async def test_manager_sees_only_assigned_businesses_companies_and_admin_sees_all(
    client: httpx.AsyncClient, app_url: str
) -> None:
    alice = await register(client, "alice@example.com")
    bob = await register(client, "bob@example.com")
    a = (await _company(client, alice, name="Alice Co")).json()
    (await _company(client, bob, name="Bob Co")).json()
    manager_id = await create_staff(app_url, "MANAGER", "mgr@example.com")
    await create_staff(app_url, "ADMIN", "root@example.com")
    admin = await login(client, "root@example.com", "StaffPass123")
    manager = await login(client, "mgr@example.com", "StaffPass123")
    alice_id = (await client.get("/api/v1/auth/me", headers=bearer(alice))).json()["id"]
    r = await client.post(
        "/api/v1/admin/assignments",
        headers=bearer(admin),
        json={"manager_id": manager_id, "client_id": alice_id},
    )
    assert r.status_code == 200
    names = [c["name"] for c in (await client.get("/api/v1/companies/", headers=bearer(manager))).json()["items"]]
    assert names == ["Alice Co"]
    assert (await client.get(f"/api/v1/companies/{a['id']}", headers=bearer(manager))).status_code == 200
    r = await client.patch(f"/api/v1/companies/{a['id']}", headers=bearer(manager), json={"name": "Hijack"})
    assert r.status_code == 403
    assert (await _company(client, manager)).status_code == 403
    all_names = {c["name"] for c in (await client.get("/api/v1/companies/", headers=bearer(admin))).json()["items"]}
    assert all_names == {"Alice Co", "Bob Co"}


async def test_list_pagination(client: httpx.AsyncClient) -> None:
    tokens = await register(client)
    for i in range(3):
        await _company(client, tokens, name=f"Co {i}")
    page = (await client.get("/api/v1/companies/?limit=2&offset=2", headers=bearer(tokens))).json()
    assert page["total"] == 3 and [c["name"] for c in page["items"]] == ["Co 2"]
    assert (await client.get("/api/v1/companies/?limit=0", headers=bearer(tokens))).status_code == 422
    huge = await client.get("/api/v1/companies/?offset=11277750334112990756864", headers=bearer(tokens))
    assert huge.status_code == 422


async def test_the_company_limit_holds_even_under_concurrent_requests(owner_url: str, app_url: str) -> None:
    import asyncio

    from tests.conftest import app_client, make_settings

    settings = make_settings(owner_url, X8_MAX_COMPANIES="2", X8_RATE_LIMIT_COMPANIES_PER_BUSINESS="50")
    async with app_client(settings, app_url) as client:
        tokens = await register(client, "limit@example.com")
        answers = await asyncio.gather(*(_company(client, tokens, name=f"C{i}") for i in range(6)))
        assert sorted(r.status_code for r in answers) == [201, 201, 402, 402, 402, 402]
        refused = next(r for r in answers if r.status_code == 402).json()
        assert refused["error"] == "PaymentRequired" and refused["limit"] == 2 and "2 companies" in refused["detail"]
        user_id = (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()["id"]
        sql(owner_url, "UPDATE users SET company_limit_override = 3 WHERE id = %s", user_id)
        assert (await _company(client, tokens, name="Third")).status_code == 201
        assert (await _company(client, tokens, name="Fourth")).status_code == 402
    assert sql(owner_url, "SELECT count(*) FROM companies")[0][0] == 3


@pytest.mark.usefixtures("one_rate_limit_window")
async def test_company_creation_is_rate_limited_per_business(owner_url: str, app_url: str) -> None:
    from tests.conftest import app_client, make_settings

    settings = make_settings(owner_url, X8_RATE_LIMIT_COMPANIES_PER_BUSINESS="2")
    async with app_client(settings, app_url) as client:
        tokens = await register(client, "fast@example.com")
        assert [(await _company(client, tokens, name=f"C{i}")).status_code for i in range(2)] == [201, 201]
        r = await _company(client, tokens, name="C3")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        other = await register(client, "other@example.com")
        assert (await _company(client, other)).status_code == 201, "the limit is per business"


async def test_the_admin_raises_a_business_company_limit(owner_url: str, app_url: str) -> None:
    from tests.conftest import app_client, make_settings

    settings = make_settings(owner_url, X8_MAX_COMPANIES="1")
    async with app_client(settings, app_url) as client:
        tokens = await register(client, "grow@example.com")
        assert (await _company(client, tokens, name="One")).status_code == 201
        assert (await _company(client, tokens, name="Two")).status_code == 402
        await create_staff(app_url, "ADMIN", "root@example.com")
        admin = await login(client, "root@example.com", "StaffPass123")
        me = (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()
        url = f"/api/v1/admin/clients/{me['id']}"
        assert (await client.patch(url, headers=bearer(tokens), json={"company_limit_override": 5})).status_code == 403
        assert (await client.patch(url, headers=bearer(admin), json={"plan": "PLATINUM"})).status_code == 422
        r = await client.patch(url, headers=bearer(admin), json={"company_limit_override": 2})
        assert r.status_code == 200, r.text
        assert r.json()["company_limit_override"] == 2 and r.json()["company_count"] == 1
        assert (await _company(client, tokens, name="Two")).status_code == 201
        assert (await _company(client, tokens, name="Three")).status_code == 402
        missing = f"/api/v1/admin/clients/{uuid.uuid4()}"
        assert (
            await client.patch(missing, headers=bearer(admin), json={"company_limit_override": 2})
        ).status_code == 404
        r = await client.patch(url, headers=bearer(admin), json={"company_limit_override": None})
        assert r.json()["company_limit_override"] is None
